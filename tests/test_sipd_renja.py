"""SIPD import of the Renja OPD print (issue 13): the committed print built from its layout
(tests/sipd_renja_print.py) comes into Tabel 6 with its sub kegiatan, pagu from the column the user picks,
prakiraan maju and sumber dana exactly; each printed parent total that does not add up is reported."""
from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

import sipd_renja_print as fixture
from renja_xl.app.sipd import import_sipd_file, read_print
from renja_xl.domain.cells import cell_ref
from renja_xl.domain.errors import InputErrors
from renja_xl.domain.kode import Level
from renja_xl.domain.layout import FIRST_DATA_ROW, NOTE_ROW, sheet
from renja_xl.engines.calamine_engine import CalamineBook
from renja_xl.engines.package_engine import PackageBook
from renja_xl.frontends.cli import main
from renja_xl.sipd.renja import PaguChoiceError, RenjaPrint, import_renja_print, parse_renja_print, sumber_key

T6 = sheet("tabel6")
PRINT = fixture.FIXTURE


@pytest.fixture()
def workbook(tmp_path: Path) -> Path:
    path = tmp_path / "renja.xlsx"
    assert CliRunner().invoke(main, ["new", str(path)]).exit_code == 0
    return path


def _num(v) -> Decimal | None:
    return None if v in (None, "") else Decimal(repr(v)) if isinstance(v, float) else Decimal(v)


def _table(path: Path) -> list[list]:
    block = CalamineBook(path).read(T6.name)
    return [r + [None] * (len(T6.columns) - len(r)) for r in block[FIRST_DATA_ROW - 1:]
            if any(v not in (None, "") for v in r)]


def test_the_committed_print_is_the_generators(tmp_path: Path) -> None:
    fresh = CalamineBook(fixture.write(tmp_path / "baru.xlsx")).read("Renja OPD")
    assert CalamineBook(PRINT).read("Renja OPD") == fresh
    assert sum(1 for cells, _ in fixture.rows() if cells[:1] == ["KODE"]) == 3  # a header above every kegiatan


@pytest.mark.parametrize("choice, index", [("Pagu Indikatif RKPD", 0), ("apbd", 1), ("RKPD PERUBAHAN (Rp)", 2)])
def test_import_reproduces_sub_kegiatan_pagu_prakiraan_and_sumber_dana(choice: str, index: int,
                                                                      workbook: Path) -> None:
    result = CliRunner().invoke(main, ["import-sipd", str(PRINT), str(workbook), "--pagu", choice])
    assert result.exit_code == 0, result.output
    assert f"{len(fixture.SUBS)} sub kegiatan" in result.output and fixture.MONEY[index] in result.output
    rows = _table(workbook)
    col = T6.col
    by_code: dict[str, list[list]] = {}
    for r in rows:
        by_code.setdefault(r[col("kode")], []).append(r)
    leaves = [k for k in by_code if len(k.split(".")) == 6]
    assert leaves == [s["kode"] for s in fixture.SUBS]  # in code order, each once
    for s in fixture.SUBS:
        first, *more = by_code[s["kode"]]
        pagu = s["money"][index]
        assert first[col("uraian")] == s["uraian"] and first[col("tingkat")] == "Sub Kegiatan"
        assert _num(first[col("pendanaan")]) == pagu and _num(first[col("jumlah")]) == pagu
        assert _num(first[col("pagu_n1")]) == s["pagu_n1"]
        sd = {k: _num(first[col(k)]) for k in T6.keys_with_role("jumlah") if k.startswith("sd_")}
        assert {k: v for k, v in sd.items() if v is not None} == {k: pagu if v is None else v for k, v in s["sd"].items()}
        assert first[col("lokasi")] == s["lokasi"] and first[col("kelompok_sasaran")] == s["kelompok"]
        assert (first[col("catatan")] or "") == s["catatan"]
        assert len(more) == len(s["indikator"]) - 1  # one row per indicator, money on the first only
        for r, (indikator, target, target_n1) in zip([first, *more], s["indikator"]):
            number, satuan = target.split(" ", 1)
            assert r[col("indikator")] == indikator and r[col("satuan")] == satuan
            assert _num(r[col("target")]) == Decimal(number.replace(",", "."))
            assert _num(r[col("target_n1")]) == Decimal(target_n1.split(" ", 1)[0])
        assert all(r[col("pendanaan")] is None and r[col("pagu_n1")] is None for r in more)
    # parents: their indicators, and cached SUBTOTALs equal the sum of their sub kegiatan in every money column
    for kode, (name, indicators) in {**fixture.PROGRAMS, **fixture.KEGIATAN}.items():
        lines = by_code[kode]
        assert lines[0][col("uraian")] == name
        assert [r[col("indikator")] for r in lines] == [i for i, _, _ in indicators]
        totals = fixture.totals(kode)
        assert _num(lines[0][col("jumlah")]) == totals[index] and _num(lines[0][col("pagu_n1")]) == totals[3]
    line = CalamineBook(workbook).read(T6.name)[NOTE_ROW - 1]
    assert _num(line[col("jumlah")]) == fixture.totals("")[index]
    assert _num(line[col("pagu_n1")]) == fixture.totals("")[3]
    assert _num(line[col("sd_pad")]) == sum((s["money"][index] if v is None else v for s in fixture.SUBS
                                             for k, v in s["sd"].items() if k == "sd_pad"), Decimal(0))


