"""Agencies with more than one bidang (a Bapperida holds 5.01 and 5.05; a BKPSDM 5.03 and 5.04), and parents
that Hitung Ulang inserts named from the workbook's own version at every level."""
from __future__ import annotations

from pathlib import Path

import pytest

from renja_xl.domain.layout import FIRST_DATA_ROW, sheet
from renja_xl.nomenklatur.builtin import load_builtin
from renja_xl.workbook.recalc import recalc
from renja_xl.workbook.validation import validate_grid

from test_nomenklatur import V2023, kabupaten_data
from test_validate import make_book, of_rule


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("RENJA_XL_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def official(kode: str) -> str:
    nom = load_builtin(V2023)
    return nom.find(kode).nama


def bkpsdm(bidang: str = "5.03; 5.04") -> dict:
    """The 4-digit kabupaten workbook of test_nomenklatur plus two sub kegiatan of bidang 5.04 and one of the
    penunjang program read with 5.04."""
    data = kabupaten_data()
    data["identitas"].update(kode_bidang_urusan=bidang, nama_bidang_urusan="KEPEGAWAIAN; PENDIDIKAN DAN PELATIHAN")
    for kode in ("5.04.02.2.01.0001", "5.04.02.2.01.0003"):
        e = load_builtin(V2023).find(kode)
        common = {"kode": kode, "uraian": e.nama, "indikator": e.indikator, "satuan": e.satuan, "target": 1}
        data["tabel4"].append({**common, "lokasi": "Kabupaten Contoh", "waktu": "Januari - Desember"})
        data["tabel6"].append({**common, "pendanaan": 500_000, "lokasi": "Kabupaten Contoh",
                               "waktu": "Januari - Desember"})
        data["sipd"].append({"kode": kode, "uraian": e.nama, "usulan": e.nama, "lokasi": "(Contoh)", "volume": 1,
                             "satuan": e.satuan, "pagu": 500_000, "status": "Dalam Pembahasan"})
    return data


def test_two_bidang_validate_without_false_bidang_lain() -> None:
    findings = validate_grid(make_book(bkpsdm()))
    assert not of_rule(findings, "kode.bidang_lain"), [f.line() for f in findings]
    assert not of_rule(findings, "identitas.isian") and not of_rule(findings, "nomenklatur.kode")


def test_one_bidang_still_reports_the_other() -> None:
    found = [f for f in of_rule(validate_grid(make_book(bkpsdm("5.03"))), "kode.bidang_lain")
             if f.sheet.startswith("Tabel 6")]
    assert len(found) == 1 and "bidang 5.04" in found[0].message and "5.03 pada Identitas" in found[0].message
    assert "2 baris" in found[0].message


@pytest.mark.parametrize("typed", ["5.03;5.04", "5.03, 5.04", " 5.03 ; 5.04 "])
def test_the_ways_of_writing_several_bidang(typed: str) -> None:
    assert not of_rule(validate_grid(make_book(bkpsdm(typed))), "kode.bidang_lain")


def test_a_bad_part_is_reported_and_the_bidang_check_skipped() -> None:
    findings = validate_grid(make_book(bkpsdm("5.03; 5.4x")))
    assert [f.cell for f in of_rule(findings, "identitas.isian")] == ["B15"]
    assert not of_rule(findings, "kode.bidang_lain")


def test_penunjang_of_the_second_bidang_is_judged_against_both() -> None:
    data = bkpsdm()
    e = load_builtin(V2023).find("5.04.01.2.01.0001")
    assert e.kode == "X.XX.01.2.01.0001"
    data["tabel6"].append({"kode": "5.04.01.2.01.0001", "uraian": e.nama, "indikator": e.indikator,
                           "satuan": e.satuan, "target": 1, "pendanaan": 1, "lokasi": "Kabupaten Contoh",
                           "waktu": "Januari - Desember"})
    findings = [f for f in validate_grid(make_book(data)) if f.code.startswith("5.04.01")]
    assert not [f for f in findings if f.rule in ("kode.bidang_lain", "nomenklatur.kode", "nomenklatur.nama")]


def _only_subs(data: dict) -> dict:
    for key in ("tabel4", "tabel6", "sipd"):
        data[key] = [r for r in data[key] if r["kode"].count(".") == 5]
    return data


def test_recalc_names_every_inserted_parent_from_the_version() -> None:
    book = make_book(_only_subs(bkpsdm()))
    report = recalc(book)
    assert not of_rule(report.notes, "hierarki.induk_tanpa_nama")
    for key in ("tabel4", "tabel6", "sipd"):
        spec = sheet(key)
        block = book.read(spec.name)[FIRST_DATA_ROW - 1:]
        parents = {r[spec.col("kode")]: r[spec.col("uraian")] for r in block
                   if r[spec.col("kode")] and r[spec.col("kode")].count(".") < 5}
        assert set(parents) == {"5.03", "5.03.01", "5.03.01.2.01", "5.03.02", "5.03.02.2.01",
                                "5.04", "5.04.02", "5.04.02.2.01"}, key
        for kode, nama in parents.items():
            assert nama == official(kode), (key, kode, nama)
    assert parents["5.03.01"] == "PROGRAM PENUNJANG URUSAN PEMERINTAHAN DAERAH KABUPATEN/KOTA"
    assert parents["5.04"] == "PENDIDIKAN DAN PELATIHAN"


def test_a_parent_no_source_knows_is_a_finding_not_a_blank() -> None:
    data = _only_subs(bkpsdm())
    data["tabel6"].append({"kode": "5.03.02.2.09.0001", "uraian": "Sub kegiatan tanpa induk resmi",
                           "indikator": "Jumlah Dokumen", "satuan": "Dokumen", "target": 1, "pendanaan": 1,
                           "lokasi": "Kabupaten Contoh", "waktu": "Januari - Desember"})
    book = make_book(data)
    found = of_rule(recalc(book).notes, "hierarki.induk_tanpa_nama")
    assert [f.code for f in found] == ["5.03.02.2.09"] and found[0].sheet == "Tabel 6 Rencana Kerja"
    assert V2023 in found[0].message and "ketik namanya" in found[0].message
    again = of_rule(validate_grid(make_book(data)), "hierarki.induk_tanpa_nama")
    assert [f.code for f in again] == ["5.03.02.2.09"]
