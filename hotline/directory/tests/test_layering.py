"""The directory is at the bottom of the apps (issue 16): every other app reads its customers,
sites, regions and providers, so it imports none of them, only what is below it. Read with `ast`,
so an import inside a function counts too; tests and migrations may import what they like."""

import ast
from pathlib import Path

DIRECTORY = Path(__file__).resolve().parent.parent
# The apps the directory may lean on: itself, the users and roles, the event log. Every other
# app of hotline/ (tickets, dispatch, calls, notices, portal...) is above it. Plain modules
# (hotline.clock, hotline.core) are no apps and may be used.
BELOW = frozenset({"directory", "accounts", "audit"})
APPS = frozenset(p.parent.name for p in DIRECTORY.parent.glob("*/apps.py"))


def _sources() -> list[Path]:
    return sorted(
        p
        for p in DIRECTORY.rglob("*.py")
        if not {"tests", "migrations"} & set(p.relative_to(DIRECTORY).parts)
    )


def _hotline_imports(source: str) -> list[str]:
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
            if node.module == "hotline":  # from hotline import tickets
                found += [f"hotline.{alias.name}" for alias in node.names]
    return [m for m in found if m.startswith("hotline.")]


def _above(modules: list[str]) -> list[str]:
    return [m for m in modules if m.split(".")[1] in APPS - BELOW]


def test_directory_sources_are_found() -> None:
    assert {"models.py", "selectors.py"} <= {p.name for p in _sources()}
    assert {"tickets", "dispatch", "calls", "portal", "directory"} <= APPS


def test_directory_imports_no_app_above_it() -> None:
    offenders = {
        str(path.relative_to(DIRECTORY)): found
        for path in _sources()
        if (found := _above(_hotline_imports(path.read_text(encoding="utf-8"))))
    }
    assert offenders == {}, f"hotline/directory must not import these: {offenders}"


def test_the_check_catches_what_it_is_meant_to_catch() -> None:
    assert _above(_hotline_imports("from hotline.tickets.models import Ticket")) == [
        "hotline.tickets.models"
    ]
    assert _above(_hotline_imports("def f():\n    import hotline.dispatch.models")) == [
        "hotline.dispatch.models"
    ]
    assert _above(_hotline_imports("from hotline import calls, clock")) == ["hotline.calls"]
    assert _above(_hotline_imports("from hotline.accounts.models import User")) == []
    assert _above(_hotline_imports("from hotline.core.i18n import gettext_noop")) == []
