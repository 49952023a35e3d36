"""Call history from the import page (issue 20): a telephone exchange's CDR file of months of
calls, far over the page's 2 MB, up to MAX_HISTORY_BYTES. Django streams the upload to a
temporary file; it is copied to var/imports/ (never into the session), checked there by the
batched importer (a dry run: every bad record named, the first MAX_ERRORS listed, the rest
counted), and imported from there on confirmation, then deleted."""

import secrets
import time
from datetime import datetime
from pathlib import Path
from uuid import UUID
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_tasks.base import TaskResultStatus
from django_tasks.exceptions import TaskResultDoesNotExist, TaskResultMismatch

from hotline import clock
from hotline.accounts.models import User
from hotline.accounts.views import signed_in
from hotline.calls.models import Queue
from hotline.imports.history import HistoryOutcome, Source, import_history
from hotline.rulebook.calendars import time_zones
from hotline.rulebook.selectors import centre_time_zone

MAX_HISTORY_BYTES = 200 * 1024 * 1024  # a year of a busy centre's Asterisk Master.csv
SESSION_KEY = "imports.history"
PENDING_DAYS = 1  # a checked file not confirmed within a day is deleted at the next check
SOURCES = [
    ("asterisk", gettext_lazy("Asterisk CDR (Master.csv)")),
    ("freeswitch", gettext_lazy("FreeSWITCH CDR (mod_cdr_csv, default template)")),
    ("plain", gettext_lazy("Plain CSV: arrival, queue, outcome, wait, talk")),
]


def pending_dir() -> Path:
    return Path(settings.VAR_DIR) / "imports"


def pending_path(token: str) -> Path:
    if not token.isalnum():
        raise ValueError("a pending file's token is letters and digits")
    return pending_dir() / f"{token}.csv"


class HistoryForm(forms.Form):
    source = forms.ChoiceField(label=gettext_lazy("Telephone exchange"), choices=SOURCES)
    queue = forms.ModelChoiceField(
        label=gettext_lazy("Queue of records that name none"),
        queryset=Queue.objects.select_related("team__site__calendar").order_by("code"),
        to_field_name="code",
        required=False,
        empty_label="—",
        help_text=gettext_lazy("A record's queue is the one whose code is its destination."),
    )
    time_zone = forms.ChoiceField(
        label=gettext_lazy("The exchange's time zone"),
        required=False,
        help_text=gettext_lazy("Empty: the queue's site's, else the centre's."),
    )
    file = forms.FileField(label=gettext_lazy("CDR file (CSV)"))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["time_zone"].choices = [("", "—"), *((z, z) for z in time_zones())]  # type: ignore[attr-defined]

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        if (upload.size or 0) > MAX_HISTORY_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(limit)d MB: import it with `hotline import`.")
                % {"limit": MAX_HISTORY_BYTES // (1024 * 1024)}
            )
        return upload

    def zone(self) -> str:
        queue: Queue | None = self.cleaned_data["queue"]
        chosen: str = self.cleaned_data["time_zone"]
        return chosen or (queue.team.site.calendar.time_zone if queue else centre_time_zone())


def _keep(upload: UploadedFile) -> Path:
    """The upload, chunk by chunk, into var/imports/ under a random name; older leftovers go."""
    folder = pending_dir()
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.csv"):
        if old.stat().st_mtime < time.time() - PENDING_DAYS * 86_400:
            old.unlink(missing_ok=True)
    path = folder / f"{secrets.token_hex(16)}.csv"
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return path


def run_history(
    path: Path, pending: dict[str, str], *, actor: User, now: datetime, dry_run: bool
) -> HistoryOutcome:
    """The checked file through the batched importer, as its check recorded it in `pending`."""
    queue = Queue.objects.filter(code=pending["queue"]).first() if pending["queue"] else None
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as lines:
        return import_history(
            lines,
            pending["source"],  # type: ignore[arg-type]
            zone=ZoneInfo(pending["zone"]),
            actor=actor,
            now=now,
            default_queue=queue,
            dry_run=dry_run,
        )


def _forget(request: HttpRequest) -> None:
    """A checked file the admin did not confirm: its copy goes when another is checked."""
    old = request.session.pop(SESSION_KEY, None)
    if old and str(old.get("token", "")).isalnum():
        pending_path(old["token"]).unlink(missing_ok=True)


@require_POST
def imports_history_check(request: HttpRequest) -> HttpResponse:
    from hotline.imports.views import render_index  # the index page's forms, with this one's errors

    form = HistoryForm(request.POST, request.FILES)
    if not form.is_valid():
        return render_index(request, history=form)
    _forget(request)
    path = _keep(form.cleaned_data["file"])
    source: Source = form.cleaned_data["source"]
    queue = form.cleaned_data["queue"]
    pending = {
        "token": path.stem,
        "source": source,
        "queue": queue.code if queue else "",
        "zone": form.zone(),
        "name": form.cleaned_data["file"].name[:100],
    }
    outcome = run_history(path, pending, actor=signed_in(request), now=clock.now(), dry_run=True)
    if outcome.ok:
        request.session[SESSION_KEY] = pending
    else:
        path.unlink(missing_ok=True)
    return render(
        request,
        "imports/history_check.html",
        {"outcome": outcome, "pending": pending, "source": dict(SOURCES)[source]},
        status=200 if outcome.ok else 400,
    )


@require_POST
def imports_history_confirm(request: HttpRequest) -> HttpResponse:
    """The checked file goes to the worker (the largest takes minutes); its page follows it."""
    from hotline.imports.tasks import history_import_task  # tasks import this module

    pending = request.session.pop(SESSION_KEY, None)
    token = str(pending.get("token", "")) if pending else ""
    if not token.isalnum() or not pending_path(token).exists():
        messages.error(request, _("There is no checked file to import: upload it again."))
        return redirect("imports:index")
    result = history_import_task.enqueue(pending, signed_in(request).pk)
    return redirect("imports:history_result", result_id=result.id)


def imports_history_result(request: HttpRequest, result_id: UUID) -> HttpResponse:
    """Where a call-history import stands: waiting for the worker, running, done or failed."""
    from hotline.imports.tasks import history_import_task

    try:
        result = history_import_task.get_result(str(result_id))
    except (TaskResultDoesNotExist, TaskResultMismatch):
        raise Http404(_("There is no such import.")) from None
    done = result.status == TaskResultStatus.SUCCESSFUL
    counts = result.return_value if done else None
    return render(
        request,
        "imports/history_result.html",
        {"result": result, "counts": counts, "failed": result.status == TaskResultStatus.FAILED},
    )
