"""Call recordings without the SIP edge: the pcap -> WAV conversion, the recording made from
rtpengine's spool, who may listen (B11's readers), and the retention the worker applies."""

import wave
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from hotline.accounts.models import User
from hotline.audit.models import Event
from hotline.calls.models import Call, Queue, Transfer
from hotline.calls.tests.floor_http import answer, arrive, ready
from hotline.calls.tests.test_reviews import answered_call
from hotline.core.rulebook import Scope
from hotline.rulebook.services import rule_value_set
from hotline.testing.clock import MovingClock
from hotline.voice.call_end import when_call_ends
from hotline.voice.events import RecordingAction, VoiceEntity
from hotline.voice.models import Recording, TransferLeg
from hotline.voice.pcap_audio import RATE, NotAPcap, pcap_to_wav
from hotline.voice.recordings import (
    NotYet,
    recording_file,
    recording_make,
    recordings_expire,
    sip_external_id,
)
from hotline.voice.tests.pcaps import call_pcap, spool_call

CALL_ID = "1-4242@127.0.0.1"


# --- the conversion ------------------------------------------------------------------------------


def test_pcap_of_a_call_becomes_a_two_channel_wav_in_step(tmp_path: Path):
    pcap = call_pcap(tmp_path / "call.pcap", seconds=2.0, gap=(1.0, 1.2))
    audio = pcap_to_wav([pcap], tmp_path / "call.wav")

    assert (audio.flows, audio.channels) == (2, 2)
    with wave.open(str(tmp_path / "call.wav")) as heard:
        assert (heard.getnchannels(), heard.getsampwidth(), heard.getframerate()) == (2, 2, RATE)
        assert heard.getnframes() == audio.frames == 2 * RATE  # 2 s: the caller's last packet
        frames = heard.readframes(heard.getnframes())
    left = [
        int.from_bytes(frames[i : i + 2], "little", signed=True) for i in range(0, len(frames), 4)
    ]
    right = [
        int.from_bytes(frames[i : i + 2], "little", signed=True) for i in range(2, len(frames), 4)
    ]
    # The caller's tone, decoded from A-law, where it was sent; silence in the gap.
    assert max(abs(s) for s in left[160:320]) > 7000
    assert all(s == 0 for s in left[RATE + 1 : int(1.2 * RATE)])
    # The phone's mu-law silence starts 0.5 s in, on the right, through its timestamp wrap.
    assert all(abs(s) < 10 for s in right)
    assert max(abs(s) for s in left[int(1.2 * RATE) :]) > 7000


def test_a_file_that_is_not_a_pcap_is_refused(tmp_path: Path):
    bad = tmp_path / "bad.pcap"
    bad.write_bytes(b"RIFF....WAVEfmt " + bytes(40))
    with pytest.raises(NotAPcap):
        pcap_to_wav([bad], tmp_path / "out.wav")


# --- made from the spool -------------------------------------------------------------------------


@pytest.fixture
def folders(recordings: Path) -> Path:
    """Where the spool and the recordings are (conftest: the test's own folder)."""
    return recordings


@pytest.fixture
def sip_call(centre, now) -> Call:
    call = answered_call(centre["agent1"], now)
    Call.objects.filter(pk=call.pk).update(external_id=sip_external_id(CALL_ID))
    return Call.objects.get(pk=call.pk)


@pytest.fixture
def recording(db, folders: Path, sip_call: Call, now) -> Recording:
    spool_call(folders / "spool", CALL_ID)
    made = recording_make(now=now, call_id=sip_call.pk)
    assert made is not None
    return made


def test_recording_is_made_from_the_spool_once_rtpengine_closed_the_call(
    folders: Path, sip_call: Call, now
):
    pcap = spool_call(folders / "spool", CALL_ID, finished=False)
    with pytest.raises(NotYet):
        recording_make(now=now, call_id=sip_call.pk)
    assert not Recording.objects.exists()

    spool_call(folders / "spool", CALL_ID)
    recording = recording_make(now=now, call_id=sip_call.pk)
    assert recording is not None
    assert recording.duration == timedelta(seconds=2)
    assert recording.size == recording_file(recording).stat().st_size > 2 * 4 * RATE
    with wave.open(str(recording_file(recording))) as heard:
        assert heard.getnframes() == 2 * RATE
    made = Event.objects.get(entity=VoiceEntity.RECORDING, action=RecordingAction.MADE)
    assert made.entity_id == str(sip_call.pk)
    assert not pcap.exists()  # the WAV replaced it
    assert recording_make(now=now, call_id=sip_call.pk) == recording  # once


