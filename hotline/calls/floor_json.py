"""The agent desk and the wallboard as JSON: what their pages show, field by field, so that an
API desktop or wallboard can be built from it alone.

Times are ISO 8601 in the zone of the team's site, with its offset (the page shows the same
local time); durations are whole seconds (`*_s`). Labels (`*_label`) speak the user's language.
"""

from datetime import datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from django.urls import reverse
from ninja import Schema

from hotline.calls.board_status import BoardExtras, ServiceLevel, WaitingLine
from hotline.calls.choices import ON_HOLD_LABEL
from hotline.calls.day_plan import DayPlan
from hotline.calls.desk_notices import DeskNotice
from hotline.calls.models import AgentSession, Alert, Call, Offer, Transfer
from hotline.calls.selectors import DeskView, Wallboard
from hotline.core.kpi import FloorKpis


def _local(value: datetime | None, zone: ZoneInfo) -> datetime | None:
    return value.astimezone(zone) if value is not None else None


def _seconds(value: timedelta | None) -> int | None:
    return None if value is None else int(value.total_seconds())


class OperationOut(Schema):
    """An operation the client may call next: its OpenAPI operation id, method and path."""

    operation_id: str
    method: str
    url: str


def _operation(name: str, **kwargs: int) -> OperationOut:
    return OperationOut(operation_id=name, method="POST", url=reverse(f"api:{name}", kwargs=kwargs))


class FloorCallOut(Schema):
    id: int
    state: str
    queue: str
    priority: int  # SLA priority: lower is served first
    caller_number: str
    customer: str | None
    agent: str | None
    arrived_at: datetime
    answered_at: datetime | None


def _call(call: Call, zone: ZoneInfo) -> FloorCallOut:
    return FloorCallOut(
        id=call.pk,
        state=call.state,
        queue=call.queue.code,
        priority=call.priority,
        caller_number=call.caller_number,
        customer=call.customer.name if call.customer else None,
        agent=call.agent.username if call.agent else None,
        arrived_at=call.arrived_at.astimezone(zone),
        answered_at=_local(call.answered_at, zone),
    )


class FloorStateOut(Schema):
    agent: str
    name: str
    state: str
    state_label: str
    since: datetime
    reason: str


def _state(session: AgentSession, zone: ZoneInfo) -> FloorStateOut:
    return FloorStateOut(
        agent=session.agent.username,
        name=str(session.agent),
        state=session.state,
        state_label=str(session.get_state_display()),
        since=session.state_since.astimezone(zone),
        reason=session.reason,
    )


# --- the desk ------------------------------------------------------------------------------


class DeskOfferOut(Schema):
    id: int
    call_id: int | None
    callback_id: int | None
    caller_number: str
    customer: str | None
    expires_at: datetime
    accept: OperationOut
    decline: OperationOut


class TalkOut(Schema):
    """A1 on the call: the elapsed talk, the warning and the limit for the call's queue."""

    level: str
    elapsed_s: int
    max_talk_s: int
    warn_at: datetime
    limit_at: datetime


class IncomingTransferOut(Schema):
    """A4: a colleague asks this agent to take a call; accept or decline before `expires_at`."""

    id: int
    from_agent: str
    from_agent_name: str
    reason: str
    call: FloorCallOut
    requested_at: datetime
    expires_at: datetime
    accept: OperationOut
    decline: OperationOut


class OutgoingTransferOut(Schema):
    id: int
    to_agent: str
    reason: str
    expires_at: datetime


class PendingLeaveOut(Schema):
    """B5: a break asked for during a call starts after the call and its wrap-up."""

    id: int
    kind: str
    kind_label: str
    state: str
    requested_at: datetime


class ColleagueOut(Schema):
    agent: str
    name: str


class PlannedBreakOut(Schema):
    label: str
    start: datetime
    end: datetime


class DayPlanOut(Schema):
    """The agent's own published shift today (workforce's roster)."""

    prep_start: datetime  # B1
    start: datetime
    end: datetime
    breaks: list[PlannedBreakOut]
    meeting: bool  # D14


class RefusedAfterCallOut(Schema):
    """B5: the day's newest break asked during a call and refused when its wrap-up ended."""

    rule: str
    detail: str  # in the reader's language
    at: datetime


class DeskOut(Schema):
    now: datetime
    time_zone: str
    state: FloorStateOut | None
    offer: DeskOfferOut | None
    call: FloorCallOut | None
    talk_level: str | None
    talk: TalkOut | None
    handled_today: int  # A3: calls this agent answered today, transferred or taken over or not
    daily_target: int
    short_by: int
    taken_over_today: int  # B10: calls this user (a team lead) took over today
    incoming_transfer: IncomingTransferOut | None
    outgoing_transfer: OutgoingTransferOut | None
    pending_leave: PendingLeaveOut | None
    colleagues: list[ColleagueOut]  # ready to take a transfer (A4)
    day_plan: DayPlanOut | None = None
    refused_after_call: RefusedAfterCallOut | None = None


