"""The floor's event vocabulary: what the audit log calls its entities and actions (A1-A4, B1-B11).

The strings are stored in `audit.Event` rows and read back by the KPIs (`calls.figures`), the
reports, the desk and wallboard, and the CTI push (`calls.tasks`): they never change (old events
must stay readable). A StrEnum member *is* its string, so writing or filtering with a member
stores and matches exactly the text below.

An agent's state transitions are written under `CallsEntity.AGENT` with the state machine's own
names (`hotline.core.agent_states.AgentEvent`); `AgentAction` holds the other agent events.
"""

from enum import StrEnum


class CallsEntity(StrEnum):
    CALL = "calls.call"
    CALLBACK = "calls.callback"
    AGENT = "calls.agent"
    REVIEW = "calls.review"


class CallAction(StrEnum):
    ARRIVED = "arrived"  # new: QUEUE, customer, priority
    OFFERED = "offered"  # new: AGENT (the desk rung), candidates, OFFER (B9)
    OFFER_EXPIRED = "offer_expired"  # new: AGENT, OFFER
    OFFER_DECLINED = "offer_declined"  # new: AGENT, OFFER
    ANSWERED = "answered"  # new: AGENT (who keeps the A3 credit), callback
    ENDED = "ended"  # new: TALK_SECONDS (A1 long calls)
    WRAPPED_UP = "wrapped_up"
    WRAP_UP_RECORDED = "wrap_up_recorded"  # old/new: code, note (the agent's wrap-up)
    ABANDONED = "abandoned"  # new: waited_seconds
    CALLBACK_OFFERED = "callback_offered"  # A2: the PBX plays the caller the offer
    OVERFLOWED = "overflowed"  # A2, new: QUEUE (the queue it waits in from now on), breach
    TURNED_INTO_CALLBACK = "turned_into_callback"  # A2, new: QUEUE, breach, or: callback
    TALK_WARNING = "talk_warning"  # A1: nearing the limit
    TALK_OVER = "talk_over"  # A1: over the limit
    TRANSFER_REQUESTED = "transfer_requested"  # A4, new: TO
    TRANSFERRED = "transferred"  # A4, old/new: the agent who had / has the call (an id)
    TRANSFER_DECLINED = "transfer_declined"  # A4, new: TO
    TRANSFER_EXPIRED = "transfer_expired"  # A4, new: TO
    TRANSFER_WITHDRAWN = "transfer_withdrawn"  # A4, new: TO
    TAKEN_OVER = "taken_over"  # B10, old: the agent (an id); new: AGENT (the lead), LEAD_WAS


class CallbackAction(StrEnum):
    SCHEDULED = "scheduled"  # new: window_start, window_end, call
    OFFERED = "offered"  # as CallAction.OFFERED
    OFFER_EXPIRED = "offer_expired"
    OFFER_DECLINED = "offer_declined"
    COMPLETED = "completed"  # B8
    RESCHEDULED = "rescheduled"  # B8, new: retry_at
    FAILED = "failed"  # B8
    MISSED = "missed"  # B8: its window passed undialled


class AgentAction(StrEnum):
    FIRST_READY = "first_ready"  # B1, new: shift_start, ready_by, LATE_SECONDS
    LEAVE_AFTER_CALL = "leave_after_call"  # B5, new: the leave kind
    LEAVE_REFUSED = "leave_refused"  # B5, new: the leave kind
    LEAVE_OVERRIDDEN = "leave_overridden"  # B5 override by the team lead
    LOG_OUT_OVERRIDDEN = "log_out_overridden"
    BREAK_OVERRUN = "break_overrun"  # B2


class ReviewAction(StrEnum):
    REVIEWED = "reviewed"  # B11, new: call, AGENT, marks, met, not_met, SCORE, CONDUCT_BREACH


# Payload keys the readers rely on (the `new` of the events noted above).
QUEUE = "queue"  # the queue id: the KPIs per queue (calls.figures), A2 legs
AGENT = "agent"  # a user id: A3 credit (answered), the desk to ring (CTI), reviews per agent
TO = "to"  # a user id: the colleague a transfer goes to (CTI)
OFFER = "offer"  # an Offer id (CTI `offer_id`)
TALK_SECONDS = "talk_seconds"  # ended: the talk time, A1 long calls (calls.limits)
LATE_SECONDS = "late_seconds"  # first_ready: B1 lateness (0 when on time)
LEAD_WAS = "lead_was"  # taken_over: the lead's state before, to go back to it (B10)
SCORE = "score"  # reviewed: the B11 score
CONDUCT_BREACH = "conduct_breach"  # reviewed: a B11 conduct breach

ACTIONS: dict[CallsEntity, type[StrEnum]] = {
    CallsEntity.CALL: CallAction,
    CallsEntity.CALLBACK: CallbackAction,
    CallsEntity.AGENT: AgentAction,
    CallsEntity.REVIEW: ReviewAction,
}
