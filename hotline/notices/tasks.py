"""Notices leave Hotline from the task queue, after the transaction that wrote them commits."""

from django_tasks import task

from hotline import clock
from hotline.notices.outbox import notice_deliver


@task()
def notice_send(notice_id: int) -> str:
    """Send one notice; its state (sent, queued again for a retry, failed) is what it returns."""
    notice = notice_deliver(now=clock.now(), notice_id=notice_id)
    return notice.state if notice else "skipped"
