from datetime import datetime

from django import template

from hotline.formatting import moment_text

register = template.Library()


@register.filter
def when(value: datetime | None) -> str:
    """Date and time in the active zone, in the language's DATETIME_FORMAT."""
    if value is None:
        return "—"
    return moment_text(value)  # in UTC when the zone can't hold it (year 9999, stored before)
