"""The PBX's contract (CTI API) over HTTP: who answered, repeated reports, conflicts that say
the call's state, the screen pop, and every operation's bad input and wrong role."""

from datetime import timedelta

import pytest

from hotline.audit.models import Event
from hotline.calls.choices import OfferOutcome, TransferOutcome
from hotline.calls.models import AgentSession, Call, Callback, Offer, Transfer
from hotline.calls.services.tick import floor_tick
from hotline.calls.tests.floor_http import http_api, ready
from hotline.directory.models import Customer
from hotline.testing.clock import MovingClock
from hotline.tickets.choices import TicketKind, TicketState
from hotline.tickets.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch, now):
    moving = MovingClock(now)
    monkeypatch.setattr("hotline.clock.now", moving)
    return moving


@pytest.fixture
def api(client, in_english, token_for, clock):
    """Call the API as a user: api("pbx", "post", "/cti/calls", {...}). One token a user (a
    token's creation is an event, and refusals are checked to add none)."""
    return http_api(client, token_for)


def arrive(api, external_id="pbx-1", number="+359 2 981 1111", queue="repairs"):
    return api(
        "pbx",
        "post",
        "/cti/calls",
        {"external_id": external_id, "queue": queue, "caller_number": number},
    )


def agent_state(centre, username) -> str:
    return AgentSession.objects.get(agent=centre[username]).state


def snapshot():
    """Everything a refused report must leave as it was."""
    return (
        list(Call.objects.order_by("pk").values_list("pk", "state", "agent_id", "ended_at")),
        list(Offer.objects.order_by("pk").values_list("pk", "outcome")),
        list(AgentSession.objects.order_by("pk").values_list("agent_id", "state")),
        list(Transfer.objects.order_by("pk").values_list("pk", "outcome")),
        Callback.objects.count(),
        Event.objects.exclude(entity__startswith="accounts.").count(),  # tokens made on the way
    )


# answered: who picked up (B9) -------------------------------------------------------------


def test_b9_answered_connects_the_agent_the_pbx_names(api, centre):
    ready(api, "agent1")
    offer_id = arrive(api).json()["offer_id"]
    answered = api("pbx", "post", "/cti/calls/pbx-1/answered", {"offer_id": offer_id})
    assert answered.status_code == 200
    body = answered.json()
    assert (body["state"], body["answered_by"], body["offer_id"]) == ("connected", "agent1", None)
    assert agent_state(centre, "agent1") == "on_call"


def test_b9_answered_by_an_agent_whose_offer_timed_out_is_refused_and_changes_nothing(
    api, centre, clock
):
    ready(api, "agent1", "agent2")
    first = arrive(api).json()
    assert first["offered_to"] == "agent1"
    clock.advance(
        seconds=20
    )  # the offer rings 15 s: it expires and the call rings on agent2's desk
    floor_tick(clock())
    state = api("pbx", "get", "/cti/calls/pbx-1").json()
    assert state["offered_to"] == "agent2"
    before = snapshot()
    for who in ({"agent": "agent1"}, {"offer_id": first["offer_id"]}):
        refused = api("pbx", "post", "/cti/calls/pbx-1/answered", who)
        assert refused.status_code == 409
        assert refused.json()["rule"] == "B9"
        assert "agent2" in refused.json()["detail"]
    assert snapshot() == before
    both = {"agent": "agent2", "offer_id": state["offer_id"]}
    answered = api("pbx", "post", "/cti/calls/pbx-1/answered", both)
    assert answered.json()["answered_by"] == "agent2"


def test_b9_answered_twice_is_one_answer_and_a_different_answerer_is_refused(api, centre):
    ready(api, "agent1", "agent2")
    arrive(api)
    first = api("pbx", "post", "/cti/calls/pbx-1/answered", {"agent": "agent1"})
    before = snapshot()
    again = api("pbx", "post", "/cti/calls/pbx-1/answered", {"agent": "agent1"})
    assert (again.status_code, again.json()) == (200, first.json())
    other = api("pbx", "post", "/cti/calls/pbx-1/answered", {"agent": "agent2"})
    assert (other.status_code, other.json()["rule"]) == (409, "B9")
    assert snapshot() == before


