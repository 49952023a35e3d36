"""The wallboard's intraday chart as inline SVG, drawn on the server: no script, no inline style
(the Content-Security-Policy allows neither), presentation attributes and classes only.

Bars: calls per interval (left axis, with the forecast as a hollow bar behind when there is a
plan). Lines: agents staffed and, with a plan, agents required (left axis too: both are counts).
Dots: the service level per interval (right axis, 0-100 %), the target a dashed line. Every
bar and dot carries a <title> with its figures, and the page gives the same as a table.
"""

import math
from collections.abc import Callable

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from hotline.calls.board_status import service_level_level
from hotline.calls.intraday import Interval, Intraday

WIDTH, HEIGHT = 760, 250
LEFT, RIGHT, TOP, BOTTOM = 40, 48, 26, 30
FONT = "Noto Sans, Noto Sans CJK SC, DejaVu Sans, sans-serif"


def _nice_top(value: float) -> int:
    if value <= 4:
        return 4
    magnitude: int = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        top: float = step * magnitude
        if top >= value:
            return math.ceil(top)
    return math.ceil(value)


def _hhmm(interval: Interval) -> str:
    return f"{interval.start:%H:%M}"


def _span(interval: Interval) -> str:
    return f"{interval.start:%H:%M}–{interval.end:%H:%M}"


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{round(value * 100)} %"


def intraday_svg(chart: Intraday) -> SafeString:
    rows = chart.intervals
    if not rows:
        return mark_safe("")
    counts = [r.calls for r in rows]
    counts += [math.ceil(r.forecast) for r in rows if r.forecast is not None]
    counts += [r.required for r in rows if r.required is not None]
    counts += [math.ceil(r.staffed) for r in rows if r.staffed is not None]
    top = _nice_top(max([*counts, 0]))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / len(rows)

    def y(value: float) -> float:
        return TOP + plot_h - plot_h * value / top

    def y_share(share: float) -> float:
        return TOP + plot_h - plot_h * share

    title = _("Today per half hour: calls, service level and agents")
    parts = [
        f'<svg class="intraday-chart" role="img" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
        f'xmlns="http://www.w3.org/2000/svg" aria-label="{escape(title)}" font-family="{FONT}">'
    ]
    for tick in range(5):  # left axis: calls and agents; right axis: service level
        value = top * tick / 4
        share = tick / 4
        yy = y(value)
        label = f"{value:g}"
        parts.append(
            f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{yy:.1f}" y2="{yy:.1f}" '
            f'stroke="#e3e7ec"/><text x="{LEFT - 4}" y="{yy + 3:.1f}" font-size="10" '
            f'text-anchor="end" fill="#5b6776">{label}</text><text x="{WIDTH - RIGHT + 4}" '
            f'y="{yy + 3:.1f}" font-size="10" fill="#5b6776">{round(share * 100)} %</text>'
        )
    # Words outside the f-strings: xgettext does not read a call inside an f-string.
    left_axis, right_axis = _("calls · agents"), _("service level")
    parts.append(
        f'<text x="4" y="12" font-size="10" fill="#5b6776">{escape(left_axis)}</text>'
        f'<text x="{WIDTH - 4}" y="12" font-size="10" text-anchor="end" fill="#5b6776">'
        f"{escape(right_axis)}</text>"
    )
    target_y = y_share(chart.target / 100)
    target_words = _("Service level target: %(target)s %%") % {"target": chart.target}
    parts.append(
        f'<line class="target" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{target_y:.1f}" '
        f'y2="{target_y:.1f}" stroke="#1f7a3a" stroke-dasharray="6 4"><title>'
        f"{escape(target_words)}"
        f"</title></line>"
    )
    bar_w = max(2.0, step * 0.7)
    for i, row in enumerate(rows):
        x = LEFT + i * step + (step - bar_w) / 2
        if row.forecast is not None:
            forecast_words = _("%(n)s calls forecast") % {"n": row.forecast}
            parts.append(
                f'<rect class="forecast" x="{x:.1f}" y="{y(row.forecast):.1f}" '
                f'width="{bar_w:.1f}" height="{plot_h * row.forecast / top:.1f}" fill="none" '
                f'stroke="#7f8fa6" stroke-dasharray="3 2"><title>'
                f"{escape(_span(row))}: {escape(forecast_words)}"
                f"</title></rect>"
            )
        calls_words = _("%(n)s calls") % {"n": row.calls}
        parts.append(
            f'<rect class="calls" data-start="{_hhmm(row)}" data-calls="{row.calls}" '
            f'x="{x:.1f}" y="{y(row.calls):.1f}" width="{bar_w:.1f}" '
            f'height="{plot_h * row.calls / top:.1f}" fill="#2f6db5"><title>'
            f"{escape(_span(row))}: {escape(calls_words)}</title></rect>"
        )
        if row.start.minute == 0 and (len(rows) <= 24 or row.start.hour % 2 == 0):
            parts.append(
                f'<text x="{LEFT + i * step:.1f}" y="{HEIGHT - BOTTOM + 14}" font-size="10" '
                f'text-anchor="middle" fill="#1d2733">{_hhmm(row)}</text>'
            )
    parts.append(
        f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{TOP + plot_h}" y2="{TOP + plot_h}" '
        f'stroke="#5b6776"/>'
    )
    parts += _line(rows, step, y, "staffed", "#1e7b3a", "", lambda r: r.staffed)
    parts += _line(rows, step, y, "required", "#c0392b", "5 3", lambda r: r.required)
    for i, row in enumerate(rows):
        if row.service_level is None:
            continue
        level = service_level_level(row.service_level, chart.target)
        colour = {"ok": "#1f7a3a", "warn": "#a15c00"}.get(level, "#b3261e")
        text = _("%(span)s: service level %(value)s (%(n)s calls)") % {
            "span": _span(row),
            "value": _percent(row.service_level),
            "n": row.resolved,
        }
        parts.append(
            f'<circle class="sl sl-{level}" cx="{LEFT + (i + 0.5) * step:.1f}" '
            f'cy="{y_share(row.service_level):.1f}" r="4" fill="{colour}" stroke="#fff">'
            f"<title>{escape(text)}</title></circle>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text above is escaped or a number


def _line(
    rows: list[Interval],
    step: float,
    y: Callable[[float], float],
    name: str,
    colour: str,
    dash: str,
    value: Callable[[Interval], float | None],
) -> list[str]:
    points = [
        (LEFT + (i + 0.5) * step, y(v)) for i, r in enumerate(rows) if (v := value(r)) is not None
    ]
    if not points:
        return []
    path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
    dashed = f' stroke-dasharray="{dash}"' if dash else ""
    return [
        f'<polyline class="{name}" points="{path}" fill="none" stroke="{colour}" '
        f'stroke-width="2"{dashed}/>'
    ]
