"""The event vocabulary (issue 16): each app names its audit entities and actions in a StrEnum
(`hotline/<app>/events.py`), and the code writes and reads events only through those names.

Two promises are checked on the source itself (with `ast`, no database):
- every action a reader (a report, a page, the KPIs, the CTI push) names is written by some
  service, so no figure silently counts an event nobody records;
- every entity's actions are distinct names, and no two apps claim the same entity.

A *write* is a vocabulary member given as the action of `event_append` or of a function that
passes its own parameter on as the action (`notice_event`, a `_breach` helper...), directly or
through a local variable bound to it. Every other mention of a member is a *read*.
"""

import ast
import importlib
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from types import ModuleType

import pytest

import hotline
from hotline.core.agent_states import AgentEvent

ROOT = Path(hotline.__file__).parent
WRITER = "event_append"


def _event_modules() -> dict[str, ModuleType]:
    return {
        path.parent.name: importlib.import_module(f"hotline.{path.parent.name}.events")
        for path in sorted(ROOT.glob("*/events.py"))
    }


def _enums(module: ModuleType) -> list[type[StrEnum]]:
    return [
        value
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, StrEnum)
        and value.__module__ == module.__name__
    ]


MODULES = _event_modules()
ACTIONS: dict[str, type[StrEnum]] = {
    str(entity): actions
    for module in MODULES.values()
    for entity, actions in module.ACTIONS.items()
}
ACTION_CLASSES = {actions.__name__: actions for actions in ACTIONS.values()}


# --- the vocabulary itself -----------------------------------------------------------------------


def test_every_app_declares_its_vocabulary() -> None:
    assert {"calls", "tickets", "dispatch", "followup", "workforce", "accounts", "rulebook"} <= set(
        MODULES
    )
    for module in MODULES.values():
        assert module.ACTIONS, module.__name__


def test_every_enum_value_is_unique() -> None:
    """A repeated value would make an Enum alias: two names, one stored string."""
    for module in MODULES.values():
        for enum in _enums(module):
            assert len(enum.__members__) == len(enum), f"{enum.__name__} repeats a value"


def test_entities_are_unique_and_named_after_their_app() -> None:
    seen: dict[str, str] = {}
    for app, module in MODULES.items():
        for enum in _enums(module):
            if not enum.__name__.endswith("Entity"):
                continue
            for entity in enum:
                assert entity.value not in seen, f"{entity.value} in {app} and {seen[entity]}"
                seen[entity.value] = app
                # Stored as "<app label>.<model>"; the customer's events belong to tickets.
                assert entity.value.split(".")[0] == app, entity.value
    assert set(ACTIONS) <= set(seen)


def test_agent_actions_do_not_clash_with_state_transitions() -> None:
    """Both are written under calls.agent: the transition names come from the state machine."""
    agent_actions = {a.value for a in ACTIONS["calls.agent"]}
    assert not agent_actions & {e.value for e in AgentEvent}


def test_action_classes_have_distinct_names() -> None:
    """The source scan below resolves members by class name."""
    assert len(ACTION_CLASSES) == len(ACTIONS)


# --- writers and readers in the source -----------------------------------------------------------


def _source_files() -> Iterator[Path]:
    for path in sorted(ROOT.rglob("*.py")):
        parts = set(path.relative_to(ROOT).parts)
        if parts & {"tests", "migrations"} or path.name in ("events.py", "conftest.py"):
            continue
        yield path


def _trees() -> dict[Path, ast.Module]:
    return {path: ast.parse(path.read_text(), str(path)) for path in _source_files()}


def _called_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _action_arg(call: ast.Call, position: int | None) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg == "action":
            return keyword.value
    if position is not None and len(call.args) > position:
        return call.args[position]
    return None


def _functions(trees: dict[Path, ast.Module]) -> Iterator[ast.FunctionDef]:
    for tree in trees.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef):
                yield node


def _writers(trees: dict[Path, ast.Module]) -> dict[str, int | None]:
    """Function name -> the position of its `action` argument (None: keyword only). A function
    is a writer when it passes one of its parameters on as a writer's action."""
    writers: dict[str, int | None] = {WRITER: None}
    changed = True
    while changed:
        changed = False
        for function in _functions(trees):
            if function.name in writers:
                continue
            positional = [a.arg for a in function.args.posonlyargs + function.args.args]
            params = set(positional) | {a.arg for a in function.args.kwonlyargs}
            for call in ast.walk(function):
                name = _called_name(call) if isinstance(call, ast.Call) else None
                if name not in writers:
                    continue
                assert isinstance(call, ast.Call)
                arg = _action_arg(call, writers[name])
                if isinstance(arg, ast.Name) and arg.id in params:
                    index = positional.index(arg.id) if arg.id in positional else None
                    writers[function.name] = index
                    changed = True
                    break
    return writers


