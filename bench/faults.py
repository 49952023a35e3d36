"""Faults under load (issue 19): the deployment files' system (two app processes, two workers,
started from deploy/systemd as hotline/tests/test_deploy_system.py starts them) under a light
steady load of PBX calls through the CTI API, while in turn one app process and one worker are
killed with SIGKILL, PostgreSQL is restarted and Redis is stopped.

    python tools/testservers.py --postgres --redis -- python bench/faults.py

The load is a PBX and its agents: a call arrives (POST /cti/calls), the agent it rings for
answers (…/answered), hangs up (…/ended) and ends wrap-up (POST /floor/wrap-up/end). Like a PBX,
the client sends each report to the next app process in turn and repeats it (every CTI report
may be repeated) after a connection error or a 5xx, for up to RETRY_FOR_S, on the other
process. A killed unit comes back after RestartSec (2 s), as systemd's Restart=always does.

For each fault: what the clients saw (requests, first attempts that failed, requests that failed
for good, latency p50/p99/max including the retries). Afterwards, from the database: every call
whose arrival got a 2xx exists, and is in the state its last acknowledged report left it in;
no agent holds two calls. Writes bench/results/faults.json."""

import contextlib
import http.client
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hotline.tests.deploy_machine import (
    free_port,
    hotline_step,
    machine_environment,
    new_database,
    running,
    unit_process,
)

RESULTS = Path(__file__).parent / "results" / "faults.json"
AGENTS = 12
CALLERS = 3  # concurrent PBX lines; each places its next call when the last one is done
TALK_S = 0.3
STEADY_S = 10.0  # load before each fault, and after it while the system recovers
RECOVER_S = 15.0
RETRY_FOR_S = 30.0
HOST = "hotline.example.com"

SETUP = f"""
import json
from datetime import UTC, datetime, timedelta
from hotline.accounts.choices import Role
from hotline.accounts.models import Site, Team, User
from hotline.accounts.services import api_token_create
from hotline.calls.models import Queue
from hotline.rulebook.models import Calendar
now = datetime.now(UTC)
calendar = Calendar.objects.create(name="faults", time_zone="Europe/Sofia",
                                   working_days=[0, 1, 2, 3, 4, 5, 6])
site = Site.objects.create(name="faults", calendar=calendar)
team = Team.objects.create(name="faults", site=site)
Queue.objects.create(code="faults", name="faults", team=team, wrap_up_time=timedelta(minutes=5))
pbx = User.objects.create_user(username="pbx", role=Role.PBX)
agents = {{}}
for n in range({AGENTS}):
    agent = User.objects.create_user(username=f"agent{{n}}", role=Role.AGENT, team=team)
    agents[agent.username] = api_token_create(actor=None, now=now, user=agent)[1]
print(json.dumps({{"pbx": api_token_create(actor=None, now=now, user=pbx)[1], "agents": agents}}))
"""


class Client:
    """HTTP to the app processes in turn; a connection error or a 5xx is repeated on the next."""

    def __init__(self, ports: list[int]) -> None:
        self.ports = ports
        self.turn = 0
        self.lock = threading.Lock()
        self.log: list[dict[str, Any]] = []

    def call(self, method: str, path: str, token: str, body: dict | None = None):
        started = time.monotonic()
        attempts, failures = 0, []
        while True:
            with self.lock:
                port = self.ports[self.turn % len(self.ports)]
                self.turn += 1
            attempts += 1
            status, answer = self._once(port, method, path, token, body)
            if status is not None and status < 500:
                break
            failures.append(str(status) if status else answer)
            if time.monotonic() - started > RETRY_FOR_S:
                break
            time.sleep(0.2)
        record = {
            "at": started,
            "path": path.split("/")[-1] if path.count("/") > 4 else path,
            "seconds": time.monotonic() - started,
            "done": time.monotonic(),
            "status": status,
            "attempts": attempts,
            "failures": failures[:3],
        }
        with self.lock:
            self.log.append(record)
        return status, answer

    def _once(self, port, method, path, token, body):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
        try:
            connection.request(
                method,
                path,
                body=json.dumps(body) if body is not None else None,
                headers={
                    "Host": HOST,
                    "X-Forwarded-Proto": "https",
                    "Authorization": f"Bearer {token}",
                    "Content-Type": "application/json",
                },
            )
            answer = connection.getresponse()
            data = answer.read()
            try:
                return answer.status, json.loads(data) if data else None
            except ValueError:
                return answer.status, None
        except (OSError, http.client.HTTPException) as error:
            return None, type(error).__name__
        finally:
            connection.close()


