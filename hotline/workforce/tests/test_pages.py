"""Workforce pages: rosters, staffing chart, leave and adherence; bad input and wrong team."""

import json
import re
from datetime import UTC, date, datetime, timedelta
from unittest import mock

import pytest
from django.urls import reverse

from hotline.calls.services.agents import agent_log_in, agent_make_ready
from hotline.workforce.models import LeaveRequest, LeaveState, Roster, RosterState, Shift
from hotline.workforce.selectors import hhmm
from hotline.workforce.services import roster_publish
from hotline.workforce.tests.conftest import FIRST_MONDAY

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


@pytest.fixture
def at_now(now):  # type: ignore[no-untyped-def]
    with mock.patch("hotline.clock.now", return_value=now):
        yield now


def test_roster_grid_shows_every_agent_and_shift(client, centre, roster, at_now):
    client.force_login(centre["lead"])
    page = client.get(reverse("workforce:roster", args=[roster.pk])).content.decode()
    for who in ("agent1", "agent2", "agent3", "agent4"):
        assert str(centre[who]) in page
    assert page.count('name="prep_start"') == roster.shifts.count()
    assert reverse("workforce:publish", args=[roster.pk]) in page


def test_roster_of_another_team_is_not_found_for_its_lead(client, centre, roster, at_now):
    roster.team = centre["agent5"].team
    roster.save()
    client.force_login(centre["lead"])
    assert client.get(reverse("workforce:roster", args=[roster.pk])).status_code == 404
    assert client.post(reverse("workforce:publish", args=[roster.pk])).status_code == 404
    shift = roster.shifts.first()
    edit = client.post(
        reverse("workforce:shift_edit", args=[shift.pk]),
        {"prep_start": "08:00", "start": "08:15", "end": "16:30"},
    )
    assert edit.status_code == 404
    assert Shift.objects.get(pk=shift.pk).start == shift.start


def test_manager_sees_and_publishes_any_team(client, centre, roster, at_now):
    client.force_login(centre["manager"])
    response = client.post(reverse("workforce:publish", args=[roster.pk]))
    assert response.status_code == 302
    roster.refresh_from_db()
    assert roster.state == RosterState.PUBLISHED


def test_generate_form_bad_input_is_422_and_nothing_stored(client, centre, at_now):
    client.force_login(centre["lead"])
    response = client.post(reverse("workforce:generate"), {"team": "", "first_monday": "x"})
    assert response.status_code == 422
    assert not Roster.objects.exists()


def test_generate_form_refusal_names_the_rule(client, centre, at_now):
    client.force_login(centre["lead"])
    response = client.post(
        reverse("workforce:generate"),
        {"team": centre["lead"].team_id, "first_monday": "2026-12-08", "weeks": "1"},
    )
    assert response.status_code == 409
    assert "D14" in response.content.decode()
    assert not Roster.objects.exists()


def test_d14_shift_edit_page_refuses_naming_the_rule(client, centre, roster, at_now):
    shift = roster.shifts.exclude(day=FIRST_MONDAY).first()
    client.force_login(centre["lead"])
    response = client.post(
        reverse("workforce:shift_edit", args=[shift.pk]),
        {
            "prep_start": hhmm(shift.prep_start),
            "start": hhmm(shift.start),
            "end": hhmm(shift.end - 15),
        },
    )
    assert response.status_code == 409
    assert '<span class="rule">D14</span>' in response.content.decode()
    assert Shift.objects.get(pk=shift.pk).end == shift.end


def test_shift_edit_bad_times_are_422(client, centre, roster, at_now):
    shift = roster.shifts.first()
    client.force_login(centre["lead"])
    response = client.post(
        reverse("workforce:shift_edit", args=[shift.pk]),
        {"prep_start": "8", "start": "25:99", "end": "x"},
    )
    assert response.status_code == 422
    assert Shift.objects.get(pk=shift.pk).start == shift.start


