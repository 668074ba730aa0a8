"""Read-only Grid over a file through python-calamine: the fast path for validation and chapters.

calamine returns cached values (not formulas), every number as float, and ''
for an empty cell; empty cells are normalised to None here.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

from ..errors import WorkbookError
from ..grid import Block
from .files import check_workbook_file


class CalamineBook:
    def __init__(self, path: str | Path):
        from python_calamine import CalamineWorkbook

        self.path = Path(path)
        check_workbook_file(self.path)
        try:
            self.wb = CalamineWorkbook.from_path(str(self.path))
        except Exception as exc:  # calamine raises its own error types for damaged files
            raise WorkbookError(f"berkas '{self.path.name}' tidak dapat dibaca ({exc}).") from exc

    def sheet_names(self) -> list[str]:
        return list(self.wb.sheet_names)

    def read(self, sheet: str) -> Block:
        if sheet not in self.wb.sheet_names:
            raise WorkbookError(f"sheet '{sheet}' tidak ada di buku kerja '{self.path.name}'.")
        rows = self.wb.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        return [[None if v == "" else v for v in r] for r in rows]

    def write(self, sheet: str, row: int, col: int, values: Sequence[Sequence[Any]]) -> None:
        raise WorkbookError("pembaca cepat (calamine) hanya membaca; gunakan mesin openpyxl untuk menulis.")

    clear = write  # type: ignore[assignment]

    def merged(self, sheet: str) -> list[tuple[int, int, int, int]]:
        ws = self.wb.get_sheet_by_name(sheet)
        ranges = getattr(ws, "merged_cell_ranges", None) or []
        return [(a[0] + 1, a[1] + 1, b[0] + 1, b[1] + 1) for a, b in ranges]