def test_b9_answered_on_a_call_that_is_not_ringing_is_409_with_its_state(api, centre):
    arrive(api)  # nobody is ready: it waits
    before = snapshot()
    refused = api("pbx", "post", "/cti/calls/pbx-1/answered", {"agent": "agent1"})
    assert refused.status_code == 409
    assert refused.json()["state"] == "waiting"
    assert refused.json()["rule"] == ""
    assert snapshot() == before
    unknown = api("pbx", "post", "/cti/calls/nope/answered", {"agent": "agent1"})
    assert unknown.status_code == 404


@pytest.mark.parametrize(
    "body",
    [None, {}, {"agent": None, "offer_id": None}, {"agent": ""}, {"offer_id": 0},
     {"agent": "a" * 151}, {"agent": "agent 1"}, {"offer_id": "x"}, {"offer_id": 2**31}],
)  # fmt: skip
def test_b9_answered_without_saying_who_is_refused_as_bad_input(api, centre, body):
    ready(api, "agent1")
    arrive(api)
    before = snapshot()
    refused = api("pbx", "post", "/cti/calls/pbx-1/answered", body)
    assert refused.status_code in (400, 422)
    assert "detail" in refused.json()
    assert snapshot() == before


# ended and abandoned: repeated reports, states that cannot take them ----------------------


def test_a1_ended_twice_answers_the_same_and_ends_the_call_once(api, centre):
    ready(api, "agent1")
    arrive(api)
    api("pbx", "post", "/cti/calls/pbx-1/answered", {"agent": "agent1"})
    first = api("pbx", "post", "/cti/calls/pbx-1/ended")
    before = snapshot()
    again = api("pbx", "post", "/cti/calls/pbx-1/ended")
    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json() == first.json()
    assert again.json()["state"] == "wrap_up"
    assert snapshot() == before
    assert Event.objects.filter(entity="calls.call", action="ended").count() == 1


def test_ended_before_any_answer_is_409_with_the_state_and_names_no_rule(api):
    ready(api, "agent1")
    arrive(api)
    before = snapshot()
    refused = api("pbx", "post", "/cti/calls/pbx-1/ended")
    assert refused.status_code == 409
    assert (refused.json()["rule"], refused.json()["state"]) == ("", "offered")
    assert snapshot() == before


def test_b9_abandoned_twice_answers_the_same_and_frees_the_agent_once(api, centre):
    ready(api, "agent1")
    arrive(api)
    first = api("pbx", "post", "/cti/calls/pbx-1/abandoned")
    assert first.json()["state"] == "abandoned"
    assert agent_state(centre, "agent1") == "ready"
    before = snapshot()
    again = api("pbx", "post", "/cti/calls/pbx-1/abandoned")
    assert (again.status_code, again.json()) == (200, first.json())
    assert snapshot() == before


def test_abandoned_after_an_answer_is_409_with_the_state(api, centre):
    ready(api, "agent1")
    arrive(api)
    api("pbx", "post", "/cti/calls/pbx-1/answered", {"agent": "agent1"})
    before = snapshot()
    refused = api("pbx", "post", "/cti/calls/pbx-1/abandoned")
    assert (refused.status_code, refused.json()["state"]) == (409, "connected")
    assert snapshot() == before


# A4 / B10: a transfer still ringing stops when its call ends or changes hands ---------------


def _transfer_ringing(api, centre):
    ready(api, "agent1", "agent2")
    arrive(api)
    call = api("pbx", "post", "/cti/calls/pbx-1/answered", {"agent": "agent1"}).json()
    ready_since = AgentSession.objects.get(agent=centre["agent2"]).ready_since
    transfer = api(
        "agent1",
        "post",
        f"/floor/calls/{call['call']['id']}/transfer",
        {"to_agent": "agent2", "reason": "installation question"},
    ).json()
    assert agent_state(centre, "agent2") == "offered"
    return call, transfer, ready_since


