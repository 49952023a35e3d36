"""The archive: manifest.json, the database copy, the data files under var/."""

import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings

from hotline.backup.database import (
    COPY_NAMES,
    BackupError,
    database_copy,
    database_is_empty,
    database_restore,
    pg_dump_readable,
    sqlite_alias,
    vendor,
)
from hotline.backup.facts import database_facts, differences

FORMAT = "hotline-backup"
VERSION = 1
MANIFEST = "manifest.json"
# Under var/ but not data: the database itself (copied by its own means), the static files
# (collected again from the code), earlier backups.
SKIPPED_DIRS = ("static", "backups")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as data:
        for block in iter(lambda: data.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def var_files(exclude: Path) -> Iterator[tuple[str, Path]]:
    """The data files under var/ (none today but e-mails of the demo; signatures and reports
    live in the database), by their path inside var/."""
    var = Path(settings.VAR_DIR).resolve()
    database = Path(str(settings.DATABASES["default"]["NAME"])).resolve()
    database_files = {database.name, *(database.name + end for end in ("-wal", "-shm", "-journal"))}
    for path in sorted(var.rglob("*")):
        relative = path.relative_to(var)
        if not path.is_file() or path.resolve() == exclude.resolve():
            continue
        if relative.parts[0] in SKIPPED_DIRS or (
            path.parent == database.parent and path.name in database_files
        ):
            continue
        if path.name.endswith(".part"):
            continue
        yield relative.as_posix(), path


def backup_create(target: Path, now: datetime) -> dict[str, Any]:
    """Write the archive to `target` (through a .part file, so a failed backup leaves none)."""
    kind = vendor()
    partial = target.with_name(target.name + ".part")
    with tempfile.TemporaryDirectory(prefix="hotline-backup-") as work:
        copy = Path(work) / COPY_NAMES[kind]
        facts = database_copy(copy)
        files = dict(var_files(exclude=target))
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "created_at": now.isoformat(),
            "database": {"vendor": kind, "file": copy.name, "sha256": _sha256(copy)},
            "files": {name: _sha256(path) for name, path in files.items()},
            "facts": facts,
        }
        with tarfile.open(partial, "w:gz") as archive:
            _add_bytes(archive, MANIFEST, json.dumps(manifest, indent=2).encode())
            archive.add(copy, arcname=f"database/{copy.name}")
            for name, path in files.items():
                archive.add(path, arcname=f"var/{name}")
    os.replace(partial, target)
    return manifest


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o600
    archive.addfile(info, io.BytesIO(data))


def _unpack(source: Path, into: Path) -> dict[str, Any]:
    """Unpack the archive and check every file against the manifest's checksums."""
    try:
        with tarfile.open(source, "r:gz") as archive:
            archive.extractall(into, filter="data")  # no paths outside `into`, no links out
    except (OSError, tarfile.TarError) as error:
        raise BackupError(f"{source} is not a readable Hotline backup: {error}") from None
    try:
        manifest: dict[str, Any] = json.loads((into / MANIFEST).read_text())
    except (OSError, ValueError):
        raise BackupError(f"{source} has no readable manifest") from None
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise BackupError(f"{source} is not a Hotline backup of version {VERSION}")
    expected = {
        f"database/{manifest['database']['file']}": manifest["database"]["sha256"],
        **{f"var/{name}": digest for name, digest in manifest["files"].items()},
    }
    for name, digest in expected.items():
        path = into / name
        if not path.is_file() or _sha256(path) != digest:
            raise BackupError(f"{source}: {name} is missing or damaged (checksum)")
    return manifest


def archive_verify(source: Path) -> list[str]:
    """Check an archive without restoring it: checksums, and the database copy's facts
    (recounted on SQLite; on PostgreSQL the dump must be readable by pg_restore)."""
    with tempfile.TemporaryDirectory(prefix="hotline-verify-") as work:
        manifest = _unpack(source, Path(work))
        copy = Path(work) / "database" / manifest["database"]["file"]
        if manifest["database"]["vendor"] == "sqlite":
            with sqlite_alias(copy) as alias:
                return differences(manifest["facts"], database_facts(alias))
        return [] if pg_dump_readable(copy) else ["pg_restore cannot read the database dump"]


def restore(source: Path, *, replace: bool = False) -> tuple[dict[str, Any], list[str]]:
    """Restore the archive into the configured database and var/, then check the result
    against the manifest. Returns the manifest and what differs (nothing, when all is well)."""
    with tempfile.TemporaryDirectory(prefix="hotline-restore-") as work:
        manifest = _unpack(source, Path(work))
        kind = manifest["database"]["vendor"]
        if kind != vendor():
            raise BackupError(f"this backup is of a {kind} database; the one configured is not")
        if not replace and not database_is_empty():
            raise BackupError(
                "the configured database is not empty: restore into a fresh one, "
                "or pass --replace to overwrite it"
            )
        database_restore(Path(work) / "database" / manifest["database"]["file"], replace=replace)
        var = Path(settings.VAR_DIR)
        for name in manifest["files"]:
            (var / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.move(Path(work) / "var" / name, var / name)
    return manifest, differences(manifest["facts"], database_facts("default"))
