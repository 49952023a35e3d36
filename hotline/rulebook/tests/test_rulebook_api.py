"""The rulebook over HTTP: scopes named as the API shows them, bounded input, clear refusals.

Each test drives the running system the way an admin does (bearer token, JSON), with the
centre in Europe/Sofia and a clock that moves; the floor then reads the number at its scope.
"""

import json
from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from hotline.audit.models import Event
from hotline.calls.models import Queue
from hotline.directory.models import Customer
from hotline.rulebook.models import RuleValue
from hotline.testing.clock import MovingClock
from hotline.testing.times import MONDAY_10_SOFIA

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch):
    moving = MovingClock(MONDAY_10_SOFIA)
    monkeypatch.setattr("hotline.clock.now", moving)
    return moving


@pytest.fixture
def api(client, centre, token_for, clock):
    def call(username, method, path, body=None):
        clock.advance(seconds=1)
        return client.generic(
            method.upper(),
            f"/api/v1{path}",
            data="" if body is None else json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token_for(centre[username])}",
        )

    return call


def nothing_changed():
    return (
        not RuleValue.objects.exists()
        and not Event.objects.filter(entity="rulebook.setting").exists()
    )


# Values: every kind refuses what is too big with the setting's bounds, never a 500 ----------


@pytest.mark.parametrize(
    ("key", "value", "rule"),
    [
        ("a4.transfer_answer_timeout", "99999999999999999999 s", "A4"),
        ("a2.max_wait", "99999999999999999999", "A2"),
        ("a3.daily_calls_target", "99999999999999999999", "A3"),
        ("a1.warning_share", "-99999999999999999999 %", "A1"),
        ("d14.meeting_weekday", "99999999999999999999", "D14"),
    ],
)
def test_a4_a_value_too_big_is_422_with_the_bounds_in_the_readers_language(
    api, centre, key, value, rule
):
    admin = centre["admin"]
    admin.language = "ru"
    admin.save(update_fields=["language"])
    response = api("admin", "put", f"/rulebook/{key}", {"value": value, "reason": "peak"})
    assert response.status_code == 422
    body = response.json()
    assert (body["rule"], body["setting"]) == (rule, key)
    listed = {s["key"]: s for s in api("admin", "get", "/rulebook").json()}[key]
    with translation.override("ru"):
        expected = gettext("The value must be between %(minimum)s and %(maximum)s.") % {
            "minimum": listed["minimum"],
            "maximum": listed["maximum"],
        }
    assert body["detail"] == expected
    assert not expected.startswith("The value must be")  # it is Russian, not English
    assert nothing_changed()


@pytest.mark.parametrize("value", ["99999:00", "24:00", "1e3"])
def test_d1_a_bad_time_of_day_is_422_and_changes_nothing(api, value):
    response = api("admin", "put", "/rulebook/d1.opens", {"value": value, "reason": "x"})
    assert (response.status_code, response.json()["rule"]) == (422, "D1")
    assert nothing_changed()


@pytest.mark.parametrize(
    "body",
    [
        {"value": "1" * 33, "reason": "x"},
        {"value": "2", "reason": "x" * 501},
        {"value": "2", "reason": "x", "scope": "queue", "scope_ref": "r" * 65},
        {"value": "2", "reason": "x", "scope": "planet"},
        {"value": 2, "reason": "x"},
    ],
)
def test_a2_value_reason_and_scope_are_bounded(api, body):
    response = api("admin", "put", "/rulebook/a2.max_wait", body)
    assert response.status_code == 422
    assert isinstance(response.json()["detail"], list)  # the fields that failed
    assert nothing_changed()


def test_a2_the_bounds_are_in_the_openapi(api):
    schemas = api("admin", "get", "/openapi.json").json()["components"]["schemas"]
    change = schemas["ChangeIn"]["properties"]
    assert change["value"]["maxLength"] == 32
    assert change["reason"]["maxLength"] == 500
    assert change["scope_ref"]["maxLength"] == 64


@pytest.mark.parametrize("username", ["agent1", "lead", "manager"])
def test_a2_only_admins_change_the_rulebook_over_http(api, username):
    response = api(username, "put", "/rulebook/a2.max_wait", {"value": "2", "reason": "x"})
    assert response.status_code == 403
    assert nothing_changed()


# Scopes: named as the API shows them --------------------------------------------------------


