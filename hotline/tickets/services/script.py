"""E4: the scripted first steps of a new problem's category, walked through before the
read-back; a call that updates an earlier case skips them and links to it."""

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from hotline.core.i18n import gettext_noop
from hotline.core.refusal import PolicyRefusal
from hotline.tickets.limits import SCRIPT_ANSWER_LENGTH, SCRIPT_STEPS_MAX
from hotline.tickets.models import Ticket
from hotline.tickets.selectors import needs_category, script_gaps


def clean_script_answers(answers: Any, steps: Sequence[str]) -> list[dict[str, Any]]:
    """The steps walked through, as stored: `{"step", "done", "answer"}` in the script's order.

    An answer names its step by the script's text (or is that text alone, done). Answers to
    steps the current script does not have are not kept: a changed category has another
    script, and E4 then asks for its steps."""
    if not isinstance(answers, list):
        raise ValidationError(gettext("The scripted steps must be a list."))
    if len(answers) > SCRIPT_STEPS_MAX:
        raise ValidationError(
            gettext("At most %(limit)s scripted steps.") % {"limit": SCRIPT_STEPS_MAX}
        )
    given: dict[str, dict[str, Any]] = {}
    for answer in answers:
        if isinstance(answer, str):
            answer = {"step": answer, "done": True}
        if not isinstance(answer, dict):
            raise ValidationError(gettext("Each scripted step is a step and its answer."))
        step = str(answer.get("step") or "").strip()
        said = str(answer.get("answer") or "").strip()
        if len(said) > SCRIPT_ANSWER_LENGTH:
            raise ValidationError(
                gettext("An answer is too long (at most %(limit)s characters).")
                % {"limit": SCRIPT_ANSWER_LENGTH}
            )
        if step in steps:
            given[step] = {"step": step, "done": bool(answer.get("done")), "answer": said}
    return [given[step] for step in steps if step in given]


def check_script_walked(ticket: Ticket) -> None:
    """E4: a new repair has a category, and every step of its script was done or answered."""
    if needs_category(ticket):
        raise PolicyRefusal(
            "E4",
            gettext_noop(
                "Choose the fault category of the new problem and walk through its scripted "
                "first steps before the read-back."
            ),
        )
    gaps = script_gaps(ticket)
    if gaps:
        raise PolicyRefusal(
            "E4",
            gettext_noop(
                "Walk through the scripted first steps with the customer before the read-back. "
                "Not done yet: %(steps)s"
            ),
            {"steps": "; ".join(gettext(step) for step in gaps), "count": len(gaps)},
        )
