"""Teams and their agents. Agents are made without a usable password: they set one through the
sign-in page's reset link (accounts' password reset), so no password travels in a spreadsheet."""

from collections.abc import Iterator

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hotline.accounts.choices import Role
from hotline.accounts.models import Site, Team, User
from hotline.imports.columns import Column
from hotline.imports.kinds.common import language, missing
from hotline.imports.registry import CREATED, Kind, Values, register, upsert


def _check_team(v: Values) -> dict[str, str]:
    if not Site.objects.filter(name=v["site"]).exists():
        return {"site": missing(_("site"), v["site"])}
    return {}


def _write_team(v: Values) -> str:
    return upsert(Team, {"name": v["name"]}, {"site": Site.objects.get(name=v["site"])})[1]


def _teams() -> Iterator[Values]:
    for team in Team.objects.select_related("site").order_by("name"):
        yield {"name": team.name, "site": team.site.name}


register(
    Kind(
        name="teams",
        label=gettext_lazy("Teams"),
        columns=(Column("name", required=True), Column("site", required=True)),
        key=("name",),
        check=_check_team,
        write=_write_team,
        export=_teams,
        order=60,
    )
)

AGENT_FIELDS = ("first_name", "last_name", "email", "language")


def _check_agent(v: Values) -> dict[str, str]:
    errors = {}
    if not Team.objects.filter(name=v["team"]).exists():
        errors["team"] = missing(_("team"), v["team"])
    role = User.objects.filter(username=v["username"]).values_list("role", flat=True).first()
    if role not in (None, Role.AGENT):
        errors["username"] = _("“%(value)s” signs in with another role") % {"value": v["username"]}
    return errors


def _write_agent(v: Values) -> str:
    values = {name: v[name] for name in AGENT_FIELDS}
    values |= {"team": Team.objects.get(name=v["team"]), "role": Role.AGENT}
    agent, outcome = upsert(User, {"username": v["username"]}, values)
    if outcome == CREATED:
        agent.set_unusable_password()
        agent.save(update_fields=["password"])
    return outcome


def _agents() -> Iterator[Values]:
    for agent in User.objects.filter(role=Role.AGENT).select_related("team").order_by("username"):
        yield {
            "username": agent.username,
            "team": agent.team.name if agent.team else "",
            **{name: getattr(agent, name) for name in AGENT_FIELDS},
        }


register(
    Kind(
        name="agents",
        label=gettext_lazy("Agents"),
        columns=(
            Column("username", required=True, max_length=150),
            Column("first_name", max_length=150),
            Column("last_name", max_length=150),
            Column("email", "email", max_length=254),
            Column("team", required=True),
            language(),
        ),
        key=("username",),
        check=_check_agent,
        write=_write_agent,
        export=_agents,
        order=70,
    )
)
