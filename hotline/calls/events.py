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
    ALERT = "calls.alert"
    QUEUE = "calls.queue"


class CallAction(StrEnum):
    ARRIVED = "arrived"  # new: QUEUE, customer, priority
    OFFERED = "offered"  # new: AGENT (the desk rung), candidates, OFFER (B9)
    OFFER_EXPIRED = "offer_expired"  # new: AGENT, OFFER
    OFFER_DECLINED = "offer_declined"  # new: AGENT, OFFER
    ANSWERED = "answered"  # new: AGENT (who keeps the A3 credit), callback
    ENDED = "ended"  # new: TALK_SECONDS (A1 long calls), EXTERNAL_ID
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
    HELD = "held"  # the line was put on hold (SIP re-INVITE, or the PBX said so); new: AGENT
    RESUMED = "resumed"  # off hold; new: AGENT, HELD_SECONDS (this hold's length)


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
    LEAVE_REFUSED = "leave_refused"  # B2-B6, new: the leave kind; old: REFUSAL_MESSAGE/PARAMS
    LEAVE_OVERRIDDEN = "leave_overridden"  # B5 override by the team lead
    LOG_OUT_OVERRIDDEN = "log_out_overridden"
    BREAK_OVERRUN = "break_overrun"  # B2


class ReviewAction(StrEnum):
    REVIEWED = "reviewed"  # B11, new: call, AGENT, marks, met, not_met, SCORE, CONDUCT_BREACH


class AlertAction(StrEnum):
    ACKNOWLEDGED = "acknowledged"  # old: None; new: AGENT (whom it named), kind, raised_at
    # The SIP edge's alerts (phone offline, edge down) are events of their own (the others are
    # the events of what they warn of): new: AGENT (or none), kind, team, and why.
    RAISED = "raised"
    CLEARED = "cleared"  # what it warned of is over; new: AGENT, kind


# Payload keys the readers rely on (the `new` of the events noted above).
QUEUE = "queue"  # the queue id: the KPIs per queue (calls.figures), A2 legs
AGENT = "agent"  # a user id: A3 credit (answered), the desk to ring (CTI), reviews per agent
TO = "to"  # a user id: the colleague a transfer goes to (CTI)
OFFER = "offer"  # an Offer id (CTI `offer_id`)
HELD_SECONDS = "held_seconds"  # resumed: how long this hold lasted
TALK_SECONDS = "talk_seconds"  # ended: the talk time, A1 long calls (calls.limits)
# ended: the PBX's id of the call (None: none), so that what the end means to the PBX side
# (the SIP edge's recording, its live listeners) is known without asking the database.
EXTERNAL_ID = "external_id"
LATE_SECONDS = "late_seconds"  # first_ready: B1 lateness (0 when on time)
REFUSAL_MESSAGE = "message"  # leave_refused (old): the refusal's msgid, for the desk (B5)
REFUSAL_PARAMS = "params"  # leave_refused (old): its parameters
LEAD_WAS = "lead_was"  # taken_over: the lead's state before, to go back to it (B10)
SCORE = "score"  # reviewed: the B11 score
CONDUCT_BREACH = "conduct_breach"  # reviewed: a B11 conduct breach


class QueueAction(StrEnum):
    CREATED = "created"  # new: {"code", "name", "team"} (the setup page, issue 20)


ACTIONS: dict[CallsEntity, type[StrEnum]] = {
    CallsEntity.CALL: CallAction,
    CallsEntity.CALLBACK: CallbackAction,
    CallsEntity.AGENT: AgentAction,
    CallsEntity.REVIEW: ReviewAction,
    CallsEntity.ALERT: AlertAction,
    CallsEntity.QUEUE: QueueAction,
}


# --- the event log's sentences (hotline.audit.sentences), registered from ready() ---


def _queue_names(ids: set[int]) -> dict[int, str]:
    from hotline.calls.models import Queue

    return dict(Queue.objects.filter(pk__in=ids).values_list("pk", "name"))


