"""Chart axes: round ticks from zero, at most five steps, whole numbers for counts."""

import pytest

from hotline.core.axis import axis_ticks


@pytest.mark.parametrize(
    ("highest", "whole", "ticks"),
    [
        (7, True, [0, 2, 4, 6, 8]),
        (3, True, [0, 1, 2, 3]),
        (1, True, [0, 1]),
        (0.4, True, [0, 1]),  # a count never gets a "0.25" tick
        (23, True, [0, 5, 10, 15, 20, 25]),
        (0.3, False, [0, 0.1, 0.2, 0.3]),
        (0.7, False, [0, 0.2, 0.4, 0.6, 0.8]),
        (9.5, False, [0, 2, 4, 6, 8, 10]),
        (12, False, [0, 2.5, 5, 7.5, 10, 12.5]),
        (120, False, [0, 25, 50, 75, 100, 125]),
        (0, False, [0, 1]),
    ],
)
def test_ticks_are_round_and_cover_the_highest_value(highest, whole, ticks):
    assert axis_ticks(highest, whole=whole) == pytest.approx(ticks)


@pytest.mark.parametrize("highest", [0.013, 0.9, 1, 4.2, 17, 99, 101, 333, 5000, 123456])
@pytest.mark.parametrize("whole", [False, True])
def test_at_most_five_steps_and_the_top_covers_the_highest(highest, whole):
    ticks = axis_ticks(highest, whole=whole)
    assert 2 <= len(ticks) <= 6
    assert ticks[0] == 0
    assert ticks[-1] >= highest
    assert ticks[-2] < highest
    if whole:
        assert all(tick == int(tick) for tick in ticks)
