"""The layers of hotline/, bottom to top, and a check that no module imports a layer above its own.

A lower app that needs a higher one declares a registry the higher one fills in its
`AppConfig.ready()` (deadline handlers, `audit.services.on_event_written`, the rulebook's scope
models, the floor's screen pop and shift starts, the reset-link sender...). The source is read
with `ast`, so an import inside a function counts as much as one at the top; tests and
migrations may import whatever they need.
"""

import ast
from pathlib import Path

HOTLINE = Path(__file__).resolve().parents[2]

# Bottom to top. Within a layer, units do not import each other in a loop (checked below).
LAYERS: list[frozenset[str]] = [
    # pure Python, no Django (test_purity): the rules, workforce maths, the simulator
    frozenset({"core", "wfm", "sim"}),
    # the kit every app uses: input bounds, formats, paging, the clock, the disk, processes
    frozenset(
        {
            "bounds",
            "formats",
            "formatting",
            "paging",
            "clock",
            "storage",
            "security",
            "taskrunner",
            "processes",
            "cache_pool",
            "replica",
        }
    ),
    # what happened: the event log and its live stream; refusals and conflicts in words
    frozenset({"audit", "i18n"}),
    # who (users, roles, teams), and the parties and places every app reads (customers, sites,
    # regions, providers)
    frozenset({"accounts", "directory"}),
    frozenset({"rulebook"}),  # the numbers in force, the calendars
    # the call floor; the clocks (deadlines) and messages (notices) the cases and orders use
    frozenset({"calls", "deadlines", "notices"}),
    frozenset({"tickets"}),  # cases
    frozenset({"dispatch"}),  # work orders and providers' portal
    frozenset({"followup", "workforce"}),
    # the SIP edge: Kamailio and rtpengine driven by the floor's services (and the follow-ups'
    # calls it dials out, C6)
    frozenset({"voice"}),
    frozenset({"reports", "portal", "backup", "imports", "setup"}),
    # what puts it all together: pages that read every app, the API, the demo, the commands
    frozenset(
        {
            "home",
            "api",
            "api_errors",
            "urls",
            "settings",
            "asgi",
            "apps",
            "cli",
            "management",
            "demo",
            "demo_data",
            "demo_floor",
            "seeding",
            "ops",  # probes and metrics read the floor, deadlines, notices and the SIP edge
        }
    ),
    # test support the tests of every app share (a clock that moves, the cases they start from)
    frozenset({"testing"}),
]
LEVEL = {unit: level for level, units in enumerate(LAYERS) for unit in units}

# Foreign keys may point up where the issue allows it: a deadline or a notice belongs to a case
# or a work order, so those two read the tickets' and dispatch's models (and nothing else of
# theirs); the cases and orders set and close deadlines and send notices through their services.
MODEL_LINKS_UP = frozenset(
    {
        ("deadlines", "hotline.tickets.models"),
        ("deadlines", "hotline.dispatch.models"),
        ("notices", "hotline.tickets.models"),
        ("notices", "hotline.dispatch.models"),
    }
)


def _unit(path: Path) -> str:
    parts = path.relative_to(HOTLINE).parts
    return parts[0].removesuffix(".py")


def _sources() -> list[Path]:
    return sorted(
        path
        for path in HOTLINE.rglob("*.py")
        if not {"tests", "migrations"} & set(path.relative_to(HOTLINE).parts)
    )


def _imports(source: str) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            if node.module == "hotline":  # from hotline import clock
                found += [(node.lineno, f"hotline.{alias.name}") for alias in node.names]
    return [(line, name) for line, name in found if name.startswith("hotline.")]


def _links() -> list[tuple[str, str, str]]:
    """(importing unit, imported unit, where) for every import of another unit of hotline/."""
    links = []
    for path in _sources():
        unit = _unit(path)
        for line, module in _imports(path.read_text(encoding="utf-8")):
            target = module.split(".")[1]
            if target != unit:
                links.append((unit, target, f"{path.relative_to(HOTLINE.parent)}:{line} {module}"))
    return links


def test_every_unit_of_hotline_has_a_layer():
    units = {_unit(path) for path in _sources()} - {"__init__"}
    missing = sorted(units - set(LEVEL))
    assert not missing, f"give these a layer in LAYERS: {missing}"


def test_no_module_imports_a_layer_above_its_own():
    upward = [
        where
        for unit, target, where in _links()
        if LEVEL[target] > LEVEL[unit] and (unit, where.split()[-1]) not in MODEL_LINKS_UP
    ]
    assert not upward, "imports that run up the layers:\n" + "\n".join(upward)


def test_units_of_one_layer_do_not_import_each_other_both_ways():
    pairs = {(unit, target) for unit, target, _ in _links() if LEVEL[target] == LEVEL[unit]}
    loops = sorted((a, b) for a, b in pairs if (b, a) in pairs and a < b)
    assert not loops, f"these import each other: {loops}"


def test_the_walk_sees_imports_inside_functions_and_from_hotline():
    source = "def f():\n    from hotline.dispatch import services\nfrom hotline import clock\n"
    assert sorted(_imports(source)) == [(2, "hotline.dispatch"), (3, "hotline.clock")]
