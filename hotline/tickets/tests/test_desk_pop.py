"""The desk's screen pop (E4), linking the call to a case, and the case pane beside the call:
driven over HTTP as the agent drives the desk (the desk's panel, htmx's requests)."""

from datetime import timedelta

import pytest
from django.urls import reverse

from hotline.audit.models import Event
from hotline.calls.choices import CallState, OfferOutcome, WrapUpCode
from hotline.calls.models import Call, Offer, Queue
from hotline.calls.services.agents import agent_log_in, agent_make_ready
from hotline.calls.services.calls import call_arrive
from hotline.directory.choices import Zone
from hotline.directory.models import Customer, CustomerSite, Equipment, Region
from hotline.testing.cases import make_ticket
from hotline.tickets.choices import TicketState
from hotline.tickets.events import TicketAction
from hotline.tickets.models import CallLink, Ticket
from hotline.tickets.tests.conftest import text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english", "clock")]

PANE = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "case-pane"}


@pytest.fixture
def stranger(centre) -> Customer:
    """Another customer, with a site, equipment, an open case and a call of their own."""
    other = Customer.objects.create(name="Velichka Stranger", phone="+359 87 555 0199")
    site = CustomerSite.objects.create(
        customer=other,
        address="9 Hidden Street, Varna",
        region=Region.objects.order_by("id")[0],
        zone=Zone.URBAN,
    )
    Equipment.objects.create(site=site, kind="Dryer", model="SECRET-MODEL-9")
    return other


def earlier_call(customer, agent, at, **extra) -> Call:
    return Call.objects.create(
        queue=Queue.objects.get(code="repairs"),
        caller_number=customer.phone if customer else "+359 2 000 0001",
        customer=customer,
        state=CallState.ENDED,
        arrived_at=at - timedelta(minutes=1),
        answered_at=at,
        ended_at=at + timedelta(minutes=3),
        agent=agent,
        **extra,
    )


def panel(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("calls:desk_panel"))
    assert response.status_code == 200
    return text(response)


def test_e4_screen_pop_shows_the_callers_account_and_nothing_of_another_customer(
    client, centre, now, call, site, stranger
):
    customer = call.customer
    own_case = make_ticket(centre["agent2"], now - timedelta(days=1), site=site)
    earlier = earlier_call(
        customer,
        centre["agent2"],
        now - timedelta(days=2),
        wrap_up_code=WrapUpCode.INFO_GIVEN,
        wrap_up_note="Asked about the warranty",
    )
    made_then = make_ticket(
        centre["agent2"], now - timedelta(days=2), site=site, call=earlier, state="solved"
    )
    other_case = make_ticket(centre["agent1"], now - timedelta(days=1), site=stranger.sites.get())
    earlier_call(stranger, centre["agent1"], now - timedelta(hours=3))

    page = panel(client, centre["agent1"])

    assert 'data-testid="screen-pop"' in page
    assert customer.name in page
    assert site.address in page
    equipment = site.equipment.first()
    assert equipment is not None
    assert equipment.model in page
    assert own_case.number in page  # open case, with its button to link this call
    assert f'name="case" value="{own_case.pk}"' in page
    assert made_then.number in page  # the last contact and the case made on it
    assert "Information given" in page
    assert "Asked about the warranty" in page
    for secret in (stranger.name, "9 Hidden Street", "SECRET-MODEL-9", other_case.number):
        assert secret not in page
    # agent2's case: shown (E4) but its page is agent2's (D11): no link to a 404
    assert f"{reverse('tickets:detail', args=[own_case.pk])}" not in page


def test_e4_screen_pop_rings_with_the_call_and_offers_no_link_before_the_answer(
    client, centre, now, customer, site
):
    agent_log_in(actor=centre["agent1"], now=now)
    agent_make_ready(actor=centre["agent1"], now=now)
    case = make_ticket(centre["agent1"], now - timedelta(days=1), site=site)
    call_arrive(now=now, queue=Queue.objects.get(code="repairs"), caller_number=customer.phone)
    offer = Offer.objects.get(outcome=OfferOutcome.PENDING)
    assert offer.agent == centre["agent1"]

    page = panel(client, centre["agent1"])

    offer_section = page[page.index('data-testid="offer"') :]
    assert customer.name in offer_section
    assert case.number in offer_section
    assert 'data-testid="link-case"' not in page  # linking comes with the answered call


def test_e4_screen_pop_of_an_unknown_number_shows_no_account(client, centre, now, stranger):
    Call.objects.create(
        queue=Queue.objects.get(code="repairs"),
        caller_number="+359 2 000 0001",
        state=CallState.CONNECTED,
        arrived_at=now - timedelta(minutes=2),
        agent=centre["agent1"],
        answered_at=now - timedelta(minutes=1),
    )
    earlier_call(None, centre["agent2"], now - timedelta(days=1), wrap_up_note="Wrong shop")
    # the same number once recognised as the stranger's: none of it to an unknown caller
    theirs = earlier_call(stranger, centre["agent2"], now - timedelta(days=3))
    Call.objects.filter(pk=theirs.pk).update(
        caller_number="+359 2 000 0001", wrap_up_note="Stranger's own matter"
    )

    page = panel(client, centre["agent1"])

    assert 'data-testid="pop-unknown"' in page
    assert "Wrong shop" in page
    assert "Stranger's own matter" not in page
    assert stranger.name not in page
    assert "9 Hidden Street" not in page


