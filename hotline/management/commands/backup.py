"""`hotline backup FILE`: the database and var/'s data in one archive, with a manifest
(README, Backups); `hotline backup --verify FILE` checks an archive without restoring it."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hotline import clock
from hotline.backup.archive import archive_verify, backup_create
from hotline.backup.database import BackupError


class Command(BaseCommand):
    help = "Back up the database and the data under var/ into one archive (online, consistent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The archive to write (or to check).")
        parser.add_argument(
            "--verify", action="store_true", help="Check an existing archive instead."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            if options["verify"]:
                problems = archive_verify(path)
                if problems:
                    raise CommandError(f"{path} does not verify:\n  " + "\n  ".join(problems))
                self.stdout.write(self.style.SUCCESS(f"{path} verifies."))
                return
            if path.exists():
                raise CommandError(f"{path} exists already: choose a new name")
            manifest = backup_create(path, clock.now())
        except (BackupError, OSError) as error:  # OSError: a folder missing, a disk full
            raise CommandError(str(error)) from None
        facts = manifest["facts"]
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up to {path}: {sum(facts['rows'].values())} rows in "
                f"{len(facts['rows'])} tables, {facts['seals']['signed']} signed work orders, "
                f"{len(manifest['files'])} files from var/."
            )
        )
        for number in facts["seals"]["broken"]:
            self.stderr.write(f"Warning: the seal of work order {number} does not verify (E6).")
