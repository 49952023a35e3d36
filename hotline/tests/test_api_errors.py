"""Every error of the API is `{"detail": ...}` JSON in the reader's language: no such
path, no such object, an unreadable or too large body, no credentials, a method the path does not
have, a session write without its CSRF token, and input that fails validation.

The readers are demo users of the centre: the dispatcher reads Russian, agent1 and the provider
desks Bulgarian. Where the words are Django's own (its forms and validators say the same thing),
every language has them today and the tests spell them out; new sentences are compared with the
catalog of the reader's language, and `Content-Language` shows which one answered.
"""

import json
from typing import Any

import pytest
from django.template.defaultfilters import filesizeformat
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from hotline.calls.models import AgentSession
from hotline.tickets.models import Chase

pytestmark = pytest.mark.django_db

RU_NOT_FOUND = "Не найдено."
BG_NOT_FOUND = "Не е намерено."
BG_CSRF = "CSRF проверката се провали. Заявката прекратена."
NOT_SIGNED_IN = "Send a valid API token (Authorization: Bearer ...) or sign in first."


def in_language(language: str, msgid: str, **params: Any) -> str:
    with translation.override(language):
        text = gettext(msgid)
    return text % params if params else text


@pytest.fixture
def api(client, centre, token_for):
    """api("dispatcher", "post", "/dispatch/chases", {...}): as that user's bearer token; a str
    body is sent as it is."""

    def call(username: str | None, method: str, path: str, body: Any = None, **headers: Any):
        if username:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {token_for(centre[username])}"
        data = body if isinstance(body, str) else "" if body is None else json.dumps(body)
        return client.generic(
            method.upper(), f"/api/v1{path}", data=data, content_type="application/json", **headers
        )

    return call


def assert_json_error(response, status: int, language: str) -> Any:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Language"] == language
    detail = response.json()["detail"]
    assert detail
    return detail


def test_a_path_under_the_api_that_names_no_operation_is_a_json_404(api, client, centre):
    for method in ("get", "post", "put"):
        answer = api("dispatcher", method, "/no/such/operation")
        assert assert_json_error(answer, 404, "ru") == RU_NOT_FOUND
    assert assert_json_error(api("dispatcher", "get", "/tickets/"), 404, "ru") == RU_NOT_FOUND
    # without a token: the browser's language; with a session: its user's
    anonymous = api(None, "get", "/no/such/operation", HTTP_ACCEPT_LANGUAGE="ru")
    assert assert_json_error(anonymous, 404, "ru") == RU_NOT_FOUND
    client.force_login(centre["agent1"])
    assert assert_json_error(client.get("/api/v1/nothing"), 404, "bg") == BG_NOT_FOUND


def test_an_object_that_is_not_there_is_a_404_in_the_readers_language(api):
    """get_object_or_404 raised Http404, which ninja answered in English: "Not Found"."""
    for path in ("/floor/calls/999999/end", "/floor/offers/999999/decline"):
        assert assert_json_error(api("agent1", "post", path), 404, "bg") == BG_NOT_FOUND
    assert assert_json_error(api("dispatcher", "get", "/tickets/999999"), 404, "ru") == RU_NOT_FOUND


@pytest.mark.parametrize("body", ["{not json", "[1, 2]", '"note"'])
def test_an_unreadable_body_is_a_400_in_the_readers_language(api, centre, body):
    answer = api("dispatcher", "post", "/dispatch/chases", body)
    detail = assert_json_error(answer, 400, "ru")
    assert detail == in_language("ru", "The request body is not a JSON object.")
    assert not Chase.objects.exists()


def test_no_credentials_is_a_401_in_the_browsers_language(api):
    wanted = in_language("ru", NOT_SIGNED_IN)
    for headers in ({}, {"HTTP_AUTHORIZATION": "Bearer not-a-token"}):
        answer = api(None, "get", "/tickets", HTTP_ACCEPT_LANGUAGE="ru", **headers)
        assert assert_json_error(answer, 401, "ru") == wanted
    anonymous_write = api(None, "post", "/dispatch/chases", {"ticket_id": 1})
    assert anonymous_write.status_code == 401  # no session: nothing to check a CSRF token for


def test_a_method_the_path_does_not_have_is_a_405_in_the_token_users_language(api):
    answer = api("dispatcher", "delete", "/tickets")
    detail = assert_json_error(answer, 405, "ru")
    assert detail == in_language("ru", "This path has no %(method)s operation.", method="DELETE")
    assert set(answer["Allow"].split(", ")) == {"GET", "POST"}


