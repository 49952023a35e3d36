"""The channel registry (DESIGN convention 9): how a notice leaves Hotline.

A sender gets the notice and raises if it could not deliver it: `NotDelivered` when trying
again cannot help (no address, no gateway), anything else (refused, timed out, a non-2xx answer)
is retried later. Every sender has a timeout (settings) and carries the notice's idempotency key
(webhook header, SMS `id`, e-mail Message-ID): a notice is sent at least once, and a receiver
that keeps the keys it has seen takes it exactly once (services.notice_deliver).
Channels without a sender are not sent by Hotline: the portal shows its notices at once, and
phone and fax are made by a person, who then marks them logged.
"""

import json
import urllib.request
from collections.abc import Callable

from django.conf import settings
from django.core.mail import EmailMessage

from hotline.notices.choices import NoticeChannel, NoticeState
from hotline.notices.models import Notice

Sender = Callable[[Notice], None]

SENDERS: dict[str, Sender] = {}
BY_HAND = frozenset({NoticeChannel.PHONE, NoticeChannel.FAX})


class NotDelivered(Exception):
    """The channel could not take the notice (no address, gateway not configured)."""


def sender(channel: str) -> Callable[[Sender], Sender]:
    def register(send: Sender) -> Sender:
        SENDERS[channel] = send
        return send

    return register


def initial_state(channel: str) -> NoticeState:
    """Queued for a sender; to log for one made by hand; sent at once for the portal."""
    if channel in SENDERS:
        return NoticeState.QUEUED
    return NoticeState.TO_LOG if channel in BY_HAND else NoticeState.SENT


def queue_of(channel: str) -> str:
    """The task queue a channel's notices are sent from (settings.NOTICE_QUEUES)."""
    return f"notices_{channel}"


def idempotency_key(notice: Notice) -> str:
    """The same for every attempt at one notice, different for every notice (and database)."""
    return f"hotline-notice-{notice.pk}-{int(notice.created_at.timestamp())}"


def post_json(url: str, payload: dict[str, object], *, key: str, timeout: float) -> None:
    if not url:
        raise NotDelivered("no URL configured")
    request = urllib.request.Request(
        url,
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json", "Idempotency-Key": key},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=timeout):
        pass  # 2xx; urllib raises HTTPError for anything else


@sender(NoticeChannel.EMAIL)
def send_email(notice: Notice) -> None:
    """Through EMAIL_BACKEND (SMTP: EMAIL_TIMEOUT); a resent message keeps its Message-ID."""
    if not notice.address:
        raise NotDelivered("no e-mail address")
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "localhost"
    message_id = f"<{idempotency_key(notice)}@{domain.strip('> ')}>"
    EmailMessage(
        notice.subject, notice.body, None, [notice.address], headers={"Message-ID": message_id}
    ).send()


@sender(NoticeChannel.SMS)
def send_sms(notice: Notice) -> None:
    """POST {to, text} to the SMS gateway (HOTLINE_SMS_GATEWAY_URL)."""
    if not notice.address:
        raise NotDelivered("no phone number")
    text = f"{notice.subject}\n{notice.body}"
    key = idempotency_key(notice)
    post_json(
        settings.HOTLINE_SMS_GATEWAY_URL,
        {"id": key, "to": notice.address, "text": text},
        key=key,
        timeout=settings.HOTLINE_SMS_TIMEOUT,
    )


@sender(NoticeChannel.WEBHOOK)
def send_webhook(notice: Notice) -> None:
    """POST the notice as JSON to its address (HOTLINE_NOTICE_WEBHOOK_URL when written)."""
    key = idempotency_key(notice)
    post_json(
        notice.address,
        {
            "id": key,
            "notice": notice.pk,
            "rule": notice.rule,
            "customer": notice.customer_id,
            "provider": notice.provider_id,
            "user": notice.user_id,
            "ticket": notice.ticket_id,
            "work_order": notice.work_order_id,
            "language": notice.language,
            "subject": notice.subject,
            "body": notice.body,
            "created_at": notice.created_at.isoformat(),
        },
        key=key,
        timeout=settings.HOTLINE_NOTICE_WEBHOOK_TIMEOUT,
    )
