"""D12: a follow-up not made in time is overdue; the team leads are told, and it is counted."""

from datetime import datetime

from django.utils.translation import gettext_lazy as _

from hotline.audit.payload import iso
from hotline.audit.services import event_append
from hotline.core.i18n import gettext_noop
from hotline.deadlines.models import Deadline
from hotline.deadlines.services import deadline_handler
from hotline.followup.choices import OPEN_FOLLOWUP_STATES
from hotline.followup.events import FollowUpAction, FollowUpEntity
from hotline.followup.models import FollowUp
from hotline.tickets.services.common import alert_users, team_leads_for


@deadline_handler("d12.followup", _("Follow-up call"))
def followup_overdue(deadline: Deadline, now: datetime) -> None:
    followup = (
        FollowUp.objects.select_for_update(of=("self",))
        .select_related("ticket__customer", "ticket__owner", "work_order")
        .filter(work_order_id=deadline.work_order_id)
        .first()
    )
    if followup is None or followup.state not in OPEN_FOLLOWUP_STATES:
        return  # made since, or never planned
    followup.overdue_at = now
    followup.save(update_fields=["overdue_at"])
    event_append(
        actor=None,
        now=now,
        entity=FollowUpEntity.FOLLOWUP,
        entity_id=followup.pk,
        action=FollowUpAction.OVERDUE,
        new={"due": iso(followup.due_at), "state": followup.state},
        rule="D12",
    )
    alert_users(
        team_leads_for(followup.ticket),
        now=now,
        rule="D12",
        ticket=followup.ticket,
        subject=gettext_noop("Follow-up call overdue for %(number)s"),
        body=gettext_noop(
            "The follow-up call to %(customer)s about work order %(order)s was due at %(due)s "
            "and has not been made."
        ),
        order=followup.work_order.number,
        due=followup.due_at,
    )
