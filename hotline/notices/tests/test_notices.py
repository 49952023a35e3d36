"""Notices: one recipient, their channel, their language and zone, sent after commit, never lost."""

import contextlib
import json
import socket
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import transaction

from hotline.audit.models import Event
from hotline.core.i18n import gettext_noop
from hotline.core.refusal import PolicyRefusal
from hotline.directory.models import Customer, Provider
from hotline.dispatch.choices import UrgeReason
from hotline.notices.channels import idempotency_key
from hotline.notices.choices import NoticeChannel, NoticeState
from hotline.notices.models import Notice
from hotline.notices.outbox import notice_deliver
from hotline.notices.services import notice_mark_logged, notify

pytestmark = pytest.mark.django_db

IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
LOCMEM_MAIL = "django.core.mail.backends.locmem.EmailBackend"
# Strings the catalogs already translate (English is the source language).
TRANSLATED = "Your role cannot use this operation."
IN_BULGARIAN = "Вашата роля не позволява тази операция."


@pytest.fixture
def sending(settings):
    """Tasks run at once and mail stays in memory, so a test sees what left."""
    settings.TASKS = IMMEDIATE_TASKS
    settings.EMAIL_BACKEND = LOCMEM_MAIL


@pytest.fixture
def gateway():
    """A stand-in SMS gateway / webhook receiver on a free loopback port."""
    received: list[dict[str, Any]] = []
    status = {"code": 200}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(status["code"])
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/send", received, status
    server.shutdown()
    server.server_close()


@pytest.fixture
def silent_server():
    """A server on a free loopback port that accepts connections and never answers."""
    listener = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []

    def accept() -> None:
        with contextlib.suppress(OSError):
            while True:
                accepted.append(listener.accept()[0])

    threading.Thread(target=accept, daemon=True).start()
    yield listener.getsockname()[1]
    listener.close()
    for connection in accepted:
        connection.close()


@pytest.fixture
def customer(centre):
    return centre["customer1"].customer


def to_customer(now, customer, **extra):
    return notify(
        now=now,
        rule="C3",
        customer=customer,
        subject=gettext_noop("Repair %(ticket)s"),
        body=gettext_noop("New time: %(when)s."),
        params={"ticket": "T-1", "when": now},
        **extra,
    )


# --- channel and address ---------------------------------------------------------------------


def test_c3_customer_with_email_is_written_to_by_email(now, customer):
    notice = to_customer(now, customer)
    assert (notice.channel, notice.address) == (NoticeChannel.EMAIL, customer.email)
    assert notice.state == NoticeState.QUEUED
    assert notice.customer == customer
    assert notice.created_at == now


def test_c3_customer_without_email_gets_an_sms(now, customer):
    customer.email = ""
    customer.save()
    notice = to_customer(now, customer)
    assert (notice.channel, notice.address) == (NoticeChannel.SMS, customer.phone)


def test_c3_customer_without_email_or_phone_sees_it_in_the_portal(now, customer):
    Customer.objects.filter(pk=customer.pk).update(email="", phone="")
    customer.refresh_from_db()
    notice = to_customer(now, customer)
    assert notice.channel == NoticeChannel.PORTAL
    assert (notice.state, notice.sent_at) == (NoticeState.SENT, now)


@pytest.mark.parametrize(
    ("channel", "state"),
    [
        ("portal", NoticeState.SENT),
        ("email", NoticeState.QUEUED),
        ("sms", NoticeState.QUEUED),
        ("phone", NoticeState.TO_LOG),
        ("fax", NoticeState.TO_LOG),
    ],
)
def test_d3_provider_is_written_to_over_its_own_channel(now, centre, channel, state):
    provider = centre["provider1"].provider
    Provider.objects.filter(pk=provider.pk).update(channel=channel)
    provider.refresh_from_db()
    notice = notify(
        now=now, rule="D5", provider=provider, subject=gettext_noop("Urge"), body="Body"
    )
    assert (notice.channel, notice.state) == (channel, state)
    expected = {"email": provider.email, "portal": ""}.get(channel, provider.phone)
    assert notice.address == expected


