"""Case list and dispatch board with 1M tickets on PostgreSQL.

    python tools/testservers.py --postgres -- python bench/cases.py [--tickets N]

Seeds the demo centre, then a million tickets spread over a year (and a work order for every
dispatched or solved field ticket) with set-based SQL (generate_series, INSERT ... SELECT), and
times the pages people keep open all day through Django's full request stack (middleware,
permission table, templates): the agent's and the team lead's case list, the dispatcher's
board tabs and the provider's orders. Goal (issue 4): p95 < 50 ms.

Each page's query count is taken at two page sizes (10 and 50 rows): they must be equal, or a
page makes a query per row. Writes bench/results/cases.json.

The data is shaped like a busy centre a year in: the last week's tickets are still moving
(thousands waiting for dispatch, bounced, being written, out with providers), everything older
is solved or closed. Providers' capacities are raised to carry the open orders (D3 never lets
open orders exceed capacity).
"""

import argparse
import json
import os
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import django

RESULTS = Path(__file__).parent / "results" / "cases.json"
REQUESTS = 200
GOAL_P95_MS = 50.0
NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # Monday 10:00 in Sofia
RECENT = 20_000  # the newest tickets (about a week at one every 31 s) are still open
SMALL_PAGE = 10


def setup() -> None:
    if "postgres" not in os.environ.get("HOTLINE_DATABASE_URL", ""):
        sys.exit("run under tools/testservers.py --postgres")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotline.settings")
    os.environ.setdefault("HOTLINE_ALLOWED_HOSTS", "testserver,127.0.0.1")
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _sql_literal(value: object) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (list, dict)):
        return "'" + json.dumps(value) + "'::jsonb"
    return "'" + str(value).replace("'", "''") + "'"


def _columns(model: Any, given: dict[str, str]) -> tuple[str, str]:
    """Every NOT NULL column of `model` with an SQL expression: the given one, or its default;
    plus the nullable columns given. So a new NOT NULL field with a default can't break this."""
    columns, values = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key or (field.null and field.column not in given):
            continue
        columns.append(field.column)
        values.append(given.get(field.column) or _sql_literal(field.get_default()))
    return ", ".join(columns), ", ".join(values)


