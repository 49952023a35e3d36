"""On PostgreSQL: two workers never fire one deadline twice; a worker killed with -9 loses none."""

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import quote, urlparse

import pytest
from django.db import connection

from hotline.audit.models import Event
from hotline.deadlines.choices import DeadlineState
from hotline.deadlines.models import Deadline
from hotline.deadlines.services import LEASE, deadline_handler, deadline_set, deadlines_fire_due

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

DUE = 200
HANG_FILE = "HOTLINE_TEST_HANG_FILE"  # set in the doomed worker: its handler hangs there
fired: Counter[int] = Counter()
fired_lock = threading.Lock()


@deadline_handler("test.pg")
def count_firing(deadline, now):
    hang_file = os.environ.get(HANG_FILE)
    if hang_file:
        Path(hang_file).write_text(str(deadline.pk))
        time.sleep(600)  # killed here
    with fired_lock:
        fired[deadline.pk] += 1


@pytest.fixture(autouse=True)
def _reset():
    fired.clear()


def test_two_workers_at_the_same_instant_fire_each_deadline_exactly_once(now):
    for n in range(DUE):
        deadline_set(kind=f"test.pg:{n}", rule="D4", due_at=now, now=now)
    start = threading.Barrier(2)

    def worker(name):
        try:
            start.wait()
            total = 0
            while done := deadlines_fire_due(now=now, worker=name, batch=20):
                total += done
            return total
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        totals = list(pool.map(worker, ["w1", "w2"]))
    # Both finished with none left for them; a last pass picks up anything either skipped.
    totals.append(deadlines_fire_due(now=now, worker="w3", batch=DUE))
    assert sum(totals) == DUE
    assert len(fired) == DUE
    assert set(fired.values()) == {1}
    assert Deadline.objects.filter(state=DeadlineState.FIRED).count() == DUE
    fired_events = Event.objects.filter(entity="deadlines.deadline", action="fired")
    assert fired_events.count() == DUE
    assert fired_events.values("entity_id").distinct().count() == DUE


def _database_url() -> str:
    """The test database, for a worker in another process."""
    url = urlparse(os.environ["HOTLINE_DATABASE_URL"])
    return url._replace(path="/" + quote(connection.settings_dict["NAME"])).geturl()


DOOMED_WORKER = """
import django, sys
from datetime import datetime
django.setup()
import hotline.deadlines.tests.test_postgres  # registers the test handler
from hotline.deadlines.services import deadlines_fire_due
deadlines_fire_due(now=datetime.fromisoformat(sys.argv[1]), worker="doomed")
"""


def test_a_worker_killed_while_firing_loses_nothing(now, tmp_path):
    deadline = deadline_set(kind="test.pg", rule="D4", due_at=now, now=now)
    hang_file = tmp_path / "hanging"
    env = os.environ | {
        "HOTLINE_DATABASE_URL": _database_url(),
        "DJANGO_SETTINGS_MODULE": "hotline.settings",
        HANG_FILE: str(hang_file),
    }
    doomed = subprocess.Popen([sys.executable, "-c", DOOMED_WORKER, now.isoformat()], env=env)
    try:
        deadline_line = time.monotonic() + 60
        while not hang_file.exists():
            assert doomed.poll() is None, "the doomed worker ended before its handler ran"
            assert time.monotonic() < deadline_line, "the doomed worker never reached its handler"
            time.sleep(0.05)
    finally:
        os.kill(doomed.pid, signal.SIGKILL)
        doomed.wait()
    assert hang_file.read_text() == str(deadline.pk)
    deadline.refresh_from_db()
    assert deadline.state == DeadlineState.PENDING  # the firing died with the worker
    assert deadline.claimed_by == "doomed"
    assert not fired

    # Within the lease nobody else takes it; after it, another worker fires it once.
    assert deadlines_fire_due(now=now + LEASE - timedelta(seconds=1), worker="rescuer") == 0
    after_lease = now + LEASE
    rescued = _fire_when_unlocked(after_lease)
    assert rescued == 1
    assert deadlines_fire_due(now=after_lease + timedelta(hours=1), worker="rescuer") == 0
    assert fired == {deadline.pk: 1}
    deadline.refresh_from_db()
    assert (deadline.state, deadline.closed_at, deadline.attempts) == (
        DeadlineState.FIRED,
        after_lease,
        2,
    )
    assert Event.objects.filter(action="fired", entity_id=str(deadline.pk)).count() == 1


def _fire_when_unlocked(at: datetime) -> int:
    """PostgreSQL ends the dead worker's session (and its row lock) as soon as it notices the
    closed socket; until then SKIP LOCKED passes the row by."""
    give_up = time.monotonic() + 30
    while (done := deadlines_fire_due(now=at, worker="rescuer")) == 0:
        assert time.monotonic() < give_up, "the killed worker's lock was never released"
        time.sleep(0.1)
    return done
