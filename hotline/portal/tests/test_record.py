"""E5: the customer's complete record matches the database exactly and holds nobody else's data."""

import csv
import io
import json
import shutil
import subprocess
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from django.db.models import Model, Q

from hotline.audit.models import Event
from hotline.core.refusal import PolicyRefusal
from hotline.dispatch.models import WorkOrder, WorkOrderReport
from hotline.followup.models import FollowUp
from hotline.notices.models import Notice
from hotline.portal.services import (
    SECTIONS,
    csv_value,
    record_csv,
    record_json,
    record_pdf,
    record_request,
)
from hotline.tickets.models import Ticket

pytestmark = pytest.mark.django_db

SCREENSHOTS = Path(__file__).resolve().parents[3] / "var" / "screenshots"


def request(account, now, fmt="json", actor=None):  # type: ignore[no-untyped-def]
    return record_request(
        actor=actor or account["user"], now=now, customer=account["customer"], fmt=fmt
    )


def db_value(obj: Model, name: str) -> object:
    value = getattr(obj, name)
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def assert_rows_match(rows: list[dict[str, Any]], found: Sequence[Model]) -> None:
    """Every row is one database row, and every field the row carries equals the stored one."""
    by_id = {obj.pk: obj for obj in found}
    assert [row["id"] for row in rows]
    assert {row["id"] for row in rows} == set(by_id)
    assert len(rows) == len(by_id)
    for row in rows:
        obj = by_id[row["id"]]
        columns = {f.attname for f in obj._meta.concrete_fields}
        for name, value in row.items():
            if name in columns:
                assert value == db_value(obj, name), (type(obj).__name__, row["id"], name)


def test_e5_record_matches_the_database_exactly(account, now):
    customer = account["customer"]
    record = request(account, now)
    tickets = list(Ticket.objects.filter(customer=customer))
    orders = list(WorkOrder.objects.filter(ticket__customer=customer))
    assert len(tickets) == 2
    assert len(orders) == 2
    assert_rows_match(record["tickets"], tickets)
    assert_rows_match(record["work_orders"], orders)
    assert_rows_match(
        record["work_order_reports"],
        list(WorkOrderReport.objects.filter(work_order__ticket__customer=customer)),
    )
    assert_rows_match(record["notices"], list(Notice.objects.filter(customer=customer)))
    assert_rows_match(record["followups"], list(FollowUp.objects.filter(ticket__customer=customer)))
    # every field a ticket and an order have is in the record (nothing silently left out)
    assert {"symptom", "response_due", "resolution_due", "state", "read_back_text"} <= set(
        record["tickets"][0]
    )
    # the signature, exactly as signed (E6)
    first = account["first"]
    assert record["signatures"] == [
        {
            "id": first.pk,
            "work_order": first.number,
            "signed_at": first.signed_at.astimezone(UTC).isoformat(),
            "signer_name": first.signer_name,
            "signature_hash": first.signature_hash,
            "signature_image": first.signature_image,
        }
    ]
    # every status change on the account: the event log rows of its tickets, orders, follow-ups
    # and the account itself, and none other
    expected = Event.objects.filter(
        Q(entity="tickets.ticket", entity_id__in=[str(t.pk) for t in tickets])
        | Q(entity="dispatch.work_order", entity_id__in=[str(o.pk) for o in orders])
        | Q(entity="followup.followup", entity_id__in=[str(f.pk) for f in FollowUp.objects.all()])
        | Q(entity="tickets.customer", entity_id=str(customer.pk))
    )
    assert_rows_match(record["events"], list(expected))
    actions = {e["action"] for e in record["events"]}
    assert {
        "dispatched",
        "acknowledged",
        "contacted",
        "delayed",
        "completed",
        "signed",
        "reopened",
        "second_dispatch",
        "recorded",
        "record_requested",
    } <= actions
    second = WorkOrder.objects.get(second_dispatch_of=first)
    assert {o["id"]: o["second_dispatch_of_id"] for o in record["work_orders"]}[second.pk] == (
        first.pk
    )


