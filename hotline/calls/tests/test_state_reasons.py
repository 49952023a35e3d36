"""Issue 17: why the floor moved an agent is kept as a code and read as words in the reader's
language (the desk's "Not ready · declined call" read "Не готов · declined call")."""

import pytest
from django.utils import translation

from hotline.calls.choices import LEAVE_CHOICES, StateReason, state_reason_label
from hotline.calls.models import AgentSession
from hotline.calls.services.calls import call_arrive, offer_decline
from hotline.calls.tests.conftest import SECOND, pending_offer

pytestmark = pytest.mark.django_db


def test_b9_a_declined_call_is_kept_as_a_code_and_read_in_words(ready, repairs, now):
    call_arrive(now=now, queue=repairs, caller_number="+359 2 000")
    offer_decline(actor=ready[0], now=now + SECOND, offer_id=pending_offer(ready[0]).pk)
    session = AgentSession.objects.get(agent=ready[0])
    assert session.reason == "declined call"  # stored as before: the code
    assert StateReason(session.reason) is StateReason.DECLINED_CALL
    with translation.override("ru"):
        assert session.reason_label == str(StateReason.DECLINED_CALL.label)
    with translation.override("en"):
        assert session.reason_label == "declined a call"


def test_every_reason_of_the_floor_and_every_leave_has_words_and_typed_ones_stay():
    with translation.override("en"):
        for code in StateReason.values:
            assert state_reason_label(code) == str(StateReason(code).label)
        for code, label in LEAVE_CHOICES:
            assert state_reason_label(code) == str(label)
        assert state_reason_label("Coaching with Maria") == "Coaching with Maria"
        assert state_reason_label("") == ""
