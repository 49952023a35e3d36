"""Workforce pages' inputs bounded on the server (422 in the reader's language, what was typed
kept, nothing changed), wrong team refused, and dates and days in the centre's time zone
(Europe/Sofia) and the reader's language (D14, B1)."""

from datetime import UTC, date, datetime, timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import formats, translation

from hotline.audit.models import Event
from hotline.workforce.models import LeaveRequest, LeaveState, Roster, Shift
from hotline.workforce.selectors import hhmm
from hotline.workforce.services import LEAVE_NOTICE, leave_request
from hotline.workforce.tests.conftest import FIRST_MONDAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def at_now(now):  # type: ignore[no-untyped-def]
    with mock.patch("hotline.clock.now", return_value=now):
        yield now


def _bg(user):  # type: ignore[no-untyped-def]
    user.language = "bg"
    user.save()
    return user


def _ask(client, **fields):  # type: ignore[no-untyped-def]
    data = {"first_day": "2026-12-08", "last_day": "2026-12-09", "reason": "family"} | fields
    return client.post(reverse("workforce:leave_ask"), data)


@pytest.mark.parametrize(
    ("fields", "typed"),
    [
        ({"reason": "x" * 301}, "x" * 301),  # the column is 300: a server error on PostgreSQL
        ({"reason": "family\x00"}, "2026-12-08"),  # PostgreSQL text holds no NUL
        ({"first_day": "9999-12-01", "last_day": "9999-12-31"}, "9999-12-31"),
        ({"first_day": "0001-01-01"}, "0001-01-01"),
        ({"last_day": "2026-13-40"}, "2026-13-40"),
        ({"reason": ""}, "2026-12-08"),
    ],
)
def test_d14_leave_form_bounded_in_the_readers_language(client, centre, at_now, fields, typed):
    client.force_login(_bg(centre["agent1"]))
    response = _ask(client, **fields)
    html = response.content.decode()
    assert response.status_code == 422
    assert 'class="error"' in html
    assert typed in html  # what was typed is shown again
    with translation.override("bg"):
        assert (
            translation.gettext("Reason") in html
            or translation.gettext("From") in html
            or (translation.gettext("Until") in html)
        )
    assert not LeaveRequest.objects.exists()
    assert not Event.objects.filter(entity="workforce.leave").exists()


def test_d14_leave_ending_before_it_starts_refused(client, centre, at_now):
    client.force_login(centre["agent1"])
    response = _ask(client, first_day="2026-12-09", last_day="2026-12-08")
    assert response.status_code == 409
    assert '<span class="rule">D14</span>' in response.content.decode()
    assert not LeaveRequest.objects.exists()


def test_d14_leave_reason_at_the_bound_is_kept_whole(client, centre, at_now):
    client.force_login(centre["agent1"])
    assert _ask(client, reason="y" * 300).status_code == 302
    assert LeaveRequest.objects.get().reason == "y" * 300


def test_d14_too_early_leave_names_the_first_day_in_the_readers_format(client, centre, at_now):
    agent = _bg(centre["agent1"])
    client.force_login(agent)
    response = _ask(client, first_day="2026-11-25", last_day="2026-11-25")
    earliest = date(2026, 11, 23) + LEAVE_NOTICE
    with translation.override("bg"):
        shown = formats.date_format(earliest, "DATE_FORMAT")
    assert response.status_code == 409
    assert shown in response.content.decode()
    assert earliest.isoformat() not in response.content.decode()


def test_d14_leave_days_shown_in_the_readers_format(client, centre, at_now):
    lead = _bg(centre["lead"])
    leave_request(
        actor=centre["agent1"],
        now=at_now,
        first_day=date(2026, 12, 8),
        last_day=date(2026, 12, 9),
        reason="family",
    )
    client.force_login(lead)
    html = client.get(reverse("workforce:leave")).content.decode()
    with translation.override("bg"):
        assert formats.date_format(date(2026, 12, 8), "DATE_FORMAT") in html
    assert "Dec" not in html


