"""Portal test data: customer1's account with every kind of record, and a stranger's account."""

from datetime import timedelta

import pytest

from hotline.accounts.choices import Role
from hotline.accounts.models import User
from hotline.directory.models import Customer, CustomerSite
from hotline.dispatch.choices import DelayReason
from hotline.dispatch.models import WorkOrder
from hotline.dispatch.services import (
    work_order_acknowledge,
    work_order_complete,
    work_order_contact,
    work_order_delay,
    work_order_dispatch,
    work_order_sign,
)
from hotline.followup.models import FollowUp
from hotline.followup.services import followup_record, followups_plan
from hotline.testing.cases import make_ticket

PNG = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
    "YPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


def desk_for(centre, site: CustomerSite) -> User:  # type: ignore[no-untyped-def]
    for name in ("provider1", "provider2", "provider3"):
        desk: User = centre[name]
        assert desk.provider_id is not None, f"{name} is a provider's desk"
        if site.region.providers.filter(pk=desk.provider_id).exists():
            return desk
    raise AssertionError("no demo provider serves the site's region")


def signed_case(centre, now, site: CustomerSite, symptom: str) -> WorkOrder:  # type: ignore[no-untyped-def]
    """Dispatched Wed 18 Nov 10:00 Sofia, visit agreed for 14:00, delayed to Thu 10:00 for
    parts (C3), completed Thu 12:00 and signed with a drawn signature (E6)."""
    t0 = now - timedelta(days=5)
    ticket = make_ticket(centre["agent1"], t0 - timedelta(minutes=10), site=site)
    ticket.symptom = symptom  # the helper's symptom is the same for everyone
    ticket.save(update_fields=["symptom"])
    order = work_order_dispatch(actor=centre["dispatcher"], now=t0, ticket=ticket)
    desk = desk_for(centre, site)
    work_order_acknowledge(actor=desk, now=t0 + timedelta(minutes=10), order_id=order.pk)
    work_order_contact(
        actor=desk,
        now=t0 + timedelta(minutes=20),
        order_id=order.pk,
        visit_start=t0 + timedelta(hours=4),
        visit_end=t0 + timedelta(hours=6),
    )
    work_order_delay(
        actor=desk,
        now=t0 + timedelta(hours=3),
        order_id=order.pk,
        reason=DelayReason.PARTS,
        new_time=t0 + timedelta(days=1),
        text="The pump comes from the warehouse",
    )
    work_order_complete(
        actor=desk, now=t0 + timedelta(days=1, hours=2), order_id=order.pk, work_done="New pump"
    )
    work_order_sign(
        actor=desk,
        now=t0 + timedelta(days=1, hours=2, minutes=5),
        order_id=order.pk,
        signer_name=site.customer.name,
        signature_image=PNG,
    )
    order.refresh_from_db()
    return order


@pytest.fixture
def account(centre, now):  # type: ignore[no-untyped-def]
    """customer1: a signed case followed up unresolved (second visit), and one waiting."""
    me = centre["customer1"]
    site = me.customer.sites.order_by("id").first()
    first = signed_case(centre, now, site, "Fridge does not cool")
    followups_plan(now=now - timedelta(days=3))
    followup = FollowUp.objects.get(work_order=first)
    followup_record(
        actor=centre["agent2"],
        now=now - timedelta(hours=2),
        followup_id=followup.pk,
        score=2,
        reason="Cools for a day, then stops",
        resolved=False,
    )
    waiting = make_ticket(centre["agent1"], now - timedelta(hours=1), site=site)
    stranger = other_account(centre, now)
    return {"user": me, "customer": me.customer, "first": first, "waiting": waiting} | stranger


def other_account(centre, now):  # type: ignore[no-untyped-def]
    customer = (
        Customer.objects.exclude(pk=centre["customer1"].customer_id)
        .filter(sites__region__code="sofia")
        .order_by("id")
        .first()
    )
    assert customer is not None, "the reference centre has a second customer in Sofia"
    site = customer.sites.filter(region__code="sofia").order_by("id").first()
    assert site is not None
    order = signed_case(centre, now, site, "Oven heats unevenly")
    user = User.objects.create_user(
        "customer2", role=Role.CUSTOMER, customer=customer, language="en"
    )
    return {"other_customer": customer, "other_user": user, "other_order": order}
