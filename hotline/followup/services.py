"""C6 / D12: follow-up calls after the work is done.

Every completed work order gets one decision (`followups_plan`, run by the worker): repairs all
(d12.repair_followup_share), installations and commissionings a reproducible sample
(d12.installation_followup_share), due a set time of working hours after completion
(d12.followup_after). Agents take one from the list, call, and record the customer's score,
reason and whether the problem is resolved; an unresolved one reopens the case and sends a
second dispatch (a repeat visit) linked to the first order.
"""

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef

from hotline.accounts.models import User
from hotline.accounts.permissions import ON_THE_PHONES
from hotline.audit.models import Event
from hotline.audit.services import event_append
from hotline.core.followup import check_result, followup_selected
from hotline.core.i18n import gettext_noop
from hotline.core.refusal import PolicyRefusal
from hotline.deadlines.services import deadline_meet, deadline_set
from hotline.dispatch.choices import WorkOrderState
from hotline.dispatch.events import DispatchEntity, WorkOrderAction
from hotline.dispatch.models import WorkOrder
from hotline.dispatch.services import work_order_dispatch
from hotline.followup.choices import OPEN_FOLLOWUP_STATES, FollowUpState
from hotline.followup.events import FollowUpAction, FollowUpEntity
from hotline.followup.models import FollowUp
from hotline.rulebook.selectors import centre_calendar, current_rulebook
from hotline.tickets.choices import TicketKind, TicketState
from hotline.tickets.events import TicketAction, TicketsEntity
from hotline.tickets.models import Ticket

DONE_ORDER_STATES = (WorkOrderState.COMPLETED, WorkOrderState.SIGNED)
SAMPLED_KINDS = frozenset({TicketKind.INSTALLATION, TicketKind.COMMISSIONING})
FOLLOWED_KINDS = frozenset({TicketKind.REPAIR}) | SAMPLED_KINDS
# The worker plans at most this often, looking back this far for completions it may have missed
# (a transaction that committed late); decisions are unique per order, so overlap is harmless.
PLAN_EVERY = timedelta(seconds=60)
PLAN_SLACK = timedelta(minutes=15)
_last_plan: dict[str, datetime] = {}


# --- planning (the worker) ---------------------------------------------------------------------


def followup_tick(*, now: datetime) -> int:
    """The worker's call: a full sweep once per process, then recent completions each minute."""
    last = _last_plan.get("at")
    if last is not None and now - last < PLAN_EVERY:
        return 0
    planned = followups_plan(now=now, since=None if last is None else last - PLAN_SLACK)
    _last_plan["at"] = now
    return planned


def followups_plan(*, now: datetime, since: datetime | None = None, batch: int = 500) -> int:
    """D12: decide for completed orders without a decision; returns how many were decided.

    With `since`, only orders whose completion event is that recent are looked at (an index
    range on the event log); without, every completed order lacking a decision."""
    candidates = (
        WorkOrder.objects.filter(state__in=DONE_ORDER_STATES, completed_at__lte=now)
        .filter(~Exists(FollowUp.objects.filter(work_order=OuterRef("pk"))))
        .order_by("completed_at", "id")
    )
    if since is not None:
        recent = Event.objects.filter(
            entity=DispatchEntity.WORK_ORDER,
            action=WorkOrderAction.COMPLETED,
            at__gte=since,
            at__lte=now,
        ).values_list("entity_id", flat=True)
        candidates = candidates.filter(pk__in=[int(pk) for pk in recent])
    decided = 0
    while True:
        ids = list(candidates.values_list("pk", flat=True)[:batch])
        if not ids:
            return decided
        decided += sum(_decide(now, order_id) for order_id in ids)
        if len(ids) < batch:
            return decided


def _decide(now: datetime, order_id: int) -> int:
    try:
        with transaction.atomic():
            order = (
                WorkOrder.objects.select_for_update(of=("self",))
                .select_related("ticket")
                .get(pk=order_id)
            )
            if FollowUp.objects.filter(work_order=order).exists():
                return 0  # another worker decided first
            followup_decide(now=now, order=order)
            return 1
    except IntegrityError:
        return 0  # the unique decision was taken by a concurrent worker


