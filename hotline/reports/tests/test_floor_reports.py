"""D7 daily and D15 weekly per agent (A3, A1, B1, B2) from the floor's events, counted by hand."""

from datetime import date

import pytest

from hotline.reports.selectors import daily_report, weekly_report
from hotline.reports.tests.conftest import event, order, providers, ticket, utc
from hotline.tickets.choices import TicketKind

pytestmark = pytest.mark.django_db
MONDAY = date(2026, 11, 23)  # Sofia: 2026-11-22 22:00 UTC to 2026-11-23 22:00 UTC
NOW = utc(2026, 11, 27, 8)


def call(n: int, at_minute: int, agent: int, talk: int, day: int = 23) -> None:
    event(utc(2026, 11, day, 8, at_minute), "calls.call", n, "arrived")
    event(utc(2026, 11, day, 8, at_minute, 10), "calls.call", n, "answered", agent=agent)
    event(utc(2026, 11, day, 9, at_minute), "calls.call", n, "ended", talk_seconds=talk)


@pytest.fixture
def monday(centre):  # type: ignore[no-untyped-def]
    one, two, five = centre["agent1"], centre["agent2"], centre["agent5"]
    call(1, 1, one.pk, 1000)  # over A1's 15 min
    call(2, 2, one.pk, 900)  # exactly the limit: within
    call(3, 3, one.pk, 60)
    call(4, 4, two.pk, 60)
    call(5, 5, five.pk, 2000)  # agent5 is in the Installations team
    # Sunday 23:30 local (21:30 UTC) is not Monday's.
    event(utc(2026, 11, 22, 21, 30), "calls.call", 6, "answered", agent=one.pk)
    event(utc(2026, 11, 23, 6, 40), "calls.agent", one.pk, "first_ready", late_seconds=300)
    event(utc(2026, 11, 23, 6, 10), "calls.agent", two.pk, "first_ready", late_seconds=0)
    event(utc(2026, 11, 23, 11), "calls.agent", one.pk, "break_overrun")
    # Wednesday: two more for agent1.
    call(7, 1, one.pk, 60, day=25)
    call(8, 2, one.pk, 60, day=25)
    owner = centre["agent1"]
    ticket(owner, utc(2026, 11, 23, 9), TicketKind.COMPLAINT)
    order(providers()[0], utc(2026, 11, 23, 10), owner)  # its ticket is made at 09:55
    event(utc(2026, 11, 23, 10), "dispatch.work_order", 1, "dispatched")
    return one, two, five


def test_d7_daily_per_agent_calls_target_over_limit_late_and_overruns(centre, monday) -> None:  # type: ignore[no-untyped-def]
    _one, _two, _five = monday
    report = daily_report(centre["manager"], MONDAY, NOW)
    agents = report.section("agents")
    first = agents.row(username="agent1")
    assert (first["handled"], first["target"], first["short"]) == (3, 30, True)
    assert first["over_limit"] == 1
    assert (first["late_logins"], first["late_minutes"], first["break_overruns"]) == (1, 5, 1)
    second = agents.row(username="agent2")
    assert (second["handled"], second["over_limit"], second["late_logins"]) == (1, 0, 0)
    assert agents.row(username="agent5")["over_limit"] == 1


def test_d7_the_day_s_cases_go_to_the_team_lead(centre, monday) -> None:  # type: ignore[no-untyped-def]
    report = daily_report(centre["lead"], MONDAY, NOW)
    cases = {r["figure"]: r["value"] for r in report.section("cases").rows}
    assert cases[str(TicketKind.COMPLAINT.label)] == 1
    assert cases[str(TicketKind.REPAIR.label)] == 1
    assert cases["Work orders dispatched"] == 1
    assert cases["Leftovers: dispatched by the end, still open now (D7)"] == 1
    assert len(report.section("case_list").rows) == 2


def test_d15_a_team_lead_sees_only_their_team(centre, monday) -> None:  # type: ignore[no-untyped-def]
    report = weekly_report(centre["lead"], date(2026, 11, 26), NOW)
    usernames = {r["username"] for r in report.section("agents").rows}
    assert "agent1" in usernames
    assert "agent5" not in usernames
    everyone = weekly_report(centre["manager"], MONDAY, NOW)
    assert "agent5" in {r["username"] for r in everyone.section("agents").rows}


def test_d15_weekly_sums_the_days_and_counts_days_short(centre, monday) -> None:  # type: ignore[no-untyped-def]
    report = weekly_report(centre["lead"], MONDAY, NOW)
    first = report.section("agents").row(username="agent1")
    # Monday 3 + Wednesday 2 = 5 calls on 2 days worked: target 2 x 30, both days short.
    assert (first["handled"], first["target"], first["days_short"]) == (5, 60, 2)
    days = {r["day"]: r for r in report.section("calls").rows}
    assert len(days) == 7
    assert (days["2026-11-23"]["arrived"], days["2026-11-23"]["answered"]) == (5, 5)
    assert days["2026-11-25"]["answered"] == 2
    assert "2026-11-22" not in days
    kpis = {r["figure"]: r["value"] for r in report.section("kpis").rows}
    # Every call was answered 10 s after it arrived: within 20 s, so the service level is 100 %.
    assert kpis["Service level (20 s)"] == 100.0
    assert kpis["Average speed of answer (s)"] == 10
