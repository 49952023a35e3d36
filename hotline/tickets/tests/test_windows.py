"""Issue 14, visit windows (A5, C1, D1, D6): a later date is the customer's recorded choice,
never a typo's; the promises follow the window as it is now; a window is bounded (not past,
not beyond the horizon, not longer than a day); refusals read in the centre's time and the
reader's format. Through the API and the ticket page, on a clock that moves (Monday 23 Nov
2026, 10:00 in Sofia; the urban response limit is Tuesday 10:00)."""

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from hotline.audit.models import Event
from hotline.directory.choices import Zone
from hotline.directory.models import CustomerSite, Equipment, SlaContract
from hotline.testing.times import sofia
from hotline.tickets.choices import TicketState
from hotline.tickets.models import FaultCategory, Ticket
from hotline.tickets.tests.test_services_support import SYMPTOM, home_site, walked

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

TICKETS = "/api/v1/tickets"
SOFIA = ZoneInfo("Europe/Sofia")


def opened(call_api, site: CustomerSite | None = None, agent: str = "agent1") -> int:  # type: ignore[no-untyped-def]
    site = site or home_site()
    category = FaultCategory.objects.order_by("id").first()
    assert category is not None
    body = {
        "customer_id": site.customer_id,
        "kind": "repair",
        "site_id": site.pk,
        "equipment_id": site.equipment.first().pk,  # type: ignore[union-attr]
        "category_id": category.pk,
        "script_answers": walked(category),
        "symptom": SYMPTOM,
        "contact_name": "Maria Ivanova",
        "contact_phone": "+359 88 123 4567",
    }
    created = call_api(agent, "post", TICKETS, body)
    assert created.status_code == 201, created.content
    return int(created.json()["id"])


def window(start: datetime, end: datetime, **extra: object) -> dict[str, object]:
    return {"start": start.isoformat(), "end": end.isoformat(), **extra}


def test_a5_a_window_past_the_response_limit_is_refused_unless_the_customer_chose_it(
    call_api, clock, centre
):
    ticket_id = opened(call_api)
    promised = Ticket.objects.get(pk=ticket_id).response_due
    assert promised == sofia(2026, 11, 24, 10, 0)  # urban: 24 h
    clock.advance(minutes=3)
    path = f"{TICKETS}/{ticket_id}/window"
    friday = (sofia(2026, 11, 27, 9, 0), sofia(2026, 11, 27, 12, 0))
    silent = call_api("agent1", "post", path, window(*friday))
    assert (silent.status_code, silent.json()["rule"]) == (409, "A5")
    # the limit it names reads in Sofia's time and English format, not raw UTC
    assert "24 November 2026, 10:00" in silent.json()["detail"]
    assert "+00:00" not in silent.json()["detail"]
    no_reason = call_api("agent1", "post", path, window(*friday, customer_chose_later=True))
    assert (no_reason.status_code, no_reason.json()["rule"]) == (409, "D6")
    ticket = Ticket.objects.get(pk=ticket_id)
    assert (ticket.window_start, ticket.response_due) == (None, promised)  # nothing changed
    # another agent can't set it: 404, nothing changed
    chosen = window(*friday, customer_chose_later=True, later_reason="Away until Friday")
    assert call_api("agent2", "post", path, chosen).status_code == 404
    assert Ticket.objects.get(pk=ticket_id).later_date_reason == ""
    clock.advance(minutes=1)
    accepted = call_api("agent1", "post", path, chosen)
    assert accepted.status_code == 200, accepted.content
    data = accepted.json()
    assert data["later_date_reason"] == "Away until Friday"
    assert data["later_date_by"] == "agent1"
    assert data["later_date_at"] is not None
    assert Ticket.objects.get(pk=ticket_id).response_due == friday[1]  # D6: their date
    event = Event.objects.filter(entity_id=str(ticket_id), action="window_set").last()
    assert event is not None
    assert (event.rule, event.reason, event.actor_id) == (
        "D6",
        "Away until Friday",
        centre["agent1"].pk,
    )
    # the customer hears it back as their own choice (E2)
    read = call_api("agent1", "post", f"{TICKETS}/{ticket_id}/read-back")
    assert read.status_code == 200, read.content
    text = read.json()["read_back_text"]
    assert "You chose this later date yourself: Away until Friday" in text


