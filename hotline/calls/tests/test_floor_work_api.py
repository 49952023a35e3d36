"""B8, B10 and A1 over HTTP: callbacks offered only inside their window and tracked to
completed or failed, a team lead back to their own work after a take-over, the talk limit read
at every scope; bounded inputs. Driven as people and the worker do, with a clock that moves.
"""

from datetime import timedelta

import pytest

from hotline.audit.models import Event
from hotline.calls.choices import AlertKind, CallbackFailure, CallState
from hotline.calls.models import Alert, Call, Callback, Transfer
from hotline.calls.tests.floor_http import (
    arrive,
    http_api,
    pbx_answered,
    ready,
    set_rule,
    state,
    worker,
)
from hotline.testing.people import installations_lead

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client, in_english, token_for, clock):
    return http_api(client, token_for, clock)


@pytest.fixture
def other_lead(centre):
    centre["lead2"] = installations_lead()
    return centre["lead2"]


# B8: callbacks offered only inside their window, tracked to completed or failed ------------


def schedule(api, clock, username="agent1", start_in=5, length=30):
    """A callback promised by the agent for a window `start_in` minutes from now."""
    start = clock.now + timedelta(minutes=start_in)
    body = {
        "queue": "repairs",
        "number": "+359 88 1000000",
        "window_start": start.isoformat(),
        "window_end": (start + timedelta(minutes=length)).isoformat(),
    }
    made = api(username, "post", "/floor/callbacks", body)
    assert made.status_code == 200
    return made.json()


def dial(api, username):
    """The agent answers the ringing callback (dials the customer), then hangs up."""
    offer = api(username, "get", "/floor/desk").json()["offer"]
    assert offer["callback_id"] is not None
    call = api(username, "post", f"/floor/offers/{offer['id']}/accept").json()
    assert api(username, "post", f"/floor/calls/{call['id']}/end").status_code == 200
    api(username, "post", "/floor/wrap-up/end")
    return offer["callback_id"]


def callback_kpi(api):
    return api("lead", "get", "/floor/wallboard").json()["kpis"]["callback_completion"]


def test_b8_a_callback_is_not_offered_after_its_window_and_is_marked_missed(api, centre, clock):
    api("agent1", "post", "/floor/login")
    made = schedule(api, clock)
    clock.advance(seconds=10 * 60)
    assert api("lead", "get", "/floor/wallboard").json()["callbacks_due"] == 1
    clock.advance(seconds=26 * 60)
    assert api("lead", "get", "/floor/wallboard").json()["callbacks_due"] == 0  # not due: over
    worker(clock)  # nobody was ready all through the window
    missed_at = clock.now
    api("agent1", "post", "/floor/ready")
    assert api("agent1", "get", "/floor/desk").json()["offer"] is None
    callback = Callback.objects.get(pk=made["id"])
    assert (callback.state, callback.failure) == ("failed", "window_passed")
    missed = Event.objects.get(entity="calls.callback", action="missed")
    assert (missed.rule, missed.at) == ("B8", missed_at)
    alert = Alert.objects.get(kind=AlertKind.CALLBACK_MISSED)
    assert (alert.rule, alert.team_id) == ("B8", centre["lead"].team_id)
    assert callback_kpi(api) == 0.0  # failed: counted, not completed


def test_b8_an_expired_callback_is_not_offered_even_before_the_worker_marks_it(api, centre, clock):
    api("agent1", "post", "/floor/login")
    made = schedule(api, clock, start_in=1, length=2)
    clock.advance(seconds=4 * 60)
    api("agent1", "post", "/floor/ready")  # routes at once, the worker has not run yet
    assert api("agent1", "get", "/floor/desk").json()["offer"] is None
    assert Callback.objects.get(pk=made["id"]).state == "scheduled"
    worker(clock)
    assert Callback.objects.get(pk=made["id"]).state == "failed"


