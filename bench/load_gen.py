"""The load bench's clients: Locust in library mode (gevent), in a process of its own that never
imports Django (bench/load.py starts it with a JSON plan and reads its JSON answer).

    python bench/load_gen.py PLAN.json OUT.json

Agents hold their desk's SSE stream (/floor/stream/, with their browser session) and fetch the
desk JSON on a signal (at most once per `desk_min_interval` s, as the page coalesces), accept
offers (a few let them ring out: the worker expires them), talk, write a ticket on some calls,
hang up and end wrap-up. The PBX posts arrivals on a fixed timetable; a dispatcher reads the
board, the team lead the wallboard, providers their orders, customers their cases. Every 2xx
write is written down (ids), so the bench can check afterwards that each exists.
"""

from gevent import monkey

monkey.patch_all()

import itertools  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import gevent  # noqa: E402
from gevent.event import Event  # noqa: E402
from locust import HttpUser, between, constant_throughput, task  # noqa: E402
from locust.env import Environment  # noqa: E402

PLAN = json.loads(Path(sys.argv[1]).read_text())
WRITES: dict[str, list] = {"calls_arrived": [], "accepted": [], "ended": [], "tickets": []}
STREAMS = {"open": 0, "peak": 0, "signals": 0, "broken": 0}
BROKEN: dict[str, int] = {}
REFUSED: dict[str, int] = {}
_desks = iter(PLAN["agents"])
_arrival_ids = itertools.count(1)


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


class Agent(HttpUser):
    """One agent at an open desk."""

    wait_time = between(0.1, 0.3)

    def on_start(self) -> None:
        desk = next(_desks)
        self.username = desk["username"]
        self.api = _bearer(desk["token"])
        self.cookie = {"Cookie": f"{PLAN['session_cookie']}={desk['session']}"}
        self.signal = Event()
        self.signal.set()  # the page's first draw
        self.last_desk = 0.0
        self.stream = gevent.spawn(self._listen)

    def on_stop(self) -> None:
        self.stream.kill(block=False)

    def _listen(self) -> None:
        """The desk's EventSource: reconnects when the server ends the stream."""
        last_id = ""
        while True:
            headers = {**self.cookie, "Accept": "text/event-stream"}
            if last_id:
                headers["Last-Event-ID"] = last_id
            counted, response = False, None
            try:
                response = self.client.get(
                    "/floor/stream/", headers=headers, stream=True, name="GET /floor/stream/"
                )
                if response.status_code != 200:
                    gevent.sleep(1)
                    continue
                STREAMS["open"] += 1
                counted = True
                STREAMS["peak"] = max(STREAMS["peak"], STREAMS["open"])
                for line in response.iter_lines(chunk_size=1):
                    if line.startswith(b"id: "):
                        last_id = line[4:].decode()
                    elif line.startswith(b"event: floor"):
                        STREAMS["signals"] += 1
                        self.signal.set()
            except Exception as error:  # a broken stream reconnects, as EventSource does
                STREAMS["broken"] += 1
                BROKEN[type(error).__name__] = BROKEN.get(type(error).__name__, 0) + 1
                gevent.sleep(1)
            finally:
                if counted:
                    STREAMS["open"] -= 1
                if response is not None:
                    response.close()

    def _post(self, path: str, name: str, body: dict | None = None) -> Any:
        return self.client.post(f"/api/v1{path}", json=body or {}, headers=self.api, name=name)

    @task
    def desk(self) -> None:
        if not self.signal.wait(timeout=5):
            return
        self.signal.clear()
        pause = self.last_desk + PLAN["desk_min_interval"] - time.monotonic()
        if pause > 0:
            gevent.sleep(pause)
        self.last_desk = time.monotonic()
        response = self.client.get("/api/v1/floor/desk", headers=self.api, name="GET /floor/desk")
        if response.status_code != 200:
            return
        offer = response.json().get("offer")
        if not offer or not offer.get("call_id"):
            return
        if random.random() < PLAN["ring_out_share"]:
            return  # away from the desk: the offer expires (the worker's tick)
        gevent.sleep(random.uniform(0.2, 1.0))  # reaching for the button
        with self.client.post(
            f"/api/v1/floor/offers/{offer['id']}/accept",
            json={},
            headers=self.api,
            name="POST /floor/offers/:id/accept",
            catch_response=True,
        ) as accepted:
            if accepted.status_code == 409:
                # Refused by a rule (the offer expired or moved while the desk was stale): an
                # answer, not an error; counted apart, by rule.
                rule = accepted.json().get("rule", "?")
                REFUSED[rule] = REFUSED.get(rule, 0) + 1
                accepted.success()
                return
        if accepted.status_code != 200:
            return
        call_id = accepted.json()["id"]
        WRITES["accepted"].append([call_id, self.username])
        gevent.sleep(random.uniform(*PLAN["talk_s"]))
        if random.random() < PLAN["ticket_share"]:
            self._ticket()
        ended = self._post(f"/floor/calls/{call_id}/end", "POST /floor/calls/:id/end")
        if ended.status_code == 200:
            WRITES["ended"].append(call_id)
        gevent.sleep(random.uniform(0.5, 2.0))  # wrap-up
        with self.client.post(
            "/api/v1/floor/wrap-up/end",
            json={},
            headers=self.api,
            name="POST /floor/wrap-up/end",
            catch_response=True,
        ) as ended_wrap_up:
            if ended_wrap_up.status_code == 409:  # the wrap-up time ran out first (the worker)
                rule = "wrap-up " + ended_wrap_up.json().get("rule", "?")
                REFUSED[rule] = REFUSED.get(rule, 0) + 1
                ended_wrap_up.success()
        self.signal.set()

    def _ticket(self) -> None:
        customer = random.choice(PLAN["customer_ids"])
        self.client.get(
            f"/api/v1/tickets?customer_id={customer}", headers=self.api, name="GET /tickets"
        )
        body = {"customer_id": customer, "kind": "complaint", "symptom": "bench: rattles"}
        made = self._post("/tickets", "POST /tickets", body)
        if made.status_code == 201:
            WRITES["tickets"].append(made.json()["id"])


