"""The desktop (COM) branch of the xlwings engine, against a stand-in for Excel's object model.

Desktop Excel does not run here; this stand-in implements only what the engine touches (used range, bulk
.value/.formula, clear_contents, MergeCells, Worksheet.ProtectContents/Protection/Unprotect/Protect) and
behaves like Excel where it matters: a write to a protected sheet fails, a password-protected sheet refuses
Unprotect() without the password, .formula returns every cell as text. What only real Excel can show is in
the README's first-run checklist.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import renja_xl.frontends.excel as x
from renja_xl.engines.openpyxl_engine import OpenpyxlBook
from renja_xl.engines.xlwings_engine import _ALLOW, XlwingsBook

from excel_support import all_cells, typed_only

CLI_NAME = "cli.xlsx"


class ComError(Exception):
    pass


class Protection:
    def __init__(self):
        for name in _ALLOW:
            setattr(self, name, name in ("AllowFormattingCells", "AllowSorting", "AllowFiltering"))


class SheetApi:
    def __init__(self, sheet, protected, password=None):
        self.sheet, self.ProtectContents, self.password = sheet, protected, password
        self.ProtectDrawingObjects, self.ProtectScenarios = True, True
        self.Protection = Protection()
        self.log = sheet.book.log

    def Unprotect(self, password=None):
        if self.password and password != self.password:
            raise ComError("The password you supplied is not correct.")
        self.log.append(("Unprotect", self.sheet.name))
        self.ProtectContents = False

    def Protect(self, password, drawing, contents, scenarios, ui_only, *allow):
        self.log.append(("Protect", self.sheet.name))
        self.ProtectContents, self.ProtectDrawingObjects, self.ProtectScenarios = contents, drawing, scenarios
        for name, value in zip(_ALLOW, allow):
            setattr(self.Protection, name, value)


class Range:
    def __init__(self, sheet, first, last=None):
        self.sheet, self.first, self.last = sheet, first, last or first

    def options(self, **_):
        return self

    @property
    def row(self):
        return self.first[0]

    @property
    def column(self):
        return self.first[1]

    @property
    def last_cell(self):
        return Range(self.sheet, self.last)

    def _cells(self):
        (r1, c1), (r2, c2) = self.first, self.last
        return [[self.sheet.cells.get((r, c)) for c in range(c1, c2 + 1)] for r in range(r1, r2 + 1)]

    @property
    def value(self):
        self.sheet.book.log.append(("read", self.sheet.name))
        return [[v if not (isinstance(v, str) and v.startswith("=")) else 0.0 for v in row] for row in self._cells()]

    @value.setter
    def value(self, block):
        self.sheet.check_writable()
        self.sheet.book.log.append(("write", self.sheet.name))
        for i, row in enumerate(block):
            for j, v in enumerate(row):
                self.sheet.cells[(self.first[0] + i, self.first[1] + j)] = v

    @property
    def formula(self):
        self.sheet.book.log.append(("formula", self.sheet.name))
        return tuple(tuple("" if v is None else str(v) for v in row) for row in self._cells())

    def clear_contents(self):
        self.sheet.check_writable()
        self.sheet.book.log.append(("clear", self.sheet.name))
        (r1, c1), (r2, c2) = self.first, self.last
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                self.sheet.cells.pop((r, c), None)

    @property
    def merge_cells(self):
        return False


class Sheet:
    def __init__(self, book, name, block, protected, password=None):
        self.book, self.name = book, name
        self.cells = {(i + 1, j + 1): v for i, row in enumerate(block) for j, v in enumerate(row) if v is not None}
        self.api = SheetApi(self, protected, password)

    def check_writable(self):
        if self.api.ProtectContents:
            raise ComError(f"The cell you are trying to change is on a protected sheet ({self.name}).")

    @property
    def used_range(self):
        rows = max((r for r, _ in self.cells), default=1)
        cols = max((c for _, c in self.cells), default=1)
        return Range(self, (1, 1), (rows, cols))

    def range(self, first, last=None):
        return Range(self, first, last)


class App:
    class engine:
        name = "excel"

    screen_updating = True


class Book:
    """Excel with the workbook open: every sheet protected (no password) as in the template."""

    def __init__(self, path: Path, password_on: str | None = None):
        self.log: list[tuple[str, str]] = []
        self.app = App()
        self.name = path.name
        self.fullname = "Book1"  # not saved: no backup copy attempted
        grid = OpenpyxlBook(path)
        self.sheets = [Sheet(self, n, grid.read(n), protected=n != "Validasi",
                             password="rahasia" if n == password_on else None) for n in grid.sheet_names()]

    def to_file(self, source: Path, target: Path) -> Path:
        shutil.copyfile(source, target)
        grid = OpenpyxlBook(target)
        for sh in self.sheets:
            old = grid.read(sh.name)
            grid.clear(sh.name, 1, 1, len(old), max((len(r) for r in old), default=1))
            rows = max((r for r, _ in sh.cells), default=0)
            cols = max((c for _, c in sh.cells), default=0)
            if rows:
                grid.write(sh.name, 1, 1, [[sh.cells.get((r, c)) for c in range(1, cols + 1)]
                                            for r in range(1, rows + 1)])
        grid.save(keep_backup=False)
        return target


@pytest.fixture(scope="module")
def typed(example_path, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("desktop")
    path = typed_only(example_path, folder / "diketik.xlsx")
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "renja_xl", "recalc", str(path), "-o", str(folder / CLI_NAME)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return path


def test_desktop_recalc_unprotects_writes_and_protects_again(typed, tmp_path):
    book = Book(typed)
    flags_before = {s.name: vars(s.api.Protection).copy() for s in book.sheets}
    result = x.recalc(book, show=False)
    assert result.ok, result.message
    assert all(s.api.ProtectContents for s in book.sheets if s.name != "Validasi")
    assert {s.name: vars(s.api.Protection) for s in book.sheets} == flags_before
    log = book.log
    for name in {n for op, n in log if op == "write"}:
        first_write = log.index(("write", name))
        assert log.index(("Unprotect", name)) < first_write < max(i for i, e in enumerate(log) if e == ("Protect", name))
    # one value read and one formula read per sheet, never per cell
    reads = [n for op, n in log if op == "read"]
    assert len(reads) == len(set(reads)) and len([n for op, n in log if op == "formula"]) == len(reads)
    assert book.app.screen_updating is True
    same = book.to_file(typed, tmp_path / "desktop.xlsx")
    assert all_cells(same) == all_cells(typed.parent / CLI_NAME)


def test_desktop_reads_formulas_so_a_second_run_changes_nothing(typed, tmp_path):
    book = Book(typed.parent / CLI_NAME)
    grid = XlwingsBook(book, formulas=True)
    block = grid.read("Tabel 6 Rencana Kerja")
    assert any(isinstance(v, str) and v.startswith("=SUBTOTAL(") for row in block for v in row)
    result = x.recalc(book, show=False)
    assert result.ok and result.message.startswith("Tidak ada yang perlu diubah"), result.message
    assert not [op for op, _ in book.log if op in ("write", "clear")]


def test_password_protected_sheet_stops_before_anything_is_written(typed):
    book = Book(typed, password_on="Usulan SIPD")
    result = x.recalc(book, show=False)
    assert not result.ok
    assert "kata sandi" in result.message and "Usulan SIPD" in result.message and "Traceback" not in result.message
    assert not [op for op, _ in book.log if op in ("write", "clear")]
    assert all(s.api.ProtectContents for s in book.sheets if s.name != "Validasi")  # protected again


def test_desktop_import_sipd_fills_the_sheet_like_the_cli(typed, tmp_path, monkeypatch):
    import subprocess
    import sys

    from test_sipd import lampiran, print_rows, write_xlsx

    printed = write_xlsx(print_rows(lampiran()), tmp_path / "cetakan_sipd.xlsx")
    by_cli = tmp_path / "cli.xlsx"
    shutil.copyfile(typed, by_cli)
    done = subprocess.run([sys.executable, "-m", "renja_xl", "import-sipd", str(printed), str(by_cli)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    book = Book(typed)
    monkeypatch.setattr(x, "_ask_file", lambda book: str(printed))  # the file the user picks in Excel's dialog
    result = x.import_sipd(book, show=False)
    assert result.ok and result.message.startswith("Impor SIPD selesai"), result.message
    assert all(s.api.ProtectContents for s in book.sheets if s.name != "Validasi")
    written = {n for op, n in book.log if op in ("write", "clear")}
    assert written == {"Usulan SIPD"}
    mine = all_cells(book.to_file(typed, tmp_path / "desktop.xlsx"))
    assert mine["Usulan SIPD"] == all_cells(by_cli)["Usulan SIPD"]


def test_desktop_import_sipd_cancelled(typed):
    book = Book(typed)
    result = x.import_sipd(book, show=False)  # the stand-in has no file dialog: as if the user cancelled
    assert result.ok and "dibatalkan" in result.message
    assert not [op for op, _ in book.log if op in ("write", "clear")]


def test_desktop_validate_reads_values_once_and_fills_validasi(typed):
    book = Book(typed.parent / CLI_NAME)
    result = x.validate(book, show=False)
    assert result.message.startswith("Validasi selesai:") and "sheet Validasi" in result.message
    assert not [op for op, _ in book.log if op == "formula"]  # values only, as calamine reads a file
    reads = [n for op, n in book.log if op == "read"]
    assert len(reads) - reads.count("Validasi") == len(set(reads) - {"Validasi"})
    assert {n for op, n in book.log if op in ("write", "clear")} == {"Validasi"}
    validasi = next(s for s in book.sheets if s.name == "Validasi")
    assert len({r for r, _ in validasi.cells}) >= len(result.findings)
