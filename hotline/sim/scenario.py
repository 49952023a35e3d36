"""Scenarios: what the simulator runs, read from plain data (YAML or JSON, see docs/scenarios.md).

Everything here is checked when it is read, so a typo in a scenario fails with the path of the
bad field (``queues[0].handle.mean: ...``) before a single call is simulated.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from random import Random
from typing import Any

from hotline.core.breaks import LeaveKind
from hotline.core.rulebook import Override, Rulebook, Scope, SettingError, setting


class ScenarioError(ValueError):
    """A scenario that cannot be run; the message names the field."""


_UNITS = {"s": 1.0, "sec": 1.0, "min": 60.0, "m": 60.0, "h": 3600.0, "d": 86400.0}


def seconds(raw: object, where: str) -> float:
    """A duration: a number of seconds, or text such as "90 s", "5 min", "1.5h", "30 d"."""
    if isinstance(raw, bool):
        raise ScenarioError(f"{where}: expected a duration, got {raw!r}")
    if isinstance(raw, int | float):
        value = float(raw)
    elif isinstance(raw, str):
        match = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*(s|sec|min|m|h|d)?\s*", raw)
        if not match:
            raise ScenarioError(f"{where}: expected a duration such as '5 min', got {raw!r}")
        value = float(match.group(1)) * _UNITS[match.group(2) or "s"]
    else:
        raise ScenarioError(f"{where}: expected a duration, got {raw!r}")
    if value < 0 or not math.isfinite(value):
        raise ScenarioError(f"{where}: a duration cannot be negative")
    return value


def clock(raw: object, where: str) -> float:
    """A moment of the simulation: "HH:MM[:SS]" on day 1, "d2 08:00" on day 2, or seconds."""
    if isinstance(raw, str):
        match = re.fullmatch(r"\s*(?:d(\d+)\s+)?(\d{1,2}):(\d\d)(?::(\d\d(?:\.\d+)?))?\s*", raw)
        if match:
            day = int(match.group(1) or 1) - 1
            hours, minutes = int(match.group(2)), int(match.group(3))
            secs = float(match.group(4) or 0)
            return day * 86400.0 + hours * 3600 + minutes * 60 + secs
    return seconds(raw, where)


# -- distributions ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Dist:
    """A distribution of durations in seconds."""

    kind: str  # exponential, fixed, uniform, lognormal, erlang, empirical
    mean: float = 0.0
    sd: float = 0.0
    low: float = 0.0
    high: float = 0.0
    k: int = 1
    values: tuple[float, ...] = ()

    def sampler(self, rng: Random) -> Callable[[], float]:
        """A function drawing one value from `rng` (bound methods: the hot path stays cheap)."""
        kind = self.kind
        if kind == "exponential":
            mean, draw, log = self.mean, rng.random, math.log
            return lambda: -mean * log(1.0 - draw())  # what Random.expovariate does
        if kind == "fixed":
            value = self.mean
            return lambda: value
        if kind == "uniform":
            low, high, uniform = self.low, self.high, rng.uniform
            return lambda: uniform(low, high)
        if kind == "lognormal":
            variance = math.log(1 + (self.sd / self.mean) ** 2)
            mu, sigma, lognorm = (
                math.log(self.mean) - variance / 2,
                math.sqrt(variance),
                rng.lognormvariate,
            )
            return lambda: lognorm(mu, sigma)
        if kind == "erlang":
            k, scale, gamma = self.k, self.mean / self.k, rng.gammavariate
            return lambda: gamma(k, scale)
        values, choice = self.values, rng.choice
        return lambda: choice(values)


def dist(raw: object, where: str) -> Dist:
    if not isinstance(raw, Mapping):
        if isinstance(raw, str | int | float):
            return Dist("fixed", mean=seconds(raw, where))
        raise ScenarioError(f"{where}: expected a distribution such as {{exponential: 5 min}}")
    data = dict(raw)
    if len(data) == 1 and next(iter(data)) in ("exponential", "fixed"):
        [(kind, value)] = data.items()
        data = {"dist": kind, "mean": value}
    kind = str(data.get("dist", "exponential"))
    if kind in ("exponential", "fixed"):
        mean = seconds(data.get("mean"), f"{where}.mean")
        if kind == "exponential" and mean <= 0:
            raise ScenarioError(f"{where}.mean: must be above zero")
        return Dist(kind, mean=mean)
    if kind == "uniform":
        low, high = (
            seconds(data.get("low"), f"{where}.low"),
            seconds(data.get("high"), f"{where}.high"),
        )
        if high < low:
            raise ScenarioError(f"{where}: high is below low")
        return Dist(kind, mean=(low + high) / 2, low=low, high=high)
    if kind == "lognormal":
        mean, sd = (
            seconds(data.get("mean"), f"{where}.mean"),
            seconds(data.get("sd"), f"{where}.sd"),
        )
        if mean <= 0:
            raise ScenarioError(f"{where}.mean: must be above zero")
        return Dist(kind, mean=mean, sd=sd)
    if kind == "erlang":
        k = data.get("k", 2)
        if not isinstance(k, int) or k < 1:
            raise ScenarioError(f"{where}.k: a whole number of phases, at least 1")
        return Dist(kind, mean=seconds(data.get("mean"), f"{where}.mean"), k=k)
    if kind == "empirical":
        raw_values = data.get("values")
        if not isinstance(raw_values, list) or not raw_values:
            raise ScenarioError(f"{where}.values: a non-empty list of durations")
        values = tuple(seconds(v, f"{where}.values[{i}]") for i, v in enumerate(raw_values))
        return Dist(kind, mean=sum(values) / len(values), values=values)
    raise ScenarioError(
        f"{where}.dist: one of exponential, fixed, uniform, lognormal, erlang, empirical"
    )


# -- the parts of a scenario -------------------------------------------------------------------


@dataclass(frozen=True)
class Arrivals:
    """Poisson arrivals at a rate per interval of the day (repeating every day), or a
    recorded list of arrival moments."""

    per_interval: tuple[float, ...] = ()  # calls per interval; one rate for the whole day if 1
    recorded: tuple[float, ...] = ()


@dataclass(frozen=True)
class QueueSpec:
    id: int
    name: str
    handle: Dist
    patience: Dist | None
    arrivals: Arrivals
    priority: int = 5
    wrap_up: float = 30.0
    answer_after: float = 0.0  # agents pick up an offer after this long
    handle_estimate: float = 300.0  # rule A2's expected-wait estimate
    overflow_to: int | None = None
    callback_accept: float = 0.0  # share of callers taking the callback offered by A2


@dataclass(frozen=True)
class Shift:
    start: float  # seconds after the start of each day
    end: float


@dataclass(frozen=True)
class PlannedLeave:
    kind: LeaveKind
    at: float  # seconds after the start of each day
    length: float | None = None  # personal time and away; breaks and lunch take rule B2's length


@dataclass(frozen=True)
class AgentSpec:
    id: int
    name: str
    team: int
    queues: frozenset[int]
    shifts: tuple[Shift, ...]  # empty: logged in and ready for the whole run
    leaves: tuple[PlannedLeave, ...] = ()


@dataclass(frozen=True)
class ScriptEvent:
    at: float
    event: str  # call, break, lunch, personal, away, ready, log_in, log_out, transfer
    queue: int | None = None
    agent: int | None = None
    to: int | None = None
    handle: float | None = None
    patience: float | None = None
    priority: int | None = None
    accept: bool = True
    answer_after: float = 5.0  # transfers: how long the colleague takes to say yes or no


@dataclass(frozen=True)
class Scenario:
    name: str
    start: datetime  # the moment the simulation's second 0 stands for
    duration: float
    queues: tuple[QueueSpec, ...]
    agents: tuple[AgentSpec, ...]
    rulebook: Rulebook = field(default_factory=Rulebook)
    textbook: bool = False  # only what Erlang C/A model: no A2, no breaks, no wrap-up
    interval: float = 1800.0
    warmup: float = 0.0
    replications: int = 1
    batches: int = 10  # with one replication, confidence intervals come from batch means
    seed: int = 1
    threshold: float = 20.0  # service level: answered within this many seconds
    short_abandon: float = 5.0
    retry_after: float = 300.0  # a refused break is asked for again after this long
    logout_grace: float = 900.0  # after this, the team lead lets the last agent go (B6)
    script: tuple[ScriptEvent, ...] = ()
    keep_calls: bool = False  # keep one record per call (for audits; memory grows)
    log_limit: int = 10000  # decision-log entries kept (all are counted)

    def queue_index(self) -> dict[int, QueueSpec]:
        return {q.id: q for q in self.queues}


# -- reading -----------------------------------------------------------------------------------


def read(path: str | Path) -> Any:
    """The plain data of a scenario file (.yaml, .yml or .json)."""
    text = Path(path).read_text(encoding="utf-8")
    if str(path).endswith((".yaml", ".yml")):
        import yaml

        try:
            return yaml.safe_load(text)
        except yaml.YAMLError as error:
            raise ScenarioError(f"{path}: not valid YAML: {error}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ScenarioError(f"{path}: not valid JSON: {error}") from None


def load(path: str | Path) -> Scenario:
    """Read and check a scenario file."""
    return parse(read(path))


def _get(data: Mapping[str, Any], key: str, default: Any, where: str) -> Any:
    return data.get(key, default)


def _int(raw: object, where: str, *, low: int | None = None) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise ScenarioError(f"{where}: expected a whole number, got {raw!r}")
    if low is not None and raw < low:
        raise ScenarioError(f"{where}: at least {low}")
    return raw


def _float(raw: object, where: str, low: float = 0.0, high: float = math.inf) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float) or not low <= raw <= high:
        raise ScenarioError(f"{where}: expected a number from {low} to {high}, got {raw!r}")
    return float(raw)


def _rulebook(raw: object, queue_ids: Mapping[str, int]) -> Rulebook:
    """`{key: value}` for the whole centre, or a list of `{key, value, queue|team}`."""
    items: list[Mapping[str, Any]]
    if raw is None:
        return Rulebook()
    if isinstance(raw, Mapping):
        items = [{"key": k, "value": v} for k, v in raw.items()]
    elif isinstance(raw, list):
        items = raw
    else:
        raise ScenarioError("rulebook: a mapping of setting keys to values, or a list")
    overrides = []
    for i, item in enumerate(items):
        where = f"rulebook[{i}]"
        try:
            found = setting(str(item["key"]))
            value = found.parse(str(item["value"]))
            scope, ref = Scope.DEPLOYMENT, ""
            if "queue" in item:
                scope, ref = Scope.QUEUE, str(queue_ids[str(item["queue"])])
            elif "team" in item:
                scope, ref = Scope.TEAM, str(item["team"])
            overrides.append(Override(found.key, scope, ref, value))
        except SettingError as error:
            raise ScenarioError(f"{where}: {error}") from None
        except KeyError as error:
            raise ScenarioError(f"{where}: missing or unknown {error}") from None
    try:
        rules = Rulebook(overrides)
        rules.check_consistency()
    except SettingError as error:
        raise ScenarioError(f"rulebook: {error}") from None
    return rules


def _arrivals(raw: object, where: str, interval: float) -> Arrivals:
    if not isinstance(raw, Mapping):
        raise ScenarioError(
            f"{where}: expected {{per_hour: ...}}, {{per_interval: [...]}} or {{recorded: [...]}}"
        )
    if "recorded" in raw:
        moments = raw["recorded"]
        if not isinstance(moments, list):
            raise ScenarioError(f"{where}.recorded: a list of moments")
        return Arrivals(
            recorded=tuple(
                sorted(clock(m, f"{where}.recorded[{i}]") for i, m in enumerate(moments))
            )
        )
    if "per_interval" in raw:
        rates = raw["per_interval"]
        if not isinstance(rates, list) or not rates:
            raise ScenarioError(f"{where}.per_interval: a non-empty list of calls per interval")
        values = tuple(_float(r, f"{where}.per_interval[{i}]") for i, r in enumerate(rates))
        return Arrivals(per_interval=values)
    for key, per in (("per_minute", 60.0), ("per_hour", 3600.0), ("per_day", 86400.0)):
        if key in raw:
            return Arrivals(per_interval=(_float(raw[key], f"{where}.{key}") * interval / per,))
    raise ScenarioError(f"{where}: give per_minute, per_hour, per_day, per_interval or recorded")


def parse(data: object) -> Scenario:
    """A scenario from plain data (what YAML or JSON give)."""
    if not isinstance(data, Mapping):
        raise ScenarioError("a scenario is a mapping with at least queues and agents")
    unknown = set(data) - {
        "name",
        "start",
        "duration",
        "queues",
        "agents",
        "rulebook",
        "rules",
        "interval",
        "warmup",
        "replications",
        "batches",
        "seed",
        "service_level",
        "script",
        "keep_calls",
        "log_limit",
        "retry_after",
        "logout_grace",
    }
    if unknown:
        raise ScenarioError(f"unknown fields: {', '.join(sorted(unknown))}")
    textbook = data.get("rules", "floor") == "textbook"
    if data.get("rules", "floor") not in ("floor", "textbook"):
        raise ScenarioError("rules: 'floor' (every rule) or 'textbook' (what Erlang C/A model)")
    interval = seconds(data.get("interval", "30 min"), "interval")
    if interval <= 0 or 86400 % interval:
        raise ScenarioError("interval: must divide a day (e.g. 15 min, 30 min, 1 h)")
    raw_queues = data.get("queues")
    if not isinstance(raw_queues, list) or not raw_queues:
        raise ScenarioError("queues: a non-empty list")
    names = {str(q.get("name", f"q{i + 1}")): i + 1 for i, q in enumerate(raw_queues)}
    queues = []
    for i, raw in enumerate(raw_queues):
        where = f"queues[{i}]"
        handle = dist(raw.get("handle"), f"{where}.handle")
        patience = dist(raw["patience"], f"{where}.patience") if raw.get("patience") else None
        overflow = raw.get("overflow_to")
        if overflow is not None and str(overflow) not in names:
            raise ScenarioError(f"{where}.overflow_to: no queue named {overflow!r}")
        queues.append(
            QueueSpec(
                id=i + 1,
                name=str(raw.get("name", f"q{i + 1}")),
                handle=handle,
                patience=patience,
                arrivals=_arrivals(
                    raw.get("arrivals", {"per_hour": 0}), f"{where}.arrivals", interval
                ),
                priority=_int(raw.get("priority", 5), f"{where}.priority", low=1),
                wrap_up=seconds(raw.get("wrap_up", 0 if textbook else 30), f"{where}.wrap_up"),
                answer_after=seconds(raw.get("answer_after", 0), f"{where}.answer_after"),
                handle_estimate=seconds(
                    raw.get("handle_estimate", handle.mean), f"{where}.handle_estimate"
                ),
                overflow_to=names[str(overflow)] if overflow is not None else None,
                callback_accept=_float(
                    raw.get("callback_accept", 0), f"{where}.callback_accept", 0, 1
                ),
            )
        )
    agents = _agents(data.get("agents"), names)
    start_raw = data.get("start", "2026-11-23T08:00:00+00:00")
    start = start_raw if isinstance(start_raw, datetime) else datetime.fromisoformat(str(start_raw))
    if start.tzinfo is None:
        start = start.replace(tzinfo=UTC)
    sl = data.get("service_level", {}) or {}
    scenario = Scenario(
        name=str(data.get("name", "scenario")),
        start=start,
        duration=seconds(data.get("duration", "1 d"), "duration"),
        queues=tuple(queues),
        agents=agents,
        rulebook=_rulebook(data.get("rulebook"), names),
        textbook=textbook,
        interval=interval,
        warmup=seconds(data.get("warmup", 0), "warmup"),
        replications=_int(data.get("replications", 1), "replications", low=1),
        batches=_int(data.get("batches", 10), "batches", low=1),
        seed=_int(data.get("seed", 1), "seed"),
        threshold=seconds(sl.get("threshold", 20), "service_level.threshold"),
        short_abandon=seconds(sl.get("short_abandon", 5), "service_level.short_abandon"),
        retry_after=seconds(data.get("retry_after", "5 min"), "retry_after"),
        logout_grace=seconds(data.get("logout_grace", "15 min"), "logout_grace"),
        script=_script(data.get("script", []), names, agents),
        keep_calls=bool(data.get("keep_calls", False)),
        log_limit=_int(data.get("log_limit", 10000), "log_limit", low=0),
    )
    if scenario.warmup >= scenario.duration:
        raise ScenarioError("warmup: must be shorter than the duration")
    return scenario


def _agents(raw: object, queue_ids: Mapping[str, int]) -> tuple[AgentSpec, ...]:
    if not isinstance(raw, list) or not raw:
        raise ScenarioError("agents: a non-empty list")
    out: list[AgentSpec] = []
    for i, group in enumerate(raw):
        where = f"agents[{i}]"
        if not isinstance(group, Mapping):
            raise ScenarioError(f"{where}: a mapping")
        count = _int(group.get("count", 1), f"{where}.count", low=1)
        served = group.get("queues", list(queue_ids))
        try:
            queues = frozenset(queue_ids[str(q)] for q in served)
        except KeyError as error:
            raise ScenarioError(f"{where}.queues: no queue named {error}") from None
        shifts = tuple(
            Shift(
                clock(s.get("start"), f"{where}.shifts[{j}].start"),
                clock(s.get("end"), f"{where}.shifts[{j}].end"),
            )
            for j, s in enumerate(group.get("shifts", []))
        )
        for j, shift in enumerate(shifts):
            if shift.end <= shift.start:
                raise ScenarioError(f"{where}.shifts[{j}]: ends before it starts")
        leaves = []
        for j, b in enumerate(group.get("breaks", [])):
            try:
                kind = LeaveKind(str(b.get("kind", "break")))
            except ValueError:
                raise ScenarioError(
                    f"{where}.breaks[{j}].kind: break, lunch, personal or away"
                ) from None
            length = seconds(b["length"], f"{where}.breaks[{j}].length") if "length" in b else None
            leaves.append(PlannedLeave(kind, clock(b.get("at"), f"{where}.breaks[{j}].at"), length))
        stagger = seconds(group.get("stagger", 0), f"{where}.stagger")
        base = str(group.get("name", f"agent{i + 1}"))
        for n in range(count):
            shifted = tuple(PlannedLeave(p.kind, p.at + n * stagger, p.length) for p in leaves)
            out.append(
                AgentSpec(
                    id=len(out) + 1,
                    name=base if count == 1 else f"{base}-{n + 1}",
                    team=_int(group.get("team", 1), f"{where}.team", low=1),
                    queues=queues,
                    shifts=shifts,
                    leaves=shifted,
                )
            )
    return tuple(out)


def _ref(item: Mapping[str, Any], key: str, table: Mapping[str, int], where: str) -> int | None:
    if key not in item:
        return None
    try:
        return table[str(item[key])]
    except KeyError:
        raise ScenarioError(f"{where}.{key}: no such name {item[key]!r}") from None


_SCRIPT_EVENTS = (
    "call",
    "break",
    "lunch",
    "personal",
    "away",
    "ready",
    "log_in",
    "log_out",
    "transfer",
)


def _script(
    raw: object, queues: Mapping[str, int], agents: Sequence[AgentSpec]
) -> tuple[ScriptEvent, ...]:
    if not isinstance(raw, list):
        raise ScenarioError("script: a list of events")
    by_name = {a.name: a.id for a in agents}
    out = []
    for i, item in enumerate(raw):
        where = f"script[{i}]"
        event = str(item.get("event", ""))
        if event not in _SCRIPT_EVENTS:
            raise ScenarioError(f"{where}.event: one of {', '.join(_SCRIPT_EVENTS)}")

        queue = _ref(item, "queue", queues, where)
        agent, to = _ref(item, "agent", by_name, where), _ref(item, "to", by_name, where)
        if event == "call" and queue is None:
            if len(queues) != 1:
                raise ScenarioError(f"{where}.queue: which queue the call comes into")
            queue = next(iter(queues.values()))
        if event not in ("call",) and agent is None:
            raise ScenarioError(f"{where}.agent: which agent")
        if event == "transfer" and to is None:
            raise ScenarioError(f"{where}.to: which colleague takes the call")
        out.append(
            ScriptEvent(
                at=clock(item.get("at"), f"{where}.at"),
                event=event,
                queue=queue,
                agent=agent,
                to=to,
                handle=seconds(item["handle"], f"{where}.handle") if "handle" in item else None,
                patience=seconds(item["patience"], f"{where}.patience")
                if item.get("patience") is not None
                else None,
                priority=_int(item["priority"], f"{where}.priority", low=1)
                if "priority" in item
                else None,
                accept=bool(item.get("accept", True)),
                answer_after=seconds(item.get("answer_after", 5), f"{where}.answer_after"),
            )
        )
    return tuple(sorted(out, key=lambda e: e.at))
