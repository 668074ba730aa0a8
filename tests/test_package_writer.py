"""Issue 11: the package writer (engines/package_engine.py) keeps the workbook whole.

Every zip part other than the sheets it changed is byte-identical; the macro workbook keeps its VBA and its
buttons; an image, a chart and a comment stay; cached formula values equal Python's totals and LibreOffice's
recomputation cell by cell; the old openpyxl path and the writer agree on random edits; every written sheet
part keeps the schema's element order, ascending rows and cells, and right shared-string counts.
"""
from __future__ import annotations

import io
import random
import re
import shutil
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT, libreoffice_convert
from renja_xl.domain.errors import WorkbookError
from renja_xl.domain.formula import Formula, number_text
from renja_xl.domain.kode import Level
from renja_xl.domain.cells import column_letter
from renja_xl.domain.layout import FIRST_DATA_ROW, OWNED_ROLES, SHEETS, sheet
from renja_xl.engines.calamine_engine import CalamineBook
from renja_xl.engines.openpyxl_engine import OpenpyxlBook
from renja_xl.engines.package_engine import PackageBook
from renja_xl.workbook.reader import read_renja
from renja_xl.workbook.recalc import recalc

XLSM = ROOT / "templates_xlsx" / "renja_contoh_bkd_kalbar_2024.xlsm"
XLSX = ROOT / "templates_xlsx" / "renja_contoh_bkd_kalbar_2024.xlsx"
T6 = sheet("tabel6").name
MOVED_CODE = ("5.03.02.1.04.10", "5.03.02.1.05.01")  # a sub kegiatan under a kegiatan the example does not have


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def sheet_part(path: Path, name: str) -> str:
    from renja_xl.engines.calamine_engine import _sheet_parts

    with zipfile.ZipFile(path) as zf:
        return _sheet_parts(zf)[name]


def with_new_kegiatan(source: Path, target: Path) -> Path:
    """The source with one sub kegiatan code changed so that recalc must insert a kegiatan parent (written
    through the package writer itself)."""
    shutil.copy(source, target)
    book = PackageBook(target)
    recalc(book)  # the cached values of every sheet first: the recalc under test then changes only Tabel 6
    book.save(keep_backup=False)
    book = PackageBook(target)
    block = book.read(T6)
    row = next(i for i, line in enumerate(block, 1) if line[1] == MOVED_CODE[0])
    book.write(T6, row, 2, [[MOVED_CODE[1]]])
    book.save(keep_backup=False)
    return target


def run_recalc(path: Path, out: Path):
    book = PackageBook(path)
    report = recalc(book)
    book.save(out, keep_backup=False)
    return report


@pytest.fixture(scope="module")
def macro_case(tmp_path_factory) -> tuple[Path, Path]:
    d = tmp_path_factory.mktemp("xlsm")
    edited = with_new_kegiatan(XLSM, d / "diedit.xlsm")
    out = d / "hasil.xlsm"
    report = run_recalc(edited, out)
    assert T6 in report.restructured and report.inserted[T6] == 1
    return edited, out


def test_untouched_parts_are_byte_identical(macro_case) -> None:
    edited, out = macro_case
    before, after = parts(edited), parts(out)
    assert set(after) == set(before)  # no calcChain in this file; nothing added, nothing lost
    changed = {n for n in before if before[n] != after[n]}
    assert changed == {sheet_part(edited, T6)}, changed  # cached values of the others were written by the edit
    # the order of the zip's members is kept as well
    with zipfile.ZipFile(edited) as a, zipfile.ZipFile(out) as b:
        assert a.namelist() == b.namelist()


def test_recalc_of_the_example_touches_only_the_sheets_with_formulas(tmp_path: Path) -> None:
    out = tmp_path / "hasil.xlsm"
    run_recalc(XLSM, out)
    before, after = parts(XLSM), parts(out)
    changed = {n for n in before if before[n] != after[n]}
    want = {sheet_part(XLSM, sheet(k).name) for k in ("tabel1", "tabel2", "tabel4", "tabel6", "sipd")}
    assert changed <= want and sheet_part(XLSM, T6) in changed
    assert "xl/vbaProject.bin" not in changed and before["xl/vbaProject.bin"] == after["xl/vbaProject.bin"]


def test_macro_workbook_keeps_its_buttons(macro_case) -> None:
    import re

    from test_xlsm import public_subs, vba_modules

    _, out = macro_case
    names = parts(out)
    vml = names["xl/drawings/vmlDrawing1.vml"]
    assert vml == parts(XLSM)["xl/drawings/vmlDrawing1.vml"]
    assert b"legacyDrawing" in names[sheet_part(out, "Petunjuk")]
    macros = [m.split("!")[-1] for m in re.findall(r"<x:FmlaMacro>([^<]*)", vml.decode())]
    assert len(macros) == 5
    modules = vba_modules(out)  # olevba reads the project of the written file
    assert modules == vba_modules(XLSM) and set(macros) <= public_subs(modules["RenjaXL"])


