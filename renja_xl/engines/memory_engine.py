"""A Grid held in memory: sheets as lists of rows. For unit tests and for callers that build a workbook's cells
before an engine writes them; it behaves as the file engines do (1-based blocks, formulas kept as text)."""
from __future__ import annotations

from typing import Any, Sequence

from renja_xl.domain.errors import WorkbookError
from renja_xl.workbook.grid import Block


class MemoryGrid:
    reads_formulas = True  # it returns what was written, formulas included

    def __init__(self, sheets: dict[str, Block] | None = None,
                 merged: dict[str, list[tuple[int, int, int, int]]] | None = None):
        self.sheets: dict[str, Block] = {name: [list(r) for r in rows] for name, rows in (sheets or {}).items()}
        self._merged = {name: list(ranges) for name, ranges in (merged or {}).items()}

    def sheet_names(self) -> list[str]:
        return list(self.sheets)

    def _rows(self, sheet: str) -> Block:
        try:
            return self.sheets[sheet]
        except KeyError:
            raise WorkbookError(f"sheet '{sheet}' tidak ada di buku kerja.") from None

    def read(self, sheet: str) -> Block:
        rows = self._rows(sheet)
        last = max((i + 1 for i, r in enumerate(rows) if any(v is not None for v in r)), default=0)
        width = max((j + 1 for r in rows[:last] for j, v in enumerate(r) if v is not None), default=0)
        return [[(r[j] if j < len(r) else None) for j in range(width)] for r in rows[:last]]

    def write(self, sheet: str, row: int, col: int, values: Sequence[Sequence[Any]]) -> None:
        rows = self._rows(sheet)
        for i, line in enumerate(values):
            r = row - 1 + i
            while len(rows) <= r:
                rows.append([])
            target = rows[r]
            need = col - 1 + len(line)
            if len(target) < need:
                target.extend([None] * (need - len(target)))
            target[col - 1:need] = list(line)

    def clear(self, sheet: str, row: int, col: int, nrows: int, ncols: int) -> None:
        self.write(sheet, row, col, [[None] * ncols for _ in range(nrows)])

    def merged(self, sheet: str) -> list[tuple[int, int, int, int]]:
        self._rows(sheet)
        return list(self._merged.get(sheet, []))

    def ensure_sheet(self, sheet: str) -> bool:
        if sheet in self.sheets:
            return False
        self.sheets[sheet] = []
        return True
