"""SIPD import: a print rebuilt here from the seed's lampiran CSV, as SIPD-RI gives it (title lines, the header
and its (1)..(8) row repeated on every page, 'Nama - Usulan' in one cell, 'VOLUME SATUAN' in one cell, pagu
written twice, bold parent rows, a JUMLAH row), imported into the Usulan SIPD sheet and nothing else."""
from __future__ import annotations

import csv
import io
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook
from openpyxl.styles import Font

from renja_xl.frontends.cli import main
from renja_xl.engines.calamine_engine import CalamineBook
from renja_xl.domain.layout import FIRST_DATA_ROW, sheet
from renja_xl.sipd.usulan import indonesian_number, pagu_value, parse_print, split_uraian

from conftest import NOMENKLATUR, SEED, libreoffice_convert

SPEC = sheet("sipd")
HEADER = ["NO", "KODE", "URAIAN URUSAN / BIDANG / PROGRAM / KEGIATAN / SUB KEGIATAN / USULAN", "LOKASI",
          "VOLUME / SATUAN", "JUMLAH PAGU (Rp)", "STATUS DISETUJUI", "CATATAN"]
NUMBERING = ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)", "(8)"]
PAGE = 17  # data rows per printed page


def lampiran() -> list[dict[str, str]]:
    with open(SEED / "lampiran_usulan_sipd_2024.csv", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _leaf(kode: str) -> bool:
    return len(kode.split(".")) == 6


def rupiah_printed(text: str) -> str:
    """'18000000.00' -> '18.000.000,00', as SIPD prints it."""
    d = Decimal(text)
    whole, frac = f"{d:.2f}".split(".")
    return f"{int(whole):,}".replace(",", ".") + "," + frac


def print_rows(seed: list[dict[str, str]]) -> list[tuple[list, bool]]:
    """(cells, bold) of the print: title, header pages, rows, JUMLAH."""
    out: list[tuple[list, bool]] = [
        (["USULAN BADAN KEPEGAWAIAN DAERAH PROVINSI KALIMANTAN BARAT"] + [None] * 7, True),
        (["PROVINSI KALIMANTAN BARAT TAHUN 2024"] + [None] * 7, True),
        (["SEMUA USULAN"] + [None] * 7, True),
        ([None] * 8, False),
    ]
    total = Decimal(0)
    for i, r in enumerate(seed):
        if i % PAGE == 0:
            if i:
                out.append(([None] * 8, False))
            out.append((list(HEADER), True))
            out.append((list(NUMBERING) if i == 0 else [f"( {n} )" for n in range(1, 9)], False))
            if i == 0:
                out.append(([None, None, None, None, None, "-", None, None], False))
        leaf = _leaf(r["kode"])
        pagu = rupiah_printed(r["jumlah_pagu"])
        if leaf:
            total += Decimal(r["jumlah_pagu"])
            if (i // PAGE) % 2 == 1:
                pagu = f"{pagu} {pagu}"  # some pages print the amount twice
            cells = [None, r["kode"], f"{r['uraian']} - {r['usulan']}", r["lokasi"],
                     f"{r['volume']} {r['satuan']}", pagu, r["status"], r["catatan"] or None]
        else:
            cells = [None, r["kode"], r["uraian"], None, None, pagu, None, None]
        out.append((cells, not leaf))
    out.append(([None, None, "JUMLAH", None, None, rupiah_printed(str(total)), None, None], True))
    return out


def write_xlsx(rows: list[tuple[list, bool]], path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Usulan"
    for cells, bold in rows:
        ws.append(cells)
        if bold:
            for c in ws[ws.max_row]:
                c.font = Font(bold=True)
    wb.save(path)
    return path


def write_csv(rows: list[tuple[list, bool]], path: Path, delimiter: str = ",") -> Path:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter)
    for cells, _ in rows:
        w.writerow(["" if c is None else c for c in cells])
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def sheet_rows(path: Path) -> list[list]:
    block = CalamineBook(path).read(SPEC.name)
    return [r + [None] * (len(SPEC.columns) - len(r)) for r in block[FIRST_DATA_ROW - 1:]
            if any(v not in (None, "") for v in r)]


def _assert_reproduces_the_lampiran(path: Path) -> None:
    seed = lampiran()
    leaves = [r for r in seed if _leaf(r["kode"])]
    rows = sheet_rows(path)
    got = [r for r in rows if r[SPEC.col("tingkat")] == "Sub Kegiatan"]
    assert len(got) == len(leaves) == 81
    col = SPEC.col
    for g, s in zip(got, leaves):
        assert g[col("kode")] == s["kode"]
        assert g[col("uraian")] == s["uraian"] and g[col("usulan")] == s["usulan"]
        assert Decimal(repr(g[col("pagu")])) == Decimal(s["jumlah_pagu"]), s["kode"]
        assert g[col("lokasi")] == s["lokasi"] and g[col("satuan")] == s["satuan"]
        assert Decimal(repr(g[col("volume")])) == Decimal(s["volume"])
        assert (g[col("status")] or "") == s["status"]
    assert sum(Decimal(repr(g[col("pagu")])) for g in got) == Decimal("19171000000")
    parents = [r[col("kode")] for r in rows if r[col("tingkat")] != "Sub Kegiatan"]
    assert parents == [s["kode"] for s in seed if not _leaf(s["kode"])]


@pytest.fixture()
def blank_workbook(tmp_path: Path) -> Path:
    path = tmp_path / "renja.xlsx"
    assert CliRunner().invoke(main, ["new", str(path)]).exit_code == 0
    return path


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "csv;"])
def test_import_reproduces_the_81_sub_kegiatan(fmt: str, tmp_path: Path, blank_workbook: Path) -> None:
    rows = print_rows(lampiran())
    assert sum(1 for cells, _ in rows if cells[:2] == HEADER[:2]) == 6  # the header repeats on every page
    if fmt == "xlsx":
        source = write_xlsx(rows, tmp_path / "usulan.xlsx")
    else:
        source = write_csv(rows, tmp_path / "usulan.csv", delimiter=fmt[3:] or ",")
    before = {n: CalamineBook(blank_workbook).read(n) for n in CalamineBook(blank_workbook).sheet_names()}
    result = CliRunner().invoke(main, ["import-sipd", str(source), str(blank_workbook)])
    assert result.exit_code == 0, result.output
    assert "81 usulan sub kegiatan (Rp 19.171.000.000)" in result.output
    _assert_reproduces_the_lampiran(blank_workbook)
    after = {n: CalamineBook(blank_workbook).read(n) for n in CalamineBook(blank_workbook).sheet_names()}
    assert {n for n in before if before[n] != after[n]} == {SPEC.name}  # nothing else touched
    assert list((tmp_path / "cadangan").glob("renja-*.xlsx"))


