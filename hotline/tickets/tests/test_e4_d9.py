"""Issue 14, cases: E4 (the script before the read-back) and D9 (complaints about finished
cases reach the engineer and are charged to the provider), driven through the API and the
pages as the agent, the team lead, the dispatcher and the provider do, on a clock that moves
(Monday 23 Nov 2026, 10:00 in Sofia)."""

from datetime import timedelta

import pytest
from django.urls import reverse

from hotline.audit.models import Event
from hotline.directory.models import CustomerSite
from hotline.dispatch.models import WorkOrder
from hotline.tickets.choices import ComplaintState, TicketState
from hotline.tickets.models import Complaint, FaultCategory, Ticket
from hotline.tickets.tests.test_services_support import SYMPTOM, home_site, other_site, walked

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

TICKETS = "/api/v1/tickets"


def category() -> FaultCategory:
    found = FaultCategory.objects.order_by("id").first()
    assert found is not None
    return found


def repair(site: CustomerSite | None = None, **extra: object) -> dict[str, object]:
    site = site or home_site()
    equipment = site.equipment.first()
    assert equipment is not None
    return {
        "customer_id": site.customer_id,
        "kind": "repair",
        "site_id": site.pk,
        "equipment_id": equipment.pk,
        "symptom": SYMPTOM,
        "contact_name": "Maria Ivanova",
        "contact_phone": "+359 88 123 4567",
        **extra,
    }


def written(call_api, clock, body: dict[str, object], agent: str = "agent1") -> int:  # type: ignore[no-untyped-def]
    """A case opened and written on the call: facts, then a window two hours from now."""
    created = call_api(agent, "post", TICKETS, body)
    assert created.status_code == 201, created.content
    ticket_id = int(created.json()["id"])
    clock.advance(minutes=1)
    edited = call_api(agent, "patch", f"{TICKETS}/{ticket_id}", {"steps_tried": "Other socket"})
    assert edited.status_code == 200, edited.content
    start = clock.advance(minutes=1).replace(second=0, microsecond=0)
    window = {
        "start": (start + timedelta(hours=2)).isoformat(),
        "end": (start + timedelta(hours=4)).isoformat(),
    }
    placed = call_api(agent, "post", f"{TICKETS}/{ticket_id}/window", window)
    assert placed.status_code == 200, placed.content
    return ticket_id


# --- E4 --------------------------------------------------------------------------------------


def test_e4_a_new_repair_is_not_read_back_with_its_script_unanswered(call_api, clock):
    ticket_id = written(call_api, clock, repair(category_id=category().pk))
    clock.advance(minutes=2)
    refused = call_api("agent1", "post", f"{TICKETS}/{ticket_id}/read-back")
    assert refused.status_code == 409
    assert refused.json()["rule"] == "E4"
    assert category().steps[0] in refused.json()["detail"]  # names the steps not done
    ticket = Ticket.objects.get(pk=ticket_id)
    assert (ticket.state, ticket.read_back_text) == (TicketState.OPEN, "")
    quality = call_api("agent1", "get", f"{TICKETS}/{ticket_id}/quality").json()
    assert quality["ready"] is False
    assert "script" in {m["code"] for m in quality["missing"]}
    # another agent can neither read it back nor answer its script: 404, nothing changed
    assert call_api("agent2", "post", f"{TICKETS}/{ticket_id}/read-back").status_code == 404
    steps = {"script_answers": walked(category())}
    assert call_api("agent2", "patch", f"{TICKETS}/{ticket_id}", steps).status_code == 404
    assert Ticket.objects.get(pk=ticket_id).script_answers == []
    # half the script is not the script
    half = {"script_answers": walked(category())[:1]}
    assert call_api("agent1", "patch", f"{TICKETS}/{ticket_id}", half).status_code == 200
    again = call_api("agent1", "post", f"{TICKETS}/{ticket_id}/read-back")
    assert again.json()["rule"] == "E4"
    assert category().steps[0] not in again.json()["detail"]
    clock.advance(minutes=1)
    assert call_api("agent1", "patch", f"{TICKETS}/{ticket_id}", steps).status_code == 200
    read = call_api("agent1", "post", f"{TICKETS}/{ticket_id}/read-back")
    assert read.status_code == 200, read.content
    assert read.json()["state"] == "read_back"