def test_a3_team_scope_by_the_team_name_the_api_shows(api, centre):
    team = api("lead", "get", "/floor/wallboard").json()["team"]
    assert team == "Repairs"
    made = api(
        "admin",
        "put",
        "/rulebook/a3.daily_calls_target",
        {"value": "40", "reason": "pilot", "scope": "team", "scope_ref": team},
    )
    assert made.status_code == 200
    override = made.json()["overrides"][0]
    assert override == {
        "scope": "team",
        "scope_ref": str(centre["agent1"].team_id),
        "scope_name": "Repairs",
        "value": "40",
    }
    # The floor reads it at the team's scope, and only there.
    assert api("agent1", "get", "/floor/desk").json()["daily_target"] == 40
    assert api("agent5", "get", "/floor/desk").json()["daily_target"] == 30
    reset = api(
        "admin",
        "post",
        "/rulebook/a3.daily_calls_target/reset",
        {"reason": "pilot over", "scope": "team", "scope_ref": "repairs"},
    )
    assert (reset.status_code, reset.json()["overrides"]) == (200, [])
    assert api("agent1", "get", "/floor/desk").json()["daily_target"] == 30


def test_a4_queue_scope_by_the_queue_code_the_cti_uses(api, centre, clock):
    made = api(
        "admin",
        "put",
        "/rulebook/a4.transfer_answer_timeout",
        {"value": "60 s", "reason": "new staff", "scope": "queue", "scope_ref": "repairs"},
    )
    assert made.status_code == 200
    assert made.json()["overrides"][0]["scope_name"] == "repairs"
    assert made.json()["overrides"][0]["scope_ref"] == str(Queue.objects.get(code="repairs").pk)
    expires = {}
    for queue, first, second in (
        ("repairs", "agent1", "agent2"),
        ("installations", "agent5", "agent6"),
    ):
        for username in (first, second):
            api(username, "post", "/floor/login")
            api(username, "post", "/floor/ready")
        api(
            "pbx",
            "post",
            "/cti/calls",
            {"external_id": f"pbx-{queue}", "queue": queue, "caller_number": "+359 2 1"},
        )
        offer = api(first, "get", "/floor/desk").json()["offer"]
        call = api(first, "post", f"/floor/offers/{offer['id']}/accept").json()
        asked = api(
            first,
            "post",
            f"/floor/calls/{call['id']}/transfer",
            {"to_agent": second, "reason": "billing question"},
        )
        expires[queue] = datetime.fromisoformat(asked.json()["expires_at"]) - clock.now
    assert expires == {"repairs": timedelta(seconds=60), "installations": timedelta(seconds=20)}


def test_d6_zone_and_customer_scopes_by_zone_and_customer_id(api, centre):
    customer = Customer.objects.order_by("pk").first()
    assert customer is not None
    for scope, ref in (("zone", "Urban"), ("customer", str(customer.pk))):
        made = api(
            "admin",
            "put",
            "/rulebook/d6.urban_response",
            {"value": "12", "reason": "contract", "scope": scope, "scope_ref": ref},
        )
        assert made.status_code == 200
    names = {(o["scope"], o["scope_name"]) for o in made.json()["overrides"]}
    assert names == {("zone", "urban"), ("customer", str(customer.pk))}


@pytest.mark.parametrize(
    ("scope", "ref"),
    [
        ("team", "Plumbing"),
        ("queue", "no-such-line"),
        ("queue", "99999999999999999999"),
        ("customer", "Acme Ltd"),
    ],
)
def test_a3_an_unknown_scope_name_is_422_naming_it(api, scope, ref):
    key = "a3.daily_calls_target" if scope == "team" else "d6.urban_response"
    key = "a2.max_wait" if scope == "queue" else key
    response = api(
        "admin",
        "put",
        f"/rulebook/{key}",
        {"value": "40", "reason": "x", "scope": scope, "scope_ref": ref},
    )
    assert response.status_code == 422
    assert ref in response.json()["detail"]
    assert nothing_changed()


def test_a2_a_scope_the_setting_does_not_have_is_422(api):
    response = api(
        "admin",
        "put",
        "/rulebook/a2.max_wait",
        {"value": "2", "reason": "x", "scope": "team", "scope_ref": "Repairs"},
    )
    assert (response.status_code, response.json()["rule"]) == (422, "A2")
    assert nothing_changed()


