"""`hotline worker` and `hotline demo` as real processes (SQLite in a temp var dir): a worker
killed mid-send, a mail server that never answers, and no process left behind by kill or
kill -9. Each starts Django processes, so they are few and wait on events, not on timers."""

import json
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from hotline.tests.processes import (
    Receiver,
    alive,
    copy_var_dir,
    descendants,
    hotline_env,
    migrate_into,
    query,
    run_in_django,
    wait_for,
    worker_process,
)

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    var_dir = tmp_path_factory.mktemp("migrated")
    migrate_into(var_dir)
    return var_dir


@pytest.fixture
def var_dir(migrated: Path, tmp_path: Path) -> Path:
    return copy_var_dir(migrated, tmp_path / "var")


@pytest.fixture
def receiver():
    receiver = Receiver()
    yield receiver
    receiver.close()


def queue_notices(var_dir: Path, *notices: tuple[str, str]) -> list[int]:
    """Write notices (channel, address) as `notify` does and enqueue their tasks; their ids."""
    code = textwrap.dedent(f"""
        from django.utils import timezone
        from hotline.notices.models import Notice
        from hotline.notices.outbox import notice_enqueue
        now = timezone.now()
        for channel, address in {json.dumps(notices)}:
            notice = Notice.objects.create(
                channel=channel, address=address, language="en", subject="Repair T-1",
                body="New time: 10:00", created_at=now, next_attempt_at=now,
            )
            notice_enqueue(notice.pk, channel)
            print("notice", notice.pk)
    """)
    printed = run_in_django(var_dir, code).splitlines()
    return [int(line.split()[1]) for line in printed if line.startswith("notice ")]


def notice(var_dir: Path, pk: int) -> tuple[str, int, str]:
    """(state, attempts, error)"""
    (row,) = query(var_dir, "SELECT state, attempts, error FROM notices_notice WHERE id=?", pk)
    return row


def test_a_notice_whose_worker_was_killed_mid_send_is_sent_by_the_next_exactly_once(
    var_dir, receiver, tmp_path
):
    settings = {
        "HOTLINE_NOTICE_WEBHOOK_URL": receiver.url,
        "HOTLINE_NOTICE_WEBHOOK_TIMEOUT": 30,  # the stalled send is still waiting when killed
        "HOTLINE_NOTICE_LEASE": 2,
    }
    (pk,) = queue_notices(var_dir, ("webhook", receiver.url))
    receiver.stalling.set()
    with worker_process(var_dir, tmp_path / "first.log", **settings) as first:
        wait_for(lambda: receiver.requests, 20)
        first.send_signal(signal.SIGKILL)
        first.wait()
    assert notice(var_dir, pk)[:2] == ("sending", 1)  # held by a sender that is gone
    receiver.stalling.clear()
    with worker_process(var_dir, tmp_path / "second.log", **settings) as second:
        wait_for(lambda: notice(var_dir, pk)[0] == "sent", 20)
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=10)
    assert notice(var_dir, pk)[:2] == ("sent", 2)
    # Sent twice, as one notice: the receiver sees the same key and keeps the first.
    keys = [key for key, _ in receiver.requests]
    assert len(keys) == 2
    assert len(set(keys)) == 1
    assert {body["id"] for _, body in receiver.requests} == set(keys)
    sent = query(
        var_dir,
        "SELECT count(*) FROM audit_event WHERE entity='notices.notice' AND entity_id=? "
        "AND action='sent'",
        str(pk),
    )
    assert sent == [(1,)]
    # The dead worker's task result does not stay "running" for ever.
    assert query(
        var_dir, "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status='RUNNING'"
    ) == [(0,)]


def test_a_mail_server_that_never_answers_holds_up_no_other_channel(var_dir, receiver, tmp_path):
    silent = socket.create_server(("127.0.0.1", 0))  # accepts (backlog), never answers
    settings = {
        "HOTLINE_SMTP_HOST": "127.0.0.1",
        "HOTLINE_SMTP_PORT": silent.getsockname()[1],
        "HOTLINE_SMTP_TIMEOUT": 3,
        "HOTLINE_NOTICE_WEBHOOK_URL": receiver.url,
    }
    try:
        *mails, hook = queue_notices(
            var_dir,
            ("email", "a@example.com"),
            ("email", "b@example.com"),
            ("webhook", receiver.url),
        )
        with worker_process(var_dir, tmp_path / "worker.log", **settings):
            wait_for(lambda: notice(var_dir, hook)[0] == "sent", 10)
            # Sent while the first e-mail still waits for the server's greeting.
            assert notice(var_dir, mails[0])[:2] == ("sending", 1)
            assert notice(var_dir, mails[1])[:2] == ("queued", 0)
            # The SMTP timeout ends the wait: queued again for later, the next one's turn.
            wait_for(lambda: notice(var_dir, mails[1])[1] == 1, 10)
            state, attempts, error = notice(var_dir, mails[0])
            assert (state, attempts) == ("queued", 1)
            assert "timed out" in error
    finally:
        silent.close()


def test_kill_9_of_the_worker_leaves_no_process_behind(var_dir, tmp_path):
    with worker_process(var_dir, tmp_path / "worker.log") as worker:
        # Its task runners are threads of its own (one per queue), not processes.
        assert len(list(Path(f"/proc/{worker.pid}/task").iterdir())) > 3
        children = descendants(worker.pid)
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=5)
    assert not [pid for pid in children if alive(pid)]


def test_term_stops_the_worker_and_its_runners_within_seconds(var_dir, tmp_path):
    with worker_process(var_dir, tmp_path / "worker.log") as worker:
        children = descendants(worker.pid)
        started = time.monotonic()
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=8) == 0
        assert time.monotonic() - started < 8
    assert not [pid for pid in children if alive(pid)]


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM])
def test_the_demos_worker_dies_with_the_demo(var_dir, tmp_path, how):
    """`hotline demo` starts its worker with processes.start_child: killed either way, the
    demo takes its worker with it (no worker left under init, one more per restart)."""
    log = tmp_path / "worker.log"
    parent_code = textwrap.dedent(f"""
        import sys, time
        from hotline.processes import start_child
        with open({str(log)!r}, "w") as log:
            child = start_child([sys.executable, "-m", "hotline.cli", "worker"], stdout=log)
        print(child.pid, flush=True)
        time.sleep(120)
    """)
    parent = subprocess.Popen(
        [sys.executable, "-c", parent_code],
        env=hotline_env(var_dir),
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert parent.stdout is not None
        child = int(parent.stdout.readline())
        wait_for(lambda: log.exists() and "is running" in log.read_text(), 60)
        parent.send_signal(how)
        parent.wait(timeout=5)
        wait_for(lambda: not alive(child), 8)
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