def test_staff_are_written_to_in_the_portal(now, centre):
    notice = notify(now=now, rule="D8", user=centre["agent2"], subject="Reply due", body="Now")
    assert (notice.channel, notice.state, notice.user) == ("portal", "sent", centre["agent2"])


def test_the_caller_may_choose_the_channel(now, customer, settings):
    settings.HOTLINE_NOTICE_WEBHOOK_URL = "http://127.0.0.1:9/hook"
    notice = to_customer(now, customer, channel=NoticeChannel.WEBHOOK)
    assert (notice.channel, notice.address) == ("webhook", "http://127.0.0.1:9/hook")


@pytest.mark.parametrize("recipients", [{}, {"customer": True, "user": True}])
def test_a_notice_needs_exactly_one_recipient(now, centre, customer, recipients):
    chosen = {
        "customer": customer if recipients.get("customer") else None,
        "user": centre["agent1"] if recipients.get("user") else None,
    }
    with pytest.raises(ValueError, match="exactly one"):
        notify(now=now, rule="C3", subject="s", body="b", **chosen)
    assert not Notice.objects.exists()


def test_an_unknown_channel_is_refused(now, customer):
    with pytest.raises(ValueError, match="unknown notice channel"):
        to_customer(now, customer, channel="pigeon")
    assert not Notice.objects.exists()


# --- language and time zone --------------------------------------------------------------------


def test_c3_bulgarian_customer_reads_bulgarian_with_sofia_time(now, customer):
    assert (customer.language, customer.time_zone) == ("bg", "Europe/Sofia")
    notice = notify(
        now=now,
        rule="C3",
        customer=customer,
        subject=TRANSLATED,
        body=gettext_noop("New time: %(when)s."),
        params={"when": now},
    )
    assert notice.language == "bg"
    assert notice.subject == IN_BULGARIAN
    assert notice.body == "New time: 23 ноември 2026 г., 10:00."  # 08:00 UTC is 10:00 in Sofia


def test_the_same_notice_in_english_in_its_own_zone(now, customer):
    customer.language, customer.time_zone = "en", "America/New_York"
    customer.save()
    notice = to_customer(now, customer)
    assert notice.language == "en"
    assert notice.subject == "Repair T-1"
    assert notice.body == "New time: 23 November 2026, 03:00."  # 08:00 UTC, in New York


def test_lazy_labels_in_params_are_translated_for_the_recipient(now, centre):
    provider = centre["provider1"].provider  # works in Bulgarian
    notice = notify(
        now=now,
        rule="D5",
        provider=provider,
        subject=gettext_noop("%(reason)s"),
        body=gettext_noop("%(role)s"),
        params={"reason": UrgeReason.NO_FEEDBACK.label, "role": _lazy(TRANSLATED)},
    )
    assert notice.body == IN_BULGARIAN
    assert notice.language == "bg"


def _lazy(message):
    from django.utils.translation import gettext_lazy

    return gettext_lazy(message)


def test_staff_without_a_language_read_english(now, centre):
    agent = centre["agent1"]
    agent.language = ""
    agent.save()
    notice = notify(now=now, rule="D8", user=agent, subject=TRANSLATED, body="b")
    assert (notice.language, notice.subject) == ("en", TRANSLATED)


# --- sent after commit -------------------------------------------------------------------------


def test_c3_email_is_sent_after_commit(now, customer, sending, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notice = to_customer(now, customer)
        assert mail.outbox == []  # not before the commit
    (sent,) = mail.outbox
    assert (sent.to, sent.subject, sent.body) == ([customer.email], "Repair T-1", notice.body)
    notice.refresh_from_db()
    assert notice.state == NoticeState.SENT
    assert notice.sent_at is not None
    assert Event.objects.filter(entity="notices.notice", action="sent", rule="C3").count() == 1


def test_nothing_is_sent_when_the_transaction_rolls_back(
    now, customer, sending, django_capture_on_commit_callbacks
):
    def refused_later():
        with transaction.atomic():
            to_customer(now, customer)
            raise RuntimeError("the service was refused later")

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
    ):
        refused_later()
    assert callbacks == []
    assert mail.outbox == []
    assert not Notice.objects.exists()


