"""What every case page shares: finding a visible ticket, the centre's time zone, the tabs."""

from dataclasses import dataclass
from typing import Any

from django.http import Http404, HttpRequest
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from hotline.accounts.models import User
from hotline.accounts.permissions import may_open_view
from hotline.core.refusal import PolicyRefusal
from hotline.i18n import refusal_text
from hotline.rulebook.selectors import centre_time_zone
from hotline.tickets.models import Ticket
from hotline.tickets.selectors import ticket_for

PAGE_SIZE = 50
LIST_LIMIT = 100  # team lead lists: the oldest first, so nothing waits unseen


def visible_ticket(user: User, ticket_id: int) -> Ticket:
    """The ticket if the user may see it; 404 otherwise, whoever owns it (no leak)."""
    try:
        return ticket_for(user, ticket_id)
    except Ticket.DoesNotExist:
        raise Http404 from None


# The desk's case pane (calls/desk.html): the case pages opened there come without the site's
# frame, so the call stays beside them (htmx names the element it will fill in HX-Target).
DESK_PANE = "case-pane"


def page_base(request: HttpRequest) -> str:
    """The template a case page extends: the whole page, or the desk's pane."""
    if request.headers.get("HX-Target") == DESK_PANE:
        return "tickets/_pane_base.html"
    return "base.html"


def centre_tz() -> str:
    """Pages show times, and read datetime fields, in the centre's zone."""
    return centre_time_zone()


def refusal_context(refusal: PolicyRefusal | None) -> dict[str, Any]:
    return {"refusal": refusal, "refusal_text": refusal_text(refusal) if refusal else ""}


@dataclass(frozen=True)
class Tab:
    url_name: str
    label: str | Promise


TABS = (
    Tab("tickets:list", _("Cases")),
    Tab("tickets:approvals", _("Special requests (D1)")),
    Tab("tickets:complaints", _("Complaints (D9)")),
    Tab("tickets:incidents", _("Incidents (D10)")),
)


def tabs_for(user: User) -> list[Tab]:
    """The case pages this role may open; none shown when only one is."""
    tabs = [tab for tab in TABS if may_open_view(user.role, tab.url_name)]
    return tabs if len(tabs) > 1 else []
