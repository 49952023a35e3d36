"""An agent's own moves on the floor: log in, get ready, ask for a break, come back, log out."""

from collections.abc import Callable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from hotline.accounts.choices import Role
from hotline.accounts.models import User
from hotline.audit.models import Event
from hotline.audit.services import event_append
from hotline.calls.choices import LeaveState, StateReason
from hotline.calls.events import (
    LATE_SECONDS,
    LEAD_WAS,
    REFUSAL_MESSAGE,
    REFUSAL_PARAMS,
    AgentAction,
    CallAction,
    CallsEntity,
)
from hotline.calls.models import AgentSession, BreakRequest, Queue
from hotline.calls.services.floor import (
    floor_snapshot,
    lock_team,
    locked_session,
    move_agent,
    pending_leave,
)
from hotline.core.agent_states import BUSY_STATES, AgentEvent, AgentState, leave_event
from hotline.core.breaks import (
    BreakDecision,
    BreakLimits,
    FloorSnapshot,
    LeaveKind,
    Outcome,
    decide_leave,
)
from hotline.core.calendar import BusinessCalendar
from hotline.core.floor import login_punctuality
from hotline.core.refusal import PolicyRefusal
from hotline.rulebook.models import Calendar
from hotline.rulebook.selectors import business_calendar, current_rulebook

# B1: where a published roster says when an agent's shift starts (workforce, a higher app,
# registers it in its AppConfig.ready()); without one, the site's opening time.
ShiftStartSource = Callable[[User, date], datetime | None]
_shift_starts: list[ShiftStartSource] = []


def shift_start_source(source: ShiftStartSource) -> None:
    if source not in _shift_starts:
        _shift_starts.append(source)


def _lock_own_team(actor: User) -> int:
    """The actor's team, locked: only agents and leads of a team work the floor (a role or
    set-up matter, not a rule of the rulebook, hence no rule id)."""
    if actor.role not in (Role.AGENT, Role.TEAM_LEAD) or actor.team_id is None:
        raise PermissionDenied(_("Only agents of a team take calls."))
    lock_team(actor.team_id)
    return actor.team_id


def _site_calendar(session: AgentSession) -> Calendar:
    """The calendar of the site the agent's team works at, in one query (the floor's sessions
    are read without it: most of its steps have no use for it)."""
    return Calendar.objects.get(sites__teams=session.team_id)


def _day_start(session: AgentSession, now: datetime) -> datetime:
    """Midnight where the agent's team works: break quotas (B2) are counted per local day."""
    return _midnight(now, ZoneInfo(_site_calendar(session).time_zone))


def _midnight(now: datetime, zone: ZoneInfo) -> datetime:
    return now.astimezone(zone).replace(hour=0, minute=0, second=0, microsecond=0)


@transaction.atomic
def agent_log_in(*, actor: User, now: datetime) -> AgentSession:
    """Join the floor, not ready yet: the agent makes ready when prepared (B1 records both)."""
    team_id = _lock_own_team(actor)
    session, created = AgentSession.objects.select_for_update().get_or_create(
        agent=actor, defaults={"team_id": team_id, "state_since": now}
    )
    if created or not session.queues.exists():
        session.queues.set(Queue.objects.filter(team_id=team_id))
    move_agent(session, AgentEvent.LOG_IN, actor=actor, now=now, rule="B1")
    session.logged_in_at = now
    session.save(update_fields=["logged_in_at"])
    return session


def agent_make_ready(*, actor: User, now: datetime) -> AgentSession:
    """Ready for calls: ends a break or away time; the agent joins the end of the idle line."""
    from hotline.calls.services.routing import floor_route

    with transaction.atomic():
        _lock_own_team(actor)
        session = locked_session(actor)
        end_active_leave(actor, now)
        move_agent(session, AgentEvent.MAKE_READY, actor=actor, now=now)
        _record_first_ready(session, now)
    floor_route(team_id=session.team_id, now=now)
    return session


