"""The call quality review form: a fixed scorecard a team lead marks for one answered call.

Rule B11 (no running down colleagues in front of customers) is something no software can stop;
the rulebook keeps it on the quality review form. The form also checks, call by call, the rules
a reviewer can only judge by listening (A1, A4, A5, E2, E4), and the greeting and close that
every call has. Each criterion is marked met, not met or not applicable.

The score is met / (met + not met): a criterion that did not arise in the call neither helps nor
hurts. A B11 "not met" is a conduct breach whatever the score: a call can be perfect on every
other line and still have run down a colleague, and an average must not hide that.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from statistics import fmean

from hotline.core.i18n import gettext_noop
from hotline.core.refusal import check_rule_id

CONDUCT_RULE = "B11"


class Mark(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    NOT_APPLICABLE = "na"


MARK_LABELS = {
    Mark.MET: gettext_noop("Met"),
    Mark.NOT_MET: gettext_noop("Not met"),
    Mark.NOT_APPLICABLE: gettext_noop("Not applicable"),
}


def mark_label(value: str) -> str:
    """The msgid of a mark's label; empty for anything that is not a mark."""
    try:
        return MARK_LABELS[Mark(value)]
    except ValueError:
        return ""


@dataclass(frozen=True)
class Criterion:
    code: str
    label: str  # an English msgid; the edge translates it
    rule: str = ""  # the rule of POLICIES.md it checks; empty for plain good practice
    every_call: bool = False  # arises in every call, so "not applicable" is no answer

    def __post_init__(self) -> None:
        if self.rule:
            check_rule_id(self.rule)


SCORECARD: tuple[Criterion, ...] = (
    Criterion(
        "greeting",
        gettext_noop("Greets the caller and identifies the customer"),
        every_call=True,
    ),
    Criterion("sla_promises", gettext_noop("Promises only what the customer's SLA covers"), "A5"),
    Criterion(
        "first_steps", gettext_noop("Walks through the scripted first steps of a new problem"), "E4"
    ),
    Criterion(
        "read_back",
        gettext_noop("Reads the ticket back and has it confirmed before escalating it"),
        "E2",
    ),
    Criterion(
        "transfer", gettext_noop("Transfers only with a reason and the colleague's consent"), "A4"
    ),
    Criterion("talk_time", gettext_noop("Keeps the call within its time limit"), "A1", True),
    Criterion(
        "colleagues",
        gettext_noop("Does not run down colleagues in front of the customer"),
        CONDUCT_RULE,
        True,
    ),
    Criterion(
        "close",
        gettext_noop("Closes the call properly: what happens next, and a goodbye"),
        every_call=True,
    ),
)
CRITERIA: dict[str, Criterion] = {c.code: c for c in SCORECARD}
CONDUCT_CRITERION = next(c.code for c in SCORECARD if c.rule == CONDUCT_RULE)


class BadReview(ValueError):
    """Marks the scorecard can't take. `message` is a msgid with the placeholders `criterion`
    (a criterion's label, translated at the edge) and `value` (what was sent)."""

    def __init__(self, message: str, *, criterion: Criterion | None = None, value: str = ""):
        self.message = message
        self.criterion = criterion
        self.value = value
        label = criterion.label if criterion else ""
        super().__init__(message % {"criterion": label, "value": value})


def check_marks(marks: Mapping[str, str]) -> dict[str, Mark]:
    """Every criterion of the scorecard marked once, with a mark it can take; nothing else."""
    unknown = sorted(set(marks) - set(CRITERIA))
    if unknown:
        raise BadReview(
            gettext_noop("The scorecard has no criterion %(value)s."), value=repr(unknown[0])
        )
    checked: dict[str, Mark] = {}
    for criterion in SCORECARD:
        raw = marks.get(criterion.code, "")
        if not raw:
            raise BadReview(gettext_noop("Give a mark for: %(criterion)s."), criterion=criterion)
        try:
            mark = Mark(raw)
        except ValueError:
            raise BadReview(
                gettext_noop("%(value)s is not a mark: use met, not met or not applicable."),
                criterion=criterion,
                value=repr(raw),
            ) from None
        if mark is Mark.NOT_APPLICABLE and criterion.every_call:
            raise BadReview(
                gettext_noop("%(criterion)s arises in every call: mark it met or not met."),
                criterion=criterion,
            )
        checked[criterion.code] = mark
    return checked


@dataclass(frozen=True)
class ReviewScore:
    met: int
    not_met: int
    conduct_breach: bool  # B11 not met

    @property
    def judged(self) -> int:
        return self.met + self.not_met

    @property
    def score(self) -> float | None:
        """met / (met + not met); None when nothing was judged."""
        return self.met / self.judged if self.judged else None


def review_score(marks: Mapping[str, str]) -> ReviewScore:
    """The score of stored or checked marks. Counts what is there: a review written under an
    older scorecard keeps the score it was given."""
    values = list(marks.values())
    return ReviewScore(
        met=values.count(Mark.MET),
        not_met=values.count(Mark.NOT_MET),
        conduct_breach=marks.get(CONDUCT_CRITERION) == Mark.NOT_MET,
    )


def average_score(scores: list[float | None]) -> float | None:
    """The mean of the reviews' scores (each review weighs the same, however many criteria
    arose in its call); reviews without a score are left out."""
    known = [s for s in scores if s is not None]
    return fmean(known) if known else None
