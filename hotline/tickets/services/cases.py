"""Writing a case: D11 ownership, E4 scripts, C2 promises, D2 work-order clock, E3 quality,
E2 read-back, A5 / C1 / D1 windows, C4 options, D1 special requests, B10 reassignment."""

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext

from hotline.accounts.choices import Role
from hotline.accounts.models import User
from hotline.calls.models import Call
from hotline.core.calendar import D1Booking, d1_booking
from hotline.core.cases import (
    ContractTerms,
    b7_warning_due,
    case_promises,
    check_appointment,
    check_covered,
    first_matching_contract,
)
from hotline.core.i18n import gettext_noop
from hotline.core.refusal import PolicyRefusal
from hotline.core.rulebook import Rulebook
from hotline.core.timeutil import as_utc
from hotline.deadlines.services import deadline_cancel, deadline_meet, deadline_set
from hotline.dispatch.services.common import provider_loads
from hotline.notices.services import notify
from hotline.rulebook.selectors import centre_calendar, current_rulebook
from hotline.tickets.choices import (
    FIELD_KINDS,
    OPEN_TICKET_STATES,
    ComplaintState,
    IncidentKind,
    IncidentState,
    ServiceOption,
    TicketKind,
    TicketState,
)
from hotline.tickets.models import (
    Complaint,
    Customer,
    CustomerSite,
    Equipment,
    EscalationRule,
    FaultCategory,
    Incident,
    SlaContract,
    Ticket,
)
from hotline.tickets.services.common import (
    EDITABLE_STATES,
    ON_THE_PHONES,
    alert_users,
    check_open,
    check_state,
    lock_ticket,
    lock_worked_ticket,
    managers,
    require_text,
    team_leads_for,
    ticket_event,
)
from hotline.tickets.services.summary import read_back_summary

