"""Monthly report (D13) over 1M work orders and 10M call events on PostgreSQL.

    python tools/testservers.py --postgres -- python bench/reports.py [--orders N] [--calls N]

Seeds the demo centre, then with set-based SQL (generate_series, INSERT ... SELECT): a year of
field tickets with their work orders (one every ~31 s; 95 % completed, a tenth marked late,
every fiftieth a repeat visit), the work-order events the report reads (dispatched, late,
contact missed), follow-up outcomes for a third of the orders, one complaint per hundred
tickets, a planted rise of one fault category in the report month, and 10M call-floor events
(arrived / answered / ended, a call every ~9.5 s) plus the agents' first log-ins and break
overruns. Then times `monthly_report` for October 2026 for the whole centre (every section:
providers, complaints, follow-ups, fault structure, customer records, the floor) and its JSON
and XLSX rendering. Goal (issue 5): < 5 s. Writes bench/results/reports.json.
"""

import argparse
import json
import os
import statistics
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import django

RESULTS = Path(__file__).parent / "results" / "reports.json"
NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # Monday 10:00 in Sofia
MONTH = date(2026, 10, 1)
GOAL_S = 5.0
RUNS = 5


def setup() -> None:
    if "postgres" not in os.environ.get("HOTLINE_DATABASE_URL", ""):
        sys.exit("run under tools/testservers.py --postgres")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotline.settings")
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _literal(value: object) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list | dict):
        return "'" + json.dumps(value) + "'::jsonb"
    return "'" + str(value).replace("'", "''") + "'"


def _columns(model: Any, given: dict[str, str]) -> tuple[str, str]:
    """Every NOT NULL column with the given SQL or its default, plus the nullable ones given."""
    columns, values = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key or (field.null and field.column not in given):
            continue
        columns.append(field.column)
        values.append(given.get(field.column) or _literal(field.get_default()))
    return ", ".join(columns), ", ".join(values)


def _run(sql: str, params: list[Any] | None = None) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        if params is None:
            cursor.execute(sql)  # no placeholders: % is the modulo operator
        else:
            cursor.execute(sql, params)


def _step(label: str, started: float) -> float:
    now = time.monotonic()
    print(f"  {label}: {now - started:.1f} s", file=sys.stderr, flush=True)
    return now


