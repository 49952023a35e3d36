from datetime import timedelta

from django import template

from hotline.formatting import duration_text

register = template.Library()


@register.filter
def duration(value: timedelta | None) -> str:
    return "" if value is None else duration_text(value)