def test_b8_the_agent_records_completed_and_failed_callbacks_counted_by_the_kpi(api, centre, clock):
    ready(api, "agent1")
    schedule(api, clock)
    schedule(api, clock)
    worker(clock, 5)
    first = dial(api, "agent1")
    assert Callback.objects.get(pk=first).state == "in_progress"  # hanging up says nothing
    assert callback_kpi(api) == 0.0  # due and not completed
    done = api("agent1", "post", f"/floor/callbacks/{first}/outcome", {"outcome": "completed"})
    assert (done.status_code, done.json()["state"]) == (200, "completed")
    assert callback_kpi(api) == 0.5  # one completed, one due
    second = dial(api, "agent1")
    failed = api(
        "agent1",
        "post",
        f"/floor/callbacks/{second}/outcome",
        {"outcome": "failed", "reason": "wrong_number"},
    )
    assert (failed.json()["state"], failed.json()["failure"]) == ("failed", "wrong_number")
    assert callback_kpi(api) == 0.5  # completed / (completed + failed)
    event = Event.objects.get(entity="calls.callback", action="failed")
    assert (event.rule, event.reason, event.actor) == ("B8", "wrong_number", centre["agent1"])


def test_b8_a_failed_callback_is_tried_again_inside_its_window(api, centre, clock):
    ready(api, "agent1")
    made = schedule(api, clock)
    worker(clock, 5)
    dial(api, "agent1")
    retry_at = clock.now + timedelta(minutes=10)
    again = api(
        "agent1",
        "post",
        f"/floor/callbacks/{made['id']}/outcome",
        {"outcome": "failed", "reason": "busy", "retry_at": retry_at.isoformat()},
    )
    assert (again.status_code, again.json()["state"]) == (200, "scheduled")
    assert api("agent1", "get", "/floor/desk").json()["offer"] is None
    worker(clock, 10)
    assert api("agent1", "get", "/floor/desk").json()["offer"]["callback_id"] == made["id"]
    assert Callback.objects.get(pk=made["id"]).attempts == 1


@pytest.mark.parametrize(
    ("body", "status", "rule"),
    [
        ({"outcome": "failed"}, 422, ""),
        ({"outcome": "failed", "reason": "window_passed"}, 422, ""),
        ({"outcome": "failed", "reason": "Z9"}, 422, ""),
        ({"outcome": "maybe"}, 422, ""),
        ({"outcome": "completed", "reason": "busy"}, 422, ""),
        ({"outcome": "completed", "retry_at": "not a time"}, 422, ""),
        ({"outcome": "failed", "reason": "busy", "retry_at": "2030-01-01T00:00:00Z"}, 409, "C1"),
    ],
)
def test_b8_a_bad_outcome_is_refused_and_changes_nothing(api, centre, clock, body, status, rule):
    ready(api, "agent1")
    made = schedule(api, clock)
    worker(clock, 5)
    dial(api, "agent1")
    response = api("agent1", "post", f"/floor/callbacks/{made['id']}/outcome", body)
    assert response.status_code == status
    assert response.json().get("rule", "") == rule
    assert Callback.objects.get(pk=made["id"]).state == "in_progress"
    assert not Event.objects.filter(
        entity="calls.callback", action__in=["completed", "failed", "rescheduled"]
    ).exists()


def test_b8_an_undialled_callback_has_no_outcome_yet(api, centre, clock):
    ready(api, "agent1")
    made = schedule(api, clock)
    response = api(
        "agent1", "post", f"/floor/callbacks/{made['id']}/outcome", {"outcome": "completed"}
    )
    assert (response.status_code, response.json()["rule"]) == (409, "B8")
    assert Callback.objects.get(pk=made["id"]).state == "scheduled"


def test_b8_only_the_agent_who_dialled_or_their_lead_records_the_outcome(
    api, centre, clock, other_lead
):
    ready(api, "agent1", "agent2")
    made = schedule(api, clock)
    worker(clock, 5)
    dial(api, "agent1")
    url = f"/floor/callbacks/{made['id']}/outcome"
    body = {"outcome": "completed"}
    colleague = api("agent2", "post", url, body)
    assert (colleague.status_code, colleague.json()["rule"]) == (409, "B10")
    assert api("agent5", "post", url, body).status_code == 404  # another team's
    assert api("lead2", "post", url, body).status_code == 404
    assert api("pbx", "post", url, body).status_code == 403
    assert api("customer1", "post", url, body).status_code == 403
    assert Callback.objects.get(pk=made["id"]).state == "in_progress"
    assert api("lead", "post", url, body).json()["state"] == "completed"


