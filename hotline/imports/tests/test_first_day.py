"""A new centre's first day: the exchange's call history imported with `hotline import`, then a
forecast, Erlang staffing and a roster from it, and the staffing page shows the forecast's
error on the held-out week (issue 20)."""

import re

from django.core.management import call_command
from django.urls import reverse

from hotline.accounts.models import Team
from hotline.imports.tests.cdr_files import asterisk_lines, calls
from hotline.imports.tests.test_history import FIRST_MONDAY, HISTORY_START
from hotline.workforce.services import roster_generate


def test_imported_cdrs_give_a_roster_and_the_page_shows_the_holdout_error(
    client, centre, clock, tmp_path
) -> None:
    path = tmp_path / "Master.csv"
    path.write_text("".join(asterisk_lines(calls(HISTORY_START, 12, per_weekday=200))))
    call_command("import", "calls-asterisk", str(path), "--zone", "Europe/Sofia")

    roster = roster_generate(
        actor=centre["lead"],
        now=clock(),
        team=Team.objects.get(name="Repairs"),
        first_monday=FIRST_MONDAY,
        weeks=1,
        seconds=4.0,
    )
    assert roster.shifts.exists()  # agents rostered against the imported history's forecast
    assert max(max(day) for day in roster.required if day) > 0

    client.force_login(centre["lead"])
    page = client.get(reverse("workforce:staffing", args=[roster.pk]), {"day": "1"})
    html = page.content.decode()
    assert page.status_code == 200
    wape = re.search(r"\(WAPE\): ([\d.,]+);", html)
    assert wape is not None
    assert 0 < float(wape.group(1).replace(",", ".")) < 0.5
