"""The SIP edge's API without the edge: Kamailio's routing question (B9, one routing path with
the CTI API), the phones' SIP credentials, and every operation's bad input and wrong role."""

import subprocess
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from hotline.audit.models import Event
from hotline.calls.models import Call
from hotline.calls.tests.floor_http import http_api, ready
from hotline.voice.credentials import digest_ha1
from hotline.voice.edge import program
from hotline.voice.models import SipCredential
from hotline.voice.routing import caller_number_from_sip

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client, in_english, token_for, clock):
    return http_api(client, token_for)


def route(api, external_id="sip-1", queue="repairs", caller="0888123456", user="pbx"):
    return api(
        user,
        "post",
        "/voice/route",
        {"external_id": external_id, "queue": queue, "caller": caller},
    )


def sip_auth(api, username, user="pbx"):
    return api(user, "post", "/voice/sip-auth", {"username": username})


def snapshot():
    return (
        list(Call.objects.values_list("pk", "state")),
        list(SipCredential.objects.values_list("pk", "revoked_at")),
        Event.objects.exclude(entity__startswith="accounts.").count(),
    )


# routing (B9) -------------------------------------------------------------------------------


def test_b9_voice_route_arrival_rings_the_phone_of_the_agent_the_floor_offered_it_to(api, centre):
    ready(api, "agent1")
    phone = api("agent1", "post", "/voice/credentials").json()

    first = route(api)
    assert first.status_code == 201, first.content
    body = first.json()
    assert (body["action"], body["state"], body["agent"], body["target"]) == (
        "offer",
        "offered",
        "agent1",
        phone["username"],
    )
    assert body["ring_ms"] == 15_000  # the queue's ring time, from the offer's expiry

    again = route(api)  # the edge asks again: the same call, the same offer
    assert again.status_code == 200
    assert again.json()["offer_id"] == body["offer_id"]
    call = Call.objects.get()
    assert (call.external_id, call.caller_number) == ("sip-1", "0888123456")
    actions = Event.objects.filter(entity="calls.call").values_list("action", flat=True)
    assert list(actions.order_by("pk")) == ["arrived", "offered"]


def test_b9_voice_route_keeps_the_caller_waiting_while_no_agent_is_ready(api, centre):
    body = route(api).json()
    assert (body["action"], body["state"], body["target"]) == ("wait", "waiting", None)
    assert body["poll_ms"] > 0


def test_b9_voice_route_waits_when_the_offered_agent_has_no_phone_registered(api, centre):
    ready(api, "agent1")  # no SIP credential: the desk rings, no phone can
    body = route(api).json()
    assert (body["action"], body["state"]) == ("wait", "offered")


def test_b9_voice_route_after_the_caller_hung_up_says_abandoned(api, centre):
    route(api)
    assert api("pbx", "post", "/cti/calls/sip-1/abandoned").status_code == 200
    assert route(api).json()["action"] == "abandoned"


def test_voice_route_bad_input_is_refused_and_changes_nothing(api, centre):
    before = snapshot()
    for bad in (
        {"external_id": "bad id with spaces"},
        {"external_id": "x" * 101},
        {"queue": "no queue!"},
        {"caller": "1" * 65},
    ):
        answer = route(api, **bad)
        assert answer.status_code == 422, (bad, answer.content)
        assert "detail" in answer.json()
    unknown = route(api, queue="nosuchqueue")
    assert unknown.status_code == 404
    assert snapshot() == before


def test_voice_operations_refuse_the_wrong_role_and_leak_nothing(api, centre):
    ready(api, "agent1")
    api("agent1", "post", "/voice/credentials")
    before = snapshot()
    credential = SipCredential.objects.get()
    for answer in (
        route(api, user="agent1"),
        sip_auth(api, credential.username, user="agent1"),
        sip_auth(api, credential.username, user="lead"),
        api("pbx", "post", "/voice/credentials"),
        api("dispatcher", "post", "/voice/credentials"),
    ):
        assert answer.status_code == 403
        assert credential.ha1 not in answer.content.decode()
    assert snapshot() == before


def test_caller_numbers_from_sip_are_digits_or_withheld():
    assert caller_number_from_sip("+359881234567") == "+359881234567"
    assert caller_number_from_sip("0888-12-34") == "08881234"
    assert caller_number_from_sip("anonymous") == ""
    assert caller_number_from_sip("") == ""


# SIP credentials: per floor session, short-lived, never the password ------------------------


def test_b9_sip_credential_needs_a_floor_session(api, centre):
    before = snapshot()
    refused = api("agent1", "post", "/voice/credentials")
    assert refused.status_code == 409
    assert refused.json()["rule"] == "B9"
    assert snapshot() == before


def test_b9_sip_credential_is_checked_by_its_digest_and_dies_with_the_session(api, centre, clock):
    assert api("agent1", "post", "/floor/login").status_code == 200
    issued = api("agent1", "post", "/voice/credentials").json()
    assert issued["password"] != "hotline-demo"  # never the account's password
    assert issued["registrar"].startswith("sip:")
    assert issued["websocket"].startswith("ws://")

    check = sip_auth(api, issued["username"])
    assert check.status_code == 200
    ha1 = digest_ha1(issued["username"], issued["realm"], issued["password"])
    assert check.json()["ha1"] == ha1
    assert "password" not in check.json()

    newer = api("agent1", "post", "/voice/credentials").json()  # a new one replaces it
    assert sip_auth(api, issued["username"]).status_code == 404
    assert sip_auth(api, newer["username"]).status_code == 200
    actions = Event.objects.filter(entity="voice.sip_credential").values_list("action", flat=True)
    assert sorted(actions) == ["issued", "issued", "revoked"]

    assert api("agent1", "post", "/floor/logout").status_code == 200
    assert sip_auth(api, newer["username"]).status_code == 404  # its floor session ended


