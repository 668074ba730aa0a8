"""Bad input through the CLI: a clear Indonesian message naming sheet and cell, a non-zero exit, no traceback,
and the file on disk unchanged (nothing lost)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any, Callable

import openpyxl
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from renja_xl.domain.cells import cell_ref
from renja_xl.frontends.cli import main
from renja_xl.engines.calamine_engine import CalamineBook
from renja_xl.engines.openpyxl_engine import OpenpyxlBook
from renja_xl.engines.openpyxl_template import build_template
from renja_xl.domain.errors import RenjaError
from renja_xl.domain.layout import FIRST_DATA_ROW, SHEETS, sheet
from renja_xl.workbook.recalc import recalc
from renja_xl.workbook.validation import validate_grid

T1, T6, SIPD = sheet("tabel1").name, sheet("tabel6").name, sheet("sipd").name


def row(key: str, **values: Any) -> list[Any]:
    return sheet(key).make_row(**values)


def leaf1(kode: Any, anggaran: Any = 1000000, realisasi: Any = 900000) -> list[Any]:
    return row("tabel1", kode=kode, uraian=f"Sub Kegiatan {kode}", indikator="Jumlah Dokumen", target=1,
               satuan="Dokumen", anggaran=anggaran, realisasi=realisasi)


GOOD1 = [leaf1("5.03.01.1.01.01"), leaf1("5.03.01.1.01.02", 2500000, 2400000)]


def workbook(path: Path, rows: dict[str, list[list[Any]]] | None = None,
             tweak: Callable[[openpyxl.Workbook], None] | None = None) -> Path:
    """A template with rows typed into sheets, then changed by hand the way a user could (openpyxl)."""
    book = OpenpyxlBook(path, build_template())
    for name, lines in (rows or {T1: GOOD1}).items():
        book.write(name, FIRST_DATA_ROW, 1, lines)
    if tweak:
        tweak(book.wb)
    book.save(keep_backup=False)
    return path


def run(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args])


def assert_refused(result, path: Path, before: bytes | None, *needles: str) -> str:
    out = result.output  # stdout and stderr together
    assert result.exit_code != 0, out
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in out
    for needle in needles:
        assert needle in out, f"{needle!r} tidak ada di:\n{out}"
    if before is not None:
        assert path.read_bytes() == before, "berkas berubah"
        assert not (path.parent / "cadangan").exists()
    return out


# --- cells a user typed wrong: both recalc (openpyxl) and validate (calamine) name sheet and cell ---------------

def _merge(wb):
    wb[T1].merge_cells("C4:C5")


def _header(wb):
    wb[T1]["D3"] = "Target Kinerja (volume)"


def _identitas(label: str, value: Any):
    def tweak(wb) -> None:
        ws = wb["Identitas"]
        row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == label)
        ws.cell(row, 2).value = value
    return tweak


def _identitas_cell(label: str) -> str:
    ws = build_template()["Identitas"]
    return f"Identitas!B{next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == label)}"


T2, T3 = sheet("tabel2").name, sheet("tabel3").name

CELL_CASES = {
    "uang_teks": ({T1: [leaf1("5.03.01.1.01.01"), leaf1("5.03.01.1.01.02", "1.234.567,00")]}, None,
                  [f"{T1}!F5", "1.234.567,00", "diketik sebagai teks", "misalnya 1234567"]),
    "pendanaan_teks": ({T6: [row("tabel6", kode="5.03.01.1.01.01", uraian="A", pendanaan="Rp 5.000.000")]}, None,
                       [f"{T6}!G4", "Rp 5.000.000", "misalnya 5000000"]),
    "kode_salah": ({T6: [row("tabel6", kode="5.03.01.1.01.01", uraian="A", pendanaan=5),
                         row("tabel6", kode="5.03.01.1.1", uraian="B", pendanaan=7)]}, None,
                   [f"{T6}!B5", "'5.03.01.1.1'", "harus 2 digit"]),
    "kode_angka": ({SIPD: [row("sipd", kode="5.03.01.1.01.01", uraian="A", pagu=10),
                           row("sipd", kode=5.1, uraian="B", pagu=20)]}, None,
                   [f"{SIPD}!B5", "(5.1)", "sebagai angka"]),
    "sel_gabung": ({T1: GOOD1}, _merge, [f"{T1}!C4:C5", "merge", "Unmerge"]),
    "ref_error": ({T1: [leaf1("5.03.01.1.01.01", realisasi="#REF!"), GOOD1[1]]}, None,
                  [f"{T1}!G4", "#REF!", "galat Excel"]),
    "judul_kolom": ({T1: GOOD1}, _header, [T1, "D3", "Target", "Jangan menyisipkan"]),
    "tahun_teks": ({T1: GOOD1}, _identitas("Tahun Rencana", "dua ribu"),
                   [_identitas_cell("Tahun Rencana"), "'dua ribu' bukan tahun"]),
    "nip_angka": ({T1: GOOD1}, _identitas("NIP", 196502061986031018),
                  [_identitas_cell("NIP"), "sebagai angka", "teks"]),
    "iku_galat": ({T2: [[1, "Sasaran", "1.1", "Indeks", "Indeks", "Positif", 50, "#N/A"]]}, None,
                  [f"{T2}!H4", "#N/A"]),
    "tren_galat": ({T3: [[1, "Sasaran", "1.1", "Indeks", "Indeks", 50, "#VALUE!"]]}, None, [f"{T3}!G4", "#VALUE!"]),
}


@pytest.mark.parametrize("command", ["recalc", "validate"])
@pytest.mark.parametrize("case", sorted(CELL_CASES))
def test_bad_cell_is_named_and_nothing_changes(tmp_path: Path, case: str, command: str) -> None:
    rows, tweak, needles = CELL_CASES[case]
    path = workbook(tmp_path / "renja.xlsx", rows, tweak)
    before = path.read_bytes()
    out = assert_refused(run(command, path), path, before, *needles)
    assert "Galat" in out


def test_every_bad_cell_is_reported_at_once(tmp_path: Path) -> None:
    path = workbook(tmp_path / "renja.xlsx", {
        T1: [leaf1("5.03.01.1.01.01", "1.234.567,00"), leaf1(5.1), leaf1("5.03.01.1.01.03", realisasi="#REF!")]})
    before = path.read_bytes()
    for command in ("recalc", "validate"):
        assert_refused(run(command, path), path, before, f"{T1}!F4", f"{T1}!A5", f"{T1}!G6")


def test_recalc_to_other_file_refused_writes_nothing(tmp_path: Path) -> None:
    path = workbook(tmp_path / "renja.xlsx", {T1: [leaf1("5.03.01.1.01.01", "1.234.567,00")]})
    before = path.read_bytes()
    assert_refused(run("recalc", path, "-o", tmp_path / "baru.xlsx"), path, before, f"{T1}!F4")
    assert not (tmp_path / "baru.xlsx").exists()


# --- blank rows: simply compacted -----------------------------------------------------------------

def test_blank_rows_in_the_middle_are_compacted(tmp_path: Path) -> None:
    blank = [None] * len(sheet("tabel1").columns)
    path = workbook(tmp_path / "renja.xlsx", {T1: [GOOD1[0], blank, blank, GOOD1[1], blank, leaf1("5.03.01.1.02.01")]})
    result = run("recalc", path)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    ws = openpyxl.load_workbook(path)[T1]
    codes = [ws.cell(r, 1).value for r in range(FIRST_DATA_ROW, ws.max_row + 1) if ws.cell(r, 1).value]
    assert codes == ["5.03", "5.03.01", "5.03.01.1.01", "5.03.01.1.01.01", "5.03.01.1.01.02", "5.03.01.1.02",
                     "5.03.01.1.02.01"]
    assert all(ws.cell(r, 1).value for r in range(FIRST_DATA_ROW, FIRST_DATA_ROW + len(codes)))
    assert [ws.cell(r, 6).value for r in range(FIRST_DATA_ROW + 3, FIRST_DATA_ROW + 5)] == [1000000, 2500000]
    validated = run("validate", path)
    assert validated.exit_code == 0, validated.output


# --- files that are not Renja workbooks -----------------------------------------------------------

def _csv(path: Path) -> None:
    path.write_text("kode,uraian,anggaran\n5.03.01.1.01.01,Penyusunan,1000\n", encoding="utf-8")


def _random(path: Path) -> None:
    path.write_bytes(os.urandom(4096))


def _zip(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("catatan.txt", "bukan buku kerja")


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _broken_xlsx(path: Path) -> None:
    """A real workbook whose zip was cut in half (an interrupted copy)."""
    workbook(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _docx_like(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")


def _damaged_sheet(path: Path) -> None:
    """A sound zip holding a workbook whose Tabel 6 XML is cut short (a damaged save)."""
    from renja_xl.engines.calamine_engine import _sheet_parts

    source = workbook(path.with_name("utuh.xlsx"))
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        part = _sheet_parts(zin)[T6]
        for info in zin.infolist():
            data = zin.read(info.filename)
            zout.writestr(info, data[: len(data) // 2] if info.filename == part else data)


NOT_WORKBOOKS = {"csv": _csv, "acak": _random, "zip": _zip, "kosong": _empty, "terpotong": _broken_xlsx,
                 "docx": _docx_like, "sheet_rusak": _damaged_sheet}


@pytest.mark.parametrize("command", ["recalc", "validate"])
@pytest.mark.parametrize("kind", sorted(NOT_WORKBOOKS))
def test_file_that_is_not_a_workbook(tmp_path: Path, kind: str, command: str) -> None:
    path = tmp_path / "renja.xlsx"
    NOT_WORKBOOKS[kind](path)
    before = path.read_bytes()
    out = assert_refused(run(command, path), path, before, "renja.xlsx", "Galat")
    assert "buku kerja" in out or "rusak" in out


@pytest.mark.parametrize("command", ["recalc", "validate"])
def test_missing_file_and_folder(tmp_path: Path, command: str) -> None:
    assert_refused(run(command, tmp_path / "tidak_ada.xlsx"), tmp_path / "tidak_ada.xlsx", None,
                   "tidak_ada.xlsx", "tidak ditemukan")
    assert not (tmp_path / "tidak_ada.xlsx").exists()
    folder = tmp_path / "map.xlsx"
    folder.mkdir()
    assert_refused(run(command, folder), folder, None, "map.xlsx")


@pytest.mark.parametrize("command", ["recalc", "validate"])
def test_workbook_missing_a_sheet(tmp_path: Path, command: str) -> None:
    path = workbook(tmp_path / "renja.xlsx", tweak=lambda wb: wb.remove(wb[T6]))
    before = path.read_bytes()
    assert_refused(run(command, path), path, before, f"'{T6}'", "tidak ada")


@pytest.mark.parametrize("command", ["recalc", "validate"])
def test_stray_cell_far_from_the_table(tmp_path: Path, command: str) -> None:
    """One entry typed in XFD2000 makes the used range 2.000 x 16.384 cells: refused by name before an engine
    tries to hold it as one block (in XFD1048576 it would be 17 billion cells)."""
    def stray(wb: openpyxl.Workbook) -> None:
        wb[T6].cell(row=2000, column=16384).value = "x"
    path = workbook(tmp_path / "renja.xlsx", tweak=stray)
    assert_refused(run(command, path), path, path.read_bytes(), f"'{T6}'", "XFD2000", "di luar tabel")


def test_real_entry_point_prints_no_traceback(tmp_path: Path) -> None:
    """The installed console script (not only click's test runner): message on stderr, exit code, no traceback."""
    path = tmp_path / "data.xlsx"
    _csv(path)
    exe = shutil.which("renja-xl")
    cmd = [exe] if exe else [sys.executable, "-m", "renja_xl"]
    proc = subprocess.run(cmd + ["recalc", str(path)], capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr + proc.stdout
    assert "data.xlsx" in proc.stderr and "bukan buku kerja" in proc.stderr


def test_date_cell_calamine_cannot_convert(tmp_path: Path) -> None:
    """A date-formatted cell holding -1E+300 makes python-calamine panic (a Rust panic, not an Exception): the
    fast reader falls back to openpyxl for that sheet, which shows the cell as #VALUE!, and validate names it."""
    t2 = sheet("tabel2").name

    def date_then_huge(wb: openpyxl.Workbook) -> None:
        cell = wb[t2].cell(row=FIRST_DATA_ROW, column=sheet("tabel2").col("target") + 1)
        cell.value = datetime(2024, 5, 6)  # openpyxl gives the cell a date format
        cell.value = -1e300
    path = workbook(tmp_path / "renja.xlsx", tweak=date_then_huge)
    result = run("validate", "--json", path)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    target = cell_ref(FIRST_DATA_ROW, sheet("tabel2").col("target") + 1)
    assert any(f["sheet"] == t2 and f["cell"] == target and "#VALUE!" in f["message"]
               for f in json.loads(result.stdout)), result.output


# --- saving: a backup in cadangan/, -o leaves the input alone ----------------------------------------

def test_recalc_in_place_keeps_a_backup(tmp_path: Path) -> None:
    path = workbook(tmp_path / "renja.xlsx")
    before = path.read_bytes()
    result = run("recalc", path)
    assert result.exit_code == 0, result.output
    backups = list((tmp_path / "cadangan").iterdir())
    assert len(backups) == 1
    assert backups[0].suffix == ".xlsx" and backups[0].name.startswith("renja-")
    assert backups[0].read_bytes() == before
    assert path.read_bytes() != before
    assert str(backups[0].name) in result.output
    # a second recalc finds nothing to do and touches nothing
    after = path.read_bytes()
    again = run("recalc", path)
    assert again.exit_code == 0 and "Tidak ada yang perlu diubah" in again.output
    assert path.read_bytes() == after
    assert len(list((tmp_path / "cadangan").iterdir())) == 1


def test_recalc_to_output_leaves_input_untouched(tmp_path: Path) -> None:
    path = workbook(tmp_path / "renja.xlsx")
    before = path.read_bytes()
    out = tmp_path / "hasil" / "renja_baru.xlsx"
    result = run("recalc", path, "-o", out)
    assert result.exit_code == 0, result.output
    assert path.read_bytes() == before
    assert not (tmp_path / "cadangan").exists()
    ws = openpyxl.load_workbook(out)[T1]
    assert ws.cell(FIRST_DATA_ROW, 1).value == "5.03"
    assert str(ws.cell(FIRST_DATA_ROW, 6).value).startswith("=SUBTOTAL(9,")


@pytest.mark.libreoffice
def test_error_results_saved_by_a_spreadsheet_are_named(soffice: str, tmp_path: Path) -> None:
    """Formulas whose saved result is an error (#REF!, #DIV/0!), as Excel or LibreOffice store them: the fast
    reader of validate (calamine returns errors as '') must still see and name them, not read an empty cell."""
    from conftest import libreoffice_convert

    source = workbook(tmp_path / "sumber.xlsx", {T1: [leaf1("5.03.01.1.01.01", realisasi="=#REF!+1"),
                                                      leaf1("5.03.01.1.01.02", anggaran="=1/0")]})
    path = libreoffice_convert(soffice, source, "xlsx", tmp_path / "lo")
    before = path.read_bytes()
    assert_refused(run("validate", path), path, None, f"{T1}!G4", "#REF!", f"{T1}!F5", "#DIV/0!")
    assert path.read_bytes() == before


# --- anything typed anywhere: a clean refusal or a correct recalc, never a crash ------------------------------

ANY_VALUE = st.one_of(
    st.none(), st.booleans(), st.integers(-10**20, 10**20), st.floats(allow_nan=True, allow_infinity=True),
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=20),
    st.sampled_from(["#REF!", "#N/A", "=1/0", "=A1", "5.03.01.1.01.01", " 5.03 ", "5.1", "X.XX.01", "BB", "AA",
                     "Predikat", "Negatif", "1.234,5", "Rp 5.000", "0", "-5", "5.03.01.1.01.0001"]),
    st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1)),
)
FUZZED = [s for s in SHEETS if s.kind in ("hierarki", "iku", "tabel", "teks", "identitas")]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cells=st.lists(st.tuples(st.sampled_from(FUZZED), st.integers(0, 3), st.integers(0, 11), ANY_VALUE),
                      min_size=1, max_size=12))
