"""A large sheet read in two halves (engines/calamine_halves) gives exactly what reading it whole gives.

The size from which a sheet is cut is lowered here, so that small workbooks take the path a 100k-row Tabel 6 takes:
every sheet's block and merged ranges, and validate's findings, are compared with the whole reading.
"""
from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import hostile_files as H
import pytest
import openpyxl
import xlsxwriter

from renja_xl.domain.errors import RenjaError, WorkbookError
from renja_xl.engines import calamine_engine, calamine_halves
from renja_xl.app.recalc import recalc_file
from renja_xl.domain.formula import Formula
from renja_xl.engines.calamine_engine import CalamineBook
from renja_xl.engines.package_engine import PackageBook
from renja_xl.build.synthetic_opd import base_workbook
from renja_xl.domain.cells import column_letter
from renja_xl.domain.layout import FIRST_DATA_ROW, sheet
from renja_xl.workbook.reader import read_renja
from renja_xl.workbook.validation import validate_grid

# the filled example as shipped (its formulas carry cached values, so the money columns are read too)
EXAMPLE = Path(__file__).resolve().parents[1] / "templates_xlsx" / "renja_contoh_bkd_kalbar_2024.xlsx"


def _read_all(path: Path, split: bool, monkeypatch) -> tuple[dict, dict]:
    with monkeypatch.context() as m:
        m.setattr(calamine_engine, "SMALL_BOOK", 0)  # threads, as for a large workbook
        m.setattr(calamine_halves, "SPLIT_SIZE", 0 if split else 1 << 40)
        book = CalamineBook(path)
        book.prefetch(book.sheet_names())
        blocks = {name: book.read(name) for name in book.sheet_names()}
        return blocks, {name: book.merged(name) for name in book.sheet_names()}


def _largest_was_cut(path: Path, monkeypatch) -> bool:
    """Whether the largest sheet really went through the halves (a test of the test)."""
    made = []
    real = calamine_halves.Halves.parse

    def spy(self, to_block):
        out = real(self, to_block)
        made.append(out is not None)
        return out

    with monkeypatch.context() as m:
        m.setattr(calamine_halves.Halves, "parse", spy)
        _read_all(path, True, m)
    return made == [True]


@pytest.fixture
def own_tempdir(tmp_path, monkeypatch):
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_example_reads_the_same_in_halves(own_tempdir, monkeypatch):
    path = EXAMPLE
    whole, merged_whole = _read_all(path, False, monkeypatch)
    halves, merged_halves = _read_all(path, True, monkeypatch)
    assert halves == whole
    assert merged_halves == merged_whole
    assert _largest_was_cut(path, monkeypatch)
    assert list(own_tempdir.iterdir()) == []  # the two half workbooks are removed


def _read_renja(path: Path, split: bool, monkeypatch, parts: list | None = None):
    with monkeypatch.context() as m:
        m.setattr(calamine_engine, "SMALL_BOOK", 0)
        m.setattr(calamine_halves, "SPLIT_SIZE", 0 if split else 1 << 40)
        book = CalamineBook(path)
        if parts is not None:  # which parts the reader was handed, per sheet
            real = book.read_in_parts

            def spy(sheet, on_part):
                def seen(first_row, rows):
                    parts.append((sheet, first_row, len(rows), len(rows[-1]) if rows else 0))
                    on_part(first_row, rows)
                return real(sheet, seen)
            m.setattr(book, "read_in_parts", spy)
        renja = read_renja(book)
    tables = {k: [(r.kode.text, r.source_row, r.cells, r.amounts) for r in getattr(renja, k).rows]
              for k in ("tabel1", "tabel4", "tabel6", "sipd")}
    return tables, [(f.rule, f.sheet, f.cell, f.message) for f in renja.findings]


