"""D7 daily and D15 weekly per agent (A3, A1, B1, B2) from the floor's events, counted by hand."""

from datetime import date

import pytest

from hotline.reports.selectors import daily_report, weekly_report
from hotline.reports.tests.conftest import event, order, providers, ticket
from hotline.testing.times import utc
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


def reviewed(at, review_id: int, agent: int, met: int, not_met: int, breach: bool = False) -> None:  # type: ignore[no-untyped-def]
    """A quality review's event as the review service writes it (B11)."""
    event(
        at,
        "calls.review",
        review_id,
        "reviewed",
        agent=agent,
        met=met,
        not_met=not_met,
        score=met / (met + not_met),
        conduct_breach=breach,
    )


def test_b11_daily_and_weekly_count_each_agent_s_quality_reviews(centre) -> None:  # type: ignore[no-untyped-def]
    one, five = centre["agent1"], centre["agent5"]
    reviewed(utc(2026, 11, 23, 9), 1, one.pk, met=5, not_met=1)
    reviewed(utc(2026, 11, 23, 10), 2, one.pk, met=3, not_met=1, breach=True)
    reviewed(utc(2026, 11, 23, 11), 3, five.pk, met=4, not_met=0)  # Installations
    reviewed(utc(2026, 11, 25, 9), 4, one.pk, met=4, not_met=0)  # Wednesday
    reviewed(utc(2026, 11, 22, 21, 30), 5, one.pk, met=0, not_met=4)  # Sunday, local time
    day = daily_report(centre["lead"], MONDAY, NOW).section("agents")
    first = day.row(username="agent1")
    # Monday: 5 of 6 and 3 of 4 met: (5/6 + 3/4) / 2 = (20/24 + 18/24) / 2 = 19/24 = 79.2 %.
    assert (first["reviews"], first["conduct_breaches"]) == (2, 1)
    assert first["review_score"] == pytest.approx(19 / 24)
    second = day.row(username="agent2")
    assert (second["reviews"], second["review_score"], second["conduct_breaches"]) == (0, None, 0)
    assert "agent5" not in {r["username"] for r in day.rows}  # another team's lead's
    week = weekly_report(centre["lead"], MONDAY, NOW).section("agents").row(username="agent1")
    # The week adds Wednesday's 4 of 4: (5/6 + 3/4 + 1) / 3 = (20 + 18 + 24) / 72 = 62/72.
    assert (week["reviews"], week["conduct_breaches"]) == (3, 1)
    assert week["review_score"] == pytest.approx(62 / 72)
    everyone = daily_report(centre["manager"], MONDAY, NOW).section("agents")
    assert everyone.row(username="agent5")["review_score"] == 1.0


def test_b11_the_report_shows_the_average_as_a_percentage(centre) -> None:  # type: ignore[no-untyped-def]
    from hotline.reports.exports import table_context

    reviewed(utc(2026, 11, 23, 9), 1, centre["agent1"].pk, met=5, not_met=1)
    reviewed(utc(2026, 11, 23, 10), 2, centre["agent1"].pk, met=3, not_met=1, breach=True)
    report = daily_report(centre["lead"], MONDAY, NOW)
    agents = next(s for s in table_context(report) if s["section"].key == "agents")
    keys = [c.key for c in agents["section"].columns]
    row = agents["rows"][[r["username"] for r in agents["section"].rows].index("agent1")]
    assert row[keys.index("review_score")]["text"] == "79.2 %"
    assert row[keys.index("conduct_breaches")]["text"] == "1"