def test_d14_leave_decision_by_another_teams_lead_refused(client, centre, at_now):
    leave = leave_request(
        actor=centre["agent5"],
        now=at_now,
        first_day=date(2026, 12, 8),
        last_day=date(2026, 12, 8),
        reason="x",
    )
    client.force_login(centre["lead"])
    response = client.post(
        reverse("workforce:leave_decide", args=[leave.pk]), {"decision": "approve" * 1000}
    )
    assert response.status_code == 404
    leave.refresh_from_db()
    assert leave.state == LeaveState.ASKED


@pytest.mark.parametrize(
    "fields",
    [
        {"team": "9" * 30},  # past a 64-bit key: a server error on PostgreSQL and SQLite
        {"weeks": "99"},
        {"weeks": "9" * 40},
        {"first_monday": "9999-12-27"},  # the forecast's arithmetic would leave the calendar
        {"first_monday": "0001-01-01"},
    ],
)
def test_d14_generate_form_bounded(client, centre, at_now, fields):
    lead = _bg(centre["lead"])
    client.force_login(lead)
    data = {"team": lead.team_id, "first_monday": FIRST_MONDAY.isoformat(), "weeks": "1"}
    response = client.post(reverse("workforce:generate"), data | fields)
    assert response.status_code == 422
    assert 'class="error"' in response.content.decode()
    assert not Roster.objects.exists()


def test_d14_generate_for_another_team_refused_nothing_stored(client, centre, at_now):
    client.force_login(centre["lead"])
    response = client.post(
        reverse("workforce:generate"),
        {"team": centre["agent5"].team_id, "first_monday": FIRST_MONDAY.isoformat(), "weeks": "1"},
    )
    assert response.status_code == 422
    assert not Roster.objects.exists()
    assert centre["agent5"].team.name not in response.content.decode().split("<select")[0]


@pytest.mark.parametrize(
    "fields",
    [
        {"start": "0" * 400},
        {"breaks": "break 10:00-10:15\n" * 40},
        {"breaks": "break 10:00-10:15\x00"},
    ],
)
def test_d14_shift_edit_bounded(client, centre, roster, at_now, fields):
    shift = roster.shifts.first()
    client.force_login(centre["lead"])
    data = {
        "prep_start": hhmm(shift.prep_start),
        "start": hhmm(shift.start),
        "end": hhmm(shift.end),
    }
    response = client.post(reverse("workforce:shift_edit", args=[shift.pk]), data | fields)
    assert response.status_code == 422
    after = Shift.objects.get(pk=shift.pk)
    assert (after.start, after.breaks) == (shift.start, shift.breaks)


def test_d14_shift_edit_by_another_teams_lead_not_found(client, centre, roster, at_now):
    shift = roster.shifts.first()
    roster.team = centre["agent5"].team
    roster.save()
    client.force_login(centre["lead"])
    response = client.post(
        reverse("workforce:shift_edit", args=[shift.pk]),
        {"prep_start": "07:00", "start": "07:15", "end": "15:00"},
    )
    assert response.status_code == 404
    assert Shift.objects.get(pk=shift.pk).start == shift.start
    staffing = client.get(reverse("workforce:staffing", args=[roster.pk]))
    assert staffing.status_code == 404
    assert roster.team.name not in staffing.content.decode()


@pytest.mark.parametrize(
    "query", [{"day": "0001-01-01"}, {"day": "9999-99-99"}, {"team": "9" * 30}]
)
def test_b1_adherence_query_bounded(client, centre, at_now, query):
    client.force_login(centre["lead"])
    response = client.get(reverse("workforce:adherence"), query)
    assert response.status_code == 422
    assert 'class="error"' in response.content.decode()


def test_b1_adherence_of_another_team_shows_only_ones_own(client, centre, at_now):
    client.force_login(centre["lead"])
    html = client.get(reverse("workforce:adherence"), {"team": centre["agent5"].team_id}).content
    assert str(centre["agent5"]) not in html.decode()
    assert str(centre["agent1"]) in html.decode()


def test_d14_next_monday_is_the_centres_not_utcs(client, centre):
    """Sunday 6 Dec 2026 22:30 UTC is Monday 7 Dec 00:30 in Sofia: the next Monday is the 14th."""
    late_sunday = datetime(2026, 12, 6, 22, 30, tzinfo=UTC)
    client.force_login(_bg(centre["lead"]))
    with mock.patch("hotline.clock.now", return_value=late_sunday):
        html = client.get(reverse("workforce:rosters")).content.decode()
    assert 'value="2026-12-14"' in html


