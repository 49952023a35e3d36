"""Dispatch sits below follow-up, workforce, reports and the portal (issue 16): it imports none
of them, at module level or inside a function (read with `ast`; tests and migrations may import
what they like). Follow-up links its repeat visits (D12) through dispatch's hooks, filled in its
AppConfig.ready(): hotline/followup/tests/test_c6_second_dispatch.py runs dispatch without them."""

from pathlib import Path

from hotline.tickets.tests.test_layering import imports_above

DISPATCH = Path(__file__).resolve().parent.parent
ABOVE = frozenset({"followup", "workforce", "reports", "portal", "home", "management", "demo"})


def test_dispatch_imports_no_app_above_it() -> None:
    assert imports_above(DISPATCH, ABOVE) == {}
