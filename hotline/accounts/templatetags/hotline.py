from datetime import timedelta

from django import template

from hotline.formatting import duration_text

register = template.Library()


@register.filter
def duration(value: timedelta | None) -> str:
    return "" if value is None else duration_text(value)


@register.filter
def duration_or_dash(value: timedelta | None) -> str:
    return "—" if value is None else duration_text(value)


@register.filter
def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f} %"
