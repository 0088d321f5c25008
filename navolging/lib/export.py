"""Spreadsheet-safe cells for every export (SECURITY R14): the follow-up library's CSV, the
dashboard's Excel and CSV. One helper, so no export forgets it."""

from __future__ import annotations

#: A cell starting with one of these is run as a formula by Excel or LibreOffice.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """The value as text; one a spreadsheet would run ("=HYPERLINK(...)", "@SUM(...)") gets a
    leading apostrophe, so it is shown as the text it is."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
