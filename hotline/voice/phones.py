"""An agent's phone online or offline, and the team lead's alert when it stays offline.

The desk's softphone (hotline/static/hotline/phone.js) says when its registration at the SIP
edge fails or is lost and when its WebSocket drops, and when it is registered again
(`POST /voice/phone-state`). The worker's tick alerts the agent's team lead ("agent's phone
offline") when an agent on the floor and ready or on a call has had no registered phone for
HOTLINE_VOICE_PHONE_OFFLINE_SECONDS, once for each time it goes offline; the alert is cleared
when the phone is back or the agent leaves the phones. An agent whose desk never said anything
(a desk phone, a PBX on the CTI API) is never alerted about: Hotline knows nothing of it.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet

from hotline.accounts.models import User
from hotline.audit.services import event_append
from hotline.calls.choices import AlertKind
from hotline.calls.models import AgentSession, Alert
from hotline.calls.services.alerts import alert_raise, alerts_clear
from hotline.core.agent_states import AgentState
from hotline.core.i18n import gettext_noop
from hotline.core.refusal import PolicyRefusal
from hotline.voice.events import PhoneAction, VoiceEntity
from hotline.voice.models import PhoneState

# Where a phone that does not ring is a problem now: ready for calls, or in one.
PHONE_NEEDED_STATES = (AgentState.READY, AgentState.OFFERED, AgentState.ON_CALL)


def phone_state_report(*, actor: User, now: datetime, registered: bool, reason: str) -> PhoneState:
    """The desk says its phone is registered, or not (and why). A change is an event; the same
    state again only refreshes the report. Back online clears the agent's open alert."""
    with transaction.atomic():
        session = AgentSession.objects.filter(agent=actor).first()
        if session is None or session.state == AgentState.LOGGED_OUT:
            raise PolicyRefusal(
                "B9", gettext_noop("Log in to the floor first: a phone rings for a floor session.")
            )
        state = PhoneState.objects.select_for_update().filter(agent=actor).first()
        changed = state is None or state.registered != registered
        if state is None:
            state = PhoneState(agent=actor, registered=registered, since=now, reported_at=now)
        if changed:
            state.registered, state.since = registered, now
        state.reason, state.reported_at = reason if not registered else "", now
        state.save()
        if changed:
            event_append(
                actor=actor,
                now=now,
                entity=VoiceEntity.PHONE,
                entity_id=actor.pk,
                action=PhoneAction.REGISTERED if registered else PhoneAction.OFFLINE,
                new={"reason": state.reason} if not registered else None,
            )
        if registered:
            _clear(Alert.objects.filter(agent=actor), now)
    return state


def phones_offline_alert(now: datetime) -> int:
    """The tick's step: alert the team lead of each agent on the phones whose phone has been
    offline long enough (once per offline spell); clear alerts whose phone is back or whose
    agent left the phones. Returns how many alerts were raised or cleared."""
    since = now - timedelta(seconds=settings.HOTLINE_VOICE_PHONE_OFFLINE_SECONDS)
    on_phones = AgentSession.objects.filter(state__in=PHONE_NEEDED_STATES).values("agent_id")
    # Counted from the floor session's start too: a phone offline since yesterday's session
    # gets its time to register after today's log-in.
    long_on_phones = AgentSession.objects.filter(
        state__in=PHONE_NEEDED_STATES, logged_in_at__lte=since
    ).values("agent_id")
    fired = 0
    offline = PhoneState.objects.filter(
        registered=False, since__lte=since, agent__in=long_on_phones
    ).select_related("agent")
    for state in offline:
        fired += _raise(state, now)
    fired += _clear(
        Alert.objects.exclude(
            agent__in=PhoneState.objects.filter(registered=False, agent__in=on_phones).values(
                "agent_id"
            )
        ),
        now,
    )
    return fired


@transaction.atomic
def _raise(state: PhoneState, now: datetime) -> int:
    agent = state.agent
    if agent.team_id is None:
        return 0
    locked = PhoneState.objects.select_for_update().filter(pk=state.pk, registered=False).first()
    if (
        locked is None
        or Alert.objects.filter(
            kind=AlertKind.PHONE_OFFLINE, agent=agent, raised_at__gte=locked.since
        ).exists()
    ):
        return 0  # back meanwhile, or alerted already for this spell
    alert_raise(
        now=now,
        kind=AlertKind.PHONE_OFFLINE,
        team_id=agent.team_id,
        agent=agent,
        why={
            "offline_seconds": int((now - locked.since).total_seconds()),
            "reason": locked.reason,
        },
    )
    return 1


def _clear(alerts: QuerySet[Alert], now: datetime) -> int:
    return alerts_clear(now=now, alerts=alerts.filter(kind=AlertKind.PHONE_OFFLINE))