def test_e5_record_contains_nobody_elses_data(account, now):
    record = request(account, now)
    other, order = account["other_customer"], account["other_order"]
    secrets = [
        other.name,
        other.phone,
        other.email,
        order.number,
        order.ticket.number,
        "Oven heats unevenly",
        order.signature_hash,
    ]
    text = record_json(record).decode()
    csv_text = record_csv(record).decode("utf-8-sig")
    for secret in secrets:
        assert secret not in text, secret
        assert secret not in csv_text, secret
    ids = {"tickets": order.ticket_id, "work_orders": order.pk, "signatures": order.pk}
    for section, pk in ids.items():
        assert pk not in {row["id"] for row in record[section]}


def test_e5_request_is_an_event_and_every_team_lead_is_told(account, centre, now):
    request(account, now, "pdf")
    event = Event.objects.get(action="record_requested")
    assert (event.entity, event.entity_id, event.rule) == (
        "tickets.customer",
        str(account["customer"].pk),
        "E5",
    )
    assert event.new == {"format": "pdf", "by_role": "customer", "on_behalf": False}
    lead_notice = Notice.objects.get(user=centre["lead"], rule="E5")
    assert account["customer"].name in lead_notice.body


def test_e5_no_staff_role_may_refuse_it(account, centre, now):
    for name in ("agent1", "lead", "manager", "dispatcher", "admin"):
        record = request(account, now, actor=centre[name])
        assert {t["id"] for t in record["tickets"]} == {
            account["first"].ticket_id,
            account["waiting"].pk,
        }
    on_behalf = Event.objects.filter(action="record_requested", new__on_behalf=True)
    assert on_behalf.count() == 5


@pytest.mark.parametrize("fmt", ["", "xml", "PDF", "../etc"])
def test_e5_unknown_format_is_refused_and_nothing_recorded(account, now, fmt):
    with pytest.raises(PolicyRefusal) as refused:
        request(account, now, fmt)
    assert refused.value.rule_id == "E5"
    assert not Event.objects.filter(action="record_requested").exists()
    assert not Notice.objects.filter(rule="E5").exists()


def test_e5_csv_reads_back_into_the_same_record(account, now):
    record = request(account, now, "csv")
    rows = list(csv.reader(io.StringIO(record_csv(record).decode("utf-8-sig"))))
    assert rows[0] == ["section", "id", "field", "value"]
    read: dict[tuple[str, str], dict[str, str]] = {}
    for section, pk, field, value in rows[1:]:
        read.setdefault((section, pk), {})[field] = value
    expected = {
        (section, str(row["id"])): {k: csv_value(v) for k, v in row.items()}
        for section in SECTIONS
        for row in record[section]
    }
    assert read.pop(("record", "")) == {
        "format": record["format"],
        "generated_at": record["generated_at"],
    }
    assert read == expected


def test_e5_json_is_valid_and_utf8(account, now):
    record = request(account, now)
    assert json.loads(record_json(record)) == record


@pytest.mark.skipif(not shutil.which("pdffonts"), reason="needs poppler-utils")
def test_e5_pdf_embeds_its_fonts_and_prints_the_account(account, now, tmp_path):
    customer = account["customer"]
    record = request(account, now, "pdf")
    pdf = record_pdf(record, customer)
    path = tmp_path / "record.pdf"
    path.write_bytes(pdf)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    lines = fonts.stdout.splitlines()[2:]
    assert lines, fonts.stdout
    assert all(" yes " in line for line in lines), fonts.stdout  # every font embedded
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert customer.name in text
    assert account["first"].number in text
    assert account["waiting"].number in text
    assert account["other_order"].number not in text
    if shutil.which("pdftoppm"):  # a picture of page 1, for people to look at
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "60",
                "-f",
                "1",
                "-l",
                "2",
                str(path),
                str(SCREENSHOTS / "e5-record"),
            ],
            check=True,
        )


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils")
def test_e5_pdf_prints_chinese_with_an_embedded_cjk_font(account, now, tmp_path):
    customer = account["customer"]
    customer.name, customer.language = "王芳 (Wang Fang)", "zh-hans"
    customer.save(update_fields=["name", "language"])
    path = tmp_path / "record.pdf"
    path.write_bytes(record_pdf(request(account, now, "pdf"), customer))
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "王芳" in text
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    assert "CJK" in fonts.stdout
    assert all(" yes " in line for line in fonts.stdout.splitlines()[2:])
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "60",
            "-f",
            "1",
            "-l",
            "1",
            str(path),
            str(SCREENSHOTS / "e5-record-zh"),
        ],
        check=True,
    )