def _wrong_cells() -> set[tuple[str, str]]:
    """Where the generator printed the totals of WRONG: (cell, kode)."""
    out, block = set(), -1
    money_cols = [9, 10, 11, 16]  # J, K, L and the prakiraan maju's Q
    for n, (cells, _) in enumerate(fixture.rows(), 1):
        if cells[:1] == ["KODE"]:
            block += 1
        code = ".".join(str(c) for c in cells[:5] if c not in (None, ""))
        for kode, k, b in fixture.WRONG:
            if b == block and code == kode:
                out.add((cell_ref(n, money_cols[k] + 1), kode))
    return out


def test_each_printed_total_that_does_not_add_up_is_reported(workbook: Path) -> None:
    outcome = import_sipd_file(PRINT, workbook, "APBD")
    found = {(f.cell, f.code) for f in outcome.result.notes if f.rule == "sipd.total_induk"}
    assert found == _wrong_cells() and len(found) == len(fixture.WRONG) == 2
    assert {f.rule for f in outcome.result.notes} == {"sipd.total_induk"}  # nothing else: a clean print
    assert all("ditulis rumus subtotal" in f.message for f in outcome.result.notes if f.rule == "sipd.total_induk")
    # the sheet holds the computed totals, not the printed ones
    kegiatan = next(r for r in _table(workbook) if r[T6.col("kode")] == "5.01.02.2.02")
    assert _num(kegiatan[T6.col("jumlah")]) == fixture.totals("5.01.02.2.02")[1]


def test_several_money_columns_and_no_choice_write_nothing(workbook: Path) -> None:
    before = workbook.read_bytes()
    result = CliRunner().invoke(main, ["import-sipd", str(PRINT), str(workbook)])
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert "3 kolom uang" in result.output and "--pagu" in result.output
    for name in fixture.MONEY:
        assert name in result.output
    with pytest.raises(PaguChoiceError, match="cocok dengan beberapa kolom"):
        read_print(PRINT, "RKPD")  # two columns name RKPD
    assert workbook.read_bytes() == before


def test_columns_the_print_lacks_keep_the_sheets_values(workbook: Path) -> None:
    book = PackageBook(workbook)
    row = T6.make_row(kode="5.01.02.2.01.0005", uraian="x", prioritas_nasional="PN 4", penanggung_jawab="Bidang PPM")
    book.write(T6.name, FIRST_DATA_ROW, 1, [row])
    book.save(keep_backup=False)
    import_sipd_file(PRINT, workbook, "APBD")
    first = next(r for r in _table(workbook) if r[T6.col("kode")] == "5.01.02.2.01.0005")
    assert first[T6.col("prioritas_nasional")] == "PN 4" and first[T6.col("penanggung_jawab")] == "Bidang PPM"
    assert first[T6.col("uraian")] == "Pelaksanaan Musrenbang Kabupaten/Kota"  # the print's own column wins


def test_print_is_told_apart_from_semua_usulan() -> None:
    printed = read_print(PRINT, "APBD")
    assert isinstance(printed, RenjaPrint) and printed.columns.year == fixture.YEAR
    assert printed.agency == fixture.AGENCY[1]
    assert [n.kode.text for n in printed.nodes if n.kode.level == Level.URUSAN] == ["5"]  # repeated, kept once


def test_a_sub_kegiatan_code_saved_as_a_number_stops_the_import(tmp_path: Path, workbook: Path) -> None:
    block = CalamineBook(PRINT).read("Renja OPD")
    leaf = next(i for i, r in enumerate(block) if r[4] == "0005")
    block[leaf][4] = 5.0
    printed = parse_renja_print(block, "APBD")
    assert [(f.rule, f.cell) for f in printed.notes if f.severity == "error"] == [("sipd.kode_angka",
                                                                                    cell_ref(leaf + 1, 5))]
    before = workbook.read_bytes()
    with pytest.raises(InputErrors):
        import_renja_print(PackageBook(workbook), printed)
    assert workbook.read_bytes() == before


@pytest.mark.parametrize("name, key", [("Pendapatan Asli Daerah (PAD)", "pad"), ("DAU", "dau"),
                                       ("Dana Transfer Umum-Dana Alokasi Umum", "dau"),
                                       ("DAK Non Fisik", "dak_non_fisik"), ("Dana Alokasi Khusus Fisik", "dak_fisik"),
                                       ("Dana Insentif Fiskal", "did"), ("Hibah Pusat", None)])
def test_sumber_dana_names(name: str, key: str | None) -> None:
    assert sumber_key(name) == key


