"""Why a roster can't be made: arithmetic reasons with the numbers, rule by rule."""

from collections import defaultdict

from hotline.core.i18n import gettext_noop
from hotline.core.refusal import PolicyRefusal
from hotline.wfm.shifts import (
    WEEK,
    Agent,
    Geometry,
    RosterProblem,
    RosterRules,
    available,
    geometry,
    target_days,
)


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def explain(problem: RosterProblem) -> list[PolicyRefusal]:
    """Arithmetic reasons the rules can't be kept, with the numbers; empty if none is found."""
    rules, geo = problem.rules, geometry(problem.rules)
    found = _explain_shape(rules, geo)
    if found:
        return found
    return _explain_days(problem) + _explain_breaks(problem, geo) + _explain_cover(problem, geo)


def _explain_shape(rules: RosterRules, geo: Geometry) -> list[PolicyRefusal]:
    if rules.work_days <= 0 or rules.weekly_minutes % (rules.work_days * rules.slot):
        return [
            PolicyRefusal(
                "D14",
                gettext_noop(
                    "%(hours)s h a week over %(days)s working days is not a whole number of "
                    "%(slot)s-minute slots a day."
                ),
                {"hours": rules.weekly_minutes / 60, "days": rules.work_days, "slot": rules.slot},
            )
        ]
    if geo.prep * rules.slot > rules.prep_max:
        return [
            PolicyRefusal(
                "B1",
                gettext_noop(
                    "Preparation of at least %(min)s min takes %(prep)s min in %(slot)s-minute "
                    "slots, more than the %(max)s min allowed."
                ),
                {
                    "min": rules.prep_min,
                    "prep": geo.prep * rules.slot,
                    "slot": rules.slot,
                    "max": rules.prep_max,
                },
            )
        ]
    if not geo.starts(rules, -1):
        return [
            PolicyRefusal(
                "D1",
                gettext_noop(
                    "A shift of %(hours)s h on the phones does not fit between %(opens)s and "
                    "%(closes)s."
                ),
                {
                    "hours": geo.span * rules.slot / 60,
                    "opens": _hhmm(rules.opens),
                    "closes": _hhmm(rules.closes),
                },
            )
        ]
    if rules.meeting_weekday is not None and not geo.starts(rules, rules.meeting_weekday):
        return [
            PolicyRefusal(
                "D14",
                gettext_noop(
                    "On the meeting day a full shift no longer fits between the end of the "
                    "meeting (%(ends)s) and %(closes)s."
                ),
                {"ends": _hhmm(rules.meeting_ends), "closes": _hhmm(rules.closes)},
            )
        ]
    if any(lo > hi for lo, hi in geo.windows):
        return [
            PolicyRefusal(
                "B2",
                gettext_noop(
                    "%(count)s breaks and lunches do not fit in a shift of %(hours)s h "
                    "on the phones."
                ),
                {"count": len(geo.kinds), "hours": geo.span * rules.slot / 60},
            )
        ]
    return []


def _explain_days(problem: RosterProblem) -> list[PolicyRefusal]:
    found = []
    for agent in problem.agents:
        for week in range(problem.weeks):
            days = range(week * WEEK, (week + 1) * WEEK)
            free = sum(1 for d in days if available(problem, agent, d))
            owed = target_days(problem, agent, week)
            if owed > free:
                found.append(
                    PolicyRefusal(
                        "D14",
                        gettext_noop(
                            "%(agent)s owes %(owed)s working days in week %(week)s but only "
                            "%(free)s days are open and free of leave."
                        ),
                        {"agent": agent.id, "owed": owed, "week": week + 1, "free": free},
                    )
                )
    return found


def _explain_breaks(problem: RosterProblem, geo: Geometry) -> list[PolicyRefusal]:
    """B4: a team's break slots in a week must fit under the cap in the opening hours."""
    rules, found = problem.rules, []
    per_shift = sum(geo.lengths)
    teams: dict[str, list[Agent]] = defaultdict(list)
    for agent in problem.agents:
        teams[agent.team].append(agent)
    for team, members in sorted(teams.items()):
        for week in range(problem.weeks):
            need = per_shift * sum(target_days(problem, a, week) for a in members)
            open_days = sum(problem.open_days[week * WEEK : (week + 1) * WEEK])
            room = open_days * (geo.close_slot - geo.open_slot) * rules.max_on_break
            if need > room:
                found.append(
                    PolicyRefusal(
                        "B4",
                        gettext_noop(
                            "Team %(team)s needs %(need)s break slots in week %(week)s but "
                            "only %(room)s fit with at most %(cap)s on break at once."
                        ),
                        {
                            "team": team,
                            "need": need,
                            "week": week + 1,
                            "room": room,
                            "cap": rules.max_on_break,
                        },
                    )
                )
    return found


def _explain_cover(problem: RosterProblem, geo: Geometry) -> list[PolicyRefusal]:
    """D1: enough agent-days in each week to keep the phones staffed every open day."""
    rules, found = problem.rules, []
    one_shift_covers = geo.span >= geo.close_slot - geo.open_slot and not geo.kinds
    per_day = rules.min_on_phones * (1 if one_shift_covers else 2)
    for week in range(problem.weeks):
        open_days = sum(problem.open_days[week * WEEK : (week + 1) * WEEK])
        have = sum(target_days(problem, a, week) for a in problem.agents)
        if have < per_day * open_days:
            found.append(
                PolicyRefusal(
                    "D1",
                    gettext_noop(
                        "Too few agents: %(have)s shifts in week %(week)s, but keeping "
                        "%(min)s on the phones all %(days)s open days needs %(need)s."
                    ),
                    {
                        "have": have,
                        "week": week + 1,
                        "min": rules.min_on_phones,
                        "days": open_days,
                        "need": per_day * open_days,
                    },
                )
            )
    return found


RULE_MESSAGES = {
    "D1": gettext_noop("The phones can't be staffed all opening hours with these agents."),
    "D14": gettext_noop("The weekly hours and days off can't be kept with this calendar or leave."),
    "B1": gettext_noop("The preparation time before the first call can't be fitted."),
    "B2": gettext_noop("The breaks and lunch can't be placed inside the shifts."),
    "B4": gettext_noop("Breaks can't be staggered under the limit of agents on break at once."),
}