class Pbx(HttpUser):
    """The PBX: one arrival a second per user (the bench runs `arrivals_per_s` of them)."""

    wait_time = constant_throughput(1)

    @task
    def arrive(self) -> None:
        n = next(_arrival_ids)
        external_id = f"{PLAN['run']}-{n}"
        body = {
            "external_id": external_id,
            "queue": PLAN["queues"][n % len(PLAN["queues"])],
            "caller_number": f"+359{n:09d}",
        }
        response = self.client.post(
            "/api/v1/cti/calls", json=body, headers=_bearer(PLAN["pbx"]), name="POST /cti/calls"
        )
        if response.status_code in (200, 201):
            WRITES["calls_arrived"].append(external_id)


class Reader(HttpUser):
    """Dispatchers, the team lead, providers and customers: cheap GETs at a reading pace."""

    wait_time = between(1, 3)
    abstract = True
    pages: tuple[tuple[str, str], ...] = ()
    tokens: str = ""

    def on_start(self) -> None:
        tokens = PLAN[self.tokens]
        self.api = _bearer(random.choice(tokens) if isinstance(tokens, list) else tokens)

    @task
    def read(self) -> None:
        path, name = random.choice(self.pages)
        self.client.get(f"/api/v1{path}", headers=self.api, name=name)


class Dispatcher(Reader):
    tokens = "dispatcher"
    pages = (
        ("/dispatch/board", "GET /dispatch/board"),
        ("/dispatch/board?tab=late", "GET /dispatch/board"),
    )


class Lead(Reader):
    tokens = "lead"
    pages = (("/floor/wallboard", "GET /floor/wallboard"),)


class Provider(Reader):
    tokens = "providers"
    pages = (("/provider/orders", "GET /provider/orders"),)


class Customer(Reader):
    tokens = "customers"
    pages = (("/portal/cases", "GET /portal/cases"),)


def stats_of(environment: Environment) -> dict:
    routes = {}
    for (name, _method), entry in sorted(environment.stats.entries.items()):
        routes[f"{name}"] = {
            "requests": entry.num_requests,
            "errors": entry.num_failures,
            "p50_ms": entry.get_response_time_percentile(0.5),
            "p99_ms": entry.get_response_time_percentile(0.99),
            "max_ms": round(entry.max_response_time or 0, 1),
        }
    errors = {
        f"{e.method} {e.name}: {e.error}"[:300]: e.occurrences
        for e in environment.stats.errors.values()
    }
    return {"routes": routes, "errors": errors}


def main() -> None:
    counts = {
        Agent: PLAN["agents_n"],
        Pbx: PLAN["arrivals_per_s"],
        Dispatcher: PLAN["readers"],
        Lead: PLAN["readers"],
        Provider: PLAN["readers"],
        Customer: PLAN["readers"],
    }
    for user_class, count in counts.items():
        user_class.fixed_count = count
    environment = Environment(user_classes=list(counts), host=PLAN["host"])
    runner = environment.create_local_runner()
    runner.start(sum(counts.values()), spawn_rate=PLAN["spawn_rate"])
    Path(PLAN["started"]).write_text(str(time.time()))
    gevent.sleep(PLAN["warmup_s"])
    warmup = stats_of(environment)  # its errors count too; its latencies are the ramp's
    environment.stats.reset_all()  # the figures are of the steady mix
    began = time.time()
    Path(PLAN["measuring"]).write_text(str(began))
    gevent.sleep(PLAN["seconds"])
    measured = stats_of(environment)
    wall = time.time() - began
    streams_at_end = STREAMS["open"]
    runner.quit()
    Path(sys.argv[2]).write_text(
        json.dumps(
            {
                **measured,
                "warmup_errors": warmup["errors"],
                "refused_409_by_rule": REFUSED,
                "wall_s": round(wall, 1),
                "streams": {**STREAMS, "open_at_end": streams_at_end, "broken_by": BROKEN},
                "writes": WRITES,
            }
        )
    )


if __name__ == "__main__":
    main()
