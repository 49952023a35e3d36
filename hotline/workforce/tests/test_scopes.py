"""Rules at the seams: every rulebook number workforce reads, at every scope it accepts.

A2 can be set per queue: the team's forecast staffs for its queues' maximum waits. B1, B2, B4
and D14 can be set per team: the roster of that team keeps them, another team's does not."""

import json
from datetime import timedelta
from io import StringIO
from typing import Any
from unittest import mock

import pytest
from django.core.management import call_command
from django.urls import reverse

from hotline.calls.models import Queue
from hotline.core.rulebook import Scope, SettingError
from hotline.rulebook.selectors import current_rulebook
from hotline.rulebook.services import rule_value_set
from hotline.workforce import planning
from hotline.workforce.models import Roster
from hotline.workforce.tests.conftest import FIRST_MONDAY, call_history

pytestmark = pytest.mark.django_db


def _set(centre, now, key: str, raw: str, scope: Scope = Scope.DEPLOYMENT, ref: object = ""):  # type: ignore[no-untyped-def]
    rule_value_set(
        actor=centre["admin"],
        now=now,
        key=key,
        raw=raw,
        reason="seams",
        scope=scope,
        scope_ref=str(ref),
    )


def _staff(team: str) -> Any:  # the command's JSON
    out = StringIO()
    call_command(
        "wfm",
        "staff",
        "--team",
        team,
        "--from",
        FIRST_MONDAY.isoformat(),
        stdout=out,
        stderr=StringIO(),
    )
    return json.loads(out.getvalue())


def _agents(data: dict) -> int:  # type: ignore[type-arg]
    return sum(sum(week) for week in data["agents"])


def test_a2_forecast_reads_the_queue_then_the_centre(centre, now):
    call_history("repairs", weeks=2, per_hour=30)  # enough load for A2 to bind, not only 80/20
    call_history("installations", weeks=1)
    base = _staff("Repairs")
    assert base["max_wait_seconds"] == 180  # the rulebook's default
    repairs = Queue.objects.get(code="repairs")
    _set(centre, now, "a2.max_wait", "10 s", Scope.QUEUE, repairs.pk)
    strict = _staff("Repairs")
    assert strict["max_wait_seconds"] == 10
    assert _agents(strict) > _agents(base)  # 95 % within 10 s takes more agents
    # Another team's queue keeps the centre's: the override is not read across the seam.
    assert _staff("Installations")["max_wait_seconds"] == 180
    # The centre's value is the fall-back of every queue without one of its own.
    _set(centre, now, "a2.max_wait", "2 min")
    assert _staff("Installations")["max_wait_seconds"] == 120
    assert _staff("Repairs")["max_wait_seconds"] == 10


def test_a2_a_team_of_two_queues_staffs_for_the_stricter(centre, now):
    call_history("repairs")
    repairs = Queue.objects.get(code="repairs")
    second = Queue.objects.create(code="repairs-vip", name="VIP line", team=repairs.team)
    _set(centre, now, "a2.max_wait", "30 s", Scope.QUEUE, second.pk)
    assert _staff("Repairs")["max_wait_seconds"] == 30
    _set(centre, now, "a2.max_wait", "20 s", Scope.QUEUE, repairs.pk)
    assert _staff("Repairs")["max_wait_seconds"] == 20


def test_a2_cannot_be_set_per_team(centre, now):
    team = centre["lead"].team
    with pytest.raises(SettingError):
        _set(centre, now, "a2.max_wait", "10 s", Scope.TEAM, team.pk)
    assert planning.team_max_wait(team) == timedelta(minutes=3)


TEAM_SETTINGS = [
    # key, value typed, field of RosterRules, expected there
    ("b1.prep_min", "5", "prep_min", 5),
    ("b1.prep_max", "30", "prep_max", 30),
    ("b2.short_breaks_per_day", "1", "short_breaks", 1),
    ("b2.short_break_length", "10", "short_break", 10),
    ("b2.lunches_per_day", "0", "lunches", 0),
    ("b2.lunch_length", "45", "lunch", 45),
    ("b4.max_on_break", "2", "max_on_break", 2),
    ("d14.weekly_hours", "32", "weekly_minutes", 32 * 60),
    ("d14.days_off", "3", "days_off", 3),
]


@pytest.mark.parametrize(("key", "raw", "field", "expected"), TEAM_SETTINGS)
def test_b1_b2_b4_d14_roster_rules_at_team_and_centre_scope(centre, now, key, raw, field, expected):
    repairs, installations = centre["lead"].team, centre["agent5"].team
    default = getattr(planning.roster_rules(repairs), field)
    _set(centre, now, key, raw, Scope.TEAM, repairs.pk)
    assert getattr(planning.roster_rules(repairs), field) == expected
    assert getattr(planning.roster_rules(installations), field) == default
    _set(centre, now, key, raw, Scope.DEPLOYMENT)
    assert getattr(planning.roster_rules(installations), field) == expected


