"""SIP credentials per agent floor session: issued to the agent, checked by the SIP edge.

The edge (Kamailio) challenges a phone's REGISTER and asks Hotline for the credential's HA1
(`sip_credential_ha1`); only a live credential has one: unexpired, not replaced by a newer
one, and issued in the agent's current floor session (logging out ends it)."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, QuerySet

from hotline.accounts.models import User
from hotline.audit.payload import payload
from hotline.audit.services import event_append
from hotline.calls.models import AgentSession
from hotline.core.agent_states import AgentState
from hotline.core.i18n import gettext_noop
from hotline.core.refusal import PolicyRefusal
from hotline.voice.events import SipCredentialAction, VoiceEntity
from hotline.voice.models import SipCredential

USERNAME_PREFIX = "h"  # SIP user names Hotline issues: "h" and 12 hex digits


@dataclass(frozen=True)
class IssuedCredential:
    credential: SipCredential
    password: str  # shown once, never stored


def digest_ha1(username: str, realm: str, password: str) -> str:
    """What SIP digest authentication (RFC 2617/3261) checks a response against."""
    return hashlib.md5(f"{username}:{realm}:{password}".encode()).hexdigest()


def sip_credential_issue(*, actor: User, now: datetime) -> IssuedCredential:
    """A new SIP credential for the agent's phone, for their current floor session (B9 offers
    ring it). Issuing one revokes the agent's earlier ones."""
    with transaction.atomic():
        session = AgentSession.objects.select_for_update().filter(agent=actor).first()
        if session is None or session.state == AgentState.LOGGED_OUT:
            raise PolicyRefusal(
                "B9", gettext_noop("Log in to the floor first: a phone rings for a floor session.")
            )
        for old in SipCredential.objects.select_for_update().filter(
            agent=actor, revoked_at__isnull=True, expires_at__gt=now
        ):
            old.revoked_at = now
            old.save(update_fields=["revoked_at"])
            event_append(
                actor=actor,
                now=now,
                entity=VoiceEntity.SIP_CREDENTIAL,
                entity_id=old.pk,
                action=SipCredentialAction.REVOKED,
                reason="replaced",
            )
        username = USERNAME_PREFIX + secrets.token_hex(6)
        password = secrets.token_urlsafe(18)
        realm = settings.HOTLINE_VOICE_REALM
        credential = SipCredential.objects.create(
            agent=actor,
            username=username,
            realm=realm,
            ha1=digest_ha1(username, realm, password),
            issued_at=now,
            expires_at=now + timedelta(hours=settings.HOTLINE_VOICE_CREDENTIAL_HOURS),
        )
        event_append(
            actor=actor,
            now=now,
            entity=VoiceEntity.SIP_CREDENTIAL,
            entity_id=credential.pk,
            action=SipCredentialAction.ISSUED,
            new=payload(username=username, expires_at=credential.expires_at),
        )
    return IssuedCredential(credential, password)


def live_credentials(now: datetime) -> QuerySet[SipCredential]:
    """The SIP credentials that work now: issued in their agent's floor session, which is still
    open, not revoked nor expired (the newest first: an agent's older ones are revoked)."""
    return (
        SipCredential.objects.filter(
            revoked_at__isnull=True,
            expires_at__gt=now,
            agent__floor_session__logged_in_at__lte=F("issued_at"),
        )
        .exclude(agent__floor_session__state=AgentState.LOGGED_OUT)
        .order_by("-issued_at", "-pk")
    )


def live_credential(*, agent_id: int, now: datetime) -> SipCredential | None:
    """The agent's SIP credential that works now, if any."""
    return live_credentials(now).filter(agent_id=agent_id).first()


def sip_credential_ha1(*, username: str, now: datetime) -> SipCredential | None:
    """The live credential of this SIP user name (its HA1 is what the edge checks), or None."""
    credential = SipCredential.objects.filter(username=username).first()
    if credential is None:
        return None
    live = live_credential(agent_id=credential.agent_id, now=now)
    return live if live is not None and live.pk == credential.pk else None
