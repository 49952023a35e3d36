"""Run a scenario: replications with their own seeds, a progress bar, the summary."""

from __future__ import annotations

import sys
from typing import Any, TextIO

from hotline.sim.engine import Simulation
from hotline.sim.results import summarize
from hotline.sim.scenario import Scenario
from hotline.sim.state import RunResult


class ProgressBar:
    """A one-line bar on a terminal stream (stderr), redrawn when the percentage moves.

    Its unit is the simulated time of the run, not the wall clock (the simulator has none).
    """

    def __init__(self, total: int, stream: TextIO = sys.stderr, width: int = 30) -> None:
        self.total, self.stream, self.width = total, stream, width
        self.done = 0
        self.shown = -1

    def update(self, fraction: float) -> None:
        share = min(1.0, (self.done + fraction) / self.total)
        percent = int(share * 100)
        if percent == self.shown:
            return
        self.shown = percent
        filled = int(share * self.width)
        self.stream.write(
            f"\r[{'#' * filled}{'.' * (self.width - filled)}] {percent:3d}% "
            f"replication {min(self.done + 1, self.total)}/{self.total}"
        )
        self.stream.flush()

    def next(self) -> None:
        self.done += 1
        self.update(0.0)

    def close(self) -> None:
        self.update(1.0)
        self.stream.write("\n")
        self.stream.flush()


def replicate(scenario: Scenario, *, progress: bool = False) -> list[RunResult]:
    bar = ProgressBar(scenario.replications) if progress else None
    batches = scenario.batches if scenario.replications == 1 else 1
    runs = []
    for i in range(scenario.replications):
        sim = Simulation(
            scenario,
            seed=scenario.seed + 7919 * i,
            batches=batches,
            progress=bar.update if bar else None,
        )
        runs.append(sim.run())
        if bar:
            bar.next()
    if bar:
        bar.close()
    return runs


def simulate(scenario: Scenario, *, progress: bool = False) -> dict[str, Any]:
    return summarize(scenario, replicate(scenario, progress=progress))
