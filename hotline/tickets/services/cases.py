"""Opening and writing a case: D11 ownership, E4 scripts and links, C2 promises, D2
work-order clock, D9 complaints, D10 incidents, A6 clocks, E3 facts."""

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext

from hotline.accounts.models import User
from hotline.accounts.permissions import ON_THE_PHONES
from hotline.audit.payload import iso
from hotline.audit.services import event_append
from hotline.calls.models import Call
from hotline.core.cases import (
    ContractTerms,
    check_covered,
    first_matching_contract,
)
from hotline.core.i18n import gettext_noop
from hotline.core.refusal import PolicyRefusal
from hotline.deadlines.services import deadline_set
from hotline.directory.models import Customer, CustomerSite, Equipment, SlaContract
from hotline.rulebook.selectors import current_rulebook
from hotline.tickets import limits
from hotline.tickets.choices import (
    FIELD_KINDS,
    OPEN_TICKET_STATES,
    ComplaintState,
    IncidentKind,
    IncidentState,
    TicketKind,
    TicketState,
)
from hotline.tickets.events import TicketAction, TicketsEntity
from hotline.tickets.models import Complaint, EscalationRule, FaultCategory, Incident, Ticket
from hotline.tickets.selectors import script_for
from hotline.tickets.services.common import (
    EDITABLE_STATES,
    alert_users,
    check_state,
    lock_worked_ticket,
    managers,
    team_leads_for,
)
from hotline.tickets.services.promises import set_promises, tell_promises
from hotline.tickets.services.script import clean_script_answers
from hotline.tickets.services.window import refit_window

# D9 / D10 / D11: what a call may say about a case already finished (a complaint about the
# work, damage found after it, a question about it); new work and chases need an open case.
ABOUT_FINISHED_WORK = frozenset({TicketKind.COMPLAINT, TicketKind.INCIDENT, TicketKind.ENQUIRY})

TEXT_FACTS = frozenset(
    {"symptom", "steps_tried", "contact_name", "contact_phone", "special_request"}
)
EDITABLE_FACTS = TEXT_FACTS | {"script_answers", "site", "equipment", "category"}
TEXT_LIMITS = {
    "symptom": limits.SYMPTOM_LENGTH,
    "steps_tried": limits.STEPS_TRIED_LENGTH,
    "contact_name": limits.CONTACT_NAME_LENGTH,
    "contact_phone": limits.CONTACT_PHONE_LENGTH,
    "special_request": limits.SPECIAL_REQUEST_LENGTH,
}


# --- creation ----------------------------------------------------------------------------------


def ticket_create(
    *,
    actor: User,
    now: datetime,
    customer: Customer,
    kind: str,
    call: Call | None = None,
    updates: Ticket | None = None,
    site: CustomerSite | None = None,
    equipment: Equipment | None = None,
    category: FaultCategory | None = None,
    symptom: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    incident_kind: str = "",
    script_answers: list[Any] | None = None,
) -> Ticket:
    """D11: the agent who takes the question owns it. Field kinds get their C2 promises and the
    D2 work-order clock; complaints (D9) and incidents (D10) their own records; A6 clocks start.
    E4: the scripted steps walked through while the ticket was opened come with it."""
    if actor.role not in ON_THE_PHONES:
        raise Ticket.DoesNotExist
    if kind not in TicketKind.values:
        raise ValidationError(gettext("Choose the kind of case."))
    if kind == TicketKind.INCIDENT and incident_kind not in IncidentKind.values:
        raise PolicyRefusal(
            "D10", gettext_noop("Say what happened: property damage, injury or media exposure.")
        )
    site, equipment = _checked_place(customer, site, equipment)
    _check_texts({"symptom": symptom, "contact_name": contact_name, "contact_phone": contact_phone})
    steps = [str(step) for step in category.steps] if category is not None else []
    answers = clean_script_answers(script_answers or [], steps)
    with transaction.atomic():
        linked = _checked_update(customer, kind, updates)
        if linked is not None and site is None:
            # D9 / E4: a call about a case is about its place too (the complaint's region
            # is the one whose engineer answers it).
            site, equipment = linked.site, linked.equipment
        contract = contract_for(customer, kind)
        if kind in FIELD_KINDS and contract is not None:
            check_covered(kind, contract.covered_services)  # A5
        ticket = Ticket(
            kind=kind,
            state=TicketState.OPEN,
            customer=customer,
            site=site,
            equipment=equipment,
            category=None if linked else category,  # E4: an update skips the script
            call=call,
            updates=linked,
            owner=actor,
            created_at=now,
            priority=contract.priority if contract else 5,
            contract=contract,
            symptom=symptom.strip(),
            contact_name=contact_name.strip() or customer.name,
            contact_phone=contact_phone.strip() or customer.phone,
            script_answers=[] if linked else answers,
        )
        rules = current_rulebook()
        if kind in FIELD_KINDS:
            if site is not None:
                set_promises(ticket, rules)
            ticket.work_order_due = now + rules.duration("d2.work_order_within")
        ticket.save()
        event_append(
            actor=actor,
            now=now,
            entity=TicketsEntity.TICKET,
            entity_id=ticket.pk,
            action=TicketAction.CREATED,
            rule="E4" if linked else "D11",
            new={
                "kind": kind,
                "customer": customer.pk,
                "owner": actor.pk,
                "contract": contract.pk if contract else None,
                "updates": linked.pk if linked else None,
                "call": call.pk if call else None,
                "response_due": iso(ticket.response_due),
                "resolution_due": iso(ticket.resolution_due),
                "booked_for": ticket.booked_for.isoformat() if ticket.booked_for else None,
            },
        )
        if kind in FIELD_KINDS:
            assert ticket.work_order_due is not None
            deadline_set(
                kind="d2.work_order",
                rule="D2",
                due_at=ticket.work_order_due,
                now=now,
                ticket=ticket,
            )
            if ticket.response_due is not None:
                tell_promises(ticket, now, rules)
        if kind == TicketKind.COMPLAINT:
            _record_complaint(actor, now, ticket, linked)
        if kind == TicketKind.INCIDENT:
            _report_incident(actor, now, ticket, incident_kind)
        start_escalation_clocks(ticket, now)
    return ticket


