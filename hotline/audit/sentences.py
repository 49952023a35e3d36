"""Each event as a sentence a person reads: "Ivan Petrov answered call #47".

The audit app sits below every app that writes events, so it cannot know their words. Each app
declares them next to its vocabulary (`hotline/<app>/events.py`), and its `AppConfig.ready()`
imports that module:

- `entity_words(entity, label, ...)`: what the entity is called ("call"), how its id reads
  (T-000047), whether the id is a person's (an agent's events are about the agent), and which
  payload keys hold a model's choice values (shown as the choice's translated label);
- `describe(entity, action, template)`: the sentence, a `gettext_lazy` template with named
  placeholders (below), translated when the page is drawn.

Placeholders every template may use: `actor` (the person's full name, or the system / the PBX
in words), `entity` (its label), `id` (#47, T-000047), `person` (the full name of the person an
entity is about: the agent, the user), `old` and `new` (a bare value, or the payload's `state`,
in words), `rule`, `reason`, every key of the `new` payload by its name and every key of the
`old` one as `old_<key>`. A key the event lacks reads as a dash: an old event written before a
key existed still reads, never crashes. An action nobody described (a legacy one) gets a generic
sentence.
"""

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Choices
from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy

from hotline.audit.models import Event
from hotline.formatting import elapsed_text, moment_text

Words = str | Promise
States = type[Choices] | tuple[type[Choices], ...]

NOTHING = "—"
_MOMENT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d")
_DAY = re.compile(r"^\d{4}-\d\d-\d\d$")


@dataclass(frozen=True)
class Noun:
    """How an entity reads: its label, its id, the choices behind its payload's values."""

    label: Words
    person: bool = False  # the entity id is a user's id (an agent, a user account)
    # payload key ("" for a bare old/new) -> the choices its values come from
    states: Mapping[str, States] = field(default_factory=dict)
    # payload key -> how its value reads, where no choices say it (a deadline's kind)
    words: Mapping[str, Callable[[str], str]] = field(default_factory=dict)
    number: Callable[[str], str] | None = None  # the id as people read it
    # The event log's filter that finds this entity by its id ("case", "call"), if any.
    filter: str = ""


_NOUNS: dict[str, Noun] = {}
_SENTENCES: dict[tuple[str, str], Words] = {}
PERSON = "person"
# Payload keys whose values are ids of rows with a name (a user's, a queue's) -> which kind.
_KEY_KINDS: dict[str, str] = {}
# Each kind's lookup: ids -> names, one query for a page of events.
Lookup = Callable[[set[int]], dict[int, str]]


def _people(ids: set[int]) -> dict[int, str]:
    users = get_user_model().objects.filter(pk__in=ids)
    return {user.pk: user.get_full_name() or user.get_username() for user in users}


_LOOKUPS: dict[str, Lookup] = {PERSON: _people}
# Names by kind, then id (see `names_for`).
Names = Mapping[str, Mapping[int, str]]
# Roles of machine accounts and their words ("the PBX"), filled by the accounts app.
_MACHINES: dict[str, Words] = {}


def entity_words(
    entity: str,
    label: Words,
    *,
    person: bool = False,
    states: Mapping[str, States] | None = None,
    words: Mapping[str, Callable[[str], str]] | None = None,
    number: Callable[[str], str] | None = None,
    filter: str = "",
) -> None:
    _NOUNS[str(entity)] = Noun(label, person, dict(states or {}), dict(words or {}), number, filter)


def describe(entity: str, action: str, template: Words) -> None:
    """The sentence of one action of one entity (see the module's docstring)."""
    _SENTENCES[(str(entity), str(action))] = template


def people_keys(*keys: str) -> None:
    """Payload keys that hold a user's id (`agent`, `to`, `owner`...), shown as names."""
    _KEY_KINDS.update(dict.fromkeys(keys, PERSON))


def named_key(key: str, lookup: Lookup) -> None:
    """A payload key that holds the id of a row with a name (`queue`), and how to look names
    up for a set of ids."""
    _KEY_KINDS[key] = key
    _LOOKUPS[key] = lookup


def machine_role(role: str, words: Words) -> None:
    """A role whose accounts are machines (the PBX): named by the role, not a login."""
    _MACHINES[role] = words


def has_sentence(entity: str, action: str) -> bool:
    return (str(entity), str(action)) in _SENTENCES


def described() -> dict[tuple[str, str], Words]:
    return dict(_SENTENCES)


def noun(entity: str) -> Noun | None:
    return _NOUNS.get(entity)


def person_entities() -> list[str]:
    """Entities whose id is a person's: the person filter finds what happened to them too."""
    return [entity for entity, known in _NOUNS.items() if known.person]


def person_keys() -> list[str]:
    """Payload keys that name a person (the agent a call was offered to, a case's owner)."""
    return sorted(key for key, kind in _KEY_KINDS.items() if kind == PERSON)