class PbxLine(threading.Thread):
    """One caller after another: arrive, answered, ended, the agent's wrap-up ends."""

    def __init__(self, line: int, client: Client, tokens: dict, stop: threading.Event) -> None:
        super().__init__(daemon=True)
        self.line, self.client, self.tokens, self.stop = line, client, tokens, stop
        self.calls: dict[str, str] = {}  # PBX id -> the state its last 2xx report left

    def run(self) -> None:
        n = 0
        while not self.stop.is_set():
            n += 1
            self.one_call(f"line{self.line}-{n}")

    def one_call(self, external_id: str) -> None:
        pbx = self.tokens["pbx"]
        arrival = {"external_id": external_id, "queue": "faults", "caller_number": "+359 2 1"}
        status, call = self.client.call("POST", "/api/v1/cti/calls", pbx, arrival)
        if status not in (200, 201):
            return
        self.calls[external_id] = call["state"]
        if not call["offered_to"]:  # no agent free: the caller hangs up
            status, call = self.client.call(
                "POST", f"/api/v1/cti/calls/{external_id}/abandoned", pbx
            )
            if status == 200:
                self.calls[external_id] = call["state"]
            return
        agent = call["offered_to"]
        status, call = self.client.call(
            "POST", f"/api/v1/cti/calls/{external_id}/answered", pbx, {"offer_id": call["offer_id"]}
        )
        if status != 200:
            return
        self.calls[external_id] = call["state"]
        time.sleep(TALK_S)
        status, call = self.client.call("POST", f"/api/v1/cti/calls/{external_id}/ended", pbx)
        if status != 200:
            return
        self.calls[external_id] = call["state"]
        self.client.call("POST", "/api/v1/floor/wrap-up/end", self.tokens["agents"][agent])


def as_postgres(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def pg_ctl() -> str:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), reverse=True)
    return str(found[0]) if found else "pg_ctl"


class Units:
    """The unit processes, restarted like systemd's Restart=always, RestartSec=2."""

    def __init__(self, machine: dict, tmp: Path, app_ports: list[int]) -> None:
        self.machine, self.tmp = machine, tmp
        self.specs = {f"serve-{p}": ("hotline-serve@.service", str(p)) for p in app_ports}
        self.specs |= {f"worker-{n}": ("hotline-worker@.service", str(n)) for n in (1, 2)}
        self.processes = {name: self._start(name) for name in self.specs}

    def _start(self, name: str) -> subprocess.Popen[bytes]:
        unit, instance = self.specs[name]
        log = self.tmp / f"{name}.log"
        return unit_process(self.machine, unit, instance, log)

    def kill_and_restart(self, name: str) -> None:
        os.killpg(self.processes[name].pid, signal.SIGKILL)
        self.processes[name].wait()
        time.sleep(2)  # RestartSec
        self.processes[name] = self._start(name)


def restart_postgres() -> None:
    data = os.environ["TESTSERVERS_PGDATA"]
    log = str(Path(data).parent / "log")
    restart = [pg_ctl(), "-D", data, "-l", log, "-w", "-m", "fast", "restart"]
    subprocess.run(as_postgres(restart), check=True, stdout=subprocess.DEVNULL)


