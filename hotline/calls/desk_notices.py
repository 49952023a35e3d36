"""What the desk must tell the agent that was decided without them, kept on screen until they
dismiss it: a break asked during a call (B5) and refused when the wrap-up ended (B3, B4, B6).

The refusal is in the audit log (the system refused it, no actor); the desk reads it back, in
the agent's language. Which ones the agent dismissed is kept in their browser session."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.sessions.backends.base import SessionBase
from django.utils.translation import gettext

from hotline.accounts.models import User
from hotline.audit.models import Event
from hotline.calls.choices import LEAVE_CHOICES
from hotline.calls.events import REFUSAL_MESSAGE, REFUSAL_PARAMS, AgentAction, CallsEntity
from hotline.core.refusal import PolicyRefusal
from hotline.i18n import refusal_text

DISMISSED_KEY = "desk_dismissed_refusal"  # the newest such event the agent dismissed


@dataclass(frozen=True)
class DeskNotice:
    event_id: int
    rule: str
    at: datetime
    text: str  # what was refused and why, in the reader's language


def refused_after_call(
    agent: User, since: datetime, session: SessionBase | None = None
) -> DeskNotice | None:
    """The newest leave the floor refused on its own (at the wrap-up's end) since `since` (the
    local day's start), unless the agent dismissed it on the page (`session`; the API has none
    and always tells the day's newest)."""
    dismissed = session.get(DISMISSED_KEY, 0) if session is not None else 0
    event = (
        Event.objects.filter(
            entity=CallsEntity.AGENT,
            entity_id=str(agent.pk),
            action=AgentAction.LEAVE_REFUSED,
            actor__isnull=True,
            at__gte=since,
            pk__gt=dismissed if isinstance(dismissed, int) else 0,
        )
        .order_by("-pk")
        .first()
    )
    if event is None:
        return None
    return DeskNotice(event_id=event.pk, rule=event.rule, at=event.at, text=_why(event))


def _why(event: Event) -> str:
    kinds = dict(LEAVE_CHOICES)
    kind = str(kinds.get(str(event.new), event.new))
    stored = event.old if isinstance(event.old, dict) else {}
    message = stored.get(REFUSAL_MESSAGE)
    why = (
        refusal_text(PolicyRefusal(event.rule, message, stored.get(REFUSAL_PARAMS)))
        if isinstance(message, str) and event.rule
        else event.reason  # an older event: the words the log kept
    )
    return gettext(
        "%(kind)s, asked during the call, did not start when your wrap-up ended: %(why)s"
    ) % {"kind": kind, "why": why}


def dismiss(session: SessionBase, event_id: int) -> None:
    """The agent read the notice: it stays off their desk (newer ones still show)."""
    if event_id > session.get(DISMISSED_KEY, 0):
        session[DISMISSED_KEY] = event_id