def _day_plan(plan: DayPlan, zone: ZoneInfo) -> DayPlanOut:
    return DayPlanOut(
        prep_start=plan.prep_start.astimezone(zone),
        start=plan.start.astimezone(zone),
        end=plan.end.astimezone(zone),
        breaks=[
            PlannedBreakOut(
                label=b.label, start=b.start.astimezone(zone), end=b.end.astimezone(zone)
            )
            for b in plan.breaks
        ],
        meeting=plan.meeting,
    )


def _offer(offer: Offer, zone: ZoneInfo) -> DeskOfferOut:
    call, callback = offer.call, offer.callback
    return DeskOfferOut(
        id=offer.pk,
        call_id=offer.call_id,
        callback_id=offer.callback_id,
        caller_number=call.caller_number if call else (callback.number if callback else ""),
        customer=call.customer.name if call and call.customer else None,
        expires_at=offer.expires_at.astimezone(zone),
        accept=_operation("floor_offer_accept", offer_id=offer.pk),
        decline=_operation("floor_offer_decline", offer_id=offer.pk),
    )


def _incoming(transfer: Transfer, zone: ZoneInfo) -> IncomingTransferOut:
    return IncomingTransferOut(
        id=transfer.pk,
        from_agent=transfer.from_agent.username,
        from_agent_name=str(transfer.from_agent),
        reason=transfer.reason,
        call=_call(transfer.call, zone),
        requested_at=transfer.requested_at.astimezone(zone),
        expires_at=transfer.expires_at.astimezone(zone),
        accept=_operation("floor_transfer_accept", transfer_id=transfer.pk),
        decline=_operation("floor_transfer_decline", transfer_id=transfer.pk),
    )


def desk_json(
    view: DeskView,
    now: datetime,
    *,
    day_plan: DayPlan | None = None,
    refused: DeskNotice | None = None,
) -> DeskOut:
    zone = view.zone
    talk, leave, out = view.talk, view.pending_leave, view.outgoing_transfer
    return DeskOut(
        now=now.astimezone(zone),
        time_zone=str(zone),
        state=_state(view.session, zone) if view.session else None,
        offer=_offer(view.offer, zone) if view.offer else None,
        call=_call(view.call, zone) if view.call else None,
        talk_level=talk.level if talk else None,
        talk=TalkOut(
            level=talk.level,
            elapsed_s=int(talk.elapsed.total_seconds()),
            max_talk_s=_seconds(view.max_talk) or 0,
            warn_at=talk.warn_at.astimezone(zone),
            limit_at=talk.limit_at.astimezone(zone),
        )
        if talk
        else None,
        handled_today=view.progress.handled,
        daily_target=view.progress.target,
        short_by=view.progress.short_by,
        taken_over_today=view.taken_over,
        incoming_transfer=_incoming(view.incoming_transfer, zone)
        if view.incoming_transfer
        else None,
        outgoing_transfer=OutgoingTransferOut(
            id=out.pk,
            to_agent=out.to_agent.username,
            reason=out.reason,
            expires_at=out.expires_at.astimezone(zone),
        )
        if out
        else None,
        pending_leave=PendingLeaveOut(
            id=leave.pk,
            kind=leave.kind,
            kind_label=str(leave.get_kind_display()),
            state=leave.state,
            requested_at=leave.requested_at.astimezone(zone),
        )
        if leave
        else None,
        colleagues=[
            ColleagueOut(agent=c.agent.username, name=str(c.agent)) for c in view.colleagues
        ],
        day_plan=_day_plan(day_plan, zone) if day_plan else None,
        refused_after_call=RefusedAfterCallOut(
            rule=refused.rule, detail=refused.text, at=refused.at.astimezone(zone)
        )
        if refused
        else None,
    )


# --- the wallboard -------------------------------------------------------------------------


class WaitingCallOut(FloorCallOut):
    waited_s: int
    # A2 for the queue the call waits in, from its arrival or overflow (calls.board_status)
    max_wait_s: int | None = None
    warn_at: datetime | None = None  # "waiting long" from here
    limit_at: datetime | None = None  # "over the limit" from here
    level: Literal["ok", "warn", "over"] | None = None  # at `now`


class WallboardAgentOut(FloorStateOut):
    in_state_s: int
    handled_today: int  # A3: calls the agent answered today
    daily_target: int
    taken_over_today: int  # B10: calls the agent (a team lead) took over today
    on_hold: bool = False  # on a call whose line is on hold (state_label says "On hold")
    held_since: datetime | None = None


class AlertOut(Schema):
    id: int
    kind: str
    kind_label: str
    rule: str
    agent: str | None
    agent_name: str | None
    call_id: int | None
    raised_at: datetime
    acknowledged_at: datetime | None = None  # seen by the team lead (or a manager), then who
    acknowledged_by: str | None = None
    cleared_at: datetime | None = None  # what it warned of is over (a phone back, the edge up)


class KpisOut(Schema):
    service_level: float | None
    service_level_answered: float | None
    average_speed_of_answer_s: float | None
    average_handle_time_s: float | None
    abandonment: float | None
    occupancy: float | None
    transfer_rate: float | None
    callback_completion: float | None
    over_limit_calls: int


