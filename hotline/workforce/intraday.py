"""The workforce plan of one day for the wallboard's intraday chart (calls.intraday): the calls
forecast per interval and the agents required on the phones (Erlang, against the centre's
targets), as the staffing page computes them (planning.team_forecast).

The forecast learns from eight weeks of calls: too slow to redo on each refresh of the
wallboard (every 15 s and at each floor event), so a team's day is kept in the cache for
`CACHE_SECONDS`. The history it learns from is of weeks before this one: it does not change
during the day.
"""

from datetime import date, datetime, time, timedelta

from django.core.cache import cache

from hotline.accounts.models import Team
from hotline.calls.intraday import PlanSlot
from hotline.workforce import planning

CACHE_SECONDS = 15 * 60
SLOT_MINUTES = 15


def intraday_plan(team: Team, day: date) -> list[PlanSlot]:
    key = f"hotline:wfm-intraday:{team.pk}:{day.isoformat()}"
    found = cache.get(key)
    if found is None:
        found = _plan(team, day)
        cache.set(key, found, CACHE_SECONDS)
    return list(found)


def _plan(team: Team, day: date) -> list[PlanSlot]:
    monday = day - timedelta(days=day.weekday())
    plan = planning.team_forecast(team, monday, 1, SLOT_MINUTES)
    per_day = 24 * 60 // SLOT_MINUTES
    first = day.weekday() * per_day
    calls = plan.forecast.calls[0, first : first + per_day]
    required = plan.staffing[0].agents[first : first + per_day]
    zone = planning.team_zone(team)
    midnight = datetime.combine(day, time(0), zone)
    return [
        PlanSlot(
            start=midnight + timedelta(minutes=i * SLOT_MINUTES),
            length=timedelta(minutes=SLOT_MINUTES),
            forecast_calls=round(float(calls[i]), 2),
            required_agents=int(required[i]),
        )
        for i in range(per_day)
        if float(calls[i]) > 0 or int(required[i]) > 0
    ]
