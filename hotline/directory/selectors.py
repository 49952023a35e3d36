"""Finding customers, scoped by the acting user: staff find any customer, a customer only their
own account, anyone else none. The one customer search of the case pages, the E5 record page
and the API; the sites and equipment of a customer found so."""

from django.db.models import Q, QuerySet

from hotline.accounts.choices import Role
from hotline.accounts.models import User
from hotline.directory.models import Customer, CustomerSite, Equipment, phone_key

SEARCH_LENGTH = 100  # a search box's query

CUSTOMER_SEARCHERS = frozenset(
    {Role.AGENT, Role.TEAM_LEAD, Role.MANAGER, Role.DISPATCHER, Role.ADMIN}
)


def customers_for(user: User, query: str = "") -> QuerySet[Customer]:
    """The customers `user` may look up, matching `query` (name, e-mail, phone digits, or the
    account's number), by name."""
    if user.role == Role.CUSTOMER and user.customer_id is not None:
        found = Customer.objects.filter(pk=user.customer_id)
    elif user.role in CUSTOMER_SEARCHERS:
        found = Customer.objects.all()
    else:
        return Customer.objects.none()
    text = query.strip()[:SEARCH_LENGTH]  # a page's query string is not bounded
    if text:
        match = Q(name__icontains=text) | Q(email__iexact=text)
        digits = phone_key(text)
        if len(digits) >= 4:
            match |= Q(phone_key__contains=digits)
        if text.isdigit() and len(text) <= 10:
            match |= Q(pk=int(text))
        found = found.filter(match)
    return found.order_by("name", "id")


def customers_matching(user: User, query: str, limit: int) -> list[Customer]:
    """A search box's first `limit` matches; none until something is typed."""
    if not query.strip():
        return []
    return list(customers_for(user, query)[:limit])


def customer_for(user: User, customer_id: int) -> Customer:
    """One customer `user` may look up, or `Customer.DoesNotExist` (no leak)."""
    return customers_for(user).get(pk=customer_id)


def sites_for(user: User, customer_id: int) -> QuerySet[CustomerSite]:
    """The sites of a customer `user` may look up (DoesNotExist for any other)."""
    customer = customer_for(user, customer_id)
    return customer.sites.select_related("region").order_by("address", "id")


def equipment_for(user: User, customer_id: int, site_id: int | None = None) -> QuerySet[Equipment]:
    """The equipment at a customer's sites (or at one of them), for a customer `user` may see."""
    customer = customer_for(user, customer_id)
    found = Equipment.objects.filter(site__customer=customer)
    if site_id is not None:
        found = found.filter(site_id=site_id)
    return found.order_by("site__address", "kind", "id")
