"""Pushes to the PBX: the decisions it must carry out, by a signed webhook (README, CTI API).

Each decision is written as a `CtiDelivery` row in the decision's own transaction (an outbox).
After the commit a task sends the pending rows, oldest first, one at a time: the head of the
line is retried until the PBX acknowledges it (any 2xx), so the PBX gets every decision in the
order they were made, and the next one only after it. A failure is retried with a growing pause
(the task re-enqueues itself to run then; the worker's tick re-kicks a delivery whose task was
lost); after `GIVE_UP_AFTER` a decision is dropped, which the PBX sees as a gap in `sequence`.
"""

import hashlib
import hmac
import json
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timedelta
from enum import Enum
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django_tasks import default_task_backend, task

from hotline import clock
from hotline.audit.models import Event
from hotline.calls.events import AGENT, OFFER, TO, CallAction, CallbackAction, CallsEntity
from hotline.calls.models import Call, CtiDelivery

# What a PBX must act on: ring a desk or stop ringing it, move a call, dial a callback.
# Everything else stays in Hotline (the SSE stream still carries it for desktops and boards).
PUSHED_ACTIONS = frozenset(
    {
        (CallsEntity.CALL, CallAction.OFFERED),
        (CallsEntity.CALLBACK, CallbackAction.OFFERED),
        (CallsEntity.CALL, CallAction.OFFER_EXPIRED),
        (CallsEntity.CALLBACK, CallbackAction.OFFER_EXPIRED),
        (CallsEntity.CALL, CallAction.OFFER_DECLINED),
        (CallsEntity.CALLBACK, CallbackAction.OFFER_DECLINED),
        (CallsEntity.CALL, CallAction.TRANSFER_REQUESTED),
        (CallsEntity.CALL, CallAction.TRANSFERRED),
        (CallsEntity.CALL, CallAction.TRANSFER_DECLINED),
        (CallsEntity.CALL, CallAction.TRANSFER_EXPIRED),
        (CallsEntity.CALL, CallAction.TRANSFER_WITHDRAWN),
        (CallsEntity.CALL, CallAction.TAKEN_OVER),
        (CallsEntity.CALL, CallAction.CALLBACK_OFFERED),  # A2: play the caller the callback offer
        (CallsEntity.CALL, CallAction.OVERFLOWED),
        (CallsEntity.CALL, CallAction.TURNED_INTO_CALLBACK),
        (CallsEntity.CALLBACK, CallbackAction.SCHEDULED),
        # Done at a desk, the PBX must follow (put the call through, dial the callback's
        # number, hang up); reported by the PBX itself, they are not echoed back to it.
        (CallsEntity.CALL, CallAction.ANSWERED),
        (CallsEntity.CALL, CallAction.ENDED),
    }
)
ECHOES = frozenset({(CallsEntity.CALL, CallAction.ANSWERED), (CallsEntity.CALL, CallAction.ENDED)})
_reporting_pbx: ContextVar[bool] = ContextVar("reporting_pbx", default=False)
TIMEOUT_SECONDS = 5
LEASE = timedelta(seconds=30)  # longer than a POST may take: one sender at a time
FIRST_RETRY = timedelta(seconds=1)
LONGEST_PAUSE = timedelta(seconds=60)
GIVE_UP_AFTER = timedelta(hours=1)  # an hour-old routing decision is moot: the PBX reads state
LOST_TASK_AFTER = timedelta(seconds=10)  # due this long and untouched: the tick kicks a sender
KEPT_DELIVERIES = 100_000  # older ones, sent or dropped, are deleted


@contextmanager
def pbx_reporting() -> Iterator[None]:
    """Around what the PBX reports (the CTI API): its own news is not pushed back to it."""
    token = _reporting_pbx.set(True)
    try:
        yield
    finally:
        _reporting_pbx.reset(token)


