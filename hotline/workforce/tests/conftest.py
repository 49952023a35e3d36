"""Workforce test helpers: call history as the floor records it, and one generated roster."""

from datetime import UTC, date, datetime, timedelta

import pytest

from hotline.audit.services import event_append
from hotline.calls.models import Call, Queue
from hotline.workforce.models import Roster
from hotline.workforce.services import roster_generate

FIRST_MONDAY = date(2026, 12, 7)  # two weeks after the `now` fixture
SECONDS = 4.0


def call_history(queue_code: str, weeks: int = 3, per_hour: int = 2) -> int:
    """Calls arriving on weekday mornings of the weeks before FIRST_MONDAY, with their events."""
    queue = Queue.objects.get(code=queue_code)
    made = 0
    for week in range(1, weeks + 1):
        monday = FIRST_MONDAY - timedelta(weeks=week)
        for day in range(5):
            for hour in (7, 8, 9):  # 9:00-12:00 in Sofia
                for n in range(per_hour):
                    at = datetime.combine(monday + timedelta(days=day), datetime.min.time(), UTC)
                    at += timedelta(hours=hour, minutes=n * 60 // per_hour)
                    call = Call.objects.create(queue=queue, arrived_at=at, state="ended")
                    event_append(
                        actor=None,
                        now=at,
                        entity="calls.call",
                        entity_id=call.pk,
                        action="arrived",
                        new={"queue": queue.pk},
                    )
                    made += 1
    return made


@pytest.fixture
def roster(centre, now) -> Roster:  # type: ignore[no-untyped-def]
    call_history("repairs")
    team = centre["lead"].team
    return roster_generate(
        actor=centre["lead"],
        now=now,
        team=team,
        first_monday=FIRST_MONDAY,
        weeks=1,
        seconds=SECONDS,
    )
