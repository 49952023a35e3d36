"""A centre's sites and teams, as the setup page makes them (issue 20): admins only, each one
checked and audited. (The demo and the tests seed theirs directly: hotline/seeding.py.)"""

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from hotline.accounts.choices import Role
from hotline.accounts.events import AccountsEntity, SiteAction, TeamAction
from hotline.accounts.models import Site, Team, User
from hotline.audit.services import event_append

NAME_MAX = 100  # Site.name and Team.name


def require_admin(actor: User) -> None:
    if actor.role != Role.ADMIN:
        raise PermissionDenied(_("Only an administrator can set up the centre."))


def _checked_name(name: str, taken: bool) -> str:
    name = name.strip()
    if not name:
        raise ValidationError(_("Give it a name."))
    if len(name) > NAME_MAX:
        raise ValidationError(_("A name is at most %(max)d characters.") % {"max": NAME_MAX})
    if taken:
        raise ValidationError(_("“%(name)s” exists already.") % {"name": name})
    return name


def site_create(*, actor: User, now: datetime, name: str, calendar: Any) -> Site:
    """A new site counting its days in `calendar` (a rulebook Calendar: the rulebook sits
    above accounts, so the caller makes it)."""
    require_admin(actor)
    name = _checked_name(name, Site.objects.filter(name__iexact=name.strip()).exists())
    with transaction.atomic():
        site = Site.objects.create(name=name, calendar=calendar)
        event_append(
            actor=actor,
            now=now,
            entity=AccountsEntity.SITE,
            entity_id=site.pk,
            action=SiteAction.CREATED,
            new={"name": name, "calendar": calendar.name},
        )
    return site


def team_create(*, actor: User, now: datetime, name: str, site: Site) -> Team:
    require_admin(actor)
    name = _checked_name(name, Team.objects.filter(name__iexact=name.strip()).exists())
    with transaction.atomic():
        team = Team.objects.create(name=name, site=site)
        event_append(
            actor=actor,
            now=now,
            entity=AccountsEntity.TEAM,
            entity_id=team.pk,
            action=TeamAction.CREATED,
            new={"name": name, "site": site.name},
        )
    return team
