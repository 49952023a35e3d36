"""Changing the rulebook: admins only, validated by the core, one audited event per change."""

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from hotline.accounts.choices import Role
from hotline.accounts.models import User
from hotline.audit.services import event_append
from hotline.core.i18n import gettext_noop
from hotline.core.rulebook import Override, Rulebook, Scope, SettingError, setting
from hotline.directory.choices import Zone
from hotline.rulebook.events import RulebookEntity, SettingAction
from hotline.rulebook.models import RuleValue
from hotline.rulebook.scopes import scope_model_of
from hotline.rulebook.selectors import as_overrides, current_rulebook


def _require_admin(actor: User) -> None:
    if actor.role != Role.ADMIN:
        raise PermissionDenied(_("Only an administrator can change the rulebook."))


def _check_scope_ref(key: str, scope: Scope, scope_ref: str) -> str:
    """The stored reference of the team, queue, zone or customer an override names.

    Operators name them as the API shows them (a team's name, a queue's code, a zone, a
    customer's id); the stored reference, the one the floor reads with, is the id (the zone
    for zones). Unknown names are refused, naming what was typed.
    """
    if scope is Scope.DEPLOYMENT:
        if scope_ref:
            raise SettingError(
                key, gettext_noop("A deployment-wide value applies to nothing in particular.")
            )
        return ""
    found = scope_ref_of(scope, scope_ref)
    if found is None:
        raise SettingError(
            key, gettext_noop("There is no %(scope)s %(ref)s."), scope=scope.value, ref=scope_ref
        )
    return found


def scope_ref_of(scope: Scope, named: str) -> str | None:
    """The stored reference of a team (by name or id), queue (by code or id), zone or
    customer (by id); None if there is no such one."""
    if scope is Scope.ZONE:
        return named.lower() if named.lower() in Zone.values else None
    rows = scope_model_of(scope).named(named)  # customers have no name of their own: by id
    # An id wins over a name that looks like one (a team called "7").
    found = sorted(rows.values_list("pk", flat=True), key=lambda pk: str(pk) != named)
    return str(found[0]) if found else None


def _entity_id(key: str, scope: Scope, scope_ref: str) -> str:
    return key if scope is Scope.DEPLOYMENT else f"{key}@{scope}:{scope_ref}"


def rule_value_set(
    *,
    actor: User,
    now: datetime,
    key: str,
    raw: str,
    reason: str,
    scope: Scope = Scope.DEPLOYMENT,
    scope_ref: str = "",
) -> RuleValue:
    """Set one rulebook number for the deployment or one scope. Raises SettingError on bad input."""
    _require_admin(actor)
    found = setting(key)
    if not reason.strip():
        raise SettingError(key, gettext_noop("Say why the number changes: the change is audited."))
    found.check_scope(scope)
    value = found.parse(raw)
    scope_ref = _check_scope_ref(key, scope, scope_ref.strip())
    with transaction.atomic():
        existing = (
            RuleValue.objects.select_for_update()
            .filter(key=key, scope=scope, scope_ref=scope_ref)
            .first()
        )
        current_rulebook().with_override(Override(key, scope, scope_ref, value))
        old = existing.value if existing else None
        row = existing or RuleValue(key=key, scope=scope, scope_ref=scope_ref)
        row.value, row.changed_at, row.changed_by = found.to_json(value), now, actor
        row.save()
        event_append(
            actor=actor,
            now=now,
            entity=RulebookEntity.SETTING,
            entity_id=_entity_id(key, scope, scope_ref),
            action=SettingAction.CHANGED,
            old=old,
            new=row.value,
            reason=reason,
            rule=found.rule,
        )
    return row


def rule_value_reset(
    *,
    actor: User,
    now: datetime,
    key: str,
    reason: str,
    scope: Scope = Scope.DEPLOYMENT,
    scope_ref: str = "",
) -> None:
    """Drop an override so the default (or the wider scope's value) applies again."""
    _require_admin(actor)
    found = setting(key)
    if not reason.strip():
        raise SettingError(key, gettext_noop("Say why the number changes: the change is audited."))
    found.check_scope(scope)
    scope_ref = _check_scope_ref(key, scope, scope_ref.strip())
    with transaction.atomic():
        row = (
            RuleValue.objects.select_for_update()
            .filter(key=key, scope=scope, scope_ref=scope_ref)
            .first()
        )
        if row is None:
            raise SettingError(key, gettext_noop("This value is not overridden."))
        old = row.value
        remaining = as_overrides(RuleValue.objects.exclude(pk=row.pk))
        Rulebook(remaining).check_consistency(**({scope.value: scope_ref} if scope_ref else {}))
        RuleValue.objects.filter(pk=row.pk).delete()
        event_append(
            actor=actor,
            now=now,
            entity=RulebookEntity.SETTING,
            entity_id=_entity_id(key, scope, scope_ref),
            action=SettingAction.RESET,
            old=old,
            new=None,
            reason=reason,
            rule=found.rule,
        )