def test_staffing_chart_draws_forecast_required_and_scheduled(client, centre, roster, at_now):
    client.force_login(centre["lead"])
    page = client.get(reverse("workforce:staffing", args=[roster.pk]), {"day": "1"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in html
    assert 'class="wfm-required"' in html
    assert 'class="wfm-scheduled"' in html
    assert html.count('<rect class="wfm-calls"') == 34  # 8:30-17:00 in 15-minute intervals
    # The lead reads Bulgarian: SVG coordinates must still use a decimal point, not a comma.
    assert re.search(r'(x|y|width|height)="-?\d+,\d', html) is None


def test_d14_leave_asked_on_the_page_and_approved_by_the_lead(client, centre, at_now):
    client.force_login(centre["agent1"])
    response = client.post(
        reverse("workforce:leave_ask"),
        {"first_day": "2026-12-08", "last_day": "2026-12-09", "reason": "family"},
    )
    assert response.status_code == 302
    leave = LeaveRequest.objects.get()
    client.force_login(centre["lead"])
    page = client.get(reverse("workforce:leave")).content.decode()
    assert "family" in page
    client.post(reverse("workforce:leave_decide", args=[leave.pk]), {"decision": "approve"})
    leave.refresh_from_db()
    assert leave.state == LeaveState.APPROVED


def test_d14_leave_page_refusals_and_bad_input(client, centre, at_now):
    client.force_login(centre["agent1"])
    late = client.post(
        reverse("workforce:leave_ask"),
        {"first_day": "2026-11-24", "last_day": "2026-11-24", "reason": "x"},
    )
    assert late.status_code == 409
    assert "D14" in late.content.decode()
    bad = client.post(reverse("workforce:leave_ask"), {"first_day": "soon"})
    assert bad.status_code == 422
    assert not LeaveRequest.objects.exists()


def test_d14_leave_of_another_team_is_not_found_for_the_lead(client, centre, at_now):
    client.force_login(centre["agent5"])
    client.post(
        reverse("workforce:leave_ask"),
        {"first_day": "2026-12-08", "last_day": "2026-12-08", "reason": "x"},
    )
    leave = LeaveRequest.objects.get()
    client.force_login(centre["lead"])
    assert "agent5" not in client.get(reverse("workforce:leave")).content.decode()
    response = client.post(
        reverse("workforce:leave_decide", args=[leave.pk]), {"decision": "approve"}
    )
    assert response.status_code == 404
    leave.refresh_from_db()
    assert leave.state == LeaveState.ASKED


def test_adherence_live_state_against_the_published_roster(client, centre, roster, now):
    roster_publish(actor=centre["lead"], now=now, roster_id=roster.pk)
    tuesday = FIRST_MONDAY + timedelta(days=1)
    shift = roster.shifts.filter(day=tuesday).order_by("start").first()
    agent = shift.agent
    # Sofia is UTC+2 in December: log in at the preparation start, ready at the first call.
    local_midnight = datetime(tuesday.year, tuesday.month, tuesday.day, tzinfo=UTC) - timedelta(
        hours=2
    )
    logged = local_midnight + timedelta(minutes=shift.prep_start)
    agent_log_in(actor=agent, now=logged)
    agent_make_ready(actor=agent, now=local_midnight + timedelta(minutes=shift.start))
    during = local_midnight + timedelta(minutes=shift.start + 15)  # before any break
    client.force_login(centre["lead"])
    with mock.patch("hotline.clock.now", return_value=during):
        html = client.get(
            reverse("workforce:adherence"), {"team": roster.team_id, "day": tuesday.isoformat()}
        ).content.decode()
    assert "in adherence" in html
    assert "100 %" in html  # adherence so far: prepared, then on the phones as planned


def test_agent_sees_only_own_leave_and_no_roster(client, centre, roster, at_now):
    client.force_login(centre["agent1"])
    assert client.get(reverse("workforce:rosters")).status_code == 403
    assert client.get(reverse("workforce:leave")).status_code == 200


def test_date_helper_is_a_monday():
    assert FIRST_MONDAY.weekday() == 0
    assert date(2026, 11, 23) < FIRST_MONDAY


# --- API -----------------------------------------------------------------------------------------


def _api(client, token, method, path, body=None):  # type: ignore[no-untyped-def]
    return client.generic(
        method,
        f"/api/v1/workforce{path}",
        data="" if body is None else json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def test_d14_api_leave_asked_and_decided_by_the_team_lead(client, centre, token_for, at_now):
    body = {"first_day": "2026-12-08", "last_day": "2026-12-08", "reason": "exam"}
    asked = _api(client, token_for(centre["agent1"]), "POST", "/leave", body)
    assert asked.status_code == 200
    leave_id = asked.json()["id"]
    other = _api(
        client, token_for(centre["agent2"]), "POST", f"/leave/{leave_id}/decide", {"approve": True}
    )
    assert other.status_code == 403
    decided = _api(
        client, token_for(centre["lead"]), "POST", f"/leave/{leave_id}/decide", {"approve": True}
    )
    assert decided.json()["state"] == "approved"
    assert decided.json()["decided_by"] == "lead"


def test_d14_api_bad_leave_input(client, centre, token_for, at_now):
    token = token_for(centre["agent1"])
    late = _api(
        client,
        token,
        "POST",
        "/leave",
        {"first_day": "2026-11-24", "last_day": "2026-11-24", "reason": "x"},
    )
    assert late.status_code == 409
    assert late.json()["rule"] == "D14"
    assert _api(client, token, "POST", "/leave", {"first_day": "soon"}).status_code == 422
    assert not LeaveRequest.objects.exists()


def test_api_roster_of_another_team_is_404_and_own_is_published(
    client, centre, token_for, roster, at_now
):
    token = token_for(centre["lead"])
    got = _api(client, token, "GET", f"/rosters/{roster.pk}").json()
    assert len(got["shifts"]) == roster.shifts.count()
    assert _api(client, token, "POST", f"/rosters/{roster.pk}/publish").json()["state"] == (
        "published"
    )
    roster.team = centre["agent5"].team
    roster.save()
    assert _api(client, token, "GET", f"/rosters/{roster.pk}").status_code == 404
    assert _api(client, token_for(centre["agent1"]), "GET", "/rosters").status_code == 403
    assert _api(client, token, "GET", "/adherence").status_code == 200
