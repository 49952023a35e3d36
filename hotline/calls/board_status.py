"""The wallboard's judgements: each figure against the number it should keep, as a level the
page shows in colour *and* in words (never colour alone).

- Service level (README, KPI definitions) against its target, the rulebook's
  `a2.service_level_target` (a queue's, else its team's, else the centre's): at or above it
  "on target", less than `SERVICE_LEVEL_NEAR` points below it "near", further below "below".
- A waiting caller against A2's maximum wait for the queue they wait in (`a2.max_wait`, counted
  from arrival or from the overflow into that queue, as the floor counts it): "waiting long"
  from `WAIT_WARNING_SHARE` of it, "over the limit" at it. The browser moves the level on as the
  timer runs (hotline/static/hotline/wallboard.js); the server's level is the one at `now`.

The two display thresholds are constants, not rulebook settings: POLICIES.md gives a limit,
not a point at which a screen turns amber.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce

from hotline.accounts.models import Team
from hotline.audit.models import Event
from hotline.calls.events import QUEUE, CallAction, CallsEntity
from hotline.calls.figures import SERVICE_LEVEL_THRESHOLD, SHORT_ABANDON, queue_legs
from hotline.calls.intraday import Intraday, intraday
from hotline.calls.models import Alert, Call, Queue
from hotline.calls.selectors import WaitingRow, Wallboard, local_day_start
from hotline.core.kpi import CallRecord, resolved_offers, service_level_strict
from hotline.core.rulebook import Rulebook
from hotline.rulebook.selectors import current_rulebook

SERVICE_LEVEL_NEAR = 5  # percentage points below the target still shown as "near"
WAIT_WARNING_SHARE = 2 / 3  # of A2's maximum wait: the caller has waited long


class Level(StrEnum):
    NONE = "none"  # nothing to judge yet (no call resolved today)
    OK = "ok"
    WARN = "warn"
    OVER = "over"


def service_level_level(value: float | None, target: int) -> Level:
    """`value` a share (0..1), `target` per cent."""
    if value is None:
        return Level.NONE
    points = value * 100
    if points >= target:
        return Level.OK
    return Level.WARN if points > target - SERVICE_LEVEL_NEAR else Level.OVER


@dataclass(frozen=True)
class ServiceLevel:
    name: str  # the team's or the queue's
    value: float | None  # strict service level (README), None with no resolved call
    target: int  # per cent
    level: Level
    calls: int  # resolved offers the value is taken over


def team_service_level_target(rules: Rulebook, team: Team) -> int:
    return rules.count("a2.service_level_target", team=team.pk)


def queue_service_level_target(rules: Rulebook, queue: Queue) -> int:
    return rules.count("a2.service_level_target", queue=queue.pk, team=queue.team_id)


def team_legs(team: Team, start: datetime) -> list[tuple[int, CallRecord]]:
    """Every stay of a call in one of the team's queues since `start`, with its queue id: the
    records the team's KPIs are taken over (calls.figures.team_kpis)."""
    queues = dict(Queue.objects.filter(team=team).values_list("pk", "team_id"))
    entered = Event.objects.filter(
        entity=CallsEntity.CALL,
        action__in=[CallAction.ARRIVED, CallAction.OVERFLOWED],
        at__gte=start,
        **{f"new__{QUEUE}__in": list(queues)},
    ).values_list("entity_id", flat=True)
    events: QuerySet[Event] = Event.objects.filter(
        entity=CallsEntity.CALL, entity_id__in=list(entered)
    )
    return queue_legs(events, queues, start)


def service_level_of(name: str, records: list[CallRecord], target: int) -> ServiceLevel:
    value = service_level_strict(records, SERVICE_LEVEL_THRESHOLD, SHORT_ABANDON)
    return ServiceLevel(
        name,
        value,
        target,
        service_level_level(value, target),
        resolved_offers(records, SHORT_ABANDON),
    )


def service_levels(
    rules: Rulebook, team: Team, legs: list[tuple[int, CallRecord]]
) -> tuple[ServiceLevel, list[ServiceLevel]]:
    """The team's service level against the team's target, and each queue's against its own."""
    by_queue: dict[int, list[CallRecord]] = defaultdict(list)
    for queue_id, record in legs:
        by_queue[queue_id].append(record)
    team_level = service_level_of(
        str(team), [r for _, r in legs], team_service_level_target(rules, team)
    )
    queues = [
        service_level_of(q.name, by_queue[q.pk], queue_service_level_target(rules, q))
        for q in Queue.objects.filter(team=team).order_by("name")
    ]
    return team_level, queues


@dataclass(frozen=True)
class WaitStatus:
    since: datetime  # A2 counts from here: arrival, or the overflow into this queue
    warn_at: datetime
    limit_at: datetime
    max_wait: timedelta
    level: Level


def wait_status(rules: Rulebook, call: Call, now: datetime) -> WaitStatus:
    max_wait = rules.duration("a2.max_wait", queue=call.queue_id)
    since = call.overflowed_at or call.arrived_at
    warn_at, limit_at = since + max_wait * WAIT_WARNING_SHARE, since + max_wait
    level = Level.OVER if now >= limit_at else Level.WARN if now >= warn_at else Level.OK
    return WaitStatus(since, warn_at, limit_at, max_wait, level)


# --- all of it, for the wallboard page and its API (floor_json) ---------------------------------

ACKNOWLEDGED_SHOWN = 10


@dataclass(frozen=True)
class WaitingLine:
    row: WaitingRow
    wait: WaitStatus


@dataclass(frozen=True)
class BoardExtras:
    service_level: ServiceLevel
    queues: list[ServiceLevel]
    waiting: list[WaitingLine]
    chart: Intraday
    acknowledged: list[Alert]  # today's, seen or over, newest first


def board_extras(board: Wallboard, now: datetime) -> BoardExtras:
    rules = current_rulebook()
    team = board.team
    legs = team_legs(team, local_day_start(team, now))
    team_level, queues = service_levels(rules, team, legs)
    chart = intraday(rules, team, board.zone, now, legs, team_level.target)
    return BoardExtras(
        service_level=team_level,
        queues=queues,
        waiting=[WaitingLine(row, wait_status(rules, row.call, now)) for row in board.waiting],
        chart=chart,
        acknowledged=list(
            Alert.objects.filter(
                Q(acknowledged_at__isnull=False) | Q(cleared_at__isnull=False),
                team=team,
                raised_at__gte=local_day_start(team, now),
            )
            .select_related("agent", "acknowledged_by", "call")
            # Seen, or over before anyone saw it (a phone back, the edge up again): newest first.
            .order_by(Coalesce("acknowledged_at", "cleared_at").desc())[:ACKNOWLEDGED_SHOWN]
        ),
    )
