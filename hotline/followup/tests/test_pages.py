"""The follow-up list and call page (C6 / D12), and the follow-up API: bad input, wrong role."""

import json
from datetime import timedelta
from unittest import mock

import pytest
from django.urls import reverse

from hotline.dispatch.models import WorkOrder
from hotline.followup.choices import FollowUpState
from hotline.followup.models import FollowUp
from hotline.followup.services import followups_plan
from hotline.followup.tests.test_services import DUE
from hotline.testing.cases import completed_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def followup(centre, now) -> FollowUp:  # type: ignore[no-untyped-def]
    order = completed_order(centre, now)
    followups_plan(now=now)
    return FollowUp.objects.get(work_order=order)


@pytest.fixture
def at_due():  # type: ignore[no-untyped-def]
    with mock.patch("hotline.clock.now", return_value=DUE):
        yield DUE


# --- pages -----------------------------------------------------------------------------------


def test_d12_due_list_shows_due_follow_ups_only(client, centre, followup, now):
    client.force_login(centre["agent2"])
    with mock.patch("hotline.clock.now", return_value=now):
        assert followup.number not in client.get(reverse("followup:list")).content.decode()
        upcoming = client.get(reverse("followup:list"), {"filter": "upcoming"})
        assert followup.number in upcoming.content.decode()
    with mock.patch("hotline.clock.now", return_value=DUE):
        page = client.get(reverse("followup:list")).content.decode()
    assert followup.number in page
    assert followup.ticket.customer.name in page


def test_d12_list_ignores_a_bad_filter_and_page(client, centre, followup, at_due):
    client.force_login(centre["agent2"])
    response = client.get(reverse("followup:list"), {"filter": "<x>", "page": "abc"})
    assert response.status_code == 200
    assert followup.number in response.content.decode()


def test_c6_agent_takes_calls_and_records_an_unresolved_follow_up(client, centre, followup, at_due):
    client.force_login(centre["agent2"])
    url = reverse("followup:act", args=[followup.pk])
    assert client.post(url, {"action": "take"}).status_code == 302
    page = client.get(reverse("followup:detail", args=[followup.pk])).content.decode()
    assert 'name="score"' in page
    response = client.post(
        url, {"action": "record", "score": "2", "reason": "Still broken", "resolved": "no"}
    )
    assert response.status_code == 302
    followup.refresh_from_db()
    assert followup.state == FollowUpState.UNRESOLVED
    assert WorkOrder.objects.filter(second_dispatch_of=followup.work_order).count() == 1


@pytest.mark.parametrize(
    "form",
    [
        {"action": "record", "score": "9", "reason": "x", "resolved": "yes"},
        {"action": "record", "score": "abc", "reason": "x", "resolved": "yes"},
        {"action": "record", "score": "3", "reason": "", "resolved": "yes"},
        {"action": "record", "score": "3", "reason": "ok", "resolved": "maybe"},
    ],
)
def test_c6_bad_result_shows_the_rule_and_keeps_the_input(client, centre, followup, at_due, form):
    client.force_login(centre["agent2"])
    response = client.post(reverse("followup:act", args=[followup.pk]), form)
    assert response.status_code == 409
    page = response.content.decode()
    assert 'data-rule="D12"' in page
    if form["reason"]:
        assert form["reason"] in page
    followup.refresh_from_db()
    assert followup.score is None
    assert followup.state == FollowUpState.DUE


def test_d12_unknown_action_is_422(client, centre, followup, at_due):
    client.force_login(centre["agent2"])
    response = client.post(reverse("followup:act", args=[followup.pk]), {"action": "delete"})
    assert response.status_code == 422


def test_d12_someone_elses_call_is_refused_on_the_page(client, centre, followup, at_due):
    client.force_login(centre["agent2"])
    client.post(reverse("followup:act", args=[followup.pk]), {"action": "take"})
    client.force_login(centre["agent3"])
    response = client.post(reverse("followup:act", args=[followup.pk]), {"action": "take"})
    assert response.status_code == 409
    followup.refresh_from_db()
    assert followup.taken_by == centre["agent2"]


def test_d12_missing_follow_up_is_404(client, centre, at_due):
    client.force_login(centre["agent2"])
    assert client.get(reverse("followup:detail", args=[999])).status_code == 404
    assert client.post(reverse("followup:act", args=[999]), {"action": "take"}).status_code == 404


def test_d12_skipped_decision_is_not_a_call(client, centre, now, at_due):
    from hotline.rulebook.services import rule_value_set
    from hotline.tickets.choices import TicketKind

    rule_value_set(
        actor=centre["admin"],
        now=now,
        key="d12.installation_followup_share",
        raw="30",
        reason="t",
    )
    orders = [completed_order(centre, now, kind=TicketKind.INSTALLATION) for _ in range(4)]
    followups_plan(now=now)
    skipped = FollowUp.objects.filter(work_order__in=orders, state=FollowUpState.SKIPPED).first()
    if skipped is None:
        pytest.skip("the hash picked all four")
    client.force_login(centre["agent2"])
    assert client.get(reverse("followup:detail", args=[skipped.pk])).status_code == 404


