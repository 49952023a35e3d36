"""The channel registry (DESIGN convention 9): how a notice leaves Hotline.

A sender gets the notice and raises if it could not deliver it; the task records the error.
Channels without a sender are not sent by Hotline: the portal shows its notices at once, and
phone and fax are made by a person, who then marks them logged.
"""

import json
import urllib.request
from collections.abc import Callable

from django.conf import settings
from django.core.mail import send_mail

from hotline.notices.choices import NoticeChannel, NoticeState
from hotline.notices.models import Notice

Sender = Callable[[Notice], None]
TIMEOUT_SECONDS = 10

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


def post_json(url: str, payload: dict[str, object]) -> None:
    if not url:
        raise NotDelivered("no URL configured")
    request = urllib.request.Request(
        url,
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS):
        pass  # 2xx; urllib raises HTTPError for anything else


@sender(NoticeChannel.EMAIL)
def send_email(notice: Notice) -> None:
    if not notice.address:
        raise NotDelivered("no e-mail address")
    send_mail(notice.subject, notice.body, None, [notice.address])


@sender(NoticeChannel.SMS)
def send_sms(notice: Notice) -> None:
    """POST {to, text} to the SMS gateway (HOTLINE_SMS_GATEWAY_URL)."""
    if not notice.address:
        raise NotDelivered("no phone number")
    text = f"{notice.subject}\n{notice.body}"
    post_json(settings.HOTLINE_SMS_GATEWAY_URL, {"to": notice.address, "text": text})


@sender(NoticeChannel.WEBHOOK)
def send_webhook(notice: Notice) -> None:
    """POST the notice as JSON to its address (HOTLINE_NOTICE_WEBHOOK_URL when written)."""
    post_json(
        notice.address,
        {
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
    )
