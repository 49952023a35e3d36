"""Accounts is at the bottom of the apps (issue 16): every app reads its users, roles and
permission table, so it imports none of them but the event log (audit). The home pages, which
read every app, live on top in hotline/home. Plain modules (hotline.core, hotline.formatting,
hotline.clock, hotline.storage...) are no apps and may be used."""

from hotline.tests.layering import APPS, app_sources, apps_not_below, hotline_imports, imports_above

BELOW = frozenset({"accounts", "audit"})


def test_accounts_sources_are_found() -> None:
    assert {"models.py", "selectors.py", "views.py", "navigation.py"} <= {
        p.name for p in app_sources("accounts")
    }
    assert {"accounts", "audit", "directory", "calls", "rulebook", "home"} <= APPS


def test_accounts_imports_no_app_above_it() -> None:
    offenders = imports_above("accounts", BELOW)
    assert offenders == {}, f"hotline/accounts must not import these: {offenders}"


def test_the_check_catches_an_import_of_the_home_pages_or_the_directory() -> None:
    assert apps_not_below(hotline_imports("from hotline.home.selectors import x"), BELOW) == [
        "hotline.home.selectors"
    ]
    assert apps_not_below(
        hotline_imports("def f():\n    from hotline.directory.models import Zone"), BELOW
    ) == ["hotline.directory.models"]
    assert apps_not_below(hotline_imports("from hotline.audit.services import e"), BELOW) == []
    assert apps_not_below(hotline_imports("from hotline import clock, storage"), BELOW) == []
