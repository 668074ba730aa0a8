"""Grid over an open workbook through xlwings: desktop Excel (COM on Windows, AppleScript on macOS) and the
JSON books of xlwings' remote runtimes (xlwings Server, xlwings Lite), with one class.

Every move is a whole block, never a cell:

- ``read(sheet)`` is one ``.options(ndim=2)`` read of the block from A1 to the last used cell; with
  ``formulas=True`` on desktop Excel a second bulk read of ``.formula`` over the same block, merged so a cell
  holding a formula comes back as ``'=...'`` (what recalc needs to tell its own formulas from typed numbers).
  The remote runtimes send values only (formulas are not part of their payload), so there a formula cell
  reads as its value; ``reads_formulas`` says which one the engine delivers.
- ``write`` is one assignment of a 2-D block (one COM call, or one ``setValues`` action remotely);
  ``clear`` is one ``clear_contents`` of a rectangle.
- Protection: the workbook's sheets are protected (no password) with input columns unlocked, and desktop
  Excel refuses writes to locked cells of a protected sheet. The first write to a protected sheet unprotects
  it (noting every ``Allow...`` flag), ``finish()`` protects it again with the same flags. Call ``finish()``
  in a ``finally`` (``renja_xl.frontends.excel`` does). The remote runtimes have no protection API and write anyway.
- ``merged(sheet)``: desktop Excel is asked ``MergeCells`` of the whole block (one call; False = none) and
  only a mixed block is split in halves until each merged area is found (a few calls per area). The remote
  payload has no merge information: ``[]``.

This module imports xlwings lazily and never ``xlwings.pro``: the remote book object is whatever the caller
hands in (xlwings Lite passes it to a script; tests build it with ``xw.Book(json=...)``).
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Sequence

from renja_xl.domain.errors import WorkbookError
from renja_xl.domain.formula import Text
from renja_xl.workbook.grid import Block

# Worksheet.Protection flags, in the order of Worksheet.Protect's arguments after the first five.
_ALLOW = ("AllowFormattingCells", "AllowFormattingColumns", "AllowFormattingRows", "AllowInsertingColumns",
          "AllowInsertingRows", "AllowInsertingHyperlinks", "AllowDeletingColumns", "AllowDeletingRows",
          "AllowSorting", "AllowFiltering", "AllowUsingPivotTables")


def engine_kind(book) -> str:
    """'remote' for xlwings Server/Lite books, 'excel' for desktop Excel (COM or AppleScript)."""
    try:
        name = book.app.engine.name
    except Exception:  # an engine without a name: treat as desktop
        return "excel"
    return "remote" if name in ("remote", "officejs") else "excel"


class XlwingsBook:
    """A Grid over an ``xw.Book``. ``formulas=True`` for recalc (formulas where the engine knows them)."""

    def __init__(self, book, formulas: bool = False):
        self.book = book
        self.kind = engine_kind(book)
        self.remote = self.kind == "remote"
        self.reads_formulas = formulas and not self.remote
        self._formulas = formulas
        self._unprotected: dict[str, tuple] = {}
        self._sheets: dict[str, Any] = {}
        self._screen: bool | None = None  # screen updating before the first write (desktop)
        self.calls = 0  # bulk calls made (reads, writes, clears): what the tests and the benchmark count

    # ------------------------------------------------------------------ Grid
    def sheet_names(self) -> list[str]:
        return [s.name for s in self.book.sheets]

    def _sheet(self, name: str):
        if name in self._sheets:
            return self._sheets[name]
        for s in self.book.sheets:  # one pass, then cached (each COM property read is a round trip)
            self._sheets[s.name] = s
        if name in self._sheets:
            return self._sheets[name]
        raise WorkbookError(f"sheet '{name}' tidak ada di buku kerja '{self.book.name}'.")

    def _extent(self, sh) -> tuple[int, int]:
        """Last used row and column (the block read starts at A1 whatever the used range's origin)."""
        used = sh.used_range
        last = used.last_cell
        return last.row, last.column

    def read(self, sheet: str) -> Block:
        sh = self._sheet(sheet)
        nrows, ncols = self._extent(sh)
        rng = sh.range((1, 1), (nrows, ncols))
        values = rng.options(ndim=2, err_to_str=True).value
        self.calls += 1
        if values is None:
            return []
        if self.reads_formulas:
            formulas = rng.options(ndim=2).formula
            self.calls += 1
            if isinstance(formulas, str):
                formulas = [[formulas]]
            elif formulas and not isinstance(formulas[0], (list, tuple)):
                formulas = [formulas] if nrows == 1 else [[f] for f in formulas]
            # a text typed as '=... reads with .formula equal to its value: it is text, not a formula
            block = [[f if isinstance(f, str) and f.startswith("=") and f != v else _text_value(v)
                      for v, f in zip(vrow, frow)] for vrow, frow in zip(values, formulas)]
        else:
            block = [[_text_value(v) for v in row] for row in values]
        while block and all(v is None for v in block[-1]):
            block.pop()
        if nrows == 1 and ncols == 1 and block == [[None]]:
            return []
        return block

    def write(self, sheet: str, row: int, col: int, values: Sequence[Sequence[Any]]) -> None:
        if not values:
            return
        width = max(len(r) for r in values)
        block = [[_to_excel(v) for v in r] + [None] * (width - len(r)) for r in values]
        sh = self._sheet(sheet)
        self._before_write(sh)
        sh.range((row, col)).options(ndim=2).value = block
        self.calls += 1

    def clear(self, sheet: str, row: int, col: int, nrows: int, ncols: int) -> None:
        if nrows <= 0 or ncols <= 0:
            return
        sh = self._sheet(sheet)
        self._before_write(sh)
        sh.range((row, col), (row + nrows - 1, col + ncols - 1)).clear_contents()
        self.calls += 1

    def merged(self, sheet: str) -> list[tuple[int, int, int, int]]:
        if self.remote:
            return []  # not part of the remote payload
        sh = self._sheet(sheet)
        nrows, ncols = self._extent(sh)
        found: dict[tuple[int, int, int, int], None] = {}
        self._find_merged(sh, 1, nrows, ncols, found)
        return list(found)

    def ensure_sheet(self, sheet: str) -> bool:
        """Add a sheet at the end when missing (for the Validasi sheet); True when it was added."""
        if sheet in self.sheet_names():
            return False
        self.book.sheets.add(name=sheet, after=self.book.sheets[-1])
        self.calls += 1
        return True

    # --------------------------------------------------------- protection
    def prepare(self, sheets: Sequence[str]) -> None:
        """Unprotect up front every sheet a command may write, so a sheet locked with a password stops the
        command before anything is written (instead of half-way)."""
        for name in sheets:
            if name in self.sheet_names():
                self._before_write(self._sheet(name))

    def _before_write(self, sh) -> None:
        if self.remote or sh.name in self._unprotected:
            return
        if not self._unprotected:
            self._screen = _set_screen_updating(self.book, False)
        self._unprotected[sh.name] = _unprotect(sh)

    def finish(self) -> None:
        """Protect again every sheet this engine unprotected, with the flags it had."""
        pending, self._unprotected = self._unprotected, {}
        if pending and self._screen is not None:
            _set_screen_updating(self.book, self._screen)
        errors = []
        for name, state in pending.items():
            if state is None:
                continue
            try:
                _protect(self._sheet(name), state)
            except Exception as exc:  # keep going: the other sheets still get their protection back
                errors.append(f"{name} ({exc})")
        if errors:
            raise WorkbookError("proteksi sheet " + ", ".join(errors) + " tidak dapat dipasang kembali; "
                                "pasang lewat Tinjau > Proteksi Lembar.")

    # ------------------------------------------------------------- merges
    def _find_merged(self, sh, first: int, last: int, ncols: int, found: dict) -> None:
        """Bisect rows until each block is all-merged, none-merged, or one row (then look at its cells)."""
        state = sh.range((first, 1), (last, ncols)).merge_cells  # True, False, or None when mixed
        self.calls += 1
        if state is False:
            return
        if first == last or state is True:
            for r in range(first, last + 1):
                c = 1
                while c <= ncols:
                    cell = sh.range((r, c))
                    if cell.merge_cells:
                        area = cell.merge_area
                        key = (area.row, area.column, area.last_cell.row, area.last_cell.column)
                        found[key] = None
                        c = area.last_cell.column + 1
                    else:
                        c += 1
            return
        middle = (first + last) // 2
        self._find_merged(sh, first, middle, ncols, found)
        self._find_merged(sh, middle + 1, last, ncols, found)


def _is_mac() -> bool:
    import sys

    return sys.platform == "darwin"


def _set_screen_updating(book, value: bool) -> bool | None:
    """Set Application.ScreenUpdating; returns the previous value (None when the engine cannot)."""
    try:
        before = book.app.screen_updating
        book.app.screen_updating = value
        return before
    except Exception:
        return None


def _unprotect(sh):
    """Unprotect a protected sheet; returns what is needed to protect it again (None when it was not)."""
    api = sh.api
    if _is_mac():  # AppleScript dictionary of Excel for Mac (not verified here; see README checklist)
        if not api.protect_contents.get():
            return None
        api.unprotect()
        return ("mac",)
    if not api.ProtectContents:
        return None
    p = api.Protection
    flags = tuple(bool(getattr(p, name)) for name in _ALLOW)
    state = (bool(api.ProtectDrawingObjects), bool(api.ProtectScenarios), flags)
    try:
        api.Unprotect()
    except Exception as exc:
        raise WorkbookError(f"sheet '{sh.name}' terkunci dengan kata sandi; buka proteksinya lebih dulu "
                            f"(Tinjau > Buka Proteksi Lembar).") from exc
    return state


def _protect(sh, state) -> None:
    api = sh.api
    if state == ("mac",):
        api.protect_worksheet(worksheet_contents=True)
        return
    drawing, scenarios, flags = state
    # Protect(Password, DrawingObjects, Contents, Scenarios, UserInterfaceOnly, Allow...)
    api.Protect("", drawing, True, scenarios, False, *flags)


def _text_value(v: Any) -> Any:
    """A value read without formulas: a string starting with '=' is a text cell (a formula reads as its result)."""
    if isinstance(v, str):
        if v == "":
            return None
        if v.startswith("="):
            return Text(v)
    return v


def _to_excel(v: Any) -> Any:
    if isinstance(v, Text):
        return "'" + v  # Excel's own mark of a text: without it, assigning '=...' makes a formula
    if isinstance(v, Decimal):
        return int(v) if v == v.to_integral_value() else float(v)
    if isinstance(v, dt.date) and not isinstance(v, dt.datetime):
        return dt.datetime(v.year, v.month, v.day)
    return v
