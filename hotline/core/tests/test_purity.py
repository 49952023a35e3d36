"""hotline.core must stay pure Python: no Django, no clock reads.

The core is shared by the web app, the workers and the simulator, and is tested without a
database, so these checks read the source with `ast` instead of importing anything.
"""

import ast
from collections.abc import Iterator
from pathlib import Path

CORE = Path(__file__).resolve().parent.parent

# Ways of reading the clock; the core receives `now` instead so results are reproducible.
CLOCK_METHODS = frozenset({"now", "utcnow", "today"})


def _core_sources() -> list[Path]:
    """Every .py file of hotline/core except its tests (tests may use whatever they like)."""
    return sorted(p for p in CORE.rglob("*.py") if "tests" not in p.relative_to(CORE).parts)


def _imported_modules(tree: ast.AST) -> Iterator[str]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


def _django_imports(source: str) -> list[str]:
    # "django" as a prefix on purpose: django_tasks, django_stubs_ext etc. are Django too.
    return [m for m in _imported_modules(ast.parse(source)) if m.startswith("django")]


def _clock_reads(source: str) -> list[str]:
    tree = ast.parse(source)
    found = [m for m in _imported_modules(tree) if m == "time" or m.startswith("time.")]
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if node.func.attr in CLOCK_METHODS:
            found.append(f".{node.func.attr}() at line {node.lineno}")
    return found


def test_core_sources_are_found() -> None:
    # Guards the checks below against passing vacuously after a move or a rename.
    assert "calendar.py" in {p.name for p in _core_sources()}


def test_core_is_pure_python_without_django() -> None:
    offenders = {
        str(path.relative_to(CORE)): found
        for path in _core_sources()
        if (found := _django_imports(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}, f"hotline/core must not import Django: {offenders}"


def test_core_never_reads_the_clock() -> None:
    offenders = {
        str(path.relative_to(CORE)): found
        for path in _core_sources()
        if (found := _clock_reads(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}, f"hotline/core must take `now` as a parameter: {offenders}"


def test_the_checks_catch_what_they_are_meant_to_catch() -> None:
    assert _django_imports("import django") == ["django"]
    assert _django_imports("from django.db import models") == ["django.db"]
    assert _django_imports("import os, django_tasks as t") == ["django_tasks"]
    assert _django_imports("from datetime import datetime\nfrom . import django_like") == []
    assert _clock_reads("import time") == ["time"]
    assert _clock_reads("x = datetime.now(UTC)") == [".now() at line 1"]
    assert _clock_reads("d = date.today()") == [".today() at line 1"]
    assert _clock_reads("from datetime import time\nt = time(8, 30)") == []