def test_portal_and_hand_made_notices_queue_no_task(
    now, centre, customer, django_capture_on_commit_callbacks
):
    provider = centre["provider1"].provider
    Provider.objects.filter(pk=provider.pk).update(channel="fax")
    provider.refresh_from_db()
    with django_capture_on_commit_callbacks() as callbacks:
        notify(now=now, rule="D3", provider=provider, subject="s", body="b")
        notify(now=now, rule="D8", user=centre["agent1"], subject="s", body="b")
    assert callbacks == []


# --- the SMS gateway and the webhook -----------------------------------------------------------


def test_c3_sms_goes_to_the_gateway_as_json(
    now, customer, sending, settings, gateway, django_capture_on_commit_callbacks
):
    url, received, _ = gateway
    settings.HOTLINE_SMS_GATEWAY_URL = url
    customer.email = ""
    customer.save()
    with django_capture_on_commit_callbacks(execute=True):
        notice = to_customer(now, customer)
    text = f"{notice.subject}\n{notice.body}"
    assert received == [{"id": idempotency_key(notice), "to": customer.phone, "text": text}]
    notice.refresh_from_db()
    assert (notice.state, notice.error) == (NoticeState.SENT, "")


def test_webhook_gets_the_notice_as_json(now, customer, settings, gateway):
    url, received, _ = gateway
    settings.HOTLINE_NOTICE_WEBHOOK_URL = url
    notice = to_customer(now, customer, channel="webhook")
    notice_deliver(now=now, notice_id=notice.pk)
    (payload,) = received
    assert payload["notice"] == notice.pk
    assert payload["customer"] == customer.pk
    assert (payload["rule"], payload["subject"], payload["language"]) == ("C3", "Repair T-1", "bg")


def test_a_gateway_error_is_retried_later_then_fails_the_notice(now, customer, settings, gateway):
    url, received, status = gateway
    settings.HOTLINE_SMS_GATEWAY_URL = url
    settings.HOTLINE_NOTICE_RETRY, settings.HOTLINE_NOTICE_ATTEMPTS = 30, 3
    status["code"] = 503
    notice = to_customer(now, customer, channel="sms")
    notice_deliver(now=now, notice_id=notice.pk)
    notice.refresh_from_db()
    assert (notice.state, notice.attempts) == (NoticeState.QUEUED, 1)
    assert notice.next_attempt_at == now + timedelta(seconds=30)
    assert "503" in notice.error
    # Not before its pause is over; then after 30 s, and 60 s more (the pause doubles).
    assert notice_deliver(now=now + timedelta(seconds=29), notice_id=notice.pk) is None
    notice_deliver(now=now + timedelta(seconds=30), notice_id=notice.pk)
    notice.refresh_from_db()
    assert notice.next_attempt_at == now + timedelta(seconds=90)
    assert not Event.objects.filter(entity="notices.notice", action="failed").exists()
    notice_deliver(now=now + timedelta(seconds=90), notice_id=notice.pk)
    notice.refresh_from_db()
    assert len(received) == 3
    assert len({payload["id"] for payload in received}) == 1  # one idempotency key for all
    assert (notice.state, notice.attempts) == (NoticeState.FAILED, 3)
    assert "503" in notice.error
    assert notice.sent_at is None
    (event,) = Event.objects.filter(entity="notices.notice", action="failed")
    assert "503" in event.reason


def test_sms_without_a_gateway_fails_with_the_reason(now, customer, settings):
    settings.HOTLINE_SMS_GATEWAY_URL = ""
    notice = to_customer(now, customer, channel="sms")
    notice_deliver(now=now, notice_id=notice.pk)
    notice.refresh_from_db()
    assert notice.state == NoticeState.FAILED
    assert "no URL configured" in notice.error


