"""Accounts' event vocabulary: API tokens, users, sign-in throttling. Stored in `audit.Event`
rows: the strings never change."""

from enum import StrEnum


class AccountsEntity(StrEnum):
    API_TOKEN = "accounts.api_token"
    USER = "accounts.user"
    SIGNIN = "accounts.signin"


class ApiTokenAction(StrEnum):
    CREATED = "created"
    REVOKED = "revoked"


class UserAction(StrEnum):
    LANGUAGE_CHANGED = "language_changed"
    PASSWORD_CHANGED = "password_changed"
    PASSWORD_RESET = "password_reset"


class SigninAction(StrEnum):
    FAILED = "failed"
    LOCKED = "locked"
    UNLOCKED = "unlocked"


ACTIONS: dict[AccountsEntity, type[StrEnum]] = {
    AccountsEntity.API_TOKEN: ApiTokenAction,
    AccountsEntity.USER: UserAction,
    AccountsEntity.SIGNIN: SigninAction,
}
