"""Call-floor benchmark: offer decisions with 2,000 logged-in agents on PostgreSQL.

    python tools/testservers.py --postgres -- python bench/floor.py

Measures (1) the latency of `call_arrive`, which records the call and makes the routing
decision (the offer), at a steady 50 calls/s, and (2) the sustained rate of full call cycles
(arrive, offer, answer, end, wrap-up, ready again) as fast as one process goes. Writes JSON
to bench/results/floor.json. Goal (issue 3): p99 < 25 ms at 50 calls/s on 2 cores.
"""

import json
import multiprocessing
import os
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import django

TEAMS = 40
AGENTS_PER_TEAM = 50
STEADY_RATE = 50.0  # calls per second
STEADY_SECONDS = 60.0  # 3,000 decisions: the p99 is the 30th slowest, not the 10th
SUSTAINED_SECONDS = 15.0
RESULTS = Path(__file__).parent / "results" / "floor.json"


def setup() -> None:
    if "postgres" not in os.environ.get("HOTLINE_DATABASE_URL", ""):
        sys.exit("run under tools/testservers.py --postgres")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotline.settings")
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build_floor(now: datetime) -> list:
    from hotline.accounts.choices import Role
    from hotline.accounts.models import Site, Team, User
    from hotline.calls.models import AgentSession, Queue
    from hotline.core.agent_states import AgentState
    from hotline.rulebook.models import Calendar

    calendar = Calendar.objects.create(
        name="bench", time_zone="Europe/Sofia", working_days=[0, 1, 2, 3, 4, 5, 6]
    )
    site = Site.objects.create(name="bench", calendar=calendar)
    queues = []
    for t in range(TEAMS):
        team = Team.objects.create(name=f"team {t}", site=site)
        queue = Queue.objects.create(
            code=f"q{t}", name=f"queue {t}", team=team, wrap_up_time=timedelta(0)
        )
        agents = User.objects.bulk_create(
            User(username=f"a{t}-{n}", role=Role.AGENT, team=team) for n in range(AGENTS_PER_TEAM)
        )
        sessions = AgentSession.objects.bulk_create(
            AgentSession(
                agent=a,
                team=team,
                state=AgentState.READY,
                state_since=now,
                ready_since=now - timedelta(seconds=n),
                logged_in_at=now,
            )
            for n, a in enumerate(agents)
        )
        for session in sessions:
            session.queues.add(queue)
        queues.append(queue)
    return queues


def serve(call, now: datetime) -> None:
    """The agent the call was offered to answers, hangs up and wraps up: ready again."""
    from hotline.calls.choices import OfferOutcome
    from hotline.calls.models import Offer
    from hotline.calls.services.calls import agent_wrap_up_end, call_end, offer_accept

    offer = Offer.objects.select_related("agent").get(call=call, outcome=OfferOutcome.PENDING)
    answered = offer_accept(actor=offer.agent, now=now, offer_id=offer.pk)
    call_end(actor=offer.agent, now=now, call_id=answered.pk)
    agent_wrap_up_end(actor=offer.agent, now=now, agent=offer.agent)


def agents(answering) -> None:
    from hotline.calls.models import Call

    while (item := answering.get()) is not None:
        call_id, now = item
        serve(Call.objects.get(pk=call_id), now)


def steady(queues: list, start: datetime) -> dict:
    """Calls arrive on a fixed timetable; agents answer in another process, as their desks'
    requests would on a real floor."""
    from django.db import connections

    from hotline.calls.services.calls import call_arrive

    latencies = []
    connections.close_all()  # the agents' process must not share this one's connection
    answering = multiprocessing.get_context("fork").Queue()
    helper = multiprocessing.get_context("fork").Process(target=agents, args=(answering,))
    helper.start()
    interval = 1.0 / STEADY_RATE
    began = time.perf_counter()
    n = 0
    while time.perf_counter() - began < STEADY_SECONDS:
        pause = began + n * interval - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
        now = start + timedelta(seconds=n * interval)
        t0 = time.perf_counter()
        call = call_arrive(now=now, queue=queues[n % len(queues)], caller_number=f"+1{n:09d}")
        latencies.append((time.perf_counter() - t0) * 1000)
        answering.put((call.pk, now))
        n += 1
    elapsed = time.perf_counter() - began
    answering.put(None)
    helper.join()  # the agents answer what is still ringing: how far behind they were
    backlog = time.perf_counter() - began - elapsed
    ordered = sorted(latencies)
    return {
        "calls": n,
        "offered_rate_per_s": round(n / elapsed, 1),
        "decision_ms_p50": round(statistics.median(ordered), 2),
        "decision_ms_p99": round(ordered[int(len(ordered) * 0.99) - 1], 2),
        "decision_ms_max": round(ordered[-1], 2),
        "agents_caught_up_after_s": round(backlog, 1),
    }


def sustained(queues: list, start: datetime) -> dict:
    from hotline.calls.services.calls import call_arrive

    began = time.perf_counter()
    n = 0
    while time.perf_counter() - began < SUSTAINED_SECONDS:
        now = start + timedelta(milliseconds=n)
        call = call_arrive(now=now, queue=queues[n % len(queues)], caller_number=f"+2{n:09d}")
        serve(call, now)
        n += 1
    return {"full_call_cycles_per_s": round(n / (time.perf_counter() - began), 1)}


def main() -> None:
    setup()
    now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    queues = build_floor(now)
    result = {
        "benchmark": "call floor offer decisions",
        "database": "postgresql",
        "agents_logged_in": TEAMS * AGENTS_PER_TEAM,
        "teams": TEAMS,
        "target": "decision p99 < 25 ms at 50 calls/s",
        "steady_50_per_s": steady(queues, now + timedelta(minutes=1)),
        "sustained": sustained(queues, now + timedelta(hours=1)),
    }
    result["goal_met"] = result["steady_50_per_s"]["decision_ms_p99"] < 25
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
