"""Call quality reviews (B11): a team lead marks an answered call of one of their agents.

Input that is wrong (an unknown criterion, a missing mark, a call not answered, one's own call,
a second review) is a ValidationError: no rule refuses it, it simply can't be a review. The one
refusal by a rule is B11's own: a conduct breach must say what was said.
"""

from collections.abc import Mapping
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from hotline.accounts.choices import Role
from hotline.accounts.models import User
from hotline.audit.services import event_append
from hotline.calls.events import AGENT, CONDUCT_BREACH, SCORE, CallsEntity, ReviewAction
from hotline.calls.models import Call, CallReview
from hotline.calls.selectors import reviewable_calls
from hotline.core.i18n import gettext_noop
from hotline.core.refusal import PolicyRefusal
from hotline.core.scorecard import CONDUCT_RULE, BadReview, Mark, check_marks, review_score

REVIEW_ENTITY = CallsEntity.REVIEW  # the name older code and tests import

COMMENT_LIMIT = 2000


def check_reviewable(lead: User, call: Call) -> None:
    """An answered call that has ended, of an agent of the lead's team, not yet reviewed."""
    if call.answered_at is None or call.ended_at is None or call.agent is None:
        raise ValidationError(gettext("Only an answered call that has ended can be reviewed."))
    if call.agent_id == lead.pk:
        raise ValidationError(gettext("You cannot review a call you answered yourself."))
    if call.agent.role != Role.AGENT or call.agent.team_id != lead.team_id:
        raise ValidationError(gettext("Only the calls of your own team's agents can be reviewed."))
    if existing_review(call) is not None:
        raise ValidationError(_already_reviewed(call))


def existing_review(call: Call) -> CallReview | None:
    """The call's review, if it has one (no query when the call was read with its review)."""
    try:
        return call.review
    except CallReview.DoesNotExist:
        return None


def _already_reviewed(call: Call) -> str:
    return gettext("Call %(call)s has been reviewed already.") % {"call": call.pk}


def call_review_create(
    *, actor: User, now: datetime, call_id: int, marks: Mapping[str, str], comment: str = ""
) -> CallReview:
    """B11: the team lead's review of one call of their agent, with its event, or nothing.

    A second review of a call is refused rather than taken as an edit: the agent may already
    have read the first, and the reports count each review once, as it was written."""
    if actor.role != Role.TEAM_LEAD:
        raise PermissionDenied(gettext("Only a team lead reviews the calls of their agents."))
    checked = _checked_marks(marks)
    text = _checked_comment(comment)
    score = review_score(checked)
    if score.conduct_breach and not text:
        raise PolicyRefusal(
            CONDUCT_RULE,
            gettext_noop("Running down a colleague is a conduct breach: say what was said."),
        )
    call = reviewable_calls(actor).select_related("agent", "review").get(pk=call_id)
    check_reviewable(actor, call)
    assert call.agent is not None
    try:
        with transaction.atomic():
            review = CallReview.objects.create(
                call=call,
                agent=call.agent,
                reviewer=actor,
                reviewed_at=now,
                marks={code: str(mark) for code, mark in checked.items()},
                comment=text,
                score=score.score,
                conduct_breach=score.conduct_breach,
            )
            event_append(
                actor=actor,
                now=now,
                entity=CallsEntity.REVIEW,
                entity_id=review.pk,
                action=ReviewAction.REVIEWED,
                new={
                    "call": call.pk,
                    AGENT: call.agent_id,
                    "marks": review.marks,
                    "met": score.met,
                    "not_met": score.not_met,
                    SCORE: score.score,
                    CONDUCT_BREACH: score.conduct_breach,
                },
                reason=text,
                rule=CONDUCT_RULE,
            )
    except IntegrityError:  # the same call reviewed at the same instant (one review per call)
        raise ValidationError(_already_reviewed(call)) from None
    return review


def _checked_marks(marks: Mapping[str, str]) -> dict[str, Mark]:
    try:
        return check_marks(marks)
    except BadReview as error:
        criterion = error.criterion
        label = gettext(criterion.label) if criterion else ""
        text = gettext(error.message) % {"criterion": label, "value": error.value}
        # The code names the criterion, so a page can point at the line to fix.
        raise ValidationError(text, code=criterion.code if criterion else None) from None


def _checked_comment(comment: str) -> str:
    text = (comment or "").strip()
    ProhibitNullCharactersValidator()(text)  # PostgreSQL stores no NUL character
    if len(text) > COMMENT_LIMIT:
        raise ValidationError(
            gettext("Keep the comment within %(limit)s characters.") % {"limit": COMMENT_LIMIT}
        )
    return text