def test_a4_a_transferred_calls_recording_holds_both_dialogs_in_turn(
    folders: Path, sip_call: Call, now
):
    """Moved to a colleague's phone, the call had the first agent's dialog, then its own: one
    recording, the first dialog's two seconds and the second's three after them."""
    first = spool_call(folders / "spool", "first-dialog@127.0.0.1")
    TransferLeg.objects.create(
        transfer=Transfer.objects.create(
            call=sip_call,
            from_agent=User.objects.get(username="agent1"),
            to_agent=User.objects.get(username="agent2"),
            reason="a boiler question",
            requested_at=now,
            expires_at=now,
        ),
        call=sip_call,
        from_external_id=sip_external_id("first-dialog@127.0.0.1"),
        to_external_id=sip_external_id(CALL_ID),
        created_at=now,
    )
    second = spool_call(folders / "spool", CALL_ID, finished=False, seconds=3, later=2)
    with pytest.raises(NotYet):  # the second dialog is still open
        recording_make(now=now, call_id=sip_call.pk)

    spool_call(folders / "spool", CALL_ID, seconds=3, later=2)
    recording = recording_make(now=now, call_id=sip_call.pk)
    assert recording is not None
    assert recording.duration == timedelta(seconds=5)
    made = Event.objects.get(entity=VoiceEntity.RECORDING, action=RecordingAction.MADE)
    assert made.new == {"length_seconds": 5, "size": recording.size, "sides": 4}  # two a dialog
    assert not first.exists()
    assert not second.exists()


def test_a_call_the_edge_did_not_record_has_no_recording(folders: Path, sip_call: Call, now):
    spool_call(folders / "spool", "another-call@127.0.0.1")
    assert recording_make(now=now, call_id=sip_call.pk) is None
    assert not Recording.objects.exists()


# --- who may listen (B11's readers) --------------------------------------------------------------


def audio_url(call: Call) -> str:
    return reverse("voice:recording_audio", args=[call.pk])


def plays() -> int:
    return Event.objects.filter(entity=VoiceEntity.RECORDING, action=RecordingAction.PLAYED).count()


@pytest.mark.parametrize("who", ["lead", "agent1", "manager"])
def test_b11_the_agent_their_lead_and_the_manager_hear_the_recording(
    client, centre, recording: Recording, who: str
):
    client.force_login(centre[who])
    response = client.get(audio_url(recording.call))

    assert response.status_code == 200
    assert response["Content-Type"] == "audio/wav"
    body = response.getvalue()
    assert body == recording_file(recording).read_bytes()
    played = Event.objects.get(entity=VoiceEntity.RECORDING, action=RecordingAction.PLAYED)
    assert (played.actor, played.entity_id) == (centre[who], str(recording.call_id))


@pytest.mark.parametrize("who", ["agent5", "agent2", "provider1", "customer1", "dispatcher", "pbx"])
def test_b11_anyone_else_finds_no_recording(client, centre, recording: Recording, who: str):
    client.force_login(centre[who])
    response = client.get(audio_url(recording.call))
    assert response.status_code == 404
    assert plays() == 0


def test_b11_another_teams_lead_finds_no_recording(client, centre, recording: Recording):
    other = User.objects.create(username="lead2", role="team_lead", team=centre["agent5"].team)
    client.force_login(other)
    assert client.get(audio_url(recording.call)).status_code == 404
    assert plays() == 0


def test_b11_a_call_without_recording_is_404(client, centre, sip_call: Call):
    client.force_login(centre["lead"])
    assert client.get(audio_url(sip_call)).status_code == 404
    assert plays() == 0


