"""The team lead's overrides on the floor over HTTP (B2, B3, B4, B6): a leave or a log-out
despite a refusal, with a reason, audited per rule (`services/overrides.py`)."""

from typing import Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema

from hotline import clock
from hotline.accounts.models import User
from hotline.accounts.views import signed_in
from hotline.calls.api import AgentStateOut, FloorLeaveOut
from hotline.calls.services.overrides import agent_leave_override, agent_log_out_override
from hotline.core.breaks import LeaveKind

router = Router(tags=["call floor"])


class OverrideIn(Schema):
    kind: LeaveKind
    # The agent's state keeps the reason: the same bound as AgentSession.reason.
    reason: str = Field(min_length=1, max_length=200)
    rule: Literal["B2", "B3", "B4", "B6"] | None = Field(
        None,
        description="The refusal being overridden; none: whichever rules refuse now. B5 (a "
        "call in progress) can't be overridden.",
    )


class LeaveOverrideOut(FloorLeaveOut):
    overridden: list[str]  # the rules set aside, each audited


@router.post(
    "/agents/{username}/override-leave",
    response=LeaveOverrideOut,
    summary="Team lead: let an agent leave despite a refusal (audited per rule)",
)
def floor_override_leave(request: HttpRequest, username: str, body: OverrideIn) -> LeaveOverrideOut:
    lead = signed_in(request)
    agent = get_object_or_404(User, username=username, team=lead.team_id)
    made = agent_leave_override(
        actor=lead, now=clock.now(), agent=agent, kind=body.kind, reason=body.reason, rule=body.rule
    )
    leave = made.leave
    return LeaveOverrideOut(id=leave.pk, kind=leave.kind, state=leave.state, overridden=made.rules)


class LogOutOverrideIn(Schema):
    reason: str = Field(min_length=1, max_length=200)  # kept with the agent's state, too
    rule: Literal["B6"] | None = Field(
        None, description="The refusal being overridden: only B6 refuses a log-out."
    )


class LogOutOverrideOut(AgentStateOut):
    overridden: list[str]  # the rules set aside, each audited


@router.post(
    "/agents/{username}/override-logout",
    response=LogOutOverrideOut,
    summary="Team lead: log an agent out despite B6 (audited)",
)
def floor_override_logout(
    request: HttpRequest, username: str, body: LogOutOverrideIn
) -> LogOutOverrideOut:
    lead = signed_in(request)
    agent = get_object_or_404(User, username=username, team=lead.team_id)
    session, overridden = agent_log_out_override(
        actor=lead, now=clock.now(), agent=agent, reason=body.reason, rule=body.rule
    )
    return LogOutOverrideOut(
        agent=agent.username,
        state=session.state,
        since=session.state_since,
        reason=session.reason,
        overridden=overridden,
    )
