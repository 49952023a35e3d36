"""audit.payload: the one way event payloads are made JSON-safe (issue 16). Readers parse these
strings back (reports, the CTI push, the customer's record), so the form is the stored one."""

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

from hotline.accounts.models import User
from hotline.audit.payload import iso, payload

SOFIA = ZoneInfo("Europe/Sofia")


def test_times_are_iso_with_their_offset_to_the_microsecond() -> None:
    moment = datetime(2026, 3, 29, 4, 30, 0, 123456, tzinfo=SOFIA)  # summer time since 04:00
    assert iso(moment) == "2026-03-29T04:30:00.123456+03:00"
    assert iso(None) is None
    assert iso(date(2026, 3, 29)) == "2026-03-29"


def test_payload_keeps_plain_values_and_turns_rows_into_ids() -> None:
    moment = datetime(2026, 1, 5, 9, 0, tzinfo=SOFIA)
    made = payload({"queue": 3}, agent=User(pk=7), at=moment, day=date(2026, 1, 5), note=None)
    assert made == {
        "queue": 3,
        "agent": 7,
        "at": "2026-01-05T09:00:00+02:00",
        "day": "2026-01-05",
        "note": None,
    }
    assert json.loads(json.dumps(made)) == made


def test_keywords_follow_the_mapping_in_order() -> None:
    assert list(payload({"a": 1, "b": 2}, c=3)) == ["a", "b", "c"]
    assert payload() == {}
