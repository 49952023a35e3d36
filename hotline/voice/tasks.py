"""The worker's part of recordings: the audio file is made after the call's end is committed."""

import time
from datetime import timedelta

from django_tasks import default_task_backend, task

from hotline import clock
from hotline.voice.recordings import NotYet, recording_make

# rtpengine closes the pcap right after it relays the BYE (Kamailio reports the end first):
# the task waits for it in-process a little, then comes back later, up to MAX_ATTEMPTS times.
WAIT_SECONDS = 5.0
RETRY_AFTER = timedelta(seconds=10)
MAX_ATTEMPTS = 30


@task()
def recording_make_task(call_id: int, attempt: int = 1) -> str:
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        try:
            recording = recording_make(now=clock.now(), call_id=call_id)
        except NotYet:
            if time.monotonic() < deadline:
                time.sleep(0.1)
                continue
            if attempt < MAX_ATTEMPTS and default_task_backend.supports_defer:
                recording_make_task.using(run_after=clock.now() + RETRY_AFTER).enqueue(
                    call_id, attempt + 1
                )
                return "later"
            return "unfinished"
        return "made" if recording is not None else "none"
