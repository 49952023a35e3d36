"""Inline SVG bar charts of report tables: no JavaScript, no build step, and WeasyPrint draws
them in the PDF exactly as the browser does.

Groups of bars stand side by side when every row's label fits under its group (days, kinds);
when one would not (provider, agent and fault-category names), the chart turns on its side:
names in a column on the left, bars to the right, so no name is cut (issue 17)."""

from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from hotline.core.axis import axis_ticks
from hotline.reports.tables import Chart, Section

ALERT = "#b3261e"
INK, GRID, MUTED = "#1d2733", "#e3e7ec", "#5b6776"
COLOURS = ("#2f6db5", "#3b9c6b", "#d0663a", "#8a5fb8", "#b59a2f")
WIDTH, HEIGHT = 640, 220
LEFT, BOTTOM, TOP = 44, 44, 14
FONT = 10  # label size in the 640-wide drawing
NAME_COLUMN = 190  # the widest the name column of a chart on its side gets
BAR = 11  # a bar's thickness on its side
MAX_ROWS = 24


def _number(value: Any) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0


def _text_width(text: str, size: float = FONT) -> float:
    # Wide (CJK) glyphs take about a full em, Latin and Cyrillic about 0.6.
    return sum(size if ord(ch) >= 0x2E80 else 0.6 * size for ch in text)


def _fit_lines(text: str, width: float, lines: int = 2) -> list[str]:
    """The text in up to ``lines`` lines of ``width``, broken between words; what still does
    not fit ends in "…" (the full text is in the label's <title>)."""
    words, out, line = text.split(), [], ""
    for word in words:
        candidate = f"{line} {word}".strip()
        if _text_width(candidate) <= width or not line:
            line = candidate
        else:
            out.append(line)
            line = word
    out.append(line)
    if len(out) > lines:
        out = [*out[: lines - 1], " ".join(out[lines - 1 :])]
    last = out[-1]
    if _text_width(last) > width:
        while last and _text_width(last + "…") > width:
            last = last[:-1]
        out[-1] = last.rstrip() + "…"
    return out


def _tick_text(value: float, percent: bool) -> str:
    if percent:
        return f"{100 * value:.0f}%"
    return f"{value:,.0f}" if value == int(value) else f"{value:g}"


def _scale(section: Section, rows: list[dict[str, Any]]) -> list[float]:
    chart = section.chart
    assert chart is not None
    values = [_number(r.get(k)) for r in rows for k in chart.value_keys]
    values += [_number(r.get(chart.marker_key)) for r in rows] if chart.marker_key else []
    kinds = {c.key: c.kind for c in section.columns}
    whole = not chart.percent and all(kinds.get(k) == "int" for k in chart.value_keys)
    return axis_ticks(max([*values, 0.0]), whole=whole)


def _bar_title(chart: Chart, row: dict[str, Any], label: Any, key: str) -> str:
    name = escape(row.get(chart.label_key))
    return f"<title>{name} · {escape(label)}: {escape(row.get(key))}</title>"


def _legend(section: Section, y: float, x: float) -> list[str]:
    chart = section.chart
    assert chart is not None
    labels = {c.key: c.label for c in section.columns}
    legend = [(COLOURS[j % len(COLOURS)], labels.get(k, k)) for j, k in enumerate(chart.value_keys)]
    if chart.marker_key:
        legend.append((INK, labels.get(chart.marker_key, chart.marker_key)))
    parts = []
    for colour, name in legend:
        parts.append(
            f'<rect x="{x:.0f}" y="{y:.0f}" width="10" height="10" fill="{colour}"/>'
            f'<text x="{x + 14:.0f}" y="{y + 9:.0f}" font-size="{FONT}" fill="{INK}">'
            f"{escape(name)}</text>"
        )
        x += 24 + _text_width(str(name))
    return parts


def _open(section: Section, height: float) -> str:
    return (
        f'<svg class="chart" role="img" viewBox="0 0 {WIDTH} {height:.0f}" width="100%" '
        f'xmlns="http://www.w3.org/2000/svg" aria-label="{escape(section.title)}" '
        f'font-family="Noto Sans, Noto Sans CJK SC, DejaVu Sans, sans-serif">'
    )


def bar_chart(section: Section) -> SafeString:
    """Grouped bars, one group per row; a dark tick marks the marker column (target, usual)."""
    if section.chart is None or not section.rows:
        return mark_safe("")
    rows = section.rows[:MAX_ROWS]
    keys = [*section.chart.value_keys, section.chart.marker_key or ""]
    if not any(_number(row.get(key)) for row in rows for key in keys if key):
        return mark_safe("")  # all zero: no bar to draw (an empty month); the table says 0
    group_w = (WIDTH - LEFT - 8) / len(rows)
    names = [str(r.get(section.chart.label_key, "")) for r in rows]
    if all(_text_width(name) <= group_w - 6 for name in names):
        return _upright(section, rows)
    return _on_its_side(section, rows)


