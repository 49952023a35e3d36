"""What a scoped rulebook number is set for: the model behind each scope, registered by the app
that owns it. Teams (accounts) and customers (directory) sit below the rulebook and register
here in the rulebook's own AppConfig.ready(); queues belong to the floor (calls), a higher app,
which registers them in its own, so the rulebook imports no app above it."""

from dataclasses import dataclass

from django.db.models import Model, Q, QuerySet

from hotline.core.rulebook import Scope


@dataclass(frozen=True)
class ScopeModel:
    model: type[Model]
    # What an operator types for one besides its id (a team's name, a queue's code); None: by id.
    name_field: str | None
    # What a choice and a stored override show: the queue's name; the team's name...
    label_field: str
    search_fields: tuple[str, ...]
    order: tuple[str, ...]
    search_by_id: bool = False

    def name_of(self, row: Model) -> str:
        return str(getattr(row, self.name_field) if self.name_field else row.pk)

    def matching(self, text: str) -> QuerySet[Model]:
        found = Q(pk__in=[])
        for field in self.search_fields:
            found |= Q(**{f"{field}__icontains": text})
        if self.search_by_id and text.isdigit() and len(text) < 10:
            found |= Q(pk=int(text))
        return self.model._default_manager.filter(found).order_by(*self.order)

    def named(self, named: str) -> QuerySet[Model]:
        """By id, or by the name an operator types (case aside)."""
        by_id = Q(pk=int(named)) if named.isdigit() and len(named) < 10 else Q(pk__in=[])
        by_name = Q(**{f"{self.name_field}__iexact": named}) if self.name_field else Q(pk__in=[])
        return self.model._default_manager.filter(by_id | by_name)


_models: dict[Scope, ScopeModel] = {}


def scope_model(scope: Scope, spec: ScopeModel) -> None:
    """Register the model a scope's references point at (once per scope)."""
    known = _models.get(scope)
    if known is not None and known.model is not spec.model:
        raise ValueError(f"scope {scope} already points at {known.model.__name__}")
    _models[scope] = spec


def scope_model_of(scope: Scope) -> ScopeModel:
    return _models[scope]


def registered_scopes() -> dict[Scope, ScopeModel]:
    return dict(_models)
