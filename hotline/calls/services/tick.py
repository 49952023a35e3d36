"""The floor's timers, fired by `hotline worker` every second.

Each timer is an indexed column compared with `now`. Firing goes through the same services as
a person would, and those check the state under a row lock first: when two workers race, the
second finds the offer already expired (or the call already moved) and does nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction

from hotline.audit.services import event_append
from hotline.calls.choices import AlertKind, CallState, LeaveState, OfferOutcome, TransferOutcome
from hotline.calls.events import AgentAction, CallAction, CallsEntity
from hotline.calls.limits import call_talk_limit
from hotline.calls.models import AgentSession, Alert, BreakRequest, Call, Offer, Queue, Transfer
from hotline.calls.services.calls import agent_wrap_up_end, offer_decline
from hotline.calls.services.routing import floor_route
from hotline.calls.services.transfers import transfer_decline
from hotline.calls.services.waiting import (
    callbacks_due_by_queue,
    callbacks_miss_expired,
    queue_check_waits,
)
from hotline.calls.tasks import cti_deliveries_overdue
from hotline.core.agent_states import AgentState
from hotline.core.breaks import BreakLimits, LeaveKind, break_overrun
from hotline.core.floor import TalkLevel, talk_status
from hotline.core.refusal import PolicyRefusal
from hotline.rulebook.selectors import current_rulebook


@dataclass
class TickReport:
    fired: dict[str, int] = field(default_factory=dict)

    def count(self, name: str, n: int = 1) -> None:
        self.fired[name] = self.fired.get(name, 0) + n


def floor_tick(now: datetime) -> TickReport:
    report = TickReport()
    for name, step in STEPS:
        report.count(name, step(now))
    return report


def _each(ids: list[int], fire: Callable[[int], object]) -> int:
    """Fire each due item; one that another worker already handled is skipped quietly."""
    fired = 0
    for item_id in ids:
        try:
            fire(item_id)
        except PolicyRefusal:
            continue
        fired += 1
    return fired


def expire_offers(now: datetime) -> int:
    due = list(
        Offer.objects.filter(outcome=OfferOutcome.PENDING, expires_at__lte=now).values_list(
            "pk", flat=True
        )
    )
    return _each(due, lambda pk: offer_decline(actor=None, now=now, offer_id=pk, expired=True))


def expire_transfers(now: datetime) -> int:
    due = list(
        Transfer.objects.filter(outcome=TransferOutcome.PENDING, expires_at__lte=now).values_list(
            "pk", flat=True
        )
    )
    return _each(
        due, lambda pk: transfer_decline(actor=None, now=now, transfer_id=pk, expired=True)
    )


def end_wrap_ups(now: datetime) -> int:
    due = AgentSession.objects.filter(state=AgentState.WRAP_UP, wrap_up_ends_at__lte=now)
    return _each(
        [s.agent_id for s in due.select_related("agent")],
        lambda pk: agent_wrap_up_end(
            actor=None, now=now, agent=AgentSession.objects.get(agent_id=pk).agent
        ),
    )


def check_waits(now: datetime) -> int:
    queues = Queue.objects.filter(calls__state=CallState.WAITING).distinct()
    return sum(len(queue_check_waits(queue=queue, now=now)) for queue in queues)


def miss_expired_callbacks(now: datetime) -> int:
    """B8: callbacks whose window ended undialled are no longer offered; the lead is told."""
    return len(callbacks_miss_expired(now=now))


def route_due_callbacks(now: datetime) -> int:
    teams = set(
        Queue.objects.filter(pk__in=callbacks_due_by_queue(now)).values_list("team_id", flat=True)
    )
    return sum(len(floor_route(team_id=team_id, now=now)) for team_id in teams)


def alert_long_calls(now: datetime) -> int:
    """A1: the agent sees a warning at the set share, the team lead is alerted at the limit."""
    rules = current_rulebook()
    fired = 0
    for call in Call.objects.filter(
        state=CallState.CONNECTED, talk_alerted_at__isnull=True, answered_at__isnull=False
    ).select_related("agent", "queue"):
        assert call.answered_at is not None
        limit = call_talk_limit(rules, call)  # the call's queue, else its team, else the centre
        status = talk_status(call.answered_at, now, limit.max_talk, limit.warning_share)
        if status.level is TalkLevel.OVER or (
            status.level is TalkLevel.WARNING and call.talk_warned_at is None
        ):
            fired += _raise_talk_alert(call.pk, status.level, now)
    return fired


@transaction.atomic
def _raise_talk_alert(call_id: int, level: TalkLevel, now: datetime) -> int:
    call = (
        Call.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("agent")
        .filter(pk=call_id, state=CallState.CONNECTED)
        .first()
    )
    if call is None or call.agent is None or call.talk_alerted_at is not None:
        return 0
    if level is TalkLevel.WARNING:
        if call.talk_warned_at is not None:
            return 0
        call.talk_warned_at = now
        call.save(update_fields=["talk_warned_at"])
    else:
        call.talk_alerted_at = now
        call.save(update_fields=["talk_alerted_at"])
        assert call.agent.team_id is not None
        Alert.objects.create(
            kind=AlertKind.TALK_OVER,
            rule="A1",
            team_id=call.agent.team_id,
            agent=call.agent,
            call=call,
            raised_at=now,
        )
    event_append(
        actor=None,
        now=now,
        entity=CallsEntity.CALL,
        entity_id=call.pk,
        action=CallAction.TALK_WARNING if level is TalkLevel.WARNING else CallAction.TALK_OVER,
        rule="A1",
    )
    return 1


def alert_break_overruns(now: datetime) -> int:
    """B2: a break or lunch past its allowed length alerts the team lead, once."""
    rules = current_rulebook()
    fired = 0
    active = BreakRequest.objects.filter(
        state=LeaveState.ACTIVE,
        overrun_alerted_at__isnull=True,
        kind__in=[LeaveKind.BREAK, LeaveKind.LUNCH],
    ).select_related("agent")
    for leave in active:
        team_id = leave.agent.team_id
        assert team_id is not None
        assert leave.started_at is not None
        limits = BreakLimits.for_team(rules, team_id=team_id, team_size=1, queue_ids=frozenset())
        if break_overrun(LeaveKind(leave.kind), leave.started_at, now, limits):
            updated = BreakRequest.objects.filter(
                pk=leave.pk, overrun_alerted_at__isnull=True
            ).update(overrun_alerted_at=now)
            if updated:  # the conditional update is the claim: one worker wins
                Alert.objects.create(
                    kind=AlertKind.BREAK_OVERRUN,
                    rule="B2",
                    team_id=team_id,
                    agent=leave.agent,
                    raised_at=now,
                )
                event_append(
                    actor=None,
                    now=now,
                    entity=CallsEntity.AGENT,
                    entity_id=leave.agent_id,
                    action=AgentAction.BREAK_OVERRUN,
                    rule="B2",
                )
                fired += 1
    return fired


STEPS: tuple[tuple[str, Callable[[datetime], int]], ...] = (
    ("offers_expired", expire_offers),
    ("transfers_expired", expire_transfers),
    ("wrap_ups_ended", end_wrap_ups),
    ("waits_checked", check_waits),
    ("callbacks_missed", miss_expired_callbacks),  # before routing: no offer past the window
    ("callbacks_routed", route_due_callbacks),
    ("talk_alerts", alert_long_calls),
    ("break_overruns", alert_break_overruns),
    ("pbx_pushes_kicked", cti_deliveries_overdue),
)
