"""Numbers as people read them, in their language (the API keeps the core's parseable form)."""

from datetime import UTC, date, datetime, timedelta, tzinfo

from django.db.models import Choices
from django.utils import formats, timezone
from django.utils.dates import WEEKDAYS
from django.utils.functional import Promise
from django.utils.translation import gettext

from hotline.core.rulebook import Kind, Setting, Value


def duration_text(value: timedelta) -> str:
    """Largest whole unit: 24 h, 90 min, 20 s (rounded to the second)."""
    seconds = round(value.total_seconds())
    if seconds and seconds % 3600 == 0:
        return gettext("%(n)s h") % {"n": seconds // 3600}
    if seconds % 60 == 0:
        return gettext("%(n)s min") % {"n": seconds // 60}
    return gettext("%(n)s s") % {"n": seconds}


def elapsed_text(seconds: int) -> str:
    """A length of time to the second, as people say it: 45 s, 3 min 35 s, 10 h 21 min (a talk
    time, a wait, a lateness; `duration_text` is for limits, in their one whole unit)."""
    minutes, rest = divmod(abs(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return gettext("%(h)s h %(min)s min") % {"h": hours, "min": minutes}
    if minutes:
        return gettext("%(min)s min %(s)s s") % {"min": minutes, "s": rest}
    return gettext("%(n)s s") % {"n": rest}


def local_or_utc(value: datetime, zone: tzinfo | None = None) -> datetime:
    """The moment in `zone` (by default the active one); in UTC when the zone can't hold it: a
    window or promise stored near the end of year 9999, before inputs were bounded, would
    overflow into year 10000 (a server error on every page or export that showed it)."""
    try:
        return timezone.localtime(value, zone)
    except OverflowError:
        return value.astimezone(UTC)


def moment_text(value: datetime) -> str:
    """A moment as a person reads it: in the active time zone, in the active language's
    DATETIME_FORMAT (hotline/formats: every language has one, on a 24-hour clock)."""
    return formats.date_format(local_or_utc(value), "DATETIME_FORMAT")


def param_text(value: object) -> object:
    """A message parameter as its reader reads it (call inside their language and time zone):
    never a raw UTC timestamp."""
    if isinstance(value, datetime):
        return moment_text(value)
    if isinstance(value, date):
        return formats.date_format(value, "DATE_FORMAT")
    if isinstance(value, timedelta):
        return duration_text(value)
    if isinstance(value, Promise):
        return str(value)
    return value


DURATION_UNITS = (("%(n)s h", "h"), ("%(n)s min", "min"), ("%(n)s s", "s"))


def typed_duration(raw: str) -> str:
    """A duration typed with the reader's unit words, as shown in the help ("15 мин"), in the
    units the rulebook reads ("15 min"); anything else as typed (the rulebook judges it)."""
    typed = raw.strip()
    words = [(gettext(text).replace("%(n)s", "").strip(), unit) for text, unit in DURATION_UNITS]
    for word, unit in sorted(words, key=lambda pair: -len(pair[0])):
        if word and word != unit and typed.endswith(word):
            return f"{typed[: -len(word)].strip()} {unit}"
    return typed


def setting_text(setting: Setting, value: Value) -> str:
    if isinstance(value, timedelta):
        return duration_text(value)
    if setting.kind is Kind.WEEKDAY and isinstance(value, int):
        return str(WEEKDAYS[value])
    return setting.display(value)


def choice_labels(choices: type[Choices]) -> dict[str, str]:
    """Each value's label in the active language, for a list page to look up row by row.

    `Model.get_FOO_display` hashes every lazy label of the field on each call (a translation
    lookup per choice, per row); this translates each label once per page.
    """
    return {str(value): str(label) for value, label in choices.choices}