def filtered_entities(filter: str) -> list[str]:
    """Entities the event log's `filter` ("case", "call") finds by their id."""
    return [entity for entity, known in _NOUNS.items() if known.filter == filter]


class _Filled(dict[str, str]):
    """Template values; a key the event lacks reads as a dash instead of a KeyError."""

    def __missing__(self, key: str) -> str:
        return NOTHING


def _value_words(key: str, value: Any, noun_: Noun, names: Names) -> str:
    if value is None or value == "":
        return NOTHING
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, list):
        return ", ".join(_value_words(key, v, noun_, names) for v in value) or NOTHING
    if isinstance(value, dict):
        return NOTHING  # nested details stay in the raw payload
    if key in _KEY_KINDS and isinstance(value, int) and not isinstance(value, bool):
        return names.get(_KEY_KINDS[key], {}).get(value, f"#{value}")
    if key.endswith("_seconds") and isinstance(value, int):
        return elapsed_text(value)
    if key in noun_.words and isinstance(value, str):
        return noun_.words[key](value)
    choices = noun_.states.get(key, ())
    for kind in choices if isinstance(choices, tuple) else (choices,):
        label = dict(kind.choices).get(value) if isinstance(value, str) else None
        if label is not None:
            return str(label)
    if isinstance(value, str) and _MOMENT.match(value):
        try:
            return moment_text(datetime.fromisoformat(value))
        except ValueError:
            return value
    if isinstance(value, str) and _DAY.match(value):
        try:
            return formats.date_format(date.fromisoformat(value), "DATE_FORMAT")
        except ValueError:
            return value
    return str(value)


def _side(
    filled: _Filled,
    side: str,
    value: Any,
    noun_: Noun,
    names: Names,
) -> None:
    prefix = "" if side == "new" else "old_"
    if isinstance(value, dict):
        for key, item in value.items():
            filled[f"{prefix}{key}"] = _value_words(key, item, noun_, names)
        if "state" in value:
            filled[side] = filled[f"{prefix}state"]
    elif value is not None:
        filled[side] = _value_words("", value, noun_, names)


def _actor_words(event: Event) -> str:
    actor = event.actor
    if actor is None:
        return gettext("the system") if event.actor_label == "system" else event.actor_label
    role = getattr(actor, "role", "")
    if role in _MACHINES:
        return str(_MACHINES[role])
    return str(actor.get_full_name() or actor.get_username())


def actor_words(event: Event) -> str:
    """Who did it, as people say it: the full name, or the system / the PBX in words."""
    return _actor_words(event)


def _id_words(event: Event, noun_: Noun, names: Names) -> str:
    if noun_.person and event.entity_id.isdigit():
        return names.get(PERSON, {}).get(int(event.entity_id), f"#{event.entity_id}")
    if noun_.number is not None:
        try:
            return noun_.number(event.entity_id)
        except ValueError:
            pass
    return f"#{event.entity_id}"


def _named_ids(events: Iterable[Event]) -> dict[str, set[int]]:
    ids: dict[str, set[int]] = {}
    for event in events:
        known = _NOUNS.get(event.entity)
        if known is not None and known.person and event.entity_id.isdigit():
            ids.setdefault(PERSON, set()).add(int(event.entity_id))
        for side in (event.old, event.new):
            if not isinstance(side, dict):
                continue
            for key, value in side.items():
                if key in _KEY_KINDS and isinstance(value, int) and not isinstance(value, bool):
                    ids.setdefault(_KEY_KINDS[key], set()).add(value)
    return ids


def names_for(events: Iterable[Event]) -> dict[str, dict[int, str]]:
    """The names of the people and rows the events name (one query a kind for a page)."""
    return {kind: _LOOKUPS[kind](ids) for kind, ids in _named_ids(events).items()}


def sentence(event: Event, names: Names | None = None) -> str:
    """The event in the active language and time zone. `names`: from `names_for`."""
    names = names if names is not None else names_for([event])
    known = _NOUNS.get(event.entity) or Noun(event.entity.rpartition(".")[2].replace("_", " "))
    filled = _Filled(
        actor=_actor_words(event),
        entity=str(known.label),
        id=_id_words(event, known, names),
        rule=event.rule or NOTHING,
        reason=event.reason or NOTHING,
    )
    filled["person"] = filled["id"] if known.person else NOTHING
    _side(filled, "old", event.old, known, names)
    _side(filled, "new", event.new, known, names)
    template = _SENTENCES.get((event.entity, event.action))
    if template is None:
        filled["action"] = event.action.replace("_", " ")
        template = gettext_lazy("%(actor)s: %(action)s, %(entity)s %(id)s")
    try:
        return str(template) % filled
    except (TypeError, ValueError):  # a translation with a broken placeholder: still a line
        filled["action"] = event.action.replace("_", " ")
        return gettext("%(actor)s: %(action)s, %(entity)s %(id)s") % filled
