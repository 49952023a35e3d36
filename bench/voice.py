"""Voice benchmark (issue 18): real SIP calls through the whole stack on this machine.

    python tools/testservers.py --postgres --redis -- python bench/voice.py [--agents 200]

Hotline runs as in production (`hotline serve`, uvicorn, and `hotline worker`, each its own
process) on a throwaway PostgreSQL and Redis; the SIP edge (rtpengine + Kamailio, configured by
`hotline.voice.edge` as `hotline voice config` does) asks it where each call goes. The agents
are seeded as the tests' reference centre's people, log in, make ready and get their SIP
credential through the floor's services; one SIPp UAS is every agent's phone (all registered
with digest, the credentials from a SIPp -inf file), rings `--ring-ms` and answers. SIPp callers
dial the queue at each rate, talk `--talk-ms` and hang up; wrap-up is 0 s (the worker's tick
makes the agent ready again, within its 1 s interval).

Measured per rate: failed calls (SIPp's count, and Hotline's calls not answered), post-dial
delay from the caller's INVITE to the 180 of the agent's phone (p50/p99, from SIPp's message
trace), and CPU per call (Kamailio, rtpengine, the server, the worker, PostgreSQL and Redis,
each with its children, from /proc). The same callers then go through a bare Kamailio that
forwards every INVITE to the phones' SIPp: the floor of the cost, and the ratio to it. No RTP
is sent (SDP goes through rtpengine, which opens the media ports) and recording is off: the
bench measures signalling and routing. Writes bench/results/voice.json. Goal: 0 failed calls
at 20 calls/s and p99 INVITE-to-ringing < 150 ms.
"""

import argparse
import json
import os
import resource
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import django

sys.path.insert(0, str(Path(__file__).resolve().parent))
import voice_sip

RESULTS = Path(__file__).parent / "results" / "voice.json"
GOAL_RATE = 20
GOAL_PDD_P99_MS = 150


def options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--agents", type=int, default=200)
    parser.add_argument("--rates", default="10,20,50", help="New calls per second, in order.")
    parser.add_argument(
        "--seconds", type=float, default=30, help="Calls placed per rate: rate × this."
    )
    parser.add_argument("--talk-ms", type=int, default=2000)
    parser.add_argument("--ring-ms", type=int, default=200)
    parser.add_argument("--kamailio-children", type=int, default=4)
    parser.add_argument(
        "--servers", type=int, default=1, help="`hotline serve --workers`: server processes."
    )
    parser.add_argument("--out", type=Path, default=RESULTS)
    return parser.parse_args()


def setup() -> None:
    if "postgres" not in os.environ.get("HOTLINE_DATABASE_URL", ""):
        sys.exit("run under tools/testservers.py --postgres")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotline.settings")
    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    # The bench's people never sign in with a password: a fast hash keeps seeding short.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0)


def seed_floor(agents: int) -> tuple[list[tuple[str, str]], str]:
    """The reference centre with `agents` agents in Repairs, on the floor, ready, each with a
    SIP credential; returns the credentials (user name, password) and the PBX's API token."""
    from django.db import transaction

    from hotline import clock
    from hotline.accounts.choices import Role
    from hotline.accounts.models import User
    from hotline.accounts.services import api_token_create
    from hotline.calls.models import Queue
    from hotline.calls.services.agents import agent_log_in, agent_make_ready
    from hotline.seeding import Person, seed_centre
    from hotline.testing.reference_centre import PASSWORD, REFERENCE_CENTRE
    from hotline.voice.credentials import sip_credential_issue

    people = [
        Person(f"agent{n}", Role.AGENT, "Bench", f"Agent {n}", "en", "repairs")
        for n in range(1, agents + 1)
    ]
    staff = [person for person in REFERENCE_CENTRE.people if person.role != Role.AGENT]
    seed_centre(replace(REFERENCE_CENTRE, people=[*people, *staff]), PASSWORD)
    Queue.objects.update(wrap_up_time=timedelta(0))  # the agent is ready at the worker's next tick
    now = clock.now()
    credentials = []
    for person in people:
        agent = User.objects.get(username=person.username)
        with transaction.atomic():
            agent_log_in(actor=agent, now=now)
        agent_make_ready(actor=agent, now=now)
        issued = sip_credential_issue(actor=agent, now=now)
        credentials.append((issued.credential.username, issued.password))
    pbx = User.objects.get(username="pbx")
    token = api_token_create(actor=None, now=now, user=pbx, name="voice bench", days=1)[1]
    return credentials, token


