"""Notices: every message to a customer, a provider or a member of staff, in their language.

Interface shared by tickets, dispatch and follow-up:

    notify(now=now, rule="C3", customer=ticket.customer, ticket=ticket,
           subject=gettext_noop("Your repair %(number)s is delayed"),
           body=gettext_noop("New time: %(when)s. Reason: %(reason)s."),
           params={"number": ticket.number, "when": new_time, "reason": reason_label})

Subject and body are English templates marked with gettext_noop; they are translated into the
recipient's language when the notice is written (datetimes in params are shown in the
recipient's time zone and language; lazy strings in params are translated too). The notice row
is written in the caller's transaction; sending happens in a task after commit, through the
channel registry (e-mail, SMS gateway, webhook, portal only, phone/fax logged by hand), with a
lease and retries (notices/outbox.py: at least once, with an idempotency key).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from hotline import clock
from hotline.accounts.models import User
from hotline.accounts.permissions import NOTICE_LOGGERS
from hotline.audit.services import event_append
from hotline.core.i18n import gettext_noop
from hotline.core.refusal import PolicyRefusal
from hotline.directory.models import Customer, Provider
from hotline.dispatch.models import WorkOrder
from hotline.formatting import param_text
from hotline.notices.channels import initial_state
from hotline.notices.choices import NoticeChannel, NoticeState
from hotline.notices.events import NoticeAction, NoticesEntity
from hotline.notices.models import Notice
from hotline.notices.outbox import notice_enqueue
from hotline.rulebook.selectors import centre_time_zone
from hotline.tickets.models import Ticket

SUBJECT_MAX = 200  # Notice.subject's length: a long translated subject is cut, not refused
# Who makes the phone calls and faxes a provider's channel asks for (D3), and logs them.


@dataclass(frozen=True)
class Recipient:
    language: str
    time_zone: str
    channel: str
    email: str = ""
    phone: str = ""


def public_link(path: str) -> str:
    """A link that works outside the site too (in an e-mail, an SMS): HOTLINE_PUBLIC_URL + path."""
    return settings.HOTLINE_PUBLIC_URL + path


def recipient_of(
    customer: Customer | None, provider: Provider | None, user: User | None
) -> Recipient:
    """Language, time zone, default channel and addresses of the one recipient."""
    if customer is not None:
        channel = (
            NoticeChannel.EMAIL
            if customer.email
            else NoticeChannel.SMS
            if customer.phone
            else NoticeChannel.PORTAL
        )
        return Recipient(
            customer.language, customer.time_zone, channel, customer.email, customer.phone
        )
    if provider is not None:
        zone = centre_time_zone()  # providers work in the centre's region
        return Recipient(provider.language, zone, provider.channel, provider.email, provider.phone)
    assert user is not None
    site = user.team.site if user.team_id and user.team else None
    zone = site.calendar.time_zone if site else centre_time_zone()
    language = user.language or settings.LANGUAGE_CODE
    return Recipient(language, zone, NoticeChannel.PORTAL, user.email)


def address_for(channel: str, recipient: Recipient) -> str:
    if channel == NoticeChannel.EMAIL:
        return recipient.email
    if channel in (NoticeChannel.SMS, NoticeChannel.PHONE, NoticeChannel.FAX):
        return recipient.phone
    if channel == NoticeChannel.WEBHOOK:
        return settings.HOTLINE_NOTICE_WEBHOOK_URL
    return ""


def render(template: str, params: Mapping[str, object], recipient: Recipient) -> str:
    with translation.override(recipient.language), timezone.override(recipient.time_zone):
        text = gettext(template)
        return text % {k: param_text(v) for k, v in params.items()} if params else text


def notify(
    *,
    now: datetime,
    rule: str,
    subject: str,
    body: str,
    params: Mapping[str, object] | None = None,
    customer: Customer | None = None,
    provider: Provider | None = None,
    user: User | None = None,
    ticket: Ticket | None = None,
    work_order: WorkOrder | None = None,
    channel: str | None = None,
) -> Notice:
    """Write one notice to exactly one recipient and send it after commit."""
    if sum(r is not None for r in (customer, provider, user)) != 1:
        raise ValueError("a notice goes to exactly one customer, provider or user")
    recipient = recipient_of(customer, provider, user)
    channel = channel or recipient.channel
    if channel not in NoticeChannel.values:
        raise ValueError(f"unknown notice channel {channel!r}")
    state = initial_state(channel)
    notice = Notice.objects.create(
        customer=customer,
        provider=provider,
        user=user,
        ticket=ticket,
        work_order=work_order,
        rule=rule,
        channel=channel,
        address=address_for(channel, recipient),
        language=recipient.language,
        subject=render(subject, params or {}, recipient)[
            : Notice._meta.get_field("subject").max_length
        ],
        body=render(body, params or {}, recipient),
        state=state,
        created_at=now,
        sent_at=now if state == NoticeState.SENT else None,
        next_attempt_at=now if state == NoticeState.QUEUED else None,
    )
    if state == NoticeState.QUEUED:
        notice_id = notice.pk
        transaction.on_commit(lambda: notice_enqueue(notice_id, channel))
    return notice


def notice_mark_logged(*, actor: User, now: datetime, notice_id: int) -> Notice:
    """A person made the phone call or sent the fax (D3): the notice counts as sent."""
    if actor.role not in NOTICE_LOGGERS:
        raise PermissionDenied
    with transaction.atomic():
        notice = Notice.objects.select_for_update().get(pk=notice_id)
        if notice.state != NoticeState.TO_LOG:
            raise PolicyRefusal(
                "D3",
                gettext_noop("This notice is not waiting to be made by hand: it is %(state)s."),
                {"state": notice.get_state_display()},
            )
        notice.state, notice.sent_at = NoticeState.SENT, now
        notice.save(update_fields=["state", "sent_at"])
        notice_event(now, notice, NoticeAction.LOGGED, actor=actor)
    return notice


def notice_event(
    now: datetime,
    notice: Notice,
    action: NoticeAction,
    reason: str = "",
    actor: User | None = None,
) -> None:
    event_append(
        actor=actor,
        now=now,
        entity=NoticesEntity.NOTICE,
        entity_id=notice.pk,
        action=action,
        old=None,
        new={"channel": notice.channel, "address": notice.address},
        reason=reason,
        rule=notice.rule,
    )


def password_reset_notify(user: User, path: str, days: int) -> None:
    """The link to set a new password, by e-mail as a notice in the user's language."""
    notify(
        now=clock.now(),
        rule="",
        user=user,
        channel=NoticeChannel.EMAIL,
        subject=gettext_noop("Set a new Hotline password"),
        body=gettext_noop(
            "Someone asked to set a new password for %(username)s. If it was you, open "
            "this link within %(days)s days: %(link)s\n"
            "If it was not you, ignore this message: your password stays as it is."
        ),
        params={"username": user.get_username(), "days": days, "link": public_link(path)},
    )