def test_d6_correcting_the_window_brings_the_promises_back(call_api, clock):
    ticket_id = opened(call_api)
    promised = Ticket.objects.get(pk=ticket_id).response_due
    path = f"{TICKETS}/{ticket_id}/window"
    later = window(
        sofia(2026, 12, 21, 9, 0),
        sofia(2026, 12, 21, 12, 0),
        customer_chose_later=True,
        later_reason="Visiting family",
    )
    clock.advance(minutes=2)
    assert call_api("agent1", "post", path, later).status_code == 200
    assert Ticket.objects.get(pk=ticket_id).response_due == sofia(2026, 12, 21, 12, 0)
    clock.advance(minutes=2)  # the customer changes their mind: tomorrow morning after all
    sooner = call_api(
        "agent1", "post", path, window(sofia(2026, 11, 24, 9, 0), sofia(2026, 11, 24, 10, 0))
    )
    assert sooner.status_code == 200, sooner.content
    ticket = Ticket.objects.get(pk=ticket_id)
    assert ticket.response_due == promised
    assert (ticket.later_date_reason, ticket.later_date_by, ticket.later_date_at) == (
        "",
        None,
        None,
    )
    # ticking "later" for a window within the limit is no later date at all
    within = window(
        sofia(2026, 11, 24, 8, 30),
        sofia(2026, 11, 24, 9, 30),
        customer_chose_later=True,
        later_reason="Typo",
    )
    assert call_api("agent1", "post", path, within).json()["later_date_reason"] == ""
    assert Ticket.objects.get(pk=ticket_id).response_due == promised


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (datetime(9999, 12, 31, 9, 0, tzinfo=SOFIA), datetime(9999, 12, 31, 12, 0, tzinfo=SOFIA)),
        (sofia(2027, 11, 23, 9, 0), sofia(2027, 11, 23, 12, 0)),  # a year out: past the horizon
        (sofia(2026, 11, 23, 9, 30), sofia(2026, 11, 23, 12, 0)),  # half an hour ago
        (sofia(2026, 11, 24, 9, 0), sofia(2026, 11, 26, 9, 0)),  # two days long
        (datetime(1, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=14))), sofia(2026, 11, 24, 9)),
    ],
)
def test_c1_a_window_out_of_bounds_is_a_clear_422_and_changes_nothing(call_api, clock, start, end):
    ticket_id = opened(call_api)
    before = Ticket.objects.get(pk=ticket_id)
    clock.advance(minutes=5)
    body = window(start, end, customer_chose_later=True, later_reason="Typed by mistake")
    refused = call_api("agent1", "post", f"{TICKETS}/{ticket_id}/window", body)
    assert refused.status_code == 422, refused.content
    detail = refused.json()["detail"]
    if isinstance(detail, list):  # outside the years any API time may name (hotline.bounds)
        assert {tuple(failure["loc"])[-1] for failure in detail} >= {"start"}
    else:  # a sentence with the rule's bounds
        assert "180 days" in detail
    after = Ticket.objects.get(pk=ticket_id)
    assert (after.window_start, after.response_due, after.later_date_reason) == (
        None,
        before.response_due,
        "",
    )
    assert call_api("agent1", "get", f"{TICKETS}/{ticket_id}").status_code == 200


def test_c1_a_window_a_little_late_on_the_call_is_within_the_tolerance(call_api, clock):
    ticket_id = opened(call_api)
    clock.advance(hours=1)  # 11:00 in Sofia
    path = f"{TICKETS}/{ticket_id}/window"
    late = window(sofia(2026, 11, 23, 10, 50), sofia(2026, 11, 23, 12, 0))
    assert call_api("agent1", "post", path, late).status_code == 200
    too_late = window(sofia(2026, 11, 23, 10, 40), sofia(2026, 11, 23, 12, 0))
    assert call_api("agent1", "post", path, too_late).status_code == 422
    assert Ticket.objects.get(pk=ticket_id).window_start == sofia(2026, 11, 23, 10, 50)


def test_d6_a_new_site_recounts_the_promises_and_drops_a_window_they_no_longer_allow(
    call_api, clock
):
    SlaContract.objects.update(response_within=timedelta(hours=72))  # the zone decides (D6)
    urban = home_site(Zone.URBAN)
    suburban = CustomerSite.objects.create(
        customer=urban.customer, address="Dacha, Bankya", region=urban.region, zone=Zone.SUBURBAN
    )
    Equipment.objects.create(site=suburban, kind="Boiler", model="Ariston 80")
    ticket_id = opened(call_api, suburban)
    assert Ticket.objects.get(pk=ticket_id).response_due == sofia(2026, 11, 25, 10, 0)  # 48 h
    clock.advance(minutes=2)
    wednesday = window(sofia(2026, 11, 25, 8, 30), sofia(2026, 11, 25, 9, 30))
    assert call_api("agent1", "post", f"{TICKETS}/{ticket_id}/window", wednesday).status_code == 200
    clock.advance(minutes=2)  # wrong address: the customer is at home in town (24 h)
    moved = call_api(
        "agent1", "patch", f"{TICKETS}/{ticket_id}", {"site_id": urban.pk, "equipment_id": None}
    )
    assert moved.status_code == 200, moved.content
    ticket = Ticket.objects.get(pk=ticket_id)
    assert ticket.response_due == sofia(2026, 11, 24, 10, 0)
    assert ticket.window_start is None  # Wednesday is past the new limit: agree a new window
    event = Event.objects.filter(entity_id=str(ticket_id), action="edited").last()
    assert event is not None
    assert event.new is not None
    assert event.new["window"] is None


