"""A team lead acknowledges an alert of the floor (A1, A2, B2, overrides): seen, and by whom.

The alert goes to the lead of its team (or an after-sales manager, who runs every team); anyone
else cannot see it, so for them it does not exist. Acknowledging twice changes nothing: the
first acknowledgement stands, with its time and person.
"""

from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet

from hotline.accounts.choices import Role
from hotline.accounts.models import User
from hotline.audit.payload import iso
from hotline.audit.services import event_append
from hotline.calls.choices import AlertKind
from hotline.calls.events import AGENT, AlertAction, CallsEntity
from hotline.calls.models import Alert


def alerts_for(user: User) -> QuerySet[Alert]:
    """The alerts a user may acknowledge: a team lead their team's, a manager every team's."""
    found = Alert.objects.select_related("agent", "acknowledged_by", "team__site__calendar")
    if user.role == Role.MANAGER:
        return found
    if user.role == Role.TEAM_LEAD and user.team_id is not None:
        return found.filter(team=user.team_id)
    return found.none()


@transaction.atomic
def alert_acknowledge(*, actor: User, now: datetime, alert: Alert) -> Alert:
    """Marks the alert seen by `actor` at `now`, one audited event; Alert.DoesNotExist when it
    is not one `actor` may acknowledge (another team's, or `actor` no lead)."""
    locked = alerts_for(actor).select_for_update(of=("self",)).get(pk=alert.pk)
    if locked.acknowledged_at is not None:
        return locked
    locked.acknowledged_at, locked.acknowledged_by = now, actor
    locked.save(update_fields=["acknowledged_at", "acknowledged_by"])
    event_append(
        actor=actor,
        now=now,
        entity=CallsEntity.ALERT,
        entity_id=locked.pk,
        action=AlertAction.ACKNOWLEDGED,
        new={AGENT: locked.agent_id, "kind": locked.kind, "raised_at": iso(locked.raised_at)},
        rule=locked.rule,
    )
    return locked


def alert_raise(
    *, now: datetime, kind: AlertKind, team_id: int, agent: User | None, why: dict[str, object]
) -> Alert:
    """An alert about something outside the floor's own events (an agent's phone offline, the
    SIP edge down): the alert and its own event (`why` says what was seen)."""
    alert = Alert.objects.create(kind=kind, rule="", team_id=team_id, agent=agent, raised_at=now)
    event_append(
        actor=None,
        now=now,
        entity=CallsEntity.ALERT,
        entity_id=alert.pk,
        action=AlertAction.RAISED,
        new={AGENT: agent.pk if agent else None, "kind": alert.kind, "team": team_id, **why},
    )
    return alert


def alerts_clear(*, now: datetime, alerts: QuerySet[Alert]) -> int:
    """What these alerts warned of is over: the open ones among them are cleared (off the
    wallboard's list to acknowledge), one event each. Returns how many."""
    cleared = 0
    with transaction.atomic():
        for alert in alerts.select_for_update(of=("self",)).filter(cleared_at__isnull=True):
            alert.cleared_at = now
            alert.save(update_fields=["cleared_at"])
            event_append(
                actor=None,
                now=now,
                entity=CallsEntity.ALERT,
                entity_id=alert.pk,
                action=AlertAction.CLEARED,
                new={AGENT: alert.agent_id, "kind": alert.kind},
            )
            cleared += 1
    return cleared
