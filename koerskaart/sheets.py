"""Cells for CSV files that Dutch Excel opens: text that never runs as a formula, decimal commas."""

from __future__ import annotations

# OWASP (CSV injection): a cell starting with one of these is a formula to Excel, LibreOffice
# and Google Sheets; ASVS adds NUL.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\0")


def text_cell(value: str) -> str:
    """A text cell that a spreadsheet shows as text, never runs as a formula: OWASP's leading quote.

    Only text goes through here; numbers (counts, Dutch decimals) stay numbers.
    """
    return "'" + value if value.startswith(FORMULA_START) else value


def decimal(value: float | None, places: int = 1) -> str:
    """Dutch decimal comma, so Excel in a Dutch locale reads a number, not text."""
    return "" if value is None else f"{value:.{places}f}".replace(".", ",")