def seed(orders: int, calls: int) -> dict[str, int]:
    from hotline.accounts.models import User
    from hotline.audit.models import Event
    from hotline.demo import seed_demo_centre
    from hotline.directory.models import CustomerSite
    from hotline.dispatch.models import WorkOrder
    from hotline.followup.models import FollowUp
    from hotline.tickets.models import Complaint, FaultCategory, Ticket

    seed_demo_centre()
    t = time.monotonic()
    sites = list(CustomerSite.objects.order_by("id").values_list("id", "customer_id"))
    agents = list(User.objects.filter(role="agent").order_by("id").values_list("id", flat=True))
    cats = list(FaultCategory.objects.order_by("id").values_list("id", flat=True))
    n, spacing = len(sites), 365 * 86400 / (orders * 100 // 99)
    kinds = ["repair", "repair", "installation", "repair", "commissioning", "repair"]
    october = "created_at >= '2026-09-30 21:00+00' AND created_at < '2026-10-31 22:00+00'"
    columns, values = _columns(
        Ticket,
        {
            "kind": f"CASE WHEN g %% 100 = 0 THEN 'complaint' ELSE (ARRAY{kinds})[1 + g %% 6] END",
            "state": "'solved'",
            "customer_id": f"(ARRAY{[c for _, c in sites]})[1 + g %% {n}]",
            "site_id": f"(ARRAY{[s for s, _ in sites]})[1 + g %% {n}]",
            "owner_id": f"(ARRAY{agents})[1 + (g / 3) %% {len(agents)}]",
            "category_id": f"(ARRAY{cats})[1 + (g / 7) %% {len(cats)}]",
            "created_at": f"'{NOW.isoformat()}'::timestamptz - (g * interval '{spacing} seconds')",
            "symptom": "'No cooling, the fan runs'",
        },
    )
    tickets = orders * 100 // 99  # one in a hundred is a complaint, the rest become orders
    _run(
        f"INSERT INTO tickets_ticket ({columns}) SELECT {values} FROM generate_series(1, %s) g",
        [tickets],
    )
    # A planted rise: a fifth of October's field cases move to the first category (D13 alert).
    _run(f"UPDATE tickets_ticket SET category_id = {cats[0]} WHERE {october} AND id % 5 = 0")
    _run(
        "UPDATE tickets_ticket SET updates_id = id - 1 WHERE kind = 'complaint' "
        "AND id > (SELECT min(id) FROM tickets_ticket)"
    )
    columns, values = _columns(
        Complaint,
        {
            "ticket_id": "t.id",
            "state": "(ARRAY['settled', 'with_engineer', 'answered'])[1 + t.id % 3]",
        },
    )
    _run(
        f"INSERT INTO tickets_complaint ({columns}) SELECT {values} FROM tickets_ticket t "
        "WHERE t.kind = 'complaint'"
    )
    t = _step("tickets", t)
    columns, values = _columns(
        WorkOrder,
        {
            "ticket_id": "t.id",
            "provider_id": "p.provider_id",
            "region_id": "s.region_id",
            "zone": "s.zone",
            "state": "CASE WHEN t.id % 20 = 0 THEN 'in_progress' ELSE 'signed' END",
            "channel": "'portal'",
            "ticket_copy": "'{}'::jsonb",
            "dispatched_at": "t.created_at + interval '8 minutes'",
            "dispatched_by_id": "t.owner_id",
            "contact_due": "t.created_at + interval '38 minutes'",
            "status_due": "t.created_at + interval '3 hours'",
            "response_due": "t.created_at + interval '24 hours'",
            "late_at": "CASE WHEN t.id % 10 = 0 THEN t.created_at + interval '24 hours' END",
            "completed_at": "CASE WHEN t.id % 20 = 0 THEN NULL "
            "ELSE t.created_at + (10 + t.id % 30) * interval '1 hour' END",
            "signed_at": "CASE WHEN t.id % 20 = 0 THEN NULL "
            "ELSE t.created_at + (10 + t.id % 30) * interval '1 hour' END",
        },
    )
    _run(
        f"INSERT INTO dispatch_workorder ({columns}) SELECT {values} FROM tickets_ticket t "
        "JOIN tickets_customersite s ON s.id = t.site_id "
        "JOIN (SELECT DISTINCT ON (region_id) region_id, provider_id "
        "      FROM dispatch_provider_regions ORDER BY region_id, provider_id) p "
        "  ON p.region_id = s.region_id WHERE t.kind <> 'complaint'"
    )
    _run(
        "UPDATE dispatch_workorder SET second_dispatch_of_id = id - 1 "
        "WHERE id % 50 = 0 AND id > (SELECT min(id) FROM dispatch_workorder)"
    )
    t = _step("work orders", t)
    ev_columns, _ = _columns(Event, {"new": "x"})

    def events(select: str) -> None:
        _run(f"INSERT INTO audit_event ({ev_columns}) {select}")

    # Columns of audit_event in model order: at, actor_label, entity, entity_id, action, new,
    # reason, rule (actor and old are left NULL).
    assert ev_columns == "at, actor_label, entity, entity_id, action, new, reason, rule", ev_columns
    order_event = (
        "SELECT {at}, 'system', 'dispatch.work_order', id::text, '{action}', {new}, '', '{rule}' "
        "FROM dispatch_workorder WHERE {where}"
    )
    events(
        order_event.format(
            at="dispatched_at",
            action="dispatched",
            rule="D3",
            where="TRUE",
            new="jsonb_build_object('provider', provider_id)",
        )
    )
    events(
        order_event.format(
            at="late_at",
            action="late",
            rule="D6",
            where="late_at IS NOT NULL",
            new="jsonb_build_object('provider', provider_id)",
        )
    )
    events(
        order_event.format(
            at="contact_due",
            action="contact_missed",
            rule="D4",
            where="id % 20 = 0",
            new="jsonb_build_object('provider', provider_id)",
        )
    )
    # Follow-up calls (issue 5, C6/D12) for a third of the completed orders: the record and
    # the "recorded" event the follow-up service writes with it.
    columns, values = _columns(
        FollowUp,
        {
            "work_order_id": "w.id",
            "ticket_id": "w.ticket_id",
            "kind": "t.kind",
            "share": "100",
            "state": "CASE WHEN w.id % 7 = 0 THEN 'unresolved' ELSE 'resolved' END",
            "planned_at": "w.completed_at",
            "due_at": "w.completed_at + interval '3 days'",
            "score": "1 + w.id % 5",
            "resolved": "w.id % 7 <> 0",
            "done_at": "w.completed_at + interval '3 days'",
        },
    )
    _run(
        f"INSERT INTO followup_followup ({columns}) SELECT {values} FROM dispatch_workorder w "
        "JOIN tickets_ticket t ON t.id = w.ticket_id "
        "WHERE w.completed_at IS NOT NULL AND w.id % 3 = 0"
    )
    events(
        "SELECT done_at, 'system', 'followup.followup', id::text, 'recorded', "
        "jsonb_build_object('work_order', work_order_id, 'resolved', resolved, "
        "'score', score, 'kind', kind), '', 'C6' FROM followup_followup"
    )
    t = _step("work-order and follow-up events", t)
    call_spacing = 365 * 86400 / (calls / 3)
    events(
        f"SELECT '{NOW.isoformat()}'::timestamptz - (g / 3) * interval '{call_spacing} seconds' "
        "+ (g % 3) * interval '1 minute', 'system', 'calls.call', (g / 3)::text, "
        "(ARRAY['arrived', 'answered', 'ended'])[1 + g % 3], "
        f"CASE g % 3 WHEN 1 THEN jsonb_build_object('agent', (ARRAY{agents})[1 + (g / 3) % "
        f"{len(agents)}]) WHEN 2 THEN jsonb_build_object('talk_seconds', (g * 7) % 1200) END, "
        f"'', '' FROM generate_series(0, {calls - 1}) g"
    )
    events(
        "SELECT d + interval '6 hours' + (a % 30) * interval '1 minute', 'system', 'calls.agent', "
        "a::text, 'first_ready', jsonb_build_object('late_seconds', "
        "CASE WHEN (a + extract(doy FROM d)::int) % 9 = 0 THEN 300 ELSE 0 END), '', 'B1' "
        f"FROM generate_series('{NOW.isoformat()}'::timestamptz - interval '365 days', "
        f"'{NOW.isoformat()}'::timestamptz, interval '1 day') d, unnest(ARRAY{agents}) a"
    )
    t = _step("call events", t)
    _run("VACUUM ANALYZE")
    _step("vacuum analyze", t)
    return {
        "work_orders": WorkOrder.objects.count(),
        "tickets": Ticket.objects.count(),
        "events": Event.objects.count(),
        "call_events": Event.objects.filter(entity="calls.call").count(),
        "followups": FollowUp.objects.count(),
    }


def measure() -> dict[str, Any]:
    from hotline.reports import exports
    from hotline.reports.selectors import monthly_report

    runs, steps = [], []
    report = None
    for _ in range(RUNS):
        marks: list[tuple[str, float]] = []
        started = time.perf_counter()
        report, _ = monthly_report(
            None, MONTH, NOW, progress=lambda s, marks=marks: marks.append((s, time.perf_counter()))
        )
        runs.append(time.perf_counter() - started)
        ends = [m[1] for m in marks[1:]] + [started + runs[-1]]
        steps.append(
            {name: round(end - at, 3) for (name, at), end in zip(marks, ends, strict=True)}
        )
    assert report is not None
    started = time.perf_counter()
    exports.as_json(report)
    exports.as_xlsx(report)
    render = time.perf_counter() - started
    alerts = [r["category"] for r in report.section("faults").rows if r["alert"]]
    dispatched = sum(r["dispatched"] for r in report.section("providers").rows)
    return {
        "median_s": round(statistics.median(runs), 3),
        "min_s": round(min(runs), 3),
        "max_s": round(max(runs), 3),
        "steps_last_run_s": steps[-1],
        "json_and_xlsx_render_s": round(render, 3),
        "october_orders_dispatched": dispatched,
        "fault_alerts": alerts,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--calls", type=int, default=10_000_000)
    args = parser.parse_args()
    setup()
    print(f"seeding {args.orders:,} work orders and {args.calls:,} call events…", file=sys.stderr)
    started = time.monotonic()
    sizes = seed(args.orders, args.calls)
    seeded = time.monotonic() - started
    result = {
        "benchmark": "monthly report (D13), whole centre, October 2026",
        "goal_s": GOAL_S,
        "data": sizes,
        "seed_s": round(seeded, 1),
        "runs": RUNS,
        **measure(),
    }
    result["goal_met"] = result["median_s"] < GOAL_S
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
