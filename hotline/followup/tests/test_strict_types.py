"""C6, strict types: the follow-up's score is a JSON integer and `resolved` a JSON
boolean. pydantic's lax mode took "5", 5.0, "true" and 1; each is now a 422, nothing recorded."""

import pytest

from hotline.followup.choices import FollowUpState
from hotline.followup.tests.test_c6_second_dispatch import clock, followup  # noqa: F401

pytestmark = pytest.mark.django_db

GOOD = {"score": 5, "reason": "Works again", "resolved": True}


@pytest.mark.parametrize(
    "bad",
    [{"score": "5"}, {"score": 5.0}, {"score": True}, {"resolved": "true"}, {"resolved": 1}],
)
def test_c6_score_and_resolved_of_another_type_are_422_and_record_nothing(
    api,
    in_english,
    clock,  # noqa: F811
    followup,  # noqa: F811
    bad,
):
    answer = api("agent2", "post", f"/followups/{followup.pk}/record", GOOD | bad)
    assert answer.status_code == 422, answer.content
    assert [e["loc"][-1] for e in answer.json()["detail"]] == list(bad)
    followup.refresh_from_db()
    assert followup.state == FollowUpState.DUE
    assert followup.score is None


def test_c6_score_and_resolved_as_json_values_are_recorded(
    api,
    in_english,
    clock,  # noqa: F811
    followup,  # noqa: F811
):
    answer = api("agent2", "post", f"/followups/{followup.pk}/record", GOOD)
    assert answer.status_code == 200, answer.content
    followup.refresh_from_db()
    assert followup.score == 5
