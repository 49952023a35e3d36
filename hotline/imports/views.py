"""The admin's import page: upload -> a dry run listing every row's errors -> confirm; a template
and an export of each kind, as CSV or XLSX."""

import base64

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from hotline import clock
from hotline.accounts.views import signed_in
from hotline.imports.engine import import_file
from hotline.imports.headers import words
from hotline.imports.registry import KINDS, Kind, Values, kinds
from hotline.imports.tables import CONTENT_TYPES, FORMATS, Format, format_of, write

# The largest file the page takes (about 20,000 customers as CSV); a larger one goes through
# `hotline import`. The checked file waits in the session for the confirmation.
MAX_FILE_BYTES = 2 * 1024 * 1024
SESSION_KEY = "imports.pending"


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("What the file holds"))
    file = forms.FileField(label=gettext_lazy("CSV or XLSX file"))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["kind"].choices = [(kind.name, kind.label) for kind in kinds()]  # type: ignore[attr-defined]

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(limit)d MB: import it with `hotline import`.")
                % {"limit": MAX_FILE_BYTES // (1024 * 1024)}
            )
        return upload


def _kind_or_404(name: str) -> Kind:
    if name not in KINDS:
        raise Http404(_("There is no such kind of data."))
    return KINDS[name]


def _format_or_404(fmt: str) -> Format:
    if fmt not in FORMATS:
        raise Http404(_("There is no such file format."))
    return fmt  # type: ignore[return-value]


def imports_index(request: HttpRequest) -> HttpResponse:
    return render(request, "imports/index.html", {"form": UploadForm(), "kinds": kinds()})


@require_POST
def imports_check(request: HttpRequest) -> HttpResponse:
    """The dry run: every row's errors, or what the import would change."""
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "imports/index.html", {"form": form, "kinds": kinds()}, status=400)
    kind = KINDS[form.cleaned_data["kind"]]
    upload = form.cleaned_data["file"]
    data = upload.read()
    fmt = format_of(upload.name)
    outcome = import_file(kind, data, fmt, actor=signed_in(request), now=clock.now(), dry_run=True)
    if outcome.ok:
        request.session[SESSION_KEY] = {
            "kind": kind.name,
            "format": fmt,
            "name": upload.name[:100],
            "data": base64.b64encode(data).decode(),
        }
    return render(
        request,
        "imports/check.html",
        {"kind": kind, "outcome": outcome, "filename": upload.name[:100]},
        status=200 if outcome.ok else 400,
    )


@require_POST
def imports_confirm(request: HttpRequest) -> HttpResponse:
    pending = request.session.pop(SESSION_KEY, None)
    if not pending or pending.get("kind") not in KINDS:
        messages.error(request, _("There is no checked file to import: upload it again."))
        return redirect("imports:index")
    kind = KINDS[pending["kind"]]
    outcome = import_file(
        kind,
        base64.b64decode(pending["data"]),
        pending["format"],
        actor=signed_in(request),
        now=clock.now(),
        dry_run=False,
    )
    if outcome.ok:
        messages.success(
            request,
            _("%(kind)s imported: %(created)d new, %(updated)d changed, %(unchanged)d unchanged.")
            % {"kind": kind.label, **outcome.counts},
        )
    else:  # the data changed between the check and the confirmation
        messages.error(request, _("The file no longer imports cleanly: nothing was written."))
    return redirect("imports:index")


def _file(
    kind: Kind, fmt: Format, rows: list[Values], suffix: str, headers: list[str] | None = None
) -> HttpResponse:
    response = HttpResponse(write(kind, rows, fmt, headers), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{kind.name}{suffix}.{fmt}"'
    return response


def imports_template(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    """The header row of a kind in the reader's words (the import reads them in any language)."""
    found = _kind_or_404(kind)
    return _file(found, _format_or_404(fmt), [], "-template", words(found))


def imports_export(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    found = _kind_or_404(kind)
    return _file(found, _format_or_404(fmt), list(found.export()), "")