def cti_push(event: Event) -> None:
    """Keep a routing event for the PBX, if a PBX webhook is configured (in the decision's
    transaction), and have it sent once the decision commits."""
    kind = (event.entity, event.action)
    if not settings.HOTLINE_CTI_WEBHOOK_URL or kind not in PUSHED_ACTIONS:
        return
    if kind in ECHOES and _reporting_pbx.get():
        return
    CtiDelivery.objects.create(
        payload=cti_payload(event), created_at=event.at, next_attempt_at=event.at
    )
    _kick_once_on_commit()


def _kick_once_on_commit() -> None:
    """One sender task per transaction, however many decisions it pushes: a kick registered
    in this savepoint or an enclosing one runs whenever this one's would."""
    connection = transaction.get_connection()
    live = set(connection.savepoint_ids)
    if not any(f is cti_kick and sids <= live for sids, f, _ in connection.run_on_commit):
        transaction.on_commit(cti_kick)


def cti_kick() -> None:
    cti_webhook_send.enqueue()


def cti_payload(event: Event) -> dict[str, Any]:
    """The body the PBX gets (less `id` and `sequence`, given when it is sent)."""
    from hotline.accounts.models import User

    kind = event.entity.removeprefix("calls.")  # "call" or "callback"
    detail = event.new if isinstance(event.new, dict) else {}
    # The PBX's id of the call, the number it dials for a callback's call, its queue now.
    row = None
    if kind == "call":
        calls = Call.objects.filter(pk=event.entity_id)
        row = calls.values_list("external_id", "caller_number", "queue__code").first()
    external_id, number, queue = row or (None, None, None)
    # The agent whose desk rings or stops ringing, or who has the call now: by user name, as
    # the PBX knows agents (it reports `answered` with it).
    agent_id = event.new if event.action in _TO else detail.get(AGENT, detail.get(TO))
    agent = (
        User.objects.filter(pk=agent_id).values_list("username", flat=True).first()
        if isinstance(agent_id, int)
        else None
    )
    return {
        "event": f"{kind}.{event.action}",
        kind: int(event.entity_id),
        "external_id": external_id,
        "caller_number": number,
        "queue": queue,
        "agent": agent,
        "offer_id": detail.get(OFFER),
        "at": event.at.isoformat(),
        "rule": event.rule,
        "detail": event.new,
    }


_TO = frozenset(
    {CallAction.TRANSFERRED, CallAction.TAKEN_OVER}
)  # their `new` is the agent who has the call now


class Sent(Enum):
    DELIVERED = "delivered"
    FAILED = "failed"  # retried later
    GIVEN_UP = "given_up"
    NOTHING_DUE = "nothing_due"  # none pending, or the head waits for its retry
    BUSY = "busy"  # another sender holds the head


def _pending() -> QuerySet[CtiDelivery]:
    return CtiDelivery.objects.filter(delivered_at__isnull=True, given_up_at__isnull=True)


def cti_delivery_send_next(*, now: datetime, url: str, secret: str) -> Sent:
    """Send the oldest pending delivery if it is due and no one else is sending it. Without a
    secret nothing is sent (the PBX could not trust it): the delivery waits for one."""
    head = _pending().order_by("pk").first()
    if head is None or head.next_attempt_at > now:
        return Sent.NOTHING_DUE
    claimed = (
        _pending()
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lte=now), pk=head.pk)
        .update(lease_until=now + LEASE)
    )
    if not claimed:
        return Sent.BUSY
    if now - head.created_at > GIVE_UP_AFTER:
        CtiDelivery.objects.filter(pk=head.pk).update(given_up_at=now, lease_until=None)
        return Sent.GIVEN_UP
    if head.sequence is None:  # numbered when first sent, so numbers follow the sending order
        last = CtiDelivery.objects.aggregate(last=Max("sequence"))["last"] or 0
        head.sequence = last + 1
        CtiDelivery.objects.filter(pk=head.pk).update(sequence=head.sequence)
    body = json.dumps({"id": head.pk, "sequence": head.sequence, **head.payload}).encode()
    try:
        if not secret:
            raise ValueError("HOTLINE_CTI_WEBHOOK_SECRET is not set: nothing is sent unsigned")
        _post(url, body, signed_headers(body, secret=secret, now=now, delivery=head))
    except (OSError, ValueError) as error:  # refused, timed out, non-2xx (HTTPError), bad URL
        pause = min(FIRST_RETRY * 2**head.attempts, LONGEST_PAUSE)
        CtiDelivery.objects.filter(pk=head.pk).update(
            attempts=head.attempts + 1,
            next_attempt_at=now + pause,
            lease_until=None,
            last_error=str(error)[:300],
        )
        return Sent.FAILED
    CtiDelivery.objects.filter(pk=head.pk).update(
        attempts=head.attempts + 1, delivered_at=now, lease_until=None, last_error=""
    )
    return Sent.DELIVERED


