"""`hotline import KIND FILE [--dry-run]`: a centre's data from CSV or XLSX, or its call history
from the exchange's records (KIND calls-asterisk, calls-freeswitch, calls-plain)."""

from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hotline import clock
from hotline.calls.models import Queue
from hotline.imports.history import SOURCES, import_history
from hotline.imports.kinds.calendar import country_rows
from hotline.imports.registry import KINDS, RowError, kinds
from hotline.imports.service import import_with_country_holidays
from hotline.imports.tables import format_of

CALLS = {f"calls-{source}": source for source in SOURCES}


class Command(BaseCommand):
    help = (
        "Import a centre's data: `hotline import KIND FILE [--dry-run]` (KIND: "
        + ", ".join(kind.name for kind in kinds())
        + "), all rows or none; or call history: `hotline import calls-asterisk Master.csv "
        "--queue CODE --zone Europe/Sofia` (calls-freeswitch, calls-plain too). Holidays of a "
        "country: `hotline import holidays [LOCAL.csv] --country BG --calendar NAME --years 2027`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=[*(kind.name for kind in kinds()), *CALLS])
        parser.add_argument("file", nargs="?", help="CSV or XLSX (by its extension)")
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")
        parser.add_argument("--queue", help="calls: the queue of records that name none")
        parser.add_argument("--zone", help="calls: the exchange's time zone (default: the site's)")
        parser.add_argument("--country", help="holidays: ISO 3166 code (the holidays package)")
        parser.add_argument("--calendar", help="holidays: the calendar they go into")
        parser.add_argument("--years", default="", help="holidays: 2027 or 2027-2028")

    def handle(self, *args: Any, **options: Any) -> None:
        kind = options["kind"]
        path = Path(options["file"]) if options["file"] else None
        if path is not None and not path.is_file():
            raise CommandError(f"no file {path}")
        if kind in CALLS:
            if path is None:
                raise CommandError("calls: give the file")
            self._calls(CALLS[kind], path, options)
            return
        data = path.read_bytes() if path else b""
        fmt = format_of(path.name) if path else "csv"
        now = clock.now()
        if options["country"]:
            if kind != "holidays" or not options["calendar"]:
                raise CommandError("--country goes with holidays and --calendar")
            rows = country_rows(options["calendar"], options["country"], _years(options, now.year))
            outcome = import_with_country_holidays(
                rows, data, fmt, actor=None, now=now, dry_run=options["dry_run"]
            )
        elif path is None:
            raise CommandError("give the file")
        else:
            from hotline.imports.engine import import_file

            outcome = import_file(
                KINDS[kind], data, fmt, actor=None, now=now, dry_run=options["dry_run"]
            )
        self._errors(outcome.errors)
        counts = ", ".join(f"{name} {count}" for name, count in outcome.counts.items())
        verb = "would be" if options["dry_run"] else "were"
        self.stdout.write(f"{kind}: {counts} ({verb} written)")

    def _calls(self, source: Any, path: Path, options: dict[str, Any]) -> None:
        queue = None
        if options["queue"]:
            queue = (
                Queue.objects.select_related("team__site__calendar")
                .filter(code=options["queue"])
                .first()
            )
            if queue is None:
                raise CommandError(f"no queue {options['queue']!r}")
        zone_name = options["zone"] or (queue.team.site.calendar.time_zone if queue else "UTC")
        try:
            zone = ZoneInfo(zone_name)
        except (ZoneInfoNotFoundError, ValueError):
            raise CommandError(f"no time zone {zone_name!r}") from None
        with path.open(encoding="utf-8-sig", newline="") as lines:
            outcome = import_history(
                lines,
                source,
                zone=zone,
                actor=None,
                now=clock.now(),
                default_queue=queue,
                dry_run=options["dry_run"],
            )
        self._errors(outcome.errors, outcome.more_errors)
        if options["dry_run"]:
            self.stdout.write(f"{outcome.records} records checked, nothing written")
        else:
            self.stdout.write(f"{outcome.created} calls added, {outcome.unchanged} already there")

    def _errors(self, errors: list[RowError], more: int = 0) -> None:
        if not errors:
            return
        for error in errors:
            self.stderr.write(f"row {error.row}, {error.column or '-'}: {error.message}")
        if more:
            self.stderr.write(f"... and {more} more")
        raise CommandError(f"{len(errors) + more} errors: nothing was written")


def _years(options: dict[str, Any], this_year: int) -> range:
    text = options["years"] or str(this_year)
    try:
        first, _, last = text.partition("-")
        years = range(int(first), int(last or first) + 1)
    except ValueError:
        raise CommandError(f"--years: {text!r} is not 2027 or 2027-2028") from None
    if not 1 <= len(years) <= 10:
        raise CommandError("--years: one to ten years")
    return years