def test_e4_a_repair_needs_a_category_before_the_read_back(call_api, clock):
    ticket_id = written(call_api, clock, repair())  # no category, so no script at all
    clock.advance(minutes=1)
    refused = call_api("agent1", "post", f"{TICKETS}/{ticket_id}/read-back")
    assert (refused.status_code, refused.json()["rule"]) == (409, "E4")
    assert "category" in refused.json()["detail"]
    assert Ticket.objects.get(pk=ticket_id).state == TicketState.OPEN
    codes = {
        m["code"]
        for m in call_api("agent1", "get", f"{TICKETS}/{ticket_id}/quality").json()["missing"]
    }
    assert "category" in codes
    # the category brings its script, which is then walked through
    call_api("agent1", "patch", f"{TICKETS}/{ticket_id}", {"category_id": category().pk})
    assert call_api("agent1", "post", f"{TICKETS}/{ticket_id}/read-back").json()["rule"] == "E4"
    body = {"script_answers": walked(category())}
    call_api("agent1", "patch", f"{TICKETS}/{ticket_id}", body)
    assert call_api("agent1", "post", f"{TICKETS}/{ticket_id}/read-back").status_code == 200


def test_e4_a_call_about_an_earlier_case_skips_the_script_and_links_to_it(call_api, clock):
    first = written(
        call_api, clock, repair(category_id=category().pk, script_answers=walked(category()))
    )
    clock.advance(minutes=5)
    body = repair(updates_id=first, category_id=category().pk)
    update = written(call_api, clock, body, agent="agent2")
    ticket = Ticket.objects.get(pk=update)
    assert (ticket.updates_id, ticket.category_id) == (first, None)
    read = call_api("agent2", "post", f"{TICKETS}/{update}/read-back")
    assert read.status_code == 200, read.content
    assert f"T-{first:06d}" in read.json()["read_back_text"]


def test_e4_the_ticket_page_refuses_the_read_back_naming_e4(client, centre, clock, call_api):
    ticket_id = written(call_api, clock, repair(category_id=category().pk))
    ticket = Ticket.objects.get(pk=ticket_id)
    client.force_login(centre["agent1"])
    clock.advance(minutes=1)
    data = {
        "action": "read_back",
        "symptom": ticket.symptom,
        "steps_tried": ticket.steps_tried,
        "contact_name": ticket.contact_name,
        "contact_phone": ticket.contact_phone,
        "site": ticket.site_id,
        "equipment": ticket.equipment_id,
        "category": ticket.category_id,
        "step_0": "on",  # one step ticked of three
    }
    response = client.post(reverse("tickets:act", args=[ticket_id]), data)
    assert response.status_code == 409
    page = response.content.decode()
    assert 'data-rule="E4"' in page
    assert 'data-code="script"' in page
    ticket.refresh_from_db()
    assert ticket.state == TicketState.OPEN
    assert [a["step"] for a in ticket.script_answers] == [category().steps[0]]  # kept


# --- D9 --------------------------------------------------------------------------------------


def signed_repair(call_api, clock) -> tuple[int, WorkOrder]:  # type: ignore[no-untyped-def]
    """A repair taken, dispatched, done and signed by the provider: a finished case."""
    body = repair(category_id=category().pk, script_answers=walked(category()))
    ticket_id = written(call_api, clock, body)
    assert call_api("agent1", "post", f"{TICKETS}/{ticket_id}/read-back").status_code == 200
    assert call_api("agent1", "post", f"{TICKETS}/{ticket_id}/confirm").status_code == 200
    clock.advance(minutes=3)
    sent = call_api("dispatcher", "post", "/api/v1/dispatch/orders", {"ticket_id": ticket_id})
    assert sent.status_code == 201, sent.content
    order = WorkOrder.objects.get(pk=sent.json()["id"])
    provider_user = _provider_user(order)
    orders = f"/api/v1/provider/orders/{order.pk}"
    clock.advance(minutes=10)
    assert call_api(provider_user, "post", f"{orders}/acknowledge").status_code == 200
    clock.advance(hours=3)
    done = {"work_done": "Replaced the motor brushes", "option_chosen": "repair"}
    assert call_api(provider_user, "post", f"{orders}/complete", done).status_code == 200
    signed = call_api(provider_user, "post", f"{orders}/sign", {"signer_name": "Maria Ivanova"})
    assert signed.status_code == 200, signed.content
    assert Ticket.objects.get(pk=ticket_id).state not in (TicketState.OPEN, TicketState.DISPATCHED)
    return ticket_id, order


def _provider_user(order: WorkOrder) -> str:
    from hotline.accounts.models import User

    user = User.objects.filter(provider=order.provider).order_by("id").first()
    assert user is not None
    return user.username


