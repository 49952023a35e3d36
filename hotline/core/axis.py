"""Round axis ticks for the charts (report bar charts, the staffing chart): pure arithmetic."""

import math

STEPS = (1.0, 2.0, 2.5, 5.0)
MOST_STEPS = 5


def axis_ticks(highest: float, *, whole: bool = False) -> list[float]:
    """Ticks from 0 to a round top at or above ``highest``, at most five steps of 1, 2, 2.5 or 5
    times a power of ten. ``whole`` for counts (agents, cases): no step below 1, and none of 2.5,
    so a tick never reads "0.25 agents"."""
    if highest <= 0 or not math.isfinite(highest):
        return [0.0, 1.0]
    if whole:
        highest = max(highest, 1.0)
    magnitude = 10.0 ** math.floor(math.log10(highest / MOST_STEPS))
    for power in (magnitude, magnitude * 10):
        for factor in STEPS:
            step = factor * power
            if whole and (step < 1 or step != int(step)):
                continue
            count = math.ceil(highest / step - 1e-9)
            if count <= MOST_STEPS:
                return [round(step * i, 10) for i in range(count + 1)]
    # not reached: magnitude <= highest / 5 < 10 x magnitude, so a step of 10 x magnitude (a
    # whole number when whole, as highest >= 1 then) takes at most five steps
    raise AssertionError(highest)
