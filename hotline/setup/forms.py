"""The setup page's forms, one per step: every field bounded, every choice from a list."""

from datetime import time
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hotline.accounts.centre import NAME_MAX
from hotline.accounts.models import Site, Team
from hotline.calls.services.queues import CODE_MAX
from hotline.core.rulebook import SETTINGS
from hotline.rulebook.calendars import time_zones
from hotline.rulebook.models import Calendar

WEEKDAY_CHOICES = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


class SiteForm(forms.Form):
    name = forms.CharField(label=_("Site name"), max_length=NAME_MAX)
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        help_text=_("Its agents' desks, shifts and day totals count in this zone."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = [("", "—"), *((z, z) for z in time_zones())]  # type: ignore[attr-defined]


class HoursForm(forms.Form):
    calendar = forms.ModelChoiceField(
        label=_("Site"), queryset=Calendar.objects.none(), empty_label=None
    )
    working_days = forms.TypedMultipleChoiceField(
        label=_("Open on"),
        choices=WEEKDAY_CHOICES,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one working day.")},
    )
    opens = forms.TimeField(
        label=_("Opens at"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    closes = forms.TimeField(
        label=_("Closes at"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        calendars = Calendar.objects.filter(sites__isnull=False).distinct().order_by("name")
        self.fields["calendar"].queryset = calendars  # type: ignore[attr-defined]
        self.fields["calendar"].label_from_instance = lambda c: f"{c.name} ({c.time_zone})"  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens, closes = data.get("opens"), data.get("closes")
        if isinstance(opens, time) and isinstance(closes, time) and opens >= closes:
            self.add_error("closes", _("The centre closes after it opens, on the same day."))
        return data


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Team name"), max_length=NAME_MAX)
    site = forms.ModelChoiceField(label=_("Site"), queryset=Site.objects.order_by("name"))


class QueueForm(forms.Form):
    code = forms.SlugField(
        label=_("Code"),
        max_length=CODE_MAX,
        help_text=_("How the telephone exchange names the line: small letters, digits, dashes."),
    )
    name = forms.CharField(label=_("Queue name"), max_length=NAME_MAX)
    team = forms.ModelChoiceField(
        label=_("Answered by the team"), queryset=Team.objects.order_by("name")
    )


class SettingChoiceForm(forms.Form):
    """Which rulebook number to set: the number's own form (the rulebook's) follows."""

    key = forms.ChoiceField(label=_("Rulebook number"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["key"].choices = [  # type: ignore[attr-defined]
            (s.key, " · ".join((s.rule, str(_(s.label))))) for s in SETTINGS
        ]