def seed(count: int) -> None:
    """A million tickets in one statement, over 20 customers, 8 agents and a year."""
    from django.db import connection

    from hotline.accounts.models import User
    from hotline.demo import seed_demo_centre
    from hotline.directory.models import CustomerSite, Provider
    from hotline.tickets.models import Ticket

    seed_demo_centre()
    if Ticket.objects.count() >= count:
        return
    Provider.objects.update(capacity=10_000)
    sites = list(CustomerSite.objects.order_by("id").values_list("id", "customer_id"))
    site_ids = [s for s, _ in sites]
    customer_ids = [c for _, c in sites]
    agents = list(User.objects.filter(role="agent").order_by("id").values_list("id", flat=True))
    recent = ["to_dispatch", "bounced", "open", "dispatched", "dispatched", "dispatched", "solved"]
    kinds = ["repair", "repair", "installation", "repair", "commissioning", "enquiry"]
    n = len(sites)
    columns, values = _columns(
        Ticket,
        {
            "kind": f"(ARRAY{kinds})[1 + g %% {len(kinds)}]",
            "state": f"CASE WHEN g <= {RECENT} THEN (ARRAY{recent})[1 + (g / 6) %% {len(recent)}] "
            "WHEN g %% 5 = 0 THEN 'closed' ELSE 'solved' END",
            "customer_id": f"(ARRAY{customer_ids})[1 + g %% {n}]",
            "site_id": f"(ARRAY{site_ids})[1 + g %% {n}]",
            "owner_id": f"(ARRAY{agents})[1 + (g / 3) %% {len(agents)}]",
            "created_at": f"'{NOW.isoformat()}'::timestamptz - (g * interval '31 seconds')",
            "symptom": "'No cooling, the fan runs, error E4 on the display'",
            "steps_tried": "'Restarted it'",
            "contact_name": "'Customer'",
            "contact_phone": "'+359 88 000 0000'",
            "bounce_reason": "CASE WHEN g <= 20000 THEN 'Which model is it?' ELSE '' END",
        },
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO tickets_ticket ({columns}) "
            f"SELECT {values} FROM generate_series(1, %s) AS g",
            [count],
        )
    _seed_orders()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def _seed_orders() -> None:
    """A work order for every dispatched, solved or closed field ticket; a share of the open
    ones over their response limit (D6)."""
    from django.db import connection

    from hotline.dispatch.models import WorkOrder

    columns, values = _columns(
        WorkOrder,
        {
            "ticket_id": "t.id",
            "provider_id": "p.provider_id",
            "region_id": "s.region_id",
            "zone": "s.zone",
            "state": "CASE t.state WHEN 'dispatched' THEN (ARRAY['dispatched', 'acknowledged', "
            "'contacted', 'in_progress'])[1 + t.id % 4] ELSE 'signed' END",
            "channel": "'portal'",
            "ticket_copy": "'{}'::jsonb",
            "dispatched_at": "t.created_at + interval '8 minutes'",
            "dispatched_by_id": "t.owner_id",
            "contact_due": "t.created_at + interval '38 minutes'",
            "status_due": "t.created_at + interval '3 hours'",
            "response_due": "t.created_at + interval '24 hours'",
            "late_at": f"CASE WHEN t.id % 3 = 0 AND t.created_at < '{NOW.isoformat()}'::timestamptz"
            " - interval '24 hours' THEN t.created_at + interval '24 hours' END",
            "signed_at": "CASE WHEN t.state = 'dispatched' THEN NULL "
            "ELSE t.created_at + interval '20 hours' END",
        },
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO dispatch_workorder ({columns}) "
            f"SELECT {values} FROM tickets_ticket t "
            "JOIN tickets_customersite s ON s.id = t.site_id "
            "JOIN (SELECT DISTINCT ON (region_id) region_id, provider_id "
            "      FROM dispatch_provider_regions ORDER BY region_id, provider_id) p "
            "  ON p.region_id = s.region_id "
            "WHERE t.state IN ('dispatched', 'solved', 'closed') "
            "AND t.kind IN ('repair', 'installation', 'commissioning')"
        )


def _resolvable(url_name: str) -> bool:
    from django.urls import NoReverseMatch, reverse

    try:
        reverse(url_name)
    except NoReverseMatch:
        return False
    return True


PAGES = [
    # name, user, URL name, query string
    ("case list: agent", "agent1", "tickets:list", ""),
    ("case list: team lead", "lead", "tickets:list", ""),
    ("dispatch board: to dispatch", "dispatcher", "dispatch:board", ""),
    ("dispatch board: bounced", "dispatcher", "dispatch:board", "?tab=bounced"),
    ("dispatch board: late", "dispatcher", "dispatch:board", "?tab=late"),
    ("dispatch board: leftovers", "dispatcher", "dispatch:board", "?tab=leftovers"),
    ("dispatch board: by provider and zone", "dispatcher", "dispatch:board", "?tab=providers"),
    ("provider portal: open orders", "provider1", "provider:orders", ""),
    ("provider portal: all orders", "provider1", "provider:orders", "?filter=all"),
]
# Module constants the pages take their page size from (varied to count queries).
PAGE_SIZE_HOMES = [
    "hotline.dispatch.selectors",
    "hotline.tickets.views.case_list",
    "hotline.tickets.selectors",
]


def _percentiles(samples: list[float]) -> dict[str, float]:
    samples = sorted(samples)
    return {
        "p50_ms": round(statistics.median(samples), 2),
        "p95_ms": round(samples[int(len(samples) * 0.95) - 1], 2),
        "max_ms": round(samples[-1], 2),
    }


def _queries(fetch: Any) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        fetch()
    return len(queries)


