"""What a waiting caller hears, without the edge: the prompts `hotline voice prompts` makes, the
announcement each routing answer carries (A2: the expected wait with the callback offer, or the
overflow), a queue's own recordings, the caller's language, and DTMF 1 accepting the callback
offer through the API (bad input, wrong role)."""

import json
import socket
import wave
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from hotline.calls.choices import CallState
from hotline.calls.models import Call, Callback, Queue
from hotline.calls.tests.floor_http import http_api
from hotline.directory.models import Customer
from hotline.voice.dtmf import edge_call_id, key_of
from hotline.voice.prompts import (
    HOLD_MUSIC,
    LONGEST_ANNOUNCED_WAIT,
    duration_ms,
    generate_prompts,
    prompt_texts,
    wait_prompt,
)

pytestmark = pytest.mark.django_db

NUMBER = "0777000111"  # nobody's number in the reference centre


@pytest.fixture
def api(client, in_english, token_for, clock):
    return http_api(client, token_for)


@pytest.fixture
def spoken(settings, tmp_path: Path) -> Path:
    folder = tmp_path / "prompts"
    settings.HOTLINE_VOICE_PROMPTS_DIR = folder
    generate_prompts(folder, languages=["en", "bg"], longest_wait=2)
    return folder


def route(api, external_id="sip-1", queue="repairs", caller=NUMBER):
    answer = api(
        "pbx",
        "post",
        "/voice/route",
        {"external_id": external_id, "queue": queue, "caller": caller},
    )
    assert answer.status_code in (200, 201), answer.content
    return answer.json()


def press(api, digit, external_id="sip-1", user="pbx"):
    return api(user, "post", f"/voice/route/{external_id}/dtmf", {"digit": digit})


# the prompts --------------------------------------------------------------------------------


def test_a2_prompts_are_spoken_for_each_language_as_valid_wav_with_hold_music(spoken):
    for language in ("en", "bg"):
        for name in ("welcome", "overflow", "callback_made", "goodbye", "callback_offer_1"):
            path = spoken / language / f"{name}.wav"
            with wave.open(str(path)) as audio:
                assert (audio.getnchannels(), audio.getsampwidth()) == (1, 2)
                assert audio.getnframes() > audio.getframerate()  # over a second of speech
        assert (spoken / language / f"{wait_prompt(99, callback=True)}.wav").is_file()
        assert (spoken / language / f"{wait_prompt(2, callback=False)}.wav").is_file()
    music = spoken / f"{HOLD_MUSIC}.wav"
    assert 10_000 <= duration_ms(music) <= 30_000
    with wave.open(str(music)) as audio:
        samples = audio.readframes(audio.getnframes())
    assert max(samples[1::2]) > 0x20  # loud enough to hear, not silence


def test_a2_prompt_texts_count_minutes_and_fall_back_to_the_english_voice_untranslated():
    english = {spoken.name: spoken for spoken in prompt_texts("en", longest_wait=2)}
    assert english["callback_offer_1"].text.startswith("Your expected wait is about 1 minute.")
    assert "Press 1" in english["callback_offer_2"].text
    assert "Press 1" not in english["expected_wait_2"].text
    assert str(LONGEST_ANNOUNCED_WAIT) in english["callback_offer_more"].text
    for spoken in prompt_texts("bg", longest_wait=2):
        # A text the catalogue does not translate yet is read by the English voice.
        assert spoken.voice == ("en" if spoken.text == english[spoken.name].text else "bg")


def test_a2_voice_prompts_command_writes_the_prompts(tmp_path):
    out = StringIO()
    call_command("voice", "prompts", "--out", str(tmp_path), "--language", "fr", stdout=out)
    assert (tmp_path / "fr" / "welcome.wav").is_file()
    assert (tmp_path / f"{HOLD_MUSIC}.wav").is_file()
    assert "wrote" in out.getvalue()


# what the routing answer says the caller hears ------------------------------------------------


def test_a2_route_answer_announces_the_welcome_then_the_callback_offer_with_the_wait(
    api, spoken, clock
):
    first = route(api)
    assert (first["action"], first["announce"]) == ("wait", "welcome")
    assert first["announce_file"] == str(spoken / "en" / "welcome.wav")
    assert first["announce_ms"] == duration_ms(spoken / "en" / "welcome.wav")
    assert first["hold_music"] == str(spoken / f"{HOLD_MUSIC}.wav")
    assert first["callback_by_dtmf"] is False

    clock.tick()  # nobody serves the queue: the wait passes A2's maximum, a callback offered
    offer = route(api)
    assert (offer["announce"], offer["callback_by_dtmf"]) == ("callback_offer", True)
    assert offer["wait_minutes"] > LONGEST_ANNOUNCED_WAIT  # nobody serving: a day
    assert offer["announce_file"] == str(spoken / "en" / "callback_offer_more.wav")


def test_a2_withheld_number_hears_the_wait_without_the_offer_and_1_changes_nothing(
    api, spoken, clock
):
    route(api, caller="anonymous")
    clock.tick()
    answer = route(api, caller="anonymous")
    assert (answer["announce"], answer["callback_by_dtmf"]) == ("expected_wait", False)
    assert answer["announce_file"].endswith("expected_wait_more.wav")
    assert press(api, "1").status_code == 200
    assert Call.objects.get().state == CallState.WAITING
    assert not Callback.objects.exists()