def stop_redis_for(seconds: float) -> None:
    port = os.environ["HOTLINE_REDIS_URL"].rsplit(":", 1)[1].split("/")[0]
    subprocess.run(["redis-cli", "-p", port, "shutdown", "nosave"], capture_output=True)
    time.sleep(seconds)
    subprocess.Popen(  # testservers stops its own Redis at the end; this one is stopped below
        ["redis-server", "--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )


def figures(records: list[dict[str, Any]]) -> dict[str, Any]:
    seconds = sorted(r["seconds"] for r in records)
    if not seconds:
        return {"requests": 0}
    return {
        "requests": len(records),
        "first_attempt_failed": sum(1 for r in records if r["failures"]),
        "failed_for_good": sum(1 for r in records if r["status"] is None or r["status"] >= 500),
        "refused_4xx": sum(1 for r in records if r["status"] and 400 <= r["status"] < 500),
        "what_failed": sorted({f for r in records for f in r["failures"]}),
        "p50_ms": round(statistics.median(seconds) * 1000, 1),
        "p99_ms": round(seconds[min(len(seconds) - 1, int(len(seconds) * 0.99))] * 1000, 1),
        "max_ms": round(seconds[-1] * 1000, 1),
    }


def check_the_database(url: str, lines: list[PbxLine]) -> dict[str, Any]:
    """Every acknowledged call exists, in the state its last acknowledged report left it in."""
    import psycopg

    acknowledged = {pbx_id: state for line in lines for pbx_id, state in line.calls.items()}
    with psycopg.connect(url) as connection:
        rows = dict(
            connection.execute(
                "SELECT external_id, state FROM calls_call WHERE external_id = ANY(%s)",
                (list(acknowledged),),
            ).fetchall()
        )
        doubled = connection.execute(
            "SELECT count(*) FROM (SELECT agent_id FROM calls_call WHERE state IN "
            "('connected', 'wrap_up') AND agent_id IS NOT NULL GROUP BY agent_id "
            "HAVING count(*) > 1) AS two"
        ).fetchone()[0]
    missing = sorted(set(acknowledged) - set(rows))
    # A report acknowledged, then the next one lost with the client: the call may be further
    # on (wrap-up ended by its timer) but never behind what the client was told.
    order = [
        "waiting",
        "offered",
        "connected",
        "wrap_up",
        "ended",
        "abandoned",
        "overflowed",
        "callback",
    ]
    behind = sorted(
        pbx_id
        for pbx_id, state in acknowledged.items()
        if pbx_id in rows and order.index(rows[pbx_id]) < order.index(state)
    )
    return {
        "calls_acknowledged": len(acknowledged),
        "missing": missing,
        "behind_what_the_client_was_told": behind,
        "agents_with_two_calls": doubled,
    }


def server_errors(tmp: Path) -> dict[str, int]:
    """What the units logged as errors (JSON logs): each exception's last line, counted."""
    found: dict[str, int] = {}
    for log in sorted(tmp.glob("*.log")):
        for line in log.read_text(errors="replace").splitlines():
            with contextlib.suppress(ValueError, AttributeError, IndexError):
                record = json.loads(line)
                if record.get("exception"):
                    cause = record["exception"].strip().splitlines()[-1][:160]
                    where = record["message"].split("/calls/")[0][:60]  # without the call's id
                    key = f"{log.stem.split('-')[0]}: {where}: {cause}"
                    found[key] = found.get(key, 0) + 1
    return found


def main() -> int:
    if "postgres" not in os.environ.get("HOTLINE_DATABASE_URL", ""):
        sys.exit("run under tools/testservers.py --postgres --redis")
    tmp = Path(tempfile.mkdtemp(prefix="hotline-faults-"))
    with new_database(os.environ["HOTLINE_DATABASE_URL"], "hotline_faults") as database:
        machine = machine_environment(
            tmp, database, HOTLINE_REDIS_URL=os.environ["HOTLINE_REDIS_URL"]
        )
        hotline_step(machine, "migrate", "--no-input", "-v0")
        tokens = json.loads(hotline_step(machine, "shell", "-c", SETUP).splitlines()[-1])
        app_ports = [free_port(), free_port()]
        units = Units(machine, tmp, app_ports)
        try:
            result = run_faults(units, app_ports, tokens, database)
        finally:
            with running(list(units.processes.values())):
                pass  # stops the units (TERM, then KILL), whichever are running now
    result["server_errors"] = server_errors(tmp)
    shutil.rmtree(tmp, ignore_errors=True)  # the units' logs: kept only when it failed
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return 0


def run_faults(units: Units, app_ports: list[int], tokens: dict, database: str) -> dict:
    client = Client(app_ports)
    deadline = time.monotonic() + 90
    for port in app_ports:
        while client._once(port, "GET", "/readyz", "", None)[0] != 200:
            assert time.monotonic() < deadline, "not ready"
            time.sleep(0.5)
    for agent_token in tokens["agents"].values():
        for step in ("login", "ready"):
            status, _ = client.call("POST", f"/api/v1/floor/{step}", agent_token)
            assert status == 200, status
    faults = [
        ("kill -9 of an app process", lambda: units.kill_and_restart(f"serve-{app_ports[0]}")),
        ("kill -9 of a worker", lambda: units.kill_and_restart("worker-1")),
        ("PostgreSQL restart", restart_postgres),
        ("Redis down for 10 s", lambda: stop_redis_for(10)),
    ]
    stop = threading.Event()
    lines = [PbxLine(n, client, tokens, stop) for n in range(CALLERS)]
    begun = time.monotonic()
    for line in lines:
        line.start()
    windows = []
    time.sleep(STEADY_S)
    for name, fault in faults:
        start = time.monotonic()
        fault()
        time.sleep(RECOVER_S)
        windows.append((name, start, time.monotonic()))
    stop.set()
    for line in lines:
        line.join(RETRY_FOR_S * 4)
    with contextlib.suppress(Exception):  # the Redis this script started
        port = os.environ["HOTLINE_REDIS_URL"].rsplit(":", 1)[1].split("/")[0]
        subprocess.run(["redis-cli", "-p", port, "shutdown", "nosave"], capture_output=True)
    log = client.log
    return {
        "system": "2 app processes + 2 workers from deploy/systemd, PostgreSQL, Redis",
        "load": f"{CALLERS} PBX lines, {AGENTS} agents, talk {TALK_S}s",
        # A request counts where the client saw how it ended (a request started just before a
        # fault and failed by it is that fault's).
        "steady_before": figures([r for r in log if begun <= r["done"] < windows[0][1]]),
        "faults": {
            name: figures([r for r in log if start <= r["done"] < end])
            for name, start, end in windows
        },
        "all": figures(log),
        "database": check_the_database(database, lines),
    }


if __name__ == "__main__":
    sys.exit(main())