def test_recalc_again_writes_nothing(macro_case) -> None:
    _, out = macro_case
    report = recalc(PackageBook(out))
    assert report.writes == 0


def _num(v: Any) -> Any:
    if isinstance(v, Formula):
        v = v.value
    if v is None or v == "":
        return None
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, float, Decimal)):
        return Decimal(number_text(v))
    return v


def _formula_cells(path: Path, name: str) -> dict[tuple[int, int], Formula]:
    block = PackageBook(path).read(name)
    return {(r, c): v for r, line in enumerate(block, 1) for c, v in enumerate(line, 1) if isinstance(v, Formula)}


FORMULA_SHEETS = [sheet(k).name for k in ("tabel1", "tabel2", "tabel4", "tabel6", "sipd")]


@pytest.mark.libreoffice
def test_cached_values_equal_python_and_libreoffice(macro_case, soffice: str, tmp_path: Path) -> None:
    _, out = macro_case
    # Python's totals: every parent's subtotal and every leaf's total as the model computes them
    assert _python_totals_hold(out) > 100
    # LibreOffice's recomputation of the same file, every formula cell of every sheet
    lo = libreoffice_convert(soffice, out, "xlsx", tmp_path / "lo")
    lo_book = CalamineBook(lo)
    compared = 0
    for name in FORMULA_SHEETS:
        ours = _formula_cells(out, name)
        theirs = lo_book.read(name)
        for (r, c), f in ours.items():
            got = theirs[r - 1][c - 1] if r <= len(theirs) and c <= len(theirs[r - 1]) else None
            assert _num(f) == _num(got), (name, r, c, str(f), f.value, got)
            compared += 1
    assert compared > 150


EXPECTED_ORDER = [
    "sheetPr", "dimension", "sheetViews", "sheetFormatPr", "cols", "sheetData", "sheetCalcPr", "sheetProtection",
    "protectedRanges", "scenarios", "autoFilter", "sortState", "dataConsolidate", "customSheetViews", "mergeCells",
    "phoneticPr", "conditionalFormatting", "dataValidations", "hyperlinks", "printOptions", "pageMargins",
    "pageSetup", "headerFooter", "rowBreaks", "colBreaks", "customProperties", "cellWatches", "ignoredErrors",
    "smartTags", "drawing", "legacyDrawing", "legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls",
    "webPublishItems", "tableParts", "extLst"]  # ECMA-376 Part 1, CT_Worksheet (§18.3.1.99)
