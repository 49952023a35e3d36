"""hotline.core must stay pure Python: no Django, no clock reads.

The core is shared by the web app, the workers and the simulator, and is tested without a
database, so these checks read the source with `ast` instead of importing anything.
"""

from pathlib import Path

from hotline.testing.purity import clock_reads, django_imports

CORE = Path(__file__).resolve().parent.parent


def _core_sources() -> list[Path]:
    """Every .py file of hotline/core except its tests (tests may use whatever they like)."""
    return sorted(p for p in CORE.rglob("*.py") if "tests" not in p.relative_to(CORE).parts)


def test_core_sources_are_found() -> None:
    # Guards the checks below against passing vacuously after a move or a rename.
    assert "calendar.py" in {p.name for p in _core_sources()}


def test_core_is_pure_python_without_django() -> None:
    offenders = {
        str(path.relative_to(CORE)): found
        for path in _core_sources()
        if (found := django_imports(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}, f"hotline/core must not import Django: {offenders}"


def test_core_never_reads_the_clock() -> None:
    offenders = {
        str(path.relative_to(CORE)): found
        for path in _core_sources()
        if (found := clock_reads(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}, f"hotline/core must take `now` as a parameter: {offenders}"


def test_the_checks_catch_what_they_are_meant_to_catch() -> None:
    assert django_imports("import django") == ["django"]
    assert django_imports("from django.db import models") == ["django.db"]
    assert django_imports("import os, django_tasks as t") == ["django_tasks"]
    assert django_imports("from datetime import datetime\nfrom . import django_like") == []
    assert clock_reads("import time") == ["time"]
    assert clock_reads("x = datetime.now(UTC)") == [".now() at line 1"]
    assert clock_reads("d = date.today()") == [".today() at line 1"]
    assert clock_reads("from datetime import time\nt = time(8, 30)") == []
