"""Pushes to the PBX: the routing decisions it must carry out, sent after the decision commits."""

import json
import urllib.request

from django.conf import settings
from django.db import transaction
from django_tasks import task

from hotline.audit.models import Event

# What a PBX must act on: ring an agent, move a call, dial a callback. Everything else stays
# in Hotline (the SSE stream still carries it for desktops and wallboards).
PUSHED_ACTIONS = frozenset(
    {
        ("calls.call", "offered"),
        ("calls.callback", "offered"),
        ("calls.call", "transfer_requested"),
        ("calls.call", "transferred"),
        ("calls.call", "transfer_declined"),
        ("calls.call", "overflowed"),
        ("calls.call", "turned_into_callback"),
        ("calls.callback", "scheduled"),
    }
)
TIMEOUT_SECONDS = 5


def cti_push(event: Event) -> None:
    """Queue a webhook POST for a routing event, if a PBX webhook is configured."""
    url = settings.HOTLINE_CTI_WEBHOOK_URL
    if not url or (event.entity, event.action) not in PUSHED_ACTIONS:
        return
    payload = cti_payload(event)
    transaction.on_commit(lambda: cti_webhook_post.enqueue(url, payload))


def cti_payload(event: Event) -> dict[str, object]:
    from hotline.calls.models import Call

    kind = event.entity.removeprefix("calls.")
    external_id = None
    if kind == "call":
        external_id = (
            Call.objects.filter(pk=event.entity_id).values_list("external_id", flat=True).first()
        )
    return {
        "event": f"{kind}.{event.action}",
        kind: int(event.entity_id),
        "external_id": external_id,
        "at": event.at.isoformat(),
        "detail": event.new,
        "rule": event.rule,
    }


@task()
def cti_webhook_post(url: str, payload: dict[str, object]) -> int:
    """POST the event as JSON; a failure fails the task, which records the error."""
    request = urllib.request.Request(
        url,
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
        return int(response.status)