CELL_ORDER = ["f", "v", "is", "extLst"]  # CT_Cell
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def check_schema(path: Path) -> int:
    """Element order, ascending rows and cells, shared-string counts of every worksheet part; returns the
    number of cells checked."""
    from xml.etree import ElementTree as ET

    from renja_xl.engines.ooxml.refs import col_index

    checked = 0
    shared_refs = 0
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                continue
            root = ET.fromstring(zf.read(name))
            tags = [child.tag.replace(MAIN, "") for child in root]
            positions = [EXPECTED_ORDER.index(t) for t in tags]
            assert positions == sorted(positions), (name, tags)
            assert tags.count("sheetData") == 1
            last_row = last_used = 0
            for row in root.find(f"{MAIN}sheetData"):
                assert row.tag == f"{MAIN}row"
                r = int(row.get("r"))
                assert r > last_row, (name, r)
                last_row = r
                last_used = r if len(row) else last_used
                last_col = 0
                for c in row:
                    assert c.tag == f"{MAIN}c", (name, r, c.tag)
                    ref = c.get("r")
                    letters = ref.rstrip("0123456789")
                    assert int(ref[len(letters):]) == r, (name, ref)
                    col = col_index(letters)
                    assert col > last_col, (name, ref)
                    last_col = col
                    kids = [k.tag.replace(MAIN, "") for k in c]
                    assert [CELL_ORDER.index(k) for k in kids] == sorted(CELL_ORDER.index(k) for k in kids), ref
                    t = c.get("t", "n")
                    if t == "s":
                        shared_refs += 1
                        int(c.find(f"{MAIN}v").text)
                    if t == "inlineStr":
                        assert c.find(f"{MAIN}v") is None, ref
                    checked += 1
            dim = root.find(f"{MAIN}dimension")
            if dim is not None and last_used:
                bottom = dim.get("ref").split(":")[-1]
                assert int(bottom.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")) >= last_used, (name, dim.get("ref"))
        if "xl/sharedStrings.xml" in zf.NameToInfo:
            sst = ET.fromstring(zf.read("xl/sharedStrings.xml"))
            if sst.get("uniqueCount") is not None:
                assert int(sst.get("uniqueCount")) == len(list(sst)), "uniqueCount"
            if sst.get("count") is not None:
                assert int(sst.get("count")) == shared_refs, ("count", sst.get("count"), shared_refs)
    return checked


def test_written_sheets_keep_the_schema(macro_case) -> None:
    _, out = macro_case
    assert check_schema(out) > 1000


@pytest.fixture(scope="module")
def lo_saved(soffice: str, tmp_path_factory) -> Path:
    """The example as LibreOffice saves it: texts in a shared-strings table, as Excel writes them."""
    d = tmp_path_factory.mktemp("lo-saved")
    return libreoffice_convert(soffice, XLSX, "xlsx", d)


@pytest.mark.libreoffice
def test_shared_strings_workbook(lo_saved: Path, soffice: str, tmp_path: Path) -> None:
    edited = with_new_kegiatan(lo_saved, tmp_path / "diedit.xlsx")
    out = tmp_path / "hasil.xlsx"
    report = run_recalc(edited, out)
    assert T6 in report.restructured
    check_schema(edited)
    assert check_schema(out) > 1000
    before, after = parts(edited), parts(out)
    changed = {n for n in before if before.get(n) != after.get(n)}
    allowed = {sheet_part(edited, T6), "xl/sharedStrings.xml", "xl/calcChain.xml", "[Content_Types].xml",
               "xl/_rels/workbook.xml.rels", "xl/workbook.xml"}
    assert changed <= allowed, changed - allowed
    assert "xl/calcChain.xml" not in after  # formulas changed: Excel rebuilds the chain
    assert b'fullCalcOnLoad="1"' in after["xl/workbook.xml"]
    # LibreOffice opens it and computes what the cache says
    lo = CalamineBook(libreoffice_convert(soffice, out, "xlsx", tmp_path / "lo"))
    for (r, c), f in _formula_cells(out, T6).items():
        line = lo.read(T6)[r - 1]
        assert _num(f) == _num(line[c - 1]), (r, c, str(f))


def _add_objects(source: Path, target: Path, comment_cell: str) -> Path:
    """An image and a chart on Identitas and a comment on Tabel 6 (openpyxl adds them: it writes real
    drawing, chart, image, comments and VML parts)."""
    from openpyxl.chart import BarChart, Reference
    from openpyxl.comments import Comment
    from openpyxl.drawing.image import Image
    from PIL import Image as PILImage

    wb = openpyxl.load_workbook(source)
    png = io.BytesIO()
    PILImage.new("RGB", (40, 20), (200, 30, 30)).save(png, format="PNG")
    png.seek(0)
    ws = wb["Identitas"]
    ws.add_image(Image(png), "F2")
    chart = BarChart()
    t6 = wb[T6]
    chart.add_data(Reference(t6, min_col=7, min_row=4, max_row=10))
    ws.add_chart(chart, "F10")
    t6[comment_cell].comment = Comment("catatan perencana", "Perencana")
    wb.save(target)
    return target


def test_image_chart_and_comment_are_kept(tmp_path: Path) -> None:
    source = _add_objects(XLSX, tmp_path / "objek.xlsx", "B3")  # the comment on the header row
    edited = with_new_kegiatan(source, tmp_path / "diedit.xlsx")
    out = tmp_path / "hasil.xlsx"
    run_recalc(edited, out)
    before, after = parts(edited), parts(out)
    kept = [n for n in before if any(k in n for k in ("media/", "charts/", "drawings/", "comments"))]
    assert any("media/" in n for n in kept) and any("charts/" in n for n in kept) and any("comments" in n for n in kept)
    for n in kept:
        assert after[n] == before[n], n
    assert {n for n in before if before[n] != after.get(n)} <= {sheet_part(edited, T6), "xl/workbook.xml"}
    check_schema(out)


def _row_of_moved_code() -> int:
    """The row of the sub kegiatan with_new_kegiatan recodes: recalc moves it down under its new parent."""
    return next(i for i, line in enumerate(CalamineBook(XLSX).read(T6), 1) if line[1] == MOVED_CODE[0])


def test_a_comment_in_the_table_stays_where_rows_do_not_move(tmp_path: Path) -> None:
    """A perencana's comment on a table cell whose row keeps its place: recalc changes values around it and
    inserts a parent further down, and the comment stays on its cell (was refused for any change below it)."""
    row = _row_of_moved_code()
    source = _add_objects(XLSX, tmp_path / "objek.xlsx", f"C{row - 20}")
    edited = with_new_kegiatan(source, tmp_path / "diedit.xlsx")
    out = tmp_path / "hasil.xlsx"
    report = run_recalc(edited, out)
    assert report.inserted.get(T6)
    before, after = parts(edited), parts(out)
    comments = [n for n in before if "comments" in n]
    assert comments and all(after[n] == before[n] for n in comments)
    assert CalamineBook(out).read(T6)[row - 21][:3] == CalamineBook(edited).read(T6)[row - 21][:3]
    check_schema(out)


@pytest.mark.libreoffice
def test_a_comment_follows_its_row_when_recalc_moves_it(soffice: str, tmp_path: Path) -> None:
    """A comment on the sub kegiatan recalc moves down under its new parent goes with it: the comments part
    and its note (VML) name the new row, and the cell there holds what the commented cell held."""
    row = _row_of_moved_code()
    source = _add_objects(XLSX, tmp_path / "objek.xlsx", f"C{row}")
    edited = with_new_kegiatan(source, tmp_path / "diedit.xlsx")
    before_text = CalamineBook(edited).read(T6)[row - 1][2]
    out = tmp_path / "hasil.xlsx"
    run_recalc(edited, out)
    ws = openpyxl.load_workbook(out)[T6]
    moved_to = next(r for r in range(row, row + 5) if ws.cell(r, 3).comment is not None)
    assert moved_to == row + 1 and ws.cell(moved_to, 3).value == before_text
    assert ws.cell(moved_to, 3).comment.text == "catatan perencana"
    vml = next(data for name, data in parts(out).items() if name.endswith(".vml") and b"Note" in data)
    assert b"<ns2:Row>%d</ns2:Row>" % row in vml  # 0-based: the row below
    check_schema(out)
    # LibreOffice shows the note on the new cell too
    lo = libreoffice_convert(soffice, out, "xlsx", tmp_path / "lo")
    assert openpyxl.load_workbook(lo)[T6].cell(moved_to, 3).comment is not None


def _with_picture(target: Path, cell: str) -> Path:
    from openpyxl.drawing.image import Image
    from PIL import Image as PILImage

    wb = openpyxl.load_workbook(XLSX)
    png = io.BytesIO()
    PILImage.new("RGB", (40, 20), (30, 30, 200)).save(png, format="PNG")
    png.seek(0)
    wb[T6].add_image(Image(png), cell)
    wb.save(target)
    return target


def test_a_picture_follows_its_row_when_recalc_moves_it(tmp_path: Path) -> None:
    row = _row_of_moved_code()
    edited = with_new_kegiatan(_with_picture(tmp_path / "gambar.xlsx", f"M{row}"), tmp_path / "diedit.xlsx")
    out = tmp_path / "hasil.xlsx"
    run_recalc(edited, out)
    drawing = next(data for name, data in parts(out).items() if name.startswith("xl/drawings/drawing"))
    assert re.search(rb"<(?:\w+:)?from>.*?<(?:\w+:)?row>%d</" % row, drawing, re.S)  # 0-based: the row below
    images = openpyxl.load_workbook(out)[T6]._images
    assert [(i.anchor._from.row + 1) for i in images] == [row + 1]
    check_schema(out)


def test_a_refused_file_is_left_untouched(tmp_path: Path) -> None:
    """A picture on a row whose content goes nowhere (here the row below the table, which the grown table now
    covers) cannot follow anything: the writer names it and writes nothing."""
    row = _row_of_moved_code()
    edited = with_new_kegiatan(_with_picture(tmp_path / "gambar.xlsx", f"M{row}"), tmp_path / "diedit.xlsx")
    book = PackageBook(edited)
    recalc(book)
    where = book._moves[T6]
    lost = next(r for r in range(4, row + 10) if r in where and r not in {s for s in where.values()})
    edited = with_new_kegiatan(_with_picture(tmp_path / "gambar2.xlsx", f"M{lost}"), tmp_path / "diedit2.xlsx")
    data = edited.read_bytes()
    book = PackageBook(edited)
    recalc(book)
    with pytest.raises(WorkbookError, match=rf"sheet 'Tabel 6 Rencana Kerja' memuat gambar/diagram/bentuk di baris {lost}"):
        book.save()
    assert edited.read_bytes() == data
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".") or p.name == "cadangan"]


