"""What the SIP edge's side of Hotline does when one of its calls ends: the recording is made
(by a task) and anyone still listening live is let go (rtpengine frees the call, and closes its
recording, only once no listener is subscribed to it)."""

from django.db import transaction

from hotline import clock
from hotline.audit.models import Event
from hotline.calls.events import EXTERNAL_ID, CallAction
from hotline.voice.listening import listeners_let_go
from hotline.voice.recordings import SIP_PREFIX


def when_call_ends(event: Event) -> None:
    """Listener of the calls' events. The end's event says which call it was to the PBX: a
    call from the CTI path costs nothing more; a SIP call's work waits for the commit (the
    floor's end of call, its hot path, holds the team's lock), where a call never listened to
    costs one indexed read of its listening events."""
    if event.action != CallAction.ENDED:
        return
    external_id = (event.new or {}).get(EXTERNAL_ID) or ""
    if not str(external_id).startswith(SIP_PREFIX):
        return
    call_id = int(event.entity_id)

    def after_commit() -> None:
        from hotline.voice.tasks import recording_make_task

        recording_make_task.enqueue(call_id)
        listeners_let_go(call_id=call_id, now=clock.now())

    transaction.on_commit(after_commit)
