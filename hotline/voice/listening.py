"""Listening live to an agent's call (silent monitor), for the team lead who may review it.

rtpengine carries every SIP call's audio. Asked (`subscribe request`), it adds a listener to
the call: a WebRTC party that receives a copy of both sides (two audio sections, the caller's
and the agent's) and sends nothing, so neither the caller nor the agent hears or notices it.
The browser answers that offer (`subscribe answer`) and the audio flows until it stops
(`unsubscribe`) or the call ends. Hotline does the signalling over its own API: the lead needs
no SIP credential. Who listened, to which call, and when they stopped, are events.
"""

import contextlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core import signing
from django.db.models import QuerySet

from hotline.accounts.choices import Role
from hotline.accounts.models import User
from hotline.audit.models import Event
from hotline.audit.services import event_append
from hotline.calls.choices import CallState
from hotline.calls.conflicts import CallConflict
from hotline.calls.models import Call
from hotline.calls.selectors import reviewable_calls
from hotline.core.i18n import gettext_noop
from hotline.voice.events import ListeningAction, VoiceEntity
from hotline.voice.ng import NgError, ng_calls, ng_command
from hotline.voice.recordings import SIP_PREFIX, sip_external_id

_SALT = "hotline.voice.listening"
# A listening ticket is good for the length of a long call; the call's end ends it anyway.
TICKET_MAX_AGE_S = 4 * 3600
# The offer the browser answers: WebRTC's transport, one port per section, its own mid.
_WEBRTC_OFFER: dict[str, Any] = {
    "ICE": "force",
    "transport_protocol": "UDP/TLS/RTP/SAVPF",
    "rtcp_mux": ["offer", "require"],
    "SDES": ["off"],
}


@dataclass(frozen=True)
class Listening:
    call: Call
    ticket: str  # signed: the call, the listener, its tag (answer and stop with it)
    offers: list[str]  # rtpengine's offers, the caller's side and the agent's, to be answered


def calls_listened_by(user: User) -> QuerySet[Call]:
    """The calls a user may listen to live: a team lead those they may review (their team's
    queues' or members'), the manager and admins any; nobody else."""
    if user.role == Role.TEAM_LEAD:
        return reviewable_calls(user)
    if user.role in (Role.MANAGER, Role.ADMIN):
        return Call.objects.all()
    return Call.objects.none()


def _rtpengine_call_id(external_id: str) -> str | None:
    """The SIP Call-ID rtpengine knows the call by, from the hash the edge made of it."""
    for call_id in ng_calls(settings.HOTLINE_VOICE_RTPENGINE_PORT):
        if sip_external_id(call_id) == external_id:
            return call_id
    return None


def _sides(sip_call_id: str) -> list[str]:
    """rtpengine's tags of the call's two sides, the caller's first (the edge labels them)."""
    reply = ng_command(settings.HOTLINE_VOICE_RTPENGINE_PORT, "query", call_id=sip_call_id)
    tags = reply.get("tags", {})
    order = {"caller": 0, "callee": 1}
    return sorted(
        (tag for tag, side in tags.items() if isinstance(side, dict)),
        key=lambda tag: order.get(str(tags[tag].get("label", "")), 2),
    )[:2]


def listening_start(*, actor: User, now: datetime, call_id: int) -> Listening:
    """Start listening to a call in progress on the SIP edge (DoesNotExist: not one this user
    may listen to; CallConflict: not talking now, or not on the edge; NgError: rtpengine)."""
    call = calls_listened_by(actor).select_related("agent").get(pk=call_id)
    if call.state != CallState.CONNECTED:
        raise CallConflict(call, gettext_noop("Only a call in progress can be listened to."))
    external_id = call.external_id or ""
    found = _rtpengine_call_id(external_id) if external_id.startswith(SIP_PREFIX) else None
    if found is None:
        raise CallConflict(
            call,
            gettext_noop("This call's audio does not go through Hotline's SIP edge."),
        )
    # One subscription a side: the browser then has a track for each, not two streams in one
    # section (rtpengine's sections carry no SSRC a browser could tell them apart by).
    listener, offers = f"listen-{actor.pk}-{secrets.token_hex(6)}", []
    for side, tag in enumerate(_sides(found)):
        reply = ng_command(
            settings.HOTLINE_VOICE_RTPENGINE_PORT,
            "subscribe request",
            call_id=found,
            from_tag=tag,
            to_tag=f"{listener}-{side}",
            **_WEBRTC_OFFER,
        )
        offers.append(str(reply["sdp"]))
    event_append(
        actor=actor,
        now=now,
        entity=VoiceEntity.LISTENING,
        entity_id=call.pk,
        action=ListeningAction.STARTED,
        new={"agent": call.agent_id, "sip": found, "tag": listener, "sides": len(offers)},
    )
    # The Call-ID stays out of the ticket (SIP bounds it not, a ticket is bounded): answer and
    # stop read it from this start's event.
    ticket = signing.dumps(
        {"call": call.pk, "by": actor.pk, "tag": listener, "sides": len(offers)}, salt=_SALT
    )
    return Listening(call=call, ticket=ticket, offers=offers)


