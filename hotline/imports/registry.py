"""The kinds of data a centre imports, each with its columns, natural key, checks and writer."""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.functional import Promise

from hotline.imports.columns import Column

Values = dict[str, Any]

CREATED = "created"
UPDATED = "updated"
UNCHANGED = "unchanged"


@dataclass(frozen=True)
class RowError:
    """What is wrong, where: `row` as the spreadsheet numbers it (the header is row 1)."""

    row: int
    column: str
    message: str


@dataclass(frozen=True)
class Kind:
    name: str
    label: str | Promise
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    # The references a row makes (a region's code, a team's name): {column: message} for those
    # that are not there. Runs for every row before anything is written.
    check: Callable[[Values], dict[str, str]]
    # Writes one checked row; returns CREATED, UPDATED or UNCHANGED.
    write: Callable[[Values], str]
    # Every stored row, as `write` takes them back.
    export: Callable[[], Iterable[Values]]
    order: int = field(default=0, compare=False)

    @property
    def headers(self) -> list[str]:
        return [column.name for column in self.columns]

    def column(self, name: str) -> Column:
        return next(column for column in self.columns if column.name == name)


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    KINDS[kind.name] = kind
    return kind


def kinds() -> list[Kind]:
    """In the order a centre imports them (regions before the providers that serve them)."""
    return sorted(KINDS.values(), key=lambda kind: kind.order)


def no_references(values: Values) -> dict[str, str]:
    return {}


def upsert(model: type[models.Model], lookup: Values, values: Values) -> tuple[Any, str]:
    """The row found by its natural key, changed to `values`, or created: and which it was."""
    found = model._default_manager.filter(**lookup).first()
    if found is None:
        return model._default_manager.create(**lookup, **values), CREATED
    changed = [name for name, value in values.items() if getattr(found, name) != value]
    if not changed:
        return found, UNCHANGED
    for name in changed:
        setattr(found, name, values[name])
    found.save()
    return found, UPDATED


def pick(values: Values, names: Sequence[str]) -> Values:
    return {name: values[name] for name in names}
