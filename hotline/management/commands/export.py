"""`hotline export KIND FILE`: every stored row of a kind, in the file `hotline import` reads."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from hotline.imports.registry import KINDS, kinds
from hotline.imports.tables import format_of, write


class Command(BaseCommand):
    help = "Export a kind as CSV or XLSX (by FILE's extension): `hotline import` reads it back."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=[kind.name for kind in kinds()])
        parser.add_argument("file")
        parser.add_argument("--template", action="store_true", help="the header row only")

    def handle(self, *args: Any, **options: Any) -> None:
        kind = KINDS[options["kind"]]
        path = Path(options["file"])
        rows = [] if options["template"] else list(kind.export())
        path.write_bytes(write(kind, rows, format_of(path.name)))
        self.stdout.write(f"{kind.name}: {len(rows)} rows written to {path}")
