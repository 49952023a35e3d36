"""Forms of the case pages. They check the shape of what was typed (400 when it is wrong);
the rules are the services' (a refusal is a 409 that names its rule)."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hotline.accounts.choices import Role
from hotline.accounts.models import User
from hotline.directory.models import Customer, CustomerSite, Equipment
from hotline.directory.selectors import SEARCH_LENGTH
from hotline.formatting import local_or_utc
from hotline.paging import MAX_PAGE
from hotline.tickets import limits
from hotline.tickets.choices import IncidentKind, ServiceOption, TicketKind, TicketState
from hotline.tickets.models import LATER_REASON_LENGTH, FaultCategory, Ticket

TEXT_ROWS = 3


def _textarea(rows: int = TEXT_ROWS) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class ScriptMixin:
    """E4: one tick and one answer per scripted step; `script_answers` in the model's shape."""

    steps: list[str]
    fields: dict[str, forms.Field]

    def add_script_fields(self, steps: Sequence[str], done: Sequence[dict[str, Any]]) -> None:
        self.steps = list(steps)
        answers = {str(a.get("step")): a for a in done if isinstance(a, dict)}
        for number, step in enumerate(self.steps):
            previous = answers.get(step, {})
            self.fields[f"step_{number}"] = forms.BooleanField(
                label=gettext(step), required=False, initial=bool(previous)
            )
            self.fields[f"answer_{number}"] = forms.CharField(
                label=_("What the customer saw"),
                required=False,
                max_length=limits.SCRIPT_ANSWER_LENGTH,
                initial=previous.get("answer", ""),
            )

    def script_rows(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        form: Any = self
        return [
            (step, form[f"step_{number}"], form[f"answer_{number}"])
            for number, step in enumerate(self.steps)
        ]

    def script_answers(self, data: dict[str, Any]) -> list[dict[str, Any]]:
        """The steps ticked or answered, in the script's order."""
        answers = []
        for number, step in enumerate(self.steps):
            done = bool(data.get(f"step_{number}"))
            answer = str(data.get(f"answer_{number}") or "").strip()
            if done or answer:
                answers.append({"step": step, "done": done, "answer": answer})
        return answers


class CustomerSearchForm(forms.Form):
    q = forms.CharField(label=_("Customer name or phone"), max_length=SEARCH_LENGTH, required=False)


class NewTicketForm(ScriptMixin, forms.Form):
    """The agent's first screen: who, what kind, where, and the scripted first steps (E4)."""

    customer = forms.ModelChoiceField(queryset=Customer.objects.none(), widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=_("Kind"), choices=TicketKind.choices)
    updates = forms.ModelChoiceField(
        label=_("This call is about"),
        queryset=Ticket.objects.none(),
        required=False,
        empty_label=_("a new problem"),
    )
    site = forms.ModelChoiceField(
        label=_("Site"), queryset=CustomerSite.objects.none(), required=False
    )
    equipment = forms.ModelChoiceField(
        label=_("Equipment"), queryset=Equipment.objects.none(), required=False
    )
    category = forms.ModelChoiceField(
        label=_("Fault category"), queryset=FaultCategory.objects.all(), required=False
    )
    incident_kind = forms.ChoiceField(
        label=_("Incident"),
        choices=[("", "—"), *IncidentKind.choices],
        required=False,
    )
    symptom = forms.CharField(
        label=_("Symptom"),
        required=False,
        max_length=limits.SYMPTOM_LENGTH,
        widget=_textarea(),
        help_text=_("What happens, since when, any error code."),
    )
    contact_name = forms.CharField(
        label=_("Contact name"), required=False, max_length=limits.CONTACT_NAME_LENGTH
    )
    contact_phone = forms.CharField(
        label=_("Contact phone"), required=False, max_length=limits.CONTACT_PHONE_LENGTH
    )

    def __init__(
        self,
        *args: Any,
        customer: Customer | None,
        open_cases: QuerySet[Ticket] | None = None,
        steps: Sequence[str] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["category"].label_from_instance = lambda c: gettext(c.name)
        if customer is not None:
            fields["customer"].queryset = Customer.objects.filter(pk=customer.pk)
            fields["site"].queryset = customer.sites.order_by("address")
            fields["equipment"].queryset = Equipment.objects.filter(
                site__customer=customer
            ).order_by("site__address", "kind")
        if open_cases is not None:
            fields["updates"].queryset = open_cases
            fields["updates"].label_from_instance = _case_label
        self.add_script_fields(steps, [])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        site, equipment = data.get("site"), data.get("equipment")
        if equipment is not None and site is not None and equipment.site_id != site.pk:
            self.add_error("equipment", gettext("This equipment is at another site."))
        if data.get("kind") == TicketKind.INCIDENT and not data.get("incident_kind"):
            self.add_error("incident_kind", gettext("Say what happened."))
        return data


def _case_label(ticket: Ticket) -> str:
    return f"{ticket.number} · {ticket.get_kind_display()} · {ticket.get_state_display()}"


class FactsForm(ScriptMixin, forms.Form):
    """E3: the facts a technician needs, edited by the ticket's owner."""

    symptom = forms.CharField(
        label=_("Symptom"),
        required=False,
        max_length=limits.SYMPTOM_LENGTH,
        widget=_textarea(),
        help_text=_("What happens, since when, any error code."),
    )
    steps_tried = forms.CharField(
        label=_("Steps already tried"),
        required=False,
        max_length=limits.STEPS_TRIED_LENGTH,
        widget=_textarea(2),
    )
    contact_name = forms.CharField(
        label=_("Contact name"), required=False, max_length=limits.CONTACT_NAME_LENGTH
    )
    contact_phone = forms.CharField(
        label=_("Contact phone"), required=False, max_length=limits.CONTACT_PHONE_LENGTH
    )
    site = forms.ModelChoiceField(
        label=_("Site"), queryset=CustomerSite.objects.none(), required=False
    )
    equipment = forms.ModelChoiceField(
        label=_("Equipment"), queryset=Equipment.objects.none(), required=False
    )
    category = forms.ModelChoiceField(
        label=_("Fault category"), queryset=FaultCategory.objects.all(), required=False
    )
    special_request = forms.CharField(
        label=_("Special request"),
        required=False,
        max_length=limits.SPECIAL_REQUEST_LENGTH,
        widget=_textarea(2),
        help_text=_("Needs the team lead's approval (D1)."),
    )

    FACTS = (
        "symptom",
        "steps_tried",
        "contact_name",
        "contact_phone",
        "site",
        "equipment",
        "category",
        "special_request",
    )

    def __init__(self, *args: Any, ticket: Ticket, steps: Sequence[str], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {name: getattr(ticket, name) for name in self.FACTS})
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["category"].label_from_instance = lambda c: gettext(c.name)
        fields["site"].queryset = ticket.customer.sites.order_by("address")
        fields["equipment"].queryset = Equipment.objects.filter(
            site__customer_id=ticket.customer_id
        ).order_by("site__address", "kind")
        self.add_script_fields(steps, ticket.script_answers or [])

    def facts(self) -> dict[str, Any]:
        data = self.cleaned_data
        found = {name: data[name] for name in self.FACTS if name in data}
        if self.steps:
            found["script_answers"] = self.script_answers(data)
        return found

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        site, equipment = data.get("site"), data.get("equipment")
        if equipment is not None and site is not None and equipment.site_id != site.pk:
            self.add_error("equipment", gettext("This equipment is at another site."))
        return data


class LocalDateTimeField(forms.DateTimeField):
    """A datetime-local input read and shown in the centre's time zone (the one pages show)."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def __init__(self, *args: Any, zone: str = "UTC", **kwargs: Any) -> None:
        self.zone = zone
        super().__init__(*args, **kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, datetime) and value.tzinfo is not None:
            # A window stored near the end of year 9999 (before bounds) is shown in UTC.
            return local_or_utc(value, ZoneInfo(self.zone)).replace(tzinfo=None)
        return value

    def to_python(self, value: Any) -> datetime | None:
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            found = value
        else:
            try:
                found = datetime.fromisoformat(str(value).strip())
            except ValueError:
                raise forms.ValidationError(
                    self.error_messages["invalid"], code="invalid"
                ) from None
        return found if found.tzinfo else found.replace(tzinfo=ZoneInfo(self.zone))


class WindowForm(forms.Form):
    """A5 / C1 / D1 / D6: the visit window offered to the customer; a window past the response
    limit only as the customer's own choice, with why."""

    start = LocalDateTimeField(label=_("Visit from"))
    end = LocalDateTimeField(label=_("Visit until"))
    customer_chose_later = forms.BooleanField(
        label=_("The customer chose a later date than we promise"),
        required=False,
        help_text=_("D6: the response limit then follows their date. Say why."),
    )
    later_reason = forms.CharField(
        label=_("Why the customer wants a later date"),
        required=False,
        max_length=LATER_REASON_LENGTH,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("customer_chose_later") and not str(data.get("later_reason", "")).strip():
            self.add_error("later_reason", gettext("Say why the customer wants a later date."))
        return data

    def __init__(self, *args: Any, zone: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("start", "end"):
            field: Any = self.fields[name]
            field.zone = zone


class OptionsForm(forms.Form):
    """C4: what was offered and what the customer chose."""

    offered = forms.MultipleChoiceField(
        label=_("Offered"), choices=ServiceOption.choices, widget=forms.CheckboxSelectMultiple
    )
    chosen = forms.ChoiceField(
        label=_("The customer chose"), choices=ServiceOption.choices, widget=forms.RadioSelect
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=limits.REASON_LENGTH, widget=_textarea(2)
    )


class ResolutionForm(forms.Form):
    resolution = forms.CharField(
        label=_("How it was solved"), max_length=limits.RESOLUTION_LENGTH, widget=_textarea(2)
    )


class OutcomeForm(forms.Form):
    outcome = forms.CharField(
        label=_("Outcome"), max_length=limits.OUTCOME_LENGTH, widget=_textarea(2)
    )


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("What the customer said"),
        max_length=limits.NOTE_LENGTH,
        required=False,
        widget=_textarea(2),
    )


class DecisionForm(forms.Form):
    decision = forms.CharField(
        label=_("Decision"), max_length=limits.DECISION_LENGTH, widget=_textarea()
    )


class ReportForm(forms.Form):
    report = forms.CharField(
        label=_("Written report"), max_length=limits.REPORT_LENGTH, widget=_textarea(6)
    )


class ApprovalForm(forms.Form):
    approved = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("Approve")), ("0", _("Refuse"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("Reason"), max_length=limits.REASON_LENGTH, required=False)


class ReassignForm(forms.Form):
    """B10: the case goes to another member of its owner's team (the one its team lead leads)."""

    to_agent = forms.ModelChoiceField(label=_("Give the case to"), queryset=User.objects.none())
    reason = forms.CharField(label=_("Reason"), max_length=limits.REASON_LENGTH)

    def __init__(self, *args: Any, ticket: Ticket, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        team_id = ticket.owner.team_id
        if team_id is None:  # an owner in no team has no lead to hand the case on
            return
        field: Any = self.fields["to_agent"]
        field.queryset = (
            User.objects.filter(
                role__in=[Role.AGENT, Role.TEAM_LEAD], is_active=True, team_id=team_id
            )
            .exclude(pk=ticket.owner_id)
            .order_by("username")
        )


class HandForm(forms.Form):
    """D9: the site whose region's engineer answers, when the complaint has none yet."""

    site = forms.ModelChoiceField(
        label=_("The customer's site"), queryset=CustomerSite.objects.none(), required=False
    )

    def __init__(self, *args: Any, ticket: Ticket, **kwargs: Any) -> None:
        about = ticket.updates.site_id if ticket.updates_id and ticket.updates else None
        kwargs.setdefault("initial", {"site": ticket.site_id or about})
        super().__init__(*args, **kwargs)
        field: Any = self.fields["site"]
        field.queryset = ticket.customer.sites.select_related("region").order_by("address")
        field.label_from_instance = lambda site: f"{site.address} · {site.region.name}"


class ListFilterForm(forms.Form):
    STATE_OPEN = "open"
    STATE_ALL = "all"

    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[],
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("every kind")), *TicketKind.choices]
    )
    mine = forms.BooleanField(label=_("Only mine"), required=False)
    page = forms.IntegerField(min_value=1, max_value=MAX_PAGE, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["state"]
        field.choices = [
            (self.STATE_OPEN, _("open cases")),
            (self.STATE_ALL, _("every state")),
            *TicketState.choices,
        ]
