"""The same report as PDF (WeasyPrint, Noto fonts embedded), XLSX, CSV and JSON."""

import csv
import io
import json
from typing import Any
from zoneinfo import ZoneInfo

from django.template.loader import render_to_string
from django.utils import translation

from hotline.core.spreadsheet import safe_row
from hotline.reports.charts import bar_chart
from hotline.reports.tables import Column, Report

FORMATS = ("pdf", "xlsx", "csv", "json")
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "html": "text/html; charset=utf-8",
}


def display(value: Any, column: Column) -> str:
    """How a cell reads on the page and in the PDF."""
    if value is None:
        return "—"
    if column.kind == "share":
        return f"{100 * value:.1f} %"
    if column.kind == "bool":
        return "●" if value else ""
    if isinstance(value, float):
        return (
            f"{value:.3g}"
            if abs(value) < 0.01 and value
            else f"{value:,.2f}".rstrip("0").rstrip(".")
        )
    if isinstance(value, int):
        return f"{value:,}".replace(",", "\u202f")
    return str(value)


def filename(report: Report, fmt: str) -> str:
    return f"hotline-{report.kind}-{report.period_label}.{fmt}"


def as_json(report: Report) -> bytes:
    data = {
        "report": report.kind,
        "rule": report.rule,
        "period": report.period_label,
        # Times in the centre's zone with its offset, as the pages show them.
        "start": report.start.astimezone(ZoneInfo(report.zone)).isoformat(),
        "end": report.end.astimezone(ZoneInfo(report.zone)).isoformat(),
        "scope": str(report.scope),
        "generated_at": report.generated_at.astimezone(ZoneInfo(report.zone)).isoformat(),
        "sections": {
            s.key: {
                "title": str(s.title),
                "rule": s.rule,
                "columns": {c.key: str(c.label) for c in s.columns},
                "rows": [{c.key: row.get(c.key) for c in s.columns} for row in s.rows],
            }
            for s in report.sections
        },
    }
    return json.dumps(data, ensure_ascii=False, indent=1).encode()


def as_csv(report: Report) -> bytes:
    """One file: a title line per section, its header, its rows, a blank line."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(safe_row([str(report.title), report.period_label, str(report.scope)]))
    for section in report.sections:
        writer.writerow([])
        writer.writerow(safe_row([f"{section.rule} {section.title}"]))
        writer.writerow(safe_row([str(c.label) for c in section.columns]))
        for row in section.rows:
            writer.writerow(
                safe_row(
                    ["" if row.get(c.key) is None else row.get(c.key) for c in section.columns]
                )
            )
    return ("\ufeff" + out.getvalue()).encode()  # the BOM makes spreadsheets read UTF-8


# A column is as wide as its widest cell (a provider's whole name), within reason.
MIN_WIDTH, MAX_WIDTH = 8, 60


def _column_width(sheet: Any, index: int) -> int:
    """Characters: the header's and every value's text below it (the title row spans columns)."""
    texts = (
        str(cell.value) for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index)
    )
    widest = max((len(text) for text in texts), default=0)
    return max(MIN_WIDTH, min(MAX_WIDTH, widest + 2))


def as_xlsx(report: Report) -> bytes:
    """One sheet per section, shares as percentages, the header frozen."""
    from openpyxl import Workbook  # type: ignore[import-untyped]
    from openpyxl.styles import Font  # type: ignore[import-untyped]

    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    for section in report.sections:
        title = str(section.title)[:28].translate(str.maketrans("[]:*?/\\", "       "))
        while title in used:
            title = title[:26] + str(len(used))
        used.add(title)
        sheet = book.create_sheet(title)
        sheet.append(safe_row([f"{section.rule} · {section.title} · {report.period_label}"]))
        sheet["A1"].font = Font(bold=True)
        sheet.append(safe_row([str(c.label) for c in section.columns]))
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in section.rows:
            sheet.append(safe_row([row.get(c.key) for c in section.columns]))
        for index, column in enumerate(section.columns, start=1):
            letter = sheet.cell(row=2, column=index).column_letter
            sheet.column_dimensions[letter].width = _column_width(sheet, index)
            if column.kind == "share":
                for cells in sheet.iter_rows(min_row=3, min_col=index, max_col=index):
                    cells[0].number_format = "0.0%"
        sheet.freeze_panes = "A3"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def html_document(report: Report) -> str:
    return render_to_string(
        "reports/document.html",
        {
            "report": report,
            "sections": table_context(report),
            "language": translation.get_language(),
        },
    )


def as_pdf(report: Report) -> bytes:
    from weasyprint import HTML  # type: ignore[import-untyped]  # heavy: only when asked

    pdf = HTML(string=html_document(report)).write_pdf()
    assert isinstance(pdf, bytes)
    return pdf


def table_context(report: Report) -> list[dict[str, Any]]:
    """What the templates walk: each section with its cells already displayed and its chart."""
    return [
        {
            "section": s,
            "chart": bar_chart(s),
            "rows": [
                [
                    {
                        "text": display(row.get(c.key), c),
                        "kind": c.kind,
                        "alert": c.kind == "bool" and row.get(c.key),
                    }
                    for c in s.columns
                ]
                for row in s.rows
            ],
        }
        for s in report.sections
    ]


def render(report: Report, fmt: str) -> bytes:
    return {"pdf": as_pdf, "xlsx": as_xlsx, "csv": as_csv, "json": as_json}[fmt](report)
