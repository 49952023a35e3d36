"""What each role's home page shows: one scoped query set per role (DESIGN.md convention 2).
The home pages read every app (floor rules, providers' clocks, customers' contracts), so they
live in this top-layer app rather than in accounts, which the other apps build on."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Count

from hotline.accounts.choices import Role
from hotline.accounts.models import Team, User
from hotline.calls.models import Queue
from hotline.core.rulebook import Rulebook, Scope, setting
from hotline.directory.choices import Zone
from hotline.directory.models import Customer, Provider, SlaContract
from hotline.dispatch.clocks import provider_clocks
from hotline.formatting import duration_text, setting_text
from hotline.rulebook.models import RuleValue
from hotline.rulebook.selectors import current_rulebook

AGENT_RULES = (
    "a1.max_talk",
    "a1.warning_share",
    "a2.max_wait",
    "a3.daily_calls_target",
    "a4.transfer_answer_timeout",
    "b2.short_breaks_per_day",
    "b2.short_break_length",
    "b2.lunches_per_day",
    "b2.lunch_length",
    "b4.max_on_break",
    "b4.max_on_break_share",
    "b6.min_available_agents",
    "b1.prep_min",
)
PROVIDER_RULES = (
    "d4.contact_within",
    "d4.status_within",
    "d5.urge_after",
    "d6.urban_response",
    "d6.suburban_response",
    "d6.other_response",
)


@dataclass(frozen=True)
class Variant:
    """A place a rule may differ from the main value: a queue of the team, a customer with
    its own contract numbers. `refs` are added to the main ones when it is read there."""

    name: str
    scope: Scope
    refs: dict[str, object]


def _key_refs(key: str) -> dict[str, object]:
    """A D6 limit is the limit of one kind of zone: read where that zone's override applies."""
    zone = key.removeprefix("d6.").removesuffix("_response")
    return {"zone": zone} if key.startswith("d6.") and zone in Zone.values else {}


def rule_lines(
    rulebook: Rulebook, keys: tuple[str, ...], variants: tuple[Variant, ...] = (), **refs: object
) -> list[dict[str, Any]]:
    """Each rule's value where `refs` apply and, in each of `variants` whose scope the rule
    accepts, its value there where it differs from the main one (the rulebook's resolution)."""
    lines = []
    for key in keys:
        found = setting(key)
        here = {**refs, **_key_refs(key)}
        value = rulebook.value(key, **here)
        differs = [
            {"name": variant.name, "value": setting_text(found, there)}
            for variant in variants
            if found.allows(variant.scope)
            and (there := rulebook.value(key, **here, **variant.refs)) != value
        ]
        lines.append(
            {
                "rule": found.rule,
                "label": found.label,
                "value": setting_text(found, value),
                "differs": differs,
            }
        )
    return lines


def _customers_with_own_numbers(keys: tuple[str, ...]) -> tuple[Variant, ...]:
    """The customers whose contract sets one of `keys` (listing every customer would drown
    the page; the others have the centre's)."""
    ids = RuleValue.objects.filter(key__in=keys, scope=Scope.CUSTOMER).values_list(
        "scope_ref", flat=True
    )
    customers = Customer.objects.filter(pk__in=[int(i) for i in ids if i.isdigit()])
    return tuple(
        Variant(c.name, Scope.CUSTOMER, {"customer": c.pk}) for c in customers.order_by("name")
    )


def home_context(user: User) -> dict[str, Any]:
    return _BUILDERS[Role(user.role)](user, current_rulebook())


def _agent(user: User, rules: Rulebook) -> dict[str, Any]:
    team = user.team
    queues = list(Queue.objects.filter(team=team).order_by("name")) if team else []
    variants = tuple(Variant(q.name, Scope.QUEUE, {"queue": q.pk}) for q in queues)
    return {
        "team": team,
        "queues": queues,
        "rules": rule_lines(rules, AGENT_RULES, variants, team=team.pk if team else None),
    }


def _team_lead(user: User, rules: Rulebook) -> dict[str, Any]:
    context = _agent(user, rules)
    context["members"] = (
        list(User.objects.filter(team=user.team, is_active=True).order_by("role", "last_name"))
        if user.team
        else []
    )
    return context


def _provider_rule_lines(rules: Rulebook) -> list[dict[str, Any]]:
    return rule_lines(rules, PROVIDER_RULES, _customers_with_own_numbers(PROVIDER_RULES))


def _provider_rows() -> list[Provider]:
    return list(Provider.objects.prefetch_related("regions").annotate(staff_count=Count("staff")))


def _manager(user: User, rules: Rulebook) -> dict[str, Any]:
    teams = Team.objects.select_related("site").annotate(size=Count("members")).order_by("name")
    return {"teams": list(teams), "providers": _provider_rows()}


def _dispatcher(user: User, rules: Rulebook) -> dict[str, Any]:
    return {"providers": _provider_rows(), "rules": _provider_rule_lines(rules)}


def _provider(user: User, rules: Rulebook) -> dict[str, Any]:
    provider = Provider.objects.prefetch_related("regions").get(staff=user)
    return {"provider": provider, "clocks": provider_clocks(rules, provider)}


def _customer(user: User, rules: Rulebook) -> dict[str, Any]:
    customer = Customer.objects.prefetch_related("sites__region").get(users=user)
    contracts = list(SlaContract.objects.filter(customer=customer)) or list(
        SlaContract.objects.filter(customer__isnull=True)[:1]
    )
    sites = [
        {
            "site": site,
            "response": duration_text(
                rules.duration(f"d6.{site.zone}_response", zone=site.zone, customer=customer.pk)
            ),
        }
        for site in customer.sites.all()
    ]
    return {"customer": customer, "sites": sites, "contracts": contracts}


def _admin(user: User, rules: Rulebook) -> dict[str, Any]:
    by_role = dict(
        User.objects.values_list("role").annotate(n=Count("id")).values_list("role", "n")
    )
    return {
        "role_counts": [(label, by_role.get(value, 0)) for value, label in Role.choices],
        "team_count": Team.objects.count(),
        "override_count": RuleValue.objects.count(),
    }


def _pbx(user: User, rules: Rulebook) -> dict[str, Any]:
    return {}  # the telephone exchange has no page content, only the API


_BUILDERS = {
    Role.AGENT: _agent,
    Role.TEAM_LEAD: _team_lead,
    Role.MANAGER: _manager,
    Role.DISPATCHER: _dispatcher,
    Role.PROVIDER: _provider,
    Role.CUSTOMER: _customer,
    Role.ADMIN: _admin,
    Role.PBX: _pbx,
}
