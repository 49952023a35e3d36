"""The call quality review form (B11): a fixed scorecard, its checks and its score."""

import pytest

from hotline.core.refusal import RULE_IDS
from hotline.core.scorecard import (
    CONDUCT_CRITERION,
    CRITERIA,
    SCORECARD,
    BadReview,
    Mark,
    average_score,
    check_marks,
    mark_label,
    review_score,
)


def all_met(**others: str) -> dict[str, str]:
    return {c.code: others.get(c.code, Mark.MET) for c in SCORECARD}


def test_b11_scorecard_is_short_and_names_the_rules_it_checks() -> None:
    assert 6 <= len(SCORECARD) <= 9
    assert len(CRITERIA) == len(SCORECARD)  # codes are unique
    rules = {c.rule for c in SCORECARD if c.rule}
    assert rules <= RULE_IDS
    assert {"A1", "A4", "A5", "E2", "E4", "B11"} <= rules
    assert CRITERIA[CONDUCT_CRITERION].rule == "B11"
    assert all(c.label.strip() for c in SCORECARD)


def test_b11_conduct_and_the_call_s_frame_arise_in_every_call() -> None:
    assert CRITERIA[CONDUCT_CRITERION].every_call
    assert CRITERIA["greeting"].every_call
    assert CRITERIA["close"].every_call
    assert not CRITERIA["transfer"].every_call  # most calls are not transferred


def test_b11_score_is_met_over_met_and_not_met() -> None:
    marks = all_met(transfer=Mark.NOT_APPLICABLE, read_back=Mark.NOT_APPLICABLE, close="not_met")
    score = review_score(check_marks(marks))
    assert (score.met, score.not_met, score.judged) == (5, 1, 6)
    assert score.score == pytest.approx(5 / 6)
    assert not score.conduct_breach


def test_b11_running_down_a_colleague_is_a_breach_whatever_the_score() -> None:
    score = review_score(check_marks(all_met(colleagues=Mark.NOT_MET)))
    assert score.score == pytest.approx(7 / 8)  # a good score...
    assert score.conduct_breach  # ...and still a conduct breach


def test_b11_nothing_judged_has_no_score() -> None:
    assert review_score({}).score is None
    assert review_score({"transfer": "na"}).score is None


def test_b11_a_full_scorecard_is_taken_as_marks() -> None:
    checked = check_marks(all_met(transfer="na"))
    assert checked["transfer"] is Mark.NOT_APPLICABLE
    assert set(checked) == set(CRITERIA)


@pytest.mark.parametrize(
    ("marks", "criterion"),
    [
        ({**all_met(), "politeness": "met"}, None),  # no such criterion
        ({c: m for c, m in all_met().items() if c != "close"}, "close"),  # a mark missing
        (all_met(greeting=""), "greeting"),  # an empty mark is a missing one
        (all_met(transfer="maybe"), "transfer"),  # not a mark
        (all_met(colleagues="na"), CONDUCT_CRITERION),  # B11 arises in every call
        (all_met(talk_time="na"), "talk_time"),
    ],
)
def test_b11_marks_the_scorecard_cannot_take_are_refused(
    marks: dict[str, str], criterion: str | None
) -> None:
    with pytest.raises(BadReview) as refused:
        check_marks(marks)
    assert (refused.value.criterion.code if refused.value.criterion else None) == criterion
    assert str(refused.value)  # the message reads in English with its placeholders filled


def test_b11_average_is_the_mean_of_the_reviews_scores() -> None:
    # Two reviews: 5 of 6 met and 3 of 4 met: (5/6 + 3/4) / 2 = (20/24 + 18/24) / 2 = 19/24.
    assert average_score([5 / 6, 3 / 4]) == pytest.approx(19 / 24)
    assert average_score([None, 1.0]) == 1.0
    assert average_score([]) is None


def test_b11_mark_labels_are_messages_and_nothing_else_has_one() -> None:
    assert mark_label("met") == "Met"
    assert mark_label("not_met") == "Not met"
    assert mark_label("nonsense") == ""
