"""The roster pages explain the solver's and the forecast's figures in plain words (issue 17):
"LP bound", "gap" and "WAPE" each have their expansion in an <abbr title> and a short text,
translated."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from hotline.workforce.tests.test_pages import at_now as at_now

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]
LP_BOUND_WORDS = (
    "the lowest cost any roster could reach under the same rules, worked out by the solver."
)


def terms(page: str) -> dict[str, str]:
    """The glossary on the page: term -> what it means."""
    block = page[page.index('data-testid="terms"') : page.index("</dl>")]
    found = re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", block, re.S)
    return {re.sub(r"<[^>]+>", "", dt).strip(): dd.strip() for dt, dd in found}


def test_roster_page_says_what_the_lp_bound_and_the_gap_are(client, centre, roster, at_now):
    client.force_login(centre["lead"])
    page = client.get(reverse("workforce:roster", args=[roster.pk])).content.decode()
    words = terms(page)
    assert "lowest cost any roster could reach" in words["LP bound"]
    assert "no roster could do better" in words["Gap"]
    assert "Lower is better" in words["Objective"]
    assert "forecast needs" in words["Agent-slots short"]
    assert '<abbr title="linear programming bound">LP bound</abbr>' in page


def test_rosters_list_explains_the_gap_column(client, centre, roster, at_now):
    client.force_login(centre["lead"])
    page = client.get(reverse("workforce:rosters")).content.decode()
    assert re.search(r"<th><abbr title=\"[^\"]+\">Gap to the LP bound</abbr></th>", page)
    help_text = page[page.index('data-testid="gap-help"') :]
    assert "lowest cost any roster could reach" in help_text


def test_staffing_page_says_what_wape_is(client, centre, roster, at_now):
    client.force_login(centre["lead"])
    page = client.get(reverse("workforce:staffing", args=[roster.pk]), {"day": "1"})
    html = page.content.decode()
    assert '<abbr title="weighted absolute percentage error">WAPE</abbr>' in html
    assert "Lower is better" in terms(html)["WAPE"]
    assert "LP bound" not in terms(html)  # only the words this page uses


def test_the_plain_words_follow_the_users_language(client, centre, roster, at_now):
    """The words are gettext strings: in Russian the page shows what the catalog has (English
    until the lead translates the new strings, then Russian), never a mix of msgids."""
    centre["lead"].language = "ru"
    centre["lead"].save()
    client.force_login(centre["lead"])
    page = client.get(reverse("workforce:roster", args=[roster.pk])).content.decode()
    with translation.override("ru"):
        expected = translation.gettext(LP_BOUND_WORDS)
        term = translation.gettext("LP bound")
    assert terms(page)[term] == expected
