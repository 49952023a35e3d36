"""D13: an abnormally high fault share raises an alert, and the engineer gets the feedback."""

from datetime import date, datetime

from django.db import transaction
from django.urls import reverse

from hotline.accounts.choices import Role
from hotline.accounts.models import User
from hotline.audit.services import event_append
from hotline.core.i18n import gettext_noop
from hotline.notices.services import notify, public_link
from hotline.reports.events import FaultAlertAction, ReportsEntity
from hotline.reports.models import FaultAlert
from hotline.reports.monthly import FAULT_TEST, FaultRow


def head_office_engineers() -> list[User]:
    """Who gets the fault feedback: the head office's after-sales managers.

    The rulebook names no separate head-office engineer role; the after-sales manager is the
    head office's person for provider quality (DESIGN "Who uses it").
    """
    return list(User.objects.filter(role=Role.MANAGER, is_active=True).order_by("id"))


def fault_alerts_raise(
    *, actor: User | None, now: datetime, month: date, rows: list[FaultRow]
) -> list[FaultAlert]:
    """Record each abnormal category of the month once, and send the feedback report."""
    raised = []
    for row in rows:
        if not row.verdict.abnormal:
            continue
        with transaction.atomic():
            alert, created = FaultAlert.objects.select_for_update().get_or_create(
                month=month,
                category=row.category,
                defaults={
                    "count": row.verdict.count,
                    "total": row.verdict.total,
                    "share": row.verdict.share or 0.0,
                    "baseline": row.verdict.baseline or 0.0,
                    "p_value": row.verdict.p_value or 0.0,
                    "raised_at": now,
                },
            )
            if not created:
                continue  # the month's report ran before: the engineer was told already
            figures = {
                "category": row.category.name,
                "month": f"{month:%Y-%m}",
                "count": row.verdict.count,
                "total": row.verdict.total,
                "share": f"{100 * (row.verdict.share or 0):.1f} %",
                "baseline": f"{100 * (row.verdict.baseline or 0):.1f} %",
                "p_value": f"{row.verdict.p_value:.2g}",
                "months": FAULT_TEST.history_months,
            }
            event_append(
                actor=actor,
                now=now,
                entity=ReportsEntity.FAULT_ALERT,
                entity_id=alert.pk,
                action=FaultAlertAction.RAISED,
                new=figures,
                rule="D13",
            )
            for engineer in head_office_engineers():
                notify(
                    now=now,
                    rule="D13",
                    user=engineer,
                    subject=gettext_noop("Fault share alert: %(category)s in %(month)s"),
                    body=gettext_noop(
                        "%(category)s made %(count)s of %(total)s field cases in %(month)s "
                        "(%(share)s), against a usual share of %(baseline)s over the previous "
                        "%(months)s months (p = %(p_value)s). Please look into the cause and "
                        "reply with your findings. Report: %(link)s"
                    ),
                    params={
                        **figures,
                        "link": public_link(reverse("reports:monthly") + f"?month={month:%Y-%m}"),
                    },
                )
                alert.notified.add(engineer)
            raised.append(alert)
    return raised