def register_sentences() -> None:
    from django.utils.translation import gettext_lazy as _

    from hotline.audit.sentences import describe, entity_words, named_key, people_keys
    from hotline.calls.choices import (
        AgentStateChoices,
        AlertKind,
        CallbackFailure,
        CallbackState,
        CallState,
        WrapUpCode,
    )
    from hotline.core.agent_states import AgentEvent

    people_keys(AGENT, TO)
    named_key(QUEUE, _queue_names)
    entity_words(
        CallsEntity.CALL,
        _("call"),
        states={"state": CallState, "code": WrapUpCode},
        filter="call",
    )
    entity_words(CallsEntity.ALERT, _("alert"), states={"kind": AlertKind})
    entity_words(
        CallsEntity.CALLBACK,
        _("callback"),
        states={"state": CallbackState, "failure": CallbackFailure},
    )
    entity_words(CallsEntity.AGENT, _("agent"), person=True, states={"": AgentStateChoices})
    entity_words(CallsEntity.REVIEW, _("call review"))
    entity_words(CallsEntity.QUEUE, _("queue"))
    describe(
        CallsEntity.QUEUE,
        QueueAction.CREATED,
        _("%(actor)s set up the queue %(name)s (%(code)s) for the team %(team)s"),
    )
    call, callback, agent = CallsEntity.CALL, CallsEntity.CALLBACK, CallsEntity.AGENT
    for entity, action, template in (
        (call, CallAction.ARRIVED, _("Call %(id)s arrived in queue %(queue)s")),
        (call, CallAction.OFFERED, _("Routing offered call %(id)s to %(agent)s")),
        (call, CallAction.OFFER_EXPIRED, _("%(agent)s did not answer call %(id)s in time")),
        (call, CallAction.OFFER_DECLINED, _("%(agent)s declined call %(id)s")),
        (call, CallAction.ANSWERED, _("%(actor)s answered call %(id)s")),
        (call, CallAction.ENDED, _("Call %(id)s ended after %(talk_seconds)s of talk")),
        (call, CallAction.WRAPPED_UP, _("%(actor)s finished the wrap-up of call %(id)s")),
        (
            call,
            CallAction.ABANDONED,
            _("The caller hung up call %(id)s after %(waited_seconds)s"),
        ),
        (call, CallAction.CALLBACK_OFFERED, _("The caller of call %(id)s was offered a callback")),
        (call, CallAction.OVERFLOWED, _("Call %(id)s overflowed to queue %(queue)s")),
        (call, CallAction.TURNED_INTO_CALLBACK, _("Call %(id)s was turned into a callback")),
        (call, CallAction.TALK_WARNING, _("Call %(id)s is nearing its maximum length")),
        (call, CallAction.TALK_OVER, _("Call %(id)s is over its maximum length")),
        (call, CallAction.TRANSFER_REQUESTED, _("%(actor)s asked %(to)s to take call %(id)s")),
        (call, CallAction.TRANSFERRED, _("%(actor)s took over call %(id)s from a colleague")),
        (call, CallAction.TRANSFER_DECLINED, _("%(to)s declined the transfer of call %(id)s")),
        (call, CallAction.TRANSFER_EXPIRED, _("%(to)s did not answer the transfer of call %(id)s")),
        (
            call,
            CallAction.TRANSFER_WITHDRAWN,
            _("The transfer of call %(id)s to %(to)s was withdrawn"),
        ),
        (call, CallAction.TAKEN_OVER, _("%(actor)s took over call %(id)s")),
        (call, CallAction.HELD, _("Call %(id)s of %(agent)s was put on hold")),
        (
            call,
            CallAction.RESUMED,
            _("Call %(id)s of %(agent)s was taken off hold after %(held_seconds)s"),
        ),
        (CallsEntity.ALERT, AlertAction.RAISED, _("Alert raised: %(kind)s")),
        (CallsEntity.ALERT, AlertAction.CLEARED, _("Alert cleared: %(kind)s")),
        (
            call,
            CallAction.WRAP_UP_RECORDED,
            _("%(actor)s wrapped up call %(id)s as: %(code)s"),
        ),
        (
            CallsEntity.ALERT,
            AlertAction.ACKNOWLEDGED,
            _("%(actor)s acknowledged the alert about %(agent)s: %(kind)s"),
        ),
        (
            callback,
            CallbackAction.SCHEDULED,
            _("Callback %(id)s scheduled from %(window_start)s to %(window_end)s"),
        ),
        (callback, CallbackAction.OFFERED, _("Routing offered callback %(id)s to %(agent)s")),
        (
            callback,
            CallbackAction.OFFER_EXPIRED,
            _("%(agent)s did not answer callback %(id)s in time"),
        ),
        (callback, CallbackAction.OFFER_DECLINED, _("%(agent)s declined callback %(id)s")),
        (callback, CallbackAction.COMPLETED, _("%(actor)s completed callback %(id)s")),
        (
            callback,
            CallbackAction.RESCHEDULED,
            _("%(actor)s rescheduled callback %(id)s to %(retry_at)s"),
        ),
        (callback, CallbackAction.FAILED, _("Callback %(id)s failed: %(failure)s")),
        (callback, CallbackAction.MISSED, _("Callback %(id)s was not dialled in its window")),
        (
            agent,
            AgentAction.FIRST_READY,
            _("%(person)s was first ready: shift from %(shift_start)s, late by %(late_seconds)s"),
        ),
        (
            agent,
            AgentAction.LEAVE_AFTER_CALL,
            _("%(person)s asked for %(new)s after the current call"),
        ),
        (agent, AgentAction.LEAVE_REFUSED, _("%(person)s was refused %(new)s")),
        (agent, AgentAction.LEAVE_OVERRIDDEN, _("%(actor)s let %(person)s go: %(new)s")),
        (agent, AgentAction.LOG_OUT_OVERRIDDEN, _("%(actor)s logged %(person)s out")),
        (agent, AgentAction.BREAK_OVERRUN, _("%(person)s has overrun the break")),
        (agent, AgentEvent.LOG_IN, _("%(person)s logged in to the floor (%(new)s)")),
        (agent, AgentEvent.LOG_OUT, _("%(person)s logged out of the floor")),
        (agent, AgentEvent.MAKE_READY, _("%(person)s became ready (was: %(old)s)")),
        (agent, AgentEvent.OFFER, _("A call rings on the desk of %(person)s")),
        (agent, AgentEvent.ACCEPT, _("%(person)s accepted the offered call")),
        (agent, AgentEvent.DECLINE, _("%(person)s declined the offered call (now: %(new)s)")),
        (
            agent,
            AgentEvent.OFFER_TIMEOUT,
            _("%(person)s did not answer the offered call (now: %(new)s)"),
        ),
        (agent, AgentEvent.CALL_END, _("The call of %(person)s ended: wrap-up")),
        (agent, AgentEvent.TRANSFER_OUT, _("%(person)s handed the call to a colleague: wrap-up")),
        (agent, AgentEvent.WRAP_END, _("%(person)s finished the wrap-up: %(new)s")),
        (agent, AgentEvent.START_BREAK, _("%(person)s went on a break (was: %(old)s)")),
        (agent, AgentEvent.START_LUNCH, _("%(person)s went to lunch (was: %(old)s)")),
        (agent, AgentEvent.START_PERSONAL, _("%(person)s took personal time (was: %(old)s)")),
        (agent, AgentEvent.GO_AWAY, _("%(person)s became not ready (was: %(old)s)")),
        (
            CallsEntity.REVIEW,
            ReviewAction.REVIEWED,
            _("%(actor)s reviewed call #%(call)s of %(agent)s: score %(score)s"),
        ),
    ):
        describe(entity, action, template)
