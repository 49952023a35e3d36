"""After a load run, from the database and the event log: the floor's invariants held and
nothing the clients were told was written is missing; and the hardware estimate from the
measured CPU per request."""

import math
from datetime import datetime
from typing import Any

OFFERED_TWICE = """
    SELECT count(*) FROM calls_offer a JOIN calls_offer b
      ON a.call_id = b.call_id AND a.id < b.id
     WHERE a.offered_at >= %(since)s
       AND b.offered_at < coalesce(a.decided_at, 'infinity')
       AND a.offered_at < coalesce(b.decided_at, 'infinity')
"""
AGENT_TWO_OFFERS = """
    SELECT count(*) FROM calls_offer a JOIN calls_offer b
      ON a.agent_id = b.agent_id AND a.id < b.id
     WHERE a.offered_at >= %(since)s
       AND b.offered_at < coalesce(a.decided_at, 'infinity')
       AND a.offered_at < coalesce(b.decided_at, 'infinity')
"""
AGENT_TWO_CALLS = """
    SELECT count(*) FROM calls_call a JOIN calls_call b
      ON a.agent_id = b.agent_id AND a.id < b.id
     WHERE a.answered_at >= %(since)s AND b.answered_at IS NOT NULL
       AND b.answered_at < coalesce(a.ended_at, 'infinity')
       AND a.answered_at < coalesce(b.ended_at, 'infinity')
"""
FIRED_TWICE = """
    SELECT count(*) FROM (
        SELECT entity_id FROM audit_event
         WHERE entity = 'deadlines.deadline' AND action IN ('fired', 'gave_up')
           AND entity_id = ANY(%(ids)s)
         GROUP BY entity_id HAVING count(*) > 1) twice
"""


def invariants(since: datetime, deadline_ids: list[int], writes: dict[str, list]) -> dict[str, Any]:
    from django.db import connection

    from hotline.calls.models import Call
    from hotline.deadlines.choices import DeadlineState
    from hotline.deadlines.models import Deadline
    from hotline.tickets.models import Ticket

    def count(sql: str, **params: Any) -> int:
        with connection.cursor() as cursor:
            cursor.execute(sql, {"since": since, **params})
            return int(cursor.fetchone()[0])

    deadlines = Deadline.objects.filter(pk__in=deadline_ids)
    accepted = dict(writes["accepted"])
    answered = dict(
        Call.objects.filter(pk__in=accepted, answered_at__isnull=False).values_list(
            "pk", "agent__username"
        )
    )
    arrived = set(
        Call.objects.filter(external_id__in=writes["calls_arrived"]).values_list(
            "external_id", flat=True
        )
    )
    ended = Call.objects.filter(pk__in=writes["ended"], ended_at__isnull=False).count()
    tickets = Ticket.objects.filter(pk__in=writes["tickets"]).count()
    result = {
        "calls_offered_to_two_agents_at_once": count(OFFERED_TWICE),
        "agents_offered_two_calls_at_once": count(AGENT_TWO_OFFERS),
        "agents_with_two_calls_at_once": count(AGENT_TWO_CALLS),
        "deadlines_set": len(deadline_ids),
        "deadlines_fired_twice": count(FIRED_TWICE, ids=[str(i) for i in deadline_ids]),
        "deadlines_missed": deadlines.exclude(
            state__in=(DeadlineState.FIRED, DeadlineState.MET, DeadlineState.CANCELLED)
        ).count(),
        "lost_writes": {
            "arrivals": len(set(writes["calls_arrived"]) - arrived),
            "accepts": sum(1 for pk, who in accepted.items() if answered.get(pk) != who),
            "ends": len(set(writes["ended"])) - ended,
            "tickets": len(set(writes["tickets"])) - tickets,
        },
        "writes_seen_2xx": {name: len(ids) for name, ids in writes.items()},
    }
    result["violations"] = (
        sum(v for k, v in result.items() if k.startswith(("calls_", "agents_", "deadlines_f")))
        + result["deadlines_missed"]
        + sum(result["lost_writes"].values())
    )
    return result


DESK_FETCHES_PER_AGENT_S = 1.0  # every floor event wakes every desk; the page coalesces to 1/s
CALLS_PER_AGENT_S = 50 / 2000  # the floor: 2,000 agents, 50 calls/s
WRITES_PER_CALL = 5.3  # arrival, accept, end, wrap-up end, 0.3 x (ticket + case lookup)
HEADROOM = 1.5


def sizing(runs: list[dict[str, Any]], agents: int) -> dict[str, Any]:
    """Cores and memory for a 500- and a 5,000-agent centre: the CPU per request measured in
    the run with most processes (server, worker, PostgreSQL, Redis, each per request served),
    times the requests such a centre makes on a busy floor (each agent's desk fetched once a
    second, the issue's 50 calls/s per 2,000 agents with their writes), 50 % headroom; memory
    from the measured RSS per process and per open stream."""
    run = max(runs, key=lambda r: r["processes"])
    served = run["requests_per_s"]
    per_request_ms = {
        name: round(value * 1000 / served, 2) if served else 0.0
        for name, value in run["cpu_s_per_s"].items()
    }
    estimate: dict[str, Any] = {
        "cpu_ms_per_request": per_request_ms,
        "model": f"requests/s = agents x {DESK_FETCHES_PER_AGENT_S} desk fetch + calls/s "
        f"(agents x {CALLS_PER_AGENT_S}) x {WRITES_PER_CALL}; cores = requests/s x CPU per "
        f"request x {HEADROOM}",
        "centres": {},
    }
    lines = []
    for size in (500, 5000):
        calls = size * CALLS_PER_AGENT_S
        rate = size * DESK_FETCHES_PER_AGENT_S + calls * WRITES_PER_CALL

        def cores(*names: str, rate: float = rate) -> float:
            return sum(per_request_ms.get(n, 0.0) for n in names) * rate / 1000 * HEADROOM

        app = cores("hotline_server", "hotline_worker")
        processes = max(2, math.ceil(app))
        memory_gb = (
            processes * run["memory"]["server_idle_mb_per_process"]
            + size * (run["memory"]["rss_mb_per_stream"] or 0.0)
        ) / 1024
        estimate["centres"][str(size)] = {
            "calls_per_s": round(calls, 1),
            "requests_per_s": round(rate),
            "app_cores": round(app, 1),
            "app_processes": processes,
            "app_memory_gb": round(memory_gb, 1),
            "postgresql_cores": round(cores("postgresql"), 1),
            "redis_cores": round(cores("redis"), 2),
        }
        lines.append(
            f"{size} agents ({calls:g} calls/s): ~{round(rate)} requests/s -> app "
            f"{app:.0f} cores ({processes} `hotline serve` processes, {memory_gb:.1f} GB), "
            f"PostgreSQL {cores('postgresql'):.1f} cores, Redis {cores('redis'):.2f} cores "
            f"(at the measured {per_request_ms.get('hotline_server', 0):.0f} ms of server CPU "
            "a request; 50 % headroom)"
        )
    estimate["text"] = lines
    return estimate
