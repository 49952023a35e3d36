"""Accounts' event vocabulary: API tokens, users, sign-in throttling. Stored in `audit.Event`
rows: the strings never change."""

from enum import StrEnum


class AccountsEntity(StrEnum):
    API_TOKEN = "accounts.api_token"
    USER = "accounts.user"
    SIGNIN = "accounts.signin"
    SITE = "accounts.site"
    TEAM = "accounts.team"


class ApiTokenAction(StrEnum):
    CREATED = "created"
    REVOKED = "revoked"


class UserAction(StrEnum):
    LANGUAGE_CHANGED = "language_changed"
    PASSWORD_CHANGED = "password_changed"
    PASSWORD_RESET = "password_reset"


class SiteAction(StrEnum):
    CREATED = "created"  # new: {"name", "calendar"} (the setup page, issue 20)


class TeamAction(StrEnum):
    CREATED = "created"  # new: {"name", "site"}


class SigninAction(StrEnum):
    FAILED = "failed"
    LOCKED = "locked"
    UNLOCKED = "unlocked"


ACTIONS: dict[AccountsEntity, type[StrEnum]] = {
    AccountsEntity.API_TOKEN: ApiTokenAction,
    AccountsEntity.USER: UserAction,
    AccountsEntity.SIGNIN: SigninAction,
    AccountsEntity.SITE: SiteAction,
    AccountsEntity.TEAM: TeamAction,
}


# --- the event log's sentences (hotline.audit.sentences), registered from ready() ---


def register_sentences() -> None:
    from django.utils.translation import gettext_lazy as _

    from hotline.accounts.choices import Role
    from hotline.audit.sentences import describe, entity_words, machine_role

    machine_role(Role.PBX, _("the PBX"))
    entity_words(AccountsEntity.API_TOKEN, _("API token"))
    entity_words(AccountsEntity.USER, _("user"), person=True)
    entity_words(AccountsEntity.SIGNIN, _("sign-in"), number=str)
    entity_words(AccountsEntity.SITE, _("site"))
    entity_words(AccountsEntity.TEAM, _("team"))
    for entity, action, template in (
        (
            AccountsEntity.API_TOKEN,
            ApiTokenAction.CREATED,
            _("%(actor)s created API token %(id)s for %(user)s, valid until %(expires_at)s"),
        ),
        (
            AccountsEntity.API_TOKEN,
            ApiTokenAction.REVOKED,
            _("%(actor)s revoked API token %(id)s of %(old_user)s"),
        ),
        (
            AccountsEntity.USER,
            UserAction.LANGUAGE_CHANGED,
            _("%(person)s now reads the pages in %(new)s (was %(old)s)"),
        ),
        (AccountsEntity.USER, UserAction.PASSWORD_CHANGED, _("%(person)s changed their password")),
        (
            AccountsEntity.USER,
            UserAction.PASSWORD_RESET,
            _("%(person)s set a new password with a reset link"),
        ),
        (
            AccountsEntity.SIGNIN,
            SigninAction.FAILED,
            _("A sign-in as %(id)s failed from %(address)s (%(failures)s failures)"),
        ),
        (
            AccountsEntity.SIGNIN,
            SigninAction.LOCKED,
            _("Sign-in locked for %(id)s until %(until)s after %(failures)s failures"),
        ),
        (
            AccountsEntity.SITE,
            SiteAction.CREATED,
            _("%(actor)s set up the site %(name)s (calendar %(calendar)s)"),
        ),
        (
            AccountsEntity.TEAM,
            TeamAction.CREATED,
            _("%(actor)s set up the team %(name)s at %(site)s"),
        ),
        (
            AccountsEntity.SIGNIN,
            SigninAction.UNLOCKED,
            _("%(actor)s unlocked the sign-in of %(id)s"),
        ),
    ):
        describe(entity, action, template)
