"""The one UDP question-and-answer both rtpengine's control protocol (ng) and the edge watch's
SIP OPTIONS use: a scripted peer on loopback answers, or not."""

import socket
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from hotline.voice.edge_watch import kamailio_answers
from hotline.voice.tests.sipp import free_udp_port
from hotline.voice.udp import udp_ask


@pytest.fixture
def peer() -> Iterator[Callable[[Callable[[bytes], list[bytes]]], int]]:
    """A UDP peer answering each datagram with what `answer` makes of it (none: silence)."""
    sockets: list[socket.socket] = []

    def start(answer: Callable[[bytes], list[bytes]]) -> int:
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.bind(("127.0.0.1", 0))
        sockets.append(sock)

        def serve() -> None:
            while True:
                try:
                    data, sender = sock.recvfrom(65535)
                except OSError:  # closed: the test is over
                    return
                for reply in answer(data):
                    sock.sendto(reply, sender)

        threading.Thread(target=serve, daemon=True).start()
        return int(sock.getsockname()[1])

    yield start
    for sock in sockets:
        sock.close()


def test_the_reply_comes_back_and_strays_are_skipped(peer):
    port = peer(lambda data: [b"old-cookie stale", data.upper()])
    reply = udp_ask(
        "127.0.0.1", port, b"abc ping", timeout_s=2, is_reply=lambda d: d.startswith(b"ABC")
    )
    assert reply == b"ABC PING"


def test_a_port_nobody_listens_on_is_an_error_at_once():
    started = time.monotonic()
    with pytest.raises(ConnectionRefusedError):
        udp_ask("127.0.0.1", free_udp_port(), b"ping", timeout_s=5)
    assert time.monotonic() - started < 1  # refused, not waited for


def test_silence_is_an_error_after_the_timeout_even_with_strays(peer):
    port = peer(lambda data: [b"stray"])
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        udp_ask("127.0.0.1", port, b"ping", timeout_s=0.3, is_reply=lambda d: d == b"pong")
    assert 0.3 <= time.monotonic() - started < 1.5


def test_the_edge_watch_takes_only_a_200_to_its_options_as_kamailio_up(peer):
    up = peer(lambda data: [b"SIP/2.0 200 OK\r\n\r\n"] if data.startswith(b"OPTIONS") else [])
    busy = peer(lambda data: [b"SIP/2.0 503 Service Unavailable\r\n\r\n"])
    assert kamailio_answers("127.0.0.1", up)
    assert not kamailio_answers("127.0.0.1", busy)
    assert not kamailio_answers("127.0.0.1", free_udp_port())
