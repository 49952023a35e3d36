"""The desk's screen pop and wrap-up read what they show themselves, so the desk's panel view
(calls/views.py) passes them nothing but the offer and the call."""

from typing import Any

from django import template

from hotline.accounts.choices import Role
from hotline.accounts.models import User
from hotline.calls.choices import CallState, WrapUpCode
from hotline.calls.models import WRAP_UP_NOTE_LENGTH, Call
from hotline.calls.screen_pop import OpenCase, ScreenPop, call_cases, screen_pop
from hotline.directory.models import Customer

register = template.Library()

# While these, the agent may link the call to a case or open one for it.
CASE_WORK_STATES = (CallState.CONNECTED, CallState.WRAP_UP)


@register.simple_tag
def caller_pop(call: Call | None, number: str = "", customer: Customer | None = None) -> ScreenPop:
    """The screen pop of a call (ringing or answered), or of a callback's number and customer."""
    if call is not None:
        return screen_pop(number=call.caller_number, customer=call.customer, call_id=call.pk)
    return screen_pop(number=number, customer=customer, call_id=None)


@register.simple_tag
def wrap_up_form(call: Call) -> dict[str, Any]:
    """The wrap-up's choices, the cases of the call, and the code the call suggests."""
    cases = call_cases([call.pk]).get(call.pk, [])
    suggested = call.wrap_up_code
    if not suggested and cases:
        suggested = WrapUpCode.CASE_OPENED
    return {
        "codes": WrapUpCode.choices,
        "code": suggested,
        "cases": cases,
        "note_max": WRAP_UP_NOTE_LENGTH,
    }


@register.filter
def case_work(call: Call | None) -> bool:
    return call is not None and call.state in CASE_WORK_STATES


@register.filter
def openable(case: OpenCase, user: User) -> bool:
    """Whether the desk links the case's page: a team lead opens every case, an agent their own
    (D11; the cases' pages decide, this only spares the agent a link that would be a 404)."""
    return user.role != Role.AGENT or case.owner_id == user.pk
