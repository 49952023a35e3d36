"""The agent's case pages: the new-ticket form (E4), the ticket page (E3 hints, A5/C1 window, C4,
E2 read-back, D2, D11, A6, D8, D9) and the case list. Services decide; pages show.

A refusal re-renders the page with the rule named and everything typed kept (409); a form
that does not parse re-renders with its errors (400); a ticket the user may not see is a 404.
"""

import copy
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from hotline import clock
from hotline.accounts.choices import Role
from hotline.accounts.models import User
from hotline.accounts.permissions import may_open_view
from hotline.accounts.views import signed_in
from hotline.audit.models import Event
from hotline.calls.models import Call
from hotline.core.refusal import PolicyRefusal
from hotline.directory.models import Customer
from hotline.directory.selectors import customers_matching
from hotline.tickets.choices import FIELD_KINDS, OPEN_TICKET_STATES, TicketKind, TicketState
from hotline.tickets.events import TicketAction, TicketsEntity
from hotline.tickets.forms import (
    CustomerSearchForm,
    FactsForm,
    NewTicketForm,
    NoteForm,
    OptionsForm,
    OutcomeForm,
    ReasonForm,
    ReassignForm,
    ResolutionForm,
    WindowForm,
)
from hotline.tickets.models import FaultCategory, Ticket
from hotline.tickets.selectors import cases_to_link, script_for, ticket_quality
from hotline.tickets.services import (
    complaint_escalate,
    complaint_settle,
    ticket_confirm,
    ticket_create,
    ticket_edit,
    ticket_escalate,
    ticket_promise_callback,
    ticket_read_back,
    ticket_reassign,
    ticket_record_options,
    ticket_set_window,
    ticket_solve,
)
from hotline.tickets.services import handling as services_handling
from hotline.tickets.views.common import (
    centre_tz,
    page_base,
    refusal_context,
    tabs_for,
    visible_ticket,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# States in which the owner still writes the ticket (what the facts form is shown for).
WRITING_STATES = frozenset({TicketState.OPEN, TicketState.READ_BACK, TicketState.BOUNCED})
# States in which the owner may still close it on the phone (D2: no work order yet) or answer
# the callback (D11): the services decide.
SOLVABLE_STATES = services_handling.SOLVABLE_STATES
SETTLED_ELSEWHERE = frozenset({TicketKind.COMPLAINT, TicketKind.INCIDENT})
CUSTOMER_MATCHES = 20

# --- the new-ticket form --------------------------------------------------------------------


def new_ticket(request: HttpRequest) -> HttpResponse:
    """From the desk (`?call=`: the screen pop's customer) or from a customer search."""
    me = signed_in(request)
    params = request.POST if request.method == "POST" else request.GET
    call = _own_call(me, params.get("call", ""))
    customer = _customer(params.get("customer", ""))
    if customer is None and call is not None and "q" not in params:
        customer = call.customer  # the screen pop; `q` asks for a search instead
    open_cases = cases_to_link(customer).select_related("customer") if customer else None
    steps = _script_preview(params, open_cases)
    context: dict[str, Any] = {
        "call": call,
        "customer": customer,
        "search": None,
        "matches": [],
        "base": page_base(request),
        **refusal_context(None),
    }
    if customer is None:
        search = CustomerSearchForm(request.GET)
        context["search"] = search
        context["matches"] = _customers_matching(me, search)
    if request.method != "POST":
        initial = _new_ticket_initial(customer, call) | request.GET.dict()
        context["form"] = NewTicketForm(
            initial=initial, customer=customer, open_cases=open_cases, steps=steps
        )
        return render(request, "tickets/new.html", context)
    form = NewTicketForm(request.POST, customer=customer, open_cases=open_cases, steps=steps)
    context["form"] = form
    if not form.is_valid():
        return render(request, "tickets/new.html", context, status=400)
    try:
        ticket = _create(me, form, call)
    except PolicyRefusal as refused:
        context.update(refusal_context(refused))
        return render(request, "tickets/new.html", context, status=409)
    except ValidationError as error:  # the service's own input checks
        form.add_error(None, error)
        return render(request, "tickets/new.html", context, status=400)
    messages.success(
        request,
        _("%(ticket)s opened. Tell the customer what their agreement promises.")
        % {"ticket": ticket.number},
    )
    return redirect("tickets:detail", ticket_id=ticket.pk)


def _create(me: User, form: NewTicketForm, call: Call | None) -> Ticket:
    data = form.cleaned_data
    return ticket_create(
        actor=me,
        now=clock.now(),
        customer=data["customer"],
        kind=data["kind"],
        call=call,
        updates=data.get("updates"),
        site=data.get("site"),
        equipment=data.get("equipment"),
        category=data.get("category"),
        symptom=data.get("symptom", ""),
        contact_name=data.get("contact_name", ""),
        contact_phone=data.get("contact_phone", ""),
        incident_kind=data.get("incident_kind", ""),
        script_answers=form.script_answers(data),  # E4: the steps walked through on the call
    )


def _own_call(me: User, call_id: str) -> Call | None:
    """Only the agent's own call can be linked; anyone else's is a 404."""
    if not call_id:
        return None
    if not call_id.isdigit():
        raise Http404
    return get_object_or_404(Call.objects.select_related("customer"), pk=int(call_id), agent=me)


def _customer(customer_id: str) -> Customer | None:
    return Customer.objects.filter(pk=int(customer_id)).first() if customer_id.isdigit() else None


def _customers_matching(me: User, search: CustomerSearchForm) -> list[Customer]:
    """Name, e-mail, phone digits or account number: the one customer search (directory)."""
    if not search.is_valid():
        return []
    return customers_matching(me, search.cleaned_data["q"], CUSTOMER_MATCHES)


def _script_preview(params: Any, open_cases: QuerySet[Ticket] | None) -> list[str]:
    """E4: the script of the chosen category, none when the call is about an open case."""
    category_id, updates_id = params.get("category", ""), params.get("updates", "")
    draft = Ticket(kind=params.get("kind", TicketKind.REPAIR))
    if category_id.isdigit():
        draft.category = FaultCategory.objects.filter(pk=int(category_id)).first()
    if updates_id.isdigit() and open_cases is not None:
        draft.updates = open_cases.filter(pk=int(updates_id)).first()
    if draft.category is None:
        return []
    return list(script_for(draft))


def _new_ticket_initial(customer: Customer | None, call: Call | None) -> dict[str, Any]:
    initial: dict[str, Any] = {"kind": TicketKind.REPAIR}
    if customer is None:
        return initial
    initial |= {
        "customer": customer.pk,
        "contact_name": customer.name,
        "contact_phone": (call.caller_number if call else "") or customer.phone,
    }
    sites = list(customer.sites.all()[:2])
    if len(sites) == 1:  # one site: nothing to choose
        initial["site"] = sites[0].pk
        equipment = list(sites[0].equipment.all()[:2])
        if len(equipment) == 1:
            initial["equipment"] = equipment[0].pk
    return initial


# --- the ticket page ------------------------------------------------------------------------


def detail(request: HttpRequest, ticket_id: int) -> HttpResponse:
    me = signed_in(request)
    return _detail(request, me, visible_ticket(me, ticket_id))


def _detail(
    request: HttpRequest,
    me: User,
    ticket: Ticket,
    *,
    bound: dict[str, forms.Form] | None = None,
    refusal: PolicyRefusal | None = None,
    errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    zone = centre_tz()
    base = page_base(request)
    steps = list(script_for(ticket))
    page_forms = _unbound_forms(ticket, steps, zone) | (bound or {})
    facts_form = page_forms["edit"]
    # D11 / B10: the owner works the ticket, and a team lead may (the services decide; this
    # only chooses which forms to show).
    is_owner = ticket.owner_id == me.pk or me.role == Role.TEAM_LEAD
    # The writing flow: the window and the options are part of the facts form, so the three
    # read and are saved as one (_act_flow).
    flow = is_owner and ticket.state in WRITING_STATES and ticket.kind in FIELD_KINDS
    context = {
        "ticket": ticket,
        "centre_tz": zone,
        "forms": page_forms,
        "steps": steps,
        "hints": _hints(ticket, facts_form if bound and "edit" in bound else None),
        "is_owner": is_owner,
        "live_hints": is_owner and ticket.state in WRITING_STATES,
        "may_act": may_open_view(me.role, "tickets:act"),
        "may_chase": "chase" in ACTIONS and may_open_view(me.role, "tickets:chase"),
        # D2 / D11: complaints and incidents are settled their own way (D9, D10)
        "solvable": ticket.state in SOLVABLE_STATES and ticket.kind not in SETTLED_ELSEWHERE,
        "is_lead": me.role == Role.TEAM_LEAD,
        "writing": ticket.state in WRITING_STATES,
        "flow": flow,
        "is_open": ticket.state in OPEN_TICKET_STATES,
        "field_kind": ticket.kind in FIELD_KINDS,
        "complaint": getattr(ticket, "complaint", None),
        "incident": getattr(ticket, "incident", None),
        "work_orders": ticket.work_orders.select_related("provider").order_by("dispatched_at"),
        "chases": ticket.chases.select_related("by"),
        "escalations": ticket.escalations.select_related("by"),
        "deadlines": ticket.deadlines.order_by("due_at", "id"),
        "linked_cases": ticket.updated_by.order_by("created_at"),
        "events": [(e, ACTION_LABELS.get(e.action, e.action)) for e in _history(ticket)],
        "tabs": tabs_for(me) if base == "base.html" else [],
        "base": base,
        "active_action": next(iter(bound), "") if bound else "",
        "errors": errors or [],
        **refusal_context(refusal),
    }
    return render(request, "tickets/detail.html", context, status=status)


def _unbound_forms(ticket: Ticket, steps: list[str], zone: str) -> dict[str, forms.Form]:
    return {name: build(None, ticket, steps, zone) for name, build in FORM_BUILDERS.items()}


FormBuilder = Callable[[Any, Ticket, list[str], str], forms.Form]

FORM_BUILDERS: dict[str, FormBuilder] = {
    "edit": lambda data, t, steps, zone: FactsForm(data, ticket=t, steps=steps),
    "window": lambda data, t, steps, zone: WindowForm(
        data,
        zone=zone,
        initial={
            "start": t.window_start,
            "end": t.window_end,
            "customer_chose_later": bool(t.later_date_reason),
            "later_reason": t.later_date_reason,
        },
    ),
    "options": lambda data, t, steps, zone: OptionsForm(
        data, initial={"offered": t.options_offered, "chosen": t.option_chosen}
    ),
    "solve": lambda data, t, steps, zone: ResolutionForm(data, prefix="solve"),
    "escalate": lambda data, t, steps, zone: ReasonForm(data, prefix="escalate"),
    "settle": lambda data, t, steps, zone: OutcomeForm(data, prefix="settle"),
    "complain": lambda data, t, steps, zone: ReasonForm(data, prefix="complain"),
    "chase": lambda data, t, steps, zone: NoteForm(data, prefix="chase"),
    "reassign": lambda data, t, steps, zone: ReassignForm(data, ticket=t, prefix="reassign"),
}


def _hints(ticket: Ticket, typed: forms.Form | None) -> list[Any]:
    """E3: what is still missing, from the saved ticket or from what is being typed."""
    return list(ticket_quality(_with_typed_facts(ticket, typed) if typed else ticket))


def _with_typed_facts(ticket: Ticket, typed: forms.Form) -> Ticket:
    """An unsaved copy of the ticket with the facts typed so far (for the hints only)."""
    draft = copy.copy(ticket)
    typed.is_valid()
    data = getattr(typed, "cleaned_data", {})
    for name in FactsForm.FACTS:
        if name in data:
            setattr(draft, name, data[name])
    if isinstance(typed, FactsForm) and typed.steps:
        draft.script_answers = typed.script_answers(data)
    return draft


ACTION_LABELS: dict[str, "StrOrPromise"] = {
    TicketAction.CREATED: gettext_lazy("Opened"),
    TicketAction.CALL_LINKED: gettext_lazy("A call about it was linked"),
    TicketAction.EDITED: gettext_lazy("Facts edited"),
    TicketAction.WINDOW_SET: gettext_lazy("Visit window set"),
    TicketAction.COMPLAINT_ABOUT: gettext_lazy("Complaint about a case and its work order"),
    TicketAction.OPTIONS_RECORDED: gettext_lazy("Options and choice recorded"),
    TicketAction.READ_BACK: gettext_lazy("Read back to the customer"),
    TicketAction.CONFIRMED: gettext_lazy("Confirmed by the customer"),
    TicketAction.SPECIAL_APPROVED: gettext_lazy("Special request decided"),
    TicketAction.BOUNCED: gettext_lazy("Sent back by the dispatcher"),
    TicketAction.SOLVED: gettext_lazy("Solved"),
    TicketAction.CALLBACK_PROMISED: gettext_lazy("Callback promised"),
    TicketAction.REASSIGNED: gettext_lazy("Given to another agent"),
    TicketAction.ESCALATED: gettext_lazy("Escalated"),
    TicketAction.CHASED: gettext_lazy("Customer chased"),
    TicketAction.CHASE_REPLIED: gettext_lazy("Reply to the chase"),
    TicketAction.COMPLAINT_SETTLED: gettext_lazy("Complaint settled on the call"),
    TicketAction.COMPLAINT_ESCALATED: gettext_lazy("Complaint sent to the team lead"),
    TicketAction.COMPLAINT_TO_ENGINEER: gettext_lazy("Complaint handed to the engineer"),
    TicketAction.COMPLAINT_ANSWERED: gettext_lazy("Complaint answered"),
    TicketAction.INCIDENT_REPORTED: gettext_lazy("Incident reported"),
    TicketAction.INCIDENT_DECIDED: gettext_lazy("Manager's decision"),
    TicketAction.INCIDENT_REPORT_FILED: gettext_lazy("Written report filed"),
}


def _history(ticket: Ticket) -> QuerySet[Event]:
    """The case's events: its complaint's and incident's steps are written on the case too."""
    about = Q(entity=TicketsEntity.TICKET, entity_id=str(ticket.pk))
    return Event.objects.filter(about).order_by("at", "id")


@require_POST
def hints(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """E3, live: the missing facts for what the agent has typed, before it is saved."""
    me = signed_in(request)
    ticket = visible_ticket(me, ticket_id)
    typed = FactsForm(request.POST, ticket=ticket, steps=list(script_for(ticket)))
    context = {"ticket": ticket, "hints": _hints(ticket, typed), "live": True}
    return render(request, "tickets/_hints.html", context)


# (actor, now, ticket, the valid form or None) -> the service's answer
Action = Callable[[User, datetime, Ticket, Any], object]  # (actor, now, ticket, bound form)


def _facts(form: FactsForm) -> dict[str, Any]:
    return form.facts()


def _save_and_read_back(me: User, now: datetime, ticket: Ticket, form: FactsForm) -> Ticket:
    """The read-back button sits in the facts form: what was typed is saved first, so a refusal
    (E3) loses nothing and the summary says what the agent sees."""
    ticket = ticket_edit(actor=me, now=now, ticket=ticket, **form.facts())
    return ticket_read_back(actor=me, now=now, ticket=ticket)


ACTIONS: dict[str, Action] = {
    "edit": lambda me, now, t, f: ticket_edit(actor=me, now=now, ticket=t, **_facts(f)),
    "window": lambda me, now, t, f: ticket_set_window(
        actor=me,
        now=now,
        ticket=t,
        start=f.cleaned_data["start"],
        end=f.cleaned_data["end"],
        customer_chose_later=f.cleaned_data["customer_chose_later"],
        later_reason=f.cleaned_data["later_reason"],
    ),
    "options": lambda me, now, t, f: ticket_record_options(
        actor=me,
        now=now,
        ticket=t,
        offered=list(f.cleaned_data["offered"]),
        chosen=f.cleaned_data["chosen"],
    ),
    "read_back": lambda me, now, t, f: _save_and_read_back(me, now, t, f),
    "confirm": lambda me, now, t, f: ticket_confirm(actor=me, now=now, ticket=t),
    "solve": lambda me, now, t, f: ticket_solve(
        actor=me, now=now, ticket=t, resolution=f.cleaned_data["resolution"]
    ),
    "callback": lambda me, now, t, f: ticket_promise_callback(actor=me, now=now, ticket=t),
    "escalate": lambda me, now, t, f: ticket_escalate(
        actor=me, now=now, ticket=t, reason=f.cleaned_data["reason"]
    ),
    "settle": lambda me, now, t, f: complaint_settle(
        actor=me, now=now, ticket=t, outcome=f.cleaned_data["outcome"]
    ),
    "complain": lambda me, now, t, f: complaint_escalate(
        actor=me, now=now, ticket=t, reason=f.cleaned_data["reason"]
    ),
    "reassign": lambda me, now, t, f: ticket_reassign(
        actor=me,
        now=now,
        ticket=t,
        to_agent=f.cleaned_data["to_agent"],
        reason=f.cleaned_data["reason"],
    ),
}


# D8: "the customer chased" urges the provider's open work order, which is dispatch's (an app
# above tickets): dispatch registers it here in its AppConfig.ready(), so the ticket page
# imports none of it. Without it the page offers no chase and its URL answers 400.
def case_action(name: str, action: Action) -> None:
    """Let the ticket page run `action` for the button `name`; its form (FORM_BUILDERS), its
    message (DONE_MESSAGES) and who may press it (the view's URL and permission) are the
    page's own."""
    ACTIONS[name] = action


DONE_MESSAGES = {
    "edit": gettext_lazy("Saved."),
    "window": gettext_lazy("Visit window saved."),
    "options": gettext_lazy("The customer's choice is recorded."),
    "read_back": gettext_lazy("Read the summary to the customer, then record their confirmation."),
    "confirm": gettext_lazy("The customer confirmed the ticket."),
    "solve": gettext_lazy("Solved on the phone."),
    "callback": gettext_lazy("Callback promised."),
    "escalate": gettext_lazy("Escalated."),
    "settle": gettext_lazy("Complaint settled on the call."),
    "complain": gettext_lazy("Complaint sent to the team lead."),
    "chase": gettext_lazy(
        "Chase recorded: the provider is urged and the customer promised a reply."
    ),
    "reassign": gettext_lazy("Case given to another agent."),
}


@require_POST
def act(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """One action of the owner on the ticket page (the name is the button's value)."""
    return _act(request, ticket_id, request.POST.get("action", ""), allowed=OWNER_ACTIONS)


@require_POST
def chase(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """D8: the customer chased (agents, and dispatchers taking the call)."""
    return _act(request, ticket_id, "chase", allowed={"chase"})


@require_POST
def reassign(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """B10: only the team lead gives a case to another agent."""
    return _act(request, ticket_id, "reassign", allowed={"reassign"})


# The owner's buttons; chase (registered by dispatch) and reassign have their own URLs.
OWNER_ACTIONS = frozenset(ACTIONS) - {"chase", "reassign"}


def _act(
    request: HttpRequest, ticket_id: int, name: str, *, allowed: frozenset[str] | set[str]
) -> HttpResponse:
    me = signed_in(request)
    ticket = visible_ticket(me, ticket_id)
    if name not in allowed or name not in ACTIONS:
        return HttpResponse(status=400)
    if request.POST.get("flow") and name in FLOW_ACTIONS:
        return _act_flow(request, me, ticket, name)
    form_name = FORM_OF.get(name, name)
    build = FORM_BUILDERS.get(form_name)
    form = build(request.POST, ticket, list(script_for(ticket)), centre_tz()) if build else None
    bound = {form_name: form} if form is not None else {}
    if form is not None and not form.is_valid():
        return _detail(request, me, ticket, bound=bound, status=400)
    try:
        ACTIONS[name](me, clock.now(), ticket, form)
    except PolicyRefusal as refused:
        fresh = visible_ticket(me, ticket_id)  # a refusal changed nothing: show it as stored
        return _detail(request, me, fresh, bound=bound, refusal=refused, status=409)
    except ValidationError as error:  # the service's own input checks
        if form is None:
            return _detail(request, me, ticket, errors=error.messages, status=400)
        form.add_error(None, error)
        return _detail(request, me, ticket, bound=bound, status=400)
    except Ticket.DoesNotExist:
        raise Http404 from None
    messages.success(request, str(DONE_MESSAGES[name]))
    return redirect(reverse("tickets:detail", args=[ticket.pk]) + f"#{ANCHORS.get(name, 'top')}")


FORM_OF = {"read_back": "edit"}  # actions posted from another action's form
ANCHORS = {"read_back": "read-back", "confirm": "top", "window": "window", "options": "options"}


# --- the writing flow: facts, window and options in one form --------------------------------

# While the owner writes a field case, the ticket page shows one form (`flow`): the facts, the
# visit window and the options, saved together, then read back. Each part is still its own
# service (and API operation); what was not typed, or not changed, is not sent to it.
FLOW_ACTIONS = frozenset({"edit", "read_back"})


def _window_typed(data: Any) -> bool:
    return any(data.get(name) for name in ("start", "end", "later_reason"))


def _options_typed(data: Any) -> bool:
    return bool(data.getlist("offered") or data.get("chosen"))


def _act_flow(request: HttpRequest, me: User, ticket: Ticket, name: str) -> HttpResponse:
    zone, steps = centre_tz(), list(script_for(ticket))
    bound: dict[str, forms.Form] = {
        "edit": FORM_BUILDERS["edit"](request.POST, ticket, steps, zone)
    }
    if _window_typed(request.POST):
        bound["window"] = FORM_BUILDERS["window"](request.POST, ticket, steps, zone)
    if _options_typed(request.POST):
        bound["options"] = FORM_BUILDERS["options"](request.POST, ticket, steps, zone)
    if not all(form.is_valid() for form in bound.values()):
        return _detail(request, me, ticket, bound=bound, status=400)
    now = clock.now()
    try:
        with transaction.atomic():  # the three parts land together, or none
            ticket = _save_flow(me, now, ticket, bound)
        if name == "read_back":  # after the save: a refusal (E3) loses nothing typed
            ticket_read_back(actor=me, now=now, ticket=ticket)
    except PolicyRefusal as refused:
        fresh = visible_ticket(me, ticket.pk)
        return _detail(request, me, fresh, bound=bound, refusal=refused, status=409)
    except ValidationError as error:
        bound["edit"].add_error(None, error)
        return _detail(request, me, ticket, bound=bound, status=400)
    messages.success(request, str(DONE_MESSAGES[name]))
    return redirect(reverse("tickets:detail", args=[ticket.pk]) + f"#{ANCHORS.get(name, 'top')}")


def _save_flow(me: User, now: datetime, ticket: Ticket, bound: dict[str, Any]) -> Ticket:
    ticket = ticket_edit(actor=me, now=now, ticket=ticket, **bound["edit"].facts())
    window = bound.get("window")
    if window is not None:
        typed = window.cleaned_data
        stored = {
            "start": ticket.window_start,
            "end": ticket.window_end,
            "customer_chose_later": bool(ticket.later_date_reason),
            "later_reason": ticket.later_date_reason,
        }
        if any(typed[key] != value for key, value in stored.items()):
            ticket = ticket_set_window(actor=me, now=now, ticket=ticket, **typed)
    options = bound.get("options")
    if options is not None:
        offered, chosen = list(options.cleaned_data["offered"]), options.cleaned_data["chosen"]
        if (offered, chosen) != (list(ticket.options_offered), ticket.option_chosen):
            ticket = ticket_record_options(
                actor=me, now=now, ticket=ticket, offered=offered, chosen=chosen
            )
    return ticket
