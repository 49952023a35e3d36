"""The SIP edge's configuration, from Hotline's settings and data: Kamailio's kamailio.cfg and
rtpengine's command line (`hotline voice config` writes them; the tests start them)."""

import glob
import re
import shutil
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

from hotline.calls.models import Queue
from hotline.voice.transfers import TARGET_PREFIX as TRANSFER_TARGET_PREFIX

# The Debian packages that hold each program the edge runs (README, Voice (SIP)).
PACKAGES = {
    "kamailio": "kamailio (with kamailio-websocket-modules, kamailio-utils-modules, "
    "kamailio-json-modules, kamailio-extra-modules, kamailio-tls-modules)",
    "rtpengine": "rtpengine-daemon",
    "sipp": "sip-tester",
}
MODULES_GLOB = "/usr/lib/*/kamailio/modules"
# A caller waits at most this long on the edge (the INVITE's lifetime); A2 acts well before.
MAX_WAIT_MS = 30 * 60 * 1000


ANY_FREE_PORT = -1


@dataclass(frozen=True)
class VoiceEdge:
    """Where the edge listens and whom it asks; `from_settings()` for the centre's."""

    sip_address: str
    sip_port: int
    ws_port: int
    rtpengine_port: int
    media_ports: tuple[int, int]
    api_url: str
    realm: str
    trunk_addresses: tuple[str, ...]
    poll_ms: int
    run_dir: Path
    fallback_uri: str = ""  # where calls go when Hotline does not answer (empty: 503)
    trunk_uri: str = ""  # where agents' outbound calls go (empty: none; README, outbound)
    children: int = 4  # Kamailio's UDP workers; each waits for Hotline's answer in turn
    # rtpengine records every answered call there (pcap); None: no recording
    recording_spool: Path | None = None
    queues: tuple[str, ...] = field(default=())
    # rtpengine reports the keys callers press to this loopback UDP port (hotline/voice/dtmf.py);
    # 0: nobody listens (no callback by DTMF); ANY_FREE_PORT: the relay takes a free one when the
    # edge starts (tests: a port picked earlier could be taken meanwhile)
    dtmf_port: int = 0
    # TLS (SIP over TLS and wss://) on tls_port, with this certificate and key; None: none
    tls_port: int | None = None
    tls_cert: Path | None = None
    tls_key: Path | None = None
    public_address: str = ""  # advertised behind NAT (Kamailio's Via and Record-Route, SDP)

    @classmethod
    def from_settings(cls, run_dir: Path) -> "VoiceEdge":
        low, high = (int(port) for port in settings.HOTLINE_VOICE_MEDIA_PORTS.split("-"))
        return cls(
            sip_address=settings.HOTLINE_VOICE_SIP_ADDRESS,
            sip_port=settings.HOTLINE_VOICE_SIP_PORT,
            ws_port=settings.HOTLINE_VOICE_WS_PORT,
            rtpengine_port=settings.HOTLINE_VOICE_RTPENGINE_PORT,
            media_ports=(low, high),
            api_url=settings.HOTLINE_VOICE_HOTLINE_URL,
            realm=settings.HOTLINE_VOICE_REALM,
            trunk_addresses=tuple(settings.HOTLINE_VOICE_TRUNK_ADDRESSES),
            poll_ms=settings.HOTLINE_VOICE_POLL_MS,
            run_dir=run_dir,
            fallback_uri=settings.HOTLINE_VOICE_FALLBACK_URI,
            trunk_uri=settings.HOTLINE_VOICE_TRUNK_URI,
            recording_spool=settings.HOTLINE_VOICE_RECORDING_SPOOL,
            dtmf_port=settings.HOTLINE_VOICE_DTMF_PORT,
            **_tls_from_settings(),
            public_address=settings.HOTLINE_VOICE_PUBLIC_ADDRESS,
        )

    @property
    def tls(self) -> bool:
        return self.tls_port is not None

    def with_queues(self) -> "VoiceEdge":
        """The same edge, answering the numbers of Hotline's queues as they are now."""
        return replace(
            self, queues=tuple(Queue.objects.order_by("code").values_list("code", flat=True))
        )


def _tls_from_settings() -> dict[str, Any]:
    cert, key = settings.HOTLINE_VOICE_TLS_CERT, settings.HOTLINE_VOICE_TLS_KEY
    if not cert and not key:
        return {}
    if not (cert and key):
        raise ValueError("TLS on the SIP edge needs both HOTLINE_VOICE_TLS_CERT and _KEY")
    for path in (cert, key):
        if not Path(path).is_file():
            raise ValueError(f"no such file for the SIP edge's TLS: {path}")
    return {
        "tls_port": settings.HOTLINE_VOICE_TLS_PORT,
        "tls_cert": Path(cert).resolve(),
        "tls_key": Path(key).resolve(),
    }


def program(name: str) -> str:
    """The path of one of the edge's programs; a missing one names its Debian package."""
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")
    if not found:
        raise FileNotFoundError(f"{name} is not installed: apt-get install {PACKAGES[name]}")
    return found


def kamailio_modules() -> str:
    folders = sorted(glob.glob(MODULES_GLOB))
    if not folders:
        raise FileNotFoundError(f"no Kamailio modules: apt-get install {PACKAGES['kamailio']}")
    return folders[0] + "/"


