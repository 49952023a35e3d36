from django.db import models
from django.utils.translation import gettext_lazy as _


class AgentStateChoices(models.TextChoices):
    """Labels of hotline.core.agent_states.AgentState (a test keeps the two in step)."""

    LOGGED_OUT = "logged_out", _("Logged out")
    READY = "ready", _("Ready")
    OFFERED = "offered", _("Ringing")
    ON_CALL = "on_call", _("On a call")
    WRAP_UP = "wrap_up", _("Wrap-up")
    BREAK = "break", _("On break")
    LUNCH = "lunch", _("At lunch")
    PERSONAL = "personal", _("Personal time")
    AWAY = "away", _("Not ready")


# Not a state of the agent state machine: an agent "on a call" whose line is on hold (the
# desk and the wallboard show it so; the talk goes on counting, A1).
ON_HOLD_LABEL = _("On hold")


class CallState(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    OFFERED = "offered", _("Ringing")
    CONNECTED = "connected", _("Connected")
    WRAP_UP = "wrap_up", _("Wrap-up")
    ENDED = "ended", _("Ended")
    ABANDONED = "abandoned", _("Abandoned")
    OVERFLOWED = "overflowed", _("Overflowed")
    CALLBACK = "callback", _("Turned into a callback")


class WrapUpCode(models.TextChoices):
    """How a call ended, recorded in its wrap-up (what the daily work of the desk counts)."""

    RESOLVED = "resolved", _("Solved on the call")
    CASE_OPENED = "case_opened", _("Case opened")
    CASE_UPDATED = "case_updated", _("Earlier case updated")
    INFO_GIVEN = "info_given", _("Information given")
    CALLBACK_PROMISED = "callback_promised", _("Callback promised")
    WRONG_NUMBER = "wrong_number", _("Wrong number")


WAITING_CALL_STATES = (CallState.WAITING, CallState.OFFERED)
LIVE_CALL_STATES = (CallState.OFFERED, CallState.CONNECTED, CallState.WRAP_UP)


class CallbackState(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    OFFERED = "offered", _("Ringing")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class CallbackFailure(models.TextChoices):
    """Why a callback ended without reaching the customer (B8): the agent says, after dialling;
    the floor says `window_passed` when nobody dialled it in its window."""

    NO_ANSWER = "no_answer", _("No answer")
    BUSY = "busy", _("Line busy")
    WRONG_NUMBER = "wrong_number", _("Wrong number")
    VOICEMAIL = "voicemail", _("Voicemail only")
    REFUSED = "refused", _("The customer no longer wanted it")
    WINDOW_PASSED = "window_passed", _("Not dialled in its window")


class OfferOutcome(models.TextChoices):
    PENDING = "pending", _("Ringing")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("Not answered")
    WITHDRAWN = "withdrawn", _("Withdrawn")  # the caller hung up while it rang


class TransferOutcome(models.TextChoices):
    PENDING = "pending", _("Waiting for the colleague")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("Not answered")
    WITHDRAWN = "withdrawn", _("Withdrawn")  # the call ended or changed hands while it rang


class LeaveState(models.TextChoices):
    AFTER_CALL = "after_call", _("Starts after the call")
    ACTIVE = "active", _("On it")
    ENDED = "ended", _("Ended")
    REFUSED = "refused", _("Refused")
    CANCELLED = "cancelled", _("Cancelled")


class AlertKind(models.TextChoices):
    TALK_WARNING = "talk_warning", _("Call nearing its maximum length")
    TALK_OVER = "talk_over", _("Call over its maximum length")
    WAIT_BREACH = "wait_breach", _("Caller waited past the maximum")
    BREAK_OVERRUN = "break_overrun", _("Break over its allowed length")
    OVERRIDE = "override", _("Rule overridden by the team lead")
    CALLBACK_MISSED = "callback_missed", _("Callback not dialled in its window")
    PHONE_OFFLINE = "phone_offline", _("Agent's phone offline")
    EDGE_DOWN = "edge_down", _("SIP edge down")


class StateReason(models.TextChoices):
    """Why the floor moved an agent, kept with the agent's state (AgentSession.reason) and in
    the event log as these codes: pages show the label. A team lead's override keeps the
    reason the lead typed, and a leave its kind (LEAVE_CHOICES)."""

    MISSED_CALL = "missed call", _("missed a call")
    DECLINED_CALL = "declined call", _("declined a call")
    CALLER_HUNG_UP = "caller hung up", _("the caller hung up")
    TRANSFER = "transfer", _("a colleague's transfer")
    CALL_ENDED = "call ended", _("the call ended")
    CALL_TAKEN_OVER = "call taken over", _("the call was taken over")
    TAKE_OVER_DONE = "take-over done", _("back after a take-over")


def state_reason_label(reason: str) -> str:
    """An agent's state reason in the active language: the floor's own reasons and the leave
    kinds by their labels, a reason a team lead typed as it was typed."""
    if reason in StateReason.values:
        return str(StateReason(reason).label)
    leaves = dict(LEAVE_CHOICES)
    return str(leaves[reason]) if reason in leaves else reason


LEAVE_CHOICES = [
    ("break", _("Break")),
    ("lunch", _("Lunch")),
    ("personal", _("Personal time")),
    ("away", _("Away")),
]
AFTER_CALL_CHOICES = [
    ("break", _("Break after this call")),
    ("lunch", _("Lunch after this call")),
]
