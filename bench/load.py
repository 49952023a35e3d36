"""Load benchmark (issue 19): a realistic mix against 1 and 2 app processes on PostgreSQL + Redis.

    python tools/testservers.py --postgres --redis -- python bench/load.py \
        [--processes 1,2] [--agents 200] [--arrivals 10] [--seconds 60]

The reference centre is seeded here (bench/load_seed.py) with N agents on the floor; Hotline
runs as in production (`hotline serve --workers P` and `hotline worker`, separate processes);
the clients are Locust in library mode in a process of their own (bench/load_gen.py, gevent,
no Django): agents holding their desk's SSE stream and acting on offers, PBX arrivals at a
fixed rate, tickets written, a dispatcher, the team lead, providers and customers reading.
D11 deadlines fall due during each run for the worker to fire.

Reported per process count: per route p50/p99 and errors, streams open and server memory per
stream, requests/s, CPU per process tree (from /proc), and the invariants checked from the
database and event log afterwards (bench/load_checks.py); then the 1 -> 2 scaling ratio and a
hardware estimate for 500- and 5,000-agent centres. Writes bench/results/load.json.
"""

import argparse
import json
import os
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import load_checks
import load_seed
import voice
import voice_sip

RESULTS = Path(__file__).parent / "results" / "load.json"


def options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--processes", default="1,2", help="`hotline serve --workers`, in order.")
    parser.add_argument("--agents", type=int, default=200)
    parser.add_argument("--arrivals", type=int, default=10, help="PBX arrivals per second.")
    parser.add_argument("--seconds", type=float, default=60, help="Measured time per run.")
    parser.add_argument("--warmup", type=float, default=15, help="Ramp before measuring.")
    parser.add_argument("--readers", type=int, default=2, help="Of each reading role.")
    parser.add_argument("--deadlines", type=int, default=50, help="Falling due per run.")
    parser.add_argument("--desk-min-interval", type=float, default=1.0)
    parser.add_argument("--out", type=Path, default=RESULTS)
    return parser.parse_args()


def rss_mb(root: int) -> float:
    """Resident memory of a process and its descendants (the server's workers), in MB."""
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
        todo.extend(int(child) for child in children)
    return total / 1024


def hotline_process(folder: Path, *arguments: str) -> subprocess.Popen[bytes]:
    """As voice.hotline_process, with the bench's secret key (the sessions it signed)."""
    from hotline.processes import start_child

    env = {**os.environ, "HOTLINE_VAR_DIR": str(folder / "var")}
    env.pop("HOTLINE_DEBUG", None)
    out = (folder / f"{arguments[0]}.log").open("wb")
    command = [sys.executable, "-m", "hotline.cli", *arguments]
    return start_child(command, env=env, stdout=out, stderr=subprocess.STDOUT)