def test_b8_the_failure_reasons_an_agent_gives_are_the_floors_own(api):
    schemas = api("agent1", "get", "/openapi.json").json()["components"]["schemas"]
    reasons = schemas["CallbackOutcomeIn"]["properties"]["reason"]["anyOf"][0]["enum"]
    assert set(reasons) == {f.value for f in CallbackFailure} - {"window_passed"}


# B10: a team lead who took over a call goes back to their own work ---------------------------


def take_over_from(api, username):
    """A call answered by `username`, which the team lead takes over at their desk."""
    arrive(api, "pbx-1")
    pbx_answered(api, "pbx-1")
    call = Call.objects.get(external_id="pbx-1")
    assert call.agent is not None, "the PBX reported the call answered"
    assert call.agent.username == username
    taken = api("lead", "post", f"/floor/calls/{call.pk}/take-over", {"reason": "angry customer"})
    assert (taken.status_code, taken.json()["agent"]) == (200, "lead")
    return call


def test_b10_after_a_take_over_the_lead_is_not_offered_queue_calls(api, centre):
    api("lead", "post", "/floor/login")  # on the floor, not ready for the queue
    ready(api, "agent1")
    call = take_over_from(api, "agent1")
    api("lead", "post", f"/floor/calls/{call.pk}/end")
    api("agent1", "post", "/floor/wrap-up/end")
    arrive(api, "pbx-2")  # rings on agent1, the only one ready
    arrive(api, "pbx-3")  # waits
    assert api("lead", "post", "/floor/wrap-up/end").json()["state"] == "away"
    assert api("lead", "get", "/floor/desk").json()["offer"] is None
    assert Call.objects.get(external_id="pbx-3").state == CallState.WAITING
    back = Event.objects.filter(entity_id=str(centre["lead"].pk), action="go_away").get()
    assert (back.rule, back.reason) == ("B10", "take-over done")
    # Ready on purpose, the lead takes queue calls like an agent.
    api("lead", "post", "/floor/ready")
    assert Call.objects.get(external_id="pbx-3").state == CallState.OFFERED


def test_b10_the_worker_ending_the_wrap_up_sends_the_lead_back_too(api, centre, clock):
    api("lead", "post", "/floor/login")
    ready(api, "agent1")
    call = take_over_from(api, "agent1")
    api("lead", "post", f"/floor/calls/{call.pk}/end")
    worker(clock, 2)  # the queue's wrap-up time (30 s) is over
    assert state(centre, "lead") == "away"


def test_b10_a_lead_ready_on_purpose_stays_ready_after_the_take_over(api, centre):
    ready(api, "agent1")
    arrive(api, "pbx-0")  # rings on agent1, who answers
    pbx_answered(api, "pbx-0")
    ready(api, "lead")  # the lead works the queue today
    call = Call.objects.get(external_id="pbx-0")
    api("lead", "post", f"/floor/calls/{call.pk}/take-over", {"reason": "escalation"})
    api("lead", "post", f"/floor/calls/{call.pk}/end")
    assert api("lead", "post", "/floor/wrap-up/end").json()["state"] == "ready"


@pytest.mark.parametrize("body", [{}, {"reason": "x" * 501}, {"reason": 5}])
def test_b10_a_take_over_without_a_proper_reason_is_422(api, centre, body):
    api("lead", "post", "/floor/login")
    ready(api, "agent1")
    arrive(api, "pbx-1")
    pbx_answered(api, "pbx-1")
    call = Call.objects.get(external_id="pbx-1")
    response = api("lead", "post", f"/floor/calls/{call.pk}/take-over", body)
    assert response.status_code == 422
    assert Call.objects.get(pk=call.pk).agent == centre["agent1"]
    assert state(centre, "lead") == "away"


def test_b10_only_the_calls_team_lead_takes_it_over(api, centre, other_lead):
    api("lead2", "post", "/floor/login")
    ready(api, "agent1", "agent2")
    arrive(api, "pbx-1")
    pbx_answered(api, "pbx-1")
    call = Call.objects.get(external_id="pbx-1")
    body = {"reason": "angry customer"}
    assert api("lead2", "post", f"/floor/calls/{call.pk}/take-over", body).status_code == 404
    assert api("agent2", "post", f"/floor/calls/{call.pk}/take-over", body).status_code == 403
    assert Call.objects.get(pk=call.pk).agent == centre["agent1"]
    assert not Event.objects.filter(action="taken_over").exists()


# A1: the talk limit is read at every scope it may be set for ----------------------------------


