"""The staffing chart has axes (issue 17): agents on the left, whole ticks, the lines drawn on
that scale; forecast calls on the right on their own scale; a title on each axis."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from hotline.workforce.selectors import StaffingChart, chart_svg
from hotline.workforce.tests.test_pages import at_now as at_now

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


def a_day(forecast: list[float], required: list[int], scheduled: list[int]) -> StaffingChart:
    return StaffingChart(
        labels=[f"{9 + i // 4:02d}:{15 * (i % 4):02d}" for i in range(len(forecast))],
        forecast=forecast,
        required=required,
        scheduled=scheduled,
        holdout_wape=0.2,
        baseline_wape=0.3,
        max_wait=timedelta(minutes=3),
    )


def test_agents_and_calls_each_get_their_own_round_axis():
    svg = chart_svg(a_day([40.0, 10.0, 0.0, 22.5], [7, 2, 0, 5], [6, 3, 1, 5]))
    assert [t["label"] for t in svg["agent_ticks"]] == ["0", "2", "4", "6", "8"]
    assert [t["label"] for t in svg["call_ticks"]] == ["0", "10", "20", "30", "40"]
    # the top tick of each axis is the top of the plot, zero is its bottom
    assert svg["agent_ticks"][-1]["y"] == svg["call_ticks"][-1]["y"] == svg["top"]
    assert svg["agent_ticks"][0]["y"] == svg["bottom"]
    # 7 agents required at 9:00: the line's first point at 7/8 of the agents' axis, even though
    # 40 calls are forecast there (on one shared scale the line would sit at 7/40)
    first_y = float(svg["required"].split()[0].split(",")[1])
    height = svg["bottom"] - svg["top"]
    assert first_y == pytest.approx(svg["bottom"] - height * 7 / 8, abs=0.1)
    assert svg["bars"][0]["y"] == svg["top"]  # the 40 calls reach the top of the calls' axis


def test_a_quiet_day_still_has_whole_agent_ticks():
    svg = chart_svg(a_day([0.5, 0.2], [1, 0], [1, 1]))
    assert [t["label"] for t in svg["agent_ticks"]] == ["0", "1"]


def test_staffing_page_draws_both_axes_with_their_titles(client, centre, roster, at_now):
    client.force_login(centre["lead"])
    html = client.get(reverse("workforce:staffing", args=[roster.pk]), {"day": "1"}).content
    page = html.decode()
    assert page.count('class="wfm-axis"') == 3  # left, right and bottom
    assert ">agents</text>" in page
    assert ">calls per interval</text>" in page
    ticks = re.findall(r'text-anchor="end" class="wfm-tick">([^<]+)<', page)
    assert ticks[0] == "0"
    assert all(tick.isdigit() for tick in ticks)  # whole agents only