@pytest.mark.parametrize("wider_below", [False, True], ids=["sama-lebar", "paruh-bawah-lebih-lebar"])
def test_the_reader_reads_the_upper_half_while_the_lower_is_parsed(tmp_path, own_tempdir, monkeypatch, wider_below):
    """The reader works on Tabel 6's upper half as soon as calamine hands it over (ReadsInParts): its rows and
    findings are those of reading the sheet whole, in the same order, also when a lower row is wider than every
    upper one (the upper rows are then read again, as wide as the block)."""
    path = tmp_path / "renja.xlsx"
    base_workbook(path, 400, seed=3)
    t6 = sheet("tabel6")
    wb = openpyxl.load_workbook(path)
    ws = wb[t6.name]
    ws.cell(FIRST_DATA_ROW + 20, t6.col("kode") + 1, "5.03.01.1.1.01")  # malformed, in the upper half
    ws.cell(FIRST_DATA_ROW + 350, t6.col("pendanaan") + 1, "1.234.567,00")  # a money text, in the lower half
    ws.cell(FIRST_DATA_ROW + 351, t6.col("kode") + 1).value = None  # a row without its code, in the lower half
    if wider_below:
        ws.cell(FIRST_DATA_ROW + 380, len(t6.columns) + 3, "catatan pengguna")
    wb.save(path)

    parts: list = []
    whole = _read_renja(path, False, monkeypatch)
    halves = _read_renja(path, True, monkeypatch, parts)
    assert halves == whole
    upper, lower = [part[1:] for part in parts if part[0] == t6.name]  # two parts, one after the other
    assert upper[0] == 1 and lower[0] == upper[1] + 1 and lower[1] > 0
    assert (lower[2] > upper[2]) is wider_below  # (first row, rows, width)
    found = {(rule, cell) for rule, name, cell, _ in whole[1] if name == t6.name}
    kode, pagu = column_letter(t6.col("kode") + 1), column_letter(t6.col("pendanaan") + 1)
    upper_row, lower_row = FIRST_DATA_ROW + 20, FIRST_DATA_ROW + 350  # the cells written above
    assert {("kode.format", f"{kode}{upper_row}"), ("angka.teks", f"{pagu}{lower_row}")} <= found
    assert any(cell == f"{kode}{lower_row + 1}" for _, cell in found)  # the row without its code


def _package_read(path: Path, split: bool, monkeypatch) -> dict:
    with monkeypatch.context() as m:
        m.setattr(calamine_engine, "SMALL_BOOK", 0)
        m.setattr(calamine_halves, "SPLIT_SIZE", 0 if split else 1 << 40)
        book = PackageBook(path)
        renja = read_renja(book)
        return {k: [(r.kode.text, r.source_row, r.cells, r.amounts) for r in getattr(renja, k).rows]
                for k in ("tabel1", "tabel4", "tabel6", "sipd")} | {"blocks": renja.blocks}


def test_the_package_engine_reads_in_halves_with_its_formulas(tmp_path, own_tempdir, monkeypatch):
    """recalc's engine (PackageBook: calamine's values, each formula cell a Formula) hands the reader Tabel 6's
    upper half early too: the rows, with their formulas, equal the whole read's; recalc of the file it wrote finds
    nothing to change, and recalc in halves writes the same file as recalc of the sheet read whole."""
    typed = tmp_path / "diketik.xlsx"
    base_workbook(typed, 400, seed=5)
    outputs = {}
    for split in (False, True):
        with monkeypatch.context() as m:
            m.setattr(calamine_engine, "SMALL_BOOK", 0)
            m.setattr(calamine_halves, "SPLIT_SIZE", 0 if split else 1 << 40)
            out = tmp_path / f"mutakhir_{split}.xlsx"
            assert recalc_file(typed, out).changed
            outputs[split] = out
    parts = {split: _parts_of(path) for split, path in outputs.items()}
    assert parts[True] == parts[False]  # the same package, part by part

    current = outputs[True]
    whole, halves = _package_read(current, False, monkeypatch), _package_read(current, True, monkeypatch)
    assert halves == whole
    formulas = [v for line in halves["blocks"]["tabel6"] for v in line if isinstance(v, Formula)]
    assert len(formulas) > 400 and all(f.value is not None for f in formulas)  # cached values came with them
    before = current.read_bytes()
    with monkeypatch.context() as m:
        m.setattr(calamine_engine, "SMALL_BOOK", 0)
        m.setattr(calamine_halves, "SPLIT_SIZE", 0)
        assert not recalc_file(current).changed
    assert current.read_bytes() == before


def _parts_of(path: Path) -> dict[str, bytes]:
    import zipfile

    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def test_findings_are_the_same_in_halves(monkeypatch):
    path = EXAMPLE

    def findings(split: bool):
        with monkeypatch.context() as m:
            m.setattr(calamine_engine, "SMALL_BOOK", 0)
            m.setattr(calamine_halves, "SPLIT_SIZE", 0 if split else 1 << 40)
            return [(f.rule, f.sheet, f.cell, f.message) for f in validate_grid(CalamineBook(path))]

    assert findings(True) == findings(False)


