"""Inline SVG bar charts of report tables: no JavaScript, no build step, and WeasyPrint draws
them in the PDF exactly as the browser does."""

import math
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from hotline.reports.tables import Section

ALERT = "#b3261e"
COLOURS = ("#2f6db5", "#3b9c6b", "#d0663a", "#8a5fb8", "#b59a2f")
WIDTH, HEIGHT = 640, 220
LEFT, BOTTOM, TOP = 44, 44, 14


def _number(value: Any) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0


def nice_top(value: float) -> tuple[float, int]:
    """A round axis maximum at or above ``value`` and the number of steps up to it."""
    if value <= 0:
        return 1.0, 4
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (0.1, 0.2, 0.25, 0.5, 1, 2, 2.5, 5, 10):
        top = step * magnitude * 4
        if top >= value - 1e-12:
            return top, 4
    return 40 * magnitude, 4


def _text_width(text: str, size: float = 10) -> float:
    # Wide (CJK) glyphs take about a full em, Latin and Cyrillic about 0.6.
    return sum(size if ord(ch) >= 0x2E80 else 0.6 * size for ch in text)


def bar_chart(section: Section) -> SafeString:
    """Grouped bars, one group per row; a dark tick marks the marker column (target, usual)."""
    chart = section.chart
    if chart is None or not section.rows:
        return mark_safe("")
    rows = section.rows[:24]
    keys = chart.value_keys
    values = [_number(r.get(k)) for r in rows for k in keys]
    values += [_number(r.get(chart.marker_key)) for r in rows] if chart.marker_key else []
    top, steps = nice_top(max([*values, 0.0]))
    plot_w, plot_h = WIDTH - LEFT - 8, HEIGHT - BOTTOM - TOP
    group_w = plot_w / len(rows)
    bar_w = max(2.0, min(28.0, (group_w - 6) / len(keys)))
    labels = {c.key: c.label for c in section.columns}
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {WIDTH} {HEIGHT + 18}" width="100%" '
        f'xmlns="http://www.w3.org/2000/svg" aria-label="{escape(section.title)}" '
        f'font-family="Noto Sans, Noto Sans CJK SC, DejaVu Sans, sans-serif">'
    ]
    for tick in range(steps + 1):
        value = top * tick / steps
        y = TOP + plot_h - plot_h * tick / steps
        text = (
            f"{100 * value:.0f}%"
            if chart.percent
            else f"{value:,.0f}"
            if value == int(value)
            else f"{value:.2g}"
        )
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - 8}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e3e7ec"/>'
            f'<text x="{LEFT - 4}" y="{y + 3:.1f}" font-size="9" text-anchor="end" '
            f'fill="#5b6776">{text}</text>'
        )
    for i, row in enumerate(rows):
        x0 = LEFT + i * group_w + (group_w - bar_w * len(keys)) / 2
        for j, key in enumerate(keys):
            h = plot_h * _number(row.get(key)) / top
            alert = chart.alert_key is not None and bool(row.get(chart.alert_key))
            fill = ALERT if alert else COLOURS[j % len(COLOURS)]
            parts.append(
                f'<rect x="{x0 + j * bar_w:.1f}" y="{TOP + plot_h - h:.1f}" '
                f'width="{bar_w - 1:.1f}" height="{h:.1f}" fill="{fill}"><title>'
                f"{escape(row.get(chart.label_key))} · {escape(labels.get(key, key))}: "
                f"{escape(row.get(key))}</title></rect>"
            )
        if chart.marker_key and row.get(chart.marker_key) is not None:
            y = TOP + plot_h - plot_h * _number(row.get(chart.marker_key)) / top
            parts.append(
                f'<line x1="{x0 - 2:.1f}" x2="{x0 + bar_w * len(keys) + 1:.1f}" y1="{y:.1f}" '
                f'y2="{y:.1f}" stroke="#1d2733" stroke-width="2"/>'
            )
        label = str(row.get(chart.label_key, ""))
        short = label if len(label) <= 14 else label[:13] + "…"
        parts.append(
            f'<text x="{LEFT + (i + 0.5) * group_w:.1f}" y="{TOP + plot_h + 13}" font-size="9" '
            f'text-anchor="middle" fill="#1d2733">{escape(short)}</text>'
        )
    legend_x: float = LEFT
    legend = [(COLOURS[j % len(COLOURS)], labels.get(k, k)) for j, k in enumerate(keys)]
    if chart.marker_key:
        legend.append(("#1d2733", labels.get(chart.marker_key, chart.marker_key)))
    for colour, name in legend:
        parts.append(
            f'<rect x="{legend_x:.0f}" y="{HEIGHT + 2}" width="10" height="10" fill="{colour}"/>'
            f'<text x="{legend_x + 14:.0f}" y="{HEIGHT + 11}" font-size="10" fill="#1d2733">'
            f"{escape(name)}</text>"
        )
        legend_x += 24 + _text_width(str(name))
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text above is escaped
