"""Running queued tasks inside `hotline worker`: django-tasks-db's own runner, in threads.

One runner thread per task queue (settings.TASKS "QUEUES"): each channel's notices have a queue
of their own, so a channel that hangs holds up only its own notices, never the floor's or the
other channels'. Threads, not child processes: a worker killed with -9 leaves nothing behind,
and a TERM stops the runners between tasks (a task still running when the grace period ends is
cut off with the process; what it held comes back by its lease, as a notice's does).

django-tasks-db marks a task result "running" when a runner takes it and has nothing that
notices the runner died; `task_results_fail_dead` marks such results of this machine failed.
"""

import contextlib
import logging
import os
import socket
import threading
import time

from django.conf import settings
from django.db import close_old_connections, connections
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)
BACKEND = "default"


# Tells this process from an earlier one of the same pid (a container's worker is often pid 1).
PROCESS_TOKEN = get_random_string(6)


def runner_id(queue: str) -> str:
    """Unique across machines and processes, and says which process ran the task (<= 64)."""
    return f"{_host()}{os.getpid()}:{PROCESS_TOKEN}:{queue}"[:64]


def _host() -> str:
    return f"{socket.gethostname()[:30]}:"


def queue_names() -> list[str]:
    return list(settings.TASKS[BACKEND].get("QUEUES", ["default"]))


class TaskRunners:
    """The runner threads of one worker process."""

    def __init__(self, *, interval: float) -> None:
        self.runners = [
            Worker(
                queue_names=[queue],
                interval=interval,
                batch=False,
                backend_name=BACKEND,
                startup_delay=False,
                max_tasks=None,
                worker_id=runner_id(queue),
                excluded_queue_names=[],
            )
            for queue in queue_names()
        ]
        self.threads = [
            threading.Thread(target=self._run, args=(runner,), name=f"tasks-{queue}", daemon=True)
            for runner, queue in zip(self.runners, queue_names(), strict=True)
        ]

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def stop(self, grace: float) -> None:
        """Take no new task; wait up to `grace` seconds in all for the running ones."""
        for runner in self.runners:
            runner.running = False
        deadline = time.monotonic() + grace
        for thread in self.threads:
            thread.join(timeout=max(deadline - time.monotonic(), 0))

    @staticmethod
    def _run(runner: Worker) -> None:
        """The runner's loop; a database that went away (a failover) is retried, not fatal."""
        try:
            while runner.running:
                try:
                    runner.run()
                except Exception:
                    logger.exception("task runner %s failed; restarting", runner.worker_id)
                    close_old_connections()
                    time.sleep(max(runner.interval, 1))
        finally:
            connections.close_all()


def run_batch() -> None:
    """Every task due now, on every queue, then return (`hotline worker --once`)."""
    Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name=BACKEND,
        startup_delay=False,
        max_tasks=None,
        worker_id=runner_id("batch"),
        excluded_queue_names=[],
    ).run()


def task_results_fail_dead() -> int:
    """Results left "running" by a runner process of this machine that is gone (killed with -9,
    the machine restarted) are failed: nothing else would ever end them. How many."""
    host, failed = _host(), 0
    for result in DBTaskResult.objects.running().filter(backend_name=BACKEND):
        holder = result.worker_ids[-1] if result.worker_ids else ""
        if not holder.startswith(host):
            continue  # another machine's, or a plain `db_worker`'s (random id)
        pid, _, rest = holder[len(host) :].partition(":")
        if not pid.isdigit():
            continue
        if int(pid) == os.getpid():
            dead = not rest.startswith(f"{PROCESS_TOKEN}:")
        else:
            dead = not _alive(int(pid))
        if dead:
            result.set_failed(RuntimeError(f"its task runner {holder} died while running it"))
            failed += 1
    return failed


def _alive(pid: int) -> bool:
    with contextlib.suppress(PermissionError):  # someone else's process: alive
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
    return True
