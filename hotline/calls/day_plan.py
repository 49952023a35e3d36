"""The agent's planned day on the desk (shift, planned breaks): the workforce app (a higher layer)
registers where rosters say it in its AppConfig.ready(), so the floor shows it without
importing workforce (as the shift starts of B1 in services.agents)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from hotline.accounts.models import User


@dataclass(frozen=True)
class PlannedBreak:
    label: str  # in the reader's language
    start: datetime
    end: datetime


@dataclass(frozen=True)
class DayPlan:
    prep_start: datetime  # B1: preparation from
    start: datetime  # first call
    end: datetime
    breaks: tuple[PlannedBreak, ...]
    meeting: bool  # D14: the weekly meeting first


DayPlanSource = Callable[[User, date], DayPlan | None]
_sources: list[DayPlanSource] = []


def day_plan_source(source: DayPlanSource) -> None:
    """Register a function giving an agent's own published shift on a (local) day, or None."""
    if source not in _sources:
        _sources.append(source)


def day_plan(agent: User, day: date) -> DayPlan | None:
    """The agent's own plan for `day`: only the agent's, never a colleague's."""
    for source in _sources:
        plan = source(agent, day)
        if plan is not None:
            return plan
    return None
