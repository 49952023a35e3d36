"""Issue 14, bounds: every text the cases API takes is as long as the pages and columns allow,
every id and page has its range, every choice is an enum, and the OpenAPI says so. Bad input
is a 422 whose `detail` lists the fields, and changes nothing."""

import pytest

from hotline.audit.models import Event
from hotline.tickets import limits
from hotline.tickets.models import Complaint, Ticket
from hotline.tickets.tests.test_services_support import SYMPTOM, home_site, new_case

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

TICKETS = "/api/v1/tickets"


def enquiry(**extra: object) -> dict[str, object]:
    site = home_site()
    return {"customer_id": site.customer_id, "kind": "enquiry", "symptom": "Warranty?", **extra}


@pytest.mark.parametrize(
    "bad",
    [
        {"symptom": "x" * (limits.SYMPTOM_LENGTH + 1)},
        {"symptom": "x" * 100_000},
        {"contact_phone": "1" * (limits.CONTACT_PHONE_LENGTH + 1)},
        {"contact_name": "n" * (limits.CONTACT_NAME_LENGTH + 1)},
        {"kind": "teleport"},
        {"kind": "incident", "incident_kind": "fire"},
        {"customer_id": 0},
        {"site_id": -1},
        {"updates_id": 2**63},
        {"script_answers": [{"step": "s" * (limits.SCRIPT_STEP_LENGTH + 1)}]},
        {"script_answers": [{"step": "a", "answer": "x" * (limits.SCRIPT_ANSWER_LENGTH + 1)}]},
        {"script_answers": [{"step": "a"}] * (limits.SCRIPT_STEPS_MAX + 1)},
        {"script_answers": ["a plain string"]},
    ],
)
def test_e3_taking_a_case_with_unbounded_or_unknown_input_is_422(call_api, clock, bad):
    response = call_api("agent1", "post", TICKETS, enquiry(**bad))
    assert response.status_code == 422, response.content
    assert isinstance(response.json()["detail"], list)  # the fields that failed
    assert not Ticket.objects.exists()
    assert not Event.objects.filter(entity="tickets.ticket").exists()


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("", {"symptom": "x" * 100_000}),
        ("", {"steps_tried": "x" * (limits.STEPS_TRIED_LENGTH + 1)}),
        ("", {"special_request": "x" * (limits.SPECIAL_REQUEST_LENGTH + 1)}),
        ("", {"contact_phone": "1" * 33}),
        (
            "/window",
            {
                "start": "2026-11-24T09:00+02:00",
                "end": "2026-11-24T10:00+02:00",
                "later_reason": "x" * 301,
            },
        ),
        ("/options", {"offered": ["repair", "teleport"], "chosen": "repair"}),
        ("/options", {"offered": ["repair"] * 5, "chosen": "repair"}),
        ("/solve", {"resolution": "x" * (limits.RESOLUTION_LENGTH + 1)}),
        ("/escalate", {"reason": "x" * 100_000}),
        ("/complaint/settle", {"outcome": "x" * (limits.OUTCOME_LENGTH + 1)}),
        ("/complaint/escalate", {"reason": "x" * (limits.REASON_LENGTH + 1)}),
    ],
)
def test_e3_writing_a_case_with_unbounded_input_is_422_and_changes_nothing(
    call_api, clock, centre, path, body
):
    ticket = new_case(centre["agent1"], clock.now)
    before = list(Ticket.objects.filter(pk=ticket.pk).values())
    events = Event.objects.filter(entity="tickets.ticket").count()
    method = "patch" if not path else "post"
    response = call_api("agent1", method, f"{TICKETS}/{ticket.pk}{path}", body)
    assert response.status_code == 422, response.content
    assert list(Ticket.objects.filter(pk=ticket.pk).values()) == before
    assert Event.objects.filter(entity="tickets.ticket").count() == events


