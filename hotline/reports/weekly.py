"""D15 (and D7's daily report): the period's solved cases, every one, by how it was solved.

Definitions (the section's note in the report says the same):
- a case counts in the period (week, day) its ``solved_at`` falls in, if it is still solved or
  closed (a case a follow-up reopened counts again when it is solved again, not before);
- *by a signed work order* (E6): the case was solved by the technician's signature (one of its
  work orders was signed at the moment it was solved); *of which after a second visit* (D12):
  that order was a second dispatch;
- *on the phone or by the promised callback* (D2, D11): solved by the agent, without an order;
- *complaints settled on the call* / *answered by the after-sales engineer* (D9): complaint
  cases, by the complaint's outcome;
- *special incidents closed* (D10): incident cases closed with the team lead's written report.
"""

from typing import Any

from django.db.models import Count, Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from hotline.core.reportmath import Period
from hotline.dispatch.models import WorkOrder
from hotline.reports.tables import Chart, Column, Section
from hotline.tickets.choices import ComplaintState, TicketKind, TicketState
from hotline.tickets.models import Ticket


def solved_cases(period: Period) -> dict[str, int]:
    """The counts of the definitions above, in one grouped query over the week's solved cases."""
    signed = WorkOrder.objects.filter(ticket_id=OuterRef("pk"), signed_at=OuterRef("solved_at"))
    rows = (
        Ticket.objects.filter(
            solved_at__gte=period.start,
            solved_at__lt=period.end,
            state__in=[TicketState.SOLVED, TicketState.CLOSED],
        )
        .annotate(
            by_order=Exists(signed),
            by_repeat=Exists(signed.filter(second_dispatch_of__isnull=False)),
        )
        .values("kind", "by_order", "by_repeat", "complaint__state")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = dict.fromkeys(
        ("order", "repeat", "phone", "settled", "answered", "incident", "total"), 0
    )
    for row in rows:
        n = row["n"]
        counts["total"] += n
        if row["kind"] == TicketKind.COMPLAINT:
            settled = row["complaint__state"] == ComplaintState.SETTLED
            counts["settled" if settled else "answered"] += n
        elif row["kind"] == TicketKind.INCIDENT:
            counts["incident"] += n
        elif row["by_order"]:
            counts["order"] += n
            counts["repeat"] += n if row["by_repeat"] else 0
        else:
            counts["phone"] += n
    return counts


def solved_section(period: Period) -> Section:
    counts = solved_cases(period)
    labels: list[tuple[str, Any]] = [
        ("total", _("Cases solved in the period")),
        ("order", _("by a signed work order (E6)")),
        ("repeat", _("of which after a second visit (D12)")),
        ("phone", _("on the phone or by the promised callback (D2, D11)")),
        ("settled", _("complaints settled on the call (D9)")),
        ("answered", _("complaints answered by the after-sales engineer (D9)")),
        ("incident", _("special incidents closed with the written report (D10)")),
    ]
    return Section(
        "solved",
        _("Cases solved, by how"),
        "D15",
        [Column("how", _("How"), "text"), Column("cases", _("Cases"))],
        rows=[{"how": str(label), "cases": counts[key]} for key, label in labels],
        chart=Chart("how", ("cases",)),
        note=_(
            "A case counts in the period it was solved, if it is still solved or closed (one a "
            "follow-up reopened counts again when solved again). By a signed work order: one of "
            "its orders was signed when it was solved; after a second visit: that order was a "
            "repeat visit. On the phone: solved by the agent without an order. Complaints by "
            "their outcome; incidents closed with the team lead's written report."
        ),
    )
