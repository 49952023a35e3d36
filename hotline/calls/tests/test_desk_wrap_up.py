"""The wrap-up on the desk and over the floor API: how the call ended (a code from a fixed set)
and a bounded note, stored on the call with an event; bad input and someone else's call
change nothing."""

from datetime import timedelta
from typing import get_args

import pytest
from django.urls import reverse

from hotline.audit.models import Event
from hotline.calls.api import WrapUpIn
from hotline.calls.choices import CallState, WrapUpCode
from hotline.calls.events import CallAction
from hotline.calls.models import WRAP_UP_NOTE_LENGTH, Call, Queue

pytestmark = pytest.mark.django_db


@pytest.fixture
def wrapping(centre, clock) -> Call:
    """agent1's call, ended a minute ago: in its wrap-up."""
    now = clock()
    return Call.objects.create(
        queue=Queue.objects.get(code="repairs"),
        caller_number="+359 2 981 1111",
        state=CallState.WRAP_UP,
        arrived_at=now - timedelta(minutes=5),
        answered_at=now - timedelta(minutes=4),
        ended_at=now - timedelta(minutes=1),
        agent=centre["agent1"],
    )


def save(client, user, call, **data):
    client.force_login(user)
    return client.post(reverse("calls:wrap_up", args=[call.pk]), data)


def unchanged(call: Call) -> bool:
    call.refresh_from_db()
    recorded = Event.objects.filter(action=CallAction.WRAP_UP_RECORDED).exists()
    return (call.wrap_up_code, call.wrap_up_note, recorded) == ("", "", False)


def test_desk_shows_the_wrap_up_form_in_the_wrap_up(client, centre, wrapping):
    client.force_login(centre["agent1"])
    page = client.get(reverse("calls:desk_panel")).content.decode()
    assert 'data-testid="wrap-up"' in page
    for code in WrapUpCode.values:
        assert f'value="{code}"' in page
    assert f'maxlength="{WRAP_UP_NOTE_LENGTH}"' in page


def test_wrap_up_code_and_note_are_saved_with_an_event(client, centre, wrapping):
    response = save(client, centre["agent1"], wrapping, code="info_given", note=" Warranty ")
    assert response.status_code == 200
    wrapping.refresh_from_db()
    assert (wrapping.wrap_up_code, wrapping.wrap_up_note) == ("info_given", "Warranty")
    event = Event.objects.get(action=CallAction.WRAP_UP_RECORDED, entity_id=str(wrapping.pk))
    assert event.actor_id == centre["agent1"].pk
    assert (event.old, event.new) == (
        {"code": "", "note": ""},
        {"code": "info_given", "note": "Warranty"},
    )
    assert 'data-testid="wrap-up-saved"' in response.content.decode()


@pytest.mark.parametrize(
    "data",
    [
        {"code": "dance"},
        {"code": ""},
        {},
        {"code": "resolved", "note": "x" * (WRAP_UP_NOTE_LENGTH + 1)},
    ],
)
def test_wrap_up_bad_input_is_400_and_changes_nothing(client, centre, wrapping, data):
    response = save(client, centre["agent1"], wrapping, **data)
    assert response.status_code == 400
    assert 'data-testid="desk-error"' in response.content.decode()
    assert unchanged(wrapping)


def test_b10_another_agents_call_is_404_and_unchanged(client, centre, wrapping):
    assert save(client, centre["agent2"], wrapping, code="resolved").status_code == 404
    assert unchanged(wrapping)


def test_wrap_up_of_a_call_still_talking_is_409(client, centre, wrapping):
    Call.objects.filter(pk=wrapping.pk).update(state=CallState.CONNECTED, ended_at=None)
    assert save(client, centre["agent1"], wrapping, code="resolved").status_code == 409
    assert unchanged(wrapping)


def test_wrap_up_page_is_for_the_phones_only(client, centre, wrapping):
    assert save(client, centre["dispatcher"], wrapping, code="resolved").status_code == 403
    assert unchanged(wrapping)


# --- the floor API ----------------------------------------------------------------------------


def test_api_wrap_up_is_saved_and_bounded_in_the_openapi(floor, centre, wrapping):
    response = floor(
        "agent1", "post", f"/floor/calls/{wrapping.pk}/wrap-up", {"code": "wrong_number"}
    )
    assert response.status_code == 200, response.content
    assert response.json() == {"call": wrapping.pk, "code": "wrong_number", "note": ""}
    schema = floor("agent1", "get", "/openapi.json").json()["components"]["schemas"]["WrapUpIn"]
    assert schema["properties"]["note"]["maxLength"] == WRAP_UP_NOTE_LENGTH
    assert sorted(schema["properties"]["code"]["enum"]) == sorted(WrapUpCode.values)


def test_api_wrap_up_codes_are_the_models():
    code = WrapUpIn.model_fields["code"].annotation
    assert set(get_args(code)) == set(WrapUpCode.values)


@pytest.mark.parametrize(
    "body",
    [{"code": "dance"}, {"code": "resolved", "note": "x" * (WRAP_UP_NOTE_LENGTH + 1)}, {}],
)
def test_api_wrap_up_bad_input_is_422_and_changes_nothing(floor, centre, wrapping, body):
    response = floor("agent1", "post", f"/floor/calls/{wrapping.pk}/wrap-up", body)
    assert response.status_code == 422
    assert unchanged(wrapping)


def test_api_wrap_up_of_another_agents_call_is_404(floor, centre, wrapping):
    body = {"code": "resolved"}
    assert floor("agent2", "post", f"/floor/calls/{wrapping.pk}/wrap-up", body).status_code == 404
    assert unchanged(wrapping)
