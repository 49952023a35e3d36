"""Bounds of what people type into dispatch and follow-up (API schemas and pages alike).

Not rulebook numbers: they keep input storable and readable (a note is a few paragraphs; a
visit is agreed for the coming months), and the OpenAPI shows them, so a client learns them
before it sends. Too long or out of range is a 422 listing the field, and nothing changes.
"""

from datetime import timedelta
from typing import Annotated

from pydantic import Field

NOTE_MAX = 2000  # notes, reasons, status reports, work done: a few paragraphs
NAME_MAX = 150  # a person's name, as WorkOrder.signer_name stores it
SIGNATURE_MAX = 200_000  # a PNG data URL from the pad is a few kB (services/provider.py)
# C1 / C3: a visit or a delay's new time is agreed for the coming weeks, not for another year.
AHEAD_MAX = timedelta(days=366)


# Empty text passes the schema: the service refuses it with the rule that needs it (409).
Note = Annotated[str, Field(max_length=NOTE_MAX)]
PersonName = Annotated[str, Field(max_length=NAME_MAX)]
SignatureImage = Annotated[str, Field(max_length=SIGNATURE_MAX)]
# Ids and moments are bounded as everywhere (hotline/bounds.py). How far ahead a moment may be
# is the service's check (C1, C3: within AHEAD_MAX of now, else a 409 naming the rule).
