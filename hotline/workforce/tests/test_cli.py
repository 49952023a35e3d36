"""`hotline wfm forecast|staff|roster`: JSON on stdout, progress on stderr, bad input refused."""

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from hotline.workforce.models import Roster
from hotline.workforce.tests.conftest import call_history

pytestmark = pytest.mark.django_db


def _run(*args: str) -> tuple[Any, str]:  # the command's JSON, its stderr
    out, err = StringIO(), StringIO()
    call_command("wfm", *args, stdout=out, stderr=err)
    return json.loads(out.getvalue()), err.getvalue()


def test_forecast_and_staff_json(centre):
    call_history("repairs")
    data, _ = _run("forecast", "--team", "Repairs", "--from", "2026-12-07", "--weeks", "2")
    assert data["team"] == "Repairs"
    assert len(data["calls"]) == 2
    assert len(data["calls"][0]) == 672
    assert "holdout_wape" in data
    assert "agents" not in data
    staffed, _ = _run("staff", "--team", "repairs", "--from", "2026-12-07")
    assert max(staffed["agents"][0]) >= 1


def test_d14_roster_json_keeps_every_rule(centre, capsys):
    call_history("repairs")
    data, err = _run("roster", "--team", "Repairs", "--from", "2026-12-07", "--seconds", "4")
    assert data["feasible"]
    assert data["violations"] == []
    assert {s["agent"] for s in data["shifts"]} == {"agent1", "agent2", "agent3", "agent4"}
    assert "solving" in capsys.readouterr().err or "solving" in err
    assert not Roster.objects.exists()  # printed, not stored


def test_roster_saved_as_a_user_goes_through_the_service(centre):
    data, _ = _run(
        "roster", "--team", "Repairs", "--from", "2026-12-07", "--seconds", "4", "--save", "lead"
    )
    assert Roster.objects.get(pk=data["roster"]).state == "draft"
    with pytest.raises(CommandError, match="D14"):  # another team's lead
        _run("roster", "--team", "Installations", "--from", "2026-12-07", "--save", "lead")


@pytest.mark.parametrize(
    "args",
    [
        ["forecast", "--from", "2026-12-08"],
        ["forecast", "--weeks", "0"],
        ["staff", "--team", "x"],
        ["forecast", "--from", "soon"],
    ],
)
def test_bad_input_is_a_clear_error(centre, args):
    with pytest.raises(CommandError):
        _run(*args)
