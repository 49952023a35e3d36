"""The setup page of a new centre (issue 20, admins only): its steps in order, each a form that
is checked, explained, shows what exists already and saves through the owning app's service."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from hotline import clock
from hotline.accounts.views import signed_in
from hotline.core.rulebook import SETTINGS_BY_KEY, SettingError
from hotline.i18n import setting_error_text
from hotline.rulebook.forms import RuleValueForm
from hotline.setup.forms import SettingChoiceForm
from hotline.setup.steps import REASON, STEPS, STEPS_BY_SLUG, Step


def setup_index(request: HttpRequest) -> HttpResponse:
    steps = [(step, len(step.existing())) for step in STEPS]
    return render(request, "setup/index.html", {"steps": steps})


def _form(step: Step, request: HttpRequest) -> tuple[forms.Form, SettingChoiceForm | None]:
    """The step's form, bound to a POST; the rulebook step's is the rulebook's own form for
    the number chosen (GET or POST `key`), the first number until one is chosen."""
    data = request.POST if request.method == "POST" else None
    if step.form is not None:
        return step.form(data, initial=step.initial()), None
    chooser = SettingChoiceForm(request.POST or request.GET or None)
    key = chooser.cleaned_data["key"] if chooser.is_bound and chooser.is_valid() else None
    found = SETTINGS_BY_KEY[key] if key else next(iter(SETTINGS_BY_KEY.values()))
    if not chooser.is_bound:
        chooser = SettingChoiceForm(initial={"key": found.key})
    form = RuleValueForm(data if key else None, setting=found, initial={"reason": REASON})
    return form, chooser


def setup_step(request: HttpRequest, step: str) -> HttpResponse:
    found = STEPS_BY_SLUG.get(step)
    if found is None:
        raise Http404(_("There is no such step."))
    form, chooser = _form(found, request)
    if request.method == "POST" and form.is_bound and form.is_valid():
        try:
            found.save(form, signed_in(request), clock.now())
        except SettingError as error:
            form.add_error(None, setting_error_text(error))
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("%(step)s: saved.") % {"step": found.title})
            return redirect("setup:step", step=found.slug)
    index = STEPS.index(found)
    context = {
        "step": found,
        "number": index + 1,
        "steps": STEPS,
        "next": STEPS[index + 1] if index + 1 < len(STEPS) else None,
        "form": form,
        "chooser": chooser,
        "rows": found.existing(),
    }
    refused = request.method == "POST"  # a POST that saved has been redirected above
    return render(request, "setup/step.html", context, status=400 if refused else 200)