def test_text_starting_with_equals_stays_text(tmp_path: Path) -> None:
    path = tmp_path / "teks.xlsx"
    shutil.copy(XLSX, path)
    book = PackageBook(path)
    book.write("Teks Bab", 4, 4, [["=1+1", Formula("=1+2", 3)]])
    book.save(keep_backup=False)
    ws = openpyxl.load_workbook(path)["Teks Bab"]
    assert ws["D4"].data_type == "s" and ws["D4"].value == "=1+1"
    assert ws["E4"].value == "=1+2"
    assert CalamineBook(path).read("Teks Bab")[3][4] == 3


def test_ensure_sheet_adds_a_sheet_libreoffice_opens(tmp_path: Path) -> None:
    path = tmp_path / "lembar.xlsm"
    shutil.copy(XLSM, path)
    book = PackageBook(path)
    assert book.ensure_sheet("Lembar Baru") and not book.ensure_sheet("Lembar Baru")
    book.write("Lembar Baru", 1, 1, [["judul", 5]])
    book.save(keep_backup=False)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[-1] == "Lembar Baru" and wb["Lembar Baru"]["B1"].value == 5
    assert CalamineBook(path).read("Lembar Baru") == [["judul", 5.0]]
    check_schema(path)


# ------------------------------------------------------------------ the old path and the new one agree

