from django.db import models
from django.utils.translation import gettext_lazy as _


class FollowUpState(models.TextChoices):
    """D12: a decision for every completed order; a call for those in the sample."""

    SKIPPED = "skipped", _("Not in the sample")
    DUE = "due", _("To call")
    TAKEN = "taken", _("Being called")
    RESOLVED = "resolved", _("Done: resolved")
    UNRESOLVED = "unresolved", _("Done: not resolved, second visit sent")


OPEN_FOLLOWUP_STATES = frozenset({FollowUpState.DUE, FollowUpState.TAKEN})
