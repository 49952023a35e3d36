"""The one place the running system reads the clock (DESIGN.md convention 3).

Views, commands and tasks call `now()` once at their edge and pass the value down.
"""

from datetime import datetime

from django.utils import timezone


def now() -> datetime:
    return timezone.now()
