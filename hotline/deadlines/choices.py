from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class DeadlineState(models.TextChoices):
    PENDING = "pending", _("Pending")
    MET = "met", _("Met in time")
    FIRED = "fired", _("Missed: acted on")
    CANCELLED = "cancelled", _("No longer needed")


# What each kind of clock is, in words, for people (pages show these; the API keeps the keys):
# given by the app that owns the kind when it registers its handler (`deadline_handler`).
_kind_labels: dict[str, str | Promise] = {}


def kind_label_set(kind: str, label: str | Promise) -> None:
    _kind_labels[kind] = label


def kind_label(kind: str) -> str:
    """A kind may carry an argument after a colon ("a6.escalate:12"): the label is the part
    before it; a kind with no words (a test's) shows its key."""
    return str(_kind_labels.get(kind.partition(":")[0], kind))
