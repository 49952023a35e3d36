"""`hotline restore FILE`: a backup back into the configured database (a fresh one) and var/,
then checked against its manifest: rows per table, the event log's digest, every seal (E6)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hotline.backup.archive import restore
from hotline.backup.database import BackupError


class Command(BaseCommand):
    help = "Restore a backup made by `hotline backup` into a fresh database, then verify it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The archive `hotline backup` wrote.")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Overwrite a database that is not empty (stop the server and worker first).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest, problems = restore(options["file"], replace=options["replace"])
        except (BackupError, OSError) as error:  # OSError: a folder missing, a disk full
            raise CommandError(str(error)) from None
        if problems:
            raise CommandError("The restore does not match the backup:\n  " + "\n  ".join(problems))
        facts = manifest["facts"]
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored the backup of {manifest['created_at']} and verified it: "
                f"{sum(facts['rows'].values())} rows in {len(facts['rows'])} tables, "
                f"the event log, {facts['seals']['signed']} seals."
            )
        )
