"""`hotline simulate`: a thin edge over the pure simulator."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

REPLAY = Path(__file__).resolve().parents[3] / "docs" / "scenarios" / "replay.yaml"


def test_simulate_command_writes_json_and_html_and_applies_what_if(tmp_path: Path) -> None:
    out = StringIO()
    call_command(
        "simulate",
        str(REPLAY),
        "--json",
        str(tmp_path / "out.json"),
        "--html",
        str(tmp_path / "out.html"),
        "--set",
        "b4.max_on_break=3",
        "--progress",
        "off",
        stdout=out,
    )
    summary = json.loads((tmp_path / "out.json").read_text())
    assert summary["counts"]["offered"] == 3
    assert all(e["rule"] for e in summary["decision_log"] if e.get("refused"))
    assert "<svg" in (tmp_path / "out.html").read_text()
    assert "Service level" in out.getvalue()


def test_simulate_command_refuses_a_bad_override_naming_it() -> None:
    with pytest.raises(CommandError, match=r"a2\.max_wait"):
        call_command("simulate", str(REPLAY), "--set", "a2.max_wait=9 h", "--progress", "off")
