"""`hotline wfm forecast|staff|roster`: the workforce maths on the centre's data, as JSON.

    hotline wfm forecast --team Repairs --weeks 2
    hotline wfm staff --team Repairs --from 2026-12-07
    hotline wfm roster --team Repairs --weeks 1 --seconds 30 [--save lead]

JSON goes to stdout (or ``-o``), progress to stderr; the roster solve shows the elapsed time
while it runs. ``roster`` only prints unless ``--save USER`` stores it as a draft, through the
same service as the page (that user must be allowed to plan the team's rosters).
"""

import json
import sys
import threading
import time
from dataclasses import asdict
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hotline import clock
from hotline.accounts.models import Team, User
from hotline.core.refusal import PolicyRefusal
from hotline.rulebook.selectors import centre_time_zone
from hotline.wfm.check import check
from hotline.wfm.roster import Infeasible, solve
from hotline.workforce import planning
from hotline.workforce.services import MAX_WEEKS, roster_generate, roster_problem


class Command(BaseCommand):
    help = "Forecast calls, staff intervals (Erlang C) or solve a roster (CP-SAT), as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["forecast", "staff", "roster"])
        parser.add_argument("--team", help="team name or id (default: every team)")
        parser.add_argument("--weeks", type=int, default=1, help=f"1 to {MAX_WEEKS}")
        parser.add_argument("--from", dest="first", help="first Monday (default: next Monday)")
        parser.add_argument("--seconds", type=float, default=30.0, help="roster solve time limit")
        parser.add_argument("--save", metavar="USER", help="roster: store as a draft, as USER")
        parser.add_argument("-o", "--output", help="file to write (default: stdout)")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()

        def progress(step: str) -> None:
            sys.stderr.write(f"[{time.monotonic() - started:6.1f} s] {step}\n")
            sys.stderr.flush()

        weeks = options["weeks"]
        if not 1 <= weeks <= MAX_WEEKS:
            raise CommandError(f"--weeks must be 1 to {MAX_WEEKS}")
        first = self._first_monday(options["first"])
        out = [
            self._one(options["what"], team, first, weeks, options, progress)
            for team in self._teams(options["team"])
        ]
        text = json.dumps(out if len(out) != 1 else out[0], indent=2, ensure_ascii=False)
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8") as f:
                f.write(text + "\n")
            progress(f"written to {options['output']}")
        else:
            self.stdout.write(text)

    def _first_monday(self, raw: str | None) -> date:
        if raw is None:
            # Today where the centre is: in UTC, Sunday night in Sofia is still Sunday.
            today = clock.now().astimezone(ZoneInfo(centre_time_zone())).date()
            return today + timedelta(days=7 - today.weekday())
        try:
            day = date.fromisoformat(raw)
        except ValueError:
            raise CommandError("--from is a date, YYYY-MM-DD") from None
        if day.weekday() != 0:
            raise CommandError("--from must be a Monday")
        return day

    def _teams(self, raw: str | None) -> list[Team]:
        teams = Team.objects.select_related("site__calendar").order_by("name")
        if raw is None:
            return list(teams)
        found = teams.filter(pk=int(raw)) if raw.isdigit() else teams.filter(name__iexact=raw)
        if not found:
            raise CommandError(f"no team {raw!r}")
        return list(found)

    def _one(
        self, what: str, team: Team, first: date, weeks: int, options: dict[str, Any], progress: Any
    ) -> dict[str, Any]:
        progress(f"{team.name}: forecast from the call history")
        if what in ("forecast", "staff"):
            plan = planning.team_forecast(team, first, weeks)
            data = planning.forecast_json(plan)
            if what == "forecast":
                data.pop("agents")
                data.pop("scheduled")
            else:
                data["occupancy"] = [s.occupancy.round(4).tolist() for s in plan.staffing]
                data["service_level"] = [s.service_level.round(4).tolist() for s in plan.staffing]
            return data
        return self._roster(team, first, weeks, options, progress)

    def _roster(
        self, team: Team, first: date, weeks: int, options: dict[str, Any], progress: Any
    ) -> dict[str, Any]:
        seconds = options["seconds"]
        if options["save"]:
            actor = User.objects.filter(username=options["save"]).first()
            if actor is None:
                raise CommandError(f"no user {options['save']!r}")
            with _ticking(progress, f"{team.name}: solving (up to {seconds:g} s)"):
                try:
                    stored = roster_generate(
                        actor=actor,
                        now=clock.now(),
                        team=team,
                        first_monday=first,
                        weeks=weeks,
                        seconds=seconds,
                    )
                except PolicyRefusal as refused:
                    raise CommandError(f"{refused.rule_id}: {refused.render()}") from None
            return {
                "team": team.name,
                "roster": stored.pk,
                "state": stored.state,
                **{k: v for k, v in stored.figures.items() if k not in ("leave", "open_days")},
            }
        problem, members = roster_problem(team, first, weeks)
        with _ticking(
            progress, f"{team.name}: solving {len(members)} agents (up to {seconds:g} s)"
        ):
            result = solve(problem, seconds=seconds, workers=2)
        if isinstance(result, Infeasible):
            return {
                "team": team.name,
                "feasible": False,
                "refusals": [{"rule": r.rule_id, "detail": r.render()} for r in result.refusals],
            }
        names = {str(u.pk): u.username for u in members}
        return {
            "team": team.name,
            "feasible": True,
            "first_monday": first.isoformat(),
            "weeks": weeks,
            "status": result.status,
            "objective": result.objective,
            "lp_bound": result.lp_bound,
            "gap": result.gap,
            "shortfall": result.shortfall,
            "wall_seconds": round(result.wall_seconds, 3),
            # The rulebook's numbers as read for this team (each at its most specific scope).
            "rules": asdict(problem.rules),
            "violations": [{"rule": v.rule, "what": v.what} for v in check(problem, result.shifts)],
            "shifts": [
                {
                    "agent": names.get(s.agent, s.agent),
                    "day": (first + timedelta(days=s.day)).isoformat(),
                    "prep_start": s.prep_start,
                    "start": s.start,
                    "end": s.end,
                    "breaks": [{"kind": b.kind, "start": b.start, "end": b.end} for b in s.breaks],
                    "meeting": s.meeting,
                }
                for s in result.shifts
            ],
        }


class _ticking:
    """Write the elapsed time to stderr every second while a long step runs."""

    def __init__(self, progress: Any, step: str) -> None:
        self.progress, self.step = progress, step
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._tick, daemon=True)

    def _tick(self) -> None:
        began = time.monotonic()
        while not self.done.wait(1.0):
            sys.stderr.write(f"\r  … {time.monotonic() - began:5.0f} s")
            sys.stderr.flush()

    def __enter__(self) -> "_ticking":
        self.progress(self.step)
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.done.set()
        self.thread.join()
        sys.stderr.write("\n")
        self.progress("solved")