def test_recording_plays_from_where_the_player_seeks(client, centre, recording: Recording):
    client.force_login(centre["lead"])
    whole = recording_file(recording).read_bytes()

    response = client.get(audio_url(recording.call), HTTP_RANGE="bytes=100-199")
    assert response.status_code == 206
    assert response.content == whole[100:200]
    assert response["Content-Range"] == f"bytes 100-199/{len(whole)}"
    tail = client.get(audio_url(recording.call), HTTP_RANGE="bytes=-10")
    assert tail.content == whole[-10:]
    assert plays() == 2

    for bad in ("bytes=abc", f"bytes={len(whole)}-", "bytes=-", "pages=1-2"):
        refused = client.get(audio_url(recording.call), HTTP_RANGE=bad)
        assert refused.status_code == 416, bad
        assert refused["Content-Range"] == f"bytes */{len(whole)}"
    assert plays() == 2  # nothing was heard


def test_b11_the_review_pages_carry_the_player(client, centre, recording: Recording, now):
    client.force_login(centre["lead"])
    page = client.get(reverse("calls:review_call", args=[recording.call_id]))
    assert page.status_code == 200
    assert audio_url(recording.call).encode() in page.content
    assert b'preload="none"' in page.content  # opening the page is not a listen
    assert plays() == 0


# --- retention -----------------------------------------------------------------------------------


def test_b11_recordings_are_deleted_after_the_retention_days(
    centre, recording: Recording, now, django_capture_on_commit_callbacks
):
    clock = MovingClock(now)
    path = recording_file(recording)
    clock.advance(days=90, seconds=-1)
    assert recordings_expire(clock()) == 0
    assert path.exists()

    clock.advance(seconds=1)
    with django_capture_on_commit_callbacks(execute=True):  # the file goes once the row has
        assert recordings_expire(clock()) == 1
    assert not Recording.objects.exists()
    assert not path.exists()
    expired = Event.objects.get(entity=VoiceEntity.RECORDING, action=RecordingAction.EXPIRED)
    assert (expired.entity_id, expired.rule, expired.new) == (
        str(recording.call_id),
        "B11",
        {"days": 90},
    )


@pytest.mark.parametrize("scope", [Scope.DEPLOYMENT, Scope.TEAM, Scope.QUEUE])
def test_b11_retention_setting_at_each_scope(centre, recording: Recording, now, scope: Scope):
    queue = Queue.objects.get(pk=recording.call.queue_id)
    ref = {Scope.DEPLOYMENT: "", Scope.TEAM: queue.team.name, Scope.QUEUE: queue.code}[scope]
    rule_value_set(
        actor=centre["admin"],
        now=now,
        key="b11.recording_retention_days",
        raw="7",
        reason="storage",
        scope=scope,
        scope_ref=ref,
    )
    clock = MovingClock(now)
    assert recordings_expire(clock.advance(days=6)) == 0
    assert recordings_expire(clock.advance(days=1)) == 1
    assert not Recording.objects.exists()


def test_b11_retention_of_another_queue_leaves_the_recording(centre, recording: Recording, now):
    other = Queue.objects.exclude(pk=recording.call.queue_id).first()
    assert other is not None
    rule_value_set(
        actor=centre["admin"],
        now=now,
        key="b11.recording_retention_days",
        raw="7",
        reason="storage",
        scope=Scope.QUEUE,
        scope_ref=other.code,
    )
    assert recordings_expire(now + timedelta(days=8)) == 0
    assert Recording.objects.exists()


def test_b11_retention_out_of_bounds_is_refused(centre, now):
    from hotline.core.rulebook import SettingError

    for raw in ("0", "3651", "ten"):
        with pytest.raises(SettingError):
            rule_value_set(
                actor=centre["admin"],
                now=now,
                key="b11.recording_retention_days",
                raw=raw,
                reason="x",
            )


