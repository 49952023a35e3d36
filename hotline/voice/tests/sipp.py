"""SIPp as the trunk's callers and as agents' phones, on loopback (package sip-tester)."""

import math
import random
import re
import socket
import struct
import subprocess
import wave
from pathlib import Path
from typing import Any

from hotline.voice.edge import VoiceEdge, program

SCENARIOS = Path(__file__).parent / "sipp"
# One RTP leg's totals in rtpengine's log at level 6 (RTCP lines say "(RTCP)" before the comma).
MEDIA_LEG = re.compile(r"Port\s+[\d.:]+ <>\s+[\d.:]+, SSRC [^,]+, (\d+) p")


def _ephemeral_low() -> int:
    """Where the kernel starts handing out ports to sockets that bind none (clients)."""
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


# The ports the tests choose for servers (the edge, SIPp, baresip) come from below the kernel's
# ephemeral range: a port picked there could be given to any client socket (a UDP question to
# rtpengine, a browser's connection) before the server binds it.
PORTS_LOW = 20000
PORTS_HIGH = max(_ephemeral_low() - 1, PORTS_LOW + 2000)


def free_udp_port() -> int:
    return free_udp_ports(1)[0]


def free_media_port() -> int:
    """SIPp's media port: it binds it and the next three (RTCP, video and its RTCP), so the run
    of four must be free, not the first alone."""
    return free_udp_ports(4)[0]


def free_tcp_port() -> int:
    """A TCP port nothing listens on nor uses now (the edge's WebSocket port), below the
    ephemeral range (where a browser's or the live server's connections take theirs)."""
    for _ in range(200):
        port = random.randrange(PORTS_LOW, PORTS_HIGH)
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free TCP port")


def free_udp_ports(count: int) -> tuple[int, int]:
    """A run of `count` free UDP ports (rtpengine's media ports), below the ephemeral range."""
    for _ in range(200):
        low = random.randrange(PORTS_LOW, PORTS_HIGH - count, 2)  # RTP: even
        probes = []
        try:
            for port in range(low, low + count):
                probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                probes.append(probe)
                probe.bind(("127.0.0.1", port))
        except OSError:
            continue
        finally:
            for probe in probes:
                probe.close()
        return low, low + count - 1
    raise RuntimeError("no run of free UDP ports")


def alaw_tone(path: Path, seconds: float = 10, hertz: float = 440) -> Path:
    """Raw 8 kHz A-law audio (a tone) for SIPp's rtp_stream: audio both ways, not silence."""
    samples = (
        int(8000 * math.sin(2 * math.pi * hertz * n / 8000)) for n in range(int(8000 * seconds))
    )
    path.write_bytes(bytes(_alaw(sample) for sample in samples))
    return path


def pcm_tone(path: Path, seconds: float = 10, hertz: float = 440) -> Path:
    """The same tone as an 8 kHz 16-bit WAV (what baresip's aufile plays)."""
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(
            b"".join(
                struct.pack("<h", int(8000 * math.sin(2 * math.pi * hertz * n / 8000)))
                for n in range(int(8000 * seconds))
            )
        )
    return path


def _alaw(sample: int) -> int:
    """G.711 A-law of one 16-bit sample."""
    sign = 0x80 if sample >= 0 else 0
    magnitude = min(abs(sample) >> 3, 0xFFF)
    if magnitude < 32:
        code = magnitude >> 1
    else:
        exponent = magnitude.bit_length() - 5
        code = (exponent << 4) | ((magnitude >> exponent) & 0x0F)
    return (code | sign) ^ 0x55


def sipp(
    scenario: str,
    *,
    edge_port: int,
    local_port: int,
    media_port: int,
    service: str,
    logs: Path,
    keys: dict[str, str] | None = None,
    extra: tuple[str, ...] = (),
    timeout_s: int = 20,
) -> subprocess.Popen[bytes]:
    """One SIPp call of `scenario` against the edge, started (wait on it, read `logs`).
    `keys` are written into the scenario: SIPp reads attributes (rtp_stream's file, a pause)
    as given, without its -key [keywords]."""
    name = f"{scenario}-{local_port}"
    script = (SCENARIOS / f"{scenario}.xml").read_text()
    for key, value in (keys or {}).items():
        script = script.replace(f"[{key}]", value)
    scenario_file = logs / f"{name}.xml"
    scenario_file.write_text(script)
    command = [
        program("sipp"),
        f"127.0.0.1:{edge_port}",
        "-sf",
        str(scenario_file),
        "-s",
        service,
        "-i",
        "127.0.0.1",
        "-p",
        str(local_port),
        "-mi",
        "127.0.0.1",
        "-mp",
        str(media_port),
        "-m",
        "1",
        "-l",
        "1",
        "-nostdin",
        "-timeout",
        f"{timeout_s}s",
        "-timeout_error",
        "-trace_msg",
        "-message_file",
        str(logs / f"{name}.msg"),
        "-trace_err",
        "-error_file",
        str(logs / f"{name}.err"),
        *extra,
    ]
    out = (logs / f"{name}.out").open("wb")
    return subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)


def sipp_started(
    scenario: str,
    *,
    edge_port: int,
    service: str,
    logs: Path,
    keys: dict[str, str] | None = None,
    extra: tuple[str, ...] = (),
    timeout_s: int = 20,
) -> tuple[subprocess.Popen[bytes], int]:
    """One SIPp call of `scenario` (as `sipp`) on a free SIP port and media ports of its own:
    the process and its SIP port (its logs are named by it: sipp_log)."""
    port = free_udp_port()
    process = sipp(
        scenario,
        edge_port=edge_port,
        local_port=port,
        media_port=free_media_port(),
        service=service,
        logs=logs,
        keys=keys,
        extra=extra,
        timeout_s=timeout_s,
    )
    return process, port


def unserved_edge(run_dir: Path, api_url: str, **more: Any) -> VoiceEdge:
    """An edge on free loopback ports asking `api_url`, which need not be a live Hotline (one
    that is down, a relay to it, nothing at all); `more` sets other fields."""
    low, high = free_udp_ports(20)
    fields: dict[str, Any] = {
        "sip_address": "127.0.0.1",
        "sip_port": free_udp_port(),
        "ws_port": free_tcp_port(),
        "rtpengine_port": free_udp_port(),
        "media_ports": (low, high),
        "api_url": api_url,
        "realm": "hotline",
        "trunk_addresses": ("127.0.0.1",),
        "poll_ms": 200,
        "run_dir": run_dir,
    }
    return VoiceEdge(**{**fields, **more}).with_queues()


def sipp_log(logs: Path, scenario: str, local_port: int) -> str:
    parts = []
    for suffix in ("out", "err", "msg"):
        path = logs / f"{scenario}-{local_port}.{suffix}"
        if path.exists():
            parts.append(f"--- {path.name}\n{path.read_text(errors='replace')[-5000:]}")
    return "\n".join(parts)


def media_legs(rtpengine_log: str) -> list[int]:
    """The packets rtpengine relayed on each leg of the calls it closed (its log at level 6:
    "Port 127.0.0.1:a <> 127.0.0.1:b, SSRC ..., 123 p, ...")."""
    return [
        int(count)
        for count in re.findall(r"Port\s+[\d.:]+ <>\s+[\d.:]+, SSRC [^,]+, (\d+) p", rtpengine_log)
    ]
