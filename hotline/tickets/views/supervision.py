"""Team lead and manager pages: special requests (D1), complaints (D9), incidents (D10).

Each list shows its rows oldest first; a row's form that was refused or badly filled comes back
with what was typed and the rule named (409) or its errors (400).
"""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hotline import clock
from hotline.accounts.choices import Role
from hotline.accounts.models import User
from hotline.accounts.views import signed_in
from hotline.core.refusal import PolicyRefusal
from hotline.tickets.choices import ComplaintState, IncidentState
from hotline.tickets.forms import (
    ApprovalForm,
    DecisionForm,
    HandForm,
    OutcomeForm,
    ReportForm,
)
from hotline.tickets.models import Complaint, Ticket
from hotline.tickets.selectors import approvals_for, complaints_for, incidents_for
from hotline.tickets.services import (
    complaint_answer,
    complaint_hand_to_engineer,
    incident_decide,
    incident_file_report,
    ticket_approve_special,
)
from hotline.tickets.views.common import (
    LIST_LIMIT,
    centre_tz,
    refusal_context,
    tabs_for,
    visible_ticket,
)

Bound = tuple[int, str, forms.Form]  # (ticket id, form name, the form as posted)

# --- D1: special requests ---------------------------------------------------------------------


def approvals(request: HttpRequest) -> HttpResponse:
    return _approvals(request, signed_in(request))


def _approvals(
    request: HttpRequest,
    me: User,
    bound: Bound | None = None,
    refusal: PolicyRefusal | None = None,
    status: int = 200,
) -> HttpResponse:
    tickets = list(
        approvals_for(me)
        .select_related("customer", "owner", "site")
        .order_by("created_at", "id")[:LIST_LIMIT]
    )
    rows = [(t, _form(bound, t.pk, "approve", ApprovalForm, "a")) for t in tickets]
    context = {
        "rows": rows,
        "tabs": tabs_for(me),
        "centre_tz": centre_tz(),
        "bound_ticket": bound[0] if bound else None,
        **refusal_context(refusal),
    }
    return render(request, "tickets/approvals.html", context, status=status)


@require_POST
def approve(request: HttpRequest, ticket_id: int) -> HttpResponse:
    me = signed_in(request)
    ticket = visible_ticket(me, ticket_id)
    form = ApprovalForm(request.POST, prefix=f"a{ticket.pk}")
    return _decide(
        request,
        me,
        ticket,
        ("approve", form),
        lambda now: ticket_approve_special(
            actor=me,
            now=now,
            ticket=ticket,
            approved=form.cleaned_data["approved"],
            reason=form.cleaned_data["reason"],
        ),
        page=_approvals,
        done=lambda: _("Decision recorded for %(ticket)s.") % {"ticket": ticket.number},
        back="tickets:approvals",
    )


# --- D9: complaints ---------------------------------------------------------------------------


def complaints(request: HttpRequest) -> HttpResponse:
    return _complaints(request, signed_in(request))


def _complaints(
    request: HttpRequest,
    me: User,
    bound: Bound | None = None,
    refusal: PolicyRefusal | None = None,
    status: int = 200,
) -> HttpResponse:
    found = list(
        complaints_for(me)
        .select_related("ticket__customer", "ticket__owner", "ticket__site__region", "engineer")
        .order_by("ticket__created_at", "ticket_id")[:LIST_LIMIT]
    )
    rows = [
        (
            c,
            _form(bound, c.ticket_id, "answer", OutcomeForm, "c"),
            _hand_form(bound, c),
        )
        for c in found
    ]
    context = {
        "rows": rows,
        "me": me,
        "is_lead": me.role == Role.TEAM_LEAD,
        "states": ComplaintState,
        "tabs": tabs_for(me),
        "centre_tz": centre_tz(),
        "bound_ticket": bound[0] if bound else None,
        **refusal_context(refusal),
    }
    return render(request, "tickets/complaints.html", context, status=status)


def _hand_form(bound: Bound | None, complaint: Complaint) -> forms.Form | None:
    """D9: the site to choose, for a complaint with none of its own (else nothing to choose)."""
    if complaint.ticket.site_id is not None:
        return None
    if bound is not None and bound[0] == complaint.ticket_id and bound[1] == "hand":
        return bound[2]
    return HandForm(ticket=complaint.ticket, prefix=f"h{complaint.ticket_id}")