def test_a_body_over_the_size_limit_is_a_json_413(api, centre, client, settings):
    """Django refused to read it with an HTML 400; the limit is DATA_UPLOAD_MAX_MEMORY_SIZE."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 5_000
    big = {"ticket_id": 1, "note": "x" * 6_000}
    answer = api("dispatcher", "post", "/dispatch/chases", big)
    detail = assert_json_error(answer, 413, "ru")
    with translation.override("ru"):
        limit = filesizeformat(5_000)
    assert detail == in_language("ru", "The request body is larger than %(limit)s.", limit=limit)
    # a signed-in page script gets the same answer
    client.force_login(centre["agent1"])
    answer = client.post("/api/v1/dispatch/chases", big, content_type="application/json")
    assert assert_json_error(answer, 413, "bg")
    assert not Chase.objects.exists()


def test_a_session_write_without_the_csrf_token_is_a_json_403(centre):
    """The pages' scripts use the session: a write without the CSRF token is refused with the
    API's JSON (ninja's was English, "CSRF check Failed"), and changes nothing."""
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(centre["agent1"])
    refused = browser.post("/api/v1/floor/login")
    assert assert_json_error(refused, 403, "bg") == BG_CSRF
    assert not AgentSession.objects.filter(agent=centre["agent1"]).exists()
    assert assert_json_error(browser.post("/api/v1/nowhere"), 404, "bg") == BG_NOT_FOUND
    browser.get("/")  # the page sets the CSRF cookie its scripts send back
    token = browser.cookies["csrftoken"].value
    assert browser.post("/api/v1/floor/login", HTTP_X_CSRFTOKEN=token).status_code == 200


def test_failed_validation_lists_the_fields_in_the_readers_language(api):
    def failure(answer, language):
        (only,) = assert_json_error(answer, 422, language)
        return only

    missing = failure(api("dispatcher", "post", "/dispatch/chases", {}), "ru")
    assert (missing["type"], missing["loc"]) == ("missing", ["body", "body", "ticket_id"])
    assert missing["msg"] == "Обязательное поле."
    not_a_number = failure(api("dispatcher", "post", "/dispatch/chases", {"ticket_id": "x"}), "ru")
    assert not_a_number["msg"] == "Введите целое число."
    too_small = failure(api("dispatcher", "post", "/dispatch/chases", {"ticket_id": 0}), "ru")
    assert too_small["msg"] == "Убедитесь, что это значение больше либо равно 1."
    long_note = {"ticket_id": 1, "note": "x" * 2001}
    too_long = failure(api("dispatcher", "post", "/dispatch/chases", long_note), "ru")
    assert too_long["type"] == "string_too_long"
    assert too_long["ctx"] == {"max_length": 2000}
    assert too_long["msg"] == (
        "Убедитесь, что это значение содержит не более 2000 символов (сейчас 2001)."
    )
    assert "input" not in too_long  # it may be megabytes
    delay = api("provider1", "post", "/provider/orders/1/delay", {"reason": "x"})
    not_a_choice = failure(delay, "bg")
    assert (not_a_choice["type"], not_a_choice["loc"]) == ("enum", ["body", "body", "reason"])
    assert "'parts'" in not_a_choice["ctx"]["expected"]  # the choices, for machines
    many = {"customer_id": 1, "kind": "repair", "script_answers": ["Checked the plug"] * 51}
    too_many = failure(api("agent1", "post", "/tickets", many), "bg")
    assert (too_many["type"], too_many["loc"][-1]) == ("too_long", "script_answers")
    assert too_many["msg"] == "Посочете най-много 50 елемента (има 51)."
    yes_or_no = failure(api("lead", "post", "/tickets/1/approve", {"approved": "perhaps"}), "bg")
    assert yes_or_no["msg"] == 'Стойността на "perhaps" трябва да бъде или True, или False.'
    # a lone surrogate is no text PostgreSQL can store
    surrogate = api("dispatcher", "post", "/dispatch/chases", '{"ticket_id": 1, "note": "\\udc00"}')
    assert failure(surrogate, "ru")["msg"] == "Введите правильное значение."
    assert not_a_choice["msg"] == "Направете валиден избор. x не е един от възможните избори."
    assert not Chase.objects.exists()


def test_a_bug_is_a_json_500_logged_in_the_readers_language(centre, token_for, monkeypatch, caplog):
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr("hotline.tickets.selectors.tickets_for", broken)
    client = Client(raise_request_exception=False)
    auth = {"Authorization": f"Bearer {token_for(centre['dispatcher'])}"}
    answer = client.get("/api/v1/tickets", headers=auth)
    detail = assert_json_error(answer, 500, "ru")
    wanted = "Something went wrong on our side. It has been logged; please try again later."
    assert detail == in_language("ru", wanted)
    assert "a bug" not in answer.content.decode()  # nothing of the inside is shown
    assert "RuntimeError: a bug" in caplog.text
