"""A1's maximum talk and its warning share, resolved for a call the one way every reader uses.

The rulebook lets A1 be set for the centre, a team or a queue. A call's limit is the one of its
queue, else of the team that owns the queue, else the centre's (queue > team > centre: the
rulebook's resolution order, `hotline.core.rulebook.RESOLUTION_ORDER`). The call's queue is the
one it is talked in: after an A2 overflow, the receiving queue. Every place that reads A1 goes
through here: the desk timer, the worker's alert, the wallboard's and the reports' over-limit
counts, the review form. The simulator resolves the same way from its scenario.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import QuerySet

from hotline.audit.models import Event
from hotline.calls.events import TALK_SECONDS
from hotline.calls.models import Call, Queue
from hotline.core.rulebook import Rulebook


@dataclass(frozen=True)
class TalkLimit:
    max_talk: timedelta
    warning_share: int  # per cent of max_talk


def talk_limit(rules: Rulebook, *, queue_id: int | None, team_id: int | None) -> TalkLimit:
    refs: dict[str, object] = {}
    if queue_id is not None:
        refs["queue"] = queue_id
    if team_id is not None:
        refs["team"] = team_id
    return TalkLimit(rules.duration("a1.max_talk", **refs), rules.count("a1.warning_share", **refs))


def call_talk_limit(rules: Rulebook, call: Call) -> TalkLimit:
    """The limit of a call; `call.queue` should come with the call (select_related)."""
    return talk_limit(rules, queue_id=call.queue_id, team_id=call.queue.team_id)


def limits_by_call(rules: Rulebook, call_ids: Iterable[str]) -> dict[str, timedelta]:
    """The A1 maximum of each call, by call id as events name it. A call id the database no
    longer holds gets the centre's."""
    ids = list(call_ids)
    found = {
        str(pk): talk_limit(rules, queue_id=queue_id, team_id=team_id).max_talk
        for pk, queue_id, team_id in Call.objects.filter(
            pk__in=[int(i) for i in ids if i.isdigit()]
        ).values_list("pk", "queue_id", "queue__team_id")
    }
    default = talk_limit(rules, queue_id=None, team_id=None).max_talk
    return {i: found.get(i, default) for i in ids}


def shortest_limit(rules: Rulebook) -> timedelta:
    """The shortest A1 maximum in force anywhere: talks below it are within every limit, so
    counting over-limit calls need only read the payloads of the longer ones."""
    limits = [talk_limit(rules, queue_id=None, team_id=None).max_talk]
    for queue_id, team_id in Queue.objects.values_list("pk", "team_id"):
        limits.append(talk_limit(rules, queue_id=queue_id, team_id=team_id).max_talk)
    return min(limits)


def over_limit_call_ids(rules: Rulebook, ended: QuerySet[Event]) -> list[str]:
    """A1: the calls among these ``ended`` events whose talk exceeded their own limit."""
    floor = int(shortest_limit(rules).total_seconds())
    talks = {
        entity_id: int((new or {}).get(TALK_SECONDS, 0))
        for entity_id, new in ended.filter(**{f"new__{TALK_SECONDS}__gt": floor}).values_list(
            "entity_id", "new"
        )
    }
    limits = limits_by_call(rules, talks)
    return [i for i, talk in talks.items() if talk > limits[i].total_seconds()]
