import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from hotline.accounts.models import ApiToken, User
from hotline.audit.services import event_append
from hotline.storage import writes_optional

TOKEN_PREFIX = "hl_"


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def api_token_create(
    *, actor: User | None, now: datetime, user: User, name: str = ""
) -> tuple[ApiToken, str]:
    """Make a bearer token for `user`. The raw token is returned once and never stored."""
    if not user.is_active:
        raise ValidationError(_("This user is inactive and cannot have API tokens."))
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, name=name, digest=token_digest(raw), prefix=raw[:8], created_at=now
        )
        event_append(
            actor=actor,
            now=now,
            entity="accounts.api_token",
            entity_id=token.pk,
            action="created",
            new={"user": user.username, "name": name},
        )
    return token, raw


def api_token_revoke(*, actor: User | None, now: datetime, token: ApiToken) -> None:
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at:
            return
        locked.revoked_at = now
        locked.save(update_fields=["revoked_at"])
        event_append(
            actor=actor,
            now=now,
            entity="accounts.api_token",
            entity_id=token.pk,
            action="revoked",
            old={"user": locked.user.username},
        )


LAST_USE_PRECISION = timedelta(minutes=5)


def user_for_token(raw: str, now: datetime) -> User | None:
    """The active user a live token belongs to, or None. Marks the token as used."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=token_digest(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    # A read must not need a write: the last use is kept to within LAST_USE_PRECISION, and
    # not at all while the disk refuses writes (issue 15).
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
        event_append(
            actor=actor,
            now=now,
            entity="accounts.user",
            entity_id=user.pk,
            action="language_changed",
            old=old,
            new=language,
        )
    actor.language = language
