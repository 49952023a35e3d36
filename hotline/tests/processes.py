"""Real `hotline` processes for tests: a migrated SQLite var dir of their own, their children
found in /proc, a receiver on loopback that stalls. Slow to start (a Django process each), so
only the tests of process handling use them."""

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

HOTLINE = [sys.executable, "-m", "hotline.cli"]
PROJECT = Path(__file__).resolve().parents[2]
# The parent's own database and services are not the child's: it gets SQLite in a temp dir.
NOT_INHERITED = ("HOTLINE_DATABASE_URL", "HOTLINE_REDIS_URL", "HOTLINE_EMAIL_OUTBOX")


def hotline_env(var_dir: Path, **settings: object) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT), env.get("PYTHONPATH")]))
    env["HOTLINE_VAR_DIR"] = str(var_dir)
    # A server or worker refuses the public development key without debug.
    env.setdefault("HOTLINE_SECRET_KEY", "a-test-key-for-the-processes-of-the-worker-tests")
    env.update({k: str(v) for k, v in settings.items()})
    return env


def migrate_into(var_dir: Path) -> None:
    subprocess.run([*HOTLINE, "migrate", "-v0"], env=hotline_env(var_dir), check=True)


def copy_var_dir(template: Path, var_dir: Path) -> Path:
    var_dir.mkdir(parents=True, exist_ok=True)
    for file in template.glob("hotline.sqlite3*"):
        shutil.copy(file, var_dir / file.name)
    return var_dir


def run_in_django(var_dir: Path, code: str, **settings: object) -> str:
    """Run Python in a `hotline shell` of that var dir; what it prints."""
    done = subprocess.run(
        [*HOTLINE, "shell", "-c", code],
        env=hotline_env(var_dir, **settings),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def query(var_dir: Path, sql: str, *params: object) -> list[tuple[Any, ...]]:
    with sqlite3.connect(var_dir / "hotline.sqlite3", timeout=20) as db:
        return db.execute(sql, params).fetchall()


def wait_for(what: Callable[[], object], timeout: float, step: float = 0.1) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := what():
            return result
        time.sleep(step)
    raise AssertionError(f"not within {timeout} s: {what.__doc__ or what}")


def descendants(pid: int) -> set[int]:
    """Every process under pid, from /proc (Linux)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue  # gone meanwhile
        parents[int(stat.parent.name)] = int(fields[1])
    found: set[int] = set()
    todo = [pid]
    while todo:
        parent = todo.pop()
        children = {p for p, pp in parents.items() if pp == parent}
        todo.extend(children - found)
        found |= children
    return found


def alive(pid: int) -> bool:
    """Running, and not a zombie waiting for its parent to read its status."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


@contextmanager
def worker_process(
    var_dir: Path, log: Path, **settings: object
) -> Iterator[subprocess.Popen[bytes]]:
    """`hotline worker`, running (it said so) until the block ends; then killed if still alive."""
    with log.open("w") as out:
        worker = subprocess.Popen(
            [*HOTLINE, "worker", "--interval", "0.2"],
            env=hotline_env(var_dir, **settings),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for(lambda: "is running" in log.read_text() or worker.poll() is not None, 60)
        assert worker.poll() is None, log.read_text()
        yield worker
    finally:
        if worker.poll() is None:
            worker.send_signal(signal.SIGKILL)
        worker.wait()


class Receiver:
    """A webhook receiver on loopback: keeps every request's Idempotency-Key and body; while
    `stalling`, it reads a request and never answers (a gateway that hangs)."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, Any]]] = []
        self.stalling = threading.Event()
        self.released = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                receiver.requests.append((self.headers["Idempotency-Key"], body))
                if receiver.stalling.is_set():
                    receiver.released.wait(60)
                    return
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/notices"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.released.set()
        self.server.shutdown()
        self.server.server_close()
