"""POST /imports/{kind}: a CSV file's text imported (or only checked) as on the admins' page."""

from typing import Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from hotline import clock
from hotline.accounts.views import signed_in
from hotline.imports.engine import import_file
from hotline.imports.registry import KINDS

router = Router(tags=["imports"])

# The registry's kinds, spelt out so the OpenAPI lists them (a test keeps the two equal).
KindName = Literal[
    "regions",
    "providers",
    "customers",
    "sites",
    "equipment",
    "contracts",
    "teams",
    "agents",
    "holidays",
    "fault_categories",
]
# Under the server's body limit (DATA_UPLOAD_MAX_MEMORY_SIZE); larger files: `hotline import`.
MAX_CSV_CHARACTERS = 2_000_000


class ImportIn(Schema):
    csv: str = Field(
        max_length=MAX_CSV_CHARACTERS,
        description="The file's text: UTF-8 CSV with a header row (GET the page's template).",
    )
    dry_run: bool = Field(True, description="Check only (the default): nothing is written.")


class RowErrorOut(Schema):
    row: int = Field(description="As a spreadsheet numbers it: the header is row 1.")
    column: str
    message: str


class ImportOut(Schema):
    kind: str
    dry_run: bool
    created: int
    updated: int
    unchanged: int


class ImportRefusedOut(Schema):
    detail: str
    # Empty when the body itself is not JSON (the API's usual 400 answer).
    errors: list[RowErrorOut] = Field(default_factory=list)


@router.post(
    "/{kind}",
    response={200: ImportOut, 400: ImportRefusedOut},
    summary="Import (or check) one kind of a centre's data, all rows or none (admins)",
)
def imports_file(
    request: HttpRequest, kind: KindName, body: ImportIn
) -> Status[ImportOut | ImportRefusedOut]:
    found = KINDS[kind]
    outcome = import_file(
        found,
        body.csv.encode(),
        "csv",
        actor=signed_in(request),
        now=clock.now(),
        dry_run=body.dry_run,
    )
    if not outcome.ok:
        return Status(
            400,
            ImportRefusedOut(
                detail=_("The file has errors: nothing was written."),
                errors=[
                    RowErrorOut(row=e.row, column=e.column, message=e.message)
                    for e in outcome.errors
                ],
            ),
        )
    return Status(200, ImportOut(kind=kind, dry_run=body.dry_run, **outcome.counts))
