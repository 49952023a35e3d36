"""Starting the deployment files' processes on this machine: a database of their own on the
tests' PostgreSQL, the environment every unit gets, a unit's process, an upgrade step.

Shared by the tests that start the system (test_deploy_system, test_replica_reports) and by the
fault bench (bench/faults.py); how the files are read is in deploy_files.py."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

from hotline.tests.deploy_files import (
    DEPLOY,
    ENVIRONMENT_FILE,
    command_here,
    read_environment_file,
    read_unit,
)
from hotline.tests.processes import PROJECT

SECRET_KEY = "k3VqUu2nZ9-8xq4tJd1mB7rWc0eLs5HfYgP6aTzNoKiE_vRyXw-deploy-test"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def new_database(server_url: str, name: str) -> Iterator[str]:
    """A database of its own on the tests' PostgreSQL server, dropped afterwards."""
    import psycopg

    server = urlparse(server_url)
    admin = urlunparse(server._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name}")
        connection.execute(f"CREATE DATABASE {name}")
    try:
        yield urlunparse(server._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def machine_environment(tmp_path: Path, database: str, **extra: str) -> dict[str, Any]:
    """The environment every unit gets: the example file, with this machine's servers."""
    var_dir, metrics_dir = tmp_path / "var", tmp_path / "run" / "metrics"
    var_dir.mkdir()
    metrics_dir.mkdir(parents=True)
    base = {k: v for k, v in os.environ.items() if not k.startswith(("HOTLINE_", "DJANGO_"))}
    base["PYTHONPATH"] = str(PROJECT)
    example = read_environment_file(DEPLOY / "hotline.env.example")
    example.update(
        HOTLINE_SECRET_KEY=SECRET_KEY,
        HOTLINE_DATABASE_URL=database,
        HOTLINE_VAR_DIR=str(var_dir),
        HOTLINE_WORKER_HEARTBEAT_SECONDS="1",
        **extra,
    )
    return {"base": base, "file": example, "var": var_dir, "metrics": metrics_dir, "tmp": tmp_path}


def unit_process(
    machine: dict[str, Any], unit_file: str, instance: str, log: Path
) -> subprocess.Popen[bytes]:
    """The unit's ExecStart with its environment, as systemd would start it (own session)."""
    unit = read_unit(DEPLOY / "systemd" / unit_file, instance)
    assert unit.environment_files == [ENVIRONMENT_FILE]
    env = {**machine["base"], **machine["file"], **unit.environment}
    if "PROMETHEUS_MULTIPROC_DIR" in unit.environment:
        assert unit.environment["PROMETHEUS_MULTIPROC_DIR"] == "/run/hotline/metrics"
        env["PROMETHEUS_MULTIPROC_DIR"] = str(machine["metrics"])
    assert unit.working_directory == "/var/lib/hotline"
    return subprocess.Popen(
        command_here(unit),
        env=env,
        cwd=machine["var"],
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def hotline_step(machine: dict[str, Any], *argv: str) -> str:
    """An upgrade step of docs/deploy.md (or a `shell -c`), with the units' environment file;
    its standard output."""
    env = {**machine["base"], **machine["file"]}
    done = subprocess.run(
        [sys.executable, "-m", "hotline.cli", *argv], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@contextlib.contextmanager
def running(processes: list[subprocess.Popen[bytes]]) -> Iterator[None]:
    """Stops the processes (their whole sessions) however the block ends."""
    try:
        yield
    finally:
        for process in processes:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(5)