def test_d1_the_refusal_reads_in_the_centres_time_zone_not_raw_utc(call_api, clock, centre):
    clock.advance(hours=6, minutes=30)  # 16:30 in Sofia: after the D1 cut-off
    ticket_id = opened(call_api)
    booked_for = Ticket.objects.get(pk=ticket_id).booked_for
    assert booked_for is not None, "D1 books the case for a day"
    assert booked_for.isoformat() == "2026-11-24"
    refused = call_api(
        "agent1",
        "post",
        f"{TICKETS}/{ticket_id}/window",
        window(sofia(2026, 11, 23, 17, 0), sofia(2026, 11, 23, 18, 0)),
    )
    assert (refused.status_code, refused.json()["rule"]) == (409, "D1")
    detail = refused.json()["detail"]
    assert "24 November 2026, 08:30" in detail  # 06:30 UTC, in Sofia
    assert "06:30" not in detail
    assert "+00:00" not in detail
    # in the reader's language and format too
    centre["agent1"].language = "bg"
    centre["agent1"].save(update_fields=["language"])
    bulgarian = call_api(
        "agent1",
        "post",
        f"{TICKETS}/{ticket_id}/window",
        window(sofia(2026, 11, 23, 17, 0), sofia(2026, 11, 23, 18, 0)),
    ).json()["detail"]
    assert "24 ноември 2026 г., 08:30" in bulgarian.lower()


# --- the ticket page ---------------------------------------------------------------------------


def test_d6_the_ticket_page_records_the_customers_later_date_and_refuses_year_9999(
    client, centre, clock, call_api
):
    ticket_id = opened(call_api)
    client.force_login(centre["agent1"])
    url = reverse("tickets:act", args=[ticket_id])
    clock.advance(minutes=2)
    typo = client.post(
        url, {"action": "window", "start": "9999-11-27T09:00", "end": "9999-11-27T12:00"}
    )
    assert typo.status_code == 400
    assert "180 days" in typo.content.decode()
    assert Ticket.objects.get(pk=ticket_id).window_start is None
    friday = {"action": "window", "start": "2026-11-27T09:00", "end": "2026-11-27T12:00"}
    silent = client.post(url, friday)
    assert silent.status_code == 409
    assert 'data-rule="A5"' in silent.content.decode()
    unexplained = client.post(url, friday | {"customer_chose_later": "on"})
    assert unexplained.status_code == 400  # the form asks why
    assert Ticket.objects.get(pk=ticket_id).window_start is None
    chosen = friday | {"customer_chose_later": "on", "later_reason": "Away until Friday"}
    assert client.post(url, chosen).status_code == 302
    page = client.get(reverse("tickets:detail", args=[ticket_id])).content.decode()
    assert 'data-testid="later-date"' in page
    assert "Away until Friday" in page
    ticket = Ticket.objects.get(pk=ticket_id)
    assert ticket.response_due == sofia(2026, 11, 27, 12, 0)
    assert ticket.state == TicketState.OPEN


def test_d6_the_case_list_reads_later_dates_without_a_query_per_case(call_api, clock):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    chosen = window(
        sofia(2026, 11, 27, 9, 0),
        sofia(2026, 11, 27, 12, 0),
        customer_chose_later=True,
        later_reason="Away until Friday",
    )

    def listed() -> int:
        with CaptureQueriesContext(connection) as captured:
            page = call_api("lead", "get", TICKETS)
        assert page.status_code == 200
        return len(captured)

    first = opened(call_api)
    assert call_api("agent1", "post", f"{TICKETS}/{first}/window", chosen).status_code == 200
    listed()  # the token's first use is written once
    one = listed()
    for _ in range(3):
        clock.advance(minutes=1)
        more = opened(call_api)
        assert call_api("agent1", "post", f"{TICKETS}/{more}/window", chosen).status_code == 200
    assert listed() == one
    rows = call_api("lead", "get", TICKETS).json()["tickets"]
    assert {row["later_date_by"] for row in rows} == {"agent1"}
