"""The staff's pages in their language: an agent in a call (desk, screen pop, the case beside
it), the team lead's wallboard, the dispatcher's board and the event log, read in Bulgarian and
Chinese, hold no phrase of the catalogs left in English, and print times in Sofia's."""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from hotline.calls.models import Call
from hotline.calls.tests.floor_http import answer, arrive, http_api, ready
from hotline.directory.choices import ApplianceKind
from hotline.testing.cases import make_ticket
from hotline.testing.words import english_in, english_phrases, visible, without
from hotline.tickets.choices import TicketState

pytestmark = pytest.mark.django_db

PAGES: list[tuple[str, str, list[object]]] = [
    ("agent1", "calls:desk", []),
    ("lead", "calls:wallboard", []),
    ("dispatcher", "dispatch:board", []),
    ("manager", "audit:list", []),
    ("agent1", "tickets:list", []),
]


@pytest.fixture
def floor_in_a_call(client, centre, token_for, clock):  # type: ignore[no-untyped-def]
    """agent1 talks to a caller the centre knows; a case of theirs waits for dispatch."""
    api = http_api(client, token_for, clock)
    ready(api, "agent1")
    arrive(api, "WORDS-1")
    answer(api, "agent1")
    call = Call.objects.get(external_id="WORDS-1")
    ticket = make_ticket(centre["agent1"], clock.now - timedelta(minutes=20))
    call.customer = ticket.customer
    call.save(update_fields=["customer"])
    return {"call": call, "ticket": ticket}


def _read(client, user, language: str, name: str, args: list[object]) -> str:  # type: ignore[no-untyped-def]
    user.language = language
    user.save(update_fields=["language"])
    client.force_login(user)
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200, (name, response.status_code)
    return visible(response.content.decode())


@pytest.mark.parametrize("language", ["bg", "zh-hans"])
def test_staff_pages_hold_no_english_phrase(client, centre, floor_in_a_call, language):
    ticket = floor_in_a_call["ticket"]
    pages = [*PAGES, ("agent1", "tickets:detail", [ticket.pk])]
    typed = [  # what people typed or the centre named stays as it is
        ticket.customer.name,
        ticket.symptom,
        ticket.steps_tried,
        ticket.read_back_text,
        ticket.site.address,
        *(str(user) for user in centre.values()),
        "Repairs line",
        "Installations line",
    ]
    phrases = english_phrases(language)
    for username, name, args in pages:
        text = without(_read(client, centre[username], language, name, args), typed)
        assert not english_in(text, phrases), (username, name)
        codes = set(re.findall(r"[a-z_]+", text)) & {*ApplianceKind.values, *TicketState.values}
        assert not codes, (username, name)  # stored codes read as words
    # not vacuous: the desk read in English holds the catalog's phrases
    english = _read(client, centre["agent1"], "en", "calls:desk", [])
    assert len(english_in(english, phrases)) > 5


def test_staff_pages_print_times_in_the_centres_zone(client, centre, floor_in_a_call):
    """The call was answered at 10:00 in Sofia (08:00 UTC): the pages say 10:0x, never 08:0x."""
    answered = timezone.localtime(floor_in_a_call["call"].answered_at, ZoneInfo("Europe/Sofia"))
    assert answered.hour == 10
    for username, name, args in PAGES:
        text = _read(client, centre[username], "bg", name, args)
        assert not re.search(r"(?<![\d:])08:0\d", text), (username, name)
    desk = _read(client, centre["agent1"], "bg", "calls:desk", [])
    assert re.search(r"(?<![\d:])10:[01]\d", desk)  # the talk limit, the day's times
