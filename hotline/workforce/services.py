"""Leave (D14), rosters generated with hotline.wfm, published and edited under its checker.

Every state change is a service with one transaction and an event. The roster solve runs
before the transaction (it takes seconds); only its result is stored, in one go.
"""

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from hotline.accounts.choices import Role
from hotline.accounts.models import Team, User
from hotline.accounts.permissions import SUPERVISORS
from hotline.audit.services import event_append
from hotline.core.i18n import gettext_noop
from hotline.core.refusal import PolicyRefusal
from hotline.wfm.check import Violation
from hotline.wfm.roster import Agent, Infeasible, RosterProblem, solve
from hotline.workforce import planning
from hotline.workforce.events import LeaveAction, RosterAction, ShiftAction, WorkforceEntity
from hotline.workforce.models import LeaveRequest, LeaveState, Roster, RosterState, Shift

# D14: leave is asked this many days in advance at least (not a rulebook setting yet).
LEAVE_NOTICE = timedelta(days=7)
LEAVE_LONGEST = timedelta(days=60)
MAX_WEEKS = 6
SOLVE_SECONDS = 30.0


def _local_today(user: User, now: datetime) -> date:
    assert user.team is not None
    return now.astimezone(planning.team_zone(user.team)).date()


# --- leave (D14) ---------------------------------------------------------------------------------


@transaction.atomic
def leave_request(
    *, actor: User, now: datetime, first_day: date, last_day: date, reason: str
) -> LeaveRequest:
    """An agent asks for days off, in advance (D14); the team lead decides."""
    if actor.role not in (Role.AGENT, Role.TEAM_LEAD) or actor.team_id is None:
        raise PolicyRefusal("D14", gettext_noop("Only members of a team ask for leave."))
    text = (reason or "").strip()
    if not text:
        raise PolicyRefusal("D14", gettext_noop("Say why you ask for leave."))
    if last_day < first_day:
        raise PolicyRefusal("D14", gettext_noop("The last day of leave is before the first."))
    if last_day - first_day >= LEAVE_LONGEST:
        raise PolicyRefusal(
            "D14",
            gettext_noop("Leave of more than %(days)s days is arranged with the manager."),
            {"days": LEAVE_LONGEST.days},
        )
    earliest = _local_today(actor, now) + LEAVE_NOTICE
    if first_day < earliest:
        raise PolicyRefusal(
            "D14",
            gettext_noop("Leave is asked at least %(days)s days in advance: from %(earliest)s."),
            {"days": LEAVE_NOTICE.days, "earliest": earliest},
        )
    overlapping = LeaveRequest.objects.filter(
        agent=actor,
        state__in=[LeaveState.ASKED, LeaveState.APPROVED],
        first_day__lte=last_day,
        last_day__gte=first_day,
    )
    if overlapping.exists():
        raise PolicyRefusal("D14", gettext_noop("You already asked for leave on these days."))
    leave = LeaveRequest.objects.create(
        agent=actor, first_day=first_day, last_day=last_day, reason=text[:300], asked_at=now
    )
    event_append(
        actor=actor,
        now=now,
        entity=WorkforceEntity.LEAVE,
        entity_id=leave.pk,
        action=LeaveAction.ASKED,
        new={"first_day": first_day.isoformat(), "last_day": last_day.isoformat()},
        reason=leave.reason,
        rule="D14",
    )
    return leave


def _require_team_lead(actor: User, team_id: int | None) -> None:
    if actor.role != Role.TEAM_LEAD or actor.team_id is None or actor.team_id != team_id:
        raise PolicyRefusal(
            "D14", gettext_noop("Only the team lead of the agent's team decides on leave.")
        )


@transaction.atomic
def leave_decide(*, actor: User, now: datetime, leave_id: int, approve: bool) -> LeaveRequest:
    """D14: the team lead of the agent's team approves or refuses leave asked for."""
    leave = LeaveRequest.objects.select_for_update().select_related("agent").get(pk=leave_id)
    _require_team_lead(actor, leave.agent.team_id)
    if leave.agent_id == actor.pk:
        raise PolicyRefusal("D14", gettext_noop("A team lead does not approve their own leave."))
    if leave.state != LeaveState.ASKED:
        raise PolicyRefusal("D14", gettext_noop("This leave request is already decided."))
    old = leave.state
    leave.state = LeaveState.APPROVED if approve else LeaveState.REFUSED
    leave.decided_by, leave.decided_at = actor, now
    leave.save(update_fields=["state", "decided_by", "decided_at"])
    event_append(
        actor=actor,
        now=now,
        entity=WorkforceEntity.LEAVE,
        entity_id=leave.pk,
        action=LeaveAction.APPROVED if approve else LeaveAction.REFUSED,
        old=old,
        new=leave.state,
        rule="D14",
    )
    return leave