def followup_decide(*, now: datetime, order: WorkOrder) -> FollowUp:
    """One completed order's decision, in the caller's transaction: in the sample or not."""
    rules = current_rulebook()
    kind = order.ticket.kind
    if kind == TicketKind.REPAIR:
        share = rules.count("d12.repair_followup_share")
    elif kind in SAMPLED_KINDS:
        share = rules.count("d12.installation_followup_share")
    else:
        share = 0  # complaints, enquiries: no field work to follow up
    selected = kind in FOLLOWED_KINDS and followup_selected(order.pk, share)
    due = None
    if selected:
        assert order.completed_at is not None
        calendar = centre_calendar(rules)
        after = rules.duration("d12.followup_after")
        due = calendar.add_business_time(order.completed_at, after)
    followup = FollowUp.objects.create(
        work_order=order,
        ticket=order.ticket,
        kind=kind,
        share=share,
        state=FollowUpState.DUE if selected else FollowUpState.SKIPPED,
        planned_at=now,
        due_at=due,
    )
    if due is not None:
        # Not made within the same time again: overdue, the team leads are told (handler).
        overdue = centre_calendar(rules).add_business_time(due, after)
        deadline_set(kind="d12.followup", rule="D12", due_at=overdue, now=now, work_order=order)
    event_append(
        actor=None,
        now=now,
        entity=FollowUpEntity.FOLLOWUP,
        entity_id=followup.pk,
        action=FollowUpAction.PLANNED if selected else FollowUpAction.SKIPPED,
        rule="D12",
        new={
            "work_order": order.pk,
            "ticket": order.ticket_id,
            "kind": kind,
            "share": share,
            "due": due.isoformat() if due else None,
        },
    )
    return followup


# --- the agent's call --------------------------------------------------------------------------


def _lock(actor: User, followup_id: int) -> FollowUp:
    """Only the people who make the calls act on follow-ups; for anyone else none exist."""
    if actor.role not in ON_THE_PHONES:  # who makes follow-up calls
        raise FollowUp.DoesNotExist
    return (
        FollowUp.objects.select_for_update(of=("self",))
        .select_related("work_order", "ticket__customer", "taken_by")
        .get(pk=followup_id)
    )


def _check_open(followup: FollowUp, now: datetime) -> None:
    if followup.state not in OPEN_FOLLOWUP_STATES:
        raise PolicyRefusal(
            "D12",
            gettext_noop("Follow-up %(number)s is not waiting for a call (it is: %(state)s)."),
            {"number": followup.number, "state": followup.get_state_display()},
        )
    if followup.due_at is not None and followup.due_at > now:
        raise PolicyRefusal(
            "D12",
            gettext_noop("Follow-up %(number)s is due at %(due)s, not before."),
            {"number": followup.number, "due": _local_text(followup.due_at)},
        )


def _local_text(moment: datetime) -> str:
    """A time as the centre's people read it: local, with the zone named (never raw UTC)."""
    zone = centre_calendar().tz()
    return f"{moment.astimezone(zone):%Y-%m-%d %H:%M} ({zone.key})"


def _check_mine(actor: User, followup: FollowUp) -> None:
    """One agent calls a customer at a time: another's taken follow-up is theirs."""
    if followup.state == FollowUpState.TAKEN and followup.taken_by_id != actor.pk:
        raise PolicyRefusal(
            "D12",
            gettext_noop("Follow-up %(number)s is being called by %(agent)s."),
            {"number": followup.number, "agent": str(followup.taken_by)},
        )


def followup_take(*, actor: User, now: datetime, followup_id: int) -> FollowUp:
    """An agent takes a due follow-up from the list to call the customer."""
    with transaction.atomic():
        followup = _lock(actor, followup_id)
        _check_open(followup, now)
        _check_mine(actor, followup)
        if followup.state == FollowUpState.TAKEN:
            return followup  # already the actor's: taking it again changes nothing
        followup.state, followup.taken_by, followup.taken_at = FollowUpState.TAKEN, actor, now
        followup.save(update_fields=["state", "taken_by", "taken_at"])
        event_append(
            actor=actor,
            now=now,
            entity=FollowUpEntity.FOLLOWUP,
            entity_id=followup.pk,
            action=FollowUpAction.TAKEN,
            rule="D12",
            old={"state": FollowUpState.DUE},
        )
    return followup