@pytest.mark.libreoffice
def test_parent_subtotals_equal_the_printed_totals(tmp_path: Path, blank_workbook: Path, soffice: str) -> None:
    source = write_xlsx(print_rows(lampiran()), tmp_path / "usulan.xlsx")
    assert CliRunner().invoke(main, ["import-sipd", str(source), str(blank_workbook)]).exit_code == 0
    recomputed = libreoffice_convert(soffice, blank_workbook, "xlsx", tmp_path / "lo")
    printed = {r["kode"]: Decimal(r["jumlah_pagu"]) for r in lampiran() if not _leaf(r["kode"])}
    rows = sheet_rows(recomputed)
    got = {r[SPEC.col("kode")]: Decimal(repr(r[SPEC.col("pagu")])) for r in rows
           if r[SPEC.col("tingkat")] != "Sub Kegiatan"}
    assert got == printed


def test_import_replaces_the_sheet_wholesale(tmp_path: Path, example_path: Path) -> None:
    target = tmp_path / "contoh.xlsx"
    shutil.copy(example_path, target)
    seed = lampiran()[:12]  # a shorter print: the rest of the old rows must go
    source = write_xlsx(print_rows(seed), tmp_path / "usulan.xlsx")
    result = CliRunner().invoke(main, ["import-sipd", str(source), str(target)])
    assert result.exit_code == 0, result.output
    rows = sheet_rows(target)
    assert [r[SPEC.col("kode")] for r in rows] == [r["kode"] for r in seed]


def test_printed_parent_total_that_does_not_add_up_is_reported(tmp_path: Path, blank_workbook: Path) -> None:
    rows = print_rows(lampiran())
    for cells, _ in rows:
        if cells[1] == "5.03.01.1.03":
            cells[5] = "35.000.000,00"  # printed 34.000.000,00
    source = write_xlsx(rows, tmp_path / "usulan.xlsx")
    result = CliRunner().invoke(main, ["import-sipd", str(source), str(blank_workbook)])
    assert result.exit_code == 0, result.output
    assert "5.03.01.1.03" in result.output and "Rp 35.000.000" in result.output and "Rp 34.000.000" in result.output