# The carrier's trunk: a host (name or IPv4) and an optional port, nothing else (the dialled
# number becomes the user part; no parameters or headers reach kamailio.cfg).
TRUNK_URI = re.compile(r"sip:(?P<host>[A-Za-z0-9][A-Za-z0-9.-]{0,252})(?::(?P<port>[0-9]{1,5}))?")


def trunk_host_port(trunk_uri: str) -> str:
    """`host` or `host:port` of HOTLINE_VOICE_TRUNK_URI, checked; "" when none is set."""
    if not trunk_uri:
        return ""
    found = TRUNK_URI.fullmatch(trunk_uri)
    if found is None or (found["port"] and not 1 <= int(found["port"]) <= 65535):
        raise ValueError(f"HOTLINE_VOICE_TRUNK_URI is not sip:host or sip:host:port: {trunk_uri!r}")
    return found["host"] + (f":{int(found['port'])}" if found["port"] else "")


def kamailio_cfg(edge: VoiceEdge, *, token: str, generated_at: datetime) -> str:
    """kamailio.cfg for this edge; `token` is the PBX user's API token it sends Hotline."""
    if edge.public_address and not re.fullmatch(r"[A-Za-z0-9.:-]+", edge.public_address):
        raise ValueError(f"HOTLINE_VOICE_PUBLIC_ADDRESS is not an address: {edge.public_address!r}")
    if edge.fallback_uri and not re.fullmatch(
        r"sips?:[A-Za-z0-9._+-]+@[A-Za-z0-9.:-]+", edge.fallback_uri
    ):
        raise ValueError(f"HOTLINE_VOICE_FALLBACK_URI is not a SIP URI: {edge.fallback_uri!r}")
    return render_to_string(
        "voice/kamailio.cfg",
        {
            "generated_at": generated_at,
            "api_url": edge.api_url,
            "realm": edge.realm,
            "token": token,
            "children": edge.children,
            "sip_address": edge.sip_address,
            "sip_port": edge.sip_port,
            "ws_port": edge.ws_port,
            "rtpengine_port": edge.rtpengine_port,
            "modules": kamailio_modules(),
            "run_dir": edge.run_dir,
            "poll_ms": edge.poll_ms,
            "poll_us": edge.poll_ms * 1000,
            "calls_expire_s": MAX_WAIT_MS // 1000 + 3600,
            "max_wait_ms": MAX_WAIT_MS,
            "trunk_addresses": edge.trunk_addresses,
            "queues": edge.queues,
            "fallback_uri": edge.fallback_uri,
            "trunk": trunk_host_port(edge.trunk_uri),
            "recording": edge.recording_spool is not None,
            "tls": edge.tls,
            "tls_port": edge.tls_port,
            "public_address": edge.public_address,
            "transfer_prefix": TRANSFER_TARGET_PREFIX,
        },
    )


def tls_cfg(edge: VoiceEdge) -> str:
    """Kamailio's tls.cfg: the edge's certificate for every TLS server connection (phones and
    browsers bring none), TLS 1.2 and up."""
    return (
        "# Hotline's SIP edge, generated by `hotline voice config`: do not edit.\n"
        "[server:default]\n"
        "method = TLSv1.2+\n"
        "verify_certificate = no\n"
        "require_certificate = no\n"
        f"certificate = {edge.tls_cert}\n"
        f"private_key = {edge.tls_key}\n"
        "\n[client:default]\n"
        "method = TLSv1.2+\n"
        "verify_certificate = no\n"
        "require_certificate = no\n"
    )


def rtpengine_command(edge: VoiceEdge) -> list[str]:
    """rtpengine in userspace (no kernel module: `--table=-1`), ignoring Debian's
    /etc/rtpengine/rtpengine.conf, its control port on loopback only."""
    low, high = edge.media_ports
    return [
        program("rtpengine"),
        "--config-file=none",
        "--table=-1",
        # Behind NAT, the SDP names the public address (rtpengine's "local!advertised").
        f"--interface={edge.sip_address}"
        + (f"!{edge.public_address}" if edge.public_address else ""),
        f"--listen-ng=127.0.0.1:{edge.rtpengine_port}",
        f"--port-min={low}",
        f"--port-max={high}",
        "--foreground",
        "--log-stderr",
        "--log-level=6",
        f"--pidfile={edge.run_dir / 'rtpengine.pid'}",
        "--num-threads=2",
        "--delete-delay=0",
        *recording_options(edge),
        *([f"--dtmf-log-dest=127.0.0.1:{edge.dtmf_port}"] if edge.dtmf_port else []),
    ]


def recording_options(edge: VoiceEdge) -> list[str]:
    """rtpengine's recording in userspace: the pcap method (its recording daemon needs the
    kernel module). Kamailio starts it on each answer; the pcap of a call is complete once
    rtpengine closes the call, and Hotline makes the audio file from it (`recordings`)."""
    if edge.recording_spool is None:
        return []
    return [
        "--recording-method=pcap",
        f"--recording-dir={edge.recording_spool}",
        "--recording-format=raw",
    ]


def kamailio_command(edge: VoiceEdge, cfg: Path) -> list[str]:
    return [
        program("kamailio"),
        "-f",
        str(cfg),
        "-Y",
        str(edge.run_dir),
        "-P",
        str(edge.run_dir / "kamailio.pid"),
        "-DD",
        "-E",
        "-m",
        "64",
        "-M",
        "8",
    ]
