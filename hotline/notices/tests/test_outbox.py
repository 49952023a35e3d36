"""The notice outbox: a claim with a lease, a fence against a sender that lost its lease, the
tick that puts back what a dead sender held, a key for every attempt (SQLite and PostgreSQL)."""

from datetime import timedelta

import pytest
from django.core import mail

from hotline.audit.models import Event
from hotline.notices import channels, outbox
from hotline.notices.channels import idempotency_key
from hotline.notices.choices import NoticeChannel, NoticeState
from hotline.notices.models import Notice
from hotline.notices.outbox import notice_claim, notice_deliver, notices_requeue_lost
from hotline.notices.services import notify

pytestmark = pytest.mark.django_db

LEASE = 120


@pytest.fixture
def notice(now, centre, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.HOTLINE_NOTICE_LEASE = LEASE
    return notify(
        now=now, rule="C3", customer=centre["customer1"].customer, subject="Repair", body="Soon"
    )


@pytest.fixture
def enqueued(monkeypatch):
    kicked: list[tuple[int, str]] = []
    monkeypatch.setattr(
        outbox, "notice_enqueue", lambda pk, channel, *a: kicked.append((pk, channel))
    )
    return kicked


def test_c3_a_notice_is_claimed_by_one_sender_only(now, notice):
    first = notice_claim(now=now, notice_id=notice.pk)
    assert first is not None
    assert (first.state, first.attempts) == (NoticeState.SENDING, 1)
    assert first.lease_until == now + timedelta(seconds=LEASE)
    assert notice_claim(now=now, notice_id=notice.pk) is None
    # Still held just before the lease runs out; taken over after it.
    assert notice_claim(now=now + timedelta(seconds=LEASE - 1), notice_id=notice.pk) is None
    later = notice_claim(now=now + timedelta(seconds=LEASE), notice_id=notice.pk)
    assert later is not None
    assert later.attempts == 2


def test_c3_a_sender_that_lost_its_lease_does_not_record_over_the_next(now, notice, monkeypatch):
    """The first sender stalls past its lease; a second sends the notice; the first one's
    late outcome is not recorded (fenced by the attempt), and the notice is sent once."""
    email = channels.SENDERS[NoticeChannel.EMAIL]
    calls = []

    def stalls_first(sent: Notice) -> None:
        calls.append(idempotency_key(sent))
        if len(calls) == 1:
            late = now + timedelta(seconds=LEASE + 1)
            delivered = notice_deliver(now=late, notice_id=sent.pk)
            assert delivered is not None
            assert delivered.state == NoticeState.SENT
            raise TimeoutError("timed out")  # what the first sender sees, long after
        email(sent)

    monkeypatch.setitem(channels.SENDERS, NoticeChannel.EMAIL, stalls_first)
    notice_deliver(now=now, notice_id=notice.pk)
    notice.refresh_from_db()
    assert (notice.state, notice.attempts, notice.error) == (NoticeState.SENT, 2, "")
    assert len(set(calls)) == 1  # one key for both attempts
    assert mail.outbox[0].extra_headers["Message-ID"].startswith(f"<{calls[0]}@")
    assert Event.objects.filter(entity_id=str(notice.pk), action="sent").count() == 1


def test_c3_the_tick_queues_again_a_notice_whose_sender_died(now, notice, enqueued):
    notice_claim(now=now, notice_id=notice.pk)  # and the sender is killed
    assert notices_requeue_lost(now + timedelta(seconds=LEASE - 1)) == 0
    after = now + timedelta(seconds=LEASE)
    assert notices_requeue_lost(after) == 1
    assert enqueued == [(notice.pk, NoticeChannel.EMAIL)]
    notice.refresh_from_db()
    assert (notice.state, notice.next_attempt_at, notice.lease_until) == (
        NoticeState.QUEUED,
        after,
        None,
    )
    assert notices_requeue_lost(after + timedelta(seconds=1)) == 0  # kicked once, not each tick
    delivered = notice_deliver(now=after, notice_id=notice.pk)
    assert delivered is not None
    assert delivered.state == NoticeState.SENT
    assert len(mail.outbox) == 1


def test_c3_the_tick_kicks_a_queued_notice_whose_task_was_lost(now, notice, enqueued):
    assert notices_requeue_lost(now + outbox.LOST_TASK_AFTER - timedelta(seconds=1)) == 0
    later = now + outbox.LOST_TASK_AFTER
    assert notices_requeue_lost(later) == 1
    assert enqueued == [(notice.pk, NoticeChannel.EMAIL)]
    assert notices_requeue_lost(later + timedelta(seconds=1)) == 0


def test_c3_sent_failed_and_hand_made_notices_are_never_kicked(now, notice, centre, enqueued):
    notice_deliver(now=now, notice_id=notice.pk)
    Notice.objects.filter(pk=notice.pk).update(state=NoticeState.FAILED)
    notify(now=now, rule="D8", user=centre["agent1"], subject="s", body="b")  # portal: sent
    assert notices_requeue_lost(now + timedelta(days=1)) == 0
    assert enqueued == []


def test_each_channel_sends_from_its_own_queue(now, notice, settings, monkeypatch):
    """The task runners run a queue each (settings.NOTICE_QUEUES): e-mail's is not SMS's."""
    from hotline.notices.tasks import notice_send

    seen = []
    monkeypatch.setattr(
        type(notice_send), "enqueue", lambda task, *args: seen.append((task.queue_name, args))
    )
    for channel in (NoticeChannel.EMAIL, NoticeChannel.SMS, NoticeChannel.WEBHOOK):
        outbox.notice_enqueue(notice.pk, channel)
    assert seen == [(f"notices_{c}", (notice.pk,)) for c in ("email", "sms", "webhook")]
    assert {q for q, _ in seen} <= set(settings.TASKS["default"]["QUEUES"])