@pytest.mark.parametrize("change,words", [
    (lambda cells: cells.__setitem__(5, "5.000.000,00 6.000.000,00"), ["dua kali", "Rp 5.000.000", "Rp 6.000.000"]),
    (lambda cells: cells.__setitem__(5, "lima juta"), ["'lima juta' bukan angka"]),
    (lambda cells: cells.__setitem__(1, 5.03), ["angka"]),
    (lambda cells: cells.__setitem__(1, "5.03.01.1.01.1"), ["2 atau 4 digit"]),
])
def test_unreadable_rows_stop_the_import_and_nothing_is_written(change, words, tmp_path: Path,
                                                                blank_workbook: Path) -> None:
    rows = print_rows(lampiran())
    target_row = next(i for i, (cells, _) in enumerate(rows) if cells[1] == "5.03.01.1.01.02")
    change(rows[target_row][0])
    source = write_xlsx(rows, tmp_path / "usulan.xlsx")
    before = blank_workbook.read_bytes()
    result = CliRunner().invoke(main, ["import-sipd", str(source), str(blank_workbook)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "cetakan SIPD!" in result.output and str(target_row + 1) in result.output
    for w in words:
        assert w in result.output, result.output
    assert blank_workbook.read_bytes() == before


def test_a_file_that_is_not_a_sipd_print(tmp_path: Path, blank_workbook: Path) -> None:
    other = NOMENKLATUR / "sumber_900-1317-2023_kabkota_cuplikan.xlsx"
    before = blank_workbook.read_bytes()
    result = CliRunner().invoke(main, ["import-sipd", str(other), str(blank_workbook)])
    assert result.exit_code == 2 and "baris judul cetakan SIPD" in result.output
    text = write_csv([(["Nama", "Nilai"], False), (["a", "1"], False)], tmp_path / "lain.csv")
    result = CliRunner().invoke(main, ["import-sipd", str(text), str(blank_workbook)])
    assert result.exit_code == 2 and "baris judul cetakan SIPD" in result.output
    assert blank_workbook.read_bytes() == before
    missing = CliRunner().invoke(main, ["import-sipd", str(tmp_path / "tidak_ada.csv"), str(blank_workbook)])
    assert missing.exit_code == 2 and "tidak ditemukan" in missing.output


def test_split_and_amounts() -> None:
    assert split_uraian("Evaluasi Kinerja - Evaluasi Kinerja") == ("Evaluasi Kinerja", "Evaluasi Kinerja")
    # a name holding ' - ' itself: the split that repeats the name (or matches the official one) wins
    assert split_uraian("Rapat - Koordinasi - Rapat - Koordinasi") == ("Rapat - Koordinasi", "Rapat - Koordinasi")
    assert split_uraian("Rapat - Koordinasi - Usulan Baru", official="Rapat - Koordinasi") == (
        "Rapat - Koordinasi", "Usulan Baru")
    assert split_uraian("Dokumen RKA- SKPD - Dokumen RKA-SKPD") == ("Dokumen RKA- SKPD", "Dokumen RKA-SKPD")
    assert indonesian_number("19.171.000.000,00") == Decimal("19171000000.00")
    assert pagu_value("5.000.000,00 5.000.000,00") == Decimal("5000000")
    assert pagu_value(18000000.0) == Decimal("18000000") and pagu_value("-") is None
    parsed = parse_print([HEADER, NUMBERING, [None, "5.03.01.1.01.01", "A - A", "(X)", "1 Dokumen", "1.000,50",
                                              "Disetujui", None]])
    assert [(r.kode.text, r.pagu, r.volume, r.satuan) for r in parsed.rows] == [
        ("5.03.01.1.01.01", Decimal("1000.50"), Decimal(1), "Dokumen")]


def test_print_on_a_later_sheet(tmp_path: Path, blank_workbook: Path) -> None:
    source = write_xlsx(print_rows(lampiran()), tmp_path / "usulan.xlsx")
    wb = __import__("openpyxl").load_workbook(source)
    cover = wb.create_sheet("Sampul", 0)
    cover["A1"] = "Hasil Cetak Renja pada SIPD-RI.go.id"
    wb.save(source)
    result = CliRunner().invoke(main, ["import-sipd", str(source), str(blank_workbook)])
    assert result.exit_code == 0, result.output
    _assert_reproduces_the_lampiran(blank_workbook)
