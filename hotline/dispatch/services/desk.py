"""D4: "the provider's desk checks its orders 2-3 times a day", tracked.

A check is a visit by one of the provider's staff to the portal's order list (the page or the
API list). Visits less than DESK_CHECK_GAP after the provider's last counted check are the same
check: a refresh storm, or two people at one desk, is one look at the orders, not many. The
gap is not a rulebook number (the rulebook counts checks a day); it only says what one check is.
Checks count for the centre's local day they fall in.
"""

from datetime import datetime, timedelta

from django.db import transaction

from hotline.accounts.choices import Role
from hotline.accounts.models import User
from hotline.audit.services import event_append
from hotline.directory.models import Provider
from hotline.dispatch.events import DispatchEntity, ProviderAction
from hotline.dispatch.models import DeskCheck
from hotline.rulebook.selectors import centre_calendar

DESK_CHECK_GAP = timedelta(minutes=30)


def desk_check_record(*, actor: User, now: datetime) -> DeskCheck | None:
    """Count the visit as a check unless the provider's last one is under DESK_CHECK_GAP old;
    returns the new check, or None. Staff of no provider make no checks."""
    if actor.role != Role.PROVIDER or actor.provider_id is None:
        return None
    with transaction.atomic():
        # The provider's row is the lock: two tabs refreshing at once make one check.
        Provider.objects.select_for_update().filter(pk=actor.provider_id).values("pk").first()
        last = (
            DeskCheck.objects.filter(provider_id=actor.provider_id)
            .order_by("-at", "-id")
            .values_list("at", flat=True)
            .first()
        )
        if last is not None and now - last < DESK_CHECK_GAP:
            return None
        day = now.astimezone(centre_calendar().tz()).date()
        check = DeskCheck.objects.create(provider_id=actor.provider_id, by=actor, at=now, day=day)
        event_append(
            actor=actor,
            now=now,
            entity=DispatchEntity.PROVIDER,
            entity_id=actor.provider_id,
            action=ProviderAction.DESK_CHECK,
            new={"day": day.isoformat()},
            rule="D4",
        )
    return check
