"""Run a command with throwaway servers on free loopback ports, then remove them.

    python tools/testservers.py --postgres --redis -- pytest -q

PostgreSQL gets a fresh cluster in a temporary folder (as the `postgres` system user when run
as root, since PostgreSQL refuses to run as root); its URL is exported as HOTLINE_DATABASE_URL.
Redis runs without persistence; its URL is exported as HOTLINE_REDIS_URL. Both listen on
127.0.0.1 only and are stopped however the command ends.
"""

import argparse
import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

PG_BIN_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def pg_tool(name: str) -> str:
    for folder in PG_BIN_DIRS:
        if (folder / name).exists():
            return str(folder / name)
    found = shutil.which(name)
    if not found:
        sys.exit(f"testservers: {name} not found; install the postgresql package")
    return found


def as_postgres_user(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@contextlib.contextmanager
def postgres() -> Iterator[str]:
    folder = Path(tempfile.mkdtemp(prefix="hotline-pg-"))
    data = folder / "data"
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    port = free_port()

    def run(*command: str) -> None:
        subprocess.run(as_postgres_user(list(command)), check=True, stdout=subprocess.DEVNULL)

    run(
        pg_tool("initdb"),
        "-D",
        str(data),
        "-U",
        "hotline",
        "-A",
        "trust",
        "-E",
        "UTF8",
        "--locale=C.UTF-8",
    )
    # Durability is pointless for a throwaway test cluster; speed is not.
    options = (
        f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
    )
    run(pg_tool("pg_ctl"), "-D", str(data), "-o", options, "-l", str(folder / "log"), "-w", "start")
    run(pg_tool("createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "hotline", "hotline")
    try:
        yield f"postgresql://hotline@127.0.0.1:{port}/hotline"
    finally:
        subprocess.run(
            as_postgres_user([pg_tool("pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            stdout=subprocess.DEVNULL,
            check=False,
        )
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def redis() -> Iterator[str]:
    server = shutil.which("redis-server")
    if not server:
        sys.exit("testservers: redis-server not found; install the redis-server package")
    port = free_port()
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


def wait_for_port(port: int, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.05)
    sys.exit(f"testservers: nothing listens on 127.0.0.1:{port}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--redis", action="store_true")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give a command after --")
    env = dict(os.environ)
    with contextlib.ExitStack() as stack:
        if args.postgres:
            env["HOTLINE_DATABASE_URL"] = stack.enter_context(postgres())
        if args.redis:
            env["HOTLINE_REDIS_URL"] = stack.enter_context(redis())
        return subprocess.run(command, env=env, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