def test_unknown_or_unsplit_sumber_dana_is_a_warning(tmp_path: Path) -> None:
    block = CalamineBook(PRINT).read("Renja OPD")
    sumber = 12
    leaves = [i for i, r in enumerate(block) if isinstance(r[4], str) and r[4].isdigit()]
    block[leaves[0]][sumber] = "Hibah Pusat"
    block[leaves[2]][sumber] = "DAU\nPAD"
    printed = parse_renja_print(block, "APBD")
    notes = [(f.rule, f.severity, f.code) for f in printed.notes]
    assert notes == [("sipd.sumber_dana", "warning", fixture.SUBS[0]["kode"]),
                     ("sipd.sumber_dana", "warning", fixture.SUBS[2]["kode"])]
    assert printed.leaves[0].sumber == {"sd_lain": None} and printed.leaves[2].sumber == {}


def test_usulan_print_still_goes_to_its_sheet(tmp_path: Path) -> None:
    from test_sipd import lampiran, print_rows, write_xlsx

    printed = read_print(write_xlsx(print_rows(lampiran()), tmp_path / "usulan.xlsx"))
    assert not isinstance(printed, RenjaPrint) and len(printed.leaves) == 81
    shutil.rmtree(tmp_path / "cadangan", ignore_errors=True)


def test_imported_rows_get_printed_heights(workbook: Path) -> None:
    """Through the package writer too: a wrapped name gets the height of its lines (LibreOffice would print
    it over the next row), a one-line row keeps the default."""
    import openpyxl

    from renja_xl.domain.layout import LEVEL_COLUMN, row_heights

    import_sipd_file(PRINT, workbook, "APBD")
    ws = openpyxl.load_workbook(workbook)[T6.name]
    rows = [[c.value for c in line] for line in ws.iter_rows(min_row=FIRST_DATA_ROW, max_col=len(T6.columns))]
    rows = [r for r in rows if r[T6.col("kode")]]
    level = T6.col(LEVEL_COLUMN.key)
    want = row_heights(T6.columns, rows, [r[level] != "Sub Kegiatan" for r in rows])
    got = [ws.row_dimensions[FIRST_DATA_ROW + i].height for i in range(len(rows))]
    assert got == want
    long = next(i for i, r in enumerate(rows) if r[T6.col("kode")] == fixture.SUBS[-1]["kode"])
    assert got[long] >= 30 and None in got


def test_a_sub_kegiatan_printed_twice_stops_the_import() -> None:
    block = CalamineBook(PRINT).read("Renja OPD")
    leaf = next(i for i, r in enumerate(block) if r[4] == "0005")
    block.insert(leaf + 1, list(block[leaf]))
    printed = parse_renja_print(block, "APBD")
    assert [(f.rule, f.cell, f.code) for f in printed.notes if f.severity == "error"] == [
        ("sipd.sub_kegiatan_ganda", cell_ref(leaf + 2, 1), fixture.SUBS[1]["kode"])]


@pytest.mark.libreoffice
def test_libreoffice_recomputes_what_the_import_cached(workbook: Path, soffice: str, tmp_path: Path) -> None:
    """Every formula the import wrote (parent SUBTOTALs of every money column, row 2, the leaves' =G) carries
    the value LibreOffice computes for it."""
    from conftest import libreoffice_convert
    from test_package_writer import _formula_cells
    from test_package_writer import _num as cached

    import_sipd_file(PRINT, workbook, "Pagu Indikatif RKPD")
    lo = CalamineBook(libreoffice_convert(soffice, workbook, "xlsx", tmp_path / "lo")).read(T6.name)
    cells = _formula_cells(workbook, T6.name)
    for (r, c), f in cells.items():
        assert cached(f) == cached(lo[r - 1][c - 1]), (r, c, str(f), f.value)
    subtotals = [f for f in cells.values() if f.startswith("=SUBTOTAL")]
    assert len(subtotals) > 12 * 6 and any(f.value for f in subtotals)  # 12 summed columns x 6 parents, row 2


@pytest.mark.parametrize("plan, warned", [(2026, True), (fixture.YEAR, False), (None, False)])
def test_a_print_for_another_plan_year_is_a_warning(workbook: Path, plan, warned: bool) -> None:
    """The print's TAHUN ANGGARAN against Identitas' Tahun Rencana: a warning naming both cells, the import still
    done (an empty Tahun Rencana: nothing to compare)."""
    from renja_xl.domain.layout import IDENTITAS_FIELDS

    row = FIRST_DATA_ROW + [f.key for f in IDENTITAS_FIELDS].index("tahun_rencana")
    book = PackageBook(workbook)
    book.write(sheet("identitas").name, row, 2, [[plan]])
    book.save()
    outcome = import_sipd_file(PRINT, workbook, "APBD")
    found = [f for f in outcome.result.notes if f.rule == "sipd.tahun"]
    assert len(_table(workbook)) > len(fixture.SUBS)  # imported either way
    if not warned:
        assert not found
        return
    (f,) = found
    assert f.severity == "warning" and f.cell == "A3"
    assert f"tahun {fixture.YEAR} (sel A3)" in f.message and f"sel B{row} adalah 2026" in f.message
    header_only = [r for r in CalamineBook(PRINT).read("Renja OPD")[3:]]  # without the title lines
    assert parse_renja_print(header_only, "APBD").year == fixture.YEAR  # RENCANA TAHUN 2027 of the header
