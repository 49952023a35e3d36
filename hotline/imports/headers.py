"""Column headers in every language: a template is written with the reader's words, and a file
is read with the column names (what exports write) or their words in any of the centre's
languages, so a spreadsheet filled in Bulgarian imports as one filled in English."""

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from hotline.imports.registry import Kind

WORDS: dict[str, str | Promise] = {
    "address": _("Address"),
    "business_premises": _("Business premises"),
    "calendar": _("Calendar"),
    "capacity": _("Capacity"),
    "channel": _("Channel"),
    "code": _("Code"),
    "covered_services": _("Covered services"),
    "customer_phone": _("Customer's phone"),
    "day": _("Day"),
    "email": _("E-mail"),
    "first_name": _("First name"),
    "installed_on": _("Installed on"),
    "kind": _("Appliance"),
    "language": _("Language"),
    "last_name": _("Last name"),
    "model": _("Model"),
    "name": _("Name"),
    "on_site": _("On-site service"),
    "order": _("Order"),
    "phone": _("Phone"),
    "priority": _("Queue priority"),
    "region": _("Region"),
    "regions": _("Regions"),
    "resolution_hours": _("Resolution within (hours)"),
    "response_hours": _("Response within (hours)"),
    "serial": _("Serial number"),
    "site": _("Site"),
    "steps": _("Scripted first steps"),
    "team": _("Team"),
    "time_zone": _("Time zone"),
    "username": _("User name"),
    "zone": _("Zone"),
}


def words(kind: Kind) -> list[str]:
    """The kind's headers in the active language (a template's)."""
    return [str(WORDS.get(name, name)) for name in kind.headers]


def canonical(kind: Kind, headers: list[str]) -> list[str]:
    """Each header as its column's name when it is the name or the column's words in one of
    the centre's languages; others are kept as written (and refused as unknown)."""
    known: dict[str, str] = {name.casefold(): name for name in kind.headers}
    for code, _language in settings.LANGUAGES:
        with translation.override(code):
            for name in kind.headers:
                known.setdefault(str(WORDS.get(name, name)).casefold(), name)
    return [known.get(header.strip().casefold(), header) for header in headers]
