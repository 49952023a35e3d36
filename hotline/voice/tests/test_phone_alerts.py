"""Failure handling without the edge (issue 18): the desk says its phone is offline or back
(POST /voice/phone-state), the team lead is alerted when an agent on the phones has had no
registered phone for HOTLINE_VOICE_PHONE_OFFLINE_SECONDS (once, cleared when it is back); the
edge's failures posted to Hotline (POST /voice/failures); the edge watch's switch. Each
operation's bad input and wrong role."""

from datetime import timedelta
from typing import Any

import pytest
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from hotline.audit.models import Event
from hotline.calls.choices import AlertKind, CallState
from hotline.calls.models import AgentSession, Alert, Call
from hotline.calls.tests.floor_http import http_api, ready
from hotline.voice.edge_watch import edge_watch
from hotline.voice.models import PhoneState, VoiceFailure
from hotline.voice.phones import phones_offline_alert

pytestmark = pytest.mark.django_db

OFFLINE_AFTER = 30


@pytest.fixture
def api(client: Any, in_english: Any, token_for: Any, clock: Any, settings: Any) -> Any:
    settings.HOTLINE_VOICE_PHONE_OFFLINE_SECONDS = OFFLINE_AFTER
    return http_api(client, token_for)


def phone_state(api: Any, registered: Any, reason: str = "", user: str = "agent1") -> Any:
    return api(user, "post", "/voice/phone-state", {"registered": registered, "reason": reason})


def offline_alerts() -> list[Alert]:
    return list(Alert.objects.filter(kind=AlertKind.PHONE_OFFLINE).order_by("pk"))


def open_alerts_on_wallboard(api: Any) -> list[str]:
    board = api("lead", "get", "/floor/wallboard")
    assert board.status_code == 200
    return [alert["kind"] for alert in board.json()["alerts"]]


def test_phone_offline_long_enough_alerts_the_lead_once_and_back_clears_it(
    api, client, centre, clock
):
    ready(api, "agent1")
    assert phone_state(api, True).status_code == 200
    went = phone_state(api, False, "Phone offline: the SIP edge refused it")
    assert went.status_code == 200, went.content
    assert went.json()["registered"] is False

    clock.advance(seconds=OFFLINE_AFTER - 1)
    assert phones_offline_alert(clock()) == 0  # not yet
    clock.advance(seconds=1)
    assert phones_offline_alert(clock()) == 1
    assert phones_offline_alert(clock.advance(seconds=5)) == 0  # once for this spell
    (alert,) = offline_alerts()
    assert (alert.agent, alert.team, alert.cleared_at) == (
        centre["agent1"],
        centre["lead"].team,
        None,
    )
    assert open_alerts_on_wallboard(api) == ["phone_offline"]
    client.force_login(centre["lead"])
    panel = client.get(reverse("calls:wallboard_panel")).text
    assert "Agent&#x27;s phone offline" in panel or "Agent's phone offline" in panel
    raised = Event.objects.get(entity="calls.alert", action="raised")
    assert raised.new["reason"] == "Phone offline: the SIP edge refused it"  # type: ignore[index]

    back = phone_state(api, True)
    assert back.status_code == 200
    alert.refresh_from_db()
    assert alert.cleared_at is not None
    assert open_alerts_on_wallboard(api) == []
    seen = api("lead", "get", "/floor/wallboard").json()["acknowledged_alerts"]
    assert [(a["kind"], a["acknowledged_by"]) for a in seen] == [("phone_offline", None)]
    assert seen[0]["cleared_at"] is not None
    assert Event.objects.filter(entity="calls.alert", action="cleared").count() == 1
    assert list(
        Event.objects.filter(entity="voice.phone").order_by("pk").values_list("action", flat=True)
    ) == ["registered", "offline", "registered"]

    # Offline again: a new spell, a new alert.
    phone_state(api, False, "Phone offline")
    phones_offline_alert(clock.advance(seconds=OFFLINE_AFTER))
    assert len(offline_alerts()) == 2


def test_phone_left_offline_in_a_past_session_gets_its_time_after_the_next_log_in(
    api, centre, clock
):
    ready(api, "agent1", "agent2")
    phone_state(api, False, "Phone offline")
    assert api("agent1", "post", "/floor/leave", {"kind": "away"}).status_code == 200
    assert api("agent1", "post", "/floor/logout").status_code == 200
    clock.advance(hours=12)
    ready(api, "agent1")  # a new floor session; the phone is still connecting
    assert phones_offline_alert(clock.advance(seconds=OFFLINE_AFTER - 2)) == 0
    assert phones_offline_alert(clock.advance(seconds=2)) == 1


def test_phone_offline_of_an_agent_not_on_the_phones_alerts_nobody(api, centre, clock):
    assert api("agent1", "post", "/floor/login").status_code == 200  # on the floor, not ready
    assert phone_state(api, False, "Phone offline").status_code == 200
    assert phones_offline_alert(clock.advance(minutes=5)) == 0
    assert offline_alerts() == []


def test_phone_offline_alert_is_cleared_when_the_agent_leaves_the_phones(api, centre, clock):
    ready(api, "agent1", "agent2")  # agent2 stays on the phones (B6)
    phone_state(api, False, "Phone offline")
    assert phones_offline_alert(clock.advance(seconds=OFFLINE_AFTER)) == 1
    left = api("agent1", "post", "/floor/leave", {"kind": "away"})
    assert left.status_code == 200, left.content
    assert phones_offline_alert(clock.advance(seconds=1)) == 1  # cleared
    assert offline_alerts()[0].cleared_at is not None