def _edit(source: Path, target: Path, seed: int, ops: list[str]) -> Path:
    """Random edits of Tabel 6 through openpyxl: parents deleted, rows reordered, blank rows, new codes."""
    rng = random.Random(seed)
    spec = sheet("tabel6")
    width, kode, pagu, level = len(spec.columns), spec.col("kode"), spec.col("pendanaan"), spec.col("tingkat")
    owned = [spec.col(k) for k in spec.keys_with_role(*OWNED_ROLES)]
    summed = [spec.col(k) for k in spec.keys_with_role("jumlah")]
    wb = openpyxl.load_workbook(source)
    ws = wb[T6]
    rows = [[c.value for c in line] for line in ws.iter_rows(min_row=FIRST_DATA_ROW, max_col=width)]
    for op in ops:
        if op == "delete_parents":
            rows = [r for r in rows if r[level] == "Sub Kegiatan" or rng.random() < 0.5]
        elif op == "reorder":
            rng.shuffle(rows)
        elif op == "blank":
            for _ in range(3):
                rows.insert(rng.randrange(len(rows) + 1), [None] * width)
        elif op == "insert":
            leaves = [r for r in rows if r[level] == "Sub Kegiatan"]
            new = list(rng.choice(leaves))
            new[kode] = f"5.03.0{rng.randint(1, 2)}.1.0{rng.randint(5, 9)}.0{rng.randint(1, 9)}"
            new[pagu] = rng.randint(1, 10**9)
            rows.insert(rng.randrange(len(rows) + 1), new)
    for r in rows:  # owned cells are Renja XL's: the user typed only the inputs
        for j in owned:
            r[j] = None
        if r[kode] and r[kode].count(".") < 5:
            r[pagu] = r[pagu] if rng.random() < 0.5 else None
            for j in summed:  # a parent's totals are formulas recalc writes
                r[j] = None
    for i in range(FIRST_DATA_ROW, ws.max_row + 1):
        for j in range(1, width + 1):
            ws.cell(i, j).value = None
    for i, r in enumerate(rows, FIRST_DATA_ROW):
        for j, v in enumerate(r, 1):
            ws.cell(i, j).value = v
    wb.save(target)
    return target


def _values(path: Path) -> dict[str, dict[tuple[int, int], Any]]:
    wb = openpyxl.load_workbook(path)
    out = {}
    for ws in wb.worksheets:
        cells = {}
        for (r, c), cell in ws._cells.items():
            v = cell.value
            if v is None or v == "":
                continue
            cells[(r, c)] = Decimal(number_text(v)) if isinstance(v, (int, float)) and not isinstance(v, bool) else v
        out[ws.title] = cells
    return out


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10**6),
       ops=st.lists(st.sampled_from(["delete_parents", "reorder", "blank", "insert"]), min_size=1, max_size=4))
def test_old_openpyxl_path_and_package_writer_agree(tmp_path: Path, seed: int, ops: list[str]) -> None:
    d = tmp_path / f"{seed}-{'-'.join(ops)}"
    d.mkdir()
    edited = _edit(XLSX, d / "diedit.xlsx", seed, ops)
    old = OpenpyxlBook(edited)
    recalc(old)
    old.save(d / "lama.xlsx", keep_backup=False)
    run_recalc(edited, d / "baru.xlsx")
    a, b = _values(d / "lama.xlsx"), _values(d / "baru.xlsx")
    assert a.keys() == b.keys()
    for name in a:
        assert a[name] == b[name], (name, set(a[name].items()) ^ set(b[name].items()))
    check_schema(d / "baru.xlsx")
    assert _python_totals_hold(d / "baru.xlsx") > 50  # and the cached values are Python's totals


# ------------------------------------------------------------------ what a rewrite must carry along

def _rezip(source: Path, target: Path, part: str, edit) -> Path:
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            zout.writestr(info, edit(data) if info.filename == part else data)
    return target


def test_shared_formulas_are_read_and_expanded(tmp_path: Path) -> None:
    """Excel writes a filled-down formula once (t="shared"); the writer must not leave dependents without
    their master, so every shared formula of a rewritten sheet becomes a plain one."""
    import re

    base = tmp_path / "dasar.xlsx"
    run_recalc(XLSX, base)
    part = sheet_part(base, T6)

    spec = sheet("tabel6")
    total = spec.columns[spec.col("jumlah")]
    h, g = (column_letter(spec.col(k) + 1).encode() for k in (total.key, total.source[0]))

    def share(data: bytes) -> bytes:
        found = re.findall(rb'<c r="' + h + rb'([0-9]+)" s="([0-9]+)"><f>' + g + rb"\1</f>", data)
        rows, style = [int(r) for r, _ in found], found[0][1]
        first, last = rows[0], rows[6]
        cell = b'<c r="%s%d" s="%s">' % (h, first, style)
        data = data.replace(cell + b"<f>%s%d</f>" % (g, first),
                            cell + b'<f t="shared" ref="%s%d:%s%d" si="0">%s%d</f>' % (h, first, h, last, g, first))
        for r in rows[1:7]:
            cell = b'<c r="%s%d" s="%s">' % (h, r, style)
            data = data.replace(cell + b"<f>%s%d</f>" % (g, r), cell + b'<f t="shared" si="0"/>')
        return data

    shared = _rezip(base, tmp_path / "bersama.xlsx", part, share)
    assert parts(shared)[part].count(b't="shared"') == 7
    block = PackageBook(shared).read(T6)
    formulas = [v for line in block for v in line if isinstance(v, Formula) and not v.startswith("=SUBTOTAL")]
    assert all(str(f) == f"={g.decode()}{r}" for f in formulas for r in [int(str(f)[2:])])
    assert len(formulas) == len(_formula_cells(base, T6)) - sum(1 for f in _formula_cells(base, T6).values()
                                                               if f.startswith("=SUBTOTAL"))
    edited = with_new_kegiatan(shared, tmp_path / "diedit.xlsx")
    out = tmp_path / "hasil.xlsx"
    run_recalc(edited, out)
    assert b't="shared"' not in parts(out)[part]
    reference = tmp_path / "acuan.xlsx"
    run_recalc(with_new_kegiatan(base, tmp_path / "acuan_diedit.xlsx"), reference)
    assert _values(out)[T6] == _values(reference)[T6]
    check_schema(out)