def _awkward_book(path: Path, date1904: bool) -> None:
    """Shared strings (XlsxWriter writes text there, as Excel does), dates, an error value, a merged range,
    rows with gaps, and rows in the lower half that start at column C."""
    wb = xlsxwriter.Workbook(str(path), {"date_1904": date1904})
    ws = wb.add_worksheet("Data")
    when = wb.add_format({"num_format": "dd-mm-yyyy"})
    ws.merge_range("A1:D1", "Judul")
    for r in range(1, 400):
        if r % 37 == 0:
            continue  # an empty row
        col = 2 if r > 200 else 0
        ws.write_string(r, col, f"5.03.01.1.01.{r:04d}")
        ws.write_number(r, col + 1, r * 1000.5)
        ws.write_datetime(r, col + 2, dt.datetime(2024, 1, 1) + dt.timedelta(days=r), when)
        if r == 300:
            ws.write_formula(r, col + 3, "=1/0", None, "#DIV/0!")
    ws2 = wb.add_worksheet("Kecil")
    ws2.write_string(0, 0, "isi")
    wb.close()


@pytest.mark.parametrize("date1904", [False, True])
def test_shared_strings_dates_errors_and_gaps_read_the_same(tmp_path, own_tempdir, monkeypatch, date1904):
    path = tmp_path / "awkward.xlsx"
    _awkward_book(path, date1904)
    whole, merged_whole = _read_all(path, False, monkeypatch)
    halves, merged_halves = _read_all(path, True, monkeypatch)
    assert halves == whole
    assert merged_halves == merged_whole == {"Data": [(1, 1, 1, 4)], "Kecil": []}
    data = whole["Data"]
    assert data[300][5] == "#DIV/0!"
    assert data[2][2] == dt.date(2024, 1, 3)
    assert data[250][:3] == [None, None, "5.03.01.1.01.0250"]
    assert _largest_was_cut(path, monkeypatch)
    assert list(own_tempdir.iterdir()) == []


def test_a_sheet_that_cannot_be_cut_is_read_whole(tmp_path, monkeypatch):
    """No <row after the middle (one huge row): nothing is cut, and the reading is the usual one."""
    path = tmp_path / "one_row.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Data")
    for c in range(200):
        ws.write_string(0, c, "teks " * 20)
    wb.close()
    whole, _ = _read_all(path, False, monkeypatch)
    halves, _ = _read_all(path, True, monkeypatch)
    assert halves == whole
    assert not _largest_was_cut(path, monkeypatch)


def test_a_full_temporary_folder_falls_back_to_the_whole_sheet(tmp_path, monkeypatch):
    path = EXAMPLE
    whole, _ = _read_all(path, False, monkeypatch)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tidak-ada"))  # mkstemp fails: no such folder
    halves, _ = _read_all(path, True, monkeypatch)
    assert halves == whole


@pytest.mark.parametrize("make", [H.far_stale_dimension, H.far_without_r])
def test_a_far_cell_is_refused_before_any_half_is_parsed(tmp_path, own_tempdir, monkeypatch, make):
    """The halves are written while the extent is measured; a sheet refused by it is never parsed, and nothing
    is left in the temporary folder."""
    path = make(tmp_path)
    with monkeypatch.context() as m:
        m.setattr(calamine_engine, "SMALL_BOOK", 0)
        m.setattr(calamine_halves, "SPLIT_SIZE", 0)
        book = CalamineBook(path)
        book.prefetch(book.sheet_names())
        with pytest.raises(WorkbookError, match="XFD1048576"):
            for name in book.sheet_names():
                book.read(name)
    assert list(own_tempdir.iterdir()) == []


def test_every_hostile_file_reads_in_halves_as_it_reads_whole(tmp_path, own_tempdir, monkeypatch):
    """The hostile corpus (damaged, bombs, far cells, entities, floods, ...), with every sheet large enough to be
    cut: each file gives the same blocks, or is refused with the same message, as when it is read whole."""
    def outcome(path: Path, split: bool):
        try:
            blocks, merged = _read_all(path, split, monkeypatch)
            return "read", blocks, merged
        except RenjaError as exc:
            return "refused", str(exc), None

    for name, make in H.CORPUS.items():
        folder = tmp_path / name
        folder.mkdir()
        path = make(folder)
        if path.suffix.lower() not in (".xlsx", ".xlsm"):
            continue
        whole = outcome(path, False)
        assert outcome(path, True) == whole, name
        assert list(own_tempdir.iterdir()) == [], name
