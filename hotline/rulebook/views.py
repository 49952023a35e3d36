from itertools import groupby

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from hotline import clock
from hotline.accounts.views import signed_in
from hotline.core.rulebook import SETTINGS_BY_KEY, Scope, Setting, SettingError
from hotline.i18n import setting_error_text
from hotline.rulebook.forms import ResetForm, RuleValueForm
from hotline.rulebook.selectors import rulebook_rows
from hotline.rulebook.services import rule_value_reset, rule_value_set

SECTIONS = {
    "A": gettext_lazy("A. Customer calls"),
    "B": gettext_lazy("B. Employees on shift"),
    "C": gettext_lazy("C. Customer satisfaction"),
    "D": gettext_lazy("D. After-sales service centre"),
    "E": gettext_lazy("E. Tickets and work orders"),
}


def rulebook_list(request: HttpRequest) -> HttpResponse:
    rows = rulebook_rows()
    sections = [
        (SECTIONS[letter], list(items))
        for letter, items in groupby(rows, key=lambda row: row.setting.rule[0])
    ]
    return render(request, "rulebook/list.html", {"sections": sections})


def _setting_or_404(key: str) -> Setting:
    if key not in SETTINGS_BY_KEY:
        raise Http404(_("There is no such setting."))
    return SETTINGS_BY_KEY[key]


def rulebook_edit(request: HttpRequest, key: str) -> HttpResponse:
    found = _setting_or_404(key)
    form = RuleValueForm(request.POST or None, setting=found)
    if request.method == "POST" and form.is_valid():
        try:
            rule_value_set(
                actor=signed_in(request),
                now=clock.now(),
                key=key,
                raw=form.cleaned_data["value"],
                scope=Scope(form.cleaned_data["scope"]),
                scope_ref=form.cleaned_data["scope_ref"],
                reason=form.cleaned_data["reason"],
            )
        except SettingError as error:
            form.add_error(None, setting_error_text(error))
        else:
            messages.success(
                request, _("%(rule)s: the new value is in force.") % {"rule": found.rule}
            )
            return redirect("rulebook:list")
    return render(
        request,
        "rulebook/edit.html",
        {"setting": found, "form": form},
        status=422 if form.errors else 200,
    )


@require_POST
def rulebook_reset(request: HttpRequest, key: str) -> HttpResponse:
    found = _setting_or_404(key)
    form = ResetForm(request.POST)
    if not form.is_valid() or form.cleaned_data["scope"] not in Scope:
        messages.error(request, _("Say why the number changes: the change is audited."))
        return redirect("rulebook:edit", key=key)
    try:
        rule_value_reset(
            actor=signed_in(request),
            now=clock.now(),
            key=key,
            scope=Scope(form.cleaned_data["scope"]),
            scope_ref=form.cleaned_data["scope_ref"],
            reason=form.cleaned_data["reason"],
        )
    except SettingError as error:
        messages.error(request, setting_error_text(error))
    else:
        messages.success(request, _("%(rule)s: back to the default.") % {"rule": found.rule})
    return redirect("rulebook:list")
