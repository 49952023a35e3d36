"""A call's recording as audio, for the people who may review the call (B11)."""

import re

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase

from hotline import clock
from hotline.accounts.views import signed_in
from hotline.voice.models import Recording
from hotline.voice.recordings import recording_file, recording_play, recordings_heard_by

_RANGE = re.compile(r"bytes=(\d{0,18})-(\d{0,18})")
# At most this much per answer to a range: the player asks for the rest as it plays.
CHUNK = 4 * 1024 * 1024


def recording_audio(request: HttpRequest, call_id: int) -> HttpResponseBase:
    """The WAV, whole or the byte range asked (seeking); each request is written to the event
    log. A call the reader may not hear is, to them, one without a recording (404)."""
    user = signed_in(request)
    try:
        recording = recordings_heard_by(user).get(call_id=call_id)
    except Recording.DoesNotExist:
        raise Http404 from None
    path = recording_file(recording)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise Http404 from None
    asked = request.headers.get("Range", "")
    if not asked:
        recording_play(actor=user, now=clock.now(), recording=recording)
        whole = FileResponse(path.open("rb"), content_type="audio/wav")
        whole["Accept-Ranges"] = "bytes"
        whole["Cache-Control"] = "private, no-store"
        return whole
    match = _RANGE.fullmatch(asked.strip())
    if match is None or match.groups() == ("", ""):
        return _unsatisfiable(size)
    first, last = match.groups()
    if first:
        start, end = int(first), min(int(last) if last else size - 1, size - 1)
    else:  # the last N bytes
        start, end = max(size - int(last), 0), size - 1
    end = min(end, start + CHUNK - 1)
    if start >= size or start > end:
        return _unsatisfiable(size)
    recording_play(actor=user, now=clock.now(), recording=recording, asked=asked[:40])
    with path.open("rb") as audio:
        audio.seek(start)
        body = audio.read(end - start + 1)
    response = HttpResponse(body, status=206, content_type="audio/wav")
    response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = "private, no-store"
    return response


def _unsatisfiable(size: int) -> HttpResponse:
    response = HttpResponse(status=416)
    response["Content-Range"] = f"bytes */{size}"
    return response
