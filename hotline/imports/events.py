"""The audit vocabulary of imports: one event per file written, with its counts."""

from enum import StrEnum


class ImportsEntity(StrEnum):
    FILE = "imports.file"


class ImportsAction(StrEnum):
    IMPORTED = "imported"  # new: {"kind", "created", "updated", "unchanged"}
