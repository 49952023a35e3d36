"""One question over UDP and its answer: how Hotline asks the SIP edge's programs directly
(rtpengine's control protocol, hotline/voice/ng.py; a SIP OPTIONS to Kamailio, edge_watch.py)."""

import socket
import time
from collections.abc import Callable

MAX_DATAGRAM = 65535


def _any_reply(data: bytes) -> bool:
    return True


def udp_ask(
    host: str,
    port: int,
    message: bytes,
    *,
    timeout_s: float,
    is_reply: Callable[[bytes], bool] = _any_reply,
) -> bytes:
    """Send one datagram to host:port and wait for the first one back that `is_reply` takes
    (others, a late answer to an earlier question, are skipped). OSError when none comes within
    `timeout_s`, or when the port refused it (nothing listens there)."""
    deadline = time.monotonic() + timeout_s
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        # Connected: a port nobody listens on is refused at once, not after the timeout, and
        # only datagrams from the asked address come back.
        sock.connect((host, port))
        sock.send(message)
        while True:
            sock.settimeout(max(deadline - time.monotonic(), 0.001))
            data = sock.recv(MAX_DATAGRAM)
            if is_reply(data):
                return data
