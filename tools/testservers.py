"""Run a command with throwaway servers on free loopback ports, then remove them.

    python tools/testservers.py --postgres --redis -- pytest -q

PostgreSQL gets a fresh cluster in a temporary folder (as the `postgres` system user when run
as root, since PostgreSQL refuses to run as root); its URL is exported as HOTLINE_DATABASE_URL.
Redis runs without persistence; its URL is exported as HOTLINE_REDIS_URL. Both listen on
127.0.0.1 only and are stopped however the command ends.

With --replica (implies --postgres) a second cluster is made from the first by pg_basebackup -R
and started as a hot standby streaming from it; its URL (same database name) is exported as
HOTLINE_DATABASE_REPLICA_URL. Tests that stop, restart or pause the servers find the clusters'
folders in TESTSERVERS_PGDATA and TESTSERVERS_REPLICA_PGDATA (their settings are in each
folder's postgresql.auto.conf, so a plain `pg_ctl -D folder start` brings one back as it was).
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
from urllib.parse import urlparse

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
    # Durability is pointless for a throwaway test cluster; speed is not. (A base backup forces
    # full-page writes while it runs, so a replica can still be made from it.)
    write_settings(
        data,
        port=port,
        unix_socket_directories=str(folder),
        listen_addresses="127.0.0.1",
        fsync="off",
        synchronous_commit="off",
        full_page_writes="off",
        max_connections=200,
        wal_level="replica",
        max_wal_senders=4,
    )
    run(pg_tool("pg_ctl"), "-D", str(data), "-l", str(folder / "log"), "-w", "start")
    run(pg_tool("createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "hotline", "hotline")
    try:
        yield f"postgresql://hotline@127.0.0.1:{port}/hotline", data
    finally:
        subprocess.run(
            as_postgres_user([pg_tool("pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            stdout=subprocess.DEVNULL,
            check=False,
        )
        shutil.rmtree(folder, ignore_errors=True)


def write_settings(data: Path, **settings: object) -> None:
    """Append to the cluster's postgresql.auto.conf (read at every start, after postgresql.conf)."""
    lines = "".join(f"{name} = '{value}'\n" for name, value in settings.items())
    auto = data / "postgresql.auto.conf"
    if os.geteuid() == 0:
        subprocess.run(
            as_postgres_user(["sh", "-c", f"cat >> {auto}"]), input=lines.encode(), check=True
        )
    else:
        with auto.open("a") as out:
            out.write(lines)


@contextlib.contextmanager
def replica(primary_url: str) -> Iterator[tuple[str, Path]]:
    """A hot standby of the primary, streaming from it, on its own free port."""
    primary = urlparse(primary_url)
    folder = Path(tempfile.mkdtemp(prefix="hotline-pg-replica-"))
    data = folder / "data"
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    port = free_port()
    subprocess.run(
        as_postgres_user(
            [
                *(pg_tool("pg_basebackup"), "-h", "127.0.0.1", "-p", str(primary.port)),
                *("-U", "hotline", "-D", str(data), "-R", "-X", "stream", "-c", "fast"),
            ]
        ),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    # The primary's settings came with the copy; the replica's own port and socket win.
    write_settings(data, port=port, unix_socket_directories=str(folder), hot_standby="on")
    ctl = [pg_tool("pg_ctl"), "-D", str(data), "-l", str(folder / "log"), "-w"]
    subprocess.run(as_postgres_user([*ctl, "start"]), check=True, stdout=subprocess.DEVNULL)
    try:
        wait_until_streaming(primary.port or 5432, port)
        yield f"postgresql://hotline@127.0.0.1:{port}{primary.path}", data
    finally:
        subprocess.run(
            as_postgres_user([pg_tool("pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            stdout=subprocess.DEVNULL,
            check=False,
        )
        shutil.rmtree(folder, ignore_errors=True)


def sql(port: int, query: str) -> str:
    done = subprocess.run(
        [
            *(pg_tool("psql"), "-h", "127.0.0.1", "-p", str(port)),
            *("-U", "hotline", "-d", "postgres", "-XtAc", query),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.strip()


def wait_until_streaming(primary_port: int, replica_port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        sending = sql(primary_port, "SELECT state FROM pg_stat_replication")
        receiving = sql(replica_port, "SELECT status FROM pg_stat_wal_receiver")
        if sending == "streaming" and receiving == "streaming":
            return
        time.sleep(0.1)
    sys.exit(f"testservers: the replica on {replica_port} is not streaming")


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
    parser.add_argument("--replica", action="store_true", help="and a streaming replica of it")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give a command after --")
    env = dict(os.environ)
    with contextlib.ExitStack() as stack:
        if args.postgres or args.replica:
            url, data = stack.enter_context(postgres())
            env["HOTLINE_DATABASE_URL"], env["TESTSERVERS_PGDATA"] = url, str(data)
        if args.replica:
            url, data = stack.enter_context(replica(env["HOTLINE_DATABASE_URL"]))
            env["HOTLINE_DATABASE_REPLICA_URL"] = url
            env["TESTSERVERS_REPLICA_PGDATA"] = str(data)
        if args.redis:
            env["HOTLINE_REDIS_URL"] = stack.enter_context(redis())
        return subprocess.run(command, env=env, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