def talking(api, queue, external_id, agent):
    ready(api, agent)
    arrive(api, external_id, queue)
    pbx_answered(api, external_id)
    return Call.objects.get(external_id=external_id)


@pytest.mark.parametrize(
    ("settings", "alerted_after"),
    [
        ([], {"repairs": 15, "installations": 15}),
        ([("deployment", "")], {"repairs": 5, "installations": 5}),
        ([("team", "Repairs")], {"repairs": 5, "installations": 15}),
        ([("queue", "installations")], {"repairs": 15, "installations": 5}),
    ],
)
def test_a1_the_talk_limit_holds_at_its_deployment_team_and_queue_scope(
    api, clock, settings, alerted_after
):
    for scope, ref in settings:
        set_rule(api, "a1.max_talk", "5", scope, ref)
    calls = {
        q: talking(api, q, f"pbx-{q}", a)
        for q, a in (("repairs", "agent1"), ("installations", "agent5"))
    }
    alerted = {}
    for minute in range(1, 17):
        worker(clock, 1)
        for queue, call in calls.items():
            over = Alert.objects.filter(kind=AlertKind.TALK_OVER, call=call).exists()
            if over and queue not in alerted:
                alerted[queue] = minute
    assert alerted == alerted_after


def test_a1_a_queue_value_wins_over_its_teams(api, clock):
    set_rule(api, "a1.max_talk", "10", "team", "Repairs")
    set_rule(api, "a1.max_talk", "3", "queue", "repairs")
    call = talking(api, "repairs", "pbx-1", "agent1")
    worker(clock, 2.5)
    assert not Alert.objects.filter(kind=AlertKind.TALK_OVER, call=call).exists()
    worker(clock, 0.6)
    assert Alert.objects.filter(kind=AlertKind.TALK_OVER, call=call).exists()


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"number": "+359 2 " + "1" * 30}, 422),
        ({"queue": "r" * 31}, 422),
        ({"queue": "installations"}, 404),  # another team's queue
        ({"number": "no digits"}, 409),
        ({"window_start": "2099-12-31T00:00:00Z", "window_end": "2099-12-31T01:00:00Z"}, 409),
        ({"window_start": "9999-12-31T00:00:00Z", "window_end": "9999-12-31T01:00:00Z"}, 422),
        ({"window_end": "not a time"}, 422),
    ],
)
def test_b8_a_bad_callback_promise_is_refused_and_nothing_is_scheduled(api, clock, change, status):
    start = clock.now + timedelta(minutes=5)
    body = {
        "queue": "repairs",
        "number": "+359 88 1000000",
        "window_start": start.isoformat(),
        "window_end": (start + timedelta(minutes=30)).isoformat(),
        **change,
    }
    assert api("agent1", "post", "/floor/callbacks", body).status_code == status
    assert api("pbx", "post", "/floor/callbacks", body).status_code in (403, 422)
    assert not Callback.objects.exists()


@pytest.mark.parametrize("change", [{"reason": "x" * 301}, {"to_agent": "a" * 151}])
def test_a4_a_transfer_request_is_bounded(api, centre, change):
    ready(api, "agent1", "agent2")
    arrive(api, "pbx-1")
    pbx_answered(api, "pbx-1")
    call = Call.objects.get(external_id="pbx-1")
    body = {"to_agent": "agent2", "reason": "billing", **change}
    response = api("agent1", "post", f"/floor/calls/{call.pk}/transfer", body)
    assert response.status_code == 422
    assert not Transfer.objects.exists()
    assert state(centre, "agent2") == "ready"


def test_a1_the_desk_and_the_wallboard_read_the_teams_talk_limit(api, clock):
    set_rule(api, "a1.max_talk", "5", "team", "Repairs")
    call = talking(api, "repairs", "pbx-1", "agent1")
    clock.advance(seconds=3 * 60)
    assert api("agent1", "get", "/floor/desk").json()["talk_level"] == "ok"
    clock.advance(seconds=60 + 5)  # past 80 % of 5 min
    assert api("agent1", "get", "/floor/desk").json()["talk_level"] == "warning"
    clock.advance(seconds=60)
    api("agent1", "post", f"/floor/calls/{call.pk}/end")
    assert api("lead", "get", "/floor/wallboard").json()["kpis"]["over_limit_calls"] == 1
