from datetime import datetime

from django import template
from django.utils import formats, timezone

register = template.Library()


@register.filter
def when(value: datetime | None) -> str:
    """Date and time in the active zone and language, formats apart: some locales (bg) have
    no DATETIME_FORMAT of their own."""
    if value is None:
        return "—"
    local = timezone.localtime(value)
    return (
        f"{formats.date_format(local, 'DATE_FORMAT')} {formats.time_format(local, 'TIME_FORMAT')}"
    )