def test_a4_the_caller_hanging_up_withdraws_a_ringing_transfer(api, centre, clock):
    _, transfer, ready_since = _transfer_ringing(api, centre)
    clock.advance(seconds=5)
    assert api("pbx", "post", "/cti/calls/pbx-1/ended").status_code == 200
    assert Transfer.objects.get(pk=transfer["id"]).outcome == TransferOutcome.WITHDRAWN
    colleague = AgentSession.objects.get(agent=centre["agent2"])
    assert (colleague.state, colleague.ready_since) == ("ready", ready_since)
    withdrawn = Event.objects.get(entity="calls.call", action="transfer_withdrawn")
    assert (withdrawn.rule, withdrawn.new, withdrawn.reason) == (
        "A4",
        {"to": centre["agent2"].pk},
        "call ended",
    )
    late = api("agent2", "post", f"/floor/transfers/{transfer['id']}/accept")
    assert (late.status_code, late.json()["rule"]) == (409, "A4")
    assert "no longer waiting" in late.json()["detail"]
    assert agent_state(centre, "agent2") == "ready"


def test_b10_a_take_over_withdraws_a_ringing_transfer(api, centre):
    call, transfer, ready_since = _transfer_ringing(api, centre)
    api("lead", "post", "/floor/login")
    taken = api(
        "lead", "post", f"/floor/calls/{call['call']['id']}/take-over", {"reason": "escalated"}
    )
    assert taken.status_code == 200
    assert Transfer.objects.get(pk=transfer["id"]).outcome == TransferOutcome.WITHDRAWN
    colleague = AgentSession.objects.get(agent=centre["agent2"])
    assert (colleague.state, colleague.ready_since) == ("ready", ready_since)
    assert Event.objects.filter(action="transfer_withdrawn", rule="A4").count() == 1
    state = api("pbx", "get", "/cti/calls/pbx-1").json()
    assert state["answered_by"] == "lead"


def test_a4_a_transfer_left_ringing_from_before_is_refused_then_expires(api, centre, clock):
    """A transfer still pending on a call that ended (written before the withdrawal existed)."""
    call, transfer, ready_since = _transfer_ringing(api, centre)
    Call.objects.filter(pk=call["call"]["id"]).update(state="wrap_up")
    before = snapshot()
    late = api("agent2", "post", f"/floor/transfers/{transfer['id']}/accept")
    assert (late.status_code, late.json()["rule"]) == (409, "A4")
    assert snapshot() == before
    clock.advance(seconds=25)  # A4: unanswered after 20 s
    floor_tick(clock())
    assert Transfer.objects.get(pk=transfer["id"]).outcome == TransferOutcome.EXPIRED
    colleague = AgentSession.objects.get(agent=centre["agent2"])
    assert (colleague.state, colleague.ready_since) == ("ready", ready_since)


# Screen pop and the call's state ----------------------------------------------------------


@pytest.mark.parametrize("written", ["088 100 0000", "+359881000000", "00359 88 100 0000"])
def test_e4_screen_pop_lists_the_callers_open_cases_however_the_number_is_written(
    api, centre, now, written
):
    customer = centre["customer1"].customer  # stored as "+359 88 1000000"
    owner = centre["agent1"]
    Ticket.objects.filter(customer=customer).delete()
    open_case = Ticket.objects.create(
        kind=TicketKind.REPAIR,
        state=TicketState.DISPATCHED,
        customer=customer,
        owner=owner,
        created_at=now,
        symptom="No heating",
    )
    Ticket.objects.create(
        kind=TicketKind.REPAIR, state=TicketState.CLOSED, customer=customer, owner=owner,
        created_at=now,
    )  # fmt: skip
    pop = arrive(api, number=written).json()
    assert pop["customer_id"] == customer.pk
    assert pop["open_cases"] == [
        {"id": open_case.pk, "number": open_case.number, "state": "dispatched",
         "summary": "No heating"}
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("stored", "calling"),
    [
        ("02 981 1111", "+359 2 981 1111"),  # a Sofia line: its national number is 8 digits
        ("+359 2 981 1111", "02 981 1111"),
        ("+359 2 981 1111", "00359 2 981 1111"),
        ("(02) 981-11-11", "35929811111"),  # as a PBX may send it
    ],
)
def test_e4_screen_pop_finds_a_landline_written_nationally_or_internationally(
    api, centre, stored, calling
):
    customer = Customer.objects.create(name="Sofia office", phone=stored)
    assert arrive(api, number=calling).json()["customer_id"] == customer.pk


