"""The keys callers press, from rtpengine to Hotline: part of the SIP edge, beside Kamailio.

rtpengine decodes RFC 4733 telephone-events and sends one JSON datagram per key to
`--dtmf-log-dest` ({"callid", "source_tag", "source_label", "event", ...}; Kamailio 5.6's
rtpengine module has no DTMF event route). This listener reports each key of a caller (the
"caller" label the edge gives the trunk's side) to Hotline's API as the edge's PBX user:
POST /api/v1/voice/route/<call>/dtmf, the call named as Kamailio names it (sip-<md5 of the
Call-ID>). Hotline decides what a key means (A2: 1 accepts the callback offer).
"""

import contextlib
import hashlib
import json
import logging
import socket
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator

logger = logging.getLogger(__name__)

# RFC 4733's event codes of the keypad.
KEYS = "0123456789*#"


def edge_call_id(sip_call_id: str) -> str:
    """The call's PBX id as Kamailio reports it ($(ci{s.md5}))."""
    return "sip-" + hashlib.md5(sip_call_id.encode()).hexdigest()


def key_of(datagram: bytes) -> tuple[str, str] | None:
    """(the call's PBX id, the key) of one rtpengine DTMF report; None: not a caller's key."""
    try:
        event = json.loads(datagram)
        code, call_id = int(event["event"]), str(event["callid"])
    except (ValueError, KeyError, TypeError):
        return None
    if event.get("source_label", "caller") != "caller" or not 0 <= code < len(KEYS):
        return None
    return edge_call_id(call_id), KEYS[code]


class DtmfListener:
    """Receives rtpengine's DTMF reports on a loopback UDP port, in a thread."""

    def __init__(self, *, port: int, api_url: str, token: str) -> None:
        self.api_url, self.token = api_url, token
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", port))
        self.sock.settimeout(0.5)  # to see `stopped` in time
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._serve, name="dtmf-listener", daemon=True)

    def _serve(self) -> None:
        while not self.stopped.is_set():
            try:
                datagram = self.sock.recv(65535)
            except TimeoutError:
                continue
            pressed = key_of(datagram)
            if pressed is not None:
                self._report(*pressed)

    def _report(self, call: str, key: str) -> None:
        request = urllib.request.Request(
            f"{self.api_url}/api/v1/voice/route/{call}/dtmf",
            data=json.dumps({"digit": key}).encode(),
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=5) as answer:
                logger.info("caller of %s pressed %s: Hotline %s", call, key, answer.status)
        except (urllib.error.URLError, OSError) as failed:
            logger.warning("caller of %s pressed %s: Hotline refused: %s", call, key, failed)


@contextlib.contextmanager
def listening(*, port: int, api_url: str, token: str) -> Iterator[DtmfListener]:
    listener = DtmfListener(port=port, api_url=api_url, token=token)
    listener.thread.start()
    try:
        yield listener
    finally:
        listener.stopped.set()
        listener.thread.join(5)
        listener.sock.close()
