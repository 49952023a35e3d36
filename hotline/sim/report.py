"""The summary for people: one self-contained HTML page with an inline SVG chart."""

from __future__ import annotations

import math
from html import escape
from typing import Any

KPI_LABELS = (
    ("service_level", "Service level", "pct"),
    ("service_level_answered", "Service level (answered calls)", "pct"),
    ("asa_seconds", "Average speed of answer", "s"),
    ("mean_wait_seconds", "Mean wait, every caller", "s"),
    ("abandonment_rate", "Abandonment", "pct"),
    ("aht_seconds", "Average handle time", "s"),
    ("occupancy", "Occupancy", "pct"),
    ("transfer_rate", "Transfers (A4)", "pct"),
    ("overflow_rate", "Overflowed at the maximum wait (A2)", "pct"),
    ("callback_rate", "Turned into callbacks (A2/B8)", "pct"),
)


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    return f"{value * 100:.2f} %" if unit == "pct" else f"{value:.1f} s"


LABEL_WIDTH = 40


def chart(rows: list[dict[str, Any]], width: int = 760, height: int = 220) -> str:
    """Calls offered per interval (bars) and the service level (line, right-hand scale)."""
    if not rows:
        return ""
    left, right, top, bottom = 48, 48, 12, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    most = max(r["offered"] for r in rows) or 1
    step = plot_w / len(rows)
    label_every = math.ceil(LABEL_WIDTH / step)  # "08:30" needs about 40 px
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="Calls and service level '
        'per interval">',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" '
        'stroke="#888"/>',
        f'<text x="4" y="{top + 10}" font-size="11">{most:,}</text>',
        f'<text x="4" y="{top + plot_h}" font-size="11">0</text>',
        f'<text x="{left + plot_w + 4}" y="{top + 10}" font-size="11">100 %</text>',
        f'<text x="{left + plot_w + 4}" y="{top + plot_h}" font-size="11">0 %</text>',
    ]
    points = []
    for i, row in enumerate(rows):
        x = left + i * step
        h = plot_h * row["offered"] / most
        parts.append(
            f'<rect x="{x + 1:.1f}" y="{top + plot_h - h:.1f}" width="{max(step - 2, 1):.1f}" '
            f'height="{h:.1f}" fill="#9cc3e6"><title>{escape(row["interval"])}: '
            f"{row['offered']} calls</title></rect>"
        )
        if i % label_every == 0:
            parts.append(
                f'<text x="{x + step / 2:.1f}" y="{height - 8}" font-size="11" '
                f'text-anchor="middle">{escape(row["interval"])}</text>'
            )
        if row["service_level"] is not None:
            y = top + plot_h * (1 - row["service_level"])
            points.append(f"{x + step / 2:.1f},{y:.1f}")
    if points:
        parts.append(
            f'<polyline points="{" ".join(points)}" fill="none" stroke="#c0392b" stroke-width="2"/>'
        )
    parts.append("</svg>")
    return "".join(parts)


def html_report(summary: dict[str, Any], *, log_rows: int = 300) -> str:
    kpis = summary["kpis"]
    rows = []
    for key, label, unit in KPI_LABELS:
        k = kpis.get(key)
        if not k:
            continue
        low, high = k["ci95"]
        ci = f"{_fmt(low, unit)} – {_fmt(high, unit)}" if low is not None else "–"
        rows.append(
            f"<tr><td>{escape(label)}</td><td>{_fmt(k['value'], unit)}</td><td>{ci}</td></tr>"
        )
    counts = "".join(
        f"<tr><td>{escape(name.replace('_', ' '))}</td><td>{value:,}</td></tr>"
        for name, value in summary["counts"].items()
    )
    refusals = (
        "".join(
            f"<tr><td>{escape(rule)}</td><td>{n:,}</td></tr>"
            for rule, n in summary["refusals_by_rule"].items()
        )
        or '<tr><td colspan="2">none</td></tr>'
    )
    intervals = "".join(
        "<tr>"
        + "".join(
            f"<td>{escape(str(v)) if v is not None else '–'}</td>"
            for v in (
                r["interval"],
                r["offered"],
                r["answered"],
                r["abandoned"],
                _fmt(r["service_level"], "pct"),
                r["asa_seconds"],
            )
        )
        + "</tr>"
        for r in summary["intervals"]
    )
    log = "".join(
        f"<tr><td>{entry['at']:.0f}</td><td>{escape(str(entry['action']))}</td>"
        f"<td>{escape(str(entry.get('rule', '')))}</td>"
        f"<td>{escape(str(entry.get('agent', '')))}</td>"
        f"<td>{escape(str(entry.get('detail', '')))}</td></tr>"
        for entry in summary["decision_log"][:log_rows]
    )
    title = escape(summary["scenario"])
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Simulation: {title}</title>
<style>
body {{ font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; }}
table {{ border-collapse: collapse; margin: 0 0 1.5em; }}
td, th {{ border: 1px solid #ccc; padding: 3px 8px; text-align: left; }}
th {{ background: #f3f3f3; }}
</style></head><body>
<h1>Simulation: {title}</h1>
<p>Mode: {escape(summary["mode"])} · {summary["replications"]} replication(s) ·
{summary["duration_seconds"] / 86400:g} day(s) from {escape(summary["start"])} · 95 % intervals
from {escape(summary["ci_from"])} · service level within
{summary["service_level_threshold_seconds"]:g} s.</p>
<h2>Wallboard KPIs</h2>
<table><tr><th>KPI</th><th>Value</th><th>95 % interval</th></tr>{"".join(rows)}</table>
<h2>Calls and service level per interval of the day</h2>
{chart(summary["intervals"])}
<table><tr><th>Interval</th><th>Offered</th><th>Answered</th><th>Abandoned</th>
<th>Service level</th><th>ASA (s)</th></tr>{intervals}</table>
<h2>Counts</h2><table>{counts}</table>
<h2>Refusals by rule</h2><table><tr><th>Rule</th><th>Refusals</th></tr>{refusals}</table>
<h2>Decision log (first {log_rows})</h2>
<table><tr><th>Second</th><th>Action</th><th>Rule</th><th>Agent</th><th>Detail</th></tr>
{log}</table>
</body></html>
"""
