"""hotline.wfm must stay pure like hotline.core: no Django, no clock reads (the same checks)."""

from pathlib import Path

from hotline.testing.purity import clock_reads, django_imports

WFM = Path(__file__).resolve().parent.parent


def _sources() -> list[Path]:
    return sorted(p for p in WFM.rglob("*.py") if "tests" not in p.relative_to(WFM).parts)


def test_wfm_sources_are_found() -> None:
    assert {"erlang.py", "roster.py", "check.py"} <= {p.name for p in _sources()}


def test_wfm_is_pure_python_without_django_or_clock() -> None:
    offenders = {
        str(p.relative_to(WFM)): found
        for p in _sources()
        if (found := django_imports(p.read_text()) + clock_reads(p.read_text()))
    }
    assert offenders == {}
