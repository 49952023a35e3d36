"""The SIP edge's event vocabulary, stored in `audit.Event` rows: the strings never change."""

from enum import StrEnum


class VoiceEntity(StrEnum):
    SIP_CREDENTIAL = "voice.sip_credential"
    RECORDING = "voice.recording"  # entity_id: the call's id
    LISTENING = "voice.listening"  # a lead listening live to a call; entity_id: the call's id
    OUTBOUND = "voice.outbound"  # entity_id: the edge's id of the dialled call (sip-...)
    PHONE = "voice.phone"  # entity_id: the agent's id (their desk's softphone)
    FAILURE = "voice.failure"  # entity_id: the VoiceFailure's id


class SipCredentialAction(StrEnum):
    ISSUED = "issued"  # new: username, expires_at
    REVOKED = "revoked"  # a newer one was issued for the same agent


class RecordingAction(StrEnum):
    MADE = "made"  # new: length_seconds, size
    PLAYED = "played"  # someone listened (each audio request); new: range asked, if any
    EXPIRED = "expired"  # B11 retention ran out: file and row deleted; old: created, days


class ListeningAction(StrEnum):
    STARTED = "started"  # new: the agent on the call, rtpengine's call id, tag and sides
    STOPPED = "stopped"  # new: the tag
    ENDED = "ended"  # the call ended while they listened; new: the tag


class OutboundAction(StrEnum):
    # An agent's phone dialled a callback (B8) or follow-up call (C6) through the trunk;
    # new: kind, target (the callback's or follow-up's id), number, call (Hotline's, if any)
    DIALLED = "dialled"


class PhoneAction(StrEnum):
    REGISTERED = "registered"  # the desk's phone is registered at the edge (again)
    OFFLINE = "offline"  # registration failed or lost, WebSocket down; new: reason


class FailureAction(StrEnum):
    # A trunk call the edge could not hand to the floor, recorded once Hotline answered again;
    # new: external_id, queue, status (Hotline's answer then, 0: none), outcome, failed_at
    RECORDED = "recorded"


ACTIONS: dict[VoiceEntity, type[StrEnum]] = {
    VoiceEntity.SIP_CREDENTIAL: SipCredentialAction,
    VoiceEntity.RECORDING: RecordingAction,
    VoiceEntity.LISTENING: ListeningAction,
    VoiceEntity.OUTBOUND: OutboundAction,
    VoiceEntity.PHONE: PhoneAction,
    VoiceEntity.FAILURE: FailureAction,
}


def register_sentences() -> None:
    from django.utils.translation import gettext_lazy as _

    from hotline.audit.sentences import describe, entity_words

    entity_words(VoiceEntity.SIP_CREDENTIAL, _("SIP credential"))
    entity_words(VoiceEntity.RECORDING, _("call recording"), filter="call")
    entity_words(VoiceEntity.LISTENING, _("live listening"), filter="call")
    kinds = {"callback": _("callback"), "followup": _("follow-up call")}
    entity_words(
        VoiceEntity.OUTBOUND,
        _("outbound call"),
        words={"kind": lambda kind: str(kinds.get(kind, kind))},
    )
    entity_words(VoiceEntity.PHONE, _("agent's phone"))
    entity_words(VoiceEntity.FAILURE, _("SIP edge failure"))
    for entity, action, template in (
        (
            VoiceEntity.SIP_CREDENTIAL,
            SipCredentialAction.ISSUED,
            _("%(actor)s was issued SIP credential %(username)s for their phone"),
        ),
        (
            VoiceEntity.SIP_CREDENTIAL,
            SipCredentialAction.REVOKED,
            _("SIP credential %(id)s was replaced by a newer one"),
        ),
        (
            VoiceEntity.RECORDING,
            RecordingAction.MADE,
            _("The recording of call %(id)s was made (%(length_seconds)s)"),
        ),
        (VoiceEntity.RECORDING, RecordingAction.PLAYED, _("%(actor)s listened to call %(id)s")),
        (
            VoiceEntity.OUTBOUND,
            OutboundAction.DIALLED,
            _("%(actor)s dialled %(number)s through the trunk (%(kind)s %(target)s)"),
        ),
        (
            VoiceEntity.RECORDING,
            RecordingAction.EXPIRED,
            _("The recording of call %(id)s was deleted after %(days)s days (B11 retention)"),
        ),
        (
            VoiceEntity.LISTENING,
            ListeningAction.STARTED,
            _("%(actor)s started listening live to call %(id)s"),
        ),
        (
            VoiceEntity.LISTENING,
            ListeningAction.STOPPED,
            _("%(actor)s stopped listening to call %(id)s"),
        ),
        (
            VoiceEntity.LISTENING,
            ListeningAction.ENDED,
            _("Listening live to call %(id)s ended with the call"),
        ),
        (
            VoiceEntity.PHONE,
            PhoneAction.REGISTERED,
            _("The phone of %(actor)s is registered at the SIP edge"),
        ),
        (
            VoiceEntity.PHONE,
            PhoneAction.OFFLINE,
            _("The phone of %(actor)s went offline: %(reason)s"),
        ),
        (
            VoiceEntity.FAILURE,
            FailureAction.RECORDED,
            _(
                "The SIP edge could not hand call %(external_id)s to the floor "
                "(Hotline answered %(status)s): %(outcome)s"
            ),
        ),
    ):
        describe(entity, action, template)
