from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hotline import clock
from hotline.accounts.models import User
from hotline.accounts.services import api_token_create


class Command(BaseCommand):
    help = "Manage API tokens: `hotline token create USER` prints a new bearer token."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Make a token for USER and print it once.")
        create.add_argument("username")
        create.add_argument("--name", default="", help="What the token is for.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = User.objects.get(username=options["username"])
        except User.DoesNotExist:
            raise CommandError(f"no user named {options['username']!r}") from None
        _, raw = api_token_create(actor=None, now=clock.now(), user=user, name=options["name"])
        self.stdout.write(raw)
        self.stderr.write(
            f"Token for {user.username} ({user.role}). Send it as: Authorization: Bearer <token>"
        )
