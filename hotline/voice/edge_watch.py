"""The worker watches the SIP edge: rtpengine answers its control protocol's `ping` and
Kamailio answers a SIP OPTIONS. When either does not, every team lead is alerted ("SIP edge
down", one alert a team, once), and the alerts are cleared when both answer again.

Only when HOTLINE_VOICE_EDGE_CHECK is on (a centre that runs the edge), every
HOTLINE_VOICE_EDGE_CHECK_SECONDS; a program is "down" when it failed to answer twice in a row
within CHECK_TIMEOUT_S (a busy edge answers in milliseconds)."""

import secrets
import time
from datetime import datetime

from django.conf import settings

from hotline.accounts.choices import Role
from hotline.accounts.models import Team
from hotline.calls.choices import AlertKind
from hotline.calls.models import Alert
from hotline.calls.services.alerts import alert_raise, alerts_clear
from hotline.voice.ng import NgError, ng_command
from hotline.voice.udp import udp_ask

CHECK_TIMEOUT_S = 0.5
TRIES = 2
_last_check: float | None = None  # time.monotonic() of this process's last check


def _answers(address: str, port: int, message: bytes, expect: bytes) -> bool:
    for _ in range(TRIES):
        try:
            answer = udp_ask(address, port, message, timeout_s=CHECK_TIMEOUT_S)
        except OSError:  # timeout, or refused (nothing listens)
            continue
        if expect in answer:
            return True
    return False


def rtpengine_answers(port: int, address: str = "127.0.0.1") -> bool:
    """rtpengine's control protocol (ng): `ping` is answered `pong`."""
    for _ in range(TRIES):
        try:
            ng_command(port, "ping", host=address, timeout_s=CHECK_TIMEOUT_S)
        except NgError:
            continue
        return True
    return False


def kamailio_answers(address: str, port: int) -> bool:
    """A SIP OPTIONS to the edge itself (no user part): its request_route answers 200."""
    tag, branch, call_id = (secrets.token_hex(6) for _ in range(3))
    local = "127.0.0.1" if address.startswith("127.") else address
    options = (
        f"OPTIONS sip:{address}:{port} SIP/2.0\r\n"
        f"Via: SIP/2.0/UDP {local}:9;branch=z9hG4bK{branch};rport\r\n"
        f"From: <sip:hotline-watch@{local}>;tag={tag}\r\n"
        f"To: <sip:{address}:{port}>\r\n"
        f"Call-ID: watch-{call_id}@{local}\r\n"
        "CSeq: 1 OPTIONS\r\n"
        "Max-Forwards: 2\r\n"
        "Content-Length: 0\r\n\r\n"
    ).encode()
    return _answers(address, port, options, b"SIP/2.0 200")


def edge_down_now() -> list[str]:
    """The parts of the configured edge that do not answer now (empty: all answer)."""
    down = []
    if not rtpengine_answers(settings.HOTLINE_VOICE_RTPENGINE_PORT):
        down.append("rtpengine")
    if not kamailio_answers(settings.HOTLINE_VOICE_SIP_ADDRESS, settings.HOTLINE_VOICE_SIP_PORT):
        down.append("kamailio")
    return down


def edge_check(now: datetime) -> int:
    """Checks the edge now: alerts every team lead when down (once: while an edge-down alert
    is open, no other), clears them when it answers again. Returns alerts raised or cleared."""
    down = edge_down_now()
    open_alerts = Alert.objects.filter(kind=AlertKind.EDGE_DOWN, cleared_at__isnull=True)
    if not down:
        return alerts_clear(now=now, alerts=open_alerts)
    if open_alerts.exists():
        return 0
    teams = Team.objects.filter(members__role=Role.TEAM_LEAD).distinct().order_by("pk")
    for team in teams:
        alert_raise(
            now=now, kind=AlertKind.EDGE_DOWN, team_id=team.pk, agent=None, why={"down": down}
        )
    return len(teams)


def edge_watch(now: datetime) -> int:
    """The worker's tick: the check, when the edge is watched and its time has come."""
    global _last_check
    if not settings.HOTLINE_VOICE_EDGE_CHECK:
        return 0
    moment = time.monotonic()
    if _last_check is not None and moment - _last_check < settings.HOTLINE_VOICE_EDGE_CHECK_SECONDS:
        return 0
    _last_check = moment
    return edge_check(now)
