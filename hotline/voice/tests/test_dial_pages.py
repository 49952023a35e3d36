"""The Call buttons of outbound dialling on the pages (README, Voice (SIP), outbound): a
callback's on the desk (B8), a follow-up call's on its page (C6), only with the softphone and a
trunk; with a softphone and no trunk the page says to dial elsewhere; without, as before."""

from datetime import timedelta

import pytest

from hotline.calls.choices import OfferOutcome
from hotline.calls.models import Offer
from hotline.calls.tests.floor_http import callback_ringing, http_api, ready
from hotline.followup.models import FollowUp
from hotline.followup.numbers import followup_number
from hotline.followup.services import followup_take, followups_plan
from hotline.testing.cases import completed_order

pytestmark = pytest.mark.django_db

EDGE = "ws://127.0.0.1:8088"
TRUNK = "sip:carrier.example:5060"
SETUPS = [  # (softphone, trunk): what the page shows
    (EDGE, TRUNK, "button"),
    (EDGE, "", "off"),
    ("", TRUNK, "nothing"),
    ("", "", "nothing"),
]


@pytest.fixture
def api(client, in_english, token_for, clock):
    return http_api(client, token_for, clock)


def shows(html: str, number: str, expected: str) -> None:
    button = f'data-dial="{number}"'
    if expected == "button":
        assert button in html
        assert f"Call {number}" in html
    elif expected == "off":
        assert button not in html
        assert f"Outbound calls are not set up on the SIP edge: dial {number}" in html
    else:
        assert button not in html
        assert "Outbound calls are not set up" not in html


@pytest.mark.parametrize(("ws", "trunk", "expected"), SETUPS)
def test_b8_the_desk_shows_a_call_button_on_the_ringing_callback_and_on_its_call(
    api, client, centre, clock, settings, ws, trunk, expected
):
    settings.HOTLINE_VOICE_WS_URL, settings.HOTLINE_VOICE_TRUNK_URI = ws, trunk
    ready(api, "agent1")
    callback = callback_ringing(api, clock)
    client.force_login(centre["agent1"])

    ringing = client.get("/floor/desk/panel/").content.decode()
    shows(ringing, "+359 88 1000000", expected)
    assert client.get("/floor/desk/").status_code == 200

    offer = Offer.objects.get(callback=callback, outcome=OfferOutcome.PENDING)
    assert api("agent1", "post", f"/floor/offers/{offer.pk}/accept").status_code == 200
    connected = client.get("/floor/desk/panel/").content.decode()
    shows(connected, "+359 88 1000000", expected)


def test_b8_an_inbound_call_on_the_desk_has_no_call_button(api, client, centre, settings):
    settings.HOTLINE_VOICE_WS_URL, settings.HOTLINE_VOICE_TRUNK_URI = EDGE, TRUNK
    ready(api, "agent1")
    arrived = api(
        "pbx",
        "post",
        "/cti/calls",
        {"external_id": "pbx-1", "queue": "repairs", "caller_number": "+359 2 981 1111"},
    )
    assert arrived.status_code == 201
    client.force_login(centre["agent1"])
    assert "data-dial" not in client.get("/floor/desk/panel/").content.decode()


@pytest.mark.parametrize(("ws", "trunk", "expected"), SETUPS)
def test_c6_a_taken_follow_up_links_its_number_to_the_desks_phone(
    client, in_english, centre, clock, settings, ws, trunk, expected
):
    settings.HOTLINE_VOICE_WS_URL, settings.HOTLINE_VOICE_TRUNK_URI = ws, trunk
    order = completed_order(centre, clock.now - timedelta(days=7))
    followups_plan(now=clock.now)
    followup = FollowUp.objects.select_related("work_order", "ticket__customer").get(
        work_order=order
    )
    number = followup_number(followup)
    client.force_login(centre["agent1"])
    link = f'href="/floor/desk/?dial={number.replace("+", "%2B")}"'

    due = client.get(f"/followup/{followup.pk}/")
    assert due.status_code == 200
    assert "Take this call" in due.content.decode() or 'value="take"' in due.content.decode()
    assert link not in due.content.decode()  # taken first ("Take this call"), then called

    followup_take(actor=centre["agent1"], now=clock.now, followup_id=followup.pk)
    taken = client.get(f"/followup/{followup.pk}/").content.decode()
    assert (link in taken) == (expected == "button")
    assert ("Outbound calls are not set up" in taken) == (expected == "off")

    desk = client.get("/floor/desk/", {"dial": number}).content.decode()
    shows(desk, number, expected)


@pytest.mark.parametrize("raw", ["sip:evil@example", "0888<script>", "1" * 40, ""])
def test_c6_the_desk_dials_only_a_number_from_its_link(client, centre, settings, raw):
    settings.HOTLINE_VOICE_WS_URL, settings.HOTLINE_VOICE_TRUNK_URI = EDGE, TRUNK
    client.force_login(centre["agent1"])
    page = client.get("/floor/desk/", {"dial": raw})
    assert page.status_code == 200
    assert "data-dial" not in page.content.decode()