def shift_start(agent: User, calendar: BusinessCalendar, now: datetime) -> datetime | None:
    """B1: when the agent's shift takes its first call today (`calendar`: their site's).

    The published roster's shift; without one, the shift starts when the team's site opens,
    and on a closed day there is no shift to be early for.
    """
    today = now.astimezone(calendar.tz()).date()
    for source in _shift_starts:
        rostered = source(agent, today)
        if rostered is not None:
            return rostered
    return calendar.opening_on(today) if calendar.is_working_day(today) else None


def _record_first_ready(session: AgentSession, now: datetime) -> None:
    """B1 (track): the day's first "ready" against the shift start; late ones are counted."""
    calendar = business_calendar(_site_calendar(session))
    start = shift_start(session.agent, calendar, now)
    if start is None or now > start + timedelta(hours=12):
        return
    already = Event.objects.filter(
        entity=CallsEntity.AGENT,
        entity_id=str(session.agent_id),
        action=AgentAction.FIRST_READY,
        at__gte=_midnight(now, calendar.tz()),
    ).exists()
    if already:
        return
    prep_min = current_rulebook().duration("b1.prep_min", team=session.team_id)
    punctuality = login_punctuality(start, now, prep_min)
    event_append(
        actor=session.agent,
        now=now,
        entity=CallsEntity.AGENT,
        entity_id=session.agent_id,
        action=AgentAction.FIRST_READY,
        new={
            "shift_start": start.isoformat(),
            "ready_by": punctuality.ready_by.isoformat(),
            LATE_SECONDS: int(punctuality.late_by.total_seconds()) if punctuality.late_by else 0,
        },
        rule="B1",
    )


def end_active_leave(agent: User, now: datetime) -> None:
    for leave in BreakRequest.objects.select_for_update().filter(
        agent=agent, state=LeaveState.ACTIVE
    ):
        leave.state, leave.ended_at = LeaveState.ENDED, now
        leave.save(update_fields=["state", "ended_at"])


@transaction.atomic
def agent_log_out(*, actor: User, now: datetime) -> AgentSession:
    """Leave the floor. Refused mid-call (B5) or when the queue would be left unstaffed (B6).

    B6 is asked from every state off the phones, not only "ready": an agent who has just
    declined the ringing call is not ready, and may be the last one who could serve it."""
    _lock_own_team(actor)
    session = locked_session(actor)
    if session.state not in (AgentState.LOGGED_OUT, *BUSY_STATES):
        _decide_or_refuse(session, LeaveKind.AWAY, now)
    end_active_leave(actor, now)
    move_agent(session, AgentEvent.LOG_OUT, actor=actor, now=now, rule="B5")
    return session


def leave_inputs(session: AgentSession, now: datetime) -> tuple[FloorSnapshot, BreakLimits]:
    """What rules B2-B6 decide a leave from: the floor as the agent sees it, and the limits."""
    queue_ids = frozenset(session.queues.values_list("pk", flat=True))
    team_size = AgentSession.objects.filter(team_id=session.team_id).count()
    limits = BreakLimits.for_team(
        current_rulebook(), team_id=session.team_id, team_size=team_size, queue_ids=queue_ids
    )
    return floor_snapshot(session, now=now, day_start=_day_start(session, now)), limits


def _decide_or_refuse(session: AgentSession, kind: LeaveKind, now: datetime) -> BreakDecision:
    decision = decide_leave(kind, *leave_inputs(session, now))
    if decision.refusal:
        raise decision.refusal
    return decision


def agent_leave_request(*, actor: User, now: datetime, kind: LeaveKind) -> BreakRequest:
    """Ask for a break, lunch, personal time or away: start now, start after the call, or refuse.

    A refusal is recorded (the request is kept, with the rule) before it is raised, so the
    team lead sees it and nothing is lost.
    """
    with transaction.atomic():
        _lock_own_team(actor)
        session = locked_session(actor)
        try:
            decision = _decide_or_refuse(session, kind, now)
        except PolicyRefusal as refusal:
            refused = refusal
        else:
            return _apply_leave(session, kind, decision, actor=actor, now=now)
    _record_refusal(actor, kind, refused, now)
    raise refused


