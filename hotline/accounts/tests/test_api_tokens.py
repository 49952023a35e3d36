"""Bearer tokens: made by `hotline token create`, kept as a digest, revocable; errors as JSON."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import RequestFactory
from django.utils import translation

from hotline.accounts.models import ApiToken
from hotline.accounts.services import api_token_revoke, token_digest
from hotline.api import policy_refusal
from hotline.core.refusal import PolicyRefusal
from hotline.tickets.models import Ticket

pytestmark = pytest.mark.django_db


def test_token_create_prints_a_working_token_and_stores_only_its_digest(client, centre):
    out = StringIO()
    call_command("token", "create", "agent1", stdout=out, stderr=StringIO())
    raw = out.getvalue().strip()
    assert raw.startswith("hl_")
    stored = ApiToken.objects.get(user=centre["agent1"])
    assert stored.digest == token_digest(raw)
    assert raw not in (stored.digest, stored.prefix)
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    assert response.json()["username"] == "agent1"
    assert ApiToken.objects.get(pk=stored.pk).last_used_at is not None


def test_token_create_for_unknown_user_fails_clearly(centre):
    with pytest.raises(CommandError, match="no user named 'ghost'"):
        call_command("token", "create", "ghost", stdout=StringIO(), stderr=StringIO())
    assert not ApiToken.objects.exists()


def test_revoked_or_wrong_token_is_refused(client, centre, token_for, now):
    raw = token_for(centre["agent1"])
    api_token_revoke(actor=centre["admin"], now=now, token=ApiToken.objects.get())
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer hl_made_up").status_code == 401


def test_inactive_users_token_is_refused(client, centre, token_for):
    agent = centre["agent1"]
    raw = token_for(agent)
    agent.is_active = False
    agent.save()
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_session_works_for_the_api_too(client, centre):
    client.force_login(centre["lead"])
    assert client.get("/api/v1/me").json()["role"] == "team_lead"


def test_api_answers_in_the_token_users_language(client, centre, token_for):
    raw = token_for(centre["agent2"])  # Maria works in Russian
    rules = client.get("/api/v1/rulebook", HTTP_AUTHORIZATION=f"Bearer {raw}").json()
    label = next(r["label"] for r in rules if r["key"] == "a2.max_wait")
    with translation.override("ru"):
        expected = translation.gettext("Maximum wait in the queue")
    assert label == expected != "Maximum wait in the queue"


def test_api_setting_error_names_the_rule_and_changes_nothing(client, centre, token_for):
    raw = token_for(centre["admin"])
    response = client.put(
        "/api/v1/rulebook/a2.max_wait",
        {"value": "5 s", "reason": "x"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 422
    assert response.json()["rule"] == "A2"
    assert "between 10 s and 60 min" in response.json()["detail"]
    assert (
        client.get("/api/v1/rulebook", HTTP_AUTHORIZATION=f"Bearer {raw}").json()[2]["value"]
        == "3 min"
    )


@pytest.mark.parametrize(
    "body", [{}, {"value": "2"}, {"reason": "x"}, {"value": 2, "reason": ["x"]}]
)
def test_api_malformed_body_is_refused(client, centre, token_for, body):
    raw = token_for(centre["admin"])
    response = client.put(
        "/api/v1/rulebook/a2.max_wait",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 422


def test_api_unknown_setting_is_404(client, centre, token_for):
    raw = token_for(centre["admin"])
    response = client.put(
        "/api/v1/rulebook/zz.top",
        {"value": "2", "reason": "x"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 404


def test_policy_refusal_becomes_409_with_rule_and_detail():
    request = RequestFactory().get("/api/v1/me")
    response = policy_refusal(
        request, PolicyRefusal("B4", "%(n)s of the team are on break.", {"n": 1})
    )
    assert response.status_code == 409
    assert response.content == b'{"rule": "B4", "detail": "1 of the team are on break."}'


def test_api_method_a_path_does_not_have_is_405_json_naming_the_methods(client, centre, token_for):
    """ninja answered a plain-text 405 before any operation ran; errors are JSON."""
    raw = token_for(centre["admin"])
    response = client.delete("/api/v1/rulebook/a2.max_wait", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "This path has no DELETE operation."}
    assert response["Allow"] == "PUT"


@pytest.mark.parametrize(
    ("username", "method", "path", "body"),
    [
        ("admin", "GET", "/api/v1/events?entity=ticket%00", None),
        (
            "agent8",
            "POST",
            "/api/v1/tickets",
            {"customer_id": 1, "kind": "enquiry", "symptom": "When?\0"},
        ),
        ("pbx", "POST", "/api/v1/cti/calls/pbx-%00/answered", {"agent": "agent1"}),
    ],
)
def test_api_input_with_a_null_character_is_422_not_a_server_error(
    client, centre, token_for, username, method, path, body
):
    """PostgreSQL stores no NUL in text: a filter, a field or a path with one was a 500."""
    response = client.generic(
        method,
        path,
        data="" if body is None else json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token_for(centre[username])}",
    )
    assert response.status_code == 422
    detail = response.json()["detail"]
    if "/cti/" in path:  # the PBX's call id has a pattern of its own: the path is named
        assert [failure["loc"] for failure in detail] == [["path", "external_id"]]
    else:
        assert detail == "Null characters are not allowed."
    assert not Ticket.objects.exists()