def test_print_area_and_validations_grow_with_the_table(tmp_path: Path) -> None:
    base = tmp_path / "dasar.xlsx"
    run_recalc(XLSX, base)
    last = len(PackageBook(base).read(T6))
    spec = sheet("tabel6")
    end, satuan = column_letter(len(spec.columns)), column_letter(spec.col("satuan") + 1)
    index = [s.name for s in SHEETS].index(T6)
    area = f"<definedName name=\"_xlnm.Print_Area\" localSheetId=\"{index}\">'{T6}'!$A$1:${end}${last}</definedName>"
    with_area = _rezip(base, tmp_path / "area.xlsx", "xl/workbook.xml",
                       lambda d: d.replace(b"</definedNames>", area.encode() + b"</definedNames>"))
    edited = with_new_kegiatan(with_area, tmp_path / "diedit.xlsx")
    out = tmp_path / "hasil.xlsx"
    run_recalc(edited, out)
    workbook = parts(out)["xl/workbook.xml"].decode()
    assert f"'{T6}'!$A$1:${end}${last + 1}" in workbook  # one kegiatan row inserted
    assert f"'{T6}'!$A$3:${end}$3" in workbook  # the autofilter's header row stays
    xml = parts(out)[sheet_part(out, T6)].decode()
    # from E4:E20000 (the satuan dropdown), A4:..20000 (the parent rows' highlighting)
    assert f'sqref="{satuan}4:{satuan}20001"' in xml and f'sqref="A4:{end}20001"' in xml
    assert f'<dimension ref="A1:{end}{last + 1}"/>' in xml


