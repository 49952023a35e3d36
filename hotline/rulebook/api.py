from django.http import HttpRequest
from django.utils.translation import gettext
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from hotline import clock
from hotline.accounts.views import signed_in
from hotline.core.rulebook import SETTINGS_BY_KEY, Scope
from hotline.rulebook.selectors import SettingRow, rulebook_rows
from hotline.rulebook.services import rule_value_reset, rule_value_set

router = Router(tags=["rulebook"])


class OverrideOut(Schema):
    scope: str
    scope_ref: str
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


class ChangeIn(Schema):
    value: str = Field(max_length=32)
    reason: str = Field(max_length=500)
    scope: Scope = Scope.DEPLOYMENT
    scope_ref: str = Field("", max_length=64)


class ResetIn(Schema):
    reason: str = Field(max_length=500)
    scope: Scope = Scope.DEPLOYMENT
    scope_ref: str = Field("", max_length=64)


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
            OverrideOut(scope=o.scope, scope_ref=o.scope_ref, value=s.display(s.from_json(o.value)))
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