def test_e4_without_a_country_code_numbers_match_as_written(api, centre, settings):
    settings.HOTLINE_COUNTRY_CODE = ""
    Customer.objects.create(name="Sofia office", phone="02 981 1111")
    assert arrive(api, number="+359 2 981 1111").json()["customer_id"] is None
    assert arrive(api, "pbx-2", number="02 981 1111").json()["customer_id"] is not None


def test_b9_call_state_says_where_the_call_is_with_local_times(api, centre):
    arrive(api, "pbx-1")
    arrive(api, "pbx-2")
    waiting = api("pbx", "get", "/cti/calls/pbx-2").json()
    assert (waiting["state"], waiting["waiting_position"], waiting["queue"]) == (
        "waiting",
        2,
        "repairs",
    )
    assert waiting["arrived_at"] == "2026-11-23T10:00:00+02:00"  # Sofia, the centre's zone
    ready(api, "agent1")  # the first call in line rings on agent1's desk
    ringing = api("pbx", "get", "/cti/calls/pbx-1").json()
    offer = Offer.objects.get(call__external_id="pbx-1", outcome=OfferOutcome.PENDING)
    assert (ringing["state"], ringing["offered_to"], ringing["offer_id"]) == (
        "offered",
        "agent1",
        offer.pk,
    )
    assert ringing["offer_expires_at"] == "2026-11-23T10:00:15+02:00"
    assert api("pbx", "get", "/cti/calls/pbx-2").json()["waiting_position"] == 1
    assert api("pbx", "get", "/cti/calls/nope").status_code == 404


# Arrival: bounded input, a repeated arrival, a reused id -----------------------------------


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"external_id": "", "queue": "repairs", "caller_number": "1"},
        {"external_id": "x" * 101, "queue": "repairs", "caller_number": "1"},
        {"external_id": "a/b", "queue": "repairs", "caller_number": "1"},
        {"external_id": " x", "queue": "repairs", "caller_number": "1"},
        {"external_id": "x", "queue": "repairs", "caller_number": "call me"},
        {"external_id": "x", "queue": "repairs", "caller_number": "1" * 33},
        {"external_id": "x", "queue": "repairs", "caller_number": "+"},
        {"external_id": "x", "queue": "", "caller_number": "1"},
        {"external_id": "x", "queue": "r" * 31, "caller_number": "1"},
        {"external_id": "x", "queue": "nope", "caller_number": "1"},
        {"external_id": 7, "queue": "repairs", "caller_number": "1"},
        {"external_id": "hotline-7", "queue": "repairs", "caller_number": "1"},  # Hotline's
    ],
)
def test_b9_a_bad_arrival_is_refused_and_creates_nothing(api, body):
    before = snapshot()
    refused = api("pbx", "post", "/cti/calls", body)
    assert refused.status_code in (404, 422)
    assert "detail" in refused.json()
    assert snapshot() == before


def test_b9_a_repeated_arrival_is_the_same_call_and_a_reused_id_is_refused(api):
    ready(api, "agent1")
    first = arrive(api)
    assert first.status_code == 201
    again = arrive(api)
    assert (again.status_code, again.json()["call"]["id"]) == (200, first.json()["call"]["id"])
    before = snapshot()
    reused = arrive(api, number="+359 2 000 0000")
    assert (reused.status_code, reused.json()["state"]) == (409, "offered")
    assert snapshot() == before


def test_b9_a_withheld_number_is_a_call_without_a_screen_pop(api):
    answer = arrive(api, number="")
    assert answer.status_code == 201
    assert (answer.json()["customer_id"], answer.json()["open_cases"]) == (None, [])


# Callback (B8, C1) ---------------------------------------------------------------------------


