from datetime import date
from decimal import Decimal

import pytest

from hotline.core.spreadsheet import safe_cell, safe_row


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@A1", "\t=1", "\r=1"])
def test_text_that_a_spreadsheet_reads_as_a_formula_gets_an_apostrophe(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["Ivan", "", "1-2", "a=b", None, -5, -0.5, Decimal("-1"), True])
def test_other_text_and_every_number_stay_as_they_are(value):
    assert safe_cell(value) == value


def test_a_row_is_made_safe_cell_by_cell():
    assert safe_row(["=x", 3, date(2026, 1, 1)]) == ["'=x", 3, date(2026, 1, 1)]
