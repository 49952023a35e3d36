"""Call recordings (issue 18): made from rtpengine's pcap when an answered SIP call ends, heard
by the people who may review the call (B11), deleted when the rulebook's retention runs out.

rtpengine writes `<spool>/pcaps/<Call-ID>-<hex>.pcap` and `<spool>/metadata/rtpengine-meta-
<Call-ID>-<hex>.txt` (the Call-ID URL-encoded); the metadata gets its "call end time" line when
rtpengine closes the call, which is how Hotline knows the pcap is complete. Hotline's id of a
SIP call is "sip-" + MD5 of its Call-ID (the edge's `external_id`), so the files are matched to
the call by hashing the Call-ID in their names. The WAV replaces the pcap, which is deleted.
"""

import hashlib
import logging
import os
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from urllib.parse import unquote

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet

from hotline.accounts.choices import Role
from hotline.accounts.models import User
from hotline.audit.services import event_append
from hotline.calls.models import Call, Queue
from hotline.calls.selectors import reviewable_calls
from hotline.core.rulebook import Rulebook
from hotline.rulebook.selectors import current_rulebook
from hotline.voice.events import RecordingAction, VoiceEntity
from hotline.voice.models import Recording, TransferLeg
from hotline.voice.pcap_audio import NotAPcap, pcap_to_wav

logger = logging.getLogger(__name__)
RETENTION = "b11.recording_retention_days"
SIP_PREFIX = "sip-"
_META_PREFIX = "rtpengine-meta-"
_FINISHED = "call end time:"
LOST_AFTER_SECONDS = 120.0


@dataclass(frozen=True)
class SpooledCall:
    pcap: Path
    metadata: Path
    finished: bool


def sip_external_id(call_id_header: str) -> str:
    """Hotline's id of a SIP call, as the edge makes it from the Call-ID (kamailio.cfg)."""
    return SIP_PREFIX + hashlib.md5(call_id_header.encode()).hexdigest()


def spooled_call(spool: Path, external_id: str) -> SpooledCall | None:
    """rtpengine's files of the call, if it recorded it."""
    for metadata in sorted((spool / "metadata").glob(f"{_META_PREFIX}*.txt")):
        name = metadata.name.removeprefix(_META_PREFIX).removesuffix(".txt")
        call_id, _, _ = name.rpartition("-")  # "-<hex>" tells two recordings of one Call-ID
        if sip_external_id(unquote(call_id)) != external_id:
            continue
        text = metadata.read_text(errors="replace")
        pcap = Path(text.splitlines()[0].strip()) if text.strip() else spool / "pcaps" / name
        return SpooledCall(pcap=pcap, metadata=metadata, finished=_FINISHED in text)
    return None


class NotYet(Exception):
    """rtpengine has not closed the call's pcap yet: try again shortly."""


def recording_make(*, now: datetime, call_id: int) -> Recording | None:
    """Make the call's recording from its pcap (once: a second run finds it made). None when
    the edge recorded nothing for it (recording off, a call from the CTI path)."""
    made = Recording.objects.filter(call_id=call_id).first()
    if made is not None:
        return made
    call = Call.objects.get(pk=call_id)
    spool: Path = settings.HOTLINE_VOICE_RECORDING_SPOOL
    # A call moved to a colleague's phone (A4) had a dialog before its own: both are its audio.
    dialogs = [
        *TransferLeg.objects.filter(call=call)
        .order_by("created_at", "pk")
        .values_list("from_external_id", flat=True),
        call.external_id or "",
    ]
    spooled = [found for found in (spooled_call(spool, d) for d in dialogs) if found is not None]
    if not spooled:
        return None
    if not all(found.finished for found in spooled):
        raise NotYet(call_id)
    folder: Path = settings.HOTLINE_RECORDINGS_DIR
    relative = f"{now:%Y/%m}/call-{call.pk}.wav"
    wav = folder / relative
    wav.parent.mkdir(parents=True, exist_ok=True)
    try:
        audio = pcap_to_wav([found.pcap for found in spooled], wav)
    except (OSError, NotAPcap, ValueError):
        logger.exception("the recording of call %s could not be made", call.pk)
        wav.unlink(missing_ok=True)
        return None
    size = wav.stat().st_size
    with transaction.atomic():
        recording = Recording.objects.create(
            call=call,
            path=relative,
            duration=timedelta(microseconds=audio.frames * 125),  # 8 kHz: exact
            size=size,
            created_at=now,
        )
        event_append(
            actor=None,
            now=now,
            entity=VoiceEntity.RECORDING,
            entity_id=call.pk,
            action=RecordingAction.MADE,
            new={"length_seconds": round(audio.seconds), "size": size, "sides": audio.flows},
        )
    for found in spooled:  # the WAV is the recording now
        found.pcap.unlink(missing_ok=True)
        found.metadata.unlink(missing_ok=True)
    return recording


