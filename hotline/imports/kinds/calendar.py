"""A site's holidays: typed in a file, or the country's from the `holidays` package (the
command's --country), with the centre's own days added in the same file."""

from collections.abc import Iterator
from datetime import date

import holidays as country_holidays
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hotline.imports.columns import Column
from hotline.imports.kinds.common import missing
from hotline.imports.registry import Kind, Values, register, upsert
from hotline.rulebook.models import Calendar, Holiday


def _check(v: Values) -> dict[str, str]:
    if not Calendar.objects.filter(name=v["calendar"]).exists():
        return {"calendar": missing(_("calendar"), v["calendar"])}
    return {}


def _write(v: Values) -> str:
    calendar = Calendar.objects.get(name=v["calendar"])
    return upsert(Holiday, {"calendar": calendar, "day": v["day"]}, {"name": v["name"]})[1]


def _holidays() -> Iterator[Values]:
    for holiday in Holiday.objects.select_related("calendar").order_by("calendar__name", "day"):
        yield {"calendar": holiday.calendar.name, "day": holiday.day, "name": holiday.name}


def country_rows(calendar: str, country: str, years: range) -> list[Values]:
    """The public holidays of `country` (ISO 3166 code) in `years`, as rows of this kind."""
    found = country_holidays.country_holidays(country, years=list(years))
    return [
        {"calendar": calendar, "day": day, "name": name[:100]}
        for day, name in sorted(found.items())
        if isinstance(day, date)
    ]


register(
    Kind(
        name="holidays",
        label=gettext_lazy("Holidays"),
        columns=(
            Column("calendar", required=True),
            Column("day", "date", required=True),
            Column("name", required=True),
        ),
        key=("calendar", "day"),
        check=_check,
        write=_write,
        export=_holidays,
        order=80,
    )
)
