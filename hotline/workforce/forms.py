"""The workforce pages' inputs, bounded on the server: the browser's `maxlength`, `min` and
`max` are a convenience, not a check. A value out of bounds is a form error in the reader's
language (422, what was typed shown again) before any service runs; the services keep the rules.
"""

from typing import TYPE_CHECKING

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from hotline.bounds import FIRST_DAY, LAST_DAY, MAX_ID
from hotline.workforce.models import LeaveRequest
from hotline.workforce.services import MAX_WEEKS

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

REASON_LENGTH = LeaveRequest._meta.get_field("reason").max_length or 300
# A shift's breaks as typed: a few lines of "break 10:00-10:15"; a day has far fewer.
BREAKS_LENGTH = 500
TIME_LENGTH = 5  # HH:MM


def _day(label: "StrOrPromise") -> forms.DateField:
    return forms.DateField(
        label=label,
        validators=[MinValueValidator(FIRST_DAY), MaxValueValidator(LAST_DAY)],
    )


class LeaveForm(forms.Form):
    first_day = _day(_("From"))
    last_day = _day(_("Until"))
    reason = forms.CharField(label=_("Reason"), max_length=REASON_LENGTH)


class GenerateForm(forms.Form):
    team = forms.IntegerField(label=_("Team"), min_value=1, max_value=MAX_ID)
    first_monday = _day(_("First Monday"))
    weeks = forms.IntegerField(label=_("Weeks"), min_value=1, max_value=MAX_WEEKS)


class ShiftForm(forms.Form):
    prep_start = forms.CharField(label=_("Preparation from"), max_length=TIME_LENGTH)
    start = forms.CharField(label=_("First call"), max_length=TIME_LENGTH)
    end = forms.CharField(label=_("End"), max_length=TIME_LENGTH)
    breaks = forms.CharField(label=_("Breaks"), max_length=BREAKS_LENGTH, required=False)


class AdherenceForm(forms.Form):
    team = forms.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    day = forms.DateField(
        required=False, validators=[MinValueValidator(FIRST_DAY), MaxValueValidator(LAST_DAY)]
    )


def first_error(form: forms.Form) -> str:
    """The form's first error as one line, naming the field: "Reason: Ensure this value..."."""
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else None
        return f"{label}: {errors[0]}" if label else str(errors[0])
    return ""
