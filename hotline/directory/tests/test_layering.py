"""The directory is at the bottom of the apps (issue 16): every other app reads its customers,
sites, regions and providers, so it imports none of them, only what is below it. Read with `ast`,
so an import inside a function counts too; tests and migrations may import what they like."""

from hotline.tests.layering import APPS, app_sources, apps_not_below, hotline_imports, imports_above

# The apps the directory may lean on: itself, the users and roles, the event log. Every other
# app of hotline/ (tickets, dispatch, calls, notices, portal...) is above it. Plain modules
# (hotline.clock, hotline.core) are no apps and may be used.
BELOW = frozenset({"directory", "accounts", "audit"})


def _above(modules: list[str]) -> list[str]:
    return apps_not_below(modules, BELOW)


def test_directory_sources_are_found() -> None:
    assert {"models.py", "selectors.py"} <= {p.name for p in app_sources("directory")}
    assert {"tickets", "dispatch", "calls", "portal", "directory"} <= APPS


def test_directory_imports_no_app_above_it() -> None:
    offenders = imports_above("directory", BELOW)
    assert offenders == {}, f"hotline/directory must not import these: {offenders}"


def test_the_check_catches_what_it_is_meant_to_catch() -> None:
    assert _above(hotline_imports("from hotline.tickets.models import Ticket")) == [
        "hotline.tickets.models"
    ]
    assert _above(hotline_imports("def f():\n    import hotline.dispatch.models")) == [
        "hotline.dispatch.models"
    ]
    assert _above(hotline_imports("from hotline import calls, clock")) == ["hotline.calls"]
    assert _above(hotline_imports("from hotline.accounts.models import User")) == []
    assert _above(hotline_imports("from hotline.core.i18n import gettext_noop")) == []
