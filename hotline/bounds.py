"""Bounds of the API's input, shared by every app's input schemas.

Every string an operation reads has a maximum length (the model column's; for a text column,
the page form's: reasons and notes 1000, descriptions 2000), every number a minimum and a
maximum, every time a range, every choice its values: the OpenAPI shows them, and a value
outside is a 422 before any service runs.
`hotline/tests/test_api_bounds.py` walks the OpenAPI and fails for an unbounded input.
"""

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Annotated, Literal

from ninja import P, PathEx, QueryEx
from pydantic import AwareDatetime, Field, Strict

from hotline.core.refusal import RULE_IDS

# Ids are the database's 64-bit keys (BigAutoField).
MAX_ID = 2**63 - 1

# Times of day-to-day work: visit windows, callbacks, leave. Far outside, the business
# calendar's arithmetic would leave the years a datetime can hold (a server error).
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2100, 12, 31)
FIRST_MOMENT = datetime(2000, 1, 1, tzinfo=UTC)
LAST_MOMENT = datetime(2100, 12, 31, 23, 59, 59, tzinfo=UTC)

# An id of a JSON body is a JSON integer and nothing else (Strict): pydantic's lax mode read
# `false` as 0, `"1"` and `1.0` as 1. A JSON body is validated as Python data (ninja parses it
# first), where strict int and bool take exactly int and bool. Not for the query string and the
# path, whose values are text: PathId and QueryId below.
Id = Annotated[int, Strict(), Field(ge=1, le=MAX_ID)]
# A yes/no of a JSON body: `true` or `false`, not 0, 1, "yes" or "false".
Flag = Annotated[bool, Strict()]
# A whole number of a JSON body (with its own ge/le where it is declared).
Whole = Annotated[int, Strict()]
# The same bounds for an id in the path or the query: past MAX_ID the database can't even look
# it up (a server error).
PathId = PathEx[int, P(ge=1, le=MAX_ID)]
QueryId = QueryEx[int | None, P(ge=1, le=MAX_ID)]

# A moment must say its offset from UTC: a naive one is ambiguous across sites and DST.
Moment = Annotated[
    AwareDatetime,
    Field(
        ge=FIRST_MOMENT,
        le=LAST_MOMENT,
        # JSON Schema has no range for dates; these are the keywords of ajv-formats.
        json_schema_extra={
            "formatMinimum": FIRST_MOMENT.isoformat(),
            "formatMaximum": LAST_MOMENT.isoformat(),
        },
    ),
]
Day = Annotated[
    date,
    Field(
        ge=FIRST_DAY,
        le=LAST_DAY,
        json_schema_extra={
            "formatMinimum": FIRST_DAY.isoformat(),
            "formatMaximum": LAST_DAY.isoformat(),
        },
    ),
]

# An answer to one of a category's scripted first steps (E4), as the case pages store it:
# {"step": ..., "done": ..., "answer": ...}, or the step's text alone.
ScriptAnswer = (
    dict[Literal["step", "done", "answer"], Annotated[str, Field(max_length=300)] | bool]
    | Annotated[str, Field(max_length=300)]
)

# The rules of POLICIES.md, A1 to E6, for lists filtered by rule: one that does not exist is a
# 422, not an empty list.
RuleId = StrEnum(  # type: ignore[misc]  # the members are POLICIES.md's, listed in the core
    "RuleId", [(rule, rule) for rule in sorted(RULE_IDS, key=lambda r: (r[0], int(r[1:])))]
)