def test_an_unreachable_mail_server_queues_the_notice_for_a_retry(now, customer, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    notice = to_customer(now, customer)
    notice_deliver(now=now, notice_id=notice.pk)
    notice.refresh_from_db()
    assert (notice.state, notice.attempts) == (NoticeState.QUEUED, 1)
    assert "refused" in notice.error


def test_a_mail_server_that_never_answers_times_out(now, customer, settings, silent_server):
    """It accepts the connection and says nothing: the send gives up after EMAIL_TIMEOUT."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = (
        "127.0.0.1",
        silent_server,
        0.5,
    )
    notice = to_customer(now, customer)
    started = time.monotonic()
    notice_deliver(now=now, notice_id=notice.pk)
    assert time.monotonic() - started < 3
    notice.refresh_from_db()
    assert (notice.state, notice.lease_until) == (NoticeState.QUEUED, None)
    assert "timed out" in notice.error


def test_a_notice_is_sent_once_however_often_the_task_runs(now, customer, sending):
    notice = to_customer(now, customer)
    notice_deliver(now=now, notice_id=notice.pk)
    assert notice_deliver(now=now, notice_id=notice.pk) is None
    assert len(mail.outbox) == 1


# --- phone and fax, logged by hand (D3) ----------------------------------------------------------


@pytest.fixture
def by_phone(now, centre):
    provider = centre["provider2"].provider
    Provider.objects.filter(pk=provider.pk).update(channel="phone")
    provider.refresh_from_db()
    return notify(now=now, rule="D3", provider=provider, subject="Order W-1", body="Call them")


@pytest.mark.parametrize("who", ["dispatcher", "lead"])
def test_d3_phone_call_is_logged_by_a_dispatcher_or_team_lead(now, centre, by_phone, who):
    notice = notice_mark_logged(actor=centre[who], now=now, notice_id=by_phone.pk)
    assert (notice.state, notice.sent_at) == (NoticeState.SENT, now)
    event = Event.objects.get(entity="notices.notice", action="logged")
    assert (event.actor, event.rule) == (centre[who], "D3")


def test_d3_a_notice_is_logged_only_once(now, centre, by_phone):
    notice_mark_logged(actor=centre["dispatcher"], now=now, notice_id=by_phone.pk)
    with pytest.raises(PolicyRefusal) as refused:
        notice_mark_logged(actor=centre["lead"], now=now, notice_id=by_phone.pk)
    assert refused.value.rule_id == "D3"
    assert Event.objects.filter(action="logged").count() == 1


@pytest.mark.parametrize("who", ["agent1", "manager", "provider2", "customer1"])
def test_d3_other_roles_cannot_log_a_notice(now, centre, by_phone, who):
    with pytest.raises(PermissionDenied):
        notice_mark_logged(actor=centre[who], now=now, notice_id=by_phone.pk)
    by_phone.refresh_from_db()
    assert by_phone.state == NoticeState.TO_LOG


def test_d3_logging_a_missing_notice_is_not_found(now, centre):
    with pytest.raises(Notice.DoesNotExist):
        notice_mark_logged(actor=centre["dispatcher"], now=now, notice_id=999_999)


@pytest.mark.parametrize(
    ("moment", "shown"),
    [
        (datetime(2026, 3, 29, 0, 30, tzinfo=UTC), "29 март 2026 г., 02:30"),  # before the change
        (datetime(2026, 3, 29, 1, 30, tzinfo=UTC), "29 март 2026 г., 04:30"),  # summer time
        (datetime(2026, 10, 25, 0, 30, tzinfo=UTC), "25 октомври 2026 г., 03:30"),
        (datetime(2026, 10, 25, 1, 30, tzinfo=UTC), "25 октомври 2026 г., 03:30"),  # the hour again
    ],
)
def test_c3_times_follow_the_customers_zone_across_dst(now, customer, moment, shown):
    notice = notify(
        now=now, rule="C3", customer=customer, subject="s", body="%(when)s", params={"when": moment}
    )
    assert notice.body == shown
