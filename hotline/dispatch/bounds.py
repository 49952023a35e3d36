"""Bounds of what people type into dispatch and follow-up (API schemas and pages alike).

Not rulebook numbers: they keep input storable and readable (a note is a few paragraphs; a
visit is agreed for the coming months), and the OpenAPI shows them, so a client learns them
before it sends. Too long or out of range is a 422 listing the field, and nothing changes.
"""

from datetime import timedelta
from typing import Annotated

from ninja import P, PathEx
from pydantic import AwareDatetime, Field

NOTE_MAX = 2000  # notes, reasons, status reports, work done: a few paragraphs
NAME_MAX = 150  # a person's name, as WorkOrder.signer_name stores it
SIGNATURE_MAX = 200_000  # a PNG data URL from the pad is a few kB (services/provider.py)
ID_MAX = 2**63 - 1  # the largest primary key the databases store
# C1 / C3: a visit or a delay's new time is agreed for the coming weeks, not for another year.
AHEAD_MAX = timedelta(days=366)


# Empty text passes the schema: the service refuses it with the rule that needs it (409).
Note = Annotated[str, Field(max_length=NOTE_MAX)]
PersonName = Annotated[str, Field(max_length=NAME_MAX)]
SignatureImage = Annotated[str, Field(max_length=SIGNATURE_MAX)]
RecordId = Annotated[int, Field(ge=1, le=ID_MAX)]
# An id in the path: past ID_MAX the database can't even look it up (a server error).
PathId = PathEx[int, P(ge=1, le=ID_MAX)]
# A moment with its offset (a naive one can't be placed in time: 422). How far ahead it may be
# is the service's check (C1, C3: within AHEAD_MAX of now, else a 409 naming the rule).
Moment = Annotated[
    AwareDatetime, Field(description="ISO 8601 with its offset; at most 366 days ahead")
]
