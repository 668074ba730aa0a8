"""Nomenclature by version: both transcribed lists import (counts of nomenklatur_sumber/README.md), the
lampiran's own layout reads like the cleaned list, the generic penunjang program takes the agency's bidang,
the seed's codes validate against the 2020 list, and the 2023 list validates a 4-digit kabupaten workbook."""
from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from renja_xl.domain.fmt import angka
from renja_xl.frontends.cli import main
from renja_xl.engines.calamine_engine import CalamineBook
from renja_xl.engines.openpyxl_engine import OpenpyxlBook
from renja_xl.domain.layout import FIRST_DATA_ROW, IDENTITAS_FIELDS
from renja_xl.nomenklatur import (list_versions, load_version, name_key, parse_csv_text, parse_lampiran_block,
                                  same_name, same_version, store_dir)
from renja_xl.workbook.validation import validate_grid

from conftest import ROOT, SEED
from test_validate import base, make_book, of_rule

NOM = ROOT / "nomenklatur_sumber"  # the transcriptions, copied once into the repository (README there)
LAMPIRAN_2023 = NOM / "sumber_900-1317-2023_kabkota.xlsx"
CSV_2023 = NOM / "nomenklatur_kabkota_900-1317-2023.csv"
CSV_2020 = NOM / "nomenklatur_050-3708-2020.csv"
V2020 = "Kepmendagri 050-3708 Tahun 2020"
V2023 = "Kepmendagri 900.1.15.5-1317 Tahun 2023"
COUNTS_2023 = {"urusan": 10, "bidang": 45, "program": 188, "kegiatan": 729, "sub_kegiatan": 3395}
COUNTS_2020 = {"urusan": 10, "bidang": 56, "program": 233, "kegiatan": 1034, "sub_kegiatan": 5026}


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("RENJA_XL_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def _import(path: Path, versi: str) -> str:
    result = CliRunner().invoke(main, ["nomenklatur", "import", str(path), "--versi", versi])
    assert result.exit_code == 0, result.output
    return result.output


def test_store_honours_the_environment(home: Path) -> None:
    assert store_dir() == home / "nomenklatur"
    assert list_versions() == []


@pytest.mark.parametrize("path,versi,counts", [
    (LAMPIRAN_2023, V2023, COUNTS_2023), (CSV_2023, V2023 + " (CSV)", COUNTS_2023), (CSV_2020, V2020, COUNTS_2020),
])
def test_shared_lists_import_with_their_counts(path: Path, versi: str, counts: dict, home: Path) -> None:
    out = _import(path, versi)
    assert f"{angka(counts['sub_kegiatan'])} sub kegiatan" in out and f"{angka(counts['program'])} program" in out
    nom = load_version(versi)
    assert nom is not None and nom.counts() == counts
    meta = list_versions()
    assert [m["versi"] for m in meta] == [versi] and meta[0]["jumlah"] == counts
    listed = CliRunner().invoke(main, ["nomenklatur", "list"])
    assert listed.exit_code == 0 and versi in listed.output and angka(counts["sub_kegiatan"]) in listed.output


def test_2020_views_per_kind_of_pemda() -> None:
    nom = parse_csv_text(CSV_2020.read_text(encoding="utf-8"), V2020).nomenklatur
    subs = [e for items in nom.entries.values() for e in items if e.level == "sub_kegiatan"]
    assert Counter(e.jenis_pemda for e in subs) == {"provinsi": 2798, "kabkota": 2228}
    assert nom.find("5.03.01", "provinsi").nama == "PROGRAM PENUNJANG URUSAN PEMERINTAHAN DAERAH PROVINSI"
    assert nom.find("5.03.01", "kabkota").nama == "PROGRAM PENUNJANG URUSAN PEMERINTAHAN DAERAH"


def test_lampiran_layout_reads_like_the_cleaned_list() -> None:
    block = CalamineBook(LAMPIRAN_2023).read(CalamineBook(LAMPIRAN_2023).sheet_names()[0])
    raw = parse_lampiran_block(block, V2023)
    clean = parse_csv_text(CSV_2023.read_text(encoding="utf-8"), V2023)
    a, b = raw.nomenklatur.entries, clean.nomenklatur.entries
    assert set(a) == set(b)
    assert "X.XX.01.2.01.0001" in a and "5.03.02.2.01.0001" in a and "2.01" not in a
    for kode in b:
        x, y = a[kode][0], b[kode][0]
        assert same_name(x.nama, y.nama), (kode, x.nama, y.nama)
        assert name_key(x.indikator) == name_key(y.indikator) or same_name(x.indikator, y.indikator), kode
        assert same_name(x.satuan, y.satuan), kode  # one satuan carries a PDF mojibake (m³)
    # the PDF's runs of spaces and line breaks are gone
    assert a["X.XX.01.2.01.0007"][0].nama == "Evaluasi Kinerja Perangkat Daerah"
    assert "  " not in "".join(e.nama for items in a.values() for e in items)


def test_generic_penunjang_program_takes_the_agency_bidang() -> None:
    nom = parse_csv_text(CSV_2023.read_text(encoding="utf-8"), V2023).nomenklatur
    entry = nom.find("5.03.01.2.01.0001")
    assert entry is not None and entry.kode == "X.XX.01.2.01.0001"
    assert entry.indikator == "Jumlah Dokumen Perencanaan Perangkat Daerah" and entry.satuan == "Dokumen"
    assert nom.find("5.03.02.2.01.0001").kode == "5.03.02.2.01.0001"
    nom2020 = parse_csv_text(CSV_2020.read_text(encoding="utf-8"), V2020).nomenklatur
    assert nom2020.find("5.03.01.1.02.01").kode == "X.XX.01.1.02.01"  # BKD: X.XX.01.1.02.01
    real = nom2020.find("4.01.01")  # a real program ending in .01 is not the penunjang program
    assert real.kode == "4.01.01" and real.nama == "PROGRAM ADMINISTRASI UMUM"
    assert nom2020.find("5.03.99") is None and nom2020.find("5.03.01.1.99.01") is None


def _seed_codes() -> set[str]:
    codes = set()
    for name in ("tabel1_evaluasi_renja_2022.csv", "tabel4_rancangan_renja_2024.csv",
                 "tabel6_rencana_kerja_pendanaan_2024.csv", "lampiran_usulan_sipd_2024.csv"):
        with open(SEED / name, encoding="utf-8") as fh:
            codes |= {r["kode"] for r in csv.DictReader(fh)}
    return codes


def test_every_seed_code_is_in_the_2020_list() -> None:
    nom = parse_csv_text(CSV_2020.read_text(encoding="utf-8"), V2020).nomenklatur
    codes = _seed_codes()
    assert len(codes) > 90
    assert [k for k in sorted(codes) if nom.find(k, "provinsi") is None] == []


def _with_versi(example_path: Path, tmp_path: Path, versi: str) -> Path:
    path = tmp_path / "contoh.xlsx"
    book = OpenpyxlBook(example_path)
    row = FIRST_DATA_ROW + [f.key for f in IDENTITAS_FIELDS].index("versi_nomenklatur")
    book.write("Identitas", row, 2, [[versi]])
    book.save(path)
    return path


def test_seed_validates_against_the_2020_list(example_path: Path, tmp_path: Path) -> None:
    _import(CSV_2020, V2020)
    findings = validate_grid(CalamineBook(_with_versi(example_path, tmp_path, V2020)))
    nomen = [f for f in findings if f.rule.startswith("nomenklatur.")]
    assert not [f for f in nomen if f.rule != "nomenklatur.nama"]  # every code known, version found
    assert not [f for f in findings if f.rule.startswith("kode.")]
    flagged = {f.code: f for f in nomen}
    # only the differences a careful reader flags: word order, and 'Cetak' for 'Cetakan'
    assert set(flagged) == {"5.03.01.1.02.03", "5.03.01.1.06.05"}
    assert "'Pelaksanaan dan Penatausahaan Pengujian/Verifikasi Keuangan SKPD'" in flagged["5.03.01.1.02.03"].message
    assert "nama resmi: 'Penyediaan Barang Cetakan dan Penggandaan'" in flagged["5.03.01.1.06.05"].message
    # each table that prints the name is pointed at (Uraian column)
    assert {f.sheet for f in nomen} == {"Tabel 1 Evaluasi", "Tabel 4 Rancangan", "Tabel 6 Rencana Kerja", "Usulan SIPD"}
    # the punctuation / spacing / typo noise of the seed (e.g. 'Kerjasama', 'RKA- SKPD') is tolerated
    assert same_name("Koordinasi dan Kerjasama Pelaksanaan Diklat", "Koordinasi dan Kerja Sama Pelaksanaan Diklat")
    assert same_name("Pengelolaan Administrasi Diklat dan Sertfikasi ASN",
                     "Pengelolaan Administrasi Diklat dan Sertifikasi ASN")
    assert not same_name("Penyediaan Barang Cetak dan Penggandaan", "Penyediaan Barang Cetakan dan Penggandaan")


def test_version_is_matched_by_its_regulation_number() -> None:
    assert same_version("Kepmendagri 050-3708 Tahun 2020", "Keputusan Mendagri Nomor 050-3708 Tahun 2020")
    assert same_version(V2023, "kepmendagri 900.1.15.5-1317 tahun 2023")
    assert not same_version(V2023, "Kepmendagri 900.1.15.5-3406 Tahun 2024")


# ------------------------------------------------------------------ a 4-digit kabupaten workbook, 2023 list

def _clean_2023() -> dict[str, dict[str, str]]:
    with open(CSV_2023, encoding="utf-8") as fh:
        return {r["kode"]: r for r in csv.DictReader(fh)}


def kabupaten_data() -> dict:
    ref = _clean_2023()
    data = base()
    data["identitas"].update(jenis_pemda="Kabupaten", versi_nomenklatur=V2023, kode_bidang_urusan="5.03",
                             pemerintah_daerah="Kabupaten Contoh")
    subs = ["5.03.01.2.01.0001", "5.03.01.2.01.0002", "5.03.02.2.01.0001", "5.03.02.2.01.0003"]

    def generic(k: str) -> dict:
        return ref.get(k) or ref["X.XX." + k.split(".", 2)[2]]

    parents = ["5.03", "5.03.01", "5.03.01.2.01", "5.03.02", "5.03.02.2.01"]
    order = ["5.03", "5.03.01", "5.03.01.2.01", subs[0], subs[1], "5.03.02", "5.03.02.2.01", subs[2], subs[3]]
    t4, t6, sipd = [], [], []
    for k in order:
        name = generic(k)["nama"]
        if k in parents:
            t4.append({"kode": k, "uraian": name})
            sipd.append({"kode": k, "uraian": name})
            row = {"kode": k, "uraian": name}
            if k.count(".") >= 2:
                row.update(indikator="Persentase capaian", satuan="Persen", target=100)
            t6.append(row)
            continue
        g = generic(k)
        common = {"kode": k, "uraian": name, "indikator": g["indikator"], "satuan": g["satuan"], "target": 1}
        t4.append({**common, "lokasi": "Kabupaten Contoh", "waktu": "Januari - Desember"})
        t6.append({**common, "pendanaan": 1_000_000, "lokasi": "Kabupaten Contoh", "waktu": "Januari - Desember",
                   "sd_dau": 1_000_000, "kelompok_sasaran": "ASN", "target_n1": 1, "pagu_n1": 1_000_000})
        sipd.append({"kode": k, "uraian": name, "usulan": name, "lokasi": "(Contoh)", "volume": 1,
                     "satuan": g["satuan"], "pagu": 1_000_000, "status": "Dalam Pembahasan"})
    totals = {"5.03": 4_000_000, "5.03.01": 2_000_000, "5.03.01.2.01": 2_000_000, "5.03.02": 2_000_000,
              "5.03.02.2.01": 2_000_000}
    for row in t6:
        if row["kode"] in totals:
            row["pendanaan"] = totals[row["kode"]]
    data.update(tabel1=[], tabel4=t4, tabel6=t6, sipd=sipd)
    return data


@pytest.fixture()
def store_2023() -> None:
    _import(LAMPIRAN_2023, V2023)  # the lampiran's own layout, PDF noise included


def _run(data: dict):
    return validate_grid(make_book(data))


def test_2023_list_validates_a_four_digit_kabupaten_workbook(store_2023) -> None:
    findings = _run(kabupaten_data())
    assert findings == [], [f.line() for f in findings]


@pytest.mark.parametrize("change,rule,cell,words", [
    (lambda d: d["tabel6"][4].update(kode="5.03.01.2.01.0099"), "nomenklatur.kode", "B8",
     ["5.03.01.2.01.0099", "tidak ada dalam nomenklatur", V2023]),
    (lambda d: d["tabel6"][3].update(indikator="Jumlah Laporan Perencanaan"), "nomenklatur.indikator", "D7",
     ["'Jumlah Dokumen Perencanaan Perangkat Daerah'"]),
    (lambda d: d["tabel6"][3].update(satuan="Laporan"), "nomenklatur.satuan", "E7", ["'Dokumen'"]),
    (lambda d: d["tabel6"][7].update(uraian="Perumusan Kebijakan ASN"), "nomenklatur.nama", "C11",
     ["Perumusan Bahan Kebijakan Pengadaan ASN"]),
    (lambda d: d["tabel6"][3].update(kode="5.03.01.2.01.01"), "kode.digit_versi", "B7", ["2 digit", "4 digit"]),
    (lambda d: d["identitas"].update(jenis_pemda="Provinsi"), "kode.kewenangan", "B6", ["'2'", "'1'"]),
])
def test_2023_list_finds_what_differs(store_2023, change, rule, cell, words) -> None:
    data = kabupaten_data()
    change(data)
    found = [f for f in of_rule(_run(data), rule) if f.sheet == "Tabel 6 Rencana Kerja"]
    assert [f.cell for f in found][:1] == [cell], [f.line() for f in found]
    for w in words:
        assert w in found[0].message


def test_version_note_passes_once_imported(store_2023) -> None:
    assert not of_rule(_run(kabupaten_data()), "nomenklatur.versi")
    data = kabupaten_data()
    data["identitas"]["versi_nomenklatur"] = "Kepmendagri 900.1.15.5-3406 Tahun 2024"
    note = of_rule(_run(data), "nomenklatur.versi")
    assert len(note) == 1 and "belum diimpor" in note[0].message


# ------------------------------------------------------------------ bad input

@pytest.mark.parametrize("content,words", [
    ("code,name\n5,URUSAN\n", ["'kode' dan 'nama'"]),
    ("kode,level,nama\n5.1.,urusan,X\nabc,program,Y\n", ["tidak ada kode yang dapat dibaca"]),
])
def test_unreadable_csv_is_refused(tmp_path: Path, content: str, words) -> None:
    path = tmp_path / "daftar.csv"
    path.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(main, ["nomenklatur", "import", str(path), "--versi", "Uji"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    for w in words:
        assert w in result.output
    assert list_versions() == []


def test_bad_rows_are_reported_and_the_rest_imported(tmp_path: Path) -> None:
    path = tmp_path / "daftar.csv"
    path.write_text("kode,level,nama\n5,urusan,UNSUR PENDUKUNG\n5.03,bidang,KEPEGAWAIAN\n5.3,bidang,SALAH\n"
                    "5.03.02,kegiatan,PROGRAM KEPEGAWAIAN DAERAH\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["nomenklatur", "import", str(path), "--versi", "Uji"])
    assert result.exit_code == 0, result.output
    assert "baris 4" in result.output and "baris 5" in result.output and "2 baris dilewati" in result.output
    assert load_version("Uji").counts()["bidang"] == 1


def test_a_workbook_that_is_not_a_lampiran(example_path: Path) -> None:
    result = CliRunner().invoke(main, ["nomenklatur", "import", str(example_path), "--versi", "Uji"])
    assert result.exit_code == 2 and "baris judul lampiran" in result.output


def test_stored_list_is_plain_csv_with_metadata(home: Path) -> None:
    _import(CSV_2023, V2023)
    folder = home / "nomenklatur"
    meta = json.loads(next(folder.glob("*.json")).read_text(encoding="utf-8"))
    assert meta["versi"] == V2023 and meta["sumber"] == CSV_2023.name
    with open(folder / meta["berkas"], encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == sum(COUNTS_2023.values())
