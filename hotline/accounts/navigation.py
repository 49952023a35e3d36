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
    MenuItem("admin:index", _("Configuration")),
    MenuItem("accounts:profile", _("My account")),
)


def menu_for(role: str) -> list[MenuItem]:
    return [item for item in MENU if may_open_view(role, item.url_name)]