def _at_page_size(size: int, fetch: Any) -> int:
    """The query count with every page-size constant set to `size`."""
    import importlib

    saved = {}
    for name in PAGE_SIZE_HOMES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        if "PAGE_SIZE" in vars(module):
            saved[module] = vars(module)["PAGE_SIZE"]
            vars(module)["PAGE_SIZE"] = size
    try:
        return _queries(fetch)
    finally:
        for module, value in saved.items():
            vars(module)["PAGE_SIZE"] = value


def measure(fetch: Any, rows: Any) -> dict[str, Any]:
    for _ in range(5):  # warm caches, templates and the connection
        fetch()
    samples = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        fetch()
        samples.append((time.perf_counter() - started) * 1000)
    small, full = _at_page_size(SMALL_PAGE, fetch), _queries(fetch)
    return _percentiles(samples) | {
        "rows": rows(),
        "queries": full,
        f"queries_at_{SMALL_PAGE}_rows": small,
        "queries_constant": small == full,
    }


def page_fetch(client: Any, url: str) -> Any:
    def fetch() -> Any:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response

    return fetch


def case_list_query(username: str) -> Any:
    """Until the case list page exists: the query it shows (one page of the user's tickets with
    customer, site and owner, newest first)."""
    from hotline.accounts.models import User
    from hotline.tickets.models import Ticket

    user = User.objects.get(username=username)

    def scoped() -> Any:
        try:
            from hotline.tickets.selectors import tickets_for

            return tickets_for(user)
        except (ImportError, NotImplementedError):
            query = Ticket.objects.all()
            return query.filter(owner=user) if user.role == "agent" else query

    def fetch() -> list[Any]:
        return list(
            scoped().select_related("customer", "site", "owner").order_by("-created_at", "-id")[:51]
        )

    return fetch


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=1_000_000)
    args = parser.parse_args()
    setup()
    from django.test import Client
    from django.urls import reverse

    from hotline.accounts.models import User
    from hotline.dispatch.models import WorkOrder
    from hotline.tickets.models import Ticket

    started = time.perf_counter()
    seed(args.tickets)
    seeded_s = round(time.perf_counter() - started, 1)
    print(f"seeded in {seeded_s} s", flush=True)
    pages: dict[str, Any] = {}
    for name, username, url_name, query in PAGES:
        client = Client(raise_request_exception=False)  # a page still being built may fail
        client.force_login(User.objects.get(username=username))
        url = reverse(url_name) + query if _resolvable(url_name) else ""
        if url and client.get(url).status_code == 200:
            fetch = page_fetch(client, url)

            def rows(fetch: Any = fetch) -> int:
                from django.test.utils import setup_test_environment, teardown_test_environment

                setup_test_environment()  # so the response carries its template context
                try:
                    context = fetch().context
                finally:
                    teardown_test_environment()
                found = [context.get(k) for k in ("board", "orders", "rows", "tickets")]
                first = next((f for f in found if f is not None), None)
                first = getattr(first, "rows", first)
                return len(first) if first is not None else -1

            pages[name] = measure(fetch, rows)
        else:
            fetch = case_list_query(username)
            pages[name] = measure(fetch, lambda fetch=fetch: len(fetch())) | {
                "measured": "the list query only: the page is not ready yet"
            }
        print(name, pages[name], flush=True)
    result = {
        "tickets": Ticket.objects.count(),
        "work_orders": WorkOrder.objects.count(),
        "seed_seconds": seeded_s,
        "requests_per_page": REQUESTS,
        # Timings depend on what else runs: the load average when the pages were timed.
        "load_average_1min": round(os.getloadavg()[0], 2),
        "cpus": os.cpu_count(),
        "goal_p95_ms": GOAL_P95_MS,
        "pages": pages,
        "all_within_goal": all(p["p95_ms"] < GOAL_P95_MS for p in pages.values()),
        "query_counts_constant": all(p["queries_constant"] for p in pages.values()),
    }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