@pytest.mark.parametrize("name", ["dispatcher", "provider1", "customer1", "pbx"])
def test_d12_pages_refuse_other_roles(client, centre, followup, at_due, name):
    client.force_login(centre[name])
    assert client.get(reverse("followup:list")).status_code == 403
    assert client.get(reverse("followup:detail", args=[followup.pk])).status_code == 403
    response = client.post(reverse("followup:act", args=[followup.pk]), {"action": "take"})
    assert response.status_code == 403
    followup.refresh_from_db()
    assert followup.state == FollowUpState.DUE


def test_d12_manager_reads_but_may_not_act(client, centre, followup, at_due):
    client.force_login(centre["manager"])
    page = client.get(reverse("followup:detail", args=[followup.pk])).content.decode()
    assert followup.number in page
    assert 'value="take"' not in page
    response = client.post(reverse("followup:act", args=[followup.pk]), {"action": "take"})
    assert response.status_code == 403


# --- API -------------------------------------------------------------------------------------


def api(client, token, method, path, body=None):  # type: ignore[no-untyped-def]
    return client.generic(
        method,
        f"/api/v1/followups{path}",
        data="" if body is None else json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def test_c6_api_take_and_record(client, centre, token_for, followup, at_due):
    token = token_for(centre["agent2"])
    listed = api(client, token, "GET", "")
    assert [f["id"] for f in listed.json()["followups"]] == [followup.pk]
    assert api(client, token, "POST", f"/{followup.pk}/take").json()["state"] == "taken"
    body = {"score": 5, "reason": "All good", "resolved": True}
    done = api(client, token, "POST", f"/{followup.pk}/record", body).json()
    assert (done["state"], done["score"], done["second_dispatch_id"]) == ("resolved", 5, None)


def test_c6_api_bad_input(client, centre, token_for, followup, at_due):
    token = token_for(centre["agent2"])
    bad = api(
        client,
        token,
        "POST",
        f"/{followup.pk}/record",
        {"score": 7, "reason": "x", "resolved": True},
    )
    assert bad.status_code == 422  # the schema's 1-5, as the OpenAPI shows it
    assert bad.json()["detail"][0]["loc"][-1] == "score"
    no_reason = {"score": 4, "reason": " ", "resolved": True}
    refused = api(client, token, "POST", f"/{followup.pk}/record", no_reason)
    assert refused.status_code == 409
    assert refused.json()["rule"] == "D12"
    malformed = api(client, token, "POST", f"/{followup.pk}/record", {"score": "many"})
    assert malformed.status_code == 422
    followup.refresh_from_db()
    assert followup.score is None


def test_d12_api_release_without_taking_is_refused(client, centre, token_for, followup, at_due):
    response = api(client, token_for(centre["agent2"]), "POST", f"/{followup.pk}/release", {})
    assert response.status_code == 409


@pytest.mark.parametrize("name", ["dispatcher", "provider1", "customer1"])
def test_d12_api_refuses_other_roles(client, centre, token_for, followup, at_due, name):
    token = token_for(centre[name])
    assert api(client, token, "GET", "").status_code == 403
    assert api(client, token, "GET", f"/{followup.pk}").status_code == 403
    assert api(client, token, "POST", f"/{followup.pk}/take").status_code == 403
    assert api(client, token, "POST", f"/{followup.pk}/release", {}).status_code == 403
    body = {"score": 5, "reason": "x", "resolved": True}
    assert api(client, token, "POST", f"/{followup.pk}/record", body).status_code == 403
    followup.refresh_from_db()
    assert followup.state == FollowUpState.DUE


def test_d12_api_unknown_follow_up_is_404(client, centre, token_for, at_due):
    assert api(client, token_for(centre["agent2"]), "GET", "/999").status_code == 404
    assert api(client, token_for(centre["agent2"]), "POST", "/999/take").status_code == 404


def test_d12_due_time_is_business_time_after_completion(centre, now):
    """Completed Friday 16:00 Sofia: 1 h that day, 7 h on Monday -> Monday 15:30 Sofia."""
    friday = now - timedelta(days=3) + timedelta(hours=6)  # Fri 20 Nov 14:00 UTC = 16:00 Sofia
    order = completed_order(centre, friday)
    followups_plan(now=friday + timedelta(minutes=1))
    due = FollowUp.objects.get(work_order=order).due_at
    assert due == now.replace(hour=13, minute=30)  # Mon 23 Nov 13:30 UTC = 15:30 Sofia


def test_c6_the_follow_up_links_its_case_and_order_only_for_who_may_open_them(
    client, centre, followup, at_due
):
    """The case's owner and a team lead follow the links; another agent reads the numbers
    without links to pages that would refuse them."""
    case = reverse("tickets:detail", args=[followup.ticket.pk])
    order = reverse("dispatch:order", args=[followup.work_order_id])
    owner = followup.ticket.owner
    others = [u for u in centre.values() if u.role == "agent" and u != owner]
    for user, linked in ((owner, True), (centre["lead"], True), (others[0], False)):
        client.force_login(user)
        page = client.get(reverse("followup:detail", args=[followup.pk])).content.decode()
        assert followup.ticket.number in page
        assert (f'href="{case}"' in page) is linked, user
        assert (f'href="{order}"' in page) is linked, user
        if linked:
            assert client.get(case).status_code == 200
            assert f'href="{case}"' in client.get(order).content.decode()  # the order's case