def followup_release(*, actor: User, now: datetime, followup_id: int, note: str = "") -> FollowUp:
    """No answer (or not now): the follow-up goes back to the list, the attempt counted."""
    with transaction.atomic():
        followup = _lock(actor, followup_id)
        _check_open(followup, now)
        _check_mine(actor, followup)
        if followup.state != FollowUpState.TAKEN:
            raise PolicyRefusal(
                "D12",
                gettext_noop("Take follow-up %(number)s before putting it back."),
                {"number": followup.number},
            )
        followup.state, followup.taken_by, followup.taken_at = FollowUpState.DUE, None, None
        followup.attempts += 1
        followup.save(update_fields=["state", "taken_by", "taken_at", "attempts"])
        event_append(
            actor=actor,
            now=now,
            entity=FollowUpEntity.FOLLOWUP,
            entity_id=followup.pk,
            action=FollowUpAction.RELEASED,
            rule="D12",
            new={"attempts": followup.attempts},
            reason=note,
        )
    return followup


def followup_record(
    *,
    actor: User,
    now: datetime,
    followup_id: int,
    score: int | None,
    reason: str,
    resolved: bool | None,
) -> FollowUp:
    """C6 / D12: the customer's score and reason; unresolved reopens the case and sends a
    second dispatch (repeat visit) linked to the first order."""
    reason = check_result(score, reason)
    if resolved is None:
        raise PolicyRefusal("D12", gettext_noop("Say whether the problem is resolved."))
    with transaction.atomic():
        followup = _lock(actor, followup_id)
        _check_open(followup, now)
        _check_mine(actor, followup)
        followup.score, followup.reason, followup.resolved = score, reason, resolved
        followup.done_at, followup.done_by = now, actor
        followup.taken_by = followup.taken_by or actor
        followup.taken_at = followup.taken_at or now
        followup.state = FollowUpState.RESOLVED if resolved else FollowUpState.UNRESOLVED
        followup.save()  # first: the second dispatch finds it waiting, and links to it
        waiting = False
        if not resolved:
            followup.second_dispatch = _second_dispatch(actor, now, followup)
            waiting = followup.second_dispatch is None
        deadline_meet(kind="d12.followup", now=now, work_order=followup.work_order)
        event_append(
            actor=actor,
            now=now,
            entity=FollowUpEntity.FOLLOWUP,
            entity_id=followup.pk,
            action=FollowUpAction.RECORDED,
            new={
                "score": score,
                "resolved": resolved,
                "work_order": followup.work_order_id,
                "kind": followup.kind,
                "second_dispatch": followup.second_dispatch_id,
                "second_dispatch_waiting": waiting,
            },
            reason=reason,
            rule="C6",
        )
    return followup


def _second_dispatch(actor: User, now: datetime, followup: FollowUp) -> WorkOrder | None:
    """Reopen the case and send it again: to the same provider if it still serves the region
    and has room, else to D3's choice among the region's providers. When none has room (D3),
    the case waits on the dispatcher's board, flagged as a second dispatch: the follow-up's
    score and reason are kept, and the dispatcher's order is linked to the first (repeat.py).
    Returns the new order, or None when it waits for the dispatcher."""
    first = followup.work_order
    ticket = Ticket.objects.select_for_update(of=("self",)).get(pk=followup.ticket_id)
    old = {"state": ticket.state, "solved_at": ticket.solved_at and ticket.solved_at.isoformat()}
    ticket.state, ticket.solved_at = TicketState.TO_DISPATCH, None
    ticket.save(update_fields=["state", "solved_at"])
    event_append(
        actor=actor,
        now=now,
        entity=TicketsEntity.TICKET,
        entity_id=ticket.pk,
        action=TicketAction.REOPENED,
        rule="D12",
        old=old,
        new={"state": ticket.state, "followup": followup.pk},
        reason=followup.reason,
    )
    for provider in (first.provider, None):
        try:
            with transaction.atomic():
                return work_order_dispatch(actor=actor, now=now, ticket=ticket, provider=provider)
        except PolicyRefusal as refused:
            if refused.rule_id != "D3":
                raise
    event_append(
        actor=actor,
        now=now,
        entity=TicketsEntity.TICKET,
        entity_id=ticket.pk,
        action=TicketAction.SECOND_DISPATCH_WAITING,
        rule="D12",
        new={"followup": followup.pk, "first_order": first.pk},
        reason=followup.reason,
    )
    return None


__all__ = [
    "followup_decide",
    "followup_record",
    "followup_release",
    "followup_take",
    "followup_tick",
    "followups_plan",
]
