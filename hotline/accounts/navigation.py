"""The menu a role sees: built from the permission table so it never shows a closed door."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from hotline.accounts.permissions import may_open_view


@dataclass(frozen=True)
class MenuItem:
    url_name: str
    label: str | Promise

    @property
    def url(self) -> str:
        return reverse(self.url_name)


@dataclass(frozen=True)
class MenuGroup:
    """Pages opened now and then, under one drop-down: so that the longest menus (admin,
    manager, team lead) keep to one row in the longest language (Russian) at 1280 px."""

    label: str | Promise
    items: tuple[MenuItem, ...]

    @property
    def urls(self) -> tuple[str, ...]:
        return tuple(item.url for item in self.items)


MENU = (
    MenuItem("home", _("Home")),
    MenuItem("calls:desk", _("Desk")),
    MenuItem("calls:wallboard", _("Wallboard")),
    MenuItem("calls:reviews", _("Call reviews")),
    MenuItem("calls:my_reviews", _("My reviews")),
    MenuItem("tickets:list", _("Cases")),
    MenuItem("dispatch:board", _("Dispatch")),
    MenuItem("provider:orders", _("Work orders")),
    MenuItem("followup:list", _("Follow-ups")),
    MenuItem("portal:cases", _("My cases")),
    MenuItem("portal:records", _("Customer records")),
    MenuItem("notices:list", _("Notices")),
    MenuItem("reports:index", _("Reports")),
    MenuItem("workforce:leave", _("Workforce")),
    MenuItem("rulebook:list", _("Rulebook")),
    MenuItem("audit:list", _("Event log")),
    MenuItem("setup:index", _("Centre setup")),
    MenuItem("imports:index", _("Imports")),
    MenuItem("admin:index", _("Configuration")),
    MenuItem("accounts:profile", _("My account")),
)

# Pages opened now and then: the centre's figures, staffing, rules, log and settings. Under one
# drop-down when a role has three or more of them (for two a drop-down saves little room and
# costs a click: an agent's Workforce and Rulebook stay in sight); "My account" is the user's
# name in the bar.
CENTRE_GROUP = _("Centre")
CENTRE_GROUP_FROM = 3
CENTRE_PAGES = (
    "reports:index",
    "workforce:leave",
    "rulebook:list",
    "audit:list",
    "setup:index",
    "imports:index",
    "admin:index",
)
ACCOUNT_PAGE = "accounts:profile"


def menu_for(role: str) -> list[MenuItem]:
    return [item for item in MENU if may_open_view(role, item.url_name)]


def menu_entries_for(role: str) -> list[MenuItem | MenuGroup]:
    """The menu as the top bar shows it: the role's pages in order but "My account", those of
    the centre group under one entry where the first of them stands."""
    items = [item for item in menu_for(role) if item.url_name != ACCOUNT_PAGE]
    grouped = tuple(item for item in items if item.url_name in CENTRE_PAGES)
    entries: list[MenuItem | MenuGroup] = []
    for item in items:
        if len(grouped) < CENTRE_GROUP_FROM or item not in grouped:
            entries.append(item)
        elif item == grouped[0]:
            entries.append(MenuGroup(CENTRE_GROUP, grouped))
    return entries