def test_b8_the_same_callback_choice_twice_is_one_callback(api, now):
    arrive(api)
    window = {
        "window_start": (now + timedelta(hours=1)).isoformat(),
        "window_end": (now + timedelta(hours=2)).isoformat(),
    }
    first = api("pbx", "post", "/cti/calls/pbx-1/callback", window)
    again = api("pbx", "post", "/cti/calls/pbx-1/callback", window)
    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json() == first.json()
    assert Callback.objects.count() == 1
    before = snapshot()
    later = {**window, "window_end": (now + timedelta(hours=3)).isoformat()}
    other = api("pbx", "post", "/cti/calls/pbx-1/callback", later)
    assert (other.status_code, other.json()["state"]) == (409, "callback")
    assert snapshot() == before


@pytest.mark.parametrize(
    "window",
    [
        {},
        {"window_start": "2026-11-23T11:00:00", "window_end": "2026-11-23T12:00:00"},  # no zone
        {"window_start": "tomorrow", "window_end": "2026-11-23T12:00:00+02:00"},
        {"window_start": "2026-11-23T13:00:00+02:00", "window_end": "2026-11-23T12:00:00+02:00"},
        {"window_start": "2026-11-23T09:00:00+02:00", "window_end": "2026-11-23T12:00:00+02:00"},
        {"window_start": "2026-11-23T13:00:00+02:00", "window_end": "2026-12-23T13:00:00+02:00"},
        {"window_start": "2027-11-23T13:00:00+02:00", "window_end": "2027-11-23T14:00:00+02:00"},
    ],
)
def test_c1_a_bad_callback_window_is_refused_and_changes_nothing(api, window):
    arrive(api)
    before = snapshot()
    refused = api("pbx", "post", "/cti/calls/pbx-1/callback", window)
    assert refused.status_code in (409, 422)
    assert refused.json()["detail"]
    assert snapshot() == before


def test_b8_a_ringing_call_cannot_become_a_callback(api, now):
    ready(api, "agent1")
    arrive(api)
    before = snapshot()
    window = {
        "window_start": (now + timedelta(hours=1)).isoformat(),
        "window_end": (now + timedelta(hours=2)).isoformat(),
    }
    refused = api("pbx", "post", "/cti/calls/pbx-1/callback", window)
    assert (refused.status_code, refused.json()["state"]) == (409, "offered")
    assert snapshot() == before


# Every operation: the PBX's role only; a bad call id ------------------------------------------

OPERATIONS = [
    ("post", "/cti/calls", {"external_id": "x-1", "queue": "repairs", "caller_number": "1"}),
    ("get", "/cti/calls/pbx-1", None),
    ("post", "/cti/calls/pbx-1/answered", {"agent": "agent1"}),
    ("post", "/cti/calls/pbx-1/ended", None),
    ("post", "/cti/calls/pbx-1/abandoned", None),
    ("post", "/cti/calls/pbx-1/hold", {"on_hold": True}),
    (
        "post",
        "/cti/calls/pbx-1/callback",
        {"window_start": "2026-11-23T11:00:00+02:00", "window_end": "2026-11-23T12:00:00+02:00"},
    ),
]


@pytest.mark.parametrize("role", ["agent1", "lead", "admin", "customer1", "dispatcher"])
@pytest.mark.parametrize(("method", "path", "body"), OPERATIONS)
def test_b9_only_the_pbx_may_use_the_cti_api(api, centre, role, method, path, body):
    ready(api, "agent1")
    arrive(api)
    before = snapshot()
    refused = api(role, method, path, body)
    assert refused.status_code == 403
    assert refused.json() == {"detail": "Your role cannot use this operation."}
    assert snapshot() == before


@pytest.mark.parametrize("bad_id", ["x" * 101, "a%20b", "-x", "%C3%A9"])
@pytest.mark.parametrize(("method", "path", "body"), OPERATIONS[1:])
def test_b9_a_bad_pbx_call_id_is_refused_as_bad_input(api, method, path, body, bad_id):
    arrive(api)
    before = snapshot()
    refused = api("pbx", method, path.replace("pbx-1", bad_id), body)
    assert refused.status_code == 422
    assert "detail" in refused.json()
    assert snapshot() == before