def contract_for(customer: Customer, kind: str) -> SlaContract | None:
    """A5: the customer's first contract (by order) that covers this kind, else the default."""
    candidates = list(SlaContract.objects.filter(Q(customer=customer) | Q(customer__isnull=True)))

    def terms(contract: SlaContract) -> ContractTerms:
        return ContractTerms(contract.pk, contract.order, tuple(contract.covered_services))

    chosen = first_matching_contract(
        service=kind if kind in FIELD_KINDS else None,
        own=[terms(c) for c in candidates if c.customer_id is not None],
        defaults=[terms(c) for c in candidates if c.customer_id is None],
    )
    return next((c for c in candidates if c.pk == chosen), None)


def _checked_place(
    customer: Customer, site: CustomerSite | None, equipment: Equipment | None
) -> tuple[CustomerSite | None, Equipment | None]:
    """The site and equipment must be this customer's (and the equipment at that site)."""
    if site is not None and site.customer_id != customer.pk:
        raise ValidationError(gettext("Choose one of the customer's sites."))
    if equipment is not None:
        if equipment.site.customer_id != customer.pk:
            raise ValidationError(gettext("Choose equipment at one of the customer's sites."))
        if site is None:
            site = equipment.site
        elif equipment.site_id != site.pk:
            raise ValidationError(gettext("Choose equipment at the ticket's site."))
    return site, equipment


def _check_texts(values: dict[str, str]) -> None:
    for name, value in values.items():
        limit = TEXT_LIMITS.get(name)
        if limit and len(value.strip()) > limit:
            raise ValidationError(
                gettext("%(field)s is too long (at most %(limit)s characters).")
                % {"field": name, "limit": limit}
            )


def _checked_update(customer: Customer, kind: str, updates: Ticket | None) -> Ticket | None:
    """E4: a call about an open case of the same customer links to it and skips the script.
    D9: a complaint may be about a finished case too (work done, signed, closed): that is when
    most complaints come, and D13 charges them to the provider who did the work.
    Another customer's case does not exist here (no leak)."""
    if updates is None:
        if kind == TicketKind.CHASE:
            raise PolicyRefusal(
                "E4", gettext_noop("A chase is about an open case: choose the case it updates.")
            )
        return None
    linked = (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("site", "equipment")
        .get(pk=updates.pk, customer=customer)
    )
    if kind not in ABOUT_FINISHED_WORK and linked.state not in OPEN_TICKET_STATES:
        raise PolicyRefusal(
            "E4",
            gettext_noop("Ticket %(number)s is not an open case of this customer."),
            {"number": linked.number},
        )
    return linked


def _record_complaint(actor: User, now: datetime, ticket: Ticket, about: Ticket | None) -> None:
    """D9: the complaint's record; about a case, it names that case's latest work order, so
    D13 charges the provider who did the work."""
    order = about.work_orders.order_by("-dispatched_at", "-id").first() if about else None
    complaint = Complaint.objects.create(
        ticket=ticket, state=ComplaintState.RECORDED, work_order=order
    )
    if order is not None:
        event_append(
            actor=actor,
            now=now,
            entity=TicketsEntity.TICKET,
            entity_id=ticket.pk,
            action=TicketAction.COMPLAINT_ABOUT,
            rule="D9",
            new={"complaint": complaint.pk, "case": about.pk if about else None, "order": order.pk},
        )