def test_a3_the_scopes_to_choose_from_are_listed(api, centre):
    every = api("admin", "get", "/rulebook/scopes?limit=3").json()
    assert {s["scope"] for s in every} == {"team", "queue", "zone", "customer"}
    assert len([s for s in every if s["scope"] == "customer"]) == 3
    teams = api("admin", "get", "/rulebook/scopes?scope=team").json()
    assert [t["name"] for t in teams] == ["Installations", "Repairs"]
    assert teams[1]["ref"] == str(centre["agent1"].team_id)
    queues = api("admin", "get", "/rulebook/scopes?scope=queue&search=rep").json()
    assert [(q["name"], q["label"]) for q in queues] == [("repairs", "Repairs line")]
    zones = api("admin", "get", "/rulebook/scopes?scope=zone").json()
    assert [z["name"] for z in zones] == ["urban", "suburban", "other"]
    some = api("admin", "get", "/rulebook/scopes?scope=customer&limit=2").json()
    assert len(some) == 2
    # Every listed name is accepted back as a scope reference.
    made = api(
        "admin",
        "put",
        "/rulebook/d6.urban_response",
        {"value": "12", "reason": "x", "scope": "customer", "scope_ref": some[0]["name"]},
    )
    assert made.json()["overrides"][0]["scope_ref"] == some[0]["ref"]


@pytest.mark.parametrize(
    "query",
    [
        "?scope=planet",
        "?scope=team&limit=0",
        "?scope=team&limit=201",
        "?scope=team&search=" + "x" * 101,
    ],
)
def test_a3_scope_listing_is_bounded(api, query):
    response = api("admin", "get", f"/rulebook/scopes{query}")
    assert response.status_code == 422
    assert isinstance(response.json()["detail"], list)


@pytest.mark.parametrize("username", ["agent1", "lead", "customer1", "pbx"])
def test_a3_only_admins_list_the_scopes(api, username):
    response = api(username, "get", "/rulebook/scopes?scope=customer")
    assert response.status_code == 403
    assert "name" not in response.json()


def test_a3_the_rulebook_page_takes_and_shows_the_teams_name(client, in_english):
    client.force_login(in_english["admin"])
    url = reverse("rulebook:edit", args=["a3.daily_calls_target"])
    form = {"value": "40", "scope": "team", "scope_ref": "Repairs", "reason": "pilot"}
    assert client.post(url, form).status_code == 302
    page = client.get(reverse("rulebook:list")).content.decode()
    assert "team Repairs: 40" in page
    refused = client.post(url, {**form, "scope_ref": "Plumbing"})
    assert refused.status_code == 422
    assert "There is no team Plumbing" in refused.content.decode()
    assert RuleValue.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"reason": "", "scope": "team", "scope_ref": "Repairs"}, 422),
        ({"reason": "x" * 501, "scope": "team", "scope_ref": "Repairs"}, 422),
        ({"reason": "x", "scope": "team", "scope_ref": "Plumbing"}, 422),
        ({"reason": "x", "scope": "queue", "scope_ref": "repairs"}, 422),  # not per queue
        ({"reason": "x", "scope": "team", "scope_ref": "Installations"}, 422),  # not set there
    ],
)
def test_a3_a_bad_reset_is_refused_and_the_value_stays(api, body, status):
    set_body = {"value": "40", "reason": "pilot", "scope": "team", "scope_ref": "Repairs"}
    assert api("admin", "put", "/rulebook/a3.daily_calls_target", set_body).status_code == 200
    response = api("admin", "post", "/rulebook/a3.daily_calls_target/reset", body)
    assert response.status_code == status
    assert RuleValue.objects.count() == 1
    assert Event.objects.filter(entity="rulebook.setting").count() == 1


@pytest.mark.parametrize("username", ["agent1", "lead", "dispatcher"])
def test_a3_only_admins_reset_a_rulebook_number(api, username):
    set_body = {"value": "40", "reason": "pilot", "scope": "team", "scope_ref": "Repairs"}
    api("admin", "put", "/rulebook/a3.daily_calls_target", set_body)
    body = {"reason": "x", "scope": "team", "scope_ref": "Repairs"}
    response = api(username, "post", "/rulebook/a3.daily_calls_target/reset", body)
    assert response.status_code == 403
    assert RuleValue.objects.count() == 1