# --- rosters -------------------------------------------------------------------------------------


def require_rostering(actor: User, team: Team) -> None:
    """The team's lead plans its rosters; the manager and the admin any team's."""
    if actor.role not in SUPERVISORS or (actor.role == Role.TEAM_LEAD and actor.team_id != team.pk):
        raise PolicyRefusal(
            "D14", gettext_noop("Only the team lead of %(team)s plans its rosters."), {"team": team}
        )


def _check_horizon(first_monday: date, weeks: int) -> None:
    if first_monday.weekday() != 0:
        raise PolicyRefusal("D14", gettext_noop("A roster starts on a Monday."))
    if not 1 <= weeks <= MAX_WEEKS:
        raise PolicyRefusal(
            "D14",
            gettext_noop("A roster covers 1 to %(max)s weeks."),
            {"max": MAX_WEEKS},
        )


def roster_problem(team: Team, first_monday: date, weeks: int) -> tuple[RosterProblem, list[User]]:
    """What the solver is given: the rulebook's numbers, the calendar, approved leave and the
    agents the forecast says each slot needs."""
    rules = planning.roster_rules(team)
    members = planning.rostered_agents(team)
    leave = planning.approved_leave(members, first_monday, weeks)
    plan = planning.team_forecast(team, first_monday, weeks, rules.slot)
    problem = RosterProblem(
        weeks=weeks,
        agents=tuple(
            Agent(str(u.pk), str(team.pk), frozenset(leave.get(u.pk, set()))) for u in members
        ),
        required=planning.required_per_day(plan, rules),
        open_days=planning.open_days(team, first_monday, weeks),
        rules=rules,
    )
    return problem, members


def roster_generate(
    *,
    actor: User,
    now: datetime,
    team: Team,
    first_monday: date,
    weeks: int,
    seconds: float = SOLVE_SECONDS,
) -> Roster:
    """Forecast, staff and solve the team's roster; store it as a draft (replacing a draft).

    Rules that can't be kept are refused naming the rule, and nothing is stored."""
    require_rostering(actor, team)
    _check_horizon(first_monday, weeks)
    if Roster.objects.filter(
        team=team, first_monday=first_monday, state=RosterState.PUBLISHED
    ).exists():
        raise PolicyRefusal(
            "D14", gettext_noop("The roster of this week is published: edit its shifts instead.")
        )
    problem, members = roster_problem(team, first_monday, weeks)
    result = solve(problem, seconds=seconds, workers=2)
    if isinstance(result, Infeasible):
        raise result.refusals[0]
    figures: dict[str, Any] = {
        **planning.problem_figures(problem, [u.pk for u in members]),
        "objective": result.objective,
        "lp_bound": result.lp_bound,
        "gap": result.gap,
        "status": result.status,
        "shortfall": result.shortfall,
        "split_weeks": result.split_weeks,
        "weekend_spread": result.weekend_spread,
        "wall_seconds": round(result.wall_seconds, 3),
    }
    with transaction.atomic():
        Team.objects.select_for_update().get(pk=team.pk)
        existing = (
            Roster.objects.select_for_update().filter(team=team, first_monday=first_monday).first()
        )
        if existing is not None and existing.state == RosterState.PUBLISHED:
            raise PolicyRefusal(
                "D14",
                gettext_noop("The roster of this week is published: edit its shifts instead."),
            )
        if existing is not None:
            existing.delete()
        roster = Roster.objects.create(
            team=team,
            first_monday=first_monday,
            weeks=weeks,
            created_at=now,
            figures=figures,
            required=[list(row) for row in problem.required],
        )
        Shift.objects.bulk_create(
            Shift(
                roster=roster,
                agent_id=int(s.agent),
                day=first_monday + timedelta(days=s.day),
                prep_start=s.prep_start,
                start=s.start,
                end=s.end,
                breaks=[{"kind": b.kind, "start": b.start, "end": b.end} for b in s.breaks],
                meeting=s.meeting,
            )
            for s in result.shifts
        )
        event_append(
            actor=actor,
            now=now,
            entity=WorkforceEntity.ROSTER,
            entity_id=roster.pk,
            action=RosterAction.GENERATED,
            new={
                k: figures[k]
                for k in ("objective", "lp_bound", "gap", "shortfall", "status", "wall_seconds")
            },
            rule="D14",
        )
    return roster