def recordings_left_in_spool(*, lost_after: float = LOST_AFTER_SECONDS) -> int:
    """The worker's tick: a finished pcap still in the spool `lost_after` seconds on (its task
    was lost with a worker, or failed) gets a task again, once per `lost_after` (the metadata's
    time is touched). Pcaps of calls Hotline does not know stay. How many tasks were queued."""
    from hotline.voice.tasks import recording_make_task

    folder = Path(settings.HOTLINE_VOICE_RECORDING_SPOOL) / "metadata"
    queued, now = 0, time.time()
    for metadata in folder.glob(f"{_META_PREFIX}*.txt"):
        try:
            if now - metadata.stat().st_mtime < lost_after:
                continue
            if _FINISHED not in metadata.read_text(errors="replace"):
                continue
            os.utime(metadata)
        except OSError:
            continue  # made and deleted meanwhile
        name = metadata.name.removeprefix(_META_PREFIX).removesuffix(".txt")
        call_id = (
            Call.objects.filter(
                external_id=sip_external_id(unquote(name.rpartition("-")[0])),
                ended_at__isnull=False,
                recording__isnull=True,
            )
            .values_list("pk", flat=True)
            .first()
        )
        if call_id is not None:
            recording_make_task.enqueue(call_id)
            queued += 1
    return queued


def recording_file(recording: Recording) -> Path:
    return Path(settings.HOTLINE_RECORDINGS_DIR) / recording.path


def recordings_heard_by(user: User) -> QuerySet[Recording]:
    """The recordings a user may listen to, as the call's review is read (B11): the agent of
    the call, the team lead of the call's team (its queue's or its agent's), the manager and
    admins; nobody else (another team's agent, providers, customers, the PBX)."""
    found = Recording.objects.select_related("call")
    if user.role == Role.AGENT:
        return found.filter(call__agent=user)
    if user.role == Role.TEAM_LEAD:
        return found.filter(call__in=reviewable_calls(user))
    return found if user.role in (Role.MANAGER, Role.ADMIN) else found.none()


def recording_play(*, actor: User, now: datetime, recording: Recording, asked: str = "") -> None:
    """Who listened, and when: each request for the audio is an event."""
    event_append(
        actor=actor,
        now=now,
        entity=VoiceEntity.RECORDING,
        entity_id=recording.call_id,
        action=RecordingAction.PLAYED,
        new={"range": asked} if asked else None,
    )


def retention_days(rules: Rulebook, *, queue_id: int | None, team_id: int | None) -> int:
    """B11's retention for a call of this queue (else its team, else the centre's)."""
    refs: dict[str, object] = {}
    if queue_id is not None:
        refs["queue"] = queue_id
    if team_id is not None:
        refs["team"] = team_id
    return rules.count(RETENTION, **refs)


def recordings_expire(now: datetime) -> int:
    """The worker's tick: delete the recordings (file and row) older than their retention, each
    with an event. How many."""
    rules = current_rulebook()
    # Only recordings older than the shortest retention in force anywhere are looked at.
    shortest = min(
        [retention_days(rules, queue_id=None, team_id=None)]
        + [
            retention_days(rules, queue_id=queue_id, team_id=team_id)
            for queue_id, team_id in Queue.objects.values_list("pk", "team_id")
        ]
    )
    expired = 0
    for recording in Recording.objects.filter(
        created_at__lte=now - timedelta(days=shortest)
    ).select_related("call__queue"):
        call = recording.call
        days = retention_days(rules, queue_id=call.queue_id, team_id=call.queue.team_id)
        if recording.created_at > now - timedelta(days=days):
            continue
        with transaction.atomic():
            if not Recording.objects.filter(pk=recording.pk).delete()[0]:
                continue  # another worker got there first
            event_append(
                actor=None,
                now=now,
                entity=VoiceEntity.RECORDING,
                entity_id=call.pk,
                action=RecordingAction.EXPIRED,
                rule="B11",
                old={"created": recording.created_at.isoformat()},
                new={"days": days},
            )
            path = recording_file(recording)
            transaction.on_commit(partial(path.unlink, missing_ok=True))
        expired += 1
    return expired
