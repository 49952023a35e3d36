"""The database's own copy and restore: SQLite's online backup API, PostgreSQL's pg_dump.

Each copy is taken from one snapshot, and the manifest's facts are counted from that same
snapshot, so writes going on during the backup never make the check fail afterwards."""

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.db import connections, transaction

from hotline.backup.facts import database_facts

COPY_ALIAS = "hotline_backup_copy"
PG_BIN_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)


class BackupError(Exception):
    """The backup or restore cannot go on; the message says why, for the operator."""


def vendor() -> str:
    return str(connections["default"].vendor)


def _settings() -> dict[str, Any]:
    return dict(connections["default"].settings_dict)


# --- SQLite -----------------------------------------------------------------------------------


@contextmanager
def sqlite_alias(path: Path) -> Iterator[str]:
    """The SQLite file at `path` as a Django database of its own, for counting its facts."""
    connections.settings[COPY_ALIAS] = {
        **connections.settings["default"],
        "NAME": str(path),
        "OPTIONS": {"timeout": 20},
    }
    try:
        yield COPY_ALIAS
    finally:
        connections[COPY_ALIAS].close()
        del connections[COPY_ALIAS]
        del connections.settings[COPY_ALIAS]


def _sqlite_connect(name: object) -> sqlite3.Connection:
    name = str(name)
    return sqlite3.connect(name, timeout=20, uri=name.startswith("file:"))


def sqlite_copy(dest: Path) -> dict[str, Any]:
    """Copy the live database with SQLite's online backup API (one consistent snapshot, the
    writers go on), as one self-contained file; its facts are counted on the copy."""
    source = _sqlite_connect(_settings()["NAME"])
    copy = sqlite3.connect(dest)
    try:
        source.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one file, no -wal beside it
    finally:
        copy.close()
        source.close()
    with sqlite_alias(dest) as alias:
        return database_facts(alias)


def sqlite_restore(copy_path: Path) -> None:
    """Write the copy over the configured database, in one step of SQLite's backup API."""
    connections["default"].close()
    copy = sqlite3.connect(copy_path)
    target = _sqlite_connect(_settings()["NAME"])
    try:
        copy.backup(target)
    finally:
        target.close()
        copy.close()


# --- PostgreSQL -------------------------------------------------------------------------------


def pg_tool(name: str) -> str:
    """pg_dump / pg_restore: on the PATH, or where Debian's postgresql package puts them."""
    found = shutil.which(name)
    for folder in PG_BIN_DIRS if not found else []:
        if (folder / name).exists():
            return str(folder / name)
    if not found:
        raise BackupError(f"{name} was not found: install PostgreSQL's client programs")
    return found


def _pg_command(tool: str, *args: str) -> tuple[list[str], dict[str, str]]:
    conf = _settings()
    command = [pg_tool(tool), "--dbname", str(conf["NAME"])]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if conf.get(key):
            command += [flag, str(conf[key])]
    env = {**os.environ, "PGPASSWORD": str(conf.get("PASSWORD") or "")}
    return [*command, *args], env


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {done.stderr.strip()[-2000:]}")


def pg_copy(dest: Path) -> dict[str, Any]:
    """pg_dump -Fc of one exported snapshot; the facts are counted in that same snapshot."""
    with transaction.atomic(), connections["default"].cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        facts = database_facts("default")
        command, env = _pg_command("pg_dump", "--format=custom", f"--snapshot={snapshot}")
        _run([*command, "--file", str(dest)], env)
    return facts


def pg_restore(dump: Path, *, replace: bool) -> None:
    """pg_restore into the configured database, in one transaction: all of it or nothing."""
    connections["default"].close()
    flags = ["--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error"]
    if replace:  # drop what the dump holds first
        flags += ["--clean", "--if-exists"]
    command, env = _pg_command("pg_restore", *flags)
    _run([*command, str(dump)], env)


def pg_dump_readable(dump: Path) -> bool:
    done = subprocess.run(
        [pg_tool("pg_restore"), "--list", str(dump)], capture_output=True, check=False
    )
    return done.returncode == 0


# --- either -----------------------------------------------------------------------------------

COPY_NAMES = {"sqlite": "hotline.sqlite3", "postgresql": "hotline.pgdump"}


def database_copy(dest: Path) -> dict[str, Any]:
    kind = vendor()
    if kind == "sqlite":
        return sqlite_copy(dest)
    if kind == "postgresql":
        return pg_copy(dest)
    raise BackupError(f"backups of {kind} databases are not supported")


def database_restore(copy_path: Path, *, replace: bool) -> None:
    if vendor() == "sqlite":
        sqlite_restore(copy_path)  # the backup API overwrites the whole file anyway
    else:
        pg_restore(copy_path, replace=replace)


def database_is_empty() -> bool:
    """No table of Hotline's yet: a fresh database (a restore never mixes two histories)."""
    connection = connections["default"]
    with connection.cursor() as cursor:
        return not connection.introspection.table_names(cursor)