def test_e4_linking_the_call_to_the_callers_case(client, centre, now, call, site):
    case = make_ticket(centre["agent2"], now - timedelta(days=1), site=site)
    client.force_login(centre["agent1"])
    url = reverse("tickets:link_call", args=[call.pk])

    response = client.post(url, {"case": case.pk})
    again = client.post(url, {"case": case.pk})  # a double click: one link

    assert (response.status_code, again.status_code) == (200, 200)
    link = CallLink.objects.get()
    assert (link.call, link.ticket, link.linked_by) == (call, case, centre["agent1"])
    event = Event.objects.get(action=TicketAction.CALL_LINKED)
    assert (event.entity_id, event.new, event.rule) == (str(case.pk), {"call": call.pk}, "E4")
    assert 'data-testid="this-call-cases"' in text(response)
    assert f'name="case" value="{case.pk}"' not in text(response)  # linked: no second button
    assert case.number in text(response)
    assert Ticket.objects.get(pk=case.pk).state == TicketState.TO_DISPATCH  # case unchanged
    client.force_login(centre["agent2"])  # the case's owner reads it in its history
    history = text(client.get(reverse("tickets:detail", args=[case.pk])))
    assert "A call about it was linked" in history


def test_e4_linking_to_a_case_that_is_not_the_callers_is_404_and_changes_nothing(
    client, centre, now, call, stranger
):
    others = make_ticket(centre["agent1"], now - timedelta(days=1), site=stranger.sites.get())
    client.force_login(centre["agent1"])
    url = reverse("tickets:link_call", args=[call.pk])

    assert client.post(url, {"case": others.pk}).status_code == 404
    assert client.post(url, {"case": 999999}).status_code == 404
    assert client.post(url, {"case": "x"}).status_code == 400
    assert not CallLink.objects.exists()
    assert not Event.objects.filter(action=TicketAction.CALL_LINKED).exists()


def test_b10_linking_another_agents_call_is_404(client, centre, now, call, site):
    case = make_ticket(centre["agent2"], now - timedelta(days=1), site=site)
    client.force_login(centre["agent2"])
    response = client.post(reverse("tickets:link_call", args=[call.pk]), {"case": case.pk})
    assert response.status_code == 404
    assert not CallLink.objects.exists()


def test_an_unknown_callers_call_links_only_to_the_agents_own_cases(client, centre, now, site):
    call = Call.objects.create(
        queue=Queue.objects.get(code="repairs"),
        caller_number="+359 2 000 0001",
        state=CallState.CONNECTED,
        arrived_at=now - timedelta(minutes=2),
        agent=centre["agent1"],
        answered_at=now - timedelta(minutes=1),
    )
    mine = make_ticket(centre["agent1"], now - timedelta(days=1), site=site)
    theirs = make_ticket(centre["agent2"], now - timedelta(days=1), site=site)
    client.force_login(centre["agent1"])
    url = reverse("tickets:link_call", args=[call.pk])
    assert client.post(url, {"case": theirs.pk}).status_code == 404
    assert client.post(url, {"case": mine.pk}).status_code == 200
    assert list(CallLink.objects.values_list("ticket", flat=True)) == [mine.pk]


def test_a_call_no_longer_on_the_desk_cannot_be_linked(client, centre, now, call, site):
    case = make_ticket(centre["agent1"], now - timedelta(days=1), site=site)
    Call.objects.filter(pk=call.pk).update(state=CallState.ENDED)
    client.force_login(centre["agent1"])
    response = client.post(reverse("tickets:link_call", args=[call.pk]), {"case": case.pk})
    assert response.status_code == 409
    assert not CallLink.objects.exists()


# --- the case pane beside the call --------------------------------------------------------


def test_case_form_opens_in_the_desk_pane_without_the_sites_frame(client, centre, call):
    client.force_login(centre["agent1"])
    pane = text(client.get(reverse("tickets:new"), {"call": call.pk}, **PANE))
    page = text(client.get(reverse("tickets:new"), {"call": call.pk}))
    assert 'class="topbar"' not in pane
    assert 'class="topbar"' in page
    assert 'id="new-ticket"' in pane
    assert 'id="new-ticket"' in page
    # the form posts to the case form, not to the desk's page it sits in
    assert f'action="{reverse("tickets:new")}"' in pane


def test_case_opened_in_the_pane_comes_back_in_the_pane_with_the_read_back_next(
    client, centre, call, site, category
):
    client.force_login(centre["agent1"])
    data = {
        "call": call.pk,
        "customer": call.customer.pk,
        "kind": "repair",
        "site": site.pk,
        "equipment": site.equipment.first().pk,
        "category": category.pk,
        "symptom": "No power at all",
        "contact_name": "Maria",
        "contact_phone": call.caller_number,
    }
    response = client.post(reverse("tickets:new"), data, follow=True, **PANE)
    assert response.status_code == 200
    ticket = Ticket.objects.get(call=call)
    page = text(response)
    assert 'class="topbar"' not in page  # still in the pane: the redirect kept htmx's headers
    assert ticket.number in page
    assert 'data-testid="read-back-button"' in page
    assert reverse("tickets:act", args=[ticket.pk]) in page


def test_desk_page_keeps_the_case_pane_outside_the_live_panel(client, centre, call):
    client.force_login(centre["agent1"])
    page = text(client.get(reverse("calls:desk")))
    desk_at, pane_at = page.index('id="desk"'), page.index('id="case-pane"')
    assert desk_at < pane_at
    # the live panel's element is closed before the pane begins
    assert page[desk_at:pane_at].count("<div") <= page[desk_at:pane_at].count("</div>")
    assert 'hx-target="#case-pane"' in page  # the call's "New ticket" opens the case there