def test_cli_validate_tulis_keeps_the_macro_workbook(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from renja_xl.frontends.cli import main

    path = tmp_path / "renja.xlsm"
    shutil.copy(XLSM, path)
    before = parts(path)
    result = CliRunner().invoke(main, ["validate", str(path), "--tulis"])
    assert "temuan ditulis ke sheet 'Validasi'" in result.output, result.output
    after = parts(path)
    assert after["xl/vbaProject.bin"] == before["xl/vbaProject.bin"]
    assert after["xl/drawings/vmlDrawing1.vml"] == before["xl/drawings/vmlDrawing1.vml"]
    changed = {n for n in before if before[n] != after[n]}
    assert changed == {sheet_part(path, "Validasi")}, changed
    assert list((tmp_path / "cadangan").iterdir())  # the old file kept
    check_schema(path)


def _python_totals_hold(path: Path) -> int:
    """Every owned total's cached value is the model's figure; returns the number of cells checked."""
    renja = read_renja(PackageBook(path))
    checked = 0
    for table in renja.hierarchy_tables():
        block = renja.blocks[table.spec.key]
        for r in table.rows:
            line = block[r.source_row - 1]
            for j, c in enumerate(table.spec.columns):
                parent_total = not r.is_leaf and r.is_first and r.subtree
                if (c.role == "total" and r.is_leaf) or (c.role in ("jumlah", "total") and parent_total):
                    assert _num(line[j]) == table.shown(r, c.key), (table.spec.name, r.source_row, c.key)
                    checked += 1
    return checked


@pytest.mark.libreoffice
def test_libreoffice_recomputes_the_cache_of_a_generated_tree(soffice: str, tmp_path: Path) -> None:
    edited = _edit(XLSX, tmp_path / "diedit.xlsx", 7, ["delete_parents", "insert", "reorder", "blank", "insert"])
    out = tmp_path / "baru.xlsx"
    report = run_recalc(edited, out)
    assert report.inserted[T6] > 0
    lo = CalamineBook(libreoffice_convert(soffice, out, "xlsx", tmp_path / "lo"))
    compared = 0
    for name in FORMULA_SHEETS:
        theirs = lo.read(name)
        for (r, c), f in _formula_cells(out, name).items():
            assert _num(f) == _num(theirs[r - 1][c - 1]), (name, r, c, str(f), f.value)
            compared += 1
    assert compared > 150
    check_schema(out)


def test_only_rows_whose_content_moves_displace_their_objects() -> None:
    """Writes change cells in place (a header, row 2's totals, a table's owned columns, as pasting values in
    Excel would): what is anchored there stays. A moved row's objects go where its content went; a row whose
    content goes nowhere has nowhere to send them."""
    from renja_xl.engines.ooxml.sheetwrite import Write, rewrite
    from renja_xl.engines.ooxml.sheetxml import SheetStream

    xml = (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:A4"/>'
           b'<sheetData>' + b"".join(b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (r, r, r) for r in range(1, 5))
           + b'</sheetData></worksheet>')
    old = [[1], [2], [3], [4]]

    def outcome(writes, moves=None, preload=None):
        return rewrite(SheetStream(io.BytesIO(xml), "S"), [].append, writes, old, {}, set(), False, moves, preload)

    one = outcome([Write(2, 1, [[20]], 1, 1)])
    assert one.first_changed == 2 and [one.where(r) for r in (1, 2, 3, 4)] == [1, 2, 3, 4]
    block = outcome([Write(2, 1, [[2], [30], [40]], 3, 1)])
    assert block.first_changed == 3 and [block.where(r) for r in (2, 3, 4)] == [2, 3, 4]
    rows = {r: xml[xml.find(b'<row r="%d"' % r):xml.find(b"</row>", xml.find(b'<row r="%d"' % r)) + 6] for r in (2, 3)}
    moved = outcome([Write(2, 1, [[None], [2], [3]], 3, 1)], {2: None, 3: 2, 4: 3}, rows)  # a new row above 2 and 3
    assert [moved.where(r) for r in (1, 2, 3, 4)] == [1, 3, 4, None]  # row 4's content (4) went nowhere


def test_agency_totals_carry_python_values(tmp_path: Path) -> None:
    from renja_xl.domain.hierarchy import agency_totals
    from renja_xl.domain.layout import NOTE_ROW

    out = tmp_path / "hasil.xlsx"
    run_recalc(XLSX, out)
    table = next(t for t in read_renja(PackageBook(out)).hierarchy_tables() if t.spec.key == "tabel6")
    want = agency_totals(table)
    spec = table.spec
    line = CalamineBook(out).read(T6)[NOTE_ROW - 1]  # calamine: the cached values only
    assert {k: Decimal(number_text(line[spec.col(k)])) for k in want} == want
    assert want["jumlah"] == sum(r.totals["jumlah"] for r in table.rows if r.level == Level.BIDANG and r.is_first) > 0
    assert not run_recalc(out, tmp_path / "lagi.xlsx").writes  # written once, then the same


def test_moved_rows_keep_their_xml_whatever_the_attribute_order() -> None:
    from renja_xl.engines.ooxml.sheetwrite import Write, rewrite
    from renja_xl.engines.ooxml.sheetxml import SheetStream

    xml = (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:B3"/>'
           b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>'
           b'<row r="2" ht="30" customHeight="1"><c s="3" r="A2" t="s"><v>0</v></c><c r="B2"><v>2</v></c></row>'
           b'<row r="3"><c r="A3" s="4" t="inlineStr"><is><t>tiga</t></is></c><c r="B3"><v>3</v></c></row>'
           b'</sheetData></worksheet>')
    old = [["x"], ["dua", 2.0], ["tiga", 3.0]]
    out: list[bytes] = []
    result = rewrite(SheetStream(io.BytesIO(xml), "S"), out.append, [Write(2, 1, [["tiga", 3.0], ["dua", 20]], 2, 2)],
                     old, {}, set(), False, {2: 3, 3: 2}, {2: xml[xml.find(b'<row r="2"'):xml.find(b'<row r="3"')],
                                                            3: xml[xml.find(b'<row r="3"'):xml.find(b"</sheetData>")]})
    new = b"".join(out)
    assert b'<row r="2"><c r="A2" s="4" t="inlineStr"><is><t>tiga</t></is></c><c r="B2"><v>3</v></c></row>' in new
    # row 3 is old row 2 moved: its height, its shared string cell (s before r) kept, B rewritten with 20
    assert b'<row r="3" ht="30" customHeight="1"><c s="3" r="A3" t="s"><v>0</v></c><c r="B3"><v>20</v></c></row>' in new
    assert result.first_changed == 2 and result.shared_strings_dropped == 0


@pytest.mark.libreoffice
def test_libreoffice_binds_every_button_after_recalc(macro_case, soffice: str, tmp_path: Path) -> None:
    import re

    from renja_xl.build.xlsm import BUTTONS

    _, out = macro_case
    ods = libreoffice_convert(soffice, out, "ods", tmp_path)
    with zipfile.ZipFile(ods) as z:
        content = z.read("content.xml").decode("utf-8")
    bound = {}
    for button in re.findall(r"<form:button .*?</form:button>", content, flags=re.S):
        label = re.search(r'form:label="([^"]*)"', button).group(1)
        bound[label] = re.search(r'xlink:href="vnd\.sun\.star\.script:VBAProject\.RenjaXL\.(\w+)\?', button).group(1)
    assert bound == {b.caption: b.macro for b in BUTTONS}


def test_an_excel_note_moves_its_anchor_with_its_row_and_a_button_is_refused() -> None:
    """Excel writes a note's place twice (x:Anchor rows, x:Row, both 0-based): both follow the row."""
    from renja_xl.engines.ooxml.package import _follow_vml

    note = (b'<v:shape><x:ClientData ObjectType="Note"><x:MoveWithCells/>'
            b"<x:Anchor>\n 3, 15, 95, 2, 5, 15, 99, 16</x:Anchor><x:AutoFill>False</x:AutoFill>"
            b"<x:Row>95</x:Row><x:Column>2</x:Column></x:ClientData></v:shape>")
    button = b'<v:shape><x:ClientData ObjectType="Button"><x:Anchor>1, 0, 95, 0, 3, 0, 97, 0</x:Anchor></x:ClientData></v:shape>'
    refused: list[str] = []
    moved = _follow_vml(note, lambda r: r + 1 if r >= 96 else r, refused)
    assert b"<x:Row>96</x:Row>" in moved and b"3, 15, 96, 2, 5, 15, 100, 16" in moved and not refused
    assert _follow_vml(button, lambda r: r + 1 if r >= 96 else r, refused) == button
    assert refused == ["tombol/kontrol atau catatan (VML) di baris 96"]
    assert _follow_vml(note, lambda r: r, refused) == note


def test_links_follow_the_rows_recalc_moves(tmp_path: Path) -> None:
    """A link typed on the moved sub kegiatan's row goes down with it, as Excel moves it when rows are inserted
    above; a link on a row that stays, stays. (A merged range inside a table is refused by the reader.)"""
    row = _row_of_moved_code()
    source = tmp_path / "tautan.xlsx"
    wb = openpyxl.load_workbook(XLSX)
    ws = wb[T6]
    ws.cell(row, 13).hyperlink = "https://sipd.kemendagri.go.id/"
    ws.cell(row, 13).value = "dokumen"
    ws.cell(row - 30, 13).hyperlink = "https://example.org/"
    wb.save(source)
    edited = with_new_kegiatan(source, tmp_path / "diedit.xlsx")
    out = tmp_path / "hasil.xlsx"
    run_recalc(edited, out)
    ws = openpyxl.load_workbook(out)[T6]
    assert ws.cell(row + 1, 13).hyperlink.target == "https://sipd.kemendagri.go.id/"
    assert ws.cell(row + 1, 13).value == "dokumen" and ws.cell(row, 13).hyperlink is None
    assert ws.cell(row - 30, 13).hyperlink.target == "https://example.org/"
    check_schema(out)


def test_a_merge_moves_when_all_its_rows_move_alike_and_is_refused_when_split() -> None:
    from renja_xl.engines.ooxml.sheetwrite import _follow

    tail = b'<mergeCells count="2"><mergeCell ref="M10:N11"/><mergeCell ref="M20:N21"/></mergeCells>'
    objects: list[str] = []
    down = _follow(tail, lambda r: r + 1 if r >= 10 else r, objects)  # rows 10 on moved down by one
    assert b'ref="M11:N12"' in down and b'ref="M21:N22"' in down and not objects
    _follow(tail, lambda r: r + 1 if r == 11 else r, objects)  # only the second row of the first merge moves
    assert objects == ["sel tergabung (merge) M10:N11"]


def test_a_formula_below_the_last_value_is_read_and_kept(tmp_path):
    """A formula cell openpyxl wrote (no cached value) below a table's last row lies past calamine's block: the
    package engine still gives it to the reader (its row reported as a row without a code, as the openpyxl engine
    reads it), and recalc refuses the file instead of dropping the row."""
    path = tmp_path / "catatan.xlsx"
    shutil.copyfile(XLSX, path)
    t1 = sheet("tabel1")
    wb = openpyxl.load_workbook(path)
    ws = wb[t1.name]
    row = ws.max_row + 3
    ws.cell(row, t1.col("uraian") + 1, f"=SUM(A{FIRST_DATA_ROW}:A{row - 1})")
    wb.save(path)

    def seen(book):
        renja = read_renja(book)
        return ([(r.kode.text, r.source_row) for r in renja.tabel1.rows],
                sorted((f.rule, f.sheet, f.cell) for f in renja.findings if f.sheet == t1.name))

    package, by_openpyxl = seen(PackageBook(path)), seen(OpenpyxlBook(path))
    assert package == by_openpyxl
    ref = f"{column_letter(t1.col('kode') + 1)}{row}"
    assert any(cell == ref for _, _, cell in package[1])  # the formula's row, named
    before = path.read_bytes()
    with pytest.raises(Exception):
        recalc(PackageBook(path))
    assert path.read_bytes() == before