class ServiceLevelOut(Schema):
    """The strict service level of the team or a queue today, against its target."""

    name: str
    value: float | None
    target: int  # per cent: a2.service_level_target (queue > team > centre)
    level: Literal["none", "ok", "warn", "over"]
    calls: int  # the calls it is taken over


class IntervalOut(Schema):
    """One half hour of today (calls.intraday)."""

    start: datetime
    end: datetime
    calls: int
    service_level: float | None
    agents_staffed: float | None  # mean over the interval so far; None: still to come
    calls_forecast: float | None  # the workforce plan's; None without one
    agents_required: int | None


class WallboardOut(Schema):
    team: str
    now: datetime
    time_zone: str
    waiting: list[WaitingCallOut]
    agents: list[WallboardAgentOut]
    callbacks_due: int
    late_logins: int  # B1
    alerts: list[AlertOut]  # today's, not yet acknowledged nor over, newest first
    kpis: KpisOut
    service_level: ServiceLevelOut | None = None
    queues: list[ServiceLevelOut] = []
    intraday: list[IntervalOut] = []
    acknowledged_alerts: list[AlertOut] = []  # today's seen or over (cleared_at), newest first


def _kpis(k: FloorKpis) -> KpisOut:
    def seconds(value: timedelta | None) -> float | None:
        return value.total_seconds() if value is not None else None

    return KpisOut(
        service_level=k.service_level_strict,
        service_level_answered=k.service_level_answered,
        average_speed_of_answer_s=seconds(k.average_speed_of_answer),
        average_handle_time_s=seconds(k.average_handle_time),
        abandonment=k.abandonment_rate,
        occupancy=k.occupancy,
        transfer_rate=k.transfer_rate,
        callback_completion=k.callback_completion,
        over_limit_calls=k.over_limit_calls,
    )


def alert_json(alert: Alert, zone: ZoneInfo) -> AlertOut:
    return AlertOut(
        id=alert.pk,
        kind=alert.kind,
        kind_label=str(alert.get_kind_display()),
        rule=alert.rule,
        agent=alert.agent.username if alert.agent else None,
        agent_name=str(alert.agent) if alert.agent else None,
        call_id=alert.call_id,
        raised_at=alert.raised_at.astimezone(zone),
        acknowledged_at=alert.acknowledged_at.astimezone(zone) if alert.acknowledged_at else None,
        acknowledged_by=alert.acknowledged_by.username if alert.acknowledged_by else None,
        cleared_at=_local(alert.cleared_at, zone),
    )


def _service_level(found: ServiceLevel) -> ServiceLevelOut:
    return ServiceLevelOut(
        name=found.name,
        value=found.value,
        target=found.target,
        level=found.level.value,
        calls=found.calls,
    )


def _wait_fields(line: WaitingLine | None, zone: ZoneInfo) -> dict[str, Any]:
    if line is None:
        return {}
    return {
        "max_wait_s": int(line.wait.max_wait.total_seconds()),
        "warn_at": line.wait.warn_at.astimezone(zone),
        "limit_at": line.wait.limit_at.astimezone(zone),
        "level": line.wait.level.value,
    }


def _extras_json(extras: BoardExtras | None, zone: ZoneInfo) -> dict[str, Any]:
    if extras is None:
        return {}
    return {
        "service_level": _service_level(extras.service_level),
        "queues": [_service_level(q) for q in extras.queues],
        "intraday": [
            IntervalOut(
                start=row.start.astimezone(zone),
                end=row.end.astimezone(zone),
                calls=row.calls,
                service_level=row.service_level,
                agents_staffed=row.staffed,
                calls_forecast=row.forecast,
                agents_required=row.required,
            )
            for row in extras.chart.intervals
        ],
        "acknowledged_alerts": [alert_json(alert, zone) for alert in extras.acknowledged],
    }


def wallboard_json(
    board: Wallboard, now: datetime, extras: BoardExtras | None = None
) -> WallboardOut:
    zone = board.zone
    waits = {line.row.call.pk: line for line in extras.waiting} if extras else {}
    return WallboardOut(
        team=board.team.name,
        now=now.astimezone(zone),
        time_zone=str(zone),
        waiting=[
            WaitingCallOut(
                **_call(row.call, zone).model_dump(),
                waited_s=int(row.waited.total_seconds()),
                **_wait_fields(waits.get(row.call.pk), zone),
            )
            for row in board.waiting
        ],
        agents=[
            WallboardAgentOut(
                **{
                    **_state(row.session, zone).model_dump(),
                    **({"state_label": str(ON_HOLD_LABEL)} if row.held_since else {}),
                },
                in_state_s=int(row.in_state.total_seconds()),
                handled_today=row.handled_today,
                daily_target=row.target,
                taken_over_today=row.taken_over_today,
                on_hold=row.held_since is not None,
                held_since=_local(row.held_since, zone),
            )
            for row in board.agents
        ],
        callbacks_due=board.callbacks_due,
        late_logins=board.late_logins,
        alerts=[alert_json(alert, zone) for alert in board.alerts],
        kpis=_kpis(board.kpis),
        **_extras_json(extras, zone),
    )
