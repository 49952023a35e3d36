"""The SIP edge's event vocabulary, stored in `audit.Event` rows: the strings never change."""

from enum import StrEnum


class VoiceEntity(StrEnum):
    SIP_CREDENTIAL = "voice.sip_credential"


class SipCredentialAction(StrEnum):
    ISSUED = "issued"  # new: username, expires_at
    REVOKED = "revoked"  # a newer one was issued for the same agent


ACTIONS: dict[VoiceEntity, type[StrEnum]] = {VoiceEntity.SIP_CREDENTIAL: SipCredentialAction}


def register_sentences() -> None:
    from django.utils.translation import gettext_lazy as _

    from hotline.audit.sentences import describe, entity_words

    entity_words(VoiceEntity.SIP_CREDENTIAL, _("SIP login"))
    credential = VoiceEntity.SIP_CREDENTIAL
    describe(
        credential,
        SipCredentialAction.ISSUED,
        _("%(actor)s got a SIP login for their phone, valid until %(expires_at)s"),
    )
    describe(credential, SipCredentialAction.REVOKED, _("SIP login %(id)s gave way to a newer one"))