def signed_headers(
    body: bytes, *, secret: str, now: datetime, delivery: CtiDelivery
) -> dict[str, str]:
    """HMAC-SHA256 of "<timestamp>.<body>" with the shared secret: the PBX recomputes it to
    trust the body, and refuses an old timestamp (a replay); the timestamp is signed too."""
    timestamp = str(int(now.timestamp()))
    signature = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return {
        "Content-Type": "application/json",
        "X-Hotline-Delivery": str(delivery.pk),
        "X-Hotline-Sequence": str(delivery.sequence),
        "X-Hotline-Timestamp": timestamp,
        "X-Hotline-Signature": f"sha256={signature.hexdigest()}",
    }


def _post(url: str, body: bytes, headers: dict[str, str]) -> None:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS):
        pass  # 2xx; urllib raises HTTPError (an OSError) for anything else


@task()
def cti_webhook_send() -> int:
    """Send every due delivery in order; on a failure, come back when its retry is due."""
    url, secret = settings.HOTLINE_CTI_WEBHOOK_URL, settings.HOTLINE_CTI_WEBHOOK_SECRET
    delivered = 0
    while url:
        sent = cti_delivery_send_next(now=clock.now(), url=url, secret=secret)
        if sent is Sent.DELIVERED:
            delivered += 1
        elif sent is Sent.FAILED:
            _retry_later()
            break
        elif sent is not Sent.GIVEN_UP:
            break
    if delivered:
        _forget_old_deliveries()
    return delivered


def _forget_old_deliveries() -> None:
    """Keep the last KEPT_DELIVERIES (the admin's view of what was sent); a pending one stays."""
    newest = CtiDelivery.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    CtiDelivery.objects.filter(pk__lte=newest - KEPT_DELIVERIES).exclude(
        delivered_at__isnull=True, given_up_at__isnull=True
    ).delete()


def _retry_later() -> None:
    retry_at = _pending().order_by("pk").values_list("next_attempt_at", flat=True).first()
    if retry_at is not None and default_task_backend.supports_defer:
        cti_webhook_send.using(run_after=retry_at).enqueue()


def cti_deliveries_overdue(now: datetime) -> int:
    """The worker's tick: a due delivery nobody sent for a while (its task was lost with a
    process, or the task backend cannot run one later) gets a sender. 1 if kicked."""
    if not settings.HOTLINE_CTI_WEBHOOK_URL:
        return 0
    head = _pending().order_by("pk").values_list("pk", flat=True).first()
    if head is None:
        return 0
    # Made due now: the sender takes it at once, and the tick kicks again only if it is still
    # untouched LOST_TASK_AFTER later (no task piles up while no task worker runs).
    overdue = (
        _pending()
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lte=now))
        .filter(pk=head, next_attempt_at__lte=now - LOST_TASK_AFTER)
        .update(next_attempt_at=now)
    )
    if overdue:
        cti_kick()
    return overdue
