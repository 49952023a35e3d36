from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Run background work: queued tasks (notifications, PDFs, webhooks)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between polls.")
        parser.add_argument("--batch", action="store_true", help="Run what is queued, then stop.")

    def handle(self, *args: Any, **options: Any) -> None:
        extra = ["--batch"] if options["batch"] else []
        call_command("db_worker", "--interval", str(options["interval"]), *extra)