TEXT_FACTS = frozenset(
    {"symptom", "steps_tried", "contact_name", "contact_phone", "special_request"}
)
EDITABLE_FACTS = TEXT_FACTS | {"script_answers", "site", "equipment", "category"}
TEXT_LIMITS = {"contact_name": 150, "contact_phone": 32}


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
    _check_texts({"contact_name": contact_name, "contact_phone": contact_phone})
    if script_answers is not None and not isinstance(script_answers, list):
        raise ValidationError(gettext("The scripted steps must be a list."))
    with transaction.atomic():
        linked = _checked_update(customer, kind, updates)
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
            script_answers=[] if linked else (script_answers or []),
        )
        rules = current_rulebook()
        if kind in FIELD_KINDS:
            if site is not None:
                set_promises(ticket, rules)
            ticket.work_order_due = now + rules.duration("d2.work_order_within")
        ticket.save()
        ticket_event(
            actor=actor,
            now=now,
            ticket=ticket,
            action="created",
            rule="E4" if linked else "D11",
            new={
                "kind": kind,
                "customer": customer.pk,
                "owner": actor.pk,
                "contract": contract.pk if contract else None,
                "updates": linked.pk if linked else None,
                "call": call.pk if call else None,
                "response_due": _iso(ticket.response_due),
                "resolution_due": _iso(ticket.resolution_due),
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
                _tell_promises(ticket, now, rules)
        if kind == TicketKind.COMPLAINT:
            Complaint.objects.create(ticket=ticket, state=ComplaintState.RECORDED)
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
    """E4: a call about an open case of the same customer links to it and skips the script."""
    if updates is None:
        if kind == TicketKind.CHASE:
            raise PolicyRefusal(
                "E4", gettext_noop("A chase is about an open case: choose the case it updates.")
            )
        return None
    linked = Ticket.objects.select_for_update().get(pk=updates.pk)
    if linked.customer_id != customer.pk or linked.state not in OPEN_TICKET_STATES:
        raise PolicyRefusal(
            "E4",
            gettext_noop("Ticket %(number)s is not an open case of this customer."),
            {"number": linked.number},
        )
    return linked


def set_promises(ticket: Ticket, rules: Rulebook, customer_date: datetime | None = None) -> None:
    """C2 / D1 / D6: the deadlines the customer is told, counted from the request's D1 booking."""
    site = ticket.site
    assert site is not None
    calendar = centre_calendar(rules)
    contract = ticket.contract
    promises = case_promises(
        now=ticket.created_at,
        calendar=calendar,
        cutoff=rules.clock("d1.repair_cutoff"),
        business_premises=site.business_premises,
        zone_limit=rules.duration(
            f"d6.{site.zone}_response", zone=site.zone, customer=ticket.customer_id
        ),
        sla_response=contract.response_within if contract else None,
        sla_resolution=contract.resolution_within if contract else None,
        customer_date=customer_date,
    )
    ticket.response_due = promises.response_due
    ticket.resolution_due = promises.resolution_due
    ticket.booked_for = promises.booking.earliest.astimezone(calendar.tz()).date()


def _booking(ticket: Ticket, rules: Rulebook) -> D1Booking:
    site = ticket.site
    assert site is not None
    return d1_booking(
        ticket.created_at,
        centre_calendar(rules),
        rules.clock("d1.repair_cutoff"),
        site.business_premises,
    )


# C2: what the customer is told, by D1 booking and whether the SLA gives a resolution time.
C2_BODIES = {
    ("open", False): gettext_noop("We will respond by %(response_due)s."),
    ("open", True): gettext_noop(
        "We will respond by %(response_due)s and resolve it by %(resolution_due)s."
    ),
    ("after_cutoff", False): gettext_noop(
        "We received your request after %(cutoff)s, so it is booked for the next working day, "
        "%(booked_for)s. We will respond by %(response_due)s."
    ),
    ("after_cutoff", True): gettext_noop(
        "We received your request after %(cutoff)s, so it is booked for the next working day, "
        "%(booked_for)s. We will respond by %(response_due)s and resolve it by "
        "%(resolution_due)s."
    ),
    ("closed", False): gettext_noop(
        "We received your request outside working hours, so it is booked for %(booked_for)s. "
        "We will respond by %(response_due)s."
    ),
    ("closed", True): gettext_noop(
        "We received your request outside working hours, so it is booked for %(booked_for)s. "
        "We will respond by %(response_due)s and resolve it by %(resolution_due)s."
    ),
}


def _tell_promises(ticket: Ticket, now: datetime, rules: Rulebook) -> None:
    """C2: on creation the customer is told the deadlines their SLA gives (D1 explained)."""
    booking = _booking(ticket, rules)
    params: dict[str, object] = {
        "number": ticket.number,
        "response_due": ticket.response_due,
        "resolution_due": ticket.resolution_due,
        "booked_for": ticket.booked_for,
        "cutoff": rules.clock("d1.repair_cutoff").strftime("%H:%M"),
        "contract": ticket.contract.name if ticket.contract else "",
    }
    deferred = booking.reason if booking.reason in ("after_cutoff", "closed") else "open"
    body = C2_BODIES[(deferred, ticket.resolution_due is not None)]
    notify(
        now=now,
        rule="C2",
        customer=ticket.customer,
        ticket=ticket,
        subject=gettext_noop("Your case %(number)s is recorded"),
        body=body,
        params=params,
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
    ticket_event(
        actor=actor,
        now=now,
        ticket=ticket,
        action="incident_reported",
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


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


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
    answers = facts.get("script_answers")
    if "script_answers" in facts and not isinstance(answers, list):
        raise ValidationError(gettext("The scripted steps must be a list."))
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
        if "script_answers" in facts:
            _record(ticket, "script_answers", answers, old, new)
        if not new:
            return ticket
        rules = current_rulebook()
        first_promises = False
        if "site" in new and ticket.kind in FIELD_KINDS and ticket.site is not None:
            first_promises = ticket.response_due is None
            # C2: a new site, a new zone: new promises (a later date the customer chose stays)
            set_promises(ticket, rules, customer_date=ticket.window_end)
            new["response_due"] = _iso(ticket.response_due)
        if ticket.state == TicketState.READ_BACK:
            old["state"], new["state"] = ticket.state, TicketState.OPEN
            ticket.state = TicketState.OPEN
            ticket.read_back_text = ""
            ticket.read_back_at = None
        if "special_request" in new:
            ticket.special_approved_by = None
        ticket.save()
        ticket_event(
            actor=actor, now=now, ticket=ticket, action="edited", rule="E3", old=old, new=new
        )
        if first_promises:
            _tell_promises(ticket, now, rules)
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


def ticket_set_window(
    *, actor: User, now: datetime, ticket: Ticket, start: datetime, end: datetime
) -> Ticket:
    """A5 / C1 / D1: a window the SLA covers, not before the D1 booking, with provider room."""
    if start.tzinfo is None or end.tzinfo is None:
        raise ValidationError(gettext("Give the window with its time zone."))
    with transaction.atomic():
        ticket = lock_worked_ticket(actor, ticket)
        check_state(ticket, EDITABLE_STATES, "E2")
        if ticket.kind not in FIELD_KINDS:
            raise PolicyRefusal("C1", gettext_noop("Only a visit needs a time window."))
        if ticket.site is None:
            raise PolicyRefusal("E3", gettext_noop("Choose the site's address first."))
        rules = current_rulebook()
        booking = _booking(ticket, rules)
        if ticket.special_request.strip():
            # D1: a special request may ask for earlier; the team lead approves it (confirm).
            booking = D1Booking(as_utc(ticket.created_at), deferred=False, reason="open")
        region_ids = list(ticket.site.region.providers.values_list("pk", flat=True))
        contract = ticket.contract
        assert ticket.response_due is not None
        check_appointment(
            start=start,
            end=end,
            booking=booking,
            response_due=ticket.response_due,
            on_site_covered=contract.on_site if contract else True,
            provider_has_capacity=any(load.has_room for load in provider_loads(region_ids)),
        )
        old = {
            "start": _iso(ticket.window_start),
            "end": _iso(ticket.window_end),
            "response_due": _iso(ticket.response_due),
        }
        ticket.window_start, ticket.window_end = as_utc(start), as_utc(end)
        if as_utc(end) > ticket.response_due:
            set_promises(ticket, rules, customer_date=end)  # D6: the customer's later date
        _void_read_back(ticket)
        ticket.save()
        ticket_event(
            actor=actor,
            now=now,
            ticket=ticket,
            action="window_set",
            rule="C1",
            old=old,
            new={
                "start": _iso(ticket.window_start),
                "end": _iso(ticket.window_end),
                "response_due": _iso(ticket.response_due),
            },
        )
    return ticket


def _void_read_back(ticket: Ticket) -> None:
    if ticket.state == TicketState.READ_BACK:
        ticket.state = TicketState.OPEN
        ticket.read_back_text = ""
        ticket.read_back_at = None


def ticket_record_options(
    *, actor: User, now: datetime, ticket: Ticket, offered: list[str], chosen: str
) -> Ticket:
    """C4: the options offered (repair, replacement, refund, other) and the customer's choice."""
    offered = list(dict.fromkeys(offered))
    if not offered or any(option not in ServiceOption.values for option in offered):
        raise PolicyRefusal(
            "C4", gettext_noop("Offer at least one of: repair, replacement, refund, other.")
        )
    if chosen not in offered:
        raise PolicyRefusal(
            "C4", gettext_noop("The customer's choice must be one of the options offered.")
        )
    with transaction.atomic():
        ticket = lock_worked_ticket(actor, ticket)
        check_state(ticket, EDITABLE_STATES, "E2")
        old = {"offered": ticket.options_offered, "chosen": ticket.option_chosen}
        ticket.options_offered, ticket.option_chosen = offered, chosen
        _void_read_back(ticket)
        ticket.save()
        ticket_event(
            actor=actor,
            now=now,
            ticket=ticket,
            action="options_recorded",
            rule="C4",
            old=old,
            new={"offered": offered, "chosen": chosen},
        )
    return ticket


# --- E3 / E2: quality, read-back, confirmation ---------------------------------------------------


def ticket_read_back(*, actor: User, now: datetime, ticket: Ticket) -> Ticket:
    """E3 must pass; E2: the summary the agent reads to the customer, in their language."""
    from hotline.tickets.selectors import ticket_quality

    with transaction.atomic():
        ticket = lock_worked_ticket(actor, ticket)
        check_state(ticket, EDITABLE_STATES, "E2")
        missing = ticket_quality(ticket)
        if missing:
            raise PolicyRefusal(
                "E3",
                gettext_noop("The ticket is missing what a technician needs: %(missing)s"),
                {
                    "missing": " ".join(gettext(fact.message) for fact in missing),
                    "codes": [fact.code for fact in missing],
                },
            )
        old_state = ticket.state
        ticket.read_back_text = read_back_summary(ticket)
        ticket.read_back_at = None
        ticket.state = TicketState.READ_BACK
        ticket.save()
        ticket_event(
            actor=actor,
            now=now,
            ticket=ticket,
            action="read_back",
            rule="E2",
            old={"state": old_state},
            new={"state": ticket.state, "language": ticket.customer.language},
        )
    return ticket


def ticket_confirm(*, actor: User, now: datetime, ticket: Ticket) -> Ticket:
    """E2: the customer confirmed the read-back. A visit goes to dispatch, or first to the team
    lead when it carries a special request (D1)."""
    with transaction.atomic():
        ticket = lock_worked_ticket(actor, ticket)
        if ticket.state != TicketState.READ_BACK or not ticket.read_back_text:
            raise PolicyRefusal(
                "E2",
                gettext_noop("Read ticket %(number)s back to the customer first."),
                {"number": ticket.number},
            )
        if ticket.read_back_at is not None:
            return ticket
        ticket.read_back_at = now
        old_state = ticket.state
        if ticket.kind in FIELD_KINDS:
            needs_approval = (
                bool(ticket.special_request.strip()) and not ticket.special_approved_by_id
            )
            ticket.state = (
                TicketState.AWAITING_APPROVAL if needs_approval else TicketState.TO_DISPATCH
            )
        ticket.save()
        ticket_event(
            actor=actor,
            now=now,
            ticket=ticket,
            action="confirmed",
            rule="E2",
            old={"state": old_state},
            new={"state": ticket.state, "read_back_at": now.isoformat()},
        )
        if ticket.state == TicketState.AWAITING_APPROVAL:
            alert_users(
                team_leads_for(ticket),
                now=now,
                rule="D1",
                ticket=ticket,
                subject=gettext_noop("Ticket %(number)s: a special request needs your approval"),
                body=gettext_noop("%(customer)s asks: %(request)s"),
                request=ticket.special_request,
            )
    return ticket


def ticket_approve_special(
    *, actor: User, now: datetime, ticket: Ticket, approved: bool, reason: str
) -> Ticket:
    """D1: a team lead approves a special request (to dispatch) or refuses it with a reason
    (back to the owner, the request dropped, to be read back again)."""
    if actor.role != Role.TEAM_LEAD:
        raise PolicyRefusal("D1", gettext_noop("Only a team lead approves special requests."))
    reason = reason.strip()
    if not approved and not reason:
        raise PolicyRefusal("D1", gettext_noop("Say why the special request is refused."))
    with transaction.atomic():
        ticket = lock_ticket(ticket.pk)
        if ticket.state != TicketState.AWAITING_APPROVAL:
            raise PolicyRefusal(
                "D1",
                gettext_noop("Ticket %(number)s is not waiting for approval."),
                {"number": ticket.number},
            )
        request = ticket.special_request
        if approved:
            ticket.special_approved_by = actor
            ticket.state = TicketState.TO_DISPATCH
        else:
            ticket.special_request = ""
            ticket.state = TicketState.OPEN
            ticket.read_back_text = ""
            ticket.read_back_at = None
        ticket.save()
        ticket_event(
            actor=actor,
            now=now,
            ticket=ticket,
            action="special_approved" if approved else "special_refused",
            rule="D1",
            old={"state": TicketState.AWAITING_APPROVAL, "special_request": request},
            new={"state": ticket.state},
            reason=reason,
        )
        alert_users(
            [ticket.owner],
            now=now,
            rule="D1",
            ticket=ticket,
            subject=(
                gettext_noop("Ticket %(number)s: special request approved")
                if approved
                else gettext_noop("Ticket %(number)s: special request refused")
            ),
            body=gettext_noop("%(request)s. %(reason)s"),
            request=request,
            reason=reason,
        )
    return ticket


# --- D2 / D11: solved on the phone, or called back --------------------------------------------


SOLVABLE_STATES = frozenset(
    {
        TicketState.OPEN,
        TicketState.READ_BACK,
        TicketState.BOUNCED,
        TicketState.CALLBACK_DUE,
        TicketState.ESCALATED,
    }
)


def ticket_solve(*, actor: User, now: datetime, ticket: Ticket, resolution: str) -> Ticket:
    """D2 / D11: solved on the phone (or on the promised callback): the clocks are met."""
    resolution = require_text(resolution, "D2", gettext_noop("Say how it was solved."))
    with transaction.atomic():
        ticket = lock_worked_ticket(actor, ticket)
        if ticket.kind in (TicketKind.COMPLAINT, TicketKind.INCIDENT):
            raise PolicyRefusal(
                "D9" if ticket.kind == TicketKind.COMPLAINT else "D10",
                gettext_noop("Ticket %(number)s follows its own procedure: it isn't solved here."),
                {"number": ticket.number},
            )
        check_state(ticket, SOLVABLE_STATES, "D2")
        old_state = ticket.state
        ticket.state = TicketState.SOLVED
        ticket.resolution = resolution
        ticket.solved_at = now
        ticket.save()
        met = {
            kind: deadline_meet(kind=kind, now=now, ticket=ticket)
            for kind in ("d2.work_order", "d11.callback", "b7.callback_warning")
        }
        deadline_cancel(now=now, ticket=ticket)  # A6: a solved case no longer escalates
        ticket_event(
            actor=actor,
            now=now,
            ticket=ticket,
            action="solved",
            rule="D11" if old_state == TicketState.CALLBACK_DUE else "D2",
            old={"state": old_state},
            new={"state": ticket.state, "met": met},
            reason=resolution,
        )
    return ticket


def ticket_promise_callback(*, actor: User, now: datetime, ticket: Ticket) -> Ticket:
    """D11: an enquiry not answered on the call is called back in time, by its owner."""
    with transaction.atomic():
        ticket = lock_worked_ticket(actor, ticket)
        if ticket.kind != TicketKind.ENQUIRY:
            raise PolicyRefusal("D11", gettext_noop("Only an enquiry is answered by a callback."))
        check_state(ticket, EDITABLE_STATES, "D11")
        rules = current_rulebook()
        due = now + rules.duration("d11.callback_within")
        old_state = ticket.state
        ticket.state = TicketState.CALLBACK_DUE
        ticket.callback_due = due
        ticket.save()
        deadline_set(kind="d11.callback", rule="D11", due_at=due, now=now, ticket=ticket)
        warn_at = b7_warning_due(
            promised_at=now, due=due, warn_before=rules.duration("b7.warn_before")
        )
        deadline_set(kind="b7.callback_warning", rule="B7", due_at=warn_at, now=now, ticket=ticket)
        ticket_event(
            actor=actor,
            now=now,
            ticket=ticket,
            action="callback_promised",
            rule="D11",
            old={"state": old_state},
            new={"state": ticket.state, "callback_due": due.isoformat()},
        )
    return ticket


# --- E3: the dispatcher's bounce; B10: the team lead reassigns ----------------------------------


BOUNCERS = frozenset({Role.DISPATCHER, Role.TEAM_LEAD, Role.MANAGER, Role.ADMIN})


def ticket_bounce(*, actor: User, now: datetime, ticket: Ticket, reason: str) -> Ticket:
    """E3: a dispatcher sends a badly written ticket back to its owner, saying why."""
    if actor.role not in BOUNCERS:
        raise Ticket.DoesNotExist
    reason = require_text(
        reason, "E3", gettext_noop("Say what the ticket is missing: the agent rewrites it.")
    )
    with transaction.atomic():
        ticket = lock_ticket(ticket.pk)
        if ticket.state != TicketState.TO_DISPATCH:
            raise PolicyRefusal(
                "E3",
                gettext_noop("Ticket %(number)s is not waiting for dispatch (it is: %(state)s)."),
                {"number": ticket.number, "state": ticket.get_state_display()},
            )
        ticket.state = TicketState.BOUNCED
        ticket.bounce_reason = reason
        ticket.read_back_at = None
        ticket.save()
        ticket_event(
            actor=actor,
            now=now,
            ticket=ticket,
            action="bounced",
            rule="E3",
            old={"state": TicketState.TO_DISPATCH},
            new={"state": ticket.state, "owner": ticket.owner_id},
            reason=reason,
        )
        alert_users(
            [ticket.owner],
            now=now,
            rule="E3",
            ticket=ticket,
            subject=gettext_noop("Ticket %(number)s was sent back to you"),
            body=gettext_noop("The dispatcher asks you to rewrite it: %(reason)s"),
            reason=reason,
        )
    return ticket


def ticket_reassign(
    *, actor: User, now: datetime, ticket: Ticket, to_agent: User, reason: str
) -> Ticket:
    """B10: only a team lead hands a case to another agent, with a reason."""
    if actor.role != Role.TEAM_LEAD:
        raise PolicyRefusal(
            "B10", gettext_noop("Only a team lead can hand a case to another agent.")
        )
    reason = require_text(reason, "B10", gettext_noop("Say why the case changes hands."))
    if to_agent.role not in ON_THE_PHONES or not to_agent.is_active:
        raise PolicyRefusal("B10", gettext_noop("Choose an agent to take the case."))
    with transaction.atomic():
        ticket = lock_ticket(ticket.pk)
        check_open(ticket, "B10")
        if ticket.owner_id == to_agent.pk:
            raise PolicyRefusal(
                "B10", gettext_noop("%(name)s already owns this case."), {"name": str(to_agent)}
            )
        previous = ticket.owner
        ticket.owner = to_agent
        ticket.save(update_fields=["owner"])
        ticket_event(
            actor=actor,
            now=now,
            ticket=ticket,
            action="reassigned",
            rule="B10",
            old={"owner": previous.pk},
            new={"owner": to_agent.pk},
            reason=reason,
        )
        alert_users(
            [to_agent, previous],
            now=now,
            rule="B10",
            ticket=ticket,
            subject=gettext_noop("Ticket %(number)s changed hands"),
            body=gettext_noop("Now owned by %(owner)s: %(reason)s"),
            owner=str(to_agent),
            reason=reason,
        )
    return ticket