def test_d9_a_complaint_about_a_finished_signed_repair_is_charged_to_its_provider(call_api, clock):
    ticket_id, order = signed_repair(call_api, clock)
    clock.advance(days=1)
    site = home_site()
    # a new repair about the finished case is still refused: only a complaint may be about it
    again = call_api("agent1", "post", TICKETS, repair(updates_id=ticket_id))
    assert (again.status_code, again.json()["rule"]) == (409, "E4")
    body = {
        "customer_id": site.customer_id,
        "kind": "complaint",
        "updates_id": ticket_id,
        "symptom": "The technician left water all over the floor",
    }
    complaint = call_api("agent2", "post", TICKETS, body)
    assert complaint.status_code == 201, complaint.content
    data = complaint.json()
    assert data["updates_id"] == ticket_id
    assert data["site_id"] == site.pk  # the case's place, so its region's engineer
    assert data["complaint"]["work_order_id"] == order.pk
    recorded = Complaint.objects.get(ticket_id=data["id"])
    assert recorded.work_order == order
    assert Event.objects.filter(entity_id=str(data["id"]), action="complaint_about").exists()
    # D13: the month's report charges it to the provider who did the work
    clock.advance(days=10)
    report = call_api("manager", "get", "/api/v1/reports/monthly?month=2026-11")
    assert report.status_code == 200
    quality = report.json()["sections"]["quality"]["rows"]
    charged = {row["provider"]: row["complaints"] for row in quality}
    assert charged[order.provider.name] == 1
    assert sum(charged.values()) == 1


def test_d9_a_complaint_about_another_customers_case_is_404_and_records_nothing(call_api, clock):
    ticket_id, _order = signed_repair(call_api, clock)
    elsewhere = other_site(home_site())
    body = {
        "customer_id": elsewhere.customer_id,
        "kind": "complaint",
        "updates_id": ticket_id,
        "symptom": "Someone else's case",
    }
    assert call_api("agent1", "post", TICKETS, body).status_code == 404
    assert not Complaint.objects.exists()


def escalated_complaint(call_api, clock, body: dict[str, object]) -> int:  # type: ignore[no-untyped-def]
    created = call_api("agent1", "post", TICKETS, body)
    assert created.status_code == 201, created.content
    cid = int(created.json()["id"])
    clock.advance(minutes=2)
    assert call_api("agent1", "post", f"{TICKETS}/{cid}/read-back").status_code == 200
    assert call_api("agent1", "post", f"{TICKETS}/{cid}/confirm").status_code == 200
    escalated = call_api(
        "agent1", "post", f"{TICKETS}/{cid}/complaint/escalate", {"reason": "Angry"}
    )
    assert escalated.status_code == 200, escalated.content
    assert escalated.json()["state"] == TicketState.ESCALATED
    return cid


def test_d9_a_complaint_about_an_open_case_reaches_the_engineer_once_escalated(call_api, clock):
    first = written(
        call_api, clock, repair(category_id=category().pk, script_answers=walked(category()))
    )
    site = home_site()
    body = {
        "customer_id": site.customer_id,
        "kind": "complaint",
        "updates_id": first,
        "symptom": "Nobody called me back about the visit",
    }
    cid = escalated_complaint(call_api, clock, body)
    clock.advance(minutes=30)
    assert call_api("agent1", "post", f"{TICKETS}/{cid}/complaint/engineer").status_code == 403
    handed = call_api("lead", "post", f"{TICKETS}/{cid}/complaint/engineer")
    assert handed.status_code == 200, handed.content
    assert handed.json()["complaint"]["state"] == ComplaintState.WITH_ENGINEER
    assert site.region.engineer is not None, "the region has an engineer"
    assert handed.json()["complaint"]["engineer"] == site.region.engineer.username


def test_d9_the_team_lead_chooses_the_site_of_a_complaint_without_one(
    call_api, clock, centre, client
):
    site = home_site()
    body = {"customer_id": site.customer_id, "kind": "complaint", "symptom": "Rude on the phone"}
    cid = escalated_complaint(call_api, clock, body)
    clock.advance(minutes=20)
    path = f"{TICKETS}/{cid}/complaint/engineer"
    no_site = call_api("lead", "post", path)
    assert (no_site.status_code, no_site.json()["rule"]) == (409, "D9")
    theirs = other_site(site)
    assert call_api("lead", "post", f"{path}?site_id={theirs.pk}").status_code == 422
    assert call_api("lead", "post", f"{path}?site_id=0").status_code == 422
    assert Complaint.objects.get(ticket_id=cid).state == ComplaintState.WITH_LEAD
    assert Ticket.objects.get(pk=cid).site_id is None
    # on the team lead's page: the customer's sites to choose from, then handed on
    client.force_login(centre["lead"])
    page = client.get(reverse("tickets:complaints")).content.decode()
    assert f'name="h{cid}-site"' in page
    url = reverse("tickets:complaint_hand", args=[cid])
    assert client.post(url, {f"h{cid}-site": theirs.pk}).status_code == 400
    assert client.post(url, {f"h{cid}-site": site.pk}).status_code == 302
    assert Ticket.objects.get(pk=cid).site_id == site.pk
    complaint = Complaint.objects.get(ticket_id=cid)
    assert complaint.state == ComplaintState.WITH_ENGINEER
    assert complaint.engineer == site.region.engineer
    event = Event.objects.get(entity_id=str(cid), action="complaint_to_engineer")
    assert event.old is not None
    assert event.new is not None
    assert (event.old["site"], event.new["site"]) == (None, site.pk)


