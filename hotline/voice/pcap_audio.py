"""A call's audio from rtpengine's pcap recording: G.711 RTP into a two-channel WAV.

rtpengine's recording daemon needs its kernel module, so the edge records with the pcap method
(README, Voice (SIP)): one pcap per call holding the RTP packets rtpengine received from both
sides, as raw IPv4 (link type 101; Ethernet captures are read too). Each side is one UDP flow;
its G.711 payloads (PCMU, payload type 0; PCMA, 8) are decoded with the tables below (Python's
`audioop` is deprecated and gone in 3.13) and laid at their RTP timestamps from the moment the
flow's first packet arrived, so silences (no packets) stay silent and both sides stay in step.
The first side heard is the left channel, the other the right. Pure Python, no Django.
"""

import struct
import sys
import wave
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

RATE = 8000  # G.711 samples a second
PCMU, PCMA = 0, 8
_LINK_HEADER = {1: 14, 101: 0, 228: 0, 113: 16, 0: 4}  # link type -> bytes before the IP header
_MAX_SECONDS = 6 * 3600  # a longer recording is refused: not a call


class NotAPcap(ValueError):
    pass


def _ulaw(code: int) -> int:
    code = ~code & 0xFF
    magnitude = (((code & 0x0F) << 3) + 0x84) << ((code & 0x70) >> 4)
    return (0x84 - magnitude) if code & 0x80 else (magnitude - 0x84)


def _alaw(code: int) -> int:
    code ^= 0x55
    exponent, mantissa = (code & 0x70) >> 4, code & 0x0F
    step = (mantissa << 4) + (8 if exponent == 0 else 0x108)
    magnitude = step << (exponent - 1) if exponent else step
    return magnitude if code & 0x80 else -magnitude


# Each code's 16-bit sample in the machine's order (arrays hold them so): a byte lookup.
_DECODE = {
    kind: [struct.pack("=h", decode(code)) for code in range(256)]
    for kind, decode in ((PCMU, _ulaw), (PCMA, _alaw))
}


@dataclass
class _Flow:
    first_arrival: float
    first_timestamp: int
    chunks: list[tuple[int, bytes]]  # (sample offset from the flow's start, 16-bit samples)


@dataclass(frozen=True)
class CallAudio:
    frames: int  # samples per channel
    channels: int
    flows: int  # sides heard (UDP flows with G.711 audio)

    @property
    def seconds(self) -> float:
        return self.frames / RATE


def _packets(data: bytes) -> list[tuple[float, bytes]]:
    """(arrival time, IP packet) of every captured packet."""
    if len(data) < 24:
        raise NotAPcap("too short for a pcap header")
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        order = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        order = ">"
    else:
        raise NotAPcap("not a pcap file")
    fraction = 1e-9 if magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d") else 1e-6
    link = struct.unpack(order + "I", data[20:24])[0] & 0xFFFF
    skip = _LINK_HEADER.get(link, 0)
    found, offset = [], 24
    while offset + 16 <= len(data):
        seconds, part, length, _ = struct.unpack(order + "IIII", data[offset : offset + 16])
        packet = data[offset + 16 : offset + 16 + length]
        offset += 16 + length
        found.append((seconds + part * fraction, packet[skip:]))
    return found


def _rtp(ip: bytes) -> tuple[tuple[bytes, int], bytes] | None:
    """(the UDP source, the RTP packet) of an IPv4 UDP packet, else None."""
    if len(ip) < 28 or ip[0] >> 4 != 4 or ip[9] != 17:
        return None
    header = (ip[0] & 0x0F) * 4
    source_port = struct.unpack("!H", ip[header : header + 2])[0]
    rtp = ip[header + 8 :]
    if len(rtp) < 12 or rtp[0] >> 6 != 2:
        return None
    return (ip[12:16], source_port), rtp


def call_audio_flows(data: bytes) -> list[_Flow]:
    """The G.711 flows of a pcap, in the order they were first heard."""
    flows: dict[tuple[bytes, int], _Flow] = {}
    for arrival, ip in _packets(data):
        found = _rtp(ip)
        if found is None:
            continue
        source, rtp = found
        payload_type = rtp[1] & 0x7F
        if payload_type not in _DECODE:
            continue  # DTMF events, comfort noise, RTCP (its types read 72-76 here)
        timestamp = struct.unpack("!I", rtp[4:8])[0]
        start = 12 + 4 * (rtp[0] & 0x0F)
        end = len(rtp) - (rtp[-1] if rtp[0] & 0x20 else 0)  # padding
        flow = flows.setdefault(source, _Flow(arrival, timestamp, []))
        offset = (timestamp - flow.first_timestamp) & 0xFFFFFFFF
        if offset >= 0x80000000:
            continue  # older than the flow's first packet (reordered): dropped
        table = _DECODE[payload_type]
        flow.chunks.append((offset, b"".join(table[code] for code in rtp[start:end])))
    return sorted(flows.values(), key=lambda flow: flow.first_arrival)


def pcap_to_wav(pcaps: Sequence[Path], wav: Path) -> CallAudio:
    """Write the call's audio as a 16-bit 8 kHz WAV: the first side heard on the left, the
    other on the right (a third flow, a phone that changed its port, joins its side by turns).
    A call moved to another phone (A4) has a pcap a dialog, each on the clock they share."""
    flows = [flow for pcap in pcaps for flow in call_audio_flows(pcap.read_bytes())]
    start = min((flow.first_arrival for flow in flows), default=0.0)
    channels: list[array[int]] = [array("h"), array("h")]
    for index, flow in enumerate(flows):
        samples = channels[index % 2]
        lead = round((flow.first_arrival - start) * RATE)
        for offset, chunk in flow.chunks:
            at = lead + offset
            decoded = array("h")
            decoded.frombytes(chunk)
            if at + len(decoded) > _MAX_SECONDS * RATE:
                raise ValueError("the recording is longer than any call")
            if len(samples) < at + len(decoded):
                samples.frombytes(bytes(2 * (at + len(decoded) - len(samples))))
            samples[at : at + len(decoded)] = decoded
    frames = max(len(channels[0]), len(channels[1]))
    stereo = array("h", bytes(4 * frames))
    for index, samples in enumerate(channels):
        samples.frombytes(bytes(2 * (frames - len(samples))))
        stereo[index::2] = samples
    with wave.open(str(wav), "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(RATE)
        if sys.byteorder == "big":
            stereo.byteswap()  # WAV is little-endian
        out.writeframes(stereo.tobytes())
    return CallAudio(frames=frames, channels=2, flows=len(flows))
