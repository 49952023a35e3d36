"""Workforce over HTTP: leave (D14), rosters and their shifts, adherence. Refusals answer 409
{"rule", "detail"}; another team's roster or leave answers 404, like one that does not exist.
Rosters are generated on the page or with `hotline wfm roster --save` (a solve takes seconds)."""

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from hotline import clock
from hotline.accounts.views import signed_in
from hotline.bounds import Day, Flag, QueryId
from hotline.workforce import planning, selectors
from hotline.workforce.models import LeaveRequest, Roster
from hotline.workforce.services import leave_decide, leave_request, roster_publish

router = Router(tags=["workforce"])


class LeaveIn(Schema):
    first_day: Day
    last_day: Day
    reason: str = Field(max_length=300)


class LeaveDecisionIn(Schema):
    approve: Flag


class LeaveOut(Schema):
    id: int
    agent: str
    first_day: date
    last_day: date
    reason: str
    state: str
    decided_by: str | None


class BreakOut(Schema):
    kind: str
    start: int
    end: int


class ShiftOut(Schema):
    id: int
    agent: str
    day: date
    prep_start: int  # minutes after local midnight
    start: int
    end: int
    breaks: list[BreakOut]
    meeting: bool


class RosterOut(Schema):
    id: int
    team: str
    first_monday: date
    weeks: int
    state: str
    gap: float | None
    lp_bound: float | None
    shortfall: int | None
    shifts: list[ShiftOut] | None = None


class AdherenceOut(Schema):
    agent: str
    planned_now: str
    state_now: str
    in_adherence: bool
    adherence: float | None
    conformance: float | None
    late_seconds: int | None


def _leave(leave: LeaveRequest) -> dict[str, Any]:
    return {
        "id": leave.pk,
        "agent": leave.agent.get_username(),
        "first_day": leave.first_day,
        "last_day": leave.last_day,
        "reason": leave.reason,
        "state": leave.state,
        "decided_by": leave.decided_by.get_username() if leave.decided_by else None,
    }


def _roster(roster: Roster, shifts: bool = False) -> dict[str, Any]:
    f = roster.figures
    out: dict[str, Any] = {
        "id": roster.pk,
        "team": roster.team.name,
        "first_monday": roster.first_monday,
        "weeks": roster.weeks,
        "state": roster.state,
        "gap": f.get("gap"),
        "lp_bound": f.get("lp_bound"),
        "shortfall": f.get("shortfall"),
    }
    if shifts:
        out["shifts"] = [
            {
                "id": s.pk,
                "agent": s.agent.get_username(),
                "day": s.day,
                "prep_start": s.prep_start,
                "start": s.start,
                "end": s.end,
                "breaks": s.breaks,
                "meeting": s.meeting,
            }
            for s in roster.shifts.select_related("agent")
        ]
    return out


@router.get("/leave", response=list[LeaveOut], summary="My leave, and my team's to decide (D14)")
def workforce_leave_list(request: HttpRequest) -> list[dict[str, Any]]:
    user = signed_in(request)
    mine = list(selectors.own_leave(user)[:100])
    return [_leave(x) for x in [*mine, *selectors.leave_to_decide(user)]]


@router.post("/leave", response=LeaveOut, summary="Ask for leave in advance (D14)")
def workforce_leave_ask(request: HttpRequest, body: LeaveIn) -> dict[str, Any]:
    leave = leave_request(
        actor=signed_in(request),
        now=clock.now(),
        first_day=body.first_day,
        last_day=body.last_day,
        reason=body.reason,
    )
    return _leave(leave)


@router.post("/leave/{leave_id}/decide", response=LeaveOut, summary="The team lead decides (D14)")
def workforce_leave_decide(
    request: HttpRequest, leave_id: int, body: LeaveDecisionIn
) -> dict[str, Any]:
    user = signed_in(request)
    found = selectors.leave_visible(user, leave_id)
    return _leave(
        leave_decide(actor=user, now=clock.now(), leave_id=found.pk, approve=body.approve)
    )


@router.get("/rosters", response=list[RosterOut], summary="Rosters of the teams I plan")
def workforce_rosters(request: HttpRequest) -> list[dict[str, Any]]:
    return [_roster(r) for r in selectors.rosters_for(signed_in(request))[:100]]


@router.get("/rosters/{roster_id}", response=RosterOut, summary="One roster with its shifts")
def workforce_roster(request: HttpRequest, roster_id: int) -> dict[str, Any]:
    return _roster(selectors.roster_for(signed_in(request), roster_id), shifts=True)


@router.post(
    "/rosters/{roster_id}/publish", response=RosterOut, summary="Publish after the rule check"
)
def workforce_roster_publish(request: HttpRequest, roster_id: int) -> dict[str, Any]:
    user = signed_in(request)
    found = selectors.roster_for(user, roster_id)
    return _roster(roster_publish(actor=user, now=clock.now(), roster_id=found.pk))


@router.get(
    "/adherence", response=list[AdherenceOut], summary="The team's adherence now and today (B1)"
)
def workforce_adherence(request: HttpRequest, team: QueryId = None) -> list[dict[str, Any]]:
    user = signed_in(request)
    teams = selectors.teams_for(user)
    found = (teams.filter(pk=team) if team else teams).first()
    if found is None:
        return []
    now = clock.now()
    rows = selectors.team_adherence(found, now.astimezone(planning.team_zone(found)).date(), now)
    return [
        {
            "agent": r.agent.get_username(),
            "planned_now": r.expected,
            "state_now": r.state,
            "in_adherence": r.in_adherence,
            "adherence": r.day.adherence,
            "conformance": r.day.conformance,
            "late_seconds": r.late_seconds,
        }
        for r in rows
    ]
