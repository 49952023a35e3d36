"""The event log's filters, as typed in the page's query string: every one bounded, and a value
that can't be read is a message on the page (the form's errors), never a server error."""

import re
from datetime import datetime
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from hotline.audit.models import Event
from hotline.audit.selectors import local_day_range
from hotline.audit.sentences import noun
from hotline.bounds import FIRST_DAY, LAST_DAY, MAX_ID
from hotline.core.refusal import RULE_IDS
from hotline.paging import MAX_PAGE

# A case as people write it: T-000047, #47 or 47.
_CASE = re.compile(r"^(?:T-?|#)?0*(\d{1,19})$", re.IGNORECASE)
RULE_LENGTH = 3


class PersonChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.get_username())


class EventFilterForm(forms.Form):
    person = PersonChoice(
        label=_("Person"),
        required=False,
        queryset=get_user_model().objects.none(),
        empty_label=_("everyone"),
    )
    case = forms.CharField(
        label=_("Case"),
        required=False,
        max_length=24,
        widget=forms.TextInput(attrs={"placeholder": "T-000047", "size": 10}),
    )
    call = forms.IntegerField(label=_("Call"), required=False, min_value=1, max_value=MAX_ID)
    rule = forms.CharField(
        label=_("Rule"),
        required=False,
        max_length=RULE_LENGTH,
        widget=forms.TextInput(attrs={"placeholder": "B4", "size": 4}),
    )
    day = forms.DateField(
        label=_("Day"),
        required=False,
        validators=[MinValueValidator(FIRST_DAY), MaxValueValidator(LAST_DAY)],
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    entity = forms.ChoiceField(label=_("About"), required=False, choices=[])
    page = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        person: Any = self.fields["person"]
        person.queryset = get_user_model().objects.order_by("first_name", "last_name", "username")
        entities = Event.objects.order_by("entity").values_list("entity", flat=True).distinct()
        entity: Any = self.fields["entity"]
        entity.choices = [("", _("everything"))] + [
            (name, str(known.label) if (known := noun(name)) else name) for name in entities
        ]

    def clean_case(self) -> int | None:
        typed = self.cleaned_data["case"].strip()
        if not typed:
            return None
        found = _CASE.match(typed)
        if found is None or not 1 <= int(found[1]) <= MAX_ID:
            raise forms.ValidationError(_("Type a case number, such as T-000047."))
        return int(found[1])

    def clean_rule(self) -> str:
        rule = str(self.cleaned_data["rule"]).strip().upper()
        if rule and rule not in RULE_IDS:
            raise forms.ValidationError(
                _("No rule %(rule)s: the rulebook has A1-A6, B1-B11, C1-C6, D1-D15, E1-E6."),
                params={"rule": rule},
            )
        return rule

    def selection(self, zone: str) -> dict[str, Any]:
        """The selector's keywords (call after `is_valid()`); the day in `zone`."""
        data = self.cleaned_data
        between: tuple[datetime, datetime] | None = (
            local_day_range(data["day"], zone) if data.get("day") else None
        )
        person = data.get("person")
        return {
            "entity": data.get("entity") or "",
            "rule": data.get("rule") or "",
            "person": person.pk if person is not None else None,
            "ticket": data.get("case"),
            "call": data.get("call"),
            "between": between,
        }
