"""A1-style cell references, without any spreadsheet library."""
from __future__ import annotations


def column_letter(index: int) -> str:
    """1 -> A, 27 -> AA."""
    letters = ""
    while index > 0:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cell_ref(row: int, col: int) -> str:
    """1-based row and column -> 'B12'."""
    return f"{column_letter(col)}{row}"


def is_blank(value: object) -> bool:
    """A cell that holds nothing: empty, or a text of spaces only."""
    return value is None or (isinstance(value, str) and value.strip() == "")
