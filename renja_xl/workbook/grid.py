"""The one small interface through which every engine meets the core.

An engine moves whole blocks of cells: one read per sheet, one write per
block. Values are plain Python (str, int, float, bool, datetime or date, None);
formulas are strings starting with '='. Rows and columns are 1-based, as in
the spreadsheet.
"""
from __future__ import annotations

from typing import Any, Callable, Optional, Protocol, Sequence, Union, runtime_checkable

Block = list[list[Any]]


class Grid(Protocol):
    # True when read() returns formulas as '=...' (openpyxl, desktop Excel for recalc); False when it returns the
    # values last computed (calamine, xlwings' remote runtimes): then a parent's stored subtotal reads as a number.
    reads_formulas: bool

    def sheet_names(self) -> list[str]: ...

    def read(self, sheet: str) -> Block:
        """The used block of a sheet from A1, formulas as '=...' where the engine knows them."""

    def write(self, sheet: str, row: int, col: int, values: Sequence[Sequence[Any]]) -> None:
        """Write a rectangular block with its top-left cell at (row, col)."""

    def clear(self, sheet: str, row: int, col: int, nrows: int, ncols: int) -> None:
        """Empty a rectangular block."""

    def merged(self, sheet: str) -> list[tuple[int, int, int, int]]:
        """Merged ranges as (first_row, first_col, last_row, last_col)."""

    def ensure_sheet(self, sheet: str) -> bool:
        """Make sure a sheet of this name exists: add an empty one at the end of the workbook when missing.

        Returns True when the sheet was added, False when it already existed (nothing changes then).
        Used by Validasi to write its sheet into a workbook made from an older template.
        """



@runtime_checkable
class Prefetching(Protocol):
    """An engine that can start reading sheets in the background (the calamine engine, on a second core)."""

    def prefetch(self, sheets: Sequence[str], codes: Callable[[str], Any] | None = None) -> None:
        """Start reading these sheets. `codes`, when given, receives every sub kegiatan code text the engine sees
        on the way (the reader makes its Kode objects there, while the engine still parses)."""


@runtime_checkable
class ReadsInParts(Protocol):
    """An engine that can hand over a large sheet's upper rows while it still parses the lower ones (calamine,
    which parses such a sheet in two halves on two cores): the reader works on the first part meanwhile."""

    def read_in_parts(self, sheet: str, on_part: Callable[[int, Block], object]) -> Block:
        """What read(sheet) returns. On the way, on this thread, `on_part(first_row, rows)` is called with
        consecutive parts of it, in order, each as soon as it is ready (first_row: the sheet row of rows[0]; the
        first part starts at row 1). Joined, the parts are usually the block's very rows (the same lists); they
        may not be (a narrower upper half padded into copies, rows added below for formula cells), so a caller
        keeps what it made of the parts only when they are, and otherwise reads the block returned."""


# printed row heights, or a function computing them when (and only if) an engine applies them
Heights = Union[Sequence[Optional[float]], Callable[[], Sequence[Optional[float]]]]


@runtime_checkable
class SetsRowHeights(Protocol):
    """An engine that can give rows a height (openpyxl, the package writer), so that a program printing the file without laying out
    wrapped text itself (LibreOffice) does not draw lines over the next row."""

    def set_row_heights(self, sheet: str, first_row: int, heights: Heights) -> int:
        """Heights in points from `first_row` down (None: the default height), or a function giving them (an
        engine that applies heights only to the sheets it writes calls it only for those); returns how many rows
        changed."""
