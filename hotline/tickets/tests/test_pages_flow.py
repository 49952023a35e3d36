"""The ticket page's writing flow (E3, A5/C1, C4, E2): facts, visit window and options in one
form, saved together (or not at all), then read back. The separate actions stay as they were
(test_pages_ticket.py)."""

import pytest
from django.urls import reverse

from hotline.audit.models import Event
from hotline.tickets.choices import TicketState
from hotline.tickets.events import TicketAction
from hotline.tickets.models import Ticket
from hotline.tickets.tests.conftest import _ticks, open_ticket, text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english", "clock")]


def flow(client, ticket, action="edit", **typed):
    data = {
        "flow": "1",
        "action": action,
        "symptom": "Does not switch on, no light on the display",
        "steps_tried": "Tried another socket",
        "contact_name": ticket.contact_name,
        "contact_phone": ticket.contact_phone,
        "site": ticket.site_id or "",
        "equipment": ticket.equipment_id or "",
        "category": ticket.category_id or "",
        "special_request": "",
        **_ticks(ticket),
        **typed,
    }
    return client.post(reverse("tickets:act", args=[ticket.pk]), data)


WINDOW = {"start": "2026-11-23T13:00", "end": "2026-11-23T15:00"}
OPTIONS = {"offered": ["repair", "replace"], "chosen": "repair"}


def actions(ticket):
    return list(
        Event.objects.filter(entity_id=str(ticket.pk), action__in=list(TicketAction))
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_the_writing_flow_is_one_form_with_one_set_of_buttons(client, centre, now, site):
    ticket = open_ticket(centre, now, site)
    client.force_login(centre["agent1"])
    page = text(client.get(reverse("tickets:detail", args=[ticket.pk])))
    assert page.count('data-testid="read-back-button"') == 1
    facts_form = page[
        page.index('id="facts-form"') : page.index("</form>", page.index('id="facts-form"'))
    ]
    for field in ('name="symptom"', 'name="start"', 'name="offered"', 'name="chosen"'):
        assert field in facts_form  # the window and the options are part of the facts form
    assert 'data-testid="save-window"' not in page
    assert 'name="flow"' in page


def test_e3_c1_c4_facts_window_and_options_are_saved_together(client, centre, now, site):
    ticket = open_ticket(centre, now, site)
    client.force_login(centre["agent1"])

    response = flow(client, ticket, **WINDOW, **OPTIONS)

    assert response.status_code == 302, text(response)
    ticket.refresh_from_db()
    assert ticket.steps_tried == "Tried another socket"
    assert ticket.window_start is not None
    assert (ticket.options_offered, ticket.option_chosen) == (["repair", "replace"], "repair")
    assert actions(ticket)[-3:] == [
        TicketAction.EDITED,
        TicketAction.WINDOW_SET,
        TicketAction.OPTIONS_RECORDED,
    ]
    # saved again unchanged: no new window nor options event
    assert flow(client, ticket, **WINDOW, **OPTIONS).status_code == 302
    assert actions(ticket).count(TicketAction.WINDOW_SET) == 1
    assert actions(ticket).count(TicketAction.OPTIONS_RECORDED) == 1


def test_e2_read_back_from_the_flow_saves_first(client, centre, now, site):
    ticket = open_ticket(centre, now, site)
    client.force_login(centre["agent1"])
    response = flow(client, ticket, action="read_back", **WINDOW)
    assert response.status_code == 302, text(response)
    ticket.refresh_from_db()
    assert ticket.state == TicketState.READ_BACK
    assert "Tried another socket" in ticket.read_back_text


@pytest.mark.parametrize(
    "typed",
    [
        {"chosen": "repair"},  # a choice without what was offered
        {"start": "2026-11-23T13:00"},  # a window without its end
        {"start": "2020-01-01T13:00", "end": "2020-01-01T15:00"},  # in the past (C1)
    ],
)
def test_flow_bad_part_is_400_and_saves_none_of_it(client, centre, now, site, typed):
    ticket = open_ticket(centre, now, site)
    before = actions(ticket)
    client.force_login(centre["agent1"])
    response = flow(client, ticket, **typed)
    assert response.status_code == 400
    assert "Tried another socket" in text(response)  # what was typed comes back
    stored = Ticket.objects.get(pk=ticket.pk)
    assert (stored.steps_tried, stored.window_start, stored.option_chosen) == ("", None, "")
    assert actions(ticket) == before


def test_flow_on_another_agents_ticket_is_404(client, centre, now, site):
    ticket = open_ticket(centre, now, site)
    client.force_login(centre["agent2"])
    assert flow(client, ticket, **WINDOW).status_code == 404
    assert Ticket.objects.get(pk=ticket.pk).window_start is None