def _members(node: ast.AST) -> Iterator[tuple[ast.Attribute, StrEnum]]:
    for found in ast.walk(node):
        if (
            isinstance(found, ast.Attribute)
            and isinstance(found.value, ast.Name)
            and found.value.id in ACTION_CLASSES
        ):
            yield found, ACTION_CLASSES[found.value.id][found.attr]


def _binds(target: ast.expr, name: str) -> bool:
    return any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(target))


class Scan:
    """Which vocabulary members the source writes and which it reads."""

    def __init__(self) -> None:
        trees = _trees()
        self.writers = _writers(trees)
        self.bare: list[str] = []  # writes with a literal string instead of a member
        written_nodes: set[int] = set()
        for function in _functions(trees):
            for call in ast.walk(function):
                name = _called_name(call) if isinstance(call, ast.Call) else None
                if name not in self.writers:
                    continue
                assert isinstance(call, ast.Call)
                arg = _action_arg(call, self.writers[name])
                if arg is None:
                    continue
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    self.bare.append(f"{function.name}: {name}(action={arg.value!r})")
                sources: list[ast.AST] = [arg]
                if isinstance(arg, ast.Name):  # a local bound to the action before the call
                    for node in ast.walk(function):
                        if isinstance(node, ast.Assign) and any(
                            _binds(t, arg.id) for t in node.targets
                        ):
                            sources.append(node.value)
                        elif isinstance(node, ast.For) and _binds(node.target, arg.id):
                            sources.append(node.iter)
                for source in sources:
                    written_nodes |= {id(node) for node, _ in _members(source)}
        self.written: set[StrEnum] = set()
        self.read: dict[StrEnum, list[str]] = {}
        for path, tree in trees.items():
            for node, member in _members(tree):
                if id(node) in written_nodes:
                    self.written.add(member)
                else:
                    where = f"{path.relative_to(ROOT)}:{node.lineno}"
                    self.read.setdefault(member, []).append(where)


@pytest.fixture(scope="module")
def scan() -> Scan:
    return Scan()


def test_the_scan_finds_writers_and_readers(scan: Scan) -> None:
    """Not vacuous: the wrappers are recognised, and the KPIs' reads are seen."""
    assert {"notice_event", "_breach", "_missed", "_audit"} <= set(scan.writers)
    calls = ACTION_CLASSES["CallAction"]
    assert calls["ANSWERED"] in scan.written
    assert any(where.startswith("calls/figures.py") for where in scan.read[calls["ANSWERED"]])


def test_every_action_read_is_written(scan: Scan) -> None:
    unwritten = {
        f"{type(member).__name__}.{member.name}": places
        for member, places in scan.read.items()
        if member not in scan.written
    }
    assert not unwritten, f"read but never written: {unwritten}"


def test_every_declared_action_is_written(scan: Scan) -> None:
    """A word nobody writes is a leftover, or a reader waiting for an event that never comes."""
    declared = {member for actions in ACTIONS.values() for member in actions}
    assert not declared - scan.written, sorted(str(m) for m in declared - scan.written)


def test_services_write_actions_from_the_vocabulary(scan: Scan) -> None:
    assert not scan.bare, scan.bare


# --- the event log's sentences (issue 17) --------------------------------------------------------


def test_every_action_of_every_app_reads_as_a_sentence() -> None:
    """Each app describes every action of its vocabulary (its events.py, from ready()); the
    agent's state transitions are written under calls.agent with the state machine's names."""
    from hotline.audit.sentences import has_sentence

    written = [(entity, str(action)) for entity, actions in ACTIONS.items() for action in actions]
    written += [("calls.agent", str(event)) for event in AgentEvent]
    missing = [
        f"{entity} {action}" for entity, action in written if not has_sentence(entity, action)
    ]
    assert not missing, missing


def test_every_sentence_reads_even_without_its_payload() -> None:
    """An old event written before a payload key existed reads with a dash, never a crash."""
    from django.utils import translation

    from hotline.audit.models import Event
    from hotline.audit.sentences import described, sentence

    assert len(described()) > 100
    for language in ("en", "ru", "zh-hans"):
        with translation.override(language):
            for entity, action in described():
                event = Event(entity=entity, entity_id="12", action=action, actor_label="system")
                text = sentence(event, {})
                assert text, (entity, action)
                assert "%(" not in text, (entity, action, text)
