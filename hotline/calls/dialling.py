"""Numbers the desk's phone may dial, and whether the desk offers to (README, Voice (SIP)):
the desk draws the Call buttons; the SIP edge (hotline/voice/outbound.py) decides each dial."""

import re

from django.conf import settings

# What the edge lets a phone dial: digits and a leading + (the INVITE's user part).
DIALLED_NUMBER = r"^\+?[0-9]{1,31}$"


def desk_dialling() -> str:
    """What the desk offers for a callback's number: "on", a Call button (its softphone dials
    through the trunk); "off", a softphone but no trunk (the desk says to dial elsewhere); "",
    no softphone (the desk as before)."""
    if not settings.HOTLINE_VOICE_WS_URL:
        return ""
    return "on" if settings.HOTLINE_VOICE_TRUNK_URI else "off"


def requested_dial(raw: str) -> str:
    """The number a page asks the desk's phone to dial (`?dial=`), if it is one, else ""."""
    number = dial_number(raw[:64])
    return number if re.fullmatch(DIALLED_NUMBER, number) else ""


def dial_number(written: str) -> str:
    """A number as a phone dials it: digits and a leading +, without spaces, dashes, brackets."""
    return re.sub(r"[\s().-]", "", written)
