from django.http import HttpRequest
from django.utils.translation import gettext
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from hotline import clock
from hotline.accounts.views import signed_in
from hotline.core.rulebook import SETTINGS_BY_KEY, Scope
from hotline.rulebook.selectors import SettingRow, rulebook_rows, scope_choices
from hotline.rulebook.services import rule_value_reset, rule_value_set

router = Router(tags=["rulebook"])


class OverrideOut(Schema):
    scope: str
    scope_ref: str  # the stored reference: the id of the team, queue or customer; the zone
    scope_name: str  # what it is called where the API shows it (team name, queue code...)
    value: str


class SettingOut(Schema):
    key: str
    rule: str
    label: str
    kind: str
    unit: str
    value: str
    default: str
    minimum: str
    maximum: str
    scopes: list[str]
    overrides: list[OverrideOut]


# The same bounds as the Rulebook page's form.
ScopeRef = Field(
    "",
    max_length=64,
    description="What the value applies to, as the API names it: a team's name, a queue's code, "
    "a zone, a customer's id (ids are accepted too); empty for the whole deployment. "
    "GET /rulebook/scopes lists them.",
)


class ChangeIn(Schema):
    value: str = Field(max_length=32)
    reason: str = Field(max_length=500)
    scope: Scope = Scope.DEPLOYMENT
    scope_ref: str = ScopeRef


class ResetIn(Schema):
    reason: str = Field(max_length=500)
    scope: Scope = Scope.DEPLOYMENT
    scope_ref: str = ScopeRef


def _out(row: SettingRow) -> SettingOut:
    s = row.setting
    return SettingOut(
        key=s.key,
        rule=s.rule,
        label=gettext(s.label),
        kind=s.kind,
        unit=s.unit,
        value=s.display(row.value),
        default=s.display(s.default),
        minimum=s.display(s.minimum),
        maximum=s.display(s.maximum),
        scopes=sorted(["deployment", *s.scopes]),
        overrides=[
            OverrideOut(
                scope=o.scope,
                scope_ref=o.scope_ref,
                scope_name=row.names.get((o.scope, o.scope_ref), o.scope_ref),
                value=s.display(s.from_json(o.value)),
            )
            for o in row.overrides
        ],
    )


def _row(key: str) -> SettingRow:
    for row in rulebook_rows():
        if row.setting.key == key:
            return row
    raise HttpError(404, gettext("There is no such setting."))


@router.get("", response=list[SettingOut], summary="Every rulebook number in force")
def rulebook_list(request: HttpRequest) -> list[SettingOut]:
    return [_out(row) for row in rulebook_rows()]


class ScopeQuery(Schema):
    scope: Scope | None = Field(None, description="Only this scope; none: every scope.")
    search: str = Field("", max_length=100, description="Part of a name, code or id.")
    limit: int = Field(50, ge=1, le=200)


class ScopeOut(Schema):
    scope: str
    name: str = Field(description="What to send as `scope_ref`.")
    ref: str = Field(description="The stored reference (an id, or the zone).")
    label: str


@router.get(
    "/scopes",
    response=list[ScopeOut],
    summary="What rulebook numbers can be set for: `limit` of each scope at most",
)
def rulebook_scopes(request: HttpRequest, query: Query[ScopeQuery]) -> list[ScopeOut]:
    scopes = [query.scope] if query.scope else [s for s in Scope if s is not Scope.DEPLOYMENT]
    return [
        ScopeOut(scope=c.scope, name=c.name, ref=c.ref, label=c.label)
        for scope in scopes
        for c in scope_choices(scope, query.search, query.limit)
    ]


@router.put("/{key}", response=SettingOut, summary="Set a rulebook number (admins)")
def rulebook_set(request: HttpRequest, key: str, change: ChangeIn) -> SettingOut:
    if key not in SETTINGS_BY_KEY:
        raise HttpError(404, gettext("There is no such setting."))
    rule_value_set(
        actor=signed_in(request),
        now=clock.now(),
        key=key,
        raw=change.value,
        reason=change.reason,
        scope=change.scope,
        scope_ref=change.scope_ref,
    )
    return _out(_row(key))


@router.post("/{key}/reset", response=SettingOut, summary="Back to the default (admins)")
def rulebook_reset(request: HttpRequest, key: str, reset: ResetIn) -> SettingOut:
    if key not in SETTINGS_BY_KEY:
        raise HttpError(404, gettext("There is no such setting."))
    rule_value_reset(
        actor=signed_in(request),
        now=clock.now(),
        key=key,
        reason=reset.reason,
        scope=reset.scope,
        scope_ref=reset.scope_ref,
    )
    return _out(_row(key))
