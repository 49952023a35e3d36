"""Column shapes and checks the kinds share."""

from zoneinfo import available_timezones

from django.conf import settings
from django.utils.translation import gettext as _

from hotline.imports.columns import Column

LANGUAGES = tuple(code for code, _name in settings.LANGUAGES)


def language(name: str = "language") -> Column:
    return Column(name, "choice", choices=LANGUAGES, default=settings.LANGUAGE_CODE)


def missing(what: str, value: object) -> str:
    return _("no %(what)s “%(value)s” (import it first)") % {"what": what, "value": value}


def zone_error(name: str) -> str | None:
    return (
        None
        if name in available_timezones()
        else _("“%(value)s” is not a time zone") % {"value": name}
    )
