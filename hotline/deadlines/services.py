"""Deadlines: set when a clock starts, met when the thing happens, fired by the worker when missed.

Interface shared by tickets, dispatch and follow-up (issue 4). Handlers register by kind:

    @deadline_handler("d4.contact")
    def contact_missed(deadline: Deadline, now: datetime) -> None: ...

A kind may carry an argument after a colon ("a6.escalate:12"); the registry looks up the part
before it. A handler runs inside the transaction that marks the deadline fired, so its writes
and the firing land together or not at all.
"""

from collections.abc import Callable
from datetime import datetime

from hotline.deadlines.models import Deadline
from hotline.dispatch.models import WorkOrder
from hotline.tickets.models import Ticket

Handler = Callable[[Deadline, datetime], None]


def deadline_handler(kind: str) -> Callable[[Handler], Handler]:
    """Register the function that acts when a deadline of this kind is missed."""
    raise NotImplementedError


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
    raise NotImplementedError


def deadline_meet(
    *, kind: str, now: datetime, ticket: Ticket | None = None, work_order: WorkOrder | None = None
) -> int:
    """The thing happened in time: close the pending deadlines of this kind. Returns how many."""
    raise NotImplementedError


def deadline_cancel(
    *,
    now: datetime,
    kind: str | None = None,
    ticket: Ticket | None = None,
    work_order: WorkOrder | None = None,
) -> int:
    """No longer needed (case closed, order cancelled): close pending ones, of one kind or all."""
    raise NotImplementedError


def deadlines_fire_due(*, now: datetime, worker: str, batch: int = 100) -> int:
    """Claim due deadlines (SKIP LOCKED / conditional update with a lease) and fire each once."""
    raise NotImplementedError
