"""Reading follow-ups: the people who make the calls and their supervisors see the list; for
anyone else there are none (404, no leak)."""

from datetime import datetime

from django.db.models import QuerySet

from hotline.accounts.models import User
from hotline.accounts.permissions import ON_THE_PHONES, SUPERVISORS
from hotline.followup.choices import FollowUpState
from hotline.followup.models import FollowUp
from hotline.paging import page_of

FILTERS = ("due", "mine", "upcoming", "done")
PAGE_SIZE = 50


def followups_for(user: User) -> QuerySet[FollowUp]:
    found = FollowUp.objects.select_related(
        "work_order__provider", "ticket__customer", "ticket__site", "taken_by", "second_dispatch"
    ).exclude(state=FollowUpState.SKIPPED)
    return found if user.role in ON_THE_PHONES | SUPERVISORS else found.none()


def followup_list(
    user: User, which: str, page: int, *, now: datetime
) -> tuple[list[FollowUp], bool]:
    """One page of a list: due now (oldest due first), my taken ones, coming up, or done."""
    found = followups_for(user)
    if which == "mine":
        found = found.filter(state=FollowUpState.TAKEN, taken_by=user).order_by("due_at", "id")
    elif which == "upcoming":
        found = found.filter(state=FollowUpState.DUE, due_at__gt=now).order_by("due_at", "id")
    elif which == "done":
        found = found.filter(state__in=(FollowUpState.RESOLVED, FollowUpState.UNRESOLVED)).order_by(
            "-done_at", "-id"
        )
    else:
        found = found.filter(
            state__in=(FollowUpState.DUE, FollowUpState.TAKEN), due_at__lte=now
        ).order_by("due_at", "id")
    return page_of(found, page, PAGE_SIZE)


def followup_for(user: User, followup_id: int) -> FollowUp:
    """One follow-up, or FollowUp.DoesNotExist when it doesn't exist or the user may not see it."""
    return followups_for(user).select_related("work_order__region", "done_by").get(pk=followup_id)
