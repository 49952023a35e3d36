"""The admin's import page: upload -> a dry run listing every row's errors -> confirm; a template
and an export of each kind, as CSV or XLSX."""

import base64

import holidays as country_holidays
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
from hotline.imports.history_page import MAX_HISTORY_BYTES, HistoryForm
from hotline.imports.kinds.calendar import country_rows
from hotline.imports.registry import KINDS, Kind, Values, kinds
from hotline.imports.tables import CONTENT_TYPES, FORMATS, Format, format_of, write
from hotline.replica import reads_from_replica
from hotline.rulebook.models import Calendar

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


class CountryHolidaysForm(forms.Form):
    calendar = forms.ChoiceField(label=gettext_lazy("Calendar"))
    country = forms.CharField(
        label=gettext_lazy("Country (ISO code, such as BG)"), min_length=2, max_length=3
    )
    first_year = forms.IntegerField(label=gettext_lazy("From the year"), min_value=2000)
    last_year = forms.IntegerField(label=gettext_lazy("To the year"), max_value=2100)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        names = Calendar.objects.order_by("name").values_list("name", flat=True)
        self.fields["calendar"].choices = [(name, name) for name in names]  # type: ignore[attr-defined]

    def clean_country(self) -> str:
        country = str(self.cleaned_data["country"]).upper()
        if country not in country_holidays.list_supported_countries():
            raise forms.ValidationError(
                _("The holidays of “%(country)s” are not known.") % {"country": country}
            )
        return country

    def clean(self) -> dict[str, object] | None:
        data = super().clean() or {}
        first, last = data.get("first_year"), data.get("last_year")
        if isinstance(first, int) and isinstance(last, int) and not 0 <= last - first < 10:
            raise forms.ValidationError(_("From one to ten years, the first before the last."))
        return data


def _kind_or_404(name: str) -> Kind:
    if name not in KINDS:
        raise Http404(_("There is no such kind of data."))
    return KINDS[name]


def _format_or_404(fmt: str) -> Format:
    if fmt not in FORMATS:
        raise Http404(_("There is no such file format."))
    return fmt  # type: ignore[return-value]


def render_index(
    request: HttpRequest,
    form: UploadForm | None = None,
    country: CountryHolidaysForm | None = None,
    history: forms.Form | None = None,
) -> HttpResponse:
    """The page with its forms; one given back with its errors answers 400."""
    context = {
        "form": form or UploadForm(),
        "country_form": country or CountryHolidaysForm(),
        "history_form": history or HistoryForm(),
        "history_limit": MAX_HISTORY_BYTES // (1024 * 1024),
        "kinds": kinds(),
    }
    refused = form is not None or country is not None or history is not None
    return render(request, "imports/index.html", context, status=400 if refused else 200)


def imports_index(request: HttpRequest) -> HttpResponse:
    return render_index(request)


def _checked(request: HttpRequest, kind: Kind, data: bytes, fmt: Format, name: str) -> HttpResponse:
    """The dry run's page; a clean file waits in the session for the confirmation."""
    outcome = import_file(kind, data, fmt, actor=signed_in(request), now=clock.now(), dry_run=True)
    if outcome.ok:
        request.session[SESSION_KEY] = {
            "kind": kind.name,
            "format": fmt,
            "name": name,
            "data": base64.b64encode(data).decode(),
        }
    return render(
        request,
        "imports/check.html",
        {"kind": kind, "outcome": outcome, "filename": name},
        status=200 if outcome.ok else 400,
    )


@require_POST
def imports_holidays(request: HttpRequest) -> HttpResponse:
    """A country's public holidays (the `holidays` package) checked like a file of them."""
    form = CountryHolidaysForm(request.POST)
    if not form.is_valid():
        return render_index(request, country=form)
    data = form.cleaned_data
    rows = country_rows(
        data["calendar"], data["country"], range(data["first_year"], data["last_year"] + 1)
    )
    kind = KINDS["holidays"]
    name = f"{data['country']} {data['first_year']}-{data['last_year']}"
    return _checked(request, kind, write(kind, rows, "csv"), "csv", name)


@require_POST
def imports_check(request: HttpRequest) -> HttpResponse:
    """The dry run: every row's errors, or what the import would change."""
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return render_index(request, form=form)
    upload = form.cleaned_data["file"]
    kind = KINDS[form.cleaned_data["kind"]]
    return _checked(request, kind, upload.read(), format_of(upload.name), upload.name[:100])


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


@reads_from_replica
def imports_export(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    found = _kind_or_404(kind)
    return _file(found, _format_or_404(fmt), list(found.export()), "")
