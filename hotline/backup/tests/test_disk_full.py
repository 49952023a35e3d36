"""Issue 15: a full or read-only disk under the database is answered with a clear 503, reads go
on without writing, and `hotline serve` on an unwritable var/ says why it cannot start."""

import os
import subprocess
import sys
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.db import OperationalError, connection
from django.db.backends.utils import CursorWrapper
from django.urls import reverse

from hotline.accounts.models import ApiToken
from hotline.dispatch.models import WorkOrder
from hotline.testing.cases import make_ticket

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(__file__))))
WRITES = ("INSERT", "UPDATE", "DELETE")


def disk_full_error() -> OperationalError:
    """What the driver of the configured database raises when the disk is full."""
    if connection.vendor == "postgresql":
        import psycopg.errors

        cause: Exception = psycopg.errors.DiskFull("could not extend file: No space left")
    else:
        import sqlite3

        cause = sqlite3.OperationalError("database or disk is full")
    error = OperationalError(str(cause))
    error.__cause__ = cause
    return error


def test_sqlite_s_own_disk_full_error_is_recognised():
    """The words SQLite really says when its file may not grow (max_page_count)."""
    import sqlite3

    from hotline.storage import storage_refuses_writes

    tiny = sqlite3.connect(":memory:")
    tiny.execute("PRAGMA max_page_count = 1")
    with pytest.raises(sqlite3.OperationalError) as full:
        tiny.execute("CREATE TABLE t (x)")
    assert storage_refuses_writes(full.value)
    wrapped = OperationalError(str(full.value))
    wrapped.__cause__ = full.value
    assert storage_refuses_writes(wrapped)
    assert not storage_refuses_writes(OperationalError("no such table: t"))


def test_reads_with_a_token_need_no_write(client, centre, token_for, now):
    raw = token_for(centre["agent1"])  # never used: its first use cannot be recorded
    with _patched_full():
        for _ in range(2):
            response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
            assert response.status_code == 200
            assert response.json()["username"] == "agent1"
    assert ApiToken.objects.get(user=centre["agent1"]).last_used_at is None


def test_token_last_use_is_written_at_most_every_few_minutes(client, centre, token_for, now):
    from hotline.accounts.services import LAST_USE_PRECISION, user_for_token

    raw = token_for(centre["agent1"])
    assert user_for_token(raw, now) == centre["agent1"]
    assert ApiToken.objects.get(user=centre["agent1"]).last_used_at == now
    soon = now + LAST_USE_PRECISION - timedelta(seconds=1)
    user_for_token(raw, soon)
    assert ApiToken.objects.get(user=centre["agent1"]).last_used_at == now
    later = now + LAST_USE_PRECISION
    user_for_token(raw, later)
    assert ApiToken.objects.get(user=centre["agent1"]).last_used_at == later


@pytest.fixture
def waiting_ticket(centre, now):
    return make_ticket(centre["agent1"], now)


def test_api_write_on_a_full_disk_answers_503_json(client, centre, token_for, waiting_ticket):
    raw = token_for(centre["dispatcher"])
    client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")  # its last use: recorded
    with _patched_full():
        response = client.post(
            "/api/v1/dispatch/orders",
            {"ticket_id": waiting_ticket.pk},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {raw}",
        )
    assert response.status_code == 503
    assert response["Content-Type"].startswith("application/json")
    assert response["Retry-After"] == "60"
    assert "disk of its database is full or read-only" in response.json()["detail"]
    assert not WorkOrder.objects.exists()  # nothing changed


def test_api_read_only_database_answers_503(client, centre, token_for, waiting_ticket):
    import sqlite3

    raw = token_for(centre["dispatcher"])
    client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    with _patched_full(sqlite3.OperationalError("attempt to write a readonly database")):
        response = client.post(
            "/api/v1/dispatch/orders",
            {"ticket_id": waiting_ticket.pk},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {raw}",
        )
    assert response.status_code == 503
    assert "full or read-only" in response.json()["detail"]


def test_page_write_on_a_full_disk_answers_503(client, centre, waiting_ticket):
    client.force_login(centre["dispatcher"])
    with _patched_full():
        response = client.post(
            reverse("dispatch:dispatch"), {"ticket": waiting_ticket.pk, "channel": ""}
        )
    assert response.status_code == 503
    assert "full or read-only" in response.content.decode()
    assert not WorkOrder.objects.exists()


def test_any_other_database_error_is_still_a_500(client, centre, token_for, waiting_ticket):
    raw = token_for(centre["dispatcher"])
    client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    client.raise_request_exception = False
    with _patched_full(OperationalError("no such table: nowhere")):
        response = client.post(
            "/api/v1/dispatch/orders",
            {"ticket_id": waiting_ticket.pk},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {raw}",
        )
    assert response.status_code == 500


@contextmanager
def _patched_full(cause: Exception | None = None):
    real = CursorWrapper.execute

    def execute(self, sql, params=None):  # type: ignore[no-untyped-def]
        if sql.lstrip().upper().startswith(WRITES):
            if cause is None:
                raise disk_full_error()
            raise OperationalError(str(cause)) from cause
        return real(self, sql, params)

    CursorWrapper.execute = execute  # type: ignore[method-assign]
    try:
        yield
    finally:
        CursorWrapper.execute = real  # type: ignore[method-assign]


def _serve(var: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": ROOT, "HOTLINE_VAR_DIR": var}
    env.setdefault("HOTLINE_SECRET_KEY", "a-test-key: the development key is refused first")
    env.pop("HOTLINE_DATABASE_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    command = [sys.executable, "-m", "hotline.cli", "serve", "--port", "1"]
    if os.geteuid() == 0:  # root writes through permissions: make the folder read-only itself
        script = f'mount --bind -o ro "{var}" "{var}" && exec "$@"'
        command = ["unshare", "-m", "sh", "-c", script, "sh", *command]
    else:
        os.chmod(var, 0o555)
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)


def test_serve_on_a_read_only_var_dir_says_why_it_cannot_start(tmp_path):
    var = tmp_path / "var"
    var.mkdir()
    done = _serve(str(var))
    os.chmod(var, 0o755)
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    assert f"Hotline cannot write to its var directory {var}" in done.stderr
    assert "HOTLINE_VAR_DIR" in done.stderr


def test_the_var_check_keeps_this_process_s_sqlite_locks(tmp_path, monkeypatch):
    """`serve` checks its database is writable from the process that may already hold it open
    (the demo seeds, then serves, its worker writing beside it). Opening and closing the file
    would drop every POSIX lock SQLite holds on it in this process: another process could then
    write into a transaction in progress, and the database ends up "malformed"."""
    import sqlite3
    from types import SimpleNamespace

    from hotline.storage import var_dir_problem

    database = tmp_path / "hotline.sqlite3"
    holder = sqlite3.connect(database, isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN EXCLUSIVE")  # this process holds the write lock
    sqlite = {"ENGINE": "django.db.backends.sqlite3", "NAME": database}
    monkeypatch.setattr(
        "hotline.storage.settings", SimpleNamespace(VAR_DIR=tmp_path, DATABASES={"default": sqlite})
    )
    assert var_dir_problem() is None
    other = subprocess.run(  # another process may still not write
        [
            sys.executable,
            "-c",
            f"import sqlite3; sqlite3.connect({str(database)!r}, timeout=0)"
            ".execute('INSERT INTO t VALUES (1)')",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    holder.execute("ROLLBACK")
    assert "database is locked" in other.stderr
