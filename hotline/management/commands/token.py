from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from hotline import clock
from hotline.accounts.models import ApiToken, User
from hotline.accounts.services import TOKEN_DAYS_MAX, api_token_create, api_token_revoke


def _user(username: str) -> User:
    try:
        return User.objects.get(username=username)
    except User.DoesNotExist:
        raise CommandError(f"no user named {username!r}") from None


def _when(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "-"


def _days(text: str) -> int:
    try:
        days = int(text)
    except ValueError:
        raise CommandError(f"--days: {text!r} is not a whole number of days") from None
    if not 1 <= days <= TOKEN_DAYS_MAX:
        raise CommandError(f"--days: between 1 and {TOKEN_DAYS_MAX}, not {days}")
    return days


class Command(BaseCommand):
    help = (
        "Manage API tokens: `hotline token create USER [--days N]` prints a new bearer token; "
        "`hotline token list [USER]` lists tokens; `hotline token revoke PREFIX` revokes one."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Make a token for USER and print it once.")
        create.add_argument("username")
        create.add_argument("--name", default="", help="What the token is for.")
        create.add_argument(
            "--days", default=None, help="How many days it lives (HOTLINE_TOKEN_DAYS unless set)."
        )
        listing = sub.add_parser("list", help="List the tokens of USER, or everyone's.")
        listing.add_argument("username", nargs="?", default="")
        revoke = sub.add_parser("revoke", help="Revoke the token whose prefix is PREFIX.")
        revoke.add_argument("prefix", help="The token's first 8 characters, as listed.")

    def handle(self, *args: Any, **options: Any) -> None:
        now = clock.now()
        if options["action"] == "create":
            self._create(now, options)
        elif options["action"] == "list":
            self._list(now, options["username"])
        else:
            self._revoke(now, options["prefix"])

    def _create(self, now: Any, options: dict[str, Any]) -> None:
        user = _user(options["username"])
        days = _days(options["days"]) if options["days"] is not None else None
        try:
            token, raw = api_token_create(
                actor=None, now=now, user=user, name=options["name"], days=days
            )
        except ValidationError as refused:
            raise CommandError(refused.messages[0]) from None
        self.stdout.write(raw)
        self.stderr.write(
            f"Token for {user.username} ({user.role}), expires {_when(token.expires_at)}. "
            "Send it as: Authorization: Bearer <token>"
        )

    def _list(self, now: Any, username: str) -> None:
        tokens = ApiToken.objects.select_related("user").order_by("user__username", "created_at")
        if username:
            tokens = tokens.filter(user=_user(username))
        self.stdout.write("prefix\tuser\tname\tcreated\texpires\tlast used\tstate")
        for token in tokens:
            state = (
                "revoked"
                if token.revoked_at
                else "expired"
                if token.expires_at and token.expires_at <= now
                else "live"
            )
            self.stdout.write(
                "\t".join(
                    (
                        token.prefix,
                        token.user.username,
                        token.name,
                        _when(token.created_at),
                        _when(token.expires_at),
                        _when(token.last_used_at),
                        state,
                    )
                )
            )

    def _revoke(self, now: Any, prefix: str) -> None:
        found = list(ApiToken.objects.filter(prefix=prefix[:8]).select_related("user")[:2])
        if len(prefix) != 8 or not found:
            raise CommandError(f"no token with prefix {prefix!r} (see `hotline token list`)")
        if len(found) > 1:
            raise CommandError(f"several tokens start with {prefix!r}: revoke them in the admin")
        token = found[0]
        if token.revoked_at:
            self.stdout.write(f"{prefix} was revoked already; nothing changed")
            return
        api_token_revoke(actor=None, now=now, token=token)
        self.stdout.write(f"revoked {prefix} of {token.user.username}")