def test_a2_overflowed_caller_hears_the_overflow_notice(api, spoken, clock, settings):
    queue = Queue.objects.get(code="repairs")
    queue.overflow_to = Queue.objects.exclude(pk=queue.pk).first()
    queue.save()
    route(api)
    clock.tick()  # the offer first...
    clock.advance(hours=2)
    clock.tick()  # ...then past the maximum wait: overflowed
    answer = route(api)
    assert Call.objects.get().queue_id == queue.overflow_to_id
    assert answer["announce"] == "overflow"
    assert answer["announce_file"] == str(spoken / "en" / "overflow.wav")


def test_a2_a_queues_own_recording_wins_over_the_language_prompt(api, spoken):
    own = spoken / "repairs" / "welcome.wav"
    own.parent.mkdir()
    own.write_bytes((spoken / "bg" / "welcome.wav").read_bytes())
    assert route(api)["announce_file"] == str(own)
    other = Queue.objects.exclude(code="repairs").first()
    assert other is not None
    answer = route(api, external_id="sip-2", queue=other.code)
    assert answer["announce_file"] == str(spoken / "en" / "welcome.wav")


def test_a2_an_identified_customer_hears_their_language_others_the_centres(api, spoken, settings):
    Customer.objects.create(name="Plovdiv office", phone=NUMBER, language="bg")
    assert route(api)["announce_file"] == str(spoken / "bg" / "welcome.wav")
    settings.LANGUAGE_CODE = "bg"  # the centre's default language
    answer = route(api, external_id="sip-2", caller="0777999888")
    assert answer["announce_file"] == str(spoken / "bg" / "welcome.wav")


def test_a2_no_prompts_generated_means_nothing_to_play(api, settings, tmp_path):
    settings.HOTLINE_VOICE_PROMPTS_DIR = tmp_path / "none"
    answer = route(api)
    assert (answer["announce"], answer["announce_file"], answer["hold_music"]) == (
        "welcome",
        "",
        "",
    )


# DTMF 1 accepts the callback offer (B8) -------------------------------------------------------


def test_a2_dtmf_1_after_the_offer_makes_the_call_a_callback_to_the_callers_number(
    api, spoken, clock
):
    route(api)
    assert press(api, "1").status_code == 200  # before the offer: nothing
    assert Call.objects.get().state == CallState.WAITING
    clock.tick()
    assert press(api, "2").json()["state"] == "waiting"  # not the key
    answer = press(api, "1")
    assert answer.status_code == 200, answer.content
    assert (answer.json()["action"], answer.json()["announce"]) == ("release", "callback_made")
    callback = Callback.objects.get()
    assert (callback.number, callback.origin_call, callback.window_start) == (
        NUMBER,
        Call.objects.get(),
        clock(),
    )
    assert press(api, "1").status_code == 200  # pressed again: still one callback
    assert Callback.objects.count() == 1


def test_a2_dtmf_bad_input_and_unknown_call_change_nothing(api, spoken, clock):
    route(api)
    clock.tick()
    for body in ({"digit": "x"}, {"digit": "12"}, {}, {"digit": 1}):
        answer = api("pbx", "post", "/voice/route/sip-1/dtmf", body)
        assert answer.status_code == 422, (body, answer.content)
        assert "detail" in answer.json()
    assert press(api, "1", external_id="sip-404").status_code == 404
    assert press(api, "1", external_id="bad id!").status_code in (404, 422)
    assert Call.objects.get().state == CallState.WAITING


@pytest.mark.parametrize("user", ["agent1", "lead", "admin"])
def test_a2_dtmf_is_the_edges_to_report_not_a_persons(api, spoken, clock, user, centre):
    route(api)
    clock.tick()
    answer = press(api, "1", user=user)
    assert answer.status_code == 403, answer.content
    assert "callback" not in answer.content.decode()
    assert Call.objects.get().state == CallState.WAITING


def test_a2_openapi_bounds_the_announcement_and_the_key(client):
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert "callback_offer" in schema["RouteOut"]["properties"]["announce"]["enum"]
    assert "1" in schema["DtmfIn"]["properties"]["digit"]["enum"]


# the edge's DTMF listener reads rtpengine's reports -----------------------------------------


def test_a2_rtpengine_dtmf_report_names_the_call_as_kamailio_does_and_the_key():
    report = {"callid": "abc@host", "source_tag": "t1", "event": 1, "duration": 100}
    assert key_of(json.dumps(report).encode()) == (edge_call_id("abc@host"), "1")
    assert edge_call_id("abc@host").startswith("sip-")
    assert key_of(json.dumps({**report, "event": 11}).encode()) == (edge_call_id("abc@host"), "#")
    assert key_of(json.dumps({**report, "source_label": "callee"}).encode()) is None
    assert key_of(json.dumps({**report, "event": 16}).encode()) is None  # not a key
    assert key_of(b"not json") is None


def test_a2_voice_config_says_to_start_the_key_relay_and_it_refuses_a_taken_port(
    centre, tmp_path, settings
):
    out = StringIO()
    call_command("voice", "config", "--out", str(tmp_path), "--pbx-user", "pbx", stdout=out)
    assert "hotline voice dtmf" in out.getvalue()
    command = (tmp_path / "rtpengine.command").read_text()
    assert f"--dtmf-log-dest=127.0.0.1:{settings.HOTLINE_VOICE_DTMF_PORT}" in command
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as taken:
        taken.bind(("127.0.0.1", 0))
        settings.HOTLINE_VOICE_DTMF_PORT = taken.getsockname()[1]
        with pytest.raises(CommandError):
            call_command("voice", "dtmf", "--pbx-user", "pbx", stdout=StringIO())
