"""Issue 15: `hotline backup` under writes, `hotline restore` into a fresh database, equal.

Driven the way the operator does it: the `hotline` command in its own processes, on a demo
centre (with a signed work order), while another process keeps appending events."""

import json
import os
import sqlite3
import subprocess
import sys
import tarfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import pytest

ROOT = Path(__file__).resolve().parents[3]

WRITER = """
import os, sys, time, django
os.environ["DJANGO_SETTINGS_MODULE"] = "hotline.settings"
django.setup()
from django.db import transaction
from hotline import clock
from hotline.audit.services import event_append
stop, written = sys.argv[1], 0
while not os.path.exists(stop):
    with transaction.atomic():
        event_append(actor=None, now=clock.now(), entity="test.writer", entity_id=written,
                     action="tick", new={"n": written})
    written += 1
    if written == 20:
        print("writing", flush=True)
print(written, flush=True)
"""


def hotline(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hotline.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def base_env(var: Path) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HOTLINE_VAR_DIR": str(var)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("HOTLINE_DATABASE_URL", None)
    return env


def postgres_database(url: str) -> str:
    """A new, empty database on the test server; its URL."""
    import psycopg

    name = f"hl_{uuid.uuid4().hex[:12]}"
    parts = urlparse(url)
    with psycopg.connect(
        dbname=parts.path.lstrip("/"),
        user=parts.username,
        password=parts.password,
        host=parts.hostname,
        port=parts.port,
        autocommit=True,
    ) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    return urlunparse(parts._replace(path=f"/{name}"))


def centre_env(vendor: str, var: Path) -> dict[str, str]:
    env = base_env(var)
    if vendor == "postgres":
        env["HOTLINE_DATABASE_URL"] = postgres_database(os.environ["HOTLINE_DATABASE_URL"])
    return env


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def vendor(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def event_count(env: dict[str, str]) -> int:
    done = hotline(
        env, "shell", "-c", "from hotline.audit.models import Event; print(Event.objects.count())"
    )
    assert done.returncode == 0, done.stderr
    return int(done.stdout.split()[-1])


def test_e6_backup_under_writes_restores_an_equal_centre(vendor, tmp_path):
    source = centre_env(vendor, tmp_path / "source")
    seeded = hotline(source, "demo", "--no-serve")
    assert seeded.returncode == 0, seeded.stderr
    (tmp_path / "source" / "outbox").mkdir(parents=True, exist_ok=True)
    (tmp_path / "source" / "outbox" / "note.eml").write_text("kept data under var/")

    stop = tmp_path / "stop"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(stop)],
        env=source,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == "writing"  # the writes are going on
        archive = tmp_path / "centre.hotline.tar.gz"
        backed_up = hotline(source, "backup", str(archive))
        time.sleep(0.5)  # and go on after the snapshot
    finally:
        stop.touch()
        written = int(writer.communicate(timeout=60)[0].split()[-1])
    assert backed_up.returncode == 0, backed_up.stderr
    assert written > 20

    with tarfile.open(archive) as packed:
        manifest = json.load(packed.extractfile("manifest.json"))  # type: ignore[arg-type]
    facts = manifest["facts"]
    assert facts["seals"]["signed"] >= 1  # the demo's signed order is in it
    assert facts["seals"]["broken"] == []
    assert "outbox/note.eml" in manifest["files"]
    assert hotline(source, "backup", "--verify", str(archive)).returncode == 0

    target = centre_env(vendor, tmp_path / "target")
    restored = hotline(target, "restore", str(archive))
    assert restored.returncode == 0, restored.stderr
    assert "verified" in restored.stdout
    assert (tmp_path / "target" / "outbox" / "note.eml").read_text() == "kept data under var/"
    # The restore has what the snapshot had, no more: the writer went on in the source.
    assert event_count(target) == facts["rows"]["audit_event"] < event_count(source)
    if vendor == "sqlite":  # counted again without Hotline's code
        with sqlite3.connect(tmp_path / "target" / "hotline.sqlite3") as db:
            for table, rows in facts["rows"].items():
                assert db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0] == rows

    # A second restore over a centre that has data is refused: histories never mix.
    again = hotline(target, "restore", str(archive))
    assert again.returncode != 0
    assert "not empty" in again.stderr
    assert hotline(target, "restore", "--replace", str(archive)).returncode == 0


def test_e6_a_damaged_or_foreign_archive_is_refused(tmp_path):
    env = base_env(tmp_path / "var")
    broken = tmp_path / "broken.tar.gz"
    broken.write_bytes(b"not an archive")
    verified = hotline(env, "backup", "--verify", str(broken))
    assert verified.returncode != 0
    assert "not a readable Hotline backup" in verified.stderr
    restored = hotline(env, "restore", str(broken))
    assert restored.returncode != 0
    assert "Traceback" not in restored.stderr


def test_e6_a_changed_file_in_the_archive_fails_the_check(tmp_path):
    env = base_env(tmp_path / "var")
    assert hotline(env, "migrate", "-v0").returncode == 0
    archive = tmp_path / "a.tar.gz"
    assert hotline(env, "backup", str(archive)).returncode == 0
    unpacked = tmp_path / "unpacked"
    with tarfile.open(archive) as packed:
        packed.extractall(unpacked, filter="data")
    manifest = json.loads((unpacked / "manifest.json").read_text())
    manifest["facts"]["rows"]["audit_event"] += 1  # the manifest says one event more
    (unpacked / "manifest.json").write_text(json.dumps(manifest))
    forged = tmp_path / "forged.tar.gz"
    with tarfile.open(forged, "w:gz") as packed:
        for item in sorted(unpacked.iterdir()):
            packed.add(item, arcname=item.name)
    verified = hotline(env, "backup", "--verify", str(forged))
    assert verified.returncode != 0
    assert "audit_event" in verified.stderr
    # the archive's own copy of the database changed: its checksum says so
    (unpacked / "database" / "hotline.sqlite3").write_bytes(b"x")
    with tarfile.open(forged, "w:gz") as packed:
        for item in sorted(unpacked.iterdir()):
            packed.add(item, arcname=item.name)
    damaged = hotline(env, "backup", "--verify", str(forged))
    assert "damaged" in damaged.stderr
    # a backup to a folder that does not exist: said, no traceback, no file left
    nowhere = hotline(env, "backup", str(tmp_path / "missing" / "b.tar.gz"))
    assert nowhere.returncode != 0
    assert "Traceback" not in nowhere.stderr
    assert "No such file or directory" in nowhere.stderr
