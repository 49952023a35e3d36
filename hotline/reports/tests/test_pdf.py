"""The report PDFs in Chinese and Russian embed their fonts (Noto CJK, Noto/DejaVu Cyrillic).

The PDFs are kept in var/reports/ for people to look at (`pdftoppm -png -r 60`)."""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.utils import translation

from hotline.reports.exports import as_pdf
from hotline.reports.selectors import monthly_report, weekly_report
from hotline.reports.tests.test_floor_reports import MONDAY
from hotline.reports.tests.test_floor_reports import monday as monday
from hotline.reports.tests.test_monthly import NOW, OCTOBER
from hotline.reports.tests.test_monthly import october as october
from hotline.reports.tests.test_monthly import planted as planted

pytestmark = pytest.mark.django_db
KEEP = Path(__file__).resolve().parents[3] / "var" / "reports"


def fonts(pdf: bytes, path: Path) -> str:
    path.write_bytes(pdf)
    if shutil.which("pdffonts") is None:
        pytest.skip("poppler-utils not installed")
    return subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout


@pytest.mark.parametrize(("language", "font"), [("zh-hans", "CJK"), ("ru", "Noto"), ("en", "Noto")])
def test_d13_monthly_pdf_embeds_the_fonts_of_its_language(
    centre, october, planted, language, font
) -> None:  # type: ignore[no-untyped-def]
    KEEP.mkdir(parents=True, exist_ok=True)
    with translation.override(language):
        report, _ = monthly_report(centre["manager"], OCTOBER, NOW)
        pdf = as_pdf(report)
    listing = fonts(pdf, KEEP / f"monthly-{language}.pdf")
    assert font in listing
    embedded = [line for line in listing.splitlines()[2:] if line.strip()]
    assert embedded
    assert all(" yes " in line for line in embedded)


def test_d15_weekly_pdf(centre, monday) -> None:  # type: ignore[no-untyped-def]
    KEEP.mkdir(parents=True, exist_ok=True)
    with translation.override("bg"):
        pdf = as_pdf(weekly_report(centre["lead"], MONDAY, NOW))
    assert "Noto" in fonts(pdf, KEEP / "weekly-bg.pdf")
