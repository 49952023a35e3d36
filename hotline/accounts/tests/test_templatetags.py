"""The list pages' fast date filters print exactly what Django's date filter prints."""

from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import translation

# A Sunday in winter and a Thursday in summer (DST), one each side of midnight in Sofia.
MOMENTS = [datetime(2026, 3, 29, 22, 30, tzinfo=UTC), datetime(2026, 7, 2, 6, 5, tzinfo=UTC)]


@pytest.mark.parametrize("language", [code for code, _ in settings.LANGUAGES])
@pytest.mark.parametrize("moment", MOMENTS)
@pytest.mark.parametrize(
    ("fast", "date_format"), [("minute", "SHORT_DATETIME_FORMAT"), ("day_and_time", "D j M, H:i")]
)
def test_fast_filter_prints_what_the_date_filter_prints(language, moment, fast, date_format):
    source = (
        "{% load hotline tz %}{% timezone 'Europe/Sofia' %}"
        f'{{{{ moment|{fast} }}}}|{{{{ moment|date:"{date_format}" }}}}'
        "{% endtimezone %}"
    )
    with translation.override(language):
        ours, django = Template(source).render(Context({"moment": moment})).split("|")
    assert ours == django


def test_fast_filters_print_nothing_for_no_time():
    rendered = Template("{% load hotline %}[{{ none|minute }}][{{ none|day_and_time }}]").render(
        Context({"none": None})
    )
    assert rendered == "[][]"