def test_b9_sip_credential_expires(api, centre, clock, settings):
    assert api("agent1", "post", "/floor/login").status_code == 200
    issued = api("agent1", "post", "/voice/credentials").json()
    clock.advance(hours=settings.HOTLINE_VOICE_CREDENTIAL_HOURS, seconds=1)
    assert sip_auth(api, issued["username"]).status_code == 404
    assert sip_auth(api, "h" + "0" * 12).status_code == 404  # nobody's


# `hotline voice config` ---------------------------------------------------------------------


def test_voice_config_writes_a_kamailio_cfg_kamailio_accepts_for_the_centres_queues(
    centre, tmp_path
):
    out = StringIO()
    call_command("voice", "config", "--out", str(tmp_path), "--pbx-user", "pbx", stdout=out)
    cfg = tmp_path / "kamailio.cfg"
    text = cfg.read_text()
    for code in ("repairs", "installations"):
        assert f'case "{code}":' in text
    assert "HOTLINE_API/api/v1/voice/route" in text
    assert oct(cfg.stat().st_mode & 0o777) == "0o600"  # it holds the PBX's token
    command = (tmp_path / "rtpengine.command").read_text()
    assert "--config-file=none" in command
    # Answered calls are recorded (pcap) into the spool, which is made ready for rtpengine.
    assert f"--recording-method=pcap --recording-dir={tmp_path / 'spool'}" in command
    assert (tmp_path / "spool").is_dir()
    assert "start_recording();" in text
    checked = subprocess.run(
        [program("kamailio"), "-c", "-f", str(cfg)], capture_output=True, text=True, check=False
    )
    assert checked.returncode == 0, checked.stderr[-3000:]


def test_voice_config_without_queues_is_still_one_kamailio_accepts(centre, tmp_path):
    from hotline.calls.models import Queue

    Queue.objects.all().delete()
    call_command("voice", "config", "--out", str(tmp_path), "--pbx-user", "pbx", stdout=StringIO())
    cfg = tmp_path / "kamailio.cfg"
    checked = subprocess.run(
        [program("kamailio"), "-c", "-f", str(cfg)], capture_output=True, text=True, check=False
    )
    assert checked.returncode == 0, checked.stderr[-3000:]
    assert "No Such Queue" in cfg.read_text()


def test_voice_config_refuses_a_user_who_is_not_the_pbx(centre, tmp_path):
    with pytest.raises(CommandError, match="not a PBX user"):
        call_command("voice", "config", "--out", str(tmp_path), "--pbx-user", "agent1")
    assert not (tmp_path / "kamailio.cfg").exists()


def test_voice_config_with_tls_and_a_public_address_is_one_kamailio_accepts(
    centre, tmp_path, settings
):
    """Production: TLS for desk phones and wss://, the edge behind NAT at a public address."""
    from hotline.voice.tests.conftest import self_signed_certificate

    cert, key = self_signed_certificate(tmp_path)
    settings.HOTLINE_VOICE_TLS_CERT, settings.HOTLINE_VOICE_TLS_KEY = str(cert), str(key)
    settings.HOTLINE_VOICE_PUBLIC_ADDRESS = "203.0.113.7"
    out = tmp_path / "edge"
    call_command("voice", "config", "--out", str(out), "--pbx-user", "pbx", stdout=StringIO())
    text = (out / "kamailio.cfg").read_text()
    assert "listen=tls:127.0.0.1:5061 advertise 203.0.113.7:5061" in text
    assert "listen=udp:127.0.0.1:5060 advertise 203.0.113.7:5060" in text
    assert f"certificate = {cert}" in (out / "tls.cfg").read_text()
    assert "--interface=127.0.0.1!203.0.113.7" in (out / "rtpengine.command").read_text()
    checked = subprocess.run(
        [program("kamailio"), "-c", "-f", str(out / "kamailio.cfg")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stderr[-3000:]


@pytest.mark.parametrize(
    ("cert", "key", "public", "problem"),
    [
        ("edge.crt", "", "", "needs both"),
        ("missing.crt", "missing.key", "", "no such file"),
        ("", "", "203.0.113.7; evil", "not an address"),
    ],
)
def test_voice_config_refuses_half_a_tls_setting_or_a_bad_address(
    centre, tmp_path, settings, cert, key, public, problem
):
    (tmp_path / "edge.crt").write_text("x")
    settings.HOTLINE_VOICE_TLS_CERT = str(tmp_path / cert) if cert else ""
    settings.HOTLINE_VOICE_TLS_KEY = str(tmp_path / key) if key else ""
    settings.HOTLINE_VOICE_PUBLIC_ADDRESS = public
    with pytest.raises(CommandError, match=problem):
        call_command("voice", "config", "--out", str(tmp_path / "edge"), "--pbx-user", "pbx")
    assert not (tmp_path / "edge" / "kamailio.cfg").exists()


def test_b9_sip_credential_names_the_public_and_tls_registrars(api, centre, settings):
    settings.HOTLINE_VOICE_PUBLIC_ADDRESS = "203.0.113.7"
    settings.HOTLINE_VOICE_TLS_CERT = "/etc/ssl/edge.crt"
    assert api("agent1", "post", "/floor/login").status_code == 200
    issued = api("agent1", "post", "/voice/credentials").json()
    assert (issued["registrar"], issued["registrar_tls"]) == (
        "sip:203.0.113.7:5060",
        "sips:203.0.113.7:5061",
    )
