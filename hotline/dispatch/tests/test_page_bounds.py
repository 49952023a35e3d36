"""The dispatch board's send-back (E3) reads its reason bounded as the API does: the browser's
maxlength is only a hint, and past it the page answers with the form as typed, nothing changed."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from hotline.tickets.choices import TicketState
from hotline.tickets.limits import REASON_LENGTH

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen(monkeypatch, now):
    monkeypatch.setattr("hotline.clock.now", lambda: now)


def test_e3_send_back_reason_too_long_is_a_400_with_the_reason_as_typed(client, centre, ticket):
    client.force_login(centre["dispatcher"])  # reads Russian in the demo
    typed = "Какая модель? " * 80  # 1120 characters
    assert len(typed) > REASON_LENGTH
    response = client.post(reverse("dispatch:bounce"), {"ticket": ticket.pk, "reason": typed})
    page = response.content.decode()
    assert response.status_code == 400
    with translation.override("ru"):
        expected = gettext("%(field)s is too long: at most %(max)s characters.") % {
            "field": gettext("What is missing"),
            "max": REASON_LENGTH,
        }
    assert expected in page
    assert f">{typed}</textarea>" in page
    ticket.refresh_from_db()
    assert (ticket.state, ticket.bounce_reason) == (TicketState.TO_DISPATCH, "")


def test_e3_send_back_reason_at_its_length_is_taken(client, centre, ticket):
    client.force_login(centre["dispatcher"])
    reason = "м" * REASON_LENGTH
    response = client.post(reverse("dispatch:bounce"), {"ticket": ticket.pk, "reason": reason})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.state, ticket.bounce_reason) == (TicketState.BOUNCED, reason)


def test_e3_only_dispatchers_send_back(client, centre, ticket):
    client.force_login(centre["agent1"])
    response = client.post(reverse("dispatch:bounce"), {"ticket": ticket.pk, "reason": "x"})
    assert response.status_code == 403
    ticket.refresh_from_db()
    assert ticket.state == TicketState.TO_DISPATCH