def _upright(section: Section, rows: list[dict[str, Any]]) -> SafeString:
    chart = section.chart
    assert chart is not None
    keys = chart.value_keys
    ticks = _scale(section, rows)
    top = ticks[-1]
    plot_w, plot_h = WIDTH - LEFT - 8, HEIGHT - BOTTOM - TOP
    group_w = plot_w / len(rows)
    bar_w = max(2.0, min(28.0, (group_w - 6) / len(keys)))
    labels = {c.key: c.label for c in section.columns}
    parts = [_open(section, HEIGHT + 18)]
    for value in ticks:
        y = TOP + plot_h - plot_h * value / top
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - 8}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>'
            f'<text x="{LEFT - 4}" y="{y + 3:.1f}" font-size="{FONT - 1}" text-anchor="end" '
            f'fill="{MUTED}">{_tick_text(value, chart.percent)}</text>'
        )
    parts.append(f'<line x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{TOP + plot_h}" stroke="{MUTED}"/>')
    for i, row in enumerate(rows):
        x0 = LEFT + i * group_w + (group_w - bar_w * len(keys)) / 2
        for j, key in enumerate(keys):
            h = plot_h * _number(row.get(key)) / top
            alert = chart.alert_key is not None and bool(row.get(chart.alert_key))
            fill = ALERT if alert else COLOURS[j % len(COLOURS)]
            parts.append(
                f'<rect x="{x0 + j * bar_w:.1f}" y="{TOP + plot_h - h:.1f}" '
                f'width="{bar_w - 1:.1f}" height="{h:.1f}" fill="{fill}">'
                f"{_bar_title(chart, row, labels.get(key, key), key)}</rect>"
            )
        if chart.marker_key and row.get(chart.marker_key) is not None:
            y = TOP + plot_h - plot_h * _number(row.get(chart.marker_key)) / top
            parts.append(
                f'<line x1="{x0 - 2:.1f}" x2="{x0 + bar_w * len(keys) + 1:.1f}" y1="{y:.1f}" '
                f'y2="{y:.1f}" stroke="{INK}" stroke-width="2"/>'
            )
        parts.append(
            f'<text x="{LEFT + (i + 0.5) * group_w:.1f}" y="{TOP + plot_h + 14}" '
            f'font-size="{FONT}" text-anchor="middle" fill="{INK}">'
            f"{escape(row.get(chart.label_key, ''))}</text>"
        )
    parts += _legend(section, HEIGHT + 2, LEFT)
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text above is escaped


def _on_its_side(section: Section, rows: list[dict[str, Any]]) -> SafeString:
    """Names in a column on the left (wrapped to two lines, "…" and the full name in a <title>
    beyond that), bars to the right along a value axis drawn below them."""
    chart = section.chart
    assert chart is not None
    keys = chart.value_keys
    ticks = _scale(section, rows)
    top = ticks[-1]
    names = [str(r.get(chart.label_key, "")) for r in rows]
    column = min(NAME_COLUMN, max(_text_width(name) for name in names) + 4)
    left, right = column + 12, WIDTH - 16
    plot_w = right - left
    band = max(2 * FONT + 8, len(keys) * BAR + 8)  # room for two lines of name
    plot_h = band * len(rows)
    labels = {c.key: c.label for c in section.columns}
    parts = [_open(section, TOP + plot_h + 26 + 22)]
    for value in ticks:
        x = left + plot_w * value / top
        parts.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{TOP}" y2="{TOP + plot_h}" stroke="{GRID}"/>'
            f'<text x="{x:.1f}" y="{TOP + plot_h + 13}" font-size="{FONT - 1}" '
            f'text-anchor="middle" fill="{MUTED}">{_tick_text(value, chart.percent)}</text>'
        )
    parts.append(f'<line x1="{left}" x2="{left}" y1="{TOP}" y2="{TOP + plot_h}" stroke="{MUTED}"/>')
    for i, row in enumerate(rows):
        y0 = TOP + i * band + (band - len(keys) * BAR) / 2
        for j, key in enumerate(keys):
            w = plot_w * _number(row.get(key)) / top
            alert = chart.alert_key is not None and bool(row.get(chart.alert_key))
            fill = ALERT if alert else COLOURS[j % len(COLOURS)]
            parts.append(
                f'<rect x="{left}" y="{y0 + j * BAR:.1f}" width="{w:.1f}" height="{BAR - 1}" '
                f'fill="{fill}">{_bar_title(chart, row, labels.get(key, key), key)}</rect>'
            )
        if chart.marker_key and row.get(chart.marker_key) is not None:
            x = left + plot_w * _number(row.get(chart.marker_key)) / top
            parts.append(
                f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{y0 - 2:.1f}" '
                f'y2="{y0 + BAR * len(keys) + 1:.1f}" stroke="{INK}" stroke-width="2"/>'
            )
        lines = _fit_lines(names[i], column)
        first = TOP + i * band + band / 2 - (len(lines) - 1) * (FONT + 2) / 2 + FONT * 0.35
        spans = "".join(
            f'<tspan x="{column + 4:.0f}" y="{first + n * (FONT + 2):.1f}">{escape(line)}</tspan>'
            for n, line in enumerate(lines)
        )
        parts.append(
            f'<text font-size="{FONT}" text-anchor="end" fill="{INK}">'
            f"<title>{escape(names[i])}</title>{spans}</text>"
        )
    parts += _legend(section, TOP + plot_h + 26, left)
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text above is escaped