@require_POST
def complaint_hand(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """D9: the team lead hands the complaint to the region's after-sales engineer (choosing
    the customer's site when the complaint has none: its region has the engineer)."""
    me = signed_in(request)
    ticket = visible_ticket(me, ticket_id)
    form = HandForm(request.POST, ticket=ticket, prefix=f"h{ticket.pk}")
    return _decide(
        request,
        me,
        ticket,
        ("hand", form),
        lambda now: complaint_hand_to_engineer(
            actor=me, now=now, ticket=ticket, site=form.cleaned_data.get("site")
        ),
        page=_complaints,
        done=lambda: (
            _("%(ticket)s handed to the after-sales engineer.") % {"ticket": ticket.number}
        ),
        back="tickets:complaints",
    )


@require_POST
def complaint_reply(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """D9: the engineer's answer, with its outcome."""
    me = signed_in(request)
    ticket = visible_ticket(me, ticket_id)
    form = OutcomeForm(request.POST, prefix=f"c{ticket.pk}")
    return _decide(
        request,
        me,
        ticket,
        ("answer", form),
        lambda now: complaint_answer(
            actor=me, now=now, ticket=ticket, outcome=form.cleaned_data["outcome"]
        ),
        page=_complaints,
        done=lambda: _("Answer recorded for %(ticket)s.") % {"ticket": ticket.number},
        back="tickets:complaints",
    )


# --- D10: special incidents -------------------------------------------------------------------


def incidents(request: HttpRequest) -> HttpResponse:
    return _incidents(request, signed_in(request))


def _incidents(
    request: HttpRequest,
    me: User,
    bound: Bound | None = None,
    refusal: PolicyRefusal | None = None,
    status: int = 200,
) -> HttpResponse:
    found = list(
        incidents_for(me)
        .select_related("ticket__customer", "ticket__owner", "decided_by", "report_by")
        .order_by("reported_at", "ticket_id")[:LIST_LIMIT]
    )
    rows = [
        (
            i,
            _form(bound, i.ticket_id, "decide", DecisionForm, "d"),
            _form(bound, i.ticket_id, "report", ReportForm, "r"),
        )
        for i in found
    ]
    context = {
        "rows": rows,
        "is_manager": me.role == Role.MANAGER,
        "is_lead": me.role == Role.TEAM_LEAD,
        "states": IncidentState,
        "tabs": tabs_for(me),
        "centre_tz": centre_tz(),
        "bound_ticket": bound[0] if bound else None,
        **refusal_context(refusal),
    }
    return render(request, "tickets/incidents.html", context, status=status)


@require_POST
def incident_decision(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """D10: the after-sales manager decides."""
    me = signed_in(request)
    ticket = visible_ticket(me, ticket_id)
    form = DecisionForm(request.POST, prefix=f"d{ticket.pk}")
    return _decide(
        request,
        me,
        ticket,
        ("decide", form),
        lambda now: incident_decide(
            actor=me, now=now, ticket=ticket, decision=form.cleaned_data["decision"]
        ),
        page=_incidents,
        done=lambda: _("Decision recorded for %(ticket)s.") % {"ticket": ticket.number},
        back="tickets:incidents",
    )


@require_POST
def incident_report(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """D10: the team lead's written report closes the incident."""
    me = signed_in(request)
    ticket = visible_ticket(me, ticket_id)
    form = ReportForm(request.POST, prefix=f"r{ticket.pk}")
    return _decide(
        request,
        me,
        ticket,
        ("report", form),
        lambda now: incident_file_report(
            actor=me, now=now, ticket=ticket, report=form.cleaned_data["report"]
        ),
        page=_incidents,
        done=lambda: _("Report filed for %(ticket)s.") % {"ticket": ticket.number},
        back="tickets:incidents",
    )


# --- shared -----------------------------------------------------------------------------------

Page = Callable[..., HttpResponse]


def _form(
    bound: Bound | None, ticket_id: int, name: str, form_class: type[forms.Form], prefix: str
) -> forms.Form:
    """The row's form: as posted when this row's action came back, else an empty one."""
    if bound is not None and bound[0] == ticket_id and bound[1] == name:
        return bound[2]
    return form_class(prefix=f"{prefix}{ticket_id}")


def _decide(
    request: HttpRequest,
    me: User,
    ticket: Ticket,
    posted: tuple[str, forms.Form] | None,
    service: Callable[[Any], object],
    *,
    page: Page,
    done: Callable[[], str],
    back: str,
) -> HttpResponse:
    bound: Bound | None = (ticket.pk, posted[0], posted[1]) if posted else None
    if posted is not None and not posted[1].is_valid():
        return page(request, me, bound, None, 400)
    try:
        service(clock.now())
    except PolicyRefusal as refused:
        return page(request, me, bound, refused, 409)
    except ValidationError as error:  # the service's own input checks
        if posted is not None:
            posted[1].add_error(None, error)
        return page(request, me, bound, None, 400)
    except Ticket.DoesNotExist:
        raise Http404 from None
    messages.success(request, done())
    return redirect(back)
