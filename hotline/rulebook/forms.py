from django import forms
from django.utils.translation import gettext_lazy as _

from hotline.core.rulebook import RESOLUTION_ORDER, Kind, Setting
from hotline.formatting import setting_text, typed_duration


class RuleValueForm(forms.Form):
    value = forms.CharField(label=_("New value"), max_length=32)
    scope = forms.ChoiceField(label=_("Applies to"))
    scope_ref = forms.CharField(
        label=_("Team, queue, zone or customer"),
        max_length=64,
        required=False,
        help_text=_("Leave empty for the whole deployment."),
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: object, setting: Setting, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.setting = setting
        scopes = [s for s in reversed(RESOLUTION_ORDER) if setting.allows(s)]
        scope_field = self.fields["scope"]
        assert isinstance(scope_field, forms.ChoiceField)
        scope_field.choices = [(s.value, SCOPE_LABELS[s.value]) for s in scopes]
        self.fields["value"].help_text = _(
            "Default: %(default)s. Allowed: %(minimum)s to %(maximum)s."
        ) % {
            "default": setting_text(setting, setting.default),
            "minimum": setting_text(setting, setting.minimum),
            "maximum": setting_text(setting, setting.maximum),
        }

    def clean_value(self) -> str:
        """The help names units in the reader's words ("15 мин"): typed so, they are read too."""
        raw = str(self.cleaned_data["value"])
        return typed_duration(raw) if self.setting.kind is Kind.DURATION else raw


SCOPE_LABELS = {
    "deployment": _("the whole deployment"),
    "team": _("one team"),
    "queue": _("one queue"),
    "zone": _("one zone"),
    "customer": _("one customer"),
}


class ResetForm(forms.Form):
    scope = forms.CharField(max_length=16)
    scope_ref = forms.CharField(max_length=64, required=False)
    reason = forms.CharField(label=_("Reason"), max_length=500)
