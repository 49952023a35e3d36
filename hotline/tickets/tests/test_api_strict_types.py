"""Issue 15, strict types: an id or a yes/no of a JSON body is a JSON integer or boolean and
nothing else. pydantic's lax mode read `false` as 0, `"1"` and `1.0` as 1, `"true"` and 1 as
true. Each is now a 422 naming the field, and nothing changes. Query strings and paths, which
are text, still read "5" as 5."""

import pytest

from hotline.audit.models import Event
from hotline.tickets.models import FaultCategory, Ticket
from hotline.tickets.tests.test_services_support import home_site, new_case

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

TICKETS = "/api/v1/tickets"
NOT_AN_ID = [False, True, "1", 1.0, "", [1], {"id": 1}]


@pytest.mark.parametrize("value", NOT_AN_ID)
def test_e3_patch_with_a_category_id_that_is_no_integer_is_422_and_changes_nothing(
    call_api, clock, centre, value
):
    ticket = new_case(centre["agent1"], clock.now)
    assert ticket.category_id is not None
    before = list(Ticket.objects.filter(pk=ticket.pk).values())
    events = Event.objects.filter(entity="tickets.ticket").count()
    response = call_api("agent1", "patch", f"{TICKETS}/{ticket.pk}", {"category_id": value})
    assert response.status_code == 422, response.content
    assert [e["loc"][-1] for e in response.json()["detail"]] == ["category_id"]
    assert list(Ticket.objects.filter(pk=ticket.pk).values()) == before
    assert Event.objects.filter(entity="tickets.ticket").count() == events


def test_e3_patch_with_a_real_category_id_and_with_null_still_works(call_api, clock, centre):
    ticket = new_case(centre["agent1"], clock.now)
    assert ticket.category_id is not None, "a new case has a category"
    other = FaultCategory.objects.exclude(pk=ticket.category_id).order_by("id").first()
    assert other is not None
    path = f"{TICKETS}/{ticket.pk}"
    assert call_api("agent1", "patch", path, {"category_id": other.pk}).status_code == 200
    ticket.refresh_from_db()
    assert ticket.category_id == other.pk


@pytest.mark.parametrize("as_sent", [str, float, bool])
def test_e3_taking_a_case_for_a_customer_id_that_is_no_integer_is_422(call_api, clock, as_sent):
    customer_id = as_sent(home_site().customer_id)  # "7", 7.0, True: a real customer, lax
    body = {"customer_id": customer_id, "kind": "enquiry", "symptom": "Warranty?"}
    response = call_api("agent1", "post", TICKETS, body)
    assert response.status_code == 422, response.content
    assert not Ticket.objects.exists()


@pytest.mark.parametrize("value", ["true", 1, 0, "yes", None])
def test_approval_flag_that_is_no_boolean_is_422(call_api, clock, centre, value):
    ticket = new_case(centre["agent1"], clock.now)
    before = list(Ticket.objects.filter(pk=ticket.pk).values())
    body = {"approved": value, "reason": "Fine"}
    response = call_api("lead", "post", f"{TICKETS}/{ticket.pk}/approve", body)
    assert response.status_code == 422, response.content
    assert list(Ticket.objects.filter(pk=ticket.pk).values()) == before


def test_query_string_ids_are_still_read_from_text(call_api, clock, centre):
    mine = new_case(centre["agent1"], clock.now)
    listed = call_api("agent1", "get", f"{TICKETS}?customer_id={mine.customer_id}")
    assert listed.status_code == 200
    assert [row["id"] for row in listed.json()["tickets"]] == [mine.pk]
