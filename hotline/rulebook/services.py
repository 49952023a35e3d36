"""Changing the rulebook: admins only, validated by the core, one audited event per change."""

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from hotline.accounts.choices import Role
from hotline.accounts.models import Team, User
from hotline.audit.services import event_append
from hotline.calls.models import Queue
from hotline.core.i18n import gettext_noop
from hotline.core.rulebook import Override, Rulebook, Scope, SettingError, setting
from hotline.rulebook.models import RuleValue
from hotline.rulebook.selectors import as_overrides, current_rulebook
from hotline.tickets.choices import Zone
from hotline.tickets.models import Customer

SCOPE_MODELS: dict[Scope, type[Model]] = {
    Scope.TEAM: Team,
    Scope.QUEUE: Queue,
    Scope.CUSTOMER: Customer,
}


def _require_admin(actor: User) -> None:
    if actor.role != Role.ADMIN:
        raise PermissionDenied(_("Only an administrator can change the rulebook."))


def _check_scope_ref(key: str, scope: Scope, scope_ref: str) -> str:
    """The team, queue, zone or customer an override names must exist."""
    if scope is Scope.DEPLOYMENT:
        if scope_ref:
            raise SettingError(
                key, gettext_noop("A deployment-wide value applies to nothing in particular.")
            )
        return ""
    if scope is Scope.ZONE:
        exists = scope_ref in Zone.values
    else:
        model = SCOPE_MODELS[scope]
        exists = model._default_manager.filter(pk=_as_id(key, scope_ref)).exists()
    if not exists:
        raise SettingError(
            key, gettext_noop("There is no %(scope)s %(ref)s."), scope=scope.value, ref=scope_ref
        )
    return scope_ref


def _entity_id(key: str, scope: Scope, scope_ref: str) -> str:
    return key if scope is Scope.DEPLOYMENT else f"{key}@{scope}:{scope_ref}"


def _as_id(key: str, ref: str) -> int:
    if not ref.isdigit():
        raise SettingError(key, gettext_noop("Enter the number of the team, queue or customer."))
    return int(ref)


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
            entity="rulebook.setting",
            entity_id=_entity_id(key, scope, scope_ref),
            action="changed",
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
            entity="rulebook.setting",
            entity_id=_entity_id(key, scope, scope_ref),
            action="reset",
            old=old,
            new=None,
            reason=reason,
            rule=found.rule,
        )
