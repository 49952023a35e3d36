"""Small pcaps as rtpengine writes them (raw IPv4, link type 101) for the recordings' tests."""

import math
import struct
from pathlib import Path

from hotline.voice.tests.sipp import _alaw

MU_LAW_SILENCE = 0xFF


def tone_codes(seconds: float, hertz: float, *, start: int = 0) -> bytes:
    """A-law codes of a tone, 8 kHz."""
    return bytes(
        _alaw(int(8000 * math.sin(2 * math.pi * hertz * n / 8000)))
        for n in range(start, start + int(8000 * seconds))
    )


def rtp_packet(source_port: int, payload_type: int, seq: int, timestamp: int, payload: bytes):
    header = struct.pack("!BBHII", 0x80, payload_type, seq & 0xFFFF, timestamp & 0xFFFFFFFF, 7)
    rtp = header + payload
    udp = struct.pack("!HHHH", source_port, 30000, 8 + len(rtp), 0) + rtp
    ip = struct.pack(
        "!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0, b"\x7f\0\0\1", b"\x7f\0\0\1"
    )
    return ip + udp


def write_pcap(path: Path, packets: list[tuple[float, bytes]]) -> Path:
    """`packets`: (arrival time, IP packet), in order."""
    out = [struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 101)]
    for at, packet in packets:
        out.append(struct.pack("<IIII", int(at), round((at % 1) * 1e6), len(packet), len(packet)))
        out.append(packet)
    path.write_bytes(b"".join(out))
    return path


def call_pcap(
    path: Path, *, seconds: float = 2.0, gap: tuple[float, float] | None = None, later: float = 0
):
    """A call's pcap: the caller (A-law tone, 20 ms packets) from t=0, the phone (mu-law
    silence) from t=0.5 s; `gap` = (from, to) seconds of the caller's stream never sent; the
    call starts `later` seconds on."""
    packets: list[tuple[float, bytes]] = []
    start = 1_800_000_000.0 + later
    codes = tone_codes(seconds, 440)
    for n in range(int(seconds / 0.02)):
        if gap and gap[0] <= n * 0.02 < gap[1]:
            continue
        chunk = codes[n * 160 : (n + 1) * 160]
        packets.append((start + n * 0.02, rtp_packet(4000, 8, n, 1000 + 160 * n, chunk)))
    for n in range(int((seconds - 0.5) / 0.02)):
        payload = bytes([MU_LAW_SILENCE]) * 160
        packets.append(
            (start + 0.5 + n * 0.02, rtp_packet(5000, 0, n, 4_294_967_000 + 160 * n, payload))
        )
        # (its RTP timestamps wrap past 2^32 within the call)
    packets.append((start + 0.1, rtp_packet(4000, 101, 999, 0, b"\x01\x0a\x00\xa0")))  # DTMF
    packets.sort(key=lambda p: p[0])
    return write_pcap(path, packets)


def spool_call(
    spool: Path,
    call_id_header: str,
    *,
    finished: bool = True,
    seconds: float = 2.0,
    later: float = 0,
):
    """rtpengine's files for one recorded call, as its pcap method leaves them."""
    from urllib.parse import quote

    name = f"{quote(call_id_header, safe='')}-0123456789abcdef"
    (spool / "pcaps").mkdir(parents=True, exist_ok=True)
    (spool / "metadata").mkdir(parents=True, exist_ok=True)
    pcap = call_pcap(spool / "pcaps" / f"{name}.pcap", seconds=seconds, later=later)
    text = f"{pcap}\n\n\nTimestamp terminated ms(first monologue): 1.0\n\n"
    if finished:
        text += "call start time: 2026-12-07T17:56:24\ncall end time: 2026-12-07T17:56:26\n"
    (spool / "metadata" / f"rtpengine-meta-{name}.txt").write_text(text)
    return pcap
