"""The desk's seams: what is typed is bounded as the columns keep it, and a call whose
state does not allow the button is a conflict that names no rule (none is at stake)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from hotline.calls.choices import CallState, OfferOutcome
from hotline.calls.models import (
    CALLBACK_NUMBER_LENGTH,
    TRANSFER_REASON_LENGTH,
    Call,
    Callback,
    Offer,
    Queue,
    Transfer,
)
from hotline.calls.services.agents import agent_log_in, agent_make_ready
from hotline.calls.services.calls import call_arrive, call_end, offer_accept

pytestmark = pytest.mark.django_db


@pytest.fixture
def talking(centre, clock):
    """agent1 (who reads Bulgarian) talks to a caller; agent2, of the same team, is ready."""
    centre["agent1"].language = "bg"
    centre["agent1"].save(update_fields=["language"])
    agent_log_in(actor=centre["agent1"], now=clock.now)
    agent_make_ready(actor=centre["agent1"], now=clock.now)
    call = call_arrive(
        now=clock.now, queue=Queue.objects.get(code="repairs"), caller_number="+359 2 981 1111"
    )
    offer = Offer.objects.get(call=call, outcome=OfferOutcome.PENDING)
    offer_accept(actor=centre["agent1"], now=clock.advance(seconds=5), offer_id=offer.pk)
    for name in ("agent2",):
        agent_log_in(actor=centre[name], now=clock.now)
        agent_make_ready(actor=centre[name], now=clock.now)
    return Call.objects.get(pk=call.pk)


def press(client, user, **data):
    client.force_login(user)
    return client.post(reverse("calls:desk_action"), data)


def test_a4_transfer_reason_longer_than_its_column_is_a_400_with_what_was_typed(
    client, centre, talking
):
    typed = "Повреда на линията " * 20  # 380 characters, past the 300 of Transfer.reason
    assert len(typed) > TRANSFER_REASON_LENGTH
    response = press(
        client,
        centre["agent1"],
        action="transfer",
        call=str(talking.pk),
        to_agent=str(centre["agent2"].pk),
        reason=typed,
    )
    page = response.content.decode()
    assert response.status_code == 400
    with translation.override("bg"):
        expected = gettext("%(field)s is too long: at most %(max)s characters.") % {
            "field": gettext("Reason"),
            "max": TRANSFER_REASON_LENGTH,
        }
    assert expected in page
    assert f'value="{typed}"' in page  # kept for the agent to shorten
    assert not Transfer.objects.exists()
    assert Call.objects.get(pk=talking.pk).state == CallState.CONNECTED


def test_a4_transfer_reason_at_its_length_is_asked(client, centre, talking):
    response = press(
        client,
        centre["agent1"],
        action="transfer",
        call=str(talking.pk),
        to_agent=str(centre["agent2"].pk),
        reason="я" * TRANSFER_REASON_LENGTH,
    )
    assert response.status_code == 200
    assert Transfer.objects.get().reason == "я" * TRANSFER_REASON_LENGTH


def test_a4_another_agent_cannot_transfer_someone_elses_call(client, centre, talking):
    response = press(
        client,
        centre["agent2"],
        action="transfer",
        call=str(talking.pk),
        to_agent=str(centre["agent1"].pk),
        reason="x",
    )
    assert response.status_code == 409
    assert not Transfer.objects.exists()


def test_b8_callback_number_longer_than_its_column_is_a_400(client, centre, talking, clock):
    start = clock.now + timedelta(hours=1)
    response = press(
        client,
        centre["agent1"],
        action="callback",
        number="+359 2 " + "9" * CALLBACK_NUMBER_LENGTH,
        queue=str(Queue.objects.get(code="repairs").pk),
        window_start=start.isoformat(),
        window_end=(start + timedelta(hours=1)).isoformat(),
    )
    assert response.status_code == 400
    assert 'data-testid="desk-error"' in response.content.decode()
    assert not Callback.objects.exists()


def test_b8_callback_number_too_long_is_a_422_over_the_api(floor, centre, clock):
    start = clock.now + timedelta(hours=1)
    response = floor(
        "agent1",
        "post",
        "/floor/callbacks",
        {
            "queue": "repairs",
            "number": "9" * (CALLBACK_NUMBER_LENGTH + 1),
            "window_start": start.isoformat(),
            "window_end": (start + timedelta(hours=1)).isoformat(),
        },
    )
    assert response.status_code == 422
    assert not Callback.objects.exists()


# --- ending a call that is not in progress: no rule at stake -------------------------------------


def test_a1_ending_a_call_already_ended_twice_is_no_conflict(floor, centre, talking):
    # Said twice (a double click) is answered as the first time: the call ended once.
    assert floor("agent1", "post", f"/floor/calls/{talking.pk}/end").status_code == 200
    again = floor("agent1", "post", f"/floor/calls/{talking.pk}/end")
    assert again.status_code == 200
    assert again.json()["state"] == CallState.WRAP_UP


def test_a1_is_not_named_for_ending_a_call_that_is_not_in_progress(floor, centre, talking):
    # The PBX reported the caller gone while the agent's hang-up was on its way.
    Call.objects.filter(pk=talking.pk).update(state=CallState.ABANDONED)
    response = floor("agent1", "post", f"/floor/calls/{talking.pk}/end")
    assert response.status_code == 409
    body = response.json()
    assert body["rule"] == ""
    assert body["state"] == CallState.ABANDONED
    with translation.override("bg"):  # agent1 reads Bulgarian
        expected = gettext("The call is %(state)s: it is not in progress.") % {
            "state": CallState.ABANDONED
        }
    assert body["detail"] == expected
    assert Call.objects.get(pk=talking.pk).state == CallState.ABANDONED


def test_a1_desk_hang_up_on_a_call_not_in_progress_shows_the_state(client, centre, clock):
    agent_log_in(actor=centre["agent1"], now=clock.now)
    call = call_arrive(
        now=clock.now, queue=Queue.objects.get(code="repairs"), caller_number="+359 2 1"
    )
    response = press(client, centre["agent1"], action="end", call=str(call.pk))
    page = response.content.decode()
    assert response.status_code == 409
    assert "data-rule" not in page
    assert 'data-testid="desk-error"' in page
    assert "waiting" in page
    assert Call.objects.get(pk=call.pk).state == CallState.WAITING


def test_b10_another_agent_cannot_end_my_call(floor, centre, talking):
    response = floor("agent2", "post", f"/floor/calls/{talking.pk}/end")
    assert response.status_code == 404  # not theirs: not even said to exist
    assert Call.objects.get(pk=talking.pk).state == CallState.CONNECTED


def test_b10_a_lead_cannot_take_over_a_call_that_is_not_in_progress(floor, centre, talking, clock):
    call_end(actor=centre["agent1"], now=clock.advance(seconds=30), call_id=talking.pk)
    response = floor(
        "lead", "post", f"/floor/calls/{talking.pk}/take-over", {"reason": "caller angry"}
    )
    assert response.status_code == 409, response.content
    assert (response.json()["rule"], response.json()["state"]) == ("", CallState.WRAP_UP)
    assert Call.objects.get(pk=talking.pk).agent == centre["agent1"]


# --- the wallboard of a team lead without a team: a set-up matter, no rule ------------------------


def test_b9_is_not_named_for_a_team_lead_without_a_team(floor, centre):
    centre["lead"].team = None
    centre["lead"].save(update_fields=["team"])
    response = floor("lead", "get", "/floor/wallboard")
    assert response.status_code == 403
    assert "rule" not in response.json()
    with translation.override("bg"):  # the demo's lead reads Bulgarian
        assert response.json()["detail"] == gettext("The wallboard shows a team: you have none.")


def test_b9_wallboard_is_the_leads_own_team_and_refused_to_agents(floor, centre):
    assert floor("lead", "get", "/floor/wallboard").json()["team"] == "Repairs"
    assert floor("agent1", "get", "/floor/wallboard").status_code == 403
