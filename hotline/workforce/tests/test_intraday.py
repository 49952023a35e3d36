"""The workforce plan the wallboard's intraday chart shows (issue 17): the calls forecast and
the agents required for each interval of the day, the same figures as the staffing forecast,
in the team's zone, and on the team lead's wallboard per half hour."""

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.urls import reverse

from hotline.workforce import planning
from hotline.workforce.intraday import SLOT_MINUTES, intraday_plan
from hotline.workforce.tests.conftest import FIRST_MONDAY, call_history

pytestmark = pytest.mark.django_db
SOFIA = ZoneInfo("Europe/Sofia")
TUESDAY = FIRST_MONDAY + timedelta(days=1)


@pytest.fixture(autouse=True)
def fresh_cache():  # type: ignore[no-untyped-def]
    cache.clear()
    yield
    cache.clear()


def test_the_days_plan_is_the_staffing_forecast_of_that_day(centre):
    call_history("repairs", weeks=3, per_hour=2)
    team = centre["lead"].team
    slots = intraday_plan(team, TUESDAY)
    assert slots, "a forecast from three weeks of calls"
    plan = planning.team_forecast(team, FIRST_MONDAY, 1, SLOT_MINUTES)
    ten = next(s for s in slots if s.start == datetime.combine(TUESDAY, time(10), SOFIA))
    index = 1 * 96 + 10 * 4  # Tuesday 10:00-10:15, local
    assert ten.forecast_calls == pytest.approx(float(plan.forecast.calls[0, index]), abs=0.01)
    assert ten.required_agents == int(plan.staffing[0].agents[index])
    assert ten.required_agents >= 1
    assert all(s.start.date() == TUESDAY for s in slots)
    assert all(s.start.astimezone(SOFIA).hour < 13 for s in slots)  # calls came 9:00-12:00


def test_no_history_no_plan(centre):
    assert intraday_plan(centre["lead"].team, TUESDAY) == []


def test_the_wallboard_shows_the_forecast_and_agents_required(client, in_english, monkeypatch):
    call_history("repairs", weeks=3, per_hour=2)
    at = datetime.combine(TUESDAY, time(12, 5), SOFIA)
    monkeypatch.setattr("hotline.clock.now", lambda: at)
    team = in_english["lead"].team
    slots = [s for s in intraday_plan(team, TUESDAY) if s.start.hour == 10]
    client.force_login(in_english["lead"])
    page = client.get(reverse("calls:wallboard_panel")).content.decode()
    row = re.search(r'data-start="10:00" data-calls="0">(.*?)</tr>', page)
    assert row, page
    cells = re.findall(r"<td>([^<]*)</td>", row.group(1))
    half_hour = [s for s in slots if s.start.minute < 30]
    assert float(cells[4]) == pytest.approx(sum(s.forecast_calls for s in half_hour), abs=0.06)
    assert int(cells[5]) == max(s.required_agents for s in half_hour)
    assert 'class="forecast"' in page
    assert "Calls forecast" in page