def test_any_typed_value_is_refused_cleanly_or_recalculated(cells) -> None:
    """Random values (text, numbers, NaN, dates, error values, formulas, codes) in random cells of every input
    sheet: validate and recalc either refuse with a user message or succeed, and a successful recalc is final."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "renja.xlsx"
        book = OpenpyxlBook(path, build_template())
        book.write(T1, FIRST_DATA_ROW, 1, [GOOD1[0]])
        for spec, r, c, value in cells:
            if spec.kind == "identitas":
                book.write(spec.name, FIRST_DATA_ROW + 5 * r, 2, [[value]])
            else:
                book.write(spec.name, FIRST_DATA_ROW + r, c % len(spec.columns) + 1, [[value]])
        book.save(keep_backup=False)
        try:
            validate_grid(CalamineBook(path))
        except RenjaError as exc:  # a user error: a message, never a traceback
            assert str(exc).strip()
        try:
            book = OpenpyxlBook(path)
            recalc(book)
        except RenjaError as exc:
            assert str(exc).strip()
            return
        book.save(keep_backup=False)
        again = OpenpyxlBook(path)
        before = {name: again.read(name) for name in again.sheet_names()}
        assert recalc(again).writes == 0
        assert {name: again.read(name) for name in again.sheet_names()} == before


def test_number_typed_over_a_subtotal(tmp_path: Path, example_path: Path) -> None:
    """A user typed a number over a parent's live subtotal: validate names the cell, recalc puts the formula back,
    says so naming the cell, and the typed number survives in the backup."""
    path = tmp_path / "renja.xlsx"
    shutil.copy(example_path, path)
    wb = openpyxl.load_workbook(path)
    assert str(wb[T1]["F4"].value).startswith("=SUBTOTAL(")
    wb[T1]["F4"] = 123456789
    wb.save(path)

    checked = run("validate", path)
    assert checked.exit_code == 1
    assert f"{T1}!F4" in checked.output and "123.456.789" in checked.output

    result = run("recalc", path)
    assert result.exit_code == 0, result.output
    assert f"{T1}!F4" in result.output and "diganti rumus" in result.output
    assert str(openpyxl.load_workbook(path)[T1]["F4"].value).startswith("=SUBTOTAL(9,F5:")
    (backup,) = (tmp_path / "cadangan").iterdir()
    assert openpyxl.load_workbook(backup)[T1]["F4"].value == 123456789


def test_saved_files_are_readable_by_others_as_the_umask_allows(tmp_path):
    """Atomic saves go through a private temporary file; the result must not stay private (0600)."""
    import os
    import stat

    from click.testing import CliRunner

    out = tmp_path / "baru.xlsx"
    old = os.umask(0o022)
    try:
        assert CliRunner().invoke(main, ["new", str(out)]).exit_code == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(out.stat().st_mode) == 0o644
    os.chmod(out, 0o640)
    assert CliRunner().invoke(main, ["new", str(out)]).exit_code == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o640