def _apply_leave(
    session: AgentSession, kind: LeaveKind, decision: BreakDecision, *, actor: User, now: datetime
) -> BreakRequest:
    if decision.outcome is Outcome.AFTER_CALL:
        leave = BreakRequest.objects.create(
            agent=session.agent, kind=kind, requested_at=now, state=LeaveState.AFTER_CALL
        )
        event_append(
            actor=actor,
            now=now,
            entity=CallsEntity.AGENT,
            entity_id=session.agent_id,
            action=AgentAction.LEAVE_AFTER_CALL,
            new=kind.value,
            rule="B5",
        )
        return leave
    move_agent(session, leave_event(kind.state), actor=actor, now=now, reason=kind.value)
    return BreakRequest.objects.create(
        agent=session.agent, kind=kind, requested_at=now, started_at=now, state=LeaveState.ACTIVE
    )


@transaction.atomic
def _record_refusal(agent: User, kind: LeaveKind, refusal: PolicyRefusal, now: datetime) -> None:
    BreakRequest.objects.create(
        agent=agent,
        kind=kind,
        requested_at=now,
        state=LeaveState.REFUSED,
        refused_rule=refusal.rule_id,
    )
    _refusal_event(agent.pk, kind, refusal, actor=agent, now=now)


def _refusal_event(
    agent_id: int, kind: LeaveKind, refusal: PolicyRefusal, *, actor: User | None, now: datetime
) -> None:
    event_append(
        actor=actor,
        now=now,
        entity=CallsEntity.AGENT,
        entity_id=agent_id,
        action=AgentAction.LEAVE_REFUSED,
        # The refusal's msgid and params, so the desk says it again in the agent's language
        # when it was decided without them (B5: at the end of the wrap-up).
        old={REFUSAL_MESSAGE: refusal.message, REFUSAL_PARAMS: refusal.params},
        new=kind.value,
        reason=refusal.render(),
        rule=refusal.rule_id,
    )


def lead_back_from_take_over(
    session: AgentSession, wrapped_up: list[int], *, actor: User | None, now: datetime
) -> bool:
    """B10: a team lead who took over a call from their own work (not ready for the queue)
    goes back to it when the call's wrap-up ends, instead of becoming a routing target of the
    queue; one who was ready for calls on purpose stays ready. True if the lead went back."""
    taken_over = Event.objects.filter(
        entity=CallsEntity.CALL,
        entity_id__in=[str(call_id) for call_id in wrapped_up],
        action=CallAction.TAKEN_OVER,
    ).values_list("new", flat=True)
    was_away = any(
        isinstance(new, dict)
        and new.get("agent") == session.agent_id
        and new.get(LEAD_WAS) != AgentState.READY
        for new in taken_over
    )
    if was_away:
        move_agent(
            session,
            AgentEvent.GO_AWAY,
            actor=actor,
            now=now,
            reason=StateReason.TAKE_OVER_DONE,
            rule="B10",
        )
    return was_away


def start_pending_leave(session: AgentSession, *, now: datetime) -> BreakRequest | None:
    """B5: a leave asked for during a call starts once the call and its wrap-up have ended.

    The rules that guard the queue (B3, B4, B6) are checked again at that moment; if they
    now refuse, the request is refused with that rule and the agent stays ready.
    """
    leave = pending_leave(session.agent_id)
    if leave is None:
        return None
    kind = LeaveKind(leave.kind)
    try:
        _decide_or_refuse(session, kind, now)
    except PolicyRefusal as refusal:
        leave.state, leave.refused_rule = LeaveState.REFUSED, refusal.rule_id
        leave.save(update_fields=["state", "refused_rule"])
        _refusal_event(session.agent_id, kind, refusal, actor=None, now=now)
        return None
    move_agent(session, leave_event(kind.state), actor=None, now=now, reason=kind.value, rule="B5")
    leave.state, leave.started_at = LeaveState.ACTIVE, now
    leave.save(update_fields=["state", "started_at"])
    return leave
