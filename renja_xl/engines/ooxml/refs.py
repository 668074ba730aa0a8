"""A1 references and ranges as SpreadsheetML writes them (no '$', no sheet)."""
from __future__ import annotations

import re
from typing import Callable

MAX_ROW = 1_048_576
_REF = re.compile(r"\$?([A-Z]{1,3})\$?([0-9]+)")
_LETTERS: dict[str, int] = {}


def col_index(letters: str) -> int:
    n = _LETTERS.get(letters)
    if n is None:
        n = 0
        for ch in letters:
            n = n * 26 + ord(ch) - 64
        _LETTERS[letters] = n
    return n


class _ColumnsOfBytes(dict):
    """Column letters as the XML holds them (b"AF") -> 1-based index, each computed once: the sheet scans meet
    the same few letters millions of times."""

    def __missing__(self, letters: bytes) -> int:
        index = self[letters] = col_index(letters.decode())
        return index


col_index_of_bytes: Callable[[bytes], int] = _ColumnsOfBytes().__getitem__

_COLS: list[str] = [""]


def col_letter(n: int) -> str:
    while len(_COLS) <= n:
        i, letters = len(_COLS), ""
        while i > 0:
            i, rem = divmod(i - 1, 26)
            letters = chr(65 + rem) + letters
        _COLS.append(letters)
    return _COLS[n]


def parse_range(text: str) -> tuple[int, int, int, int] | None:
    """'B4:K20' -> (4, 2, 20, 11); 'C7' -> (7, 3, 7, 3); whole rows or columns ('3:3', 'A:A') -> None."""
    parts = text.split(":")
    cells = [_REF.fullmatch(p) for p in parts]
    if len(parts) > 2 or not all(cells):
        return None
    (c1, r1), (c2, r2) = (cells[0].groups(), cells[-1].groups())
    return int(r1), col_index(c1), int(r2), col_index(c2)


def grow_ranges(sqref: str, old_last: int, growth: int) -> str:
    """Ranges of a sqref list that reach the table's last row grow with it, as when Excel inserts rows inside
    the table; ranges wholly above or below it stay, and so does a one-row range (a header row ending where
    an empty table ends)."""
    if growth <= 0:
        return sqref
    out = []
    for token in sqref.split():
        rng = parse_range(token)
        if rng is not None and rng[0] <= old_last <= rng[2] and rng[0] < rng[2] < MAX_ROW:
            r1, c1, r2, c2 = rng
            r2 = min(MAX_ROW, r2 + growth)
            token = f"{col_letter(c1)}{r1}:{col_letter(c2)}{r2}"
        out.append(token)
    return " ".join(out)


def destinations(moves: dict[int, int | None], old_last: int, new_last: int) -> Callable[[int], int | None]:
    """Where the content of an old row goes: its own row when recalc changes it in place or leaves it alone,
    the row it moved to, or None when it goes nowhere (a row removed, or a row the grown table now covers).
    What is anchored to the row (a comment, a picture, a merge) must go there too, or stay behind on other data."""
    dest = {src: r for r, src in moves.items() if src is not None}
    first, last = (min(moves), max(max(moves), old_last)) if moves else (0, -1)

    def where(x: int) -> int | None:
        if x in dest:
            return dest[x]
        if first <= x <= last:
            return None  # the row now holds another row's content, a new one, or nothing
        return None if old_last < x <= new_last else x
    return where


def any_displaced(where: Callable[[int], int | None], r1: int, r2: int) -> bool:
    return any(where(x) != x for x in range(r1, min(r2, MAX_ROW) + 1))
