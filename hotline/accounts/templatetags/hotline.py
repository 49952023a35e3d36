import functools
from datetime import datetime, timedelta

from django import template
from django.utils import dateformat
from django.utils.dates import MONTHS_3, WEEKDAYS_ABBR
from django.utils.formats import get_format

from hotline.formatting import duration_text

register = template.Library()


@register.filter
def duration(value: timedelta | None) -> str:
    return "" if value is None else duration_text(value)


@register.filter
def duration_or_dash(value: timedelta | None) -> str:
    return "—" if value is None else duration_text(value)


@register.filter
def stopwatch(value: timedelta | None) -> str:
    """A length of talk as the desk's timer shows it (timers.js): 3:57, 75:03."""
    if value is None:
        return "—"
    minutes, seconds = divmod(round(value.total_seconds()), 60)
    return f"{minutes}:{seconds:02d}"


@register.filter
def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f} %"


# Two formats list pages print hundreds of times, as the date filter prints them (in the
# page's time zone and the reader's language) without its general format machinery.


# The reader's language's SHORT_DATETIME_FORMAT (hotline.formats) as a strftime pattern, when it
# only has numeric parts; any other format goes through the date filter's machinery.
_STRFTIME = {"d": "%d", "m": "%m", "Y": "%Y", "H": "%H", "i": "%M"}


@functools.cache
def _strftime_pattern(django_format: str) -> str | None:
    pattern = []
    for char in django_format:
        if char in _STRFTIME:
            pattern.append(_STRFTIME[char])
        elif char.isalpha() or char == "\\":
            return None
        else:
            pattern.append(char.replace("%", "%%"))
    return "".join(pattern)


@register.filter(expects_localtime=True)
def minute(value: datetime | None) -> str:
    """`date:"SHORT_DATETIME_FORMAT"`: 07.12.2026 09:30 in Bulgarian, 2026-12-07 09:30 in
    English."""
    if value is None:
        return ""
    short = get_format("SHORT_DATETIME_FORMAT")
    pattern = _strftime_pattern(short)
    return value.strftime(pattern) if pattern else dateformat.format(value, short)


@register.filter(expects_localtime=True)
def day_and_time(value: datetime | None) -> str:
    """`date:"D j M, H:i"`: Mon 7 Dec, 09:30."""
    if value is None:
        return ""
    weekday, month = WEEKDAYS_ABBR[value.weekday()], MONTHS_3[value.month].title()
    return f"{weekday} {value.day} {month}, {value:%H:%M}"