def free_port(kind: int) -> int:
    with socket.socket(socket.AF_INET, kind) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def hotline_process(folder: Path, *arguments: str) -> subprocess.Popen[bytes]:
    """`hotline serve` / `hotline worker` as separate processes, as in production."""
    from hotline.processes import start_child

    env = {
        **os.environ,
        "HOTLINE_SECRET_KEY": secrets.token_urlsafe(50),
        "HOTLINE_VAR_DIR": str(folder / "var"),
    }
    env.pop("HOTLINE_DEBUG", None)
    out = (folder / f"{arguments[0]}.log").open("wb")
    command = [sys.executable, "-m", "hotline.cli", *arguments]
    return start_child(command, env=env, stdout=out, stderr=subprocess.STDOUT)


def wait_listening(port: int, child: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if child.poll() is not None:
            sys.exit(f"{log.name}: exited\n{log.read_text(errors='replace')[-3000:]}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    sys.exit(f"nothing listens on {port}:\n{log.read_text(errors='replace')[-3000:]}")


def postmaster_pid() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    connection.close()  # the bench's own backend is not part of what is measured
    return int(Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()[1])


def redis_root() -> dict[str, int]:
    """Redis, where Hotline uses it (production: live events between the server and the
    worker); its CPU counts with the rest."""
    url = os.environ.get("HOTLINE_REDIS_URL", "")
    if not url:
        return {}
    import redis

    return {"redis": int(redis.Redis.from_url(url).info("server")["process_id"])}


def floor_ready(agents: int, seconds: float = 30) -> dict[str, int]:
    """Wait until every agent is ready again. Those still not ready then, and calls still
    waiting in Hotline that no caller waits for any more (the edge refused the caller, as a
    failed call), are reset through the floor's services, so each rate starts from the same
    floor; how many is part of the figures."""
    from django.db import connection

    from hotline import clock
    from hotline.accounts.models import User
    from hotline.calls.choices import CallState
    from hotline.calls.models import AgentSession, Call
    from hotline.calls.services.agents import agent_make_ready
    from hotline.calls.services.calls import agent_wrap_up_end, call_abandon
    from hotline.core.agent_states import AgentState
    from hotline.core.refusal import PolicyRefusal

    deadline = time.monotonic() + seconds
    while AgentSession.objects.filter(state=AgentState.READY).count() < agents:
        if time.monotonic() > deadline:
            break
        time.sleep(0.5)
    reset = {"calls_abandoned": 0, "agents_made_ready": 0}
    stale = Call.objects.filter(state__in=(CallState.WAITING, CallState.OFFERED))
    for call_id in stale.values_list("pk", flat=True):
        call_abandon(now=clock.now(), call_id=call_id)
        reset["calls_abandoned"] += 1
    for session in AgentSession.objects.exclude(state=AgentState.READY).select_related("agent"):
        agent: User = session.agent
        try:
            if session.state == AgentState.WRAP_UP:
                agent_wrap_up_end(actor=agent, now=clock.now(), agent=agent)
            else:
                agent_make_ready(actor=agent, now=clock.now())
            reset["agents_made_ready"] += 1
        except PolicyRefusal:
            pass
    connection.close()
    return reset


def hotline_calls(since: Any) -> dict[str, int]:
    """What Hotline recorded of the calls since `since`: every INVITE must be a call that was
    answered (the floor's count, beside SIPp's)."""
    from django.db import connection

    from hotline.calls.models import Call

    calls = Call.objects.filter(arrived_at__gte=since, external_id__startswith="sip-")
    counts = {
        "calls": calls.count(),
        "answered": calls.filter(answered_at__isnull=False).count(),
        "ended": calls.filter(ended_at__isnull=False).count(),
    }
    connection.close()
    return counts


def idle_cpu(roots: dict[str, int], seconds: float = 5) -> float:
    """CPU seconds a second the processes use with no call (the worker's ticks, PostgreSQL's
    background work): the part of the cost that does not grow with calls."""
    before = voice_sip.tree_cpu(roots)
    time.sleep(seconds)
    after = voice_sip.tree_cpu(roots)
    return sum(after[name] - before[name] for name in roots) / seconds


def load(
    folder: Path,
    edge_port: int,
    rate: float,
    args: argparse.Namespace,
    roots: dict[str, int],
    idle_per_s: float,
    phones_pid: int,
) -> dict[str, Any]:
    """One rate: the callers' run, its failures, post-dial delays and CPU per call (of the
    `roots`; SIPp's own, callers and phones, is reported beside it, not counted)."""
    folder.mkdir(parents=True)
    calls = int(rate * args.seconds)
    phones_before = voice_sip.tree_cpu({"phones": phones_pid})["phones"]
    reaped_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    before, started = voice_sip.tree_cpu(roots), time.monotonic()
    caller = voice_sip.callers(
        folder,
        edge_port,
        free_port(socket.SOCK_DGRAM),
        free_port(socket.SOCK_DGRAM),
        rate,
        calls,
        args.talk_ms,
    )
    try:
        code = caller.wait(timeout=args.seconds + 180)
    except subprocess.TimeoutExpired:
        caller.kill()
        code = caller.wait()
    wall = time.monotonic() - started
    after = voice_sip.tree_cpu(roots)
    reaped = resource.getrusage(resource.RUSAGE_CHILDREN)  # the callers' SIPp, reaped by wait()
    sipp_cpu = {
        "callers": round(
            reaped.ru_utime + reaped.ru_stime - reaped_before.ru_utime - reaped_before.ru_stime, 2
        ),
        "phones": round(voice_sip.tree_cpu({"phones": phones_pid})["phones"] - phones_before, 2),
    }
    used = {name: after[name] - before[name] for name in roots}
    totals = voice_sip.caller_totals(folder)
    trace = voice_sip.caller_trace(folder)
    cpu, answered = sum(used.values()), max(totals["successful"], 1)
    return {
        "rate_per_s": rate,
        "sipp_exit": code,
        **totals,
        "failed_calls": totals["failed"] + (calls - totals["successful"] - totals["failed"]),
        "final_replies_300_plus": trace.refusals,
        "calls_queued_first": trace.queued,
        "post_dial_delay_ms": {
            **voice_sip.percentiles(trace.delays_ms),
            "measured_calls": len(trace.delays_ms),
        },
        "wall_s": round(wall, 1),
        "cpu_s": {name: round(value, 2) for name, value in used.items()},
        "sipp_cpu_s_not_counted": sipp_cpu,
        "cpu_ms_per_call": round(cpu * 1000 / answered, 2),  # per answered call
        "cpu_ms_per_placed_call": round(cpu * 1000 / max(totals["placed"], 1), 2),
        "idle_cpu_s_per_s": round(idle_per_s, 3),
        "cpu_ms_per_call_above_idle": round((cpu - idle_per_s * wall) * 1000 / answered, 2),
        "load_average_1m_after": round(os.getloadavg()[0], 2),
    }


def full_stack(folder: Path, args: argparse.Namespace, rates: list[float]) -> dict[str, Any]:
    from django.conf import settings

    from hotline import clock
    from hotline.voice.edge import VoiceEdge
    from hotline.voice.stack import running_edge
    from hotline.voice.tests.sipp import free_udp_ports

    began = time.monotonic()
    credentials, token = seed_floor(args.agents)
    seeded_s = time.monotonic() - began
    http_port = free_port(socket.SOCK_STREAM)
    server = hotline_process(
        folder, "serve", "--no-migrate", "--port", str(http_port), "--workers", str(args.servers)
    )
    worker = hotline_process(folder, "worker")
    wait_listening(http_port, server, folder / "serve.log")
    edge = VoiceEdge(
        sip_address="127.0.0.1",
        sip_port=free_port(socket.SOCK_DGRAM),
        ws_port=free_port(socket.SOCK_STREAM),
        rtpengine_port=free_port(socket.SOCK_DGRAM),
        media_ports=free_udp_ports(1200),  # 4 ports a call: 300 calls at once
        api_url=f"http://127.0.0.1:{http_port}",
        realm=settings.HOTLINE_VOICE_REALM,
        trunk_addresses=("127.0.0.1",),
        poll_ms=settings.HOTLINE_VOICE_POLL_MS,
        run_dir=folder / "edge",
        children=args.kamailio_children,
        recording_spool=None,
    ).with_queues()
    phones_port = free_port(socket.SOCK_DGRAM)
    results: dict[str, Any] = {"seeding_s": round(seeded_s, 1), "rates": []}
    try:
        with running_edge(edge, token=token, now=clock.now()) as running:
            phones = voice_sip.phones(
                folder, phones_port, free_port(socket.SOCK_DGRAM), args.ring_ms
            )
            try:
                voice_sip.register(
                    folder, edge.sip_port, free_port(socket.SOCK_DGRAM), phones_port, credentials
                )
                roots = {
                    "kamailio": running.kamailio.pid,
                    "rtpengine": running.rtpengine.pid,
                    "hotline_server": server.pid,
                    "hotline_worker": worker.pid,
                    "postgresql": postmaster_pid(),
                    **redis_root(),
                }
                floor_ready(args.agents)
                idle = idle_cpu(roots)
                for rate in rates:
                    reset = floor_ready(args.agents)
                    since = clock.now()
                    figures = load(
                        folder / f"full-{rate:g}",
                        edge.sip_port,
                        rate,
                        args,
                        roots,
                        idle,
                        phones.pid,
                    )
                    time.sleep(2)  # the last calls' ends reach Hotline
                    figures["floor_reset_before"] = reset
                    figures["hotline"] = hotline_calls(since)
                    results["rates"].append(figures)
                    print(json.dumps(figures), flush=True)
            finally:
                phones.terminate()
                phones.wait()
    finally:
        for child in (server, worker):
            child.terminate()
            child.wait(timeout=20)
    return results


def bare_forwarding(folder: Path, args: argparse.Namespace, rates: list[float]) -> dict[str, Any]:
    """The same callers and phones through a Kamailio that only forwards: the floor of the cost."""
    sip_port, phones_port = free_port(socket.SOCK_DGRAM), free_port(socket.SOCK_DGRAM)
    kamailio = voice_sip.bare_kamailio(folder, sip_port, phones_port, args.kamailio_children)
    phones = voice_sip.phones(folder, phones_port, free_port(socket.SOCK_DGRAM), args.ring_ms)
    results: dict[str, Any] = {"rates": []}
    try:
        time.sleep(1)
        if kamailio.poll() is not None:
            sys.exit((folder / "bare-kamailio.log").read_text(errors="replace")[-3000:])
        roots = {"kamailio": kamailio.pid}
        idle = idle_cpu(roots)
        for rate in rates:
            figures = load(folder / f"bare-{rate:g}", sip_port, rate, args, roots, idle, phones.pid)
            results["rates"].append(figures)
            print(json.dumps(figures), flush=True)
            time.sleep(2)
    finally:
        for child in (phones, kamailio):
            child.terminate()
            child.wait(timeout=10)
    return results


def main() -> None:
    args = options()
    rates = [float(rate) for rate in args.rates.split(",")]
    setup()
    folder = Path(tempfile.mkdtemp(prefix="hotline-voice-bench-"))
    print(f"logs in {folder}", flush=True)
    started, load_at_start = time.time(), os.getloadavg()[0]
    full = full_stack(folder, args, rates)
    bare = bare_forwarding(folder, args, rates)
    for whole, floor in zip(full["rates"], bare["rates"], strict=True):
        for figure in ("cpu_ms_per_call", "cpu_ms_per_call_above_idle"):
            name = "ratio_to_bare_forwarding" + figure.removeprefix("cpu_ms_per_call")
            whole[name] = round(whole[figure] / floor[figure], 1) if floor[figure] > 0 else None
    goal = next((r for r in full["rates"] if r["rate_per_s"] == GOAL_RATE), None)
    result = {
        "benchmark": "SIP calls through Kamailio + rtpengine + Hotline (issue 18)",
        "database": "postgresql",
        "machine": {
            "cpus": os.cpu_count(),
            "shared": "SIPp (callers and phones) runs on the same cores; other work may share them",
            "load_average_1m_at_start": round(load_at_start, 2),
        },
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
        "agents_registered": args.agents,
        "calls_per_rate": f"rate × {args.seconds:g} s",
        "talk_ms": args.talk_ms,
        "ring_ms": args.ring_ms,
        "wrap_up_s": 0,
        "kamailio_children": args.kamailio_children,
        "servers": args.servers,
        "rtp": "none: SDP through rtpengine, no media packets; recording off",
        "target": f"0 failed calls at {GOAL_RATE} calls/s, "
        f"p99 INVITE-to-ringing < {GOAL_PDD_P99_MS} ms",
        "full_stack": full,
        "bare_kamailio_forwarding": bare,
    }
    result["goal_met"] = bool(
        goal
        and goal["failed_calls"] == 0
        and goal["post_dial_delay_ms"]["p99"] is not None
        and goal["post_dial_delay_ms"]["p99"] < GOAL_PDD_P99_MS
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
