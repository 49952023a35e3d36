"""One file of one kind: every row checked before anything is written, then written in one
transaction (all or nothing); a dry run writes and rolls back, so its counts are the real ones."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from hotline.audit.services import event_append
from hotline.imports.columns import CellError
from hotline.imports.events import ImportsAction, ImportsEntity
from hotline.imports.headers import canonical
from hotline.imports.registry import CREATED, UNCHANGED, UPDATED, Kind, RowError, Values
from hotline.imports.tables import Format, UnreadableFile, read

FIRST_DATA_ROW = 2  # the header is row 1, as a spreadsheet numbers it


@dataclass
class Outcome:
    kind: str
    dry_run: bool
    errors: list[RowError] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: {CREATED: 0, UPDATED: 0, UNCHANGED: 0})

    @property
    def ok(self) -> bool:
        return not self.errors


class _RollBack(Exception):
    pass


def import_file(
    kind: Kind, data: bytes, fmt: Format, *, actor: Any, now: datetime, dry_run: bool
) -> Outcome:
    outcome = Outcome(kind.name, dry_run)
    try:
        headers, rows = read(data, fmt)
    except UnreadableFile as error:
        outcome.errors.append(RowError(1, "", str(error)))
        return outcome
    headers = canonical(kind, headers)
    outcome.errors.extend(_header_errors(kind, headers))
    if outcome.errors:
        return outcome
    checked = _checked_rows(kind, headers, rows, outcome.errors)
    if outcome.errors:
        return outcome
    try:
        with transaction.atomic():
            for _number, values in checked:
                outcome.counts[kind.write(values)] += 1
            event_append(
                actor=actor,
                now=now,
                entity=ImportsEntity.FILE,
                entity_id=kind.name,
                action=ImportsAction.IMPORTED,
                new={"kind": kind.name, **outcome.counts},  # created, updated, unchanged
            )
            if dry_run:
                raise _RollBack
    except _RollBack:
        pass
    return outcome


def _header_errors(kind: Kind, headers: list[str]) -> list[RowError]:
    errors = [
        RowError(1, column.name, _("the column is missing"))
        for column in kind.columns
        if column.required and column.name not in headers
    ]
    known = set(kind.headers)
    errors.extend(
        RowError(
            1,
            name,
            _("no such column (the columns are: %(columns)s)")
            % {"columns": ", ".join(kind.headers)},
        )
        for name in headers
        if name not in known
    )
    return errors


def _checked_rows(
    kind: Kind, headers: list[str], rows: list[tuple[Any, ...]], errors: list[RowError]
) -> list[tuple[int, Values]]:
    checked: list[tuple[int, Values]] = []
    seen: dict[tuple[Any, ...], int] = {}
    for offset, row in enumerate(rows):
        number = FIRST_DATA_ROW + offset
        cells = dict(zip(headers, row, strict=False))
        values: Values = {}
        row_errors: list[RowError] = []
        for column in kind.columns:
            try:
                values[column.name] = column.read(cells.get(column.name))
            except CellError as error:
                row_errors.append(RowError(number, column.name, str(error)))
        if not row_errors:
            key = tuple(str(values[name]).casefold() for name in kind.key)
            if key in seen:
                row_errors.append(
                    RowError(
                        number,
                        kind.key[-1],
                        _("the same as row %(row)d") % {"row": seen[key]},
                    )
                )
            seen.setdefault(key, number)
            row_errors.extend(
                RowError(number, name, message) for name, message in kind.check(values).items()
            )
        errors.extend(row_errors)
        checked.append((number, values))
    return checked
