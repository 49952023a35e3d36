"""The simulator's KPIs are the wallboard's (hotline.core.kpi), its memory does not grow with
the run, its scenarios fail loudly, and it stays pure (no Django, no clock)."""

import tracemalloc
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from hotline.core.kpi import floor_kpis
from hotline.sim.engine import Simulation
from hotline.sim.report import html_report
from hotline.sim.results import call_records, estimate, summarize
from hotline.sim.runner import ProgressBar, simulate
from hotline.sim.scenario import ScenarioError, load, parse
from hotline.testing.purity import clock_reads, django_imports

SIM = Path(__file__).resolve().parent.parent
DOCS = SIM.parent.parent / "docs" / "scenarios"


def _morning(**extra: object) -> dict[str, Any]:
    # Calls 08:00-12:00 only, so every call has finished by the end of the day.
    rates = [0.0] * 8 + [150.0, 200.0, 180.0, 120.0] + [0.0] * 12
    return {
        "duration": "1 d",
        "interval": "1 h",
        "seed": 3,
        "queues": [
            {
                "name": "line",
                "handle": {"dist": "lognormal", "mean": "4 min", "sd": "3 min"},
                "patience": {"exponential": "90 s"},
                "arrivals": {"per_interval": rates},
            }
        ],
        "agents": [{"name": "a", "count": 14, "shifts": [{"start": "07:30", "end": "13:00"}]}],
        **extra,
    }


def test_kpis_are_those_of_core_kpi_on_the_same_calls() -> None:
    scenario = parse(_morning(keep_calls=True, rulebook={"a2.max_wait": "60 min"}))
    run = Simulation(scenario, 3, batches=1).run()
    summary = summarize(scenario, [run])
    records = call_records(scenario, run)
    assert len(records) == summary["counts"]["offered"] > 500
    expected = floor_kpis(
        records,
        [],
        [],
        now=scenario.start + timedelta(days=1),
        threshold=timedelta(seconds=scenario.threshold),
        short_abandon=timedelta(seconds=scenario.short_abandon),
        max_talk=timedelta(minutes=15),
    )
    kpis = summary["kpis"]
    assert expected.service_level_strict == pytest.approx(kpis["service_level"]["value"], abs=1e-4)
    assert expected.abandonment_rate == pytest.approx(kpis["abandonment_rate"]["value"], abs=1e-4)
    assert expected.average_speed_of_answer is not None
    assert expected.average_speed_of_answer.total_seconds() == pytest.approx(
        kpis["asa_seconds"]["value"], abs=1e-3
    )
    assert expected.average_handle_time is not None
    assert expected.average_handle_time.total_seconds() == pytest.approx(
        kpis["aht_seconds"]["value"], abs=1e-3
    )
    assert expected.over_limit_calls == summary["counts"]["over_limit"]


def test_intervals_stay_inside_what_the_kpi_can_be() -> None:
    """Three replications with a rare event: the bare t interval of a share would go below 0."""
    rare = estimate(0.002, [0.0, 0.0, 0.006], share=True)
    assert rare.low == 0.0
    assert rare.high is not None
    assert 0.002 < rare.high < 1.0
    certain = estimate(0.99, [1.0, 0.97, 1.0], share=True)
    assert certain.high == 1.0
    wait = estimate(1.0, [0.0, 0.0, 3.0])
    assert wait.low == 0.0
    assert wait.high is not None
    assert wait.high > 1.0


def test_per_interval_table_adds_up_to_the_day() -> None:
    summary = simulate(parse(_morning(replications=3)))
    rows = summary["intervals"]
    assert [r["interval"] for r in rows] == ["08:00", "09:00", "10:00", "11:00"]
    assert sum(r["offered"] for r in rows) == summary["counts"]["offered"]
    assert summary["ci_from"] == "replications"
    low, high = summary["kpis"]["service_level"]["ci95"]
    assert low < summary["kpis"]["service_level"]["value"] < high


def _peak(days: int) -> int:
    scenario = parse(
        {
            "duration": f"{days} d",
            "interval": "1 h",
            "log_limit": 50,  # the decision log is capped: the rest is counted, not kept
            "queues": [
                {
                    "name": "line",
                    "handle": {"exponential": "5 min"},
                    "patience": {"exponential": "3 min"},
                    "arrivals": {"per_minute": 1.0},
                }
            ],
            "agents": [{"count": 6}],
        }
    )
    tracemalloc.start()
    Simulation(scenario, 1, batches=1).run()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def test_memory_stays_flat_as_the_run_gets_longer() -> None:
    # Once every counter slot is in use (a few days), six times the run takes about as much memory.
    short, long = _peak(2), _peak(12)
    assert long < short * 1.5, (short, long)


def test_scenario_errors_name_the_field() -> None:
    with pytest.raises(ScenarioError, match=r"queues\[0\]\.handle\.mean"):
        parse({"queues": [{"handle": {"dist": "exponential", "mean": "soon"}}], "agents": [{}]})
    with pytest.raises(ScenarioError, match="rulebook"):
        parse({"queues": [{"handle": "5 min"}], "agents": [{}], "rulebook": {"a2.max_wait": "9 h"}})
    with pytest.raises(ScenarioError, match=r"script\[0\]\.agent"):
        parse(
            {
                "queues": [{"handle": "5 min"}],
                "agents": [{"name": "ann"}],
                "script": [{"at": "08:00", "event": "break", "agent": "nobody"}],
            }
        )
    with pytest.raises(ScenarioError, match="unknown fields: colour"):
        parse({"queues": [{"handle": "5 min"}], "agents": [{}], "colour": "red"})


def test_documented_example_scenarios_load_and_run() -> None:
    files = sorted(DOCS.glob("*.yaml")) + sorted(DOCS.glob("*.json"))
    assert len(files) >= 2
    for path in files:
        scenario = load(path)
        short = replace(scenario, replications=1, duration=min(scenario.duration, 86400.0))
        summary = simulate(short)
        assert scenario.name, path
        assert summary["counts"]["offered"] > 0, path


def test_html_report_has_the_kpis_and_an_inline_svg_chart() -> None:
    summary = simulate(parse(_morning(replications=2)))
    page = html_report(summary)
    assert page.startswith("<!DOCTYPE html>")
    assert "<svg" in page
    assert "Service level" in page
    assert "https://" not in page  # self-contained: no outside resources


def test_progress_bar_draws_on_the_stream_it_is_given() -> None:
    import io

    stream = io.StringIO()
    bar = ProgressBar(2, stream=stream)
    bar.update(0.5)
    bar.next()
    bar.close()
    assert "100%" in stream.getvalue()
    assert "replication 2/2" in stream.getvalue()


def test_simulator_is_pure_python_and_never_reads_the_clock() -> None:
    sources = [p for p in SIM.rglob("*.py") if "tests" not in p.relative_to(SIM).parts]
    assert len(sources) >= 5
    for path in sources:
        text = path.read_text(encoding="utf-8")
        assert django_imports(text) == [], path
        assert clock_reads(text) == [], path