# hotline.wfm.check says what is broken in English (it is pure Python, no catalogue): the
# reader reads it in their language. A text not listed here is shown as the checker says it.
VIOLATION_TEXTS = {
    "more than one shift a day": gettext_lazy("more than one shift a day"),
    "shift on a closed day": gettext_lazy("shift on a closed day"),
    "phone time outside the opening hours": gettext_lazy("phone time outside the opening hours"),
    "shift on a day of approved leave": gettext_lazy("shift on a day of approved leave"),
    "meeting day shift without the meeting first": gettext_lazy(
        "meeting day shift without the meeting first"
    ),
    "preparation too short or too long": gettext_lazy("preparation too short or too long"),
    "break: wrong number or length": gettext_lazy("short breaks: wrong number or length"),
    "lunch: wrong number or length": gettext_lazy("lunch: wrong number or length"),
    "unknown kind of break": gettext_lazy("unknown kind of break"),
    "break outside the phone time": gettext_lazy("break outside the phone time"),
    "breaks overlap": gettext_lazy("breaks overlap"),
    "too many of a team on break at once": gettext_lazy("too many of a team on break at once"),
    "weekly hours or days off not kept": gettext_lazy("weekly hours or days off not kept"),
    "the phones are not staffed": gettext_lazy("the phones are not staffed"),
}


def violation_text(what: str) -> Promise | str:
    return VIOLATION_TEXTS.get(what, what)


def _refuse_violations(before: Iterable[Violation], after: Iterable[Violation]) -> None:
    """Refuse naming the rule of the first violation the change brings (hotline.wfm.check)."""
    seen = {(v.rule, v.what, tuple(sorted(v.where.items()))) for v in before}
    for v in after:
        if (v.rule, v.what, tuple(sorted(v.where.items()))) not in seen:
            raise PolicyRefusal(
                v.rule,
                gettext_noop("The roster would break rule %(rule)s: %(what)s."),
                {"rule": v.rule, "what": violation_text(v.what)},
            )


@transaction.atomic
def roster_publish(*, actor: User, now: datetime, roster_id: int) -> Roster:
    """Publish a draft after the independent check: a broken rule is refused naming it."""
    roster = Roster.objects.select_for_update().select_related("team").get(pk=roster_id)
    require_rostering(actor, roster.team)
    if roster.state == RosterState.PUBLISHED:
        raise PolicyRefusal("D14", gettext_noop("This roster is already published."))
    _refuse_violations([], planning.violations(roster, roster.shifts.all()))
    roster.state, roster.published_at = RosterState.PUBLISHED, now
    roster.save(update_fields=["state", "published_at"])
    event_append(
        actor=actor,
        now=now,
        entity=WorkforceEntity.ROSTER,
        entity_id=roster.pk,
        action=RosterAction.PUBLISHED,
        old=RosterState.DRAFT,
        new=RosterState.PUBLISHED,
        rule="D14",
    )
    return roster


def _breaks_json(breaks: Iterable[tuple[str, int, int]]) -> list[dict[str, Any]]:
    return [{"kind": k, "start": s, "end": e} for k, s, e in sorted(breaks, key=lambda b: b[1])]


@transaction.atomic
def shift_edit(
    *,
    actor: User,
    now: datetime,
    shift_id: int,
    prep_start: int,
    start: int,
    end: int,
    breaks: Iterable[tuple[str, int, int]] | None = None,
) -> Shift:
    """Move a shift (minutes after local midnight); the whole roster is re-checked by
    hotline.wfm.check and a change that breaks a rule is refused naming it."""
    shift = Shift.objects.select_related("roster__team").get(pk=shift_id)
    roster = Roster.objects.select_for_update().get(pk=shift.roster_id)
    require_rostering(actor, shift.roster.team)
    shift = Shift.objects.select_for_update().get(pk=shift_id)
    if not 0 <= prep_start <= start < end <= 24 * 60:
        raise PolicyRefusal("D1", gettext_noop("A shift starts before it ends, within the day."))
    others = list(roster.shifts.exclude(pk=shift.pk))
    before = planning.violations(roster, [*others, shift])
    old: dict[str, Any] = {
        "prep_start": shift.prep_start,
        "start": shift.start,
        "end": shift.end,
        "breaks": shift.breaks,
    }
    shift.prep_start, shift.start, shift.end = prep_start, start, end
    if breaks is not None:
        shift.breaks = _breaks_json(breaks)
    _refuse_violations(before, planning.violations(roster, [*others, shift]))
    shift.save(update_fields=["prep_start", "start", "end", "breaks"])
    event_append(
        actor=actor,
        now=now,
        entity=WorkforceEntity.SHIFT,
        entity_id=shift.pk,
        action=ShiftAction.EDITED,
        old=old,
        new={"prep_start": prep_start, "start": start, "end": end, "breaks": shift.breaks},
        rule="D14",
    )
    return shift
