"""Times on the pages (orders, cases), safe at the edge of the calendar.

Inputs are bounded now (a visit at most 366 days ahead), but orders stored before may hold a
moment so near the end of year 9999 that moving it to the centre's zone overflows (a server
error on every page that showed it). ``local`` hands the template the local wall-clock time, or
the UTC one when the zone can't hold it, so the ``date`` filters print it rather than fail.
"""

from datetime import datetime

from django import template
from django.utils import timezone

from hotline.formatting import local_or_utc

register = template.Library()


@register.filter(expects_localtime=False)
def local(value: datetime | None) -> datetime | None:
    """The moment in the page's time zone, as a wall-clock (naive) time for ``date``."""
    if value is None or timezone.is_naive(value):
        return value
    return local_or_utc(value).replace(tzinfo=None)


@register.filter(expects_localtime=False)
def moment(value: str | None) -> datetime | None:
    """A moment as a work order's ticket copy keeps it (ISO 8601 with its offset), for ``local``;
    None or not a moment gives None."""
    try:
        return datetime.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None