def test_phone_offline_after_the_setting_alerts_later(api, centre, clock, settings):
    settings.HOTLINE_VOICE_PHONE_OFFLINE_SECONDS = 120
    ready(api, "agent1")
    phone_state(api, False, "Phone offline")
    assert phones_offline_alert(clock.advance(seconds=119)) == 0
    assert phones_offline_alert(clock.advance(seconds=1)) == 1


def test_phone_state_off_the_floor_is_409_and_records_nothing(api, centre):
    refused = phone_state(api, False, "Phone offline")
    assert refused.status_code == 409
    assert refused.json()["rule"] == "B9"
    assert not PhoneState.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"registered": "perhaps"},
        {"registered": False, "reason": "x" * 101},
        {"registered": False, "reason": 5},
    ],
)
def test_phone_state_with_bad_input_is_422_and_records_nothing(api, centre, body):
    ready(api, "agent1")
    refused = api("agent1", "post", "/voice/phone-state", body)
    assert refused.status_code == 422
    assert "detail" in refused.json()
    assert not PhoneState.objects.exists()


@pytest.mark.parametrize("username", ["pbx", "customer1", "dispatcher", "provider1"])
def test_only_agents_and_leads_report_their_phone(api, centre, username):
    refused = phone_state(api, False, "x", user=username)
    assert refused.status_code == 403
    assert not PhoneState.objects.exists()


FAILURE = {
    "external_id": "sip-0123abcd",
    "queue": "repairs",
    "caller": "0888123456",
    "status": 0,
    "outcome": "refused",
    "failed_at": 1795000000,
}


def test_a_failure_posted_twice_is_recorded_once_with_an_event(api):
    first = api("pbx", "post", "/voice/failures", FAILURE)
    assert first.status_code == 201, first.content
    again = api("pbx", "post", "/voice/failures", FAILURE)
    assert (again.status_code, again.json()["id"]) == (200, first.json()["id"])
    failure = VoiceFailure.objects.get()
    assert (failure.status, failure.outcome) == (0, "refused")
    assert failure.failed_at.timestamp() == 1795000000
    assert Event.objects.filter(entity="voice.failure", action="recorded").count() == 1


def test_a_failure_posted_twice_at_once_is_recorded_once_with_an_event(api, monkeypatch):
    """The second post's look-up finds nothing, then the first one's row lands before its own
    insert: it answers with that row, and writes no event (the first one writes it)."""
    real_get = QuerySet.get
    raced: list[VoiceFailure] = []

    def the_other_post_lands_meanwhile(queryset: QuerySet[Any], *args: Any, **kwargs: Any) -> Any:
        try:
            return real_get(queryset, *args, **kwargs)
        except VoiceFailure.DoesNotExist:
            if queryset.model is not VoiceFailure or raced:
                raise
            raced.append(
                VoiceFailure.objects.create(
                    **{**FAILURE, "failed_at": timezone.now(), "recorded_at": timezone.now()}
                )
            )
            raise

    monkeypatch.setattr(QuerySet, "get", the_other_post_lands_meanwhile)
    again = api("pbx", "post", "/voice/failures", FAILURE)
    assert (again.status_code, again.json()["id"]) == (200, raced[0].pk)
    assert VoiceFailure.objects.count() == 1
    assert Event.objects.filter(entity="voice.failure").count() == 0


def test_a_failure_of_a_call_the_floor_has_abandons_it(api, centre):
    ready(api, "agent1")
    routed = api(
        "pbx",
        "post",
        "/voice/route",
        {"external_id": FAILURE["external_id"], "queue": "repairs", "caller": "0888123456"},
    )
    assert routed.json()["state"] == "offered"  # agent1's desk rings...
    # ...then Hotline did not answer the edge (the phone's refusal unreported): 503 to the caller.
    assert api("pbx", "post", "/voice/failures", FAILURE).status_code == 201
    call = Call.objects.get(external_id=FAILURE["external_id"])
    assert call.state == CallState.ABANDONED
    assert AgentSession.objects.get(agent=centre["agent1"]).state == "ready"  # rang for nobody


@pytest.mark.parametrize(
    "change",
    [
        {"external_id": "bad id"},
        {"external_id": "x" * 101},
        {"outcome": "lost"},
        {"status": 1000},
        {"status": -1},
        {"failed_at": 5},
        {"queue": "a b"},
        {"caller": "anonymous"},
    ],
)
def test_a_bad_failure_is_422_and_records_nothing(api, change):
    refused = api("pbx", "post", "/voice/failures", {**FAILURE, **change})
    assert refused.status_code == 422
    assert not VoiceFailure.objects.exists()


@pytest.mark.parametrize("username", ["agent1", "lead", "customer1"])
def test_only_the_edge_posts_failures(api, username):
    assert api(username, "post", "/voice/failures", FAILURE).status_code == 403
    assert not VoiceFailure.objects.exists()


def test_the_edge_watch_is_off_unless_the_centre_runs_the_edge(settings, centre, clock):
    settings.HOTLINE_VOICE_EDGE_CHECK = False
    settings.HOTLINE_VOICE_RTPENGINE_PORT = 9  # nothing answers there
    assert edge_watch(clock()) == 0
    assert not Alert.objects.exists()


def test_the_edge_watch_checks_every_so_often(settings, centre, clock, monkeypatch):
    settings.HOTLINE_VOICE_EDGE_CHECK = True
    settings.HOTLINE_VOICE_EDGE_CHECK_SECONDS = 3600
    monkeypatch.setattr("hotline.voice.edge_watch._last_check", None)
    checks: list[object] = []

    def check(now: object) -> int:
        checks.append(now)
        return 0

    monkeypatch.setattr("hotline.voice.edge_watch.edge_check", check)
    edge_watch(clock())
    edge_watch(clock() + timedelta(seconds=1))
    assert len(checks) == 1  # the second tick comes too soon