def test_d14_adherence_day_is_the_centres(client, centre):
    """At 23:30 UTC on the 6th it is already the 7th in Sofia: that is the day shown."""
    client.force_login(_bg(centre["lead"]))
    with mock.patch("hotline.clock.now", return_value=datetime(2026, 12, 6, 22, 30, tzinfo=UTC)):
        html = client.get(reverse("workforce:adherence")).content.decode()
    assert 'value="2026-12-07"' in html


def test_d14_roster_days_in_the_readers_language(client, centre, roster, at_now):
    client.force_login(_bg(centre["lead"]))
    html = client.get(reverse("workforce:roster", args=[roster.pk])).content.decode()
    with translation.override("bg"):
        assert formats.date_format(FIRST_MONDAY, "DATE_FORMAT") in html
        assert formats.date_format(FIRST_MONDAY + timedelta(days=1), "MONTH_DAY_FORMAT") in html
    assert " Dec" not in html


def test_d14_agent_may_not_generate_or_edit_rosters(client, centre, roster, at_now):
    shift = roster.shifts.first()
    client.force_login(centre["agent1"])
    generated = client.post(
        reverse("workforce:generate"),
        {"team": centre["agent1"].team_id, "first_monday": "2026-12-14", "weeks": "1"},
    )
    edited = client.post(
        reverse("workforce:shift_edit", args=[shift.pk]),
        {"prep_start": "07:00", "start": "07:15", "end": "15:00"},
    )
    assert (generated.status_code, edited.status_code) == (403, 403)
    assert Roster.objects.count() == 1
    assert Shift.objects.get(pk=shift.pk).start == shift.start


def test_d14_every_finding_of_the_checker_is_read_in_the_readers_language():
    """Each text hotline.wfm.check gives a violation is in the list the refusal translates."""
    import re
    from pathlib import Path

    from hotline.wfm import check
    from hotline.workforce.services import VIOLATION_TEXTS

    source = Path(check.__file__).read_text()
    found = set(re.findall(r'Violation\(\s*"[A-E]\d+",\s*f?"([^"]+)"', source))
    found = {text.replace("{kind}", kind) for text in found for kind in ("break", "lunch")}
    assert len(found) >= 13
    assert found <= set(VIOLATION_TEXTS)


def test_b2_breaks_edited_as_shown_in_the_readers_language(client, centre, roster, at_now):
    """The page writes the breaks in Bulgarian; posting them back as shown keeps the shift."""
    import html as html_lib
    import re

    client.force_login(_bg(centre["lead"]))
    page = client.get(reverse("workforce:roster", args=[roster.pk])).content.decode()
    shift = next(s for s in roster.shifts.all() if s.breaks)
    form = page.split(reverse("workforce:shift_edit", args=[shift.pk]))[1]
    textarea = re.search(r"<textarea[^>]*>(.*?)</textarea>", form, re.S)
    assert textarea is not None, "the shift form has a text area"
    typed = html_lib.unescape(textarea.group(1))
    with translation.override("bg"):
        lunch = str(translation.gettext("lunch"))
    assert lunch in typed
    assert "lunch" not in typed
    response = client.post(
        reverse("workforce:shift_edit", args=[shift.pk]),
        {
            "prep_start": hhmm(shift.prep_start),
            "start": hhmm(shift.start),
            "end": hhmm(shift.end),
            "breaks": typed,
        },
    )
    assert response.status_code == 302
    assert Shift.objects.get(pk=shift.pk).breaks == shift.breaks
    unknown = client.post(
        reverse("workforce:shift_edit", args=[shift.pk]),
        {
            "prep_start": hhmm(shift.prep_start),
            "start": hhmm(shift.start),
            "end": hhmm(shift.end),
            "breaks": "nap 10:00-10:15",
        },
    )
    assert unknown.status_code == 422
    assert Shift.objects.get(pk=shift.pk).breaks == shift.breaks
