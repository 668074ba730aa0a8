"""Grid over an .xlsx/.xlsm file through openpyxl (reads formulas, writes blocks, saves atomically)."""
from __future__ import annotations

import zipfile
import zlib
from copy import copy
from pathlib import Path
from typing import Any, Sequence

from renja_xl.domain.errors import WorkbookError
from renja_xl.domain.formula import Formula, Text
from renja_xl.workbook.grid import Block, Heights
from renja_xl.support.memory import paused_gc
from renja_xl.fileio.files import check_cells, check_extent, check_workbook_file, file_stamp, save_book


EXCEL_CELL_CHARS = 32_767


class OpenpyxlBook:
    reads_formulas = True

    def __init__(self, path: str | Path, workbook=None):
        self.path = Path(path)
        self.stamp = None  # the file as read (a save over it refuses when another program changed it meanwhile)
        if workbook is None:
            self.stamp = file_stamp(self.path)
            workbook = load(self.path)
        self.wb = workbook

    def sheet_names(self) -> list[str]:
        return list(self.wb.sheetnames)

    def _ws(self, sheet: str):
        if sheet not in self.wb.sheetnames:
            raise WorkbookError(f"sheet '{sheet}' tidak ada di buku kerja '{self.path.name}'.")
        return self.wb[sheet]

    def read(self, sheet: str) -> Block:
        """The block A1:(max_row, max_column), as `iter_rows(values_only=True)` gives it.

        Built from the sheet's cell dictionary instead: iter_rows calls ws.cell() for every position (and
        creates a Cell object for each empty one), which is 3-4x slower on a large sheet.
        """
        ws = self._ws(sheet)
        if ws._current_row == 0:  # iter_rows' own test for a sheet without cells
            return []
        cells = ws._cells
        width, height = ws.max_column, ws.max_row  # each scans every cell: once
        check_extent(sheet, height, width, self.path)
        block: Block = [[None] * width for _ in range(height)]
        for (r, c), cell in cells.items():
            value = cell._value
            if value is not None:
                if value.__class__ is str and value.startswith("=") and cell.data_type != "f":
                    value = Text(value)  # a text cell, not a formula: written back as text
                block[r - 1][c - 1] = value
        return block

    def write(self, sheet: str, row: int, col: int, values: Sequence[Sequence[Any]]) -> None:
        ws = self._ws(sheet)
        styles = _column_styles(ws)
        cells = ws._cells
        for i, line in enumerate(values):
            r = row + i
            for j, value in enumerate(line):
                c = col + j
                cell = cells.get((r, c))
                if cell is None:
                    if value is None:
                        continue  # nothing to clear: an empty cell of a wide row makes no cell object (nor XML)
                    cell = ws.cell(row=r, column=c)
                if c in styles and not cell.has_style:
                    cell._style = copy(styles[c])  # a new cell takes its column's format and lock
                if isinstance(value, str) and not isinstance(value, Formula) and (
                        isinstance(value, Text) or len(value) > EXCEL_CELL_CHARS):
                    # openpyxl's setter makes '=...' a formula and cuts text at 32,767 characters: text stays
                    # text and whole (the reader reports a longer one)
                    cell._value, cell.data_type = str(value), "s"
                else:
                    cell.value = value

    def clear(self, sheet: str, row: int, col: int, nrows: int, ncols: int) -> None:
        ws = self._ws(sheet)
        max_row = ws.max_row
        for r in range(row, min(row + nrows, max_row + 1)):
            for c in range(col, col + ncols):
                ws.cell(row=r, column=c).value = None

    def set_row_heights(self, sheet: str, first_row: int, heights: Heights) -> int:
        dims = self._ws(sheet).row_dimensions
        if callable(heights):
            heights = heights()
        changed = 0
        for i, h in enumerate(heights):
            r = first_row + i
            if h is None:
                if r in dims and dims[r].ht is not None:
                    dims[r].ht = None
                    changed += 1
            elif r not in dims or dims[r].ht != h:
                dims[r].ht = h
                changed += 1
        return changed

    def merged(self, sheet: str) -> list[tuple[int, int, int, int]]:
        return [(m.min_row, m.min_col, m.max_row, m.max_col) for m in self._ws(sheet).merged_cells.ranges]

    def ensure_sheet(self, sheet: str) -> bool:
        if sheet in self.wb.sheetnames:
            return False
        self.wb.create_sheet(sheet)
        return True

    def save(self, target: str | Path | None = None, keep_backup: bool = True) -> Path | None:
        """Save atomically (to `target`, default the file it came from); returns the backup path."""
        def save(tmp: Path) -> None:
            with paused_gc():
                self.wb.save(tmp)

        # a file Excel holds open (or a read-only one) becomes one Indonesian line in atomic_save
        backup, self.stamp = save_book(self.path, self.stamp, target, save, keep_backup)
        return backup


def load(path: Path):
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    check_workbook_file(path)
    _check_sheet_sizes(path)
    try:
        with paused_gc():
            wb = openpyxl.load_workbook(path, keep_vba=path.suffix.lower() == ".xlsm")
        _finish_vba_archive(wb)
        return wb
    # SyntaxError: a sheet's XML cut short (ElementTree's ParseError and lxml's XMLSyntaxError derive from it)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError, SyntaxError) as exc:
        raise WorkbookError(f"berkas '{path.name}' tidak dapat dibaca sebagai buku kerja Excel ({exc}).") from exc


def _finish_vba_archive(wb) -> None:
    """openpyxl keeps the macro parts in a ZipFile open for appending on a BytesIO; left so, its __del__ writes
    to a buffer already freed at exit ("Exception ignored in: ZipFile.__del__" on stderr). Close it now and keep
    a read-only archive over the same bytes (all that saving needs)."""
    archive = wb.vba_archive
    if archive is None:
        return
    buffer = archive.fp
    archive.close()
    wb.vba_archive = zipfile.ZipFile(buffer)
def _check_sheet_sizes(path: Path) -> None:
    """Rows and cells of every sheet bounded before openpyxl builds an object for each (a Tabel 6 of a million
    rows would exhaust memory inside load_workbook); a part that inflates beyond its declared size refused, as
    the fast reader refuses it."""
    from renja_xl.fileio.sheet_extent import count_tags, sheet_parts

    from renja_xl.fileio.zip_members import check_members

    try:
        with zipfile.ZipFile(path) as zf:
            parts = sheet_parts(zf)
            check_members(zf, skip=parts.values())
            for name, part in parts.items():
                if part in zf.NameToInfo:
                    rows, cells = count_tags(zf, part)
                    check_extent(name, rows, 1, path, exact=False)
                    check_cells(name, cells, path)
    except (KeyError, OSError, zipfile.BadZipFile, zlib.error, EOFError):
        return  # a damaged file: load_workbook below says so


def _column_styles(ws) -> dict:
    """Column index -> the style a template column carries (number format, protection, alignment)."""
    from openpyxl.utils import column_index_from_string

    out = {}
    for letter, dim in ws.column_dimensions.items():
        if dim.has_style:
            for idx in range(column_index_from_string(letter), (dim.max or column_index_from_string(letter)) + 1):
                out[idx] = dim._style
    return out


def new_book(path: str | Path, sheets: Sequence[str]) -> OpenpyxlBook:
    """An empty workbook with these sheets, in this order (a report such as a nomenklatur diff)."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = sheets[0]
    for name in sheets[1:]:
        wb.create_sheet(name)
    return OpenpyxlBook(path, wb)
