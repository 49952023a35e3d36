"""The home pages are the top layer (issue 16): they read every app, and no app imports them
(only the project's hotline/urls.py routes to them). Read with `ast` (hotline/tests/layering.py)."""

from hotline.tests.layering import APPS, app_sources, imports_above


def test_home_sources_are_found() -> None:
    assert {"selectors.py", "views.py", "apps.py"} <= {p.name for p in app_sources("home")}


def test_no_app_imports_the_home_pages() -> None:
    others = APPS - {"home"}
    offenders = {
        app: found for app in sorted(others) if (found := imports_above(app, frozenset(others)))
    }
    assert offenders == {}, f"these apps import hotline/home: {offenders}"
