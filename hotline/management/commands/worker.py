import contextlib
import os
import signal
import socket
import time
from datetime import datetime
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections

from hotline import clock
from hotline.calls.services.tick import floor_tick
from hotline.deadlines.services import deadlines_fire_due
from hotline.dispatch.services import dispatch_tick
from hotline.followup.services import followup_tick
from hotline.notices.outbox import notices_requeue_lost
from hotline.ops.heartbeat import heartbeat_beat, heartbeat_end
from hotline.security import development_key_refusal
from hotline.taskrunner import TaskRunners, run_batch, task_results_fail_dead
from hotline.voice.edge_watch import edge_watch
from hotline.voice.phones import phones_offline_alert
from hotline.voice.recordings import recordings_expire, recordings_left_in_spool

# On TERM, how long the task runners may finish the task in hand: less than the usual 10 s a
# process manager waits before KILL. A send cut off comes back by its lease.
STOP_GRACE_SECONDS = 3.0
# How often results left "running" by a dead runner of this machine are looked for (another
# worker process killed with -9, its results otherwise "running" for ever).
DEAD_RUNNERS_EVERY_SECONDS = 60.0


class Stop(BaseException):
    """TERM (or INT): leave the loop and stop the task runners."""


def _stop(signum: int, frame: FrameType | None) -> None:
    raise Stop(signal.strsignal(signum))


class Command(BaseCommand):
    help = (
        "Run background work: the floor's timers and missed deadlines every second, the daily "
        "clearing, and queued tasks (in threads of this process, one per task queue)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between ticks.")
        parser.add_argument("--once", action="store_true", help="One tick and one task batch.")
        parser.add_argument(
            "--demo",
            action="store_true",
            help="Also drive simulated callers and bot agents (demo only).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if refusal := development_key_refusal():
            raise CommandError(refusal)
        task_results_fail_dead()
        if options["once"]:
            now = clock.now()
            heartbeat_beat(worker=self.worker_name, now=now, started_at=now)  # a cron's worker
            self._tick(now)
            run_batch()
            return
        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
        runners = TaskRunners(interval=options["interval"])
        runners.start()
        demo = self._demo_floor() if options["demo"] else None
        self.stdout.write(f"Worker {self.worker_name} is running.")
        self.stdout.flush()
        looked_for_dead = time.monotonic()
        started_at, last_beat = clock.now(), -float("inf")
        try:
            while True:
                now = clock.now()
                if time.monotonic() - last_beat >= settings.HOTLINE_WORKER_HEARTBEAT_SECONDS:
                    # /readyz and /metrics read it: a worker that stops ticking goes stale
                    heartbeat_beat(worker=self.worker_name, now=now, started_at=started_at)
                    last_beat = time.monotonic()
                if demo is not None:
                    demo.step(now)
                self._tick(now)
                if time.monotonic() - looked_for_dead > DEAD_RUNNERS_EVERY_SECONDS:
                    task_results_fail_dead()
                    looked_for_dead = time.monotonic()
                close_old_connections()
                time.sleep(options["interval"])
        except Stop:
            pass
        finally:
            signal.signal(signal.SIGTERM, signal.SIG_IGN)  # stopping already: once is enough
            runners.stop(grace=STOP_GRACE_SECONDS)
            with contextlib.suppress(Exception):  # the database may be what stopped us
                heartbeat_end(worker=self.worker_name)

    def _tick(self, now: datetime) -> None:
        floor_tick(now)
        deadlines_fire_due(now=now, worker=self.worker_name)
        dispatch_tick(now=now)  # D7: clearing at close, leftovers at opening
        followup_tick(now=now)  # D12: a follow-up decision for every completed order
        notices_requeue_lost(now)  # a sender that died mid-send: its notice is sent again
        recordings_expire(now)  # B11: recordings past their retention, file and row
        recordings_left_in_spool()  # a call's pcap whose task was lost gets one again
        phones_offline_alert(now)  # an agent on the phones without a registered phone: the lead
        edge_watch(now)  # rtpengine and Kamailio answer (when watched), else every lead is told

    @property
    def worker_name(self) -> str:
        """Who holds a claimed deadline: unique across machines and processes."""
        return f"{socket.gethostname()}:{os.getpid()}"

    def _demo_floor(self) -> Any:
        from hotline.demo_floor import DemoFloor

        return DemoFloor(seed=None)
