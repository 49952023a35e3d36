"""Deadlines: set when a clock starts, met when the thing happens, fired by the worker when missed.

Interface shared by tickets, dispatch and follow-up. Handlers register by kind:

    @deadline_handler("d4.contact")
    def contact_missed(deadline: Deadline, now: datetime) -> None: ...

A kind may carry an argument after a colon ("a6.escalate:12"); the registry looks up the part
before it. A handler runs inside the transaction that marks the deadline fired, so its writes
and the firing land together or not at all.
"""

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils.functional import Promise

from hotline.audit.services import event_append
from hotline.core.refusal import check_rule_id
from hotline.deadlines.choices import DeadlineState, kind_label_set
from hotline.deadlines.events import DeadlineAction, DeadlinesEntity
from hotline.deadlines.models import Deadline
from hotline.dispatch.models import WorkOrder
from hotline.tickets.models import Ticket

Handler = Callable[[Deadline, datetime], None]

# A claimed row belongs to its worker this long; a worker that dies (kill -9) holds it no longer.
# Handlers are short database work, far below it.
LEASE = timedelta(seconds=60)
# Tries before the worker gives up on a row (a handler that keeps failing) and says so in the log.
MAX_ATTEMPTS = 5

logger = logging.getLogger(__name__)
_handlers: dict[str, Handler] = {}


def deadline_handler(kind: str, label: str | Promise | None = None) -> Callable[[Handler], Handler]:
    """Register the function that acts when a deadline of this kind is missed, and the kind's
    words for people (`label`; the order page shows them)."""
    if label is not None:
        kind_label_set(kind, label)

    def register(handler: Handler) -> Handler:
        known = _handlers.get(kind)
        if known is not None and known.__qualname__ != handler.__qualname__:
            raise ValueError(f"deadline kind {kind!r} already has a handler: {known.__qualname__}")
        _handlers[kind] = handler
        return handler

    return register


def handler_for(kind: str) -> Handler:
    return _handlers[kind.partition(":")[0]]


def _of(ticket: Ticket | None, work_order: WorkOrder | None) -> Q:
    """The object a clock runs for; neither means a centre-wide clock."""
    return Q(ticket=ticket, work_order=work_order)


def _close(query: Q, state: DeadlineState, now: datetime) -> int:
    pending = Deadline.objects.filter(query, state=DeadlineState.PENDING)
    return pending.update(state=state, closed_at=now, lease_until=None, claimed_by="")


def deadline_set(
    *,
    kind: str,
    rule: str,
    due_at: datetime,
    now: datetime,
    ticket: Ticket | None = None,
    work_order: WorkOrder | None = None,
) -> Deadline:
    """Start a clock. A pending deadline of the same kind for the same object is moved instead."""
    check_rule_id(rule)  # its firing is logged under this rule: a typo must fail here, not then
    with transaction.atomic():
        deadline = (
            Deadline.objects.select_for_update()
            .filter(_of(ticket, work_order), kind=kind, state=DeadlineState.PENDING)
            .first()
        )
        if deadline is None:
            return Deadline.objects.create(
                kind=kind,
                rule=rule,
                due_at=due_at,
                created_at=now,
                ticket=ticket,
                work_order=work_order,
            )
        # Moved: a worker that claimed the old time no longer owns it (its fire step checks).
        deadline.rule, deadline.due_at = rule, due_at
        deadline.lease_until, deadline.claimed_by, deadline.attempts = None, "", 0
        deadline.save(update_fields=["rule", "due_at", "lease_until", "claimed_by", "attempts"])
        return deadline


def deadline_meet(
    *, kind: str, now: datetime, ticket: Ticket | None = None, work_order: WorkOrder | None = None
) -> int:
    """The thing happened in time: close the pending deadlines of this kind. Returns how many."""
    return _close(_of(ticket, work_order) & Q(kind=kind), DeadlineState.MET, now)


