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


def sizing(runs: list[dict[str, Any]], agents: int) -> dict[str, Any]:
    """Cores for a 500- and a 5,000-agent centre from the measured CPU per request of the run
    with most processes, and memory from the measured RSS per stream; arrivals scale with
    agents (this run's calls per agent), PostgreSQL's share kept as measured, 50 % headroom."""
    run = max(runs, key=lambda r: r["processes"])
    requests_per_s = run["requests_per_s"]
    cpu = run["cpu_s_per_s"]
    per_request_ms = {
        name: round(value * 1000 / requests_per_s, 2) if requests_per_s else None
        for name, value in cpu.items()
    }
    app_mb_per_stream = run["memory"]["rss_mb_per_stream"] or 0.0
    estimate: dict[str, Any] = {"cpu_ms_per_request": per_request_ms, "centres": {}}
    lines = []
    for size in (500, 5000):
        scale = size / agents
        app = (cpu.get("hotline_server", 0) + cpu.get("hotline_worker", 0)) * scale * 1.5
        database = cpu.get("postgresql", 0) * scale * 1.5
        redis = cpu.get("redis", 0) * scale * 1.5
        app_processes = max(2, math.ceil(app))
        memory_gb = (
            app_processes * run["memory"]["server_idle_mb_per_process"] + size * app_mb_per_stream
        ) / 1024
        estimate["centres"][str(size)] = {
            "requests_per_s": round(requests_per_s * scale),
            "app_cores": round(app, 1),
            "app_processes": app_processes,
            "app_memory_gb": round(memory_gb, 1),
            "postgresql_cores": round(database, 1),
            "redis_cores": round(redis, 2),
        }
        lines.append(
            f"{size} agents: ~{round(requests_per_s * scale)} requests/s; app {app:.1f} cores "
            f"({app_processes} `hotline serve` processes, {memory_gb:.1f} GB), "
            f"PostgreSQL {database:.1f} cores, Redis {redis:.2f} cores (50 % headroom)"
        )
    estimate["text"] = lines
    return estimate
