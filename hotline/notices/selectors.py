"""Notices as each user may see them: their own only; the to-log list for those who log it."""

from django.db.models import QuerySet

from hotline.accounts.choices import Role
from hotline.accounts.models import User
from hotline.accounts.permissions import NOTICE_LOGGERS
from hotline.notices.choices import NoticeState
from hotline.notices.models import Notice
from hotline.paging import page_of

PAGE_SIZE = 50


def notices_for(user: User) -> QuerySet[Notice]:
    """A customer's account, a provider's desk, or a member of staff: what was sent to them."""
    # The role and its binding go together (a database constraint); both are checked anyway.
    if user.role == Role.CUSTOMER and user.customer_id is not None:
        found = Notice.objects.filter(customer_id=user.customer_id)
    elif user.role == Role.PROVIDER and user.provider_id is not None:
        found = Notice.objects.filter(provider_id=user.provider_id)
    else:
        found = Notice.objects.filter(user=user)
    return found.order_by("-created_at", "-id")


def notices_page(user: User, page: int) -> tuple[list[Notice], bool]:
    """One page of the user's notices, newest first, and whether there is a next one."""
    return page_of(notices_for(user), page, PAGE_SIZE)


def notices_to_log(user: User) -> QuerySet[Notice]:
    """Phone calls and faxes waiting for a person to make them (D3), oldest first."""
    if user.role not in NOTICE_LOGGERS:
        return Notice.objects.none()
    return (
        Notice.objects.filter(state=NoticeState.TO_LOG)
        .select_related("provider", "customer", "work_order")
        .order_by("created_at", "id")
    )
