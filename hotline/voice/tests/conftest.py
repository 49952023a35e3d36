"""The SIP edge for real: rtpengine and Kamailio on free loopback ports, configured by
`hotline.voice.edge` as `hotline voice config` configures them, asking the live server."""

import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hotline.calls.tests.floor_http import http_api
from hotline.testing.clock import MovingClock
from hotline.voice.edge import ANY_FREE_PORT, VoiceEdge
from hotline.voice.stack import RunningEdge, running_edge
from hotline.voice.tests.sipp import alaw_tone, free_tcp_port, unserved_edge


@pytest.fixture
def api(client: Any, token_for: Any, clock: MovingClock) -> Any:
    """The HTTP API as a user of the reference centre (a bearer token), at the test's time."""
    return http_api(client, token_for)


@pytest.fixture
def logs(tmp_path: Path) -> Path:
    """SIPp's scenarios and logs."""
    folder = tmp_path / "sipp"
    folder.mkdir()
    return folder


@pytest.fixture
def audio(tmp_path: Path) -> Path:
    """What callers and phones say: a tone, as raw A-law."""
    return alaw_tone(tmp_path / "tone.alaw")


@pytest.fixture(autouse=True)
def recordings(settings: Any, tmp_path: Path) -> Path:
    """The edge's spool and Hotline's recordings folder, in the test's own folder (never var/)."""
    settings.HOTLINE_VOICE_RECORDING_SPOOL = tmp_path / "spool"
    settings.HOTLINE_RECORDINGS_DIR = tmp_path / "recordings"
    return tmp_path


@pytest.fixture(autouse=True)
def prompts(settings: Any, tmp_path: Path) -> Path:
    """The prompts folder, empty (callers hear ringing, 180): a test that wants the prompts
    generates them there (never var/)."""
    folder = tmp_path / "prompts"
    settings.HOTLINE_VOICE_PROMPTS_DIR = folder
    return folder


def loopback_edge(settings: Any, live_server: Any, run_dir: Path, **more: Any) -> VoiceEdge:
    """An edge for the reference centre's queues on free loopback ports, asking the live
    server; `more` sets other fields (TLS, a public address)."""
    fields: dict[str, Any] = {
        "realm": VoiceEdge.from_settings(run_dir).realm,
        "children": 4,
        "recording_spool": settings.HOTLINE_VOICE_RECORDING_SPOOL,
        "dtmf_port": ANY_FREE_PORT,  # the relay binds one as the edge starts
    }
    return unserved_edge(run_dir, live_server.url, **{**fields, **more})


@pytest.fixture
def edge(
    recordings: Path,
    settings: Any,
    live_server: Any,
    centre: dict[str, Any],
    token_for: Any,
    tmp_path: Path,
    clock: MovingClock,
) -> Iterator[RunningEdge]:
    """rtpengine + Kamailio for the reference centre's queues, as the PBX user. A missing
    program fails the test with the Debian package to install (never a skip)."""
    edge = loopback_edge(settings, live_server, tmp_path / "edge")
    with running_edge(edge, token=token_for(centre["pbx"]), now=clock()) as running:
        yield running


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key (PEM), made by openssl as an admin would."""
    cert, key = folder / "edge.crt", folder / "edge.key"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@pytest.fixture
def tls_edge(
    recordings: Path,
    settings: Any,
    live_server: Any,
    centre: dict[str, Any],
    token_for: Any,
    tmp_path: Path,
    clock: MovingClock,
) -> Iterator[RunningEdge]:
    """The same edge with TLS: SIP over TLS and wss:// on its TLS port (a self-signed cert)."""
    cert, key = self_signed_certificate(tmp_path)
    edge = loopback_edge(
        settings,
        live_server,
        tmp_path / "edge",
        tls_port=free_tcp_port(),
        tls_cert=cert,
        tls_key=key,
    )
    with running_edge(edge, token=token_for(centre["pbx"]), now=clock()) as running:
        yield running
