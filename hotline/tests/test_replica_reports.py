"""Issue 19: with HOTLINE_DATABASE_REPLICA_URL set, the reports and the directory exports read
from the streaming replica and everything else from the primary; with the replica down they
read from the primary (logged and counted), nothing fails.

A real hot standby (tools/testservers.py --replica) and a real `hotline serve` started from its
unit file: replay on the replica is paused, a provider is added on the primary, and the report
requests do not see it until replay resumes; then the replica is stopped."""

import contextlib
import http.client
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import psycopg
import pytest

from hotline.tests.deploy_machine import (
    free_port,
    hotline_step,
    machine_environment,
    new_database,
    running,
    unit_process,
)
from hotline.tests.processes import wait_for

REPLICA_URL = os.environ.get("HOTLINE_DATABASE_REPLICA_URL", "")
HOST = "hotline.example.com"  # the example environment file's name
PROBE = "Replica Probe Provider"
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not REPLICA_URL, reason="needs a replica: tools/testservers.py --postgres --replica"
    ),
]
# The heavy reads that list every provider (so show the probe once they see it).
REPORTS = [
    "/reports/monthly/?month=2026-11&format=json",
    "/reports/monthly/?month=2026-11&format=csv",
    "/api/v1/reports/monthly?month=2026-11",
    "/imports/providers/export.csv",
]
WEEKLY = "/reports/weekly/?day=2026-11-23&format=csv"


@pytest.fixture
def databases() -> Iterator[tuple[str, str]]:
    """A database on the primary, and the same database on the replica (replicated with it)."""
    name = f"hotline_replica_{os.getpid()}"
    with new_database(os.environ["HOTLINE_DATABASE_URL"], name) as primary:
        yield primary, urlunparse(urlparse(REPLICA_URL)._replace(path=f"/{name}"))


def query(url: str, sql: str, *params: object) -> list[tuple[object, ...]]:
    with psycopg.connect(url, autocommit=True) as connection:
        return connection.execute(sql, params).fetchall()


def caught_up(primary: str, replica: str) -> bool:
    """The replica has replayed everything the primary has written so far."""
    ((written,),) = query(primary, "SELECT pg_current_wal_lsn()")
    ((ahead,),) = query(replica, "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", written)
    return bool(ahead)


def replica_ctl(*argv: str) -> None:
    data = os.environ["TESTSERVERS_REPLICA_PGDATA"]
    ctl = [_pg_ctl(), "-D", data, "-w", "-l", str(Path(data).parent / "log"), *argv]
    if os.geteuid() == 0:
        ctl = ["runuser", "-u", "postgres", "--", *ctl]
    subprocess.run(ctl, check=True, capture_output=True)


def _pg_ctl() -> str:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), reverse=True)
    return str(found[0]) if found else "pg_ctl"


def get(port: int, path: str, session: str) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(
            "GET",
            path,
            headers={"Host": HOST, "X-Forwarded-Proto": "https", "Cookie": f"sessionid={session}"},
        )
        answer = connection.getresponse()
        return answer.status, answer.read().decode(errors="replace")
    finally:
        connection.close()


SIGN_IN_AN_ADMIN = """
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from hotline.accounts.choices import Role
from hotline.accounts.models import User
admin = User.objects.create_user(username="replica-admin", password="x" * 24, role=Role.ADMIN)
session = SessionStore()
session[SESSION_KEY] = str(admin.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = admin.get_session_auth_hash()
session.create()
print(session.session_key)
"""
ADD_THE_PROBE = f"""
from hotline.directory.choices import Channel
from hotline.directory.models import Provider
Provider.objects.create(name={PROBE!r}, capacity=3, channel=Channel.EMAIL)
"""


def test_reports_read_from_the_replica_and_from_the_primary_when_it_is_down(tmp_path, databases):
    primary, replica = databases
    machine = machine_environment(
        tmp_path,
        primary,
        HOTLINE_DATABASE_REPLICA_URL=replica,
        HOTLINE_REDIS_URL=os.environ.get("HOTLINE_REDIS_URL", ""),
    )
    hotline_step(machine, "migrate", "--no-input", "-v0")
    session = hotline_step(machine, "shell", "-c", SIGN_IN_AN_ADMIN).splitlines()[-1]
    port = free_port()
    log = tmp_path / "serve.log"
    app = unit_process(machine, "hotline-serve@.service", str(port), log)
    with running([app]):
        try:
            _check_the_replica_reads(machine, port, session, primary, replica)
            _check_the_fallback(port, session, log)
        except BaseException:
            print(log.read_text(errors="replace")[-4000:])
            raise


def _check_the_replica_reads(machine, port, session, primary, replica) -> None:
    wait_for(lambda: caught_up(primary, replica), 30, step=0.2)

    def serving():
        """the app process answers"""
        with contextlib.suppress(OSError, http.client.HTTPException):
            return get(port, "/healthz", session)[0] == 200

    wait_for(serving, 60, step=0.3)
    for path in [*REPORTS, WEEKLY]:
        status, body = get(port, path, session)
        assert status == 200, (path, body[:300])
    # The app holds a connection on the replica, named as settings.replica_database names it.
    assert query(
        replica,
        "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'hotline-replica'",
    ) != [(0,)]

    query(replica, "SELECT pg_wal_replay_pause()")
    try:
        hotline_step(machine, "shell", "-c", ADD_THE_PROBE)
        assert query(primary, "SELECT count(*) FROM dispatch_provider WHERE name = %s", PROBE) == [
            (1,)
        ]
        for path in REPORTS:
            status, body = get(port, path, session)
            assert status == 200, (path, body[:300])
            assert PROBE not in body, f"{path} read the primary"
    finally:
        query(replica, "SELECT pg_wal_replay_resume()")
    wait_for(lambda: caught_up(primary, replica), 30, step=0.2)
    for path in REPORTS:
        status, body = get(port, path, session)
        assert (status, PROBE in body) == (200, True), path


def _check_the_fallback(port, session, log: Path) -> None:
    replica_ctl("stop", "-m", "fast")
    try:
        for path in REPORTS:
            status, body = get(port, path, session)
            assert (status, PROBE in body) == (200, True), path
        assert get(port, WEEKLY, session)[0] == 200
        assert "replica unavailable, reading from the primary" in log.read_text(errors="replace")
        scrape = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        scrape.request("GET", "/metrics")
        metrics = scrape.getresponse().read().decode()
        scrape.close()
        counted = next(
            line for line in metrics.splitlines() if line.startswith("hotline_replica_fallbacks")
        )
        assert float(counted.rsplit(" ", 1)[1]) == len(REPORTS) + 1
    finally:
        replica_ctl("start")
