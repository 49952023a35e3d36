from django.db import models
from django.utils.translation import gettext_lazy as _


class DeadlineState(models.TextChoices):
    PENDING = "pending", _("Pending")
    MET = "met", _("Met in time")
    FIRED = "fired", _("Missed: acted on")
    CANCELLED = "cancelled", _("No longer needed")


# What each kind of clock is, in words, for people (pages show these; the API keeps the keys).
# A kind may carry an argument after a colon ("a6.escalate:12"): the label is the part before it.
KIND_LABELS = {
    "a6.escalate": _("Escalation step"),
    "b7.callback_warning": _("Warn before the promised callback"),
    "b7.visit_warning": _("Warn before the promised visit"),
    "d2.work_order": _("Turn the case into a work order"),
    "d4.contact": _("Provider contacts the customer"),
    "d4.status": _("Provider reports the status"),
    "d5.urge": _("Urge the provider"),
    "d6.response": _("Response promised by the zone"),
    "d8.reply": _("Reply promised to the customer"),
    "d9.reply": _("Engineer answers the complaint"),
    "d11.callback": _("Call the customer back"),
    "d12.followup": _("Follow-up call"),
}