@pytest.mark.parametrize(
    ("user", "path", "body"),
    [
        ("lead", "/reassign", {"to_agent": "a" * 151, "reason": "Shift ended"}),
        ("lead", "/reassign", {"to_agent": "agent2", "reason": "x" * 1001}),
        ("lead", "/approve", {"approved": True, "reason": "x" * 1001}),
        ("dispatcher", "/bounce", {"reason": "x" * 1001}),
        ("manager", "/incident/decide", {"decision": "x" * (limits.DECISION_LENGTH + 1)}),
        ("lead", "/incident/report", {"report": "x" * (limits.REPORT_LENGTH + 1)}),
        ("manager", "/complaint/answer", {"outcome": "x" * (limits.OUTCOME_LENGTH + 1)}),
    ],
)
def test_supervisors_inputs_are_bounded_too(call_api, clock, centre, user, path, body):
    ticket = new_case(centre["agent1"], clock.now)
    before = list(Ticket.objects.filter(pk=ticket.pk).values())
    response = call_api(user, "post", f"{TICKETS}/{ticket.pk}{path}", body)
    assert response.status_code == 422, response.content
    assert list(Ticket.objects.filter(pk=ticket.pk).values()) == before


@pytest.mark.parametrize(
    "query",
    ["?state=lost", "?kind=teleport", "?page=0", "?page=2147483648", "?customer_id=0"],
)
def test_the_case_list_refuses_unknown_filters_422(call_api, clock, query):
    response = call_api("agent1", "get", f"{TICKETS}{query}")
    assert response.status_code == 422, response.content


def test_the_case_list_filters_by_customer_for_e4_links(call_api, clock, centre):
    mine = new_case(centre["agent1"], clock.now)
    listed = call_api("agent1", "get", f"{TICKETS}?customer_id={mine.customer_id}&state=open")
    assert [row["id"] for row in listed.json()["tickets"]] == [mine.pk]
    assert (
        call_api("agent2", "get", f"{TICKETS}?customer_id={mine.customer_id}").json()["tickets"]
        == []
    )  # another agent's case: not theirs to list


def test_a_path_id_out_of_range_is_422_and_an_unknown_one_404(call_api, clock):
    assert call_api("agent1", "get", f"{TICKETS}/0").status_code == 422
    assert call_api("agent1", "get", f"{TICKETS}/{2**63}").status_code == 422
    assert call_api("agent1", "get", f"{TICKETS}/{2**63 - 1}").status_code == 404


def test_openapi_shows_the_bounds_and_the_choices(client):
    schema = client.get("/api/v1/openapi.json").json()
    parts = schema["components"]["schemas"]
    ticket_in = parts["TicketIn"]["properties"]
    assert ticket_in["symptom"]["maxLength"] == limits.SYMPTOM_LENGTH
    assert ticket_in["contact_phone"]["maxLength"] == limits.CONTACT_PHONE_LENGTH
    assert ticket_in["customer_id"]["minimum"] == 1
    assert ticket_in["script_answers"]["maxItems"] == limits.SCRIPT_STEPS_MAX
    assert set(parts["TicketKind"]["enum"]) >= {"repair", "complaint", "incident"}
    assert set(parts["ServiceOption"]["enum"]) == {"repair", "replace", "refund", "other"}
    assert parts["WindowIn"]["properties"]["later_reason"]["maxLength"] == 300
    assert parts["CaseReasonIn"]["properties"]["reason"]["maxLength"] == limits.REASON_LENGTH
    assert parts["ReportIn"]["properties"]["report"]["maxLength"] == limits.REPORT_LENGTH
    listing = schema["paths"]["/api/v1/tickets"]["get"]["parameters"]
    state = next(p for p in listing if p["name"] == "state")
    assert "lost" not in str(state["schema"])
    assert "read_back" in str(schema["components"]["schemas"].get("TicketState", state))
    search = schema["paths"]["/api/v1/tickets/customers"]["get"]["parameters"]
    assert next(p for p in search if p["name"] == "q")["schema"]["maxLength"] == 100
    ticket_path = schema["paths"]["/api/v1/tickets/{ticket_id}"]["get"]["parameters"]
    assert ticket_path[0]["schema"]["maximum"] == 2**63 - 1


def test_a_complaint_text_of_100000_characters_reaches_no_engineer(call_api, clock):
    body = enquiry(kind="complaint", symptom=SYMPTOM * 3000)
    assert call_api("agent1", "post", TICKETS, body).status_code == 422
    assert not Complaint.objects.exists()
