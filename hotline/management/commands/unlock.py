from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hotline import clock
from hotline.accounts.signin import signin_unlock


class Command(BaseCommand):
    help = "Lift a sign-in lockout: `hotline unlock USER` (or `--address IP`)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", nargs="?", default="", help="The locked user name.")
        parser.add_argument("--address", default="", help="A locked address (IP) instead.")

    def handle(self, *args: Any, **options: Any) -> None:
        username, address = options["username"].strip(), options["address"].strip()
        if not username and not address:
            raise CommandError("name a USER or an --address to unlock")
        if len(username) > 150 or len(address) > 64:
            raise CommandError("no such user name or address")
        if signin_unlock(actor=None, now=clock.now(), username=username, address=address):
            self.stdout.write(f"unlocked {username or address}")
        else:
            self.stdout.write(f"{username or address} was not locked; nothing changed")
