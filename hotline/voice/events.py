"""The SIP edge's event vocabulary, stored in `audit.Event` rows: the strings never change."""

from enum import StrEnum


class VoiceEntity(StrEnum):
    SIP_CREDENTIAL = "voice.sip_credential"


class SipCredentialAction(StrEnum):
    ISSUED = "issued"  # new: username, expires_at
    REVOKED = "revoked"  # a newer one was issued for the same agent


ACTIONS: dict[VoiceEntity, type[StrEnum]] = {VoiceEntity.SIP_CREDENTIAL: SipCredentialAction}