def _report_incident(actor: User, now: datetime, ticket: Ticket, kind: str) -> None:
    """D10: a special incident goes at once to the team lead and the after-sales manager."""
    Incident.objects.create(ticket=ticket, kind=kind, state=IncidentState.REPORTED, reported_at=now)
    told = alert_users(
        [*team_leads_for(ticket), *managers()],
        now=now,
        rule="D10",
        ticket=ticket,
        subject=gettext_noop("Special incident %(number)s: %(incident)s"),
        body=gettext_noop(
            "%(customer)s reports %(incident)s. The manager decides; the team lead follows the "
            "case and files the written report."
        ),
        incident=IncidentKind(kind).label,
    )
    event_append(
        actor=actor,
        now=now,
        entity=TicketsEntity.TICKET,
        entity_id=ticket.pk,
        action=TicketAction.INCIDENT_REPORTED,
        rule="D10",
        new={"incident": kind, "told": told},
    )


def start_escalation_clocks(ticket: Ticket, now: datetime) -> None:
    """A6: one deadline per active escalation rule that applies to this case."""
    rules = EscalationRule.objects.filter(active=True).order_by("level", "open_for", "id")
    for rule in rules:
        if rule.kind not in ("", ticket.kind):
            continue
        if rule.contract_id not in (None, ticket.contract_id):
            continue
        deadline_set(
            kind=f"a6.escalate:{rule.pk}",
            rule="A6",
            due_at=ticket.created_at + rule.open_for,
            now=now,
            ticket=ticket,
        )


# --- writing it ---------------------------------------------------------------------------------


def ticket_edit(*, actor: User, now: datetime, ticket: Ticket, **facts: Any) -> Ticket:
    """E3: the owner completes the facts. An edit after the read-back voids it (E2)."""
    unknown = set(facts) - EDITABLE_FACTS
    if unknown:
        raise ValidationError(
            gettext("These can't be edited here: %(fields)s.")
            % {"fields": ", ".join(sorted(unknown))}
        )
    texts = {name: facts[name] for name in TEXT_FACTS & set(facts)}
    for name, value in texts.items():
        if not isinstance(value, str):
            raise ValidationError(gettext("%(field)s must be text.") % {"field": name})
    _check_texts(texts)
    with transaction.atomic():
        ticket = lock_worked_ticket(actor, ticket)
        check_state(ticket, EDITABLE_STATES, "E2")
        old: dict[str, Any] = {}
        new: dict[str, Any] = {}
        if "site" in facts or "equipment" in facts:
            site = facts.get("site", ticket.site)
            equipment = facts.get("equipment", ticket.equipment)
            moved = "site" in facts and "equipment" not in facts
            if moved and equipment is not None and (site is None or equipment.site_id != site.pk):
                equipment = None  # the equipment stays at the old site
            site, equipment = _checked_place(ticket.customer, site, equipment)
            _record(ticket, "site", site, old, new)
            _record(ticket, "equipment", equipment, old, new)
        if "category" in facts:
            _record(ticket, "category", facts["category"], old, new)
        for name, value in texts.items():
            _record(ticket, name, value.strip(), old, new)
        if "script_answers" in facts or "category" in new:
            # E4: the answers of the script the ticket has now (another category, another one)
            given = facts.get("script_answers", ticket.script_answers)
            steps = script_for(ticket)
            _record(ticket, "script_answers", clean_script_answers(given, steps), old, new)
        if not new:
            return ticket
        rules = current_rulebook()
        first_promises = False
        moved = "site" in new or "special_request" in new
        if moved and ticket.kind in FIELD_KINDS and ticket.site is not None:
            first_promises = ticket.response_due is None
            # C2 / D6: a new site, a new zone: new promises, and a window they still allow
            # (D1: so does a special request dropped, which allowed an earlier window)
            old["window"] = {"start": iso(ticket.window_start), "end": iso(ticket.window_end)}
            if refit_window(ticket, rules):
                new["window"] = None  # dropped: the agent agrees a new one (E3 asks for it)
            else:
                del old["window"]
            new["response_due"] = iso(ticket.response_due)
            new["resolution_due"] = iso(ticket.resolution_due)
        if ticket.state == TicketState.READ_BACK:
            old["state"], new["state"] = ticket.state, TicketState.OPEN
            ticket.state = TicketState.OPEN
            ticket.read_back_text = ""
            ticket.read_back_at = None
        if "special_request" in new:
            ticket.special_approved_by = None
        ticket.save()
        event_append(
            actor=actor,
            now=now,
            entity=TicketsEntity.TICKET,
            entity_id=ticket.pk,
            action=TicketAction.EDITED,
            rule="E3",
            old=old,
            new=new,
        )
        if first_promises:
            tell_promises(ticket, now, rules)
    return ticket


def _record(
    ticket: Ticket, name: str, value: Any, old: dict[str, Any], new: dict[str, Any]
) -> None:
    current = getattr(ticket, name)
    if current == value:
        return
    if hasattr(value, "pk") or hasattr(current, "pk"):
        old[name] = getattr(current, "pk", None)
        new[name] = getattr(value, "pk", None)
    else:
        old[name], new[name] = current, value
    setattr(ticket, name, value)
