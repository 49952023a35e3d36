"""Checks that a package is pure Python (no Django, no clock reads), reading its source with
`ast` instead of importing it: hotline.core's, wfm's and the simulator's tests use them."""

import ast
from collections.abc import Iterator

# Ways of reading the clock; the core receives `now` instead so results are reproducible.
CLOCK_METHODS = frozenset({"now", "utcnow", "today"})


def imported_modules(tree: ast.AST) -> Iterator[str]:
    """Every module imported by name (relative imports left out)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


def django_imports(source: str) -> list[str]:
    """The Django modules (django, django_tasks...) the source imports."""
    # "django" as a prefix on purpose: django_tasks, django_stubs_ext etc. are Django too.
    return [m for m in imported_modules(ast.parse(source)) if m.startswith("django")]


def clock_reads(source: str) -> list[str]:
    """Where the source reads the clock: imports of `time`, calls of .now()/.utcnow()/.today()."""
    tree = ast.parse(source)
    found = [m for m in imported_modules(tree) if m == "time" or m.startswith("time.")]
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if node.func.attr in CLOCK_METHODS:
            found.append(f".{node.func.attr}() at line {node.lineno}")
    return found
