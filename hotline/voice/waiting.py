"""What the SIP edge plays to a caller who waits (README, Voice (SIP)), and the caller's
answer to A2's callback offer by DTMF.

Each answer to the edge's routing question says which announcement the caller should be
hearing now (the welcome, A2's expected wait with the callback offer, the overflow notice, the
callback made, goodbye) with its file and length, and the hold music that follows it. The
edge plays an announcement once, when it differs from the last one it played, then the music.
"""

import math
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from django.conf import settings

from hotline.calls.choices import CallState
from hotline.calls.conflicts import CallConflict
from hotline.calls.models import Call
from hotline.calls.services.cti import cti_call_to_callback
from hotline.calls.services.waiting import AUTOMATIC_CALLBACK_WINDOW, queue_expected_waits
from hotline.voice.prompts import HOLD_MUSIC, duration_ms, prompt_file, wait_prompt

# The key that accepts A2's callback offer.
ACCEPT_CALLBACK = "1"


# The caller hung up, or talks to an agent (or did).
_NOTHING_TO_PLAY = (CallState.ABANDONED, CallState.CONNECTED, CallState.WRAP_UP, CallState.ENDED)


class Announcement(StrEnum):
    WELCOME = "welcome"  # please hold
    CALLBACK_OFFER = "callback_offer"  # A2: the expected wait; press 1 for a callback
    EXPECTED_WAIT = "expected_wait"  # A2 for a withheld number: the wait, no offer
    OVERFLOW = "overflow"  # A2: passed to the overflow queue
    CALLBACK_MADE = "callback_made"  # we will call you back (then the edge lets go)
    GOODBYE = "goodbye"  # released with nothing to promise


@dataclass(frozen=True)
class Heard:
    announce: Announcement
    file: str  # empty: no prompt file (prompts not generated)
    duration_ms: int
    wait_minutes: int | None  # the expected wait announced (A2), rounded up
    hold_music: str  # empty: none
    callback_by_dtmf: bool  # pressing 1 now makes the call a callback


def caller_language(call: Call) -> str:
    """The language the caller hears: the identified customer's, else the centre's default
    (settings.LANGUAGE_CODE): queues have no language of their own."""
    customer = call.customer
    return customer.language if customer is not None else settings.LANGUAGE_CODE


def what_the_caller_hears(call: Call) -> Heard | None:
    """The announcement for the call as the floor has it now; None: nothing to play (the
    caller hung up, or the call is answered)."""
    wait_minutes = None
    if call.state in (CallState.WAITING, CallState.OFFERED):
        announce = _while_waiting(call)
        if announce in (Announcement.CALLBACK_OFFER, Announcement.EXPECTED_WAIT):
            wait_minutes = _expected_minutes(call)
    elif call.state == CallState.CALLBACK:
        announce = Announcement.CALLBACK_MADE if call.caller_number else Announcement.GOODBYE
    elif call.state in _NOTHING_TO_PLAY:
        return None
    else:
        announce = Announcement.GOODBYE
    name = (
        wait_prompt(wait_minutes, callback=announce is Announcement.CALLBACK_OFFER)
        if wait_minutes is not None
        else announce.value
    )
    where = {"queue": call.queue.code, "language": caller_language(call)}
    path = prompt_file(settings.HOTLINE_VOICE_PROMPTS_DIR, name=name, **where)
    music = prompt_file(settings.HOTLINE_VOICE_PROMPTS_DIR, name=HOLD_MUSIC, **where)
    return Heard(
        announce=announce,
        file=str(path or ""),
        duration_ms=duration_ms(path) if path else 0,
        wait_minutes=wait_minutes,
        hold_music=str(music or ""),
        callback_by_dtmf=announce is Announcement.CALLBACK_OFFER
        and call.state == CallState.WAITING,
    )


def _while_waiting(call: Call) -> Announcement:
    """The latest of what A2 did to the call: offered a callback, or overflowed it."""
    offered, overflowed = call.callback_offered_at, call.overflowed_at
    if offered is not None and (overflowed is None or offered >= overflowed):
        return Announcement.CALLBACK_OFFER if call.caller_number else Announcement.EXPECTED_WAIT
    if overflowed is not None:
        return Announcement.OVERFLOW
    return Announcement.WELCOME


def _expected_minutes(call: Call) -> int:
    remaining = queue_expected_waits(call.queue).get(call.pk)
    if remaining is None:  # being offered to an agent: about to be answered
        return 1
    return max(1, math.ceil(remaining.total_seconds() / 60))


def caller_pressed(*, now: datetime, call: Call, digit: str) -> bool:
    """A key the waiting caller pressed (DTMF, reported by the edge). 1 after A2's callback
    offer makes the call a callback to the caller's number, through the service the CTI API
    uses (B8), due now for the same window as A2's own callbacks. Any other key, a key before
    the offer, or from a withheld number (nothing to call back) changes nothing. Whether the
    call became a callback."""
    call = Call.objects.select_related("queue").get(pk=call.pk)
    if digit != ACCEPT_CALLBACK:
        return False
    if call.state != CallState.WAITING or call.callback_offered_at is None:
        return False  # too early, or answered, or a callback already (the key repeated)
    if not call.caller_number:
        return False
    try:
        cti_call_to_callback(
            now=now, call_id=call.pk, window_start=now, window_end=now + AUTOMATIC_CALLBACK_WINDOW
        )
    except CallConflict:  # offered to an agent meanwhile: the caller is about to be answered
        return False
    return True