def run_once(
    folder: Path, processes: int, floor: dict[str, Any], args: argparse.Namespace
) -> dict[str, Any]:
    from django.db import connection

    from hotline import clock

    reset = load_seed.floor_reset()
    port = voice.free_port(voice.socket.SOCK_STREAM)
    run_dir = folder / f"p{processes}"
    run_dir.mkdir()
    server = hotline_process(
        run_dir, "serve", "--no-migrate", "--port", str(port), "--workers", str(processes)
    )
    worker = hotline_process(run_dir, "worker")
    try:
        voice.wait_listening(port, server, run_dir / "serve.log")
        time.sleep(2)  # every server process up
        since = clock.now()
        deadline_ids = load_seed.deadlines_due(since, args.warmup + args.seconds, args.deadlines)
        roots = {
            "hotline_server": server.pid,
            "hotline_worker": worker.pid,
            "postgresql": voice.postmaster_pid(),
            **voice.redis_root(),
        }
        connection.close()
        idle_rss = rss_mb(server.pid)
        plan = {
            **floor,
            "agents_n": len(floor["agents"]),
            "arrivals_per_s": args.arrivals,
            "readers": args.readers,
            "host": f"http://127.0.0.1:{port}",
            "run": f"load{processes}-{int(time.time())}",
            "seconds": args.seconds,
            "warmup_s": args.warmup,
            "spawn_rate": max(20, len(floor["agents"]) / max(args.warmup / 2, 1)),
            "desk_min_interval": args.desk_min_interval,
            "ring_out_share": 0.05,
            "ticket_share": 0.3,
            "talk_s": [2.0, 8.0],
            "started": str(run_dir / "started"),
            "measuring": str(run_dir / "measuring"),
        }
        (run_dir / "plan.json").write_text(json.dumps(plan))
        out = run_dir / "clients.json"
        clients = subprocess.Popen(
            [
                sys.executable,
                str(Path(__file__).parent / "load_gen.py"),
                str(run_dir / "plan.json"),
                str(out),
            ],
            stdout=(run_dir / "clients.log").open("wb"),
            stderr=subprocess.STDOUT,
        )
        peak_rss, samples = [idle_rss], []
        done = threading.Event()

        def sample() -> None:
            while not done.wait(1):
                peak_rss.append(rss_mb(server.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        measuring = Path(plan["measuring"])
        while not measuring.exists() and clients.poll() is None:
            time.sleep(0.2)
        before, began = voice_sip.tree_cpu(roots), time.monotonic()
        load_before = os.getloadavg()[0]
        clients_cpu_before = voice_sip.tree_cpu({"c": clients.pid})["c"]
        # the measured window; CPU is read when the clients stop measuring
        while clients.poll() is None and time.monotonic() - began < args.seconds:
            time.sleep(0.2)
        after, wall = voice_sip.tree_cpu(roots), time.monotonic() - began
        clients_cpu = voice_sip.tree_cpu({"c": clients.pid})["c"] - clients_cpu_before
        samples.append(os.getloadavg()[0])
        clients.wait(timeout=args.seconds + 120)
        done.set()
        if not out.exists():
            sys.exit((run_dir / "clients.log").read_text(errors="replace")[-3000:])
        measured = json.loads(out.read_text())
        time.sleep(3)  # the last deadlines' due times and the last writes
        checks = load_checks.invariants(since, deadline_ids, measured.pop("writes"))
    finally:
        for child in (server, worker):
            child.terminate()
            child.wait(timeout=30)
    requests = sum(r["requests"] for r in measured["routes"].values())
    streams = measured["streams"]["open_at_end"]
    delta = max(peak_rss) - idle_rss
    return {
        "processes": processes,
        "floor_reset_before": reset,
        "wall_s": round(wall, 1),
        "requests": requests,
        "requests_per_s": round(requests / wall, 1),
        "arrivals_per_s_achieved": round(
            measured["routes"].get("POST /cti/calls", {}).get("requests", 0) / wall, 1
        ),
        "errors": sum(r["errors"] for r in measured["routes"].values()),
        "routes": {k: v for k, v in measured["routes"].items() if v["requests"]},
        "error_kinds": measured["errors"],
        "warmup_errors": measured["warmup_errors"],
        "refused_409_by_rule": measured["refused_409_by_rule"],
        "streams": measured["streams"],
        "memory": {
            "server_idle_mb": round(idle_rss, 1),
            "server_idle_mb_per_process": round(idle_rss / (processes + 1), 1),
            "server_peak_mb": round(max(peak_rss), 1),
            "rss_mb_per_stream": round(delta / streams, 3) if streams else None,
        },
        "cpu_s_per_s": {k: round((after[k] - before[k]) / wall, 3) for k in roots},
        "clients_cpu_s_per_s_not_counted": round(clients_cpu / wall, 3),
        "load_average_1m": {"start": round(load_before, 2), "end": round(samples[-1], 2)},
        "checks": checks,
    }


def main() -> None:
    args = options()
    # The bench makes the agents' browser sessions; the servers must read them: one key.
    os.environ["HOTLINE_SECRET_KEY"] = secrets.token_urlsafe(50)
    voice.setup()
    folder = Path(tempfile.mkdtemp(prefix="hotline-load-bench-"))
    print(f"logs in {folder}", flush=True)
    started, load_at_start = time.time(), os.getloadavg()
    began = time.monotonic()
    floor = load_seed.seed(args.agents)
    seeded_s = time.monotonic() - began
    runs = []
    for processes in (int(p) for p in args.processes.split(",")):
        figures = run_once(folder, processes, floor, args)
        runs.append(figures)
        print(json.dumps({k: v for k, v in figures.items() if k != "routes"}), flush=True)
    by = {r["processes"]: r for r in runs}
    scaling = None
    if 1 in by and 2 in by and by[1]["requests_per_s"]:
        scaling = round(by[2]["requests_per_s"] / by[1]["requests_per_s"], 2)
    estimate = load_checks.sizing(runs, args.agents)
    result = {
        "benchmark": "realistic mix over HTTP against 1..N app processes (issue 19)",
        "database": "postgresql + redis",
        "clients": "Locust 2.47 in library mode, one gevent process on the same cores",
        "machine": {
            "cpus": os.cpu_count(),
            "shared": "other work shares these cores; see the load averages",
            "load_average_at_start": [round(x, 2) for x in load_at_start],
            "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        },
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
        "agents": args.agents,
        "arrivals_per_s": args.arrivals,
        "measured_s": args.seconds,
        "seeding_s": round(seeded_s, 1),
        "runs": runs,
        "scaling_1_to_2": scaling,
        "scaling_note": "requests/s with 2 processes over 1 under the same offered load: the "
        "mix is paced by people, so the ratio is ~1 unless 1 process saturates; see the "
        "p99s and the CPU per request",
        "violations": sum(r["checks"]["violations"] for r in runs),
        "sizing": estimate,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps({k: v for k, v in result.items() if k != "runs"}, indent=2))
    print("\n".join(estimate["text"]))


if __name__ == "__main__":
    main()
