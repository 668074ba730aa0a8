"""Every engine through the same cases: the Grid protocol means the same thing whichever engine is behind it.

Engines: openpyxl (files, formulas), calamine (files, values, read-only), xlwings' own remote engine (the JSON
book of xlwings Lite / Server: reads values, queues writes as actions) and the in-memory grid of the tests.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import Workbook

from renja_xl.domain.errors import WorkbookError
from renja_xl.engines.calamine_engine import CalamineBook
from renja_xl.engines.memory_engine import MemoryGrid
from renja_xl.engines.openpyxl_engine import OpenpyxlBook
from renja_xl.engines.xlwings_engine import XlwingsBook
from renja_xl.workbook.grid import Grid, Prefetching, ReadsInParts

from excel_support import remote_book
from xlwings_json import apply_actions

VALUES = [["Kode", "Uraian", "Jumlah", "Tanggal", "Aktif"],
          ["5.03", "KEPEGAWAIAN", 1500, dt.datetime(2024, 1, 31), True],
          ["5.03.01.1.01.0001", "=teks bukan rumus", 2.5, None, False]]
FORMULA = "=SUM(C2:C3)"


@pytest.fixture(scope="module")
def workbook_file(tmp_path_factory) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Data"
    for row in VALUES:
        ws.append(row)
    ws["B3"].data_type = "s"  # a text that starts with '=': stored as a string, not a formula
    ws["C4"] = FORMULA
    ws.merge_cells("A6:B6")
    wb.create_sheet("Kedua")["A1"] = "x"
    path = tmp_path_factory.mktemp("conformance") / "book.xlsx"
    wb.save(path)
    return path


def _engines(path: Path) -> dict[str, Grid]:
    return {
        "openpyxl": OpenpyxlBook(path),
        "calamine": CalamineBook(path),
        "remote": XlwingsBook(remote_book(path, CalamineBook(path))),  # values, as an Excel client sends them
        "memory": MemoryGrid({"Data": OpenpyxlBook(path).read("Data"), "Kedua": [["x"]]}, {"Data": [(6, 1, 6, 2)]}),
    }


ENGINES = ["openpyxl", "calamine", "remote", "memory"]


@pytest.mark.parametrize("name", ENGINES)
def test_reads_the_same_block(name: str, workbook_file: Path) -> None:
    grid = _engines(workbook_file)[name]
    assert grid.sheet_names() == ["Data", "Kedua"]
    block = grid.read("Data")
    for i, row in enumerate(VALUES):
        got = block[i][:len(row)]
        assert got[:3] == row[:3], (name, i, got)
        if i and row[3] is not None:  # a date comes back as a datetime (calamine: a date when it has no time)
            assert got[3] in (row[3], row[3].date()), (name, got)
        if i:
            assert bool(got[4]) is row[4]
    if grid.reads_formulas:
        assert block[3][2] == FORMULA
    else:  # values engines: a file openpyxl wrote has no cached value, and never the formula's text
        assert len(block) < 4 or block[3][2] in (None, 0, 0.0)


@pytest.mark.parametrize("name", ["openpyxl", "calamine", "memory"])
def test_merged_ranges(name: str, workbook_file: Path) -> None:
    """(The remote runtimes send no merged ranges; the xlwings engine reports none there, a documented gap.)"""
    assert (6, 1, 6, 2) in _engines(workbook_file)[name].merged("Data")


@pytest.mark.parametrize("name", ENGINES)
def test_a_missing_sheet_is_a_plain_error(name: str, workbook_file: Path) -> None:
    grid = _engines(workbook_file)[name]
    with pytest.raises((WorkbookError, KeyError)) as info:
        grid.read("Tidak Ada")
    if name != "remote":  # xlwings raises its own error for an unknown sheet of a JSON book
        assert isinstance(info.value, WorkbookError) and "Tidak Ada" in str(info.value)


def _materialise(name: str, grid: Grid, path: Path, tmp: Path) -> Grid:
    """What the writes of an engine amount to, read back through the engine that reads files."""
    if name == "openpyxl":
        grid.save(tmp / "out.xlsx", keep_backup=False)
        return OpenpyxlBook(tmp / "out.xlsx")
    if name == "remote":
        target = OpenpyxlBook(path)
        target.ensure_sheet("Baru")  # the remote runtimes add sheets through their own action, applied here
        apply_actions(target, grid.book.json())
        return target
    return grid


@pytest.mark.parametrize("name", ["openpyxl", "remote", "memory"])
def test_write_and_clear_blocks(name: str, workbook_file: Path, tmp_path: Path) -> None:
    grid = _engines(workbook_file)[name]
    if name != "remote":
        assert grid.ensure_sheet("Baru") is True
        assert grid.ensure_sheet("Baru") is False
    grid.write("Data", 8, 2, [["a", 1], ["b", "=C2*2"]])
    grid.clear("Data", 2, 2, 1, 1)
    done = _materialise(name, grid, workbook_file, tmp_path)
    block = done.read("Data")
    assert block[7][1:3] == ["a", 1] and block[8][1:3] == ["b", "=C2*2"], block[7:9]
    assert block[1][1] is None and block[1][0] == "5.03"  # only the cleared cell changed
    if name != "remote":
        assert "Baru" in done.sheet_names()


def test_calamine_is_read_only_and_says_so(workbook_file: Path) -> None:
    grid = CalamineBook(workbook_file)
    for call in (lambda: grid.write("Data", 1, 1, [["x"]]), lambda: grid.clear("Data", 1, 1, 1, 1),
                 lambda: grid.ensure_sheet("Baru")):
        with pytest.raises(WorkbookError, match="hanya membaca"):
            call()
    assert grid.ensure_sheet("Data") is False


def test_capabilities_are_declared() -> None:
    assert OpenpyxlBook.reads_formulas and MemoryGrid.reads_formulas and not CalamineBook.reads_formulas
    assert issubclass(CalamineBook, Prefetching) and not issubclass(OpenpyxlBook, Prefetching)
    assert issubclass(CalamineBook, ReadsInParts) and not issubclass(OpenpyxlBook, ReadsInParts)
