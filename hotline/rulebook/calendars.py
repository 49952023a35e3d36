"""A site's calendar as the setup page makes it (issue 20): its time zone, an IANA name, and the
weekdays it works. Admins only, checked, audited; the opening hours are rule D1's numbers."""

import zoneinfo
from datetime import datetime
from functools import cache

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from hotline.accounts.choices import Role
from hotline.accounts.models import User
from hotline.audit.services import event_append
from hotline.rulebook.events import CalendarAction, RulebookEntity
from hotline.rulebook.models import Calendar

NAME_MAX = 100  # Calendar.name


@cache
def time_zones() -> tuple[str, ...]:
    """The IANA zones this machine knows, sorted (the choices of a time-zone field)."""
    return tuple(sorted(zoneinfo.available_timezones()))


def _require_admin(actor: User) -> None:
    if actor.role != Role.ADMIN:
        raise PermissionDenied(_("Only an administrator can set up the centre."))


def _checked_days(working_days: list[int]) -> list[int]:
    days = sorted(set(working_days))
    if not days:
        raise ValidationError(_("Choose at least one working day."))
    if any(day not in range(7) for day in days):
        raise ValidationError(_("Weekdays are numbered 0 (Monday) to 6 (Sunday)."))
    return days


def calendar_create(
    *, actor: User, now: datetime, name: str, time_zone: str, working_days: list[int]
) -> Calendar:
    _require_admin(actor)
    name = name.strip()
    if not name or len(name) > NAME_MAX:
        raise ValidationError(_("A name is at most %(max)d characters.") % {"max": NAME_MAX})
    if Calendar.objects.filter(name__iexact=name).exists():
        raise ValidationError(_("“%(name)s” exists already.") % {"name": name})
    if time_zone not in time_zones():
        raise ValidationError(_("Choose a time zone from the list."))
    days = _checked_days(working_days)
    with transaction.atomic():
        calendar = Calendar.objects.create(name=name, time_zone=time_zone, working_days=days)
        event_append(
            actor=actor,
            now=now,
            entity=RulebookEntity.CALENDAR,
            entity_id=calendar.pk,
            action=CalendarAction.CREATED,
            new={"name": name, "time_zone": time_zone, "working_days": days},
        )
    return calendar


def calendar_days_set(
    *, actor: User, now: datetime, calendar: Calendar, working_days: list[int]
) -> None:
    """The weekdays a site works (Monday = 0); an unchanged choice writes nothing."""
    _require_admin(actor)
    days = _checked_days(working_days)
    with transaction.atomic():
        locked = Calendar.objects.select_for_update().get(pk=calendar.pk)
        old = sorted(locked.working_days)
        if old == days:
            return
        locked.working_days = days
        locked.save(update_fields=["working_days"])
        event_append(
            actor=actor,
            now=now,
            entity=RulebookEntity.CALENDAR,
            entity_id=locked.name,
            action=CalendarAction.DAYS_CHANGED,
            old={"working_days": old},
            new={"working_days": days},
        )
    calendar.working_days = days