def test_b11_the_agent_hears_their_call_on_their_review_and_the_event_log_says_who_listened(
    client, in_english, recording: Recording, now
):
    from hotline.audit.sentences import sentence
    from hotline.calls.tests.test_reviews import review

    reviewed = review(in_english["lead"], recording.call, now + timedelta(hours=1))
    client.force_login(in_english["agent1"])
    page = client.get(reverse("calls:review", args=[reviewed.pk]))
    assert audio_url(recording.call).encode() in page.content
    assert client.get(audio_url(recording.call), HTTP_RANGE="bytes=0-").status_code == 206

    played = Event.objects.get(entity=VoiceEntity.RECORDING, action=RecordingAction.PLAYED)
    made = Event.objects.get(entity=VoiceEntity.RECORDING, action=RecordingAction.MADE)
    assert sentence(played) == f"Ivan Petrov listened to call #{recording.call_id}"
    assert sentence(made) == f"The recording of call #{recording.call_id} was made (2 s)"


@pytest.mark.django_db(transaction=True)  # the task runner closes its connection when done
def test_a_pcap_whose_task_was_lost_gets_a_task_again_from_the_worker_tick(
    folders: Path, sip_call: Call
):
    from django_tasks_db.models import DBTaskResult

    from hotline.taskrunner import run_batch
    from hotline.voice.recordings import recordings_left_in_spool

    spool_call(folders / "spool", CALL_ID)
    spool_call(folders / "spool", "unknown@127.0.0.1")  # a call Hotline never had: left alone
    assert recordings_left_in_spool() == 0  # too recent: its own task is on its way
    assert recordings_left_in_spool(lost_after=0) == 1
    assert recordings_left_in_spool() == 0  # once per while, not every tick
    assert DBTaskResult.objects.count() == 1

    run_batch()
    assert Recording.objects.get().call == sip_call
    assert recordings_left_in_spool(lost_after=0) == 0  # made: the pcap is gone
    assert len(list((folders / "spool" / "pcaps").iterdir())) == 1  # the unknown call's


# --- the call's end ------------------------------------------------------------------------------


def recording_tasks() -> list[list[object]]:
    from django_tasks_db.models import DBTaskResult

    return [
        task.args_kwargs["args"]
        for task in DBTaskResult.objects.filter(task_path__endswith=".recording_make_task")
    ]


def end_through_the_api(
    api: Any, external_id: str, capture: Any
) -> tuple[Event, list[Callable[[], object]]]:
    """agent1 answers a call that arrived as `external_id`, and the PBX says it ended: its
    event, and what waits for the commit (not run yet)."""
    ready(api, "agent1")
    arrive(api, external_id)
    answer(api, "agent1")
    with capture() as after_commit:
        ended = api("pbx", "post", f"/cti/calls/{external_id}/ended", {})
    assert ended.status_code == 200, ended.content
    return Event.objects.get(entity="calls.call", action="ended"), after_commit


def test_a_cti_call_end_queues_no_recording_and_reads_nothing_more(
    api, centre, django_capture_on_commit_callbacks, django_assert_num_queries
):
    """A call from the CTI path has no audio at the edge: its end queues no recording task, and
    its event says so by itself (the PBX's id), so the voice side asks the database nothing."""
    event, after_commit = end_through_the_api(api, "pbx-77", django_capture_on_commit_callbacks)
    assert event.new == {"talk_seconds": 0, "external_id": "pbx-77"}
    with django_assert_num_queries(0):
        when_call_ends(event)
        for callback in after_commit:
            callback()
    assert recording_tasks() == []


def test_a_sip_call_end_queues_its_recording_once(
    api, centre, django_capture_on_commit_callbacks, django_assert_num_queries
):
    """A SIP call's end queues its recording task, and (nobody listened) reads its listening
    events once and lets nobody go: two statements after the commit, none before."""
    external_id = sip_external_id(CALL_ID)
    event, after_commit = end_through_the_api(api, external_id, django_capture_on_commit_callbacks)
    assert event.new == {"talk_seconds": 0, "external_id": external_id}
    assert recording_tasks() == []  # not before the commit
    with django_assert_num_queries(2):  # the task queued (one row), the listening events read
        for callback in after_commit:
            callback()
    assert recording_tasks() == [[Call.objects.get().pk]]
    assert not Event.objects.filter(entity="voice.listening").exists()
