"""Leave (D14), roster generation, publishing and edits, checked by hotline.wfm.check."""

from datetime import date, timedelta

import pytest

from hotline.audit.models import Event
from hotline.core.refusal import PolicyRefusal
from hotline.workforce import planning
from hotline.workforce.models import LeaveRequest, LeaveState, Roster, RosterState, Shift
from hotline.workforce.services import (
    leave_decide,
    leave_request,
    roster_generate,
    roster_publish,
    shift_edit,
)
from hotline.workforce.tests.conftest import FIRST_MONDAY, SECONDS, call_history

pytestmark = pytest.mark.django_db

TUESDAY = FIRST_MONDAY + timedelta(days=1)


def _ask(centre, now, who="agent1", first=TUESDAY, last=None, reason="wedding"):  # type: ignore[no-untyped-def]
    return leave_request(
        actor=centre[who], now=now, first_day=first, last_day=last or first, reason=reason
    )


# --- leave ---------------------------------------------------------------------------------------


def test_d14_leave_asked_in_advance_is_stored_asked(centre, now):
    leave = _ask(centre, now)
    assert leave.state == LeaveState.ASKED
    assert Event.objects.filter(entity="workforce.leave", action="asked", rule="D14").exists()


def test_d14_leave_asked_too_late_is_refused(centre, now):
    with pytest.raises(PolicyRefusal) as refused:
        _ask(centre, now, first=date(2026, 11, 25))
    assert refused.value.rule_id == "D14"
    assert not LeaveRequest.objects.exists()


@pytest.mark.parametrize(
    ("first", "last", "reason"),
    [
        (TUESDAY, TUESDAY - timedelta(days=1), "x"),
        (TUESDAY, TUESDAY, "  "),
        (TUESDAY, TUESDAY + timedelta(days=90), "x"),
    ],
)
def test_d14_bad_leave_input_is_refused_and_nothing_stored(centre, now, first, last, reason):
    with pytest.raises(PolicyRefusal) as refused:
        _ask(centre, now, first=first, last=last, reason=reason)
    assert refused.value.rule_id == "D14"
    assert not LeaveRequest.objects.exists()


def test_d14_overlapping_leave_is_refused(centre, now):
    _ask(centre, now, last=TUESDAY + timedelta(days=2))
    with pytest.raises(PolicyRefusal):
        _ask(centre, now, first=TUESDAY + timedelta(days=1))


def test_d14_leave_approved_by_the_team_lead_of_the_agents_team(centre, now):
    leave = _ask(centre, now)
    leave_decide(actor=centre["lead"], now=now, leave_id=leave.pk, approve=True)
    leave.refresh_from_db()
    assert leave.state == LeaveState.APPROVED
    assert leave.decided_by == centre["lead"]
    assert Event.objects.filter(entity="workforce.leave", action="approved").exists()


@pytest.mark.parametrize("who", ["agent2", "manager", "admin", "dispatcher"])
def test_d14_leave_decided_by_anyone_but_the_team_lead_is_refused(centre, now, who):
    leave = _ask(centre, now)
    with pytest.raises(PolicyRefusal) as refused:
        leave_decide(actor=centre[who], now=now, leave_id=leave.pk, approve=True)
    assert refused.value.rule_id == "D14"
    leave.refresh_from_db()
    assert leave.state == LeaveState.ASKED


def test_d14_team_lead_of_another_team_is_refused(centre, now):
    leave = _ask(centre, now, who="agent5")  # Installations; the lead leads Repairs
    with pytest.raises(PolicyRefusal) as refused:
        leave_decide(actor=centre["lead"], now=now, leave_id=leave.pk, approve=False)
    assert refused.value.rule_id == "D14"
    leave.refresh_from_db()
    assert leave.state == LeaveState.ASKED


def test_d14_decided_leave_is_not_decided_again(centre, now):
    leave = _ask(centre, now)
    leave_decide(actor=centre["lead"], now=now, leave_id=leave.pk, approve=False)
    with pytest.raises(PolicyRefusal):
        leave_decide(actor=centre["lead"], now=now, leave_id=leave.pk, approve=True)


# --- rosters -------------------------------------------------------------------------------------


def test_forecast_reads_the_team_queues_call_events(centre):
    call_history("repairs", weeks=3, per_hour=2)
    call_history("installations", weeks=3, per_hour=1)
    plan = planning.team_forecast(centre["lead"].team, FIRST_MONDAY, 1)
    tuesday_10 = 1 * 96 + 10 * 4  # Tuesday 10:00-10:15 local, as recorded 8:00 UTC
    assert plan.forecast.calls.sum() == pytest.approx(30, rel=0.35)
    assert plan.forecast.calls[0, tuesday_10] > 0
    assert plan.forecast.calls[0, 5 * 96 + 10 * 4] == 0  # no Saturday calls
    assert plan.staffing[0].agents[tuesday_10] >= 1


def test_d14_generated_roster_passes_the_independent_checker(centre, roster):
    assert roster.state == RosterState.DRAFT
    shifts = list(roster.shifts.all())
    assert shifts
    assert planning.violations(roster, shifts) == []
    members = {u.pk for u in planning.rostered_agents(roster.team)}
    assert {s.agent_id for s in shifts} == members
    for agent in members:  # D14: five days, two off, the meeting day with the meeting first
        mine = [s for s in shifts if s.agent_id == agent]
        assert len(mine) == 5
    assert roster.figures["lp_bound"] <= roster.figures["objective"] + 1e-6
    assert Event.objects.filter(entity="workforce.roster", action="generated").exists()


