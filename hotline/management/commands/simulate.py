"""`hotline simulate SCENARIO`: run a scenario file through the simulator (hotline/sim)."""

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hotline.sim.report import KPI_LABELS, html_report
from hotline.sim.runner import simulate
from hotline.sim.scenario import ScenarioError, parse, read


class Command(BaseCommand):
    help = (
        "Simulate a day, a month or a what-if through the floor's rules: KPIs with 95 % "
        "intervals, per-interval tables and the decision log (docs/scenarios.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("scenario", help="Scenario file, .yaml or .json")
        parser.add_argument("--json", dest="json_out", help="Write the full summary here.")
        parser.add_argument("--html", dest="html_out", help="Write the readable report here.")
        parser.add_argument("--replications", type=int, help="Override the scenario's count.")
        parser.add_argument("--seed", type=int, help="Override the scenario's seed.")
        parser.add_argument("--duration", help="Override the length, e.g. '30 d' or '8 h'.")
        parser.add_argument(
            "--set",
            action="append",
            default=[],
            metavar="KEY=VALUE",
            help="What-if: a rulebook setting for the whole centre, e.g. a2.max_wait='2 min'.",
        )
        parser.add_argument(
            "--progress",
            choices=["auto", "on", "off"],
            default="auto",
            help="Progress bar on stderr (auto: when stderr is a terminal).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            data = read(options["scenario"])
            if not isinstance(data, dict):
                raise ScenarioError("a scenario is a mapping")
            for key in ("replications", "seed", "duration"):
                if options[key] is not None:
                    data[key] = options[key]
            if options["set"]:
                data["rulebook"] = _with_overrides(data.get("rulebook"), options["set"])
            scenario = parse(data)
        except (OSError, ScenarioError) as error:
            raise CommandError(str(error)) from None
        show = options["progress"] == "on" or (
            options["progress"] == "auto" and sys.stderr.isatty()
        )
        summary = simulate(scenario, progress=show)
        self._print(summary)
        if options["json_out"]:
            Path(options["json_out"]).write_text(
                json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
            )
        if options["html_out"]:
            Path(options["html_out"]).write_text(html_report(summary), encoding="utf-8")

    def _print(self, summary: dict[str, Any]) -> None:
        out = self.stdout
        out.write(
            f"{summary['scenario']} ({summary['mode']}): {summary['counts']['offered']:,} calls, "
            f"{summary['replications']} replication(s), 95 % intervals from {summary['ci_from']}"
        )
        for key, label, unit in KPI_LABELS:
            kpi = summary["kpis"].get(key)
            if not kpi or kpi["value"] is None:
                continue
            low, high = kpi["ci95"]
            scale, suffix = (100, " %") if unit == "pct" else (1, " s")
            interval = f"  [{low * scale:.2f} – {high * scale:.2f}]" if low is not None else ""
            out.write(f"  {label:40s} {kpi['value'] * scale:10.2f}{suffix}{interval}")
        refusals = ", ".join(f"{rule}: {n}" for rule, n in summary["refusals_by_rule"].items())
        out.write(f"  refusals by rule: {refusals or 'none'}")


def _with_overrides(rulebook: object, assignments: list[str]) -> object:
    items: list[dict[str, object]]
    if rulebook is None:
        items = []
    elif isinstance(rulebook, dict):
        items = [{"key": k, "value": v} for k, v in rulebook.items()]
    elif isinstance(rulebook, list):
        items = list(rulebook)
    else:
        raise ScenarioError("rulebook: a mapping or a list")
    for assignment in assignments:
        key, sep, value = assignment.partition("=")
        if not sep:
            raise ScenarioError(f"--set {assignment}: expected KEY=VALUE")
        items = [i for i in items if i.get("key") != key.strip() or "queue" in i or "team" in i]
        items.append({"key": key.strip(), "value": value.strip()})
    return items