def _open(ticket: str, actor: User) -> dict[str, Any]:
    """The ticket's contents, if it is this user's and still good; else DoesNotExist (a ticket
    of someone else's is, to this user, one that does not exist)."""
    try:
        found = signing.loads(ticket, salt=_SALT, max_age=TICKET_MAX_AGE_S)
    except signing.BadSignature:
        raise Call.DoesNotExist from None
    if found.get("by") != actor.pk:
        raise Call.DoesNotExist
    return dict(found)


def _sip_call_id(found: dict[str, Any]) -> str:
    """The SIP Call-ID of the ticket's listening, as its start recorded it."""
    started = (
        _listening_events(found["call"])
        .filter(action=ListeningAction.STARTED, new__tag=found["tag"])
        .values_list("new", flat=True)
        .first()
    )
    if not started:
        raise Call.DoesNotExist
    return str(started["sip"])


def listening_answer(*, actor: User, ticket: str, side: int, sdp: str) -> None:
    """The listener's browser answered rtpengine's offer for one side: its audio flows."""
    found = _open(ticket, actor)
    if side >= int(found["sides"]):
        raise Call.DoesNotExist
    ng_command(
        settings.HOTLINE_VOICE_RTPENGINE_PORT,
        "subscribe answer",
        call_id=_sip_call_id(found),
        to_tag=f"{found['tag']}-{side}",
        sdp=sdp,
        flags=["allow transcoding"],
    )


def _unsubscribe(sip: str, tag: str, sides: int) -> None:
    for side in range(sides):
        try:
            ng_command(
                settings.HOTLINE_VOICE_RTPENGINE_PORT,
                "unsubscribe",
                call_id=sip,
                to_tag=f"{tag}-{side}",
            )
        except NgError:
            # A side never answered has no subscription, a call rtpengine freed none at all.
            continue


def _listening_events(call_id: object) -> QuerySet[Event]:
    return Event.objects.filter(entity=VoiceEntity.LISTENING, entity_id=str(call_id))


def listening_stop(*, actor: User, now: datetime, ticket: str) -> None:
    """Stop listening; once (the call's end may have let the listener go already)."""
    found = _open(ticket, actor)
    let_go = _listening_events(found["call"]).exclude(action=ListeningAction.STARTED)
    if let_go.filter(new__tag=found["tag"]).exists():
        return
    _unsubscribe(_sip_call_id(found), found["tag"], int(found["sides"]))
    event_append(
        actor=actor,
        now=now,
        entity=VoiceEntity.LISTENING,
        entity_id=found["call"],
        action=ListeningAction.STOPPED,
        new={"tag": found["tag"]},
    )


def listeners_let_go(*, call_id: int, now: datetime) -> int:
    """The call ended: everyone still listening to it is let go (a closed browser never said
    stop), and rtpengine is told to free the whole call. Its listeners' parties outlive their
    subscriptions, so the edge's own delete (the caller's side) would leave the call, and its
    recording, open. How many listeners were still there."""
    # Every listening event carries its tag (`new`); the start, rtpengine's ids as well. A call
    # never listened to costs this one read (the events' entity index), nothing more.
    events: list[tuple[str, dict[str, Any]]] = [
        (action, new or {})
        for action, new in _listening_events(call_id).values_list("action", "new")
    ]
    if not events:
        return 0
    done = {new.get("tag") for action, new in events if action != ListeningAction.STARTED}
    still = [
        new
        for action, new in events
        if action == ListeningAction.STARTED and new["tag"] not in done
    ]
    for new in still:
        event_append(
            actor=None,
            now=now,
            entity=VoiceEntity.LISTENING,
            entity_id=call_id,
            action=ListeningAction.ENDED,
            new={"tag": new["tag"]},
        )
    sip = next(new["sip"] for action, new in events if action == ListeningAction.STARTED)
    with contextlib.suppress(NgError):  # rtpengine freed it already (it was down, or restarted)
        ng_command(settings.HOTLINE_VOICE_RTPENGINE_PORT, "delete", call_id=sip)
    return len(still)
