"""D4: the provider's desk checks its orders 2-3 times a day: tracked from its visits to the
portal's order list (one check per 30 min at most), shown on the dispatch board against the
rulebook's minimum and counted in the monthly report (D13). Europe/Sofia, a clock that moves."""

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse

from hotline.audit.models import Event
from hotline.directory.models import Provider
from hotline.dispatch.models import DeskCheck
from hotline.dispatch.services.desk import DESK_CHECK_GAP
from hotline.rulebook.selectors import centre_calendar
from hotline.rulebook.services import rule_value_set
from hotline.testing.clock import MovingClock
from hotline.testing.times import utc

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch, now):
    moving = MovingClock(now)
    monkeypatch.setattr("hotline.clock.now", moving)
    return moving


def _board_checks(api) -> dict[str, dict[str, Any]]:  # type: ignore[no-untyped-def]
    board = api("dispatcher", "get", "/dispatch/board").json()
    return {row["name"]: row for row in board["desk_checks"]}


def test_d4_desk_checks_counted_once_per_window_and_shown_on_the_board(
    api, client, in_english, centre, now, clock
):
    client.force_login(centre["provider1"])
    sofia = centre["provider1"].provider.name
    varna = centre["provider3"].provider.name
    # 10:00 Sofia: the first look; a refresh storm within the window is the same check.
    for minutes in (0, 1, 2, 29):
        clock.now = now + timedelta(minutes=minutes)
        assert client.get(reverse("provider:orders")).status_code == 200
    assert _board_checks(api)[sofia]["today"] == 1
    assert _board_checks(api)[sofia]["short"] is True  # 1 < the rulebook's 2
    # 30 min after the last counted check: a second check, through the API this time.
    clock.now = now + DESK_CHECK_GAP
    assert api("provider1", "get", "/provider/orders").status_code == 200
    checks = _board_checks(api)
    assert (checks[sofia]["today"], checks[sofia]["minimum"], checks[sofia]["short"]) == (
        2,
        2,
        False,
    )
    assert (checks[varna]["today"], checks[varna]["short"]) == (0, True)
    assert Event.objects.filter(action="desk_check", rule="D4").count() == 2
    # The board page flags the provider below the minimum, not the one that met it.
    client.force_login(centre["dispatcher"])
    page = client.get(reverse("dispatch:board")).content.decode()
    section = page[page.index("Provider desk checks today (D4)") :]
    varna_row = section[section.index(varna) :].split("</tr>")[0]
    sofia_row = section[section.index(sofia) :].split("</tr>")[0]
    assert "below the minimum" in varna_row
    assert "below the minimum" not in sofia_row


def test_d4_desk_check_counts_for_the_local_day_in_sofia(api, centre, clock):
    """23:50 Sofia is Monday's check; 00:20 Sofia (still Monday in UTC) is Tuesday's."""
    clock.now = utc(2026, 11, 23, 21, 50)
    api("provider1", "get", "/provider/orders")
    clock.now = utc(2026, 11, 23, 22, 20)
    api("provider1", "get", "/provider/orders")
    days = list(DeskCheck.objects.order_by("at").values_list("day", flat=True))
    assert [d.isoformat() for d in days] == ["2026-11-23", "2026-11-24"]
    assert _board_checks(api)[centre["provider1"].provider.name]["today"] == 1  # Tuesday's


def test_d4_the_minimum_is_the_rulebook_setting(api, centre, now, clock):
    api("provider1", "get", "/provider/orders")
    rule_value_set(actor=centre["admin"], now=now, key="d4.desk_checks_min", raw="1", reason="t")
    row = _board_checks(api)[centre["provider1"].provider.name]
    assert (row["today"], row["minimum"], row["short"]) == (1, 1, False)


@pytest.mark.parametrize("username", ["dispatcher", "agent1", "customer1", "manager"])
def test_d4_other_roles_make_no_desk_checks(api, username):
    assert api(username, "get", "/provider/orders").status_code == 403
    assert not DeskCheck.objects.exists()


def test_d4_bad_list_input_is_422_and_no_check(api):
    assert api("provider1", "get", "/provider/orders?page=0").status_code == 422
    assert api("provider1", "get", "/provider/orders?filter=everything").status_code == 422
    assert not DeskCheck.objects.exists()


def test_d4_board_desk_checks_closed_to_providers(api):
    assert api("provider1", "get", "/dispatch/board").status_code == 403


def test_d13_days_with_too_few_desk_checks_per_provider(api, centre, clock):
    """November 2026: TechServ Sofia's desk checks twice on the 23rd and once on the 24th; every
    other working day of the month has none. The report, made in December, counts per provider
    the working days below the minimum (2)."""
    for moment in (utc(2026, 11, 23, 8), utc(2026, 11, 23, 12), utc(2026, 11, 24, 8)):
        clock.now = moment
        api("provider1", "get", "/provider/orders")
    clock.now = utc(2026, 12, 2, 8)
    calendar = centre_calendar()
    working = [
        day
        for day in (utc(2026, 11, 1).date() + timedelta(days=n) for n in range(30))
        if calendar.is_working_day(day)
    ]
    report = api("manager", "get", "/reports/monthly?month=2026-11").json()
    rows = {r["provider"]: r for r in report["sections"]["providers"]["rows"]}
    sofia = centre["provider1"].provider.name
    assert rows[sofia]["desk_short_days"] == len(working) - 1  # only the 23rd met it
    for provider in Provider.objects.exclude(name=sofia):
        assert rows[provider.name]["desk_short_days"] == len(working)
    # A provider's own report: its own figure, nobody else's.
    own = api("provider1", "get", "/reports/monthly?month=2026-11").json()
    assert [r["provider"] for r in own["sections"]["providers"]["rows"]] == [sofia]


def test_d13_desk_check_days_not_over_yet_are_not_counted(api, centre, clock):
    """Made on 3 November, the month's report counts only the working days before today."""
    clock.now = utc(2026, 11, 3, 8)
    calendar = centre_calendar()
    over = [
        d for d in (utc(2026, 11, 1).date(), utc(2026, 11, 2).date()) if calendar.is_working_day(d)
    ]
    report = api("manager", "get", "/reports/monthly?month=2026-11").json()
    row = report["sections"]["providers"]["rows"][0]
    assert row["desk_short_days"] == len(over)
