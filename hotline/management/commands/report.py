"""`hotline report monthly|weekly|daily`: the reports for scheduled runs (cron, systemd timers).

    hotline report monthly --month 2026-10 --format pdf -o october.pdf
    hotline report monthly --month 2026-10 --provider "Sofia Service" --format xlsx
    hotline report weekly --day 2026-11-23 --format csv
    hotline report daily --format json

Progress goes to stderr, the report to stdout or ``-o``. A monthly run for the whole centre
also raises the month's fault-share alerts (D13) once; ``--no-alerts`` skips them.
"""

import sys
import time
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from hotline import clock
from hotline.core.reportmath import BadReportParameter, parse_day, parse_month
from hotline.replica import replica_reads
from hotline.reports import exports
from hotline.reports.selectors import (
    centre_zone,
    daily_report,
    monthly_report,
    weekly_report,
)
from hotline.reports.services import fault_alerts_raise


class Command(BaseCommand):
    help = "Make the monthly (D13), weekly (D15) or daily (D7) report as PDF, XLSX, CSV or JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=["monthly", "weekly", "daily"])
        parser.add_argument("--month", help="YYYY-MM (monthly; default: last month)")
        parser.add_argument("--day", help="YYYY-MM-DD (daily: that day; weekly: its week)")
        parser.add_argument("--format", default="pdf", choices=exports.FORMATS)
        parser.add_argument("--provider", help="one provider (id or name), monthly only")
        parser.add_argument("-o", "--output", help="file to write (default: stdout)")
        parser.add_argument("--language", default="en", help="language of the report")
        parser.add_argument("--no-alerts", action="store_true", help="do not raise D13 alerts")

    def handle(self, *args: Any, **options: Any) -> None:
        now = clock.now()
        started = time.monotonic()

        def progress(step: str) -> None:
            sys.stderr.write(f"[{time.monotonic() - started:6.1f} s] {step}…\n")
            sys.stderr.flush()

        with translation.override(options["language"]):
            try:
                report = self._report(options, now, progress)
            except BadReportParameter as error:
                raise CommandError(str(error)) from None
            progress(f"rendering {options['format']}")
            data = exports.render(report, options["format"])
        if options["output"]:
            with open(options["output"], "wb") as out:
                out.write(data)
            progress(f"wrote {options['output']} ({len(data):,} bytes)")
        else:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        progress("done")

    def _report(self, options: dict[str, Any], now: Any, progress: Any) -> Any:
        kind = options["kind"]
        today = now.astimezone(centre_zone()).date()
        if kind == "monthly":
            if options["day"]:
                raise CommandError("--day is for weekly and daily reports; use --month")
            month = options["month"] or f"{(today.replace(day=1) - timedelta(days=1)):%Y-%m}"
            first = parse_month(month)
            from django.http import Http404

            try:
                with replica_reads():  # the alerts below write, so they are outside
                    report, faults = monthly_report(None, first, now, options["provider"], progress)
            except Http404:
                raise CommandError(f"no provider {options['provider']!r}") from None
            if not options["no_alerts"] and not options["provider"]:
                raised = fault_alerts_raise(actor=None, now=now, month=first, rows=faults)
                progress(f"{len(raised)} new fault-share alert(s) raised")
            return report
        if options["month"] or options["provider"]:
            raise CommandError("--month and --provider are for the monthly report")
        day = parse_day(options["day"]) if options["day"] else today
        progress(f"{kind} report for {day}")
        with replica_reads():
            return (weekly_report if kind == "weekly" else daily_report)(None, day, now)
