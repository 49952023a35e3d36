"""The worker's heartbeat: `hotline worker` writes one row per process every few seconds, and
/readyz and /metrics read the newest. In the database, so any app process on any host sees
every worker (Redis is optional)."""

from datetime import datetime, timedelta

from django.conf import settings

from hotline.ops.models import WorkerHeartbeat

# A row not written for this long belongs to a worker that is gone for good (a renamed host,
# an old pid): removed, so the table stays as small as the number of workers.
FORGET_AFTER = timedelta(days=1)


def heartbeat_beat(*, worker: str, now: datetime, started_at: datetime) -> None:
    """This worker is alive at `now`."""
    WorkerHeartbeat.objects.update_or_create(
        name=worker[:120], defaults={"seen_at": now, "started_at": started_at}
    )
    WorkerHeartbeat.objects.filter(seen_at__lt=now - FORGET_AFTER).delete()


def heartbeat_end(*, worker: str) -> None:
    """The worker stops cleanly: it no longer counts (a killed one goes stale instead)."""
    WorkerHeartbeat.objects.filter(name=worker[:120]).delete()


def heartbeat_ages(now: datetime) -> dict[str, float]:
    """Seconds since each known worker was last seen."""
    return {
        name: max((now - seen).total_seconds(), 0.0)
        for name, seen in WorkerHeartbeat.objects.values_list("name", "seen_at")
    }


def worker_alive(now: datetime) -> bool:
    """At least one worker was seen within HOTLINE_WORKER_STALE_SECONDS."""
    stale = timedelta(seconds=settings.HOTLINE_WORKER_STALE_SECONDS)
    return WorkerHeartbeat.objects.filter(seen_at__gte=now - stale).exists()
