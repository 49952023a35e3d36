"""The agent's wrap-up of a call: how it ended (a code from a fixed set) and a short note."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from hotline.accounts.models import User
from hotline.audit.services import event_append
from hotline.calls.choices import CallState, WrapUpCode
from hotline.calls.conflicts import CallConflict
from hotline.calls.events import CallAction, CallsEntity
from hotline.calls.models import WRAP_UP_NOTE_LENGTH, Call
from hotline.calls.services.floor import lock_call
from hotline.core.i18n import gettext_noop
from hotline.core.refusal import PolicyRefusal

# The wrap-up is written once the talk is over: in the wrap-up time, or after it ran out (the
# desk shows it in the wrap-up; the API takes it later too, for the agent's own calls).
WRAP_UP_CALL_STATES = (CallState.WRAP_UP, CallState.ENDED)


def call_wrap_up_record(*, actor: User, now: datetime, call_id: int, code: str, note: str) -> Call:
    """The agent records how their call ended. Bad input is a ValidationError before anything
    is read or locked; another agent's call is refused (B10), a call still talking or never
    answered is a conflict of its state."""
    if code not in WrapUpCode.values:
        raise ValidationError(gettext("Choose how the call ended from the list."), code="code")
    note = note.strip()
    if len(note) > WRAP_UP_NOTE_LENGTH:
        raise ValidationError(
            gettext("The note is too long: at most %(max)s characters.")
            % {"max": WRAP_UP_NOTE_LENGTH},
            code="note",
        )
    with transaction.atomic():
        call = lock_call(call_id)
        if call.agent_id != actor.pk:
            raise PolicyRefusal("B10", gettext_noop("This is another agent's call."))
        if call.state not in WRAP_UP_CALL_STATES or call.answered_at is None:
            raise CallConflict(
                call, gettext_noop("The call is %(state)s: its wrap-up comes after the talk.")
            )
        old = {"code": call.wrap_up_code, "note": call.wrap_up_note}
        call.wrap_up_code, call.wrap_up_note = code, note
        call.save(update_fields=["wrap_up_code", "wrap_up_note"])
        event_append(
            actor=actor,
            now=now,
            entity=CallsEntity.CALL,
            entity_id=call.pk,
            action=CallAction.WRAP_UP_RECORDED,
            old=old,
            new={"code": code, "note": note},
        )
    return call
