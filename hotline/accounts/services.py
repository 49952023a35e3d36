import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Literal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from hotline.accounts.choices import Role
from hotline.accounts.events import AccountsEntity, ApiTokenAction, UserAction
from hotline.accounts.models import ApiToken, User
from hotline.audit.services import event_append
from hotline.storage import writes_optional

TOKEN_PREFIX = "hl_"
TOKEN_DAYS_MAX = 3650  # `--days` and HOTLINE_TOKEN_DAYS: at most ten years


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def api_token_create(
    *, actor: User | None, now: datetime, user: User, name: str = "", days: int | None = None
) -> tuple[ApiToken, str]:
    """Make a bearer token for `user`, living `days` (HOTLINE_TOKEN_DAYS unless given).
    The raw token is returned once and never stored."""
    if not user.is_active:
        raise ValidationError(_("This user is inactive and cannot have API tokens."))
    days = settings.HOTLINE_TOKEN_DAYS if days is None else days
    if not 1 <= days <= TOKEN_DAYS_MAX:
        raise ValidationError(
            _("A token lives between 1 and %(max)d days.") % {"max": TOKEN_DAYS_MAX}
        )
    if len(name) > ApiToken._meta.get_field("name").max_length:  # type: ignore[operator]
        raise ValidationError(_("A token's name is at most 100 characters."))
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires_at = now + timedelta(days=days)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name,
            digest=token_digest(raw),
            prefix=raw[:8],
            created_at=now,
            expires_at=expires_at,
        )
        event_append(
            actor=actor,
            now=now,
            entity=AccountsEntity.API_TOKEN,
            entity_id=token.pk,
            action=ApiTokenAction.CREATED,
            new={"user": user.username, "name": name, "expires_at": expires_at.isoformat()},
        )
    return token, raw


def may_revoke(actor: User | None, token: ApiToken) -> bool:
    """Its owner, an admin, or the system (the `hotline token` command, run on the server)."""
    return actor is None or actor.role == Role.ADMIN or token.user_id == actor.pk


def api_token_revoke(*, actor: User | None, now: datetime, token: ApiToken) -> None:
    """Revoke a token for good; audited. Someone else's token is refused (PermissionDenied)."""
    if not may_revoke(actor, token):
        raise PermissionDenied(_("You may revoke only your own tokens."))
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at:
            return
        locked.revoked_at = now
        locked.save(update_fields=["revoked_at"])
        event_append(
            actor=actor,
            now=now,
            entity=AccountsEntity.API_TOKEN,
            entity_id=token.pk,
            action=ApiTokenAction.REVOKED,
            old={"user": locked.user.username},
        )


LAST_USE_PRECISION = timedelta(minutes=5)


def live_tokens(now: datetime) -> Q:
    """Not revoked and not expired (tokens made before expiry existed never expire)."""
    return Q(revoked_at__isnull=True) & (Q(expires_at__isnull=True) | Q(expires_at__gt=now))


def user_for_token(raw: str, now: datetime) -> User | None:
    """The active user a live token belongs to, or None. Marks the token as used."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(live_tokens(now), digest=token_digest(raw), user__is_active=True)
        .first()
    )
    if token is None:
        return None
    # A read must not need a write: the last use is kept to within LAST_USE_PRECISION, and
    # not at all while the disk refuses writes.
    if token.last_used_at is None or now - token.last_used_at >= LAST_USE_PRECISION:
        with writes_optional():
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def user_language_set(*, actor: User, now: datetime, language: str) -> None:
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(_("Choose one of the offered languages."))
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=actor.pk)
        old = user.language
        if old == language:
            return
        user.language = language
        user.save(update_fields=["language"])
        if user.role == Role.CUSTOMER and user.customer is not None:
            # The customer chose the language of their account: their notices, record and
            # service reports are written in it too (Customer.language).
            user.customer.language = language
            user.customer.save(update_fields=["language"])
        event_append(
            actor=actor,
            now=now,
            entity=AccountsEntity.USER,
            entity_id=user.pk,
            action=UserAction.LANGUAGE_CHANGED,
            old=old,
            new=language,
        )
    actor.language = language


def password_changed(
    *, actor: User | None, now: datetime, user: User, how: Literal["changed", "reset"]
) -> None:
    """Record that a password was set (`how`: "changed" by its owner, "reset" by e-mail link).
    Django's form has saved it; the event never holds the password."""
    event_append(
        actor=actor,
        now=now,
        entity=AccountsEntity.USER,
        entity_id=user.pk,
        action=UserAction.PASSWORD_CHANGED if how == "changed" else UserAction.PASSWORD_RESET,
    )
