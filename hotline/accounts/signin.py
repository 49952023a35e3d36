"""Sign-in throttling: failed sign-ins per user name and per address, lockout, unlock.

Counts live in Django's cache (Redis where HOTLINE_REDIS_URL is set, so every server process
shares them; the process's own memory otherwise). Times are the `now` the caller read from the
clock, kept inside the cached value: the cache's own expiry only throws old entries away.

While a user name or an address is locked, no password is checked, the right one included:
a guesser learns nothing from trying. Failed sign-ins up to the lockout, the lockout itself and
an unlock are audited events; attempts during a lockout are not (they would let anyone flood
the append-only log) but keep the lockout on.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from hotline.accounts.events import AccountsEntity, SigninAction
from hotline.accounts.models import User
from hotline.audit.services import event_append

UNKNOWN_USER = "(unknown user name)"
USERNAME_MAX = 150  # User.username's length: a longer name is no user's, cut for the key


@dataclass(frozen=True)
class Lock:
    until: datetime

    def minutes_left(self, now: datetime) -> int:
        seconds = (self.until - now).total_seconds()
        return max(1, int(-(-seconds // 60)))  # whole minutes, rounded up: never "0 minutes"


def _window() -> timedelta:
    return timedelta(minutes=settings.HOTLINE_SIGNIN_LOCKOUT_MINUTES)


def _user_key(username: str) -> str:
    return "signin:user:" + username.strip().lower()[:USERNAME_MAX]


def _address_key(address: str) -> str:
    return "signin:addr:" + address[:64]


def _lock_of(key: str, now: datetime) -> Lock | None:
    record = cache.get(key)
    if record and record.get("until") and record["until"] > now:
        return Lock(record["until"])
    return None


def signin_lock(*, now: datetime, username: str, address: str) -> Lock | None:
    """The lockout that refuses this attempt (the later-ending one), or None."""
    locks = [
        lock
        for lock in (_lock_of(_user_key(username), now), _lock_of(_address_key(address), now))
        if lock is not None
    ]
    return max(locks, key=lambda lock: lock.until) if locks else None


def _count(key: str, now: datetime, limit: int) -> tuple[int, Lock | None]:
    """One more failure under `key`: (failures in the window, the lockout it starts, if any)."""
    record = cache.get(key) or {}
    if not record.get("since") or now - record["since"] > _window():
        record = {"since": now, "failures": 0, "until": None}
    record["failures"] += 1
    lock = None
    if record["failures"] >= limit:
        record["until"] = now + _window()
        lock = Lock(record["until"])
    # Kept twice the window: long enough to outlive any lockout it holds.
    cache.set(key, record, timeout=int(_window().total_seconds()) * 2)
    return record["failures"], lock


def signin_failed(*, now: datetime, username: str, address: str) -> Lock | None:
    """Record a wrong user name or password; returns the lockout it starts, if it does."""
    user = User.objects.filter(username=username).first()
    by_user, user_lock = _count(_user_key(username), now, settings.HOTLINE_SIGNIN_FAILURES_PER_USER)
    by_address, address_lock = _count(
        _address_key(address), now, settings.HOTLINE_SIGNIN_FAILURES_PER_ADDRESS
    )
    with transaction.atomic():
        event_append(
            actor=None,
            now=now,
            entity=AccountsEntity.SIGNIN,
            # A name no user has is not written down: it is often a password typed one box
            # too early, and the log keeps everything for ever.
            entity_id=username[:64] if user is not None else UNKNOWN_USER,
            action=SigninAction.FAILED,
            new={"address": address, "known_user": user is not None, "failures": by_user},
        )
        for scope, lock, failures in (
            ("user", user_lock, by_user),
            ("address", address_lock, by_address),
        ):
            if lock is not None:
                event_append(
                    actor=None,
                    now=now,
                    entity=AccountsEntity.SIGNIN,
                    entity_id=(
                        (username if user is not None else UNKNOWN_USER)
                        if scope == "user"
                        else address[:64]
                    ),
                    action=SigninAction.LOCKED,
                    new={
                        "scope": scope,
                        "address": address,
                        "failures": failures,
                        "until": lock.until.isoformat(),
                    },
                )
    locks = [lock for lock in (user_lock, address_lock) if lock is not None]
    return max(locks, key=lambda lock: lock.until) if locks else None


def signin_succeeded(*, username: str) -> None:
    """The right password outside a lockout: the user name's count starts afresh (the
    address's does not, or one good account would reset a guesser's count for others)."""
    cache.delete(_user_key(username))


def signin_unlock(
    *, actor: User | None, now: datetime, username: str = "", address: str = ""
) -> bool:
    """Lift the lockout of a user name and/or an address; audited. False if none was locked."""
    keys = [(_user_key(username), "user", username)] if username else []
    if address:
        keys += [
            (_address_key(address), "address", address),
            (_token_key(address), "token", address),
        ]
    was_locked = False
    with transaction.atomic():
        for key, scope, value in keys:
            lock = _lock_of(key, now)
            cache.delete(key)
            if lock is None:
                continue
            was_locked = True
            event_append(
                actor=actor,
                now=now,
                entity=AccountsEntity.SIGNIN,
                entity_id=value[:64],
                action=SigninAction.UNLOCKED,
                old={"scope": scope, "until": lock.until.isoformat()},
            )
    return was_locked


def _token_key(address: str) -> str:
    return "signin:token:" + address[:64]


def token_address_locked(*, now: datetime, address: str) -> bool:
    """An address that sent too many bad bearer tokens: its tokens, good ones too, are
    refused (401) for the rest of the lockout."""
    return _lock_of(_token_key(address), now) is not None


def token_failed(*, now: datetime, address: str) -> None:
    """A bearer token that is no live token's. Counted per address; the lockout is audited
    (each bad token is not: a flood of them would flood the log)."""
    failures, lock = _count(_token_key(address), now, settings.HOTLINE_TOKEN_FAILURES_PER_ADDRESS)
    if lock is not None:
        event_append(
            actor=None,
            now=now,
            entity=AccountsEntity.SIGNIN,
            entity_id=address[:64],
            action=SigninAction.LOCKED,
            new={"scope": "token", "failures": failures, "until": lock.until.isoformat()},
        )


def reset_allowed(*, now: datetime, email: str) -> bool:
    """Password-reset mails to one address: at most HOTLINE_SIGNIN_FAILURES_PER_USER in the
    lockout window, so a stranger cannot bury a mailbox in them. The page says the same
    either way (it never tells whether an account has the address)."""
    key = "signin:reset:" + email.strip().lower()[:254]
    if _lock_of(key, now) is not None:
        return False
    _count(key, now, settings.HOTLINE_SIGNIN_FAILURES_PER_USER)
    return True
