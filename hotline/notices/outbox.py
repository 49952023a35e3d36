"""Sending queued notices: claimed with a lease, sent outside any transaction, retried.

Delivery is at least once. A sender first claims the notice in its own committed UPDATE
(queued -> sending, a lease until `now + HOTLINE_NOTICE_LEASE`, one more attempt), then sends it
through its channel with the channel's timeout, then records the outcome in a second
transaction, only if the notice is still its own (still sending, same attempt: a fence). If the
sender dies between the two (kill -9, a lost machine), the lease runs out and the worker's tick
puts the notice back in the queue: it is sent again, with the same idempotency key (webhook
`Idempotency-Key` header and `id`, SMS `id`, e-mail Message-ID), so a receiver that remembers
the keys it has seen takes it exactly once. At most once would lose a notice whenever a worker
dies mid-send, and a lost "your repair is delayed" is worse than a repeated one.

A failed send (refused, timed out, non-2xx) is queued again after a pause that doubles, and the
notice is failed after HOTLINE_NOTICE_ATTEMPTS attempts; a send that cannot succeed (no address,
no gateway configured) fails at once. Each channel has its own task queue and runner, so a
channel that hangs holds up only its own notices.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django_tasks import default_task_backend

from hotline.notices.channels import SENDERS, NotDelivered, queue_of
from hotline.notices.choices import NoticeState
from hotline.notices.events import NoticeAction
from hotline.notices.models import Notice

LOST_TASK_AFTER = timedelta(seconds=60)  # due this long and untouched: the tick kicks a sender
LONGEST_PAUSE = timedelta(hours=1)
REQUEUED_PER_TICK = 200

logger = logging.getLogger(__name__)


def notice_enqueue(notice_id: int, channel: str, run_after: datetime | None = None) -> None:
    """Have a task send the notice, on its channel's queue when the task backend has one."""
    from hotline.notices.tasks import notice_send

    task = notice_send
    if queue_of(channel) in default_task_backend.queues:
        task = task.using(queue_name=queue_of(channel))
    if run_after is not None:
        if not default_task_backend.supports_defer:
            return  # the worker's tick kicks it when it is due
        task = task.using(run_after=run_after)
    task.enqueue(notice_id)


def notice_claim(*, now: datetime, notice_id: int) -> Notice | None:
    """Take a due queued notice, or one whose sender's lease ran out, in a committed UPDATE:
    of two senders only one gets it, on SQLite and PostgreSQL alike. None: not ours to send."""
    due = Q(state=NoticeState.QUEUED) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    abandoned = Q(state=NoticeState.SENDING, lease_until__lte=now)
    lease = timedelta(seconds=settings.HOTLINE_NOTICE_LEASE)
    with transaction.atomic():
        claimed = (
            Notice.objects.filter(due | abandoned, pk=notice_id)
            .filter(channel__in=list(SENDERS))
            .update(state=NoticeState.SENDING, lease_until=now + lease, attempts=F("attempts") + 1)
        )
    return Notice.objects.get(pk=notice_id) if claimed else None


def retry_pause(attempts: int) -> timedelta:
    """The pause after the attempts so far: the first HOTLINE_NOTICE_RETRY, then doubling."""
    first = timedelta(seconds=float(settings.HOTLINE_NOTICE_RETRY))
    doubled: timedelta = first * 2 ** max(attempts - 1, 0)
    return min(doubled, LONGEST_PAUSE)


def notice_deliver(*, now: datetime, notice_id: int) -> Notice | None:
    """Send a queued notice through its channel and record how it went (the task's work).

    Sending happens outside any transaction (a slow gateway holds no lock). None: the notice
    was not due, or another sender has it, or it is already sent (or gone with its case).
    """
    from hotline.notices.services import notice_event

    claimed = notice_claim(now=now, notice_id=notice_id)
    if claimed is None:
        return None
    error, final = "", False
    try:
        SENDERS[claimed.channel](claimed)
    except Exception as failure:  # whatever the channel raised is recorded, never lost
        logger.warning("notice %s by %s failed: %s", notice_id, claimed.channel, failure)
        error = f"{type(failure).__name__}: {failure}"
        final = isinstance(failure, NotDelivered)
    with transaction.atomic():
        notice = Notice.objects.select_for_update().get(pk=notice_id)
        if notice.state != NoticeState.SENDING or notice.attempts != claimed.attempts:
            return notice  # our lease ran out and another sender took it over
        notice.lease_until, notice.error = None, error
        if not error:
            notice.state, notice.sent_at = NoticeState.SENT, now
            notice_event(now, notice, NoticeAction.SENT)
        elif final or notice.attempts >= settings.HOTLINE_NOTICE_ATTEMPTS:
            notice.state = NoticeState.FAILED
            notice_event(now, notice, NoticeAction.FAILED, reason=error)
        else:
            notice.state = NoticeState.QUEUED
            notice.next_attempt_at = now + retry_pause(notice.attempts)
            retry_at = notice.next_attempt_at
            transaction.on_commit(lambda: notice_enqueue(notice_id, claimed.channel, retry_at))
        notice.save(update_fields=["state", "sent_at", "error", "lease_until", "next_attempt_at"])
    return notice


def notices_requeue_lost(now: datetime) -> int:
    """The worker's tick: a notice whose sender died (lease run out) is queued again, and a
    due notice nobody took for a while (its task was lost) gets a task. How many kicked."""
    expired = Q(state=NoticeState.SENDING, lease_until__lte=now)
    held = Notice.objects.filter(expired).order_by("pk").values_list("pk", "channel")
    abandoned = list(held[:REQUEUED_PER_TICK])
    Notice.objects.filter(expired, pk__in=[pk for pk, _ in abandoned]).update(
        state=NoticeState.QUEUED, lease_until=None, next_attempt_at=now
    )
    # Made due now: the next tick kicks one again only if it is still untouched a while later.
    cutoff = now - LOST_TASK_AFTER
    waiting = Notice.objects.filter(state=NoticeState.QUEUED).filter(
        Q(next_attempt_at__lte=cutoff) | Q(next_attempt_at__isnull=True, created_at__lte=cutoff)
    )
    lost = list(waiting.order_by("pk").values_list("pk", "channel")[:REQUEUED_PER_TICK])
    Notice.objects.filter(pk__in=[pk for pk, _ in lost]).update(next_attempt_at=now)
    for pk, channel in abandoned + lost:
        notice_enqueue(pk, channel)
    return len(abandoned) + len(lost)
