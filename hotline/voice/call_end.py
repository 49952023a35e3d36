"""What the SIP edge's side of Hotline does when one of its calls ends: the recording is made
(by a task) and anyone still listening live is let go (rtpengine frees the call, and closes its
recording, only once no listener is subscribed to it)."""

from django.db import transaction

from hotline import clock
from hotline.audit.models import Event
from hotline.calls.events import CallAction
from hotline.calls.models import Call
from hotline.voice.listening import listeners_let_go
from hotline.voice.recordings import SIP_PREFIX


def when_call_ends(event: Event) -> None:
    """Listener of the calls' events. After the commit: the floor's end of call (its hot path,
    holding the team's lock) takes no extra statement, and a call from the CTI path one."""
    if event.action != CallAction.ENDED:
        return
    call_id = int(event.entity_id)

    def after_commit() -> None:
        if not Call.objects.filter(pk=call_id, external_id__startswith=SIP_PREFIX).exists():
            return
        from hotline.voice.tasks import recording_make_task

        recording_make_task.enqueue(call_id)
        listeners_let_go(call_id=call_id, now=clock.now())

    transaction.on_commit(after_commit)
