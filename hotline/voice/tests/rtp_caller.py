"""A trunk caller's media, played by the test: the RTP socket a SIPp caller's SDP names. It
sends A-law silence every 20 ms as a phone does, counts and keeps what it hears, and presses
keys as RFC 4733 telephone-events (what SIPp 3.6 sends only from a pcap, through a raw socket)."""

import math
import random
import socket
import struct
import threading
import time

from hotline.voice.pcap_audio import _alaw

PCMA, TELEPHONE_EVENT = 8, 101
SILENCE = b"\xd5" * 160


class RtpCaller:
    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.02)
        self.port = int(self.sock.getsockname()[1])
        self.peer: tuple[str, int] | None = None  # rtpengine's side, from what it sends
        self.heard: list[bytes] = []  # the payloads of the audio packets received
        self.ssrc = random.getrandbits(32)
        self.seq, self.timestamp = random.getrandbits(15), random.getrandbits(31)
        self.keys: list[str] = []
        self.lock = threading.Lock()
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def packets(self) -> int:
        with self.lock:
            return len(self.heard)

    def loudness(self, since: int = 0) -> int:
        """The RMS level of what was heard after the `since`-th packet (silence: near 0)."""
        with self.lock:
            audio = b"".join(self.heard[since:])
        if not audio:
            return 0
        return int(math.sqrt(sum(_alaw(code) ** 2 for code in audio) / len(audio)))

    def press(self, key: str) -> None:
        with self.lock:
            self.keys.append(key)

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join(5)
        self.sock.close()

    def _send(self, payload_type: int, payload: bytes, *, marker: bool = False) -> None:
        if self.peer is None:
            return
        header = struct.pack(
            "!BBHII",
            0x80,
            payload_type | (0x80 if marker else 0),
            self.seq & 0xFFFF,
            self.timestamp & 0xFFFFFFFF,
            self.ssrc,
        )
        self.seq += 1
        self.sock.sendto(header + payload, self.peer)

    def _key(self, key: str) -> None:
        """One key press: 100 ms of the event, its end sent three times (RFC 4733)."""
        event = "0123456789*#".index(key)
        for step in range(1, 6):
            end = step == 5
            payload = struct.pack("!BBH", event, (0x80 if end else 0) | 10, 160 * step)
            for _ in range(3 if end else 1):
                self._send(TELEPHONE_EVENT, payload, marker=step == 1)
            time.sleep(0.02)
        self.timestamp += 160 * 5

    def _run(self) -> None:
        next_send = time.monotonic()
        while not self.stopped.is_set():
            try:
                data, source = self.sock.recvfrom(2048)
                if len(data) > 12 and data[1] & 0x7F == PCMA:
                    with self.lock:
                        self.peer = source
                        self.heard.append(data[12 + 4 * (data[0] & 0x0F) :])
            except TimeoutError:
                pass
            if time.monotonic() >= next_send:
                next_send += 0.02
                with self.lock:
                    keys, self.keys = self.keys, []
                for key in keys:
                    self._key(key)
                self._send(PCMA, SILENCE)
                self.timestamp += 160