def deadline_cancel(
    *,
    now: datetime,
    kind: str | None = None,
    ticket: Ticket | None = None,
    work_order: WorkOrder | None = None,
) -> int:
    """No longer needed (case closed, order cancelled): close pending ones, of one kind or all."""
    if ticket is None and work_order is None:
        raise ValueError("deadline_cancel needs a ticket or a work order")
    # Cancelling a ticket's clocks includes those set for it together with a work order.
    query = Q(ticket=ticket) if ticket is not None else Q()
    query &= Q(work_order=work_order) if work_order is not None else Q()
    if kind is not None:
        query &= Q(kind=kind)
    return _close(query, DeadlineState.CANCELLED, now)


def deadlines_fire_due(*, now: datetime, worker: str, batch: int = 100) -> int:
    """Claim due deadlines (SKIP LOCKED / conditional update with a lease) and fire each once."""
    return sum(_fire(deadline_id, now, worker) for deadline_id in _claim(now, worker, batch))


def _claimable(now: datetime) -> Q:
    free = Q(lease_until__isnull=True) | Q(lease_until__lte=now)
    # One claim past the last try, to record that the worker gave up (see _fire).
    return Q(state=DeadlineState.PENDING, due_at__lte=now, attempts__lte=MAX_ATTEMPTS) & free


def _claim(now: datetime, worker: str, batch: int) -> list[int]:
    """Lease a batch to this worker. On PostgreSQL the rows are locked and others skipped; on
    SQLite (which ignores FOR UPDATE) the transaction is IMMEDIATE, so claims queue, and the
    UPDATE repeats the conditions so that a row already leased is never taken twice."""
    lease = now + LEASE
    with transaction.atomic():
        ids = list(
            Deadline.objects.select_for_update(skip_locked=True)
            .filter(_claimable(now))
            .order_by("due_at", "id")
            .values_list("id", flat=True)[:batch]
        )
        if not ids:
            return []
        Deadline.objects.filter(_claimable(now), pk__in=ids).update(
            lease_until=lease, claimed_by=worker, attempts=F("attempts") + 1
        )
        claimed = Deadline.objects.filter(pk__in=ids, claimed_by=worker, lease_until=lease)
        return list(claimed.order_by("due_at", "id").values_list("id", flat=True))


def _fire(deadline_id: int, now: datetime, worker: str) -> bool:
    """Fire one claimed row in its own transaction. A handler that raises leaves the row
    claimed: after the lease another tick tries again, up to MAX_ATTEMPTS."""
    try:
        with transaction.atomic():
            deadline = (
                Deadline.objects.select_for_update()
                .filter(pk=deadline_id, state=DeadlineState.PENDING, claimed_by=worker)
                .first()
            )
            if deadline is None:
                return False  # met, cancelled, moved or taken over since the claim
            if deadline.attempts > MAX_ATTEMPTS:
                _give_up(deadline, now)
                return False
            handler_for(deadline.kind)(deadline, now)
            deadline.state, deadline.closed_at = DeadlineState.FIRED, now
            deadline.lease_until, deadline.claimed_by = None, ""
            deadline.save(update_fields=["state", "closed_at", "lease_until", "claimed_by"])
            _event(deadline, now, DeadlineAction.FIRED)
            return True
    except Exception:
        logger.exception("deadline %s (%s) failed; retried after the lease", deadline_id, worker)
        return False


def _give_up(deadline: Deadline, now: datetime) -> None:
    """Still pending, no longer claimed: the event log shows it, so it is never lost silently."""
    logger.error(
        "deadline %s (%s) gave up after %s tries", deadline.pk, deadline.kind, MAX_ATTEMPTS
    )
    deadline.lease_until, deadline.claimed_by = None, ""
    deadline.save(update_fields=["lease_until", "claimed_by"])
    _event(deadline, now, DeadlineAction.GAVE_UP)


def _event(deadline: Deadline, now: datetime, action: DeadlineAction) -> None:
    event_append(
        actor=None,
        now=now,
        entity=DeadlinesEntity.DEADLINE,
        entity_id=deadline.pk,
        action=action,
        new={
            "kind": deadline.kind,
            "due": deadline.due_at.isoformat(),
            "ticket": deadline.ticket_id,
            "work_order": deadline.work_order_id,
            "attempts": deadline.attempts,
        },
        rule=deadline.rule,
    )
