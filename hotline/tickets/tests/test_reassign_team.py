"""B10 for a case as for a call: a team lead hands on only their own team's cases, and only to a
member of that team (a take-over is likewise limited to the lead's own queues)."""

import pytest
from django.urls import reverse

from hotline.audit.models import Event
from hotline.testing.cases import make_ticket
from hotline.testing.people import installations_lead
from hotline.tickets.choices import TicketState

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead2(centre):  # type: ignore[no-untyped-def]
    return installations_lead()


@pytest.fixture
def case(centre, now):  # type: ignore[no-untyped-def]
    return make_ticket(centre["agent1"], now, state=TicketState.OPEN)  # agent1: Repairs


def test_b10_the_owners_team_lead_hands_the_case_within_the_team(api, case, centre, in_english):
    answer = api(
        "lead", "post", f"/tickets/{case.pk}/reassign", {"to_agent": "agent2", "reason": "ill"}
    )
    assert answer.status_code == 200, answer.content
    case.refresh_from_db()
    assert case.owner == centre["agent2"]


def test_b10_a_case_does_not_leave_the_team(api, case, centre, in_english):
    events = Event.objects.filter(entity="tickets.ticket").count()
    body = {"to_agent": "agent5", "reason": "busy"}  # agent5: Installations
    answer = api("lead", "post", f"/tickets/{case.pk}/reassign", body)
    assert answer.status_code == 409
    assert answer.json() == {
        "rule": "B10",
        "detail": "Fang Wang is not in your team: a case is handed on within the team.",
    }
    case.refresh_from_db()
    assert case.owner == centre["agent1"]
    assert Event.objects.filter(entity="tickets.ticket").count() == events


def test_b10_another_teams_lead_cannot_hand_the_case_on(
    api, case, centre, lead2, token_for, client
):
    events = Event.objects.filter(entity="tickets.ticket").count()
    answer = client.post(
        f"/api/v1/tickets/{case.pk}/reassign",
        {"to_agent": "agent2", "reason": "busy"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token_for(lead2)}",
    )
    assert answer.status_code == 409
    assert answer.json()["rule"] == "B10"
    assert "Ivan Petrov is not in your team" in answer.json()["detail"]
    case.refresh_from_db()
    assert case.owner == centre["agent1"]
    assert Event.objects.filter(entity="tickets.ticket").count() == events


def test_b10_the_page_offers_only_the_owners_team(client, case, centre, in_english):
    client.force_login(centre["lead"])
    page = client.get(reverse("tickets:detail", args=[case.pk])).content.decode()
    form = page[page.index('name="reassign-to_agent"') :]
    form = form[: form.index("</select>")]
    for name in ("agent2", "agent3", "agent4"):
        assert str(centre[name]) in form
    for name in ("agent1", "agent5", "agent8"):  # the owner, and Installations
        assert str(centre[name]) not in form


def test_b10_the_page_refuses_another_teams_lead_in_place(client, case, centre, lead2):
    client.force_login(lead2)
    answer = client.post(
        reverse("tickets:reassign", args=[case.pk]),
        {"reassign-to_agent": centre["agent2"].pk, "reassign-reason": "busy"},
    )
    assert answer.status_code == 409
    assert "B10" in answer.content.decode()
    case.refresh_from_db()
    assert case.owner == centre["agent1"]