def test_b4_share_of_the_team_is_what_the_roster_staggers(centre, now):
    repairs, installations = centre["lead"].team, centre["agent5"].team
    size = len(planning.rostered_agents(repairs))
    assert size >= 4
    _set(centre, now, "b4.max_on_break_share", "50", Scope.TEAM, repairs.pk)
    assert planning.roster_rules(repairs).max_on_break == size // 2
    assert planning.roster_rules(installations).max_on_break == 1  # the count, the default
    _set(centre, now, "b4.max_on_break_share", "100")
    assert planning.roster_rules(installations).max_on_break == len(
        planning.rostered_agents(installations)
    )
    assert planning.roster_rules(repairs).max_on_break == size // 2  # the team's own wins


def test_b1_team_preparation_kept_by_the_roster_generated_on_the_page(client, centre, now):
    call_history("repairs")
    lead = centre["lead"]
    _set(centre, now, "b1.prep_max", "30", Scope.TEAM, lead.team_id)
    _set(centre, now, "b1.prep_min", "30", Scope.TEAM, lead.team_id)
    _set(centre, now, "b4.max_on_break_share", "50", Scope.TEAM, lead.team_id)
    client.force_login(lead)
    with (
        mock.patch("hotline.workforce.views.FORM_SOLVE_SECONDS", 4.0),
        mock.patch("hotline.clock.now", return_value=now),
    ):
        response = client.post(
            reverse("workforce:generate"),
            {"team": lead.team_id, "first_monday": FIRST_MONDAY.isoformat(), "weeks": "1"},
        )
    assert response.status_code == 302, response.content.decode()[-3000:]
    roster = Roster.objects.get()
    assert roster.figures["rules"]["prep_min"] == roster.figures["rules"]["prep_max"] == 30
    assert roster.figures["rules"]["max_on_break"] == len(planning.rostered_agents(lead.team)) // 2
    assert {s.start - s.prep_start for s in roster.shifts.all()} == {30}


def test_rulebook_reads_match_the_rulebook(centre):
    """The planning reads resolve as the rulebook does (no second resolution order)."""
    team = centre["lead"].team
    rules = current_rulebook()
    assert planning.roster_rules(team).weekly_minutes == int(
        rules.duration("d14.weekly_hours", team=team.pk).total_seconds() // 60
    )


def test_b2_team_lunch_kept_by_the_cli_roster_and_not_by_another_team(centre, now):
    call_history("repairs")
    call_history("installations")
    _set(centre, now, "b2.lunch_length", "15", Scope.TEAM, centre["lead"].team_id)
    out = StringIO()
    call_command(
        "wfm",
        "roster",
        "--from",
        FIRST_MONDAY.isoformat(),
        "--seconds",
        "4",
        stdout=out,
        stderr=StringIO(),
    )
    teams = {t["team"]: t for t in json.loads(out.getvalue())}
    lunches = {
        name: {
            b["end"] - b["start"] for s in t["shifts"] for b in s["breaks"] if b["kind"] == "lunch"
        }
        for name, t in teams.items()
    }
    assert teams["Repairs"]["rules"]["lunch"] == 15
    assert lunches["Repairs"] == {15}
    assert teams["Installations"]["rules"]["lunch"] == 30
    assert lunches["Installations"] == {30}
    assert teams["Repairs"]["violations"] == teams["Installations"]["violations"] == []


def test_a2_staffing_chart_says_the_queue_wait_it_keeps(client, centre, now):
    """The team lead reads on the page which A2 the staffing kept: the queue's, in Bulgarian."""
    from django.utils import translation

    from hotline.formatting import duration_text
    from hotline.workforce.services import roster_generate

    call_history("repairs")
    lead = centre["lead"]
    lead.language = "bg"
    lead.save()
    _set(centre, now, "a2.max_wait", "45 s", Scope.QUEUE, Queue.objects.get(code="repairs").pk)
    roster = roster_generate(
        actor=lead, now=now, team=lead.team, first_monday=FIRST_MONDAY, weeks=1, seconds=4.0
    )
    client.force_login(lead)
    with mock.patch("hotline.clock.now", return_value=now):
        html = client.get(reverse("workforce:staffing", args=[roster.pk])).content.decode()
    with translation.override("bg"):
        assert f"{duration_text(timedelta(seconds=45))} (A2)" in html
