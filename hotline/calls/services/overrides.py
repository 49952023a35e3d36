"""A team lead sets a refusal aside (B2, B3, B4, B6): with a reason, audited per rule.

"Enforce" in the rulebook means refused unless a user with the right role overrides it. Here
that user is the agent's team lead, and the override names exactly the rules that refuse the
move now, one event and one alert each. B5 is never overridden: no one is sent away from a call
in progress. An override with nothing to set aside, or naming a rule that does not refuse, is
refused: it would audit something that did not happen.
"""

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from hotline.accounts.choices import Role
from hotline.accounts.models import User
from hotline.audit.services import event_append
from hotline.calls.choices import AlertKind, LeaveState
from hotline.calls.events import AgentAction, CallsEntity
from hotline.calls.models import AgentSession, Alert, BreakRequest
from hotline.calls.services.agents import end_active_leave, leave_inputs
from hotline.calls.services.floor import lock_team, locked_session, move_agent
from hotline.core.agent_states import BUSY_STATES, AgentEvent, leave_event
from hotline.core.breaks import LeaveKind, leave_refusals
from hotline.core.i18n import gettext_noop
from hotline.core.refusal import PolicyRefusal


@dataclass(frozen=True)
class LeaveOverride:
    leave: BreakRequest
    rules: list[str]  # the rules set aside, in the order they are checked


@transaction.atomic
def agent_leave_override(
    *,
    actor: User,
    now: datetime,
    agent: User,
    kind: LeaveKind,
    reason: str,
    rule: str | None = None,
) -> LeaveOverride:
    """A team lead lets an agent leave despite a refusal: needs a reason, audited as an override
    of each rule that refuses the leave now (B2, B3, B4, B6; `rule`, if given, must be one of
    them). B5 is never overridden: an agent on a call finishes it first."""
    session, overridden = _overridable(actor, now, agent, kind, reason, rule)
    move_agent(
        session, leave_event(kind.state), actor=actor, now=now, reason=reason, rule=overridden[0]
    )
    _audit(
        actor, now, agent, overridden, action=AgentAction.LEAVE_OVERRIDDEN, kind=kind, reason=reason
    )
    leave = BreakRequest.objects.create(
        agent=agent, kind=kind, requested_at=now, started_at=now, state=LeaveState.ACTIVE
    )
    return LeaveOverride(leave, overridden)


@transaction.atomic
def agent_log_out_override(
    *, actor: User, now: datetime, agent: User, reason: str, rule: str | None = None
) -> tuple[AgentSession, list[str]]:
    """A team lead lets an agent log out despite B6 (the last one of the queue, or callers
    waiting): at the end of a shift, or when the agent must go. Audited like a leave override;
    the session and the rules set aside."""
    session, overridden = _overridable(actor, now, agent, LeaveKind.AWAY, reason, rule)
    end_active_leave(agent, now)
    move_agent(session, AgentEvent.LOG_OUT, actor=actor, now=now, reason=reason, rule=overridden[0])
    _audit(
        actor,
        now,
        agent,
        overridden,
        action=AgentAction.LOG_OUT_OVERRIDDEN,
        kind=None,
        reason=reason,
    )
    return session, overridden


def _overridable(
    actor: User, now: datetime, agent: User, kind: LeaveKind, reason: str, rule: str | None
) -> tuple[AgentSession, list[str]]:
    """The agent's locked session and the rules that refuse `kind` now, which the override
    sets aside; refused if there is nothing (or not that rule) to set aside."""
    if actor.role not in (Role.TEAM_LEAD, Role.ADMIN) or (
        actor.role == Role.TEAM_LEAD and actor.team_id != agent.team_id
    ):
        raise PermissionDenied(_("Only the agent's team lead can override a refusal."))
    if not reason.strip():
        raise ValidationError(_("Say why the rule is overridden: it is audited."))
    assert agent.team_id is not None
    lock_team(agent.team_id)
    session = locked_session(agent)
    if session.state in BUSY_STATES:
        raise PolicyRefusal(
            "B5",
            gettext_noop("%(name)s is on a call: no one leaves before it ends."),
            {"name": str(agent)},
        )
    overridden = [r.rule_id for r in leave_refusals(kind, *leave_inputs(session, now))]
    if not overridden or (rule is not None and rule not in overridden):
        raise _nothing_to_override(kind, rule, overridden)
    return session, overridden


def _audit(
    actor: User,
    now: datetime,
    agent: User,
    overridden: list[str],
    *,
    action: AgentAction,
    kind: LeaveKind | None,
    reason: str,
) -> None:
    assert agent.team_id is not None
    for rule_id in overridden:  # one audited override per rule set aside
        Alert.objects.create(
            kind=AlertKind.OVERRIDE, rule=rule_id, team_id=agent.team_id, agent=agent, raised_at=now
        )
        event_append(
            actor=actor,
            now=now,
            entity=CallsEntity.AGENT,
            entity_id=agent.pk,
            action=action,
            new=kind.value if kind else None,
            reason=reason,
            rule=rule_id,
        )


def _nothing_to_override(kind: LeaveKind, asked: str | None, refusing: list[str]) -> PolicyRefusal:
    if refusing:
        return PolicyRefusal(
            refusing[0],
            gettext_noop("This leave is refused by %(rules)s, not %(asked)s: override that."),
            {"rules": ", ".join(refusing), "asked": asked},
        )
    return PolicyRefusal(
        asked or ("B4" if kind.is_break else "B6"),
        gettext_noop("Nothing to override: no rule refuses this leave now; the agent asks for it."),
    )