def test_d14_approved_leave_is_honoured_by_the_roster(centre, now):
    leave = _ask(centre, now)
    leave_decide(actor=centre["lead"], now=now, leave_id=leave.pk, approve=True)
    roster = roster_generate(
        actor=centre["lead"],
        now=now,
        team=centre["lead"].team,
        first_monday=FIRST_MONDAY,
        weeks=1,
        seconds=SECONDS,
    )
    mine = roster.shifts.filter(agent=centre["agent1"])
    assert not mine.filter(day=TUESDAY).exists()
    assert mine.count() == 4  # the leave day is credited (D14)
    assert planning.violations(roster, roster.shifts.all()) == []


def test_d1_too_few_agents_is_refused_naming_the_rule_and_nothing_stored(centre, now):
    team = centre["agent5"].team
    for who in ("agent5", "agent6", "agent7"):  # three of four away all week
        LeaveRequest.objects.create(
            agent=centre[who],
            first_day=FIRST_MONDAY,
            last_day=FIRST_MONDAY + timedelta(days=6),
            reason="course",
            state=LeaveState.APPROVED,
            asked_at=now,
        )
    with pytest.raises(PolicyRefusal) as refused:
        roster_generate(
            actor=centre["manager"],
            now=now,
            team=team,
            first_monday=FIRST_MONDAY,
            weeks=1,
            seconds=SECONDS,
        )
    assert refused.value.rule_id == "D1"
    assert not Roster.objects.exists()


@pytest.mark.parametrize("who", ["agent1", "dispatcher", "lead"])
def test_roster_of_another_team_or_by_a_wrong_role_is_refused(centre, now, who):
    with pytest.raises(PolicyRefusal):
        roster_generate(
            actor=centre[who],
            now=now,
            team=centre["agent5"].team,
            first_monday=FIRST_MONDAY,
            weeks=1,
            seconds=SECONDS,
        )
    assert not Roster.objects.exists()


@pytest.mark.parametrize(("first", "weeks"), [(TUESDAY, 1), (FIRST_MONDAY, 0), (FIRST_MONDAY, 9)])
def test_bad_roster_horizon_is_refused(centre, now, first, weeks):
    with pytest.raises(PolicyRefusal):
        roster_generate(
            actor=centre["lead"],
            now=now,
            team=centre["lead"].team,
            first_monday=first,
            weeks=weeks,
            seconds=SECONDS,
        )
    assert not Roster.objects.exists()


def test_d14_edit_shortening_a_shift_is_refused_naming_d14(centre, now, roster):
    """15 minutes off the end keeps the breaks inside the shift: only the 40 hours break."""
    shift = roster.shifts.exclude(day=FIRST_MONDAY).first()
    assert shift is not None
    with pytest.raises(PolicyRefusal) as refused:
        shift_edit(
            actor=centre["lead"],
            now=now,
            shift_id=shift.pk,
            prep_start=shift.prep_start,
            start=shift.start,
            end=shift.end - 15,
        )
    assert refused.value.rule_id == "D14"
    again = Shift.objects.get(pk=shift.pk)
    assert (again.start, again.end) == (shift.start, shift.end)
    assert not Event.objects.filter(entity="workforce.shift").exists()


def test_b1_edit_without_preparation_is_refused_naming_b1(centre, now, roster):
    shift = roster.shifts.first()
    with pytest.raises(PolicyRefusal) as refused:
        shift_edit(
            actor=centre["lead"],
            now=now,
            shift_id=shift.pk,
            prep_start=shift.start,
            start=shift.start,
            end=shift.end,
        )
    assert refused.value.rule_id == "B1"


def test_edit_keeping_the_rules_is_stored_with_an_event(centre, now, roster):
    """Moving one short break by a slot either way keeps every rule for some shift."""
    done = None
    for shift in roster.shifts.all():
        for delta in (15, -15, 30, -30):
            moved = [
                (
                    b["kind"],
                    b["start"] + (delta if i == 0 else 0),
                    b["end"] + (delta if i == 0 else 0),
                )
                for i, b in enumerate(shift.breaks)
            ]
            try:
                done = shift_edit(
                    actor=centre["lead"],
                    now=now,
                    shift_id=shift.pk,
                    prep_start=shift.prep_start,
                    start=shift.start,
                    end=shift.end,
                    breaks=moved,
                )
            except PolicyRefusal:
                continue
            break
        if done is not None:
            break
    assert done is not None
    assert Shift.objects.get(pk=done.pk).breaks != shift.breaks or delta == 0
    assert planning.violations(roster, roster.shifts.all()) == []
    assert Event.objects.filter(entity="workforce.shift", action="edited").exists()


def test_publish_checks_and_publishes_once(centre, now, roster):
    roster_publish(actor=centre["lead"], now=now, roster_id=roster.pk)
    roster.refresh_from_db()
    assert roster.state == RosterState.PUBLISHED
    with pytest.raises(PolicyRefusal):
        roster_publish(actor=centre["lead"], now=now, roster_id=roster.pk)
    with pytest.raises(PolicyRefusal):  # a published week is not regenerated
        roster_generate(
            actor=centre["lead"],
            now=now,
            team=roster.team,
            first_monday=FIRST_MONDAY,
            weeks=1,
            seconds=SECONDS,
        )


def test_publish_by_another_teams_lead_is_refused(centre, now, roster):
    with pytest.raises(PolicyRefusal):
        roster_publish(actor=centre["agent1"], now=now, roster_id=roster.pk)
    roster.refresh_from_db()
    assert roster.state == RosterState.DRAFT