def test_d10_damage_found_after_finished_work_is_an_incident_about_that_case(call_api, clock):
    ticket_id, _order = signed_repair(call_api, clock)
    clock.advance(hours=20)
    site = home_site()
    body = {
        "customer_id": site.customer_id,
        "kind": "incident",
        "incident_kind": "property_damage",
        "updates_id": ticket_id,
        "symptom": "The kitchen floor is flooded since the visit",
    }
    created = call_api("agent1", "post", TICKETS, body)
    assert created.status_code == 201, created.content
    assert created.json()["updates_id"] == ticket_id
    assert created.json()["incident"]["kind"] == "property_damage"
    chase = {"customer_id": site.customer_id, "kind": "chase", "updates_id": ticket_id}
    refused = call_api("agent1", "post", TICKETS, chase)  # nothing left to chase
    assert (refused.status_code, refused.json()["rule"]) == (409, "E4")


def test_d1_refusing_a_special_request_drops_the_earlier_window_it_allowed(call_api, clock):
    clock.advance(hours=6, minutes=30)  # 16:30 in Sofia: booked for tomorrow 08:30
    body = repair(category_id=category().pk, script_answers=walked(category()))
    created = call_api("agent1", "post", TICKETS, body)
    ticket_id = int(created.json()["id"])
    path = f"{TICKETS}/{ticket_id}"
    clock.advance(minutes=2)
    asked = {"special_request": "Tonight at 18:00, baby at home", "steps_tried": "Other socket"}
    assert call_api("agent1", "patch", path, asked).status_code == 200
    tonight = {"start": "2026-11-23T18:00:00+02:00", "end": "2026-11-23T19:00:00+02:00"}
    assert call_api("agent1", "post", f"{path}/window", tonight).status_code == 200
    assert call_api("agent1", "post", f"{path}/read-back").status_code == 200
    confirmed = call_api("agent1", "post", f"{path}/confirm").json()
    assert confirmed["state"] == TicketState.AWAITING_APPROVAL
    clock.advance(minutes=5)
    # the agent may not decide it, and nothing changes
    assert call_api("agent1", "post", f"{path}/approve", {"approved": False}).status_code == 403
    refused = call_api("lead", "post", f"{path}/approve", {"approved": False, "reason": "No"})
    assert refused.status_code == 200, refused.content
    ticket = Ticket.objects.get(pk=ticket_id)
    assert (ticket.state, ticket.special_request, ticket.window_start) == (
        TicketState.OPEN,
        "",
        None,
    )
    event = Event.objects.get(entity_id=str(ticket_id), action="special_refused")
    assert event.new is not None
    assert event.new["window"] is None
    missing = call_api("agent1", "get", f"{path}/quality").json()["missing"]
    assert "time_window" in {m["code"] for m in missing}  # a new window, from tomorrow 08:30


def test_d2_a_case_waiting_for_dispatch_is_still_solved_on_the_phone(call_api, clock):
    body = repair(category_id=category().pk, script_answers=walked(category()))
    ticket_id = written(call_api, clock, body)
    path = f"{TICKETS}/{ticket_id}"
    assert call_api("agent1", "post", f"{path}/read-back").status_code == 200
    assert call_api("agent1", "post", f"{path}/confirm").json()["state"] == "to_dispatch"
    clock.advance(minutes=4)  # the customer calls back: it works again after a restart
    done = {"resolution": "Works again after a restart"}
    assert call_api("agent2", "post", f"{path}/solve", done).status_code == 404
    assert call_api("agent1", "post", f"{path}/solve", {"resolution": ""}).status_code == 409
    assert Ticket.objects.get(pk=ticket_id).state == TicketState.TO_DISPATCH
    solved = call_api("agent1", "post", f"{path}/solve", done)
    assert solved.status_code == 200, solved.content
    assert solved.json()["state"] == "solved"
    clock.advance(minutes=1)
    sent = call_api("dispatcher", "post", "/api/v1/dispatch/orders", {"ticket_id": ticket_id})
    assert sent.status_code in (404, 409)
    assert not WorkOrder.objects.filter(ticket_id=ticket_id).exists()
