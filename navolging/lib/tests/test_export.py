"""navolging.lib.export.safe_cell: the one formula escape of every export (SECURITY R14)."""

from __future__ import annotations

import pytest

from navolging.lib.export import FORMULA_STARTS, safe_cell


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_a_cell_a_spreadsheet_would_run_gets_an_apostrophe(start):
    assert safe_cell(f'{start}HYPERLINK("http://x")') == f'\'{start}HYPERLINK("http://x")'


@pytest.mark.parametrize(
    ("value", "expected"),
    [("Team Balie", "Team Balie"), (None, ""), (12, "12"), ("a=b", "a=b"), ("", "")],
)
def test_other_values_stay_as_they_are(value, expected):
    assert safe_cell(value) == expected
