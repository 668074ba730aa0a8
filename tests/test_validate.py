"""Validation rules: each rule with a failing and a passing case, on workbooks built from the template.

The base workbook below is consistent (no finding but the note that the declared nomenclature
version is not imported); each case changes one thing and expects its rule at the right cell.
"""
from __future__ import annotations

import copy
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable

import pytest

from renja_xl.engines.openpyxl_engine import OpenpyxlBook
from renja_xl.engines.openpyxl_template import build_template
from renja_xl.domain.findings import SEVERITIES, Finding
from renja_xl.workbook.catalogue import by_id

RULES = by_id()
from renja_xl.domain.cells import column_letter
from renja_xl.domain.layout import FIRST_DATA_ROW, IDENTITAS_FIELDS, sheet
from renja_xl.workbook.validation import validate_grid

IDENT = {
    "nama_perangkat_daerah": "Badan Kepegawaian Daerah Provinsi Contoh",
    "pemerintah_daerah": "Provinsi Contoh",
    "jenis_pemda": "Provinsi",
    "tahun_rencana": 2024,
    "tahun_evaluasi": 2022,
    "kode_bidang_urusan": "5.03",
    "nama_bidang_urusan": "KEPEGAWAIAN",
    "versi_nomenklatur": "Kepmendagri 050-5889 Tahun 2021",
    "nip_kepala": "19650206 198603 1 018",
}


def _cell(table: str, key: str, row: int) -> str:
    """A cell of a table by column key (the columns move when the form grows)."""
    return f"{column_letter(sheet(table).col(key) + 1)}{row}"


def _t6(key: str, row: int) -> str:
    return _cell("tabel6", key, row)


def _ident_row(key: str) -> int:
    """The Identitas row of a field, as the template draws it (one row per field, in order)."""
    return FIRST_DATA_ROW + [f.key for f in IDENTITAS_FIELDS].index(key)


PROGRAM = ("5.03.02", "PROGRAM KEPEGAWAIAN DAERAH")
KEGIATAN = ("5.03.02.1.01", "Pengadaan, Pemberhentian dan Informasi Kepegawaian ASN")
SUBS = (
    ("5.03.02.1.01.01", "Perumusan Bahan Kebijakan Pengadaan ASN",
     "Jumlah Dokumen Hasil Perumusan Bahan Kebijakan Pengadaan ASN", "Dokumen", 1, 1_000_000),
    ("5.03.02.1.01.02", "Penyusunan Rencana Kebutuhan, Jenis dan Jumlah Jabatan untuk Pelaksanaan Pengadaan ASN",
     "Jumlah Dokumen Rencana Kebutuhan Jabatan", "Dokumen", 2, 2_500_000),
)
TOTAL = sum(s[5] for s in SUBS)


def base() -> dict[str, Any]:
    """A small consistent Renja: Tabel 1, 2, 4, 6 and Usulan SIPD over one program, one kegiatan, two sub kegiatan."""
    parents = [{"kode": "5.03", "uraian": "KEPEGAWAIAN"}, {"kode": PROGRAM[0], "uraian": PROGRAM[1]},
               {"kode": KEGIATAN[0], "uraian": KEGIATAN[1]}]
    t1 = copy.deepcopy(parents) + [
        {"kode": k, "uraian": u, "indikator": i, "satuan": s, "target": t, "anggaran": m, "realisasi": m - 1000}
        for k, u, i, s, t, m in SUBS]
    t4 = copy.deepcopy(parents) + [
        {"kode": k, "uraian": u, "indikator": i, "satuan": s, "target": t, "lokasi": "Provinsi Contoh",
         "waktu": "Januari - Desember"} for k, u, i, s, t, m in SUBS]
    t6 = [
        {"kode": "5.03", "uraian": "KEPEGAWAIAN", "pendanaan": TOTAL},
        {"kode": PROGRAM[0], "uraian": PROGRAM[1], "indikator": "Persentase ASN Sesuai Formasi", "satuan": "Persen",
         "target": 60, "pendanaan": TOTAL},
        {"kode": KEGIATAN[0], "uraian": KEGIATAN[1], "indikator": "Persentase pemenuhan formasi", "satuan": "Persen",
         "target": 90, "pendanaan": TOTAL},
    ] + [{"kode": k, "uraian": u, "indikator": i, "satuan": s, "target": t, "pendanaan": m,
          "lokasi": "Provinsi Contoh", "waktu": "Januari - Desember", "sd_pad": m, "kelompok_sasaran": "ASN",
          "target_n1": t, "pagu_n1": m} for k, u, i, s, t, m in SUBS]
    sipd = copy.deepcopy(parents) + [
        {"kode": k, "uraian": u, "usulan": u, "lokasi": "(Contoh)", "volume": t, "satuan": s, "pagu": m,
         "status": "Dalam Pembahasan"} for k, u, i, s, t, m in SUBS]
    t2 = [{"no_sasaran": 1, "sasaran": "Meningkatnya Profesionalisme ASN", "no_iku": "1.1",
           "iku": "Indeks Profesionalitas ASN", "satuan": "Indeks", "polaritas": "Positif", "target": 50,
           "realisasi": 47.07}]
    return {"identitas": dict(IDENT), "tabel1": t1, "tabel2": t2, "tabel4": t4, "tabel6": t6, "sipd": sipd}


def row_of(data: dict, key: str, kode: str) -> int:
    """Sheet row of the first row with this code."""
    return FIRST_DATA_ROW + next(i for i, r in enumerate(data[key]) if r.get("kode") == kode)


def make_book(data: dict, path: Path | None = None) -> OpenpyxlBook:
    book = OpenpyxlBook(path or Path("buku.xlsx"), build_template())
    keys = [f.key for f in IDENTITAS_FIELDS]
    values = [[data["identitas"].get(k)] for k in keys]
    book.write(sheet("identitas").name, FIRST_DATA_ROW, 2, values)
    for key in ("tabel1", "tabel2", "tabel4", "tabel6", "sipd"):
        spec = sheet(key)
        rows = []
        for r in data.get(key, []):
            line: list[Any] = [None] * len(spec.columns)
            for k, v in r.items():
                line[spec.col(k)] = v
            rows.append(line)
        if rows:
            book.write(spec.name, FIRST_DATA_ROW, 1, rows)
    return book


def run(data: dict) -> list[Finding]:
    return validate_grid(make_book(data))


def of_rule(findings: list[Finding], rule: str) -> list[Finding]:
    return [f for f in findings if f.rule == rule]


@pytest.fixture(autouse=True)
def empty_store(tmp_path, monkeypatch):
    """Every test sees its own (empty) nomenclature store."""
    monkeypatch.setenv("RENJA_XL_HOME", str(tmp_path / "home"))


def test_the_base_workbook_is_clean() -> None:
    findings = run(base())
    assert [f.rule for f in findings] == ["nomenklatur.versi"], [f.line() for f in findings]
    note = findings[0]
    assert note.severity == "info" and note.sheet == "Identitas" and note.cell == "B17"
    assert "belum diimpor" in note.message and "renja-xl nomenklatur import" in note.message


def test_every_finding_is_well_formed_and_catalogued(example_path) -> None:
    from renja_xl.engines.calamine_engine import CalamineBook

    for f in validate_grid(CalamineBook(example_path)):
        assert f.rule in RULES and f.severity in SEVERITIES
        assert f.message.strip() and f.sheet


# ------------------------------------------------------------------ one case per rule

Mutation = Callable[[dict], None]


def _set(key: str, which: str, **values) -> Mutation:
    def apply(d: dict) -> None:
        row = next(r for r in d[key] if r.get("kode") == which)
        row.update(values)
    return apply


def _ident(**values) -> Mutation:
    return lambda d: d["identitas"].update(values)


def _drop(key: str, kode: str) -> Mutation:
    def apply(d: dict) -> None:
        d[key] = [r for r in d[key] if r.get("kode") != kode]
    return apply


def _insert(key: str, before_kode: str, row: dict) -> Mutation:
    def apply(d: dict) -> None:
        i = next(i for i, r in enumerate(d[key]) if r.get("kode") == before_kode)
        d[key].insert(i, row)
    return apply


def _append(key: str, row: dict) -> Mutation:
    return lambda d: d[key].append(row)


S1, S2 = SUBS[0][0], SUBS[1][0]
T6, T4, T1, SIPD = "Tabel 6 Rencana Kerja", "Tabel 4 Rancangan", "Tabel 1 Evaluasi", "Usulan SIPD"

# rule, failing mutation, passing mutation (None: the base passes), sheet, cell, code, words in the message
CASES = [
    ("kode.format", _set("tabel6", S1, kode="5.03.02.1.01.1"), _set("tabel6", S1, kode="5.03.02.1.01.01"),
     T6, "B7", "5.03.02.1.01.1", ["harus 2 atau 4 digit"]),
    ("kode.format", _insert("tabel6", "5.03", {"kode": "X.XX.01", "uraian": "PROGRAM PENUNJANG"}), None,
     T6, "B4", "X.XX.01", ["kode generik", "5.03"]),
    ("kode.angka", _set("tabel4", S1, kode=5.1), None, T4, "B7", "5.1", ["angka", "5.1"]),
    ("kode.kosong", _append("tabel4", {"indikator": "Jumlah Dokumen", "satuan": "Dokumen"}), None,
     T4, "B9", "", ["kosong"]),
    ("kode.spasi", _set("tabel6", S1, kode=" 5.03.02.1.01.01 "), None, T6, "B7", " 5.03.02.1.01.01 ", ["spasi"]),
    ("kode.ganda", _append("tabel1", dict(base()["tabel1"][3])), None, T1, "A9", S1, ["2 kali"]),
    ("kode.digit_versi", _ident(versi_nomenklatur="Kepmendagri 900.1.15.5-1317 Tahun 2023"),
     _ident(versi_nomenklatur="Kepmendagri 050-3708 Tahun 2020"), T6, "B7", S1, ["2 digit", "4 digit"]),
    ("kode.bidang_lain", _ident(kode_bidang_urusan="5.01"), None, T6, "B4", "5.03",
     ["di luar bidang", "5.01"]),
    ("kode.kewenangan", _ident(jenis_pemda="Kabupaten"), _ident(jenis_pemda="Provinsi"), T6, "B6", KEGIATAN[0],
     ["digit kewenangan '1'", "'2'"]),
    ("kode.tingkat_tabel", _set("tabel4", KEGIATAN[0], lokasi="Provinsi Contoh"), None, T4, "B6", KEGIATAN[0],
     ["Kegiatan", "Lokasi"]),
    ("hierarki.induk_hilang", _drop("tabel4", KEGIATAN[0]), None, T4, "B6", KEGIATAN[0], ["belum ada"]),
    ("identitas.nip", _ident(nip_kepala="19650236 198603 1 018"), _ident(nip_kepala="196502061986031018"),
     "Identitas", "B28", "", ["tanggal lahir", "tidak ada"]),
    ("identitas.nip", _ident(nip_kepala="19650206 198603 1 01"), None, "Identitas", "B28", "", ["17 digit"]),
    ("identitas.nip", _ident(nip_kepala="19650206 198613 1 018"), None, "Identitas", "B28", "", ["bulan pengangkatan 13"]),
    ("identitas.nip", _ident(nip_kepala="19650206 198603 3 018"), None, "Identitas", "B28", "", ["jenis kelamin"]),
    ("identitas.isian", _ident(tahun_rencana="dua ribu"), None, "Identitas", "B9", "", ["bukan tahun"]),
    ("identitas.isian", _ident(kode_bidang_urusan=5.1), _ident(kode_bidang_urusan="5.01"), "Identitas", "B15", "5.1",
     ["angka", "dilewati"]),
    ("identitas.isian", _ident(kode_bidang_urusan="5.03.01"), None, "Identitas", "B15", "5.03.01",
     ["bukan kode bidang urusan"]),
    ("nomenklatur.nama", _set("tabel6", S1, uraian="Perumusan Kebijakan Pengadaan ASN"),
     _set("tabel6", S1, uraian="perumusan  bahan kebijakan pengadaan  A.S.N"), T6, "C7", S1,
     ["Perumusan Kebijakan Pengadaan ASN", "nama resmi: 'Perumusan Bahan Kebijakan Pengadaan ASN'"]),
    ("isi.indikator", _set("tabel6", S1, indikator=None), None, T6, "D7", S1, ["indikator kinerja", "kosong"]),
    ("isi.indikator", _set("tabel6", PROGRAM[0], indikator=None), None, T6, "D5", PROGRAM[0], ["program"]),
    ("isi.satuan", _set("tabel4", S2, satuan=" "), None, T4, "E8", S2, ["satuan"]),
    ("isi.target", _set("tabel1", S1, target=None), None, T1, "D7", S1, ["target"]),
    ("isi.lokasi", _set("tabel6", S2, lokasi=None), None, T6, "I8", S2, ["lokasi"]),
    ("isi.waktu", _set("tabel4", S1, waktu=None), None, T4, "H7", S1, ["waktu"]),
    ("isi.waktu_format", _set("tabel6", S1, waktu="Maret - Januari"), _set("tabel6", S1, waktu="Januari-Desember"),
     T6, "J7", S1, ["Maret", "sesudah", "Januari"]),
    ("isi.waktu_format", _set("tabel4", S1, waktu="Semester 1"), _set("tabel4", S1, waktu="Juli s.d. Desember"),
     T4, "H7", S1, ["'Semester 1' bukan nama bulan"]),
    ("isi.satuan_indikator", _set("tabel1", S1, indikator="Jumlah ASN yang Mengikuti Sertifikasi", satuan="Laporan"),
     _set("tabel1", S1, indikator="Jumlah ASN yang Mengikuti Sertifikasi", satuan="Orang"), T1, "E7", S1,
     ["'Laporan'", "orang"]),
    ("isi.satuan_indikator", _set("tabel6", PROGRAM[0], satuan="Dokumen"), None, T6, "E5", PROGRAM[0], ["persen"]),
    ("angka.teks", _set("tabel6", S1, pendanaan="1.000.000"), _set("tabel6", S1, pendanaan=1000000.0),
     T6, "G7", S1, ["1000000"]),
    ("angka.bukan_angka", _set("sipd", S1, pagu="sejuta"), None, SIPD, "H7", S1, ["'sejuta' bukan angka"]),
    ("angka.rumus", _set("tabel1", S1, anggaran="=1000000"), None, T1, "F7", S1, ["rumus"]),
    ("angka.galat", _set("tabel6", S2, pendanaan="#REF!"), None, T6, "G8", S2, ["#REF!"]),
    ("uang.negatif", _set("tabel6", S1, pendanaan=-1_000_000), None, T6, "G7", S1, ["negatif", "Rp -1.000.000"]),
    ("uang.pecahan", _set("sipd", S1, pagu=1_000_000.5), None, SIPD, "H7", S1, ["sen"]),
    ("uang.kosong", _set("tabel1", S2, anggaran=None), None, T1, "F8", S2, ["Anggaran", "kosong"]),
    ("uang.alokasi_induk", _set("tabel6", KEGIATAN[0], pendanaan=3_000_000), None, T6, "G6", KEGIATAN[0],
     ["Rp 3.000.000", "jumlah dari sub kegiatan Rp 3.500.000", "selisih Rp -500.000"]),
    ("uang.alokasi_induk", _insert("tabel6", "5.03", {"kode": "5", "uraian": "URUSAN PENUNJANG", "pendanaan": 4_000_000}),
     _insert("tabel6", "5.03", {"kode": "5", "uraian": "URUSAN PENUNJANG", "pendanaan": TOTAL}),
     T6, "G4", "5", ["Urusan 5", "Rp 4.000.000", "Rp 3.500.000", "selisih Rp 500.000"]),
    ("uang.subtotal_tersimpan", _set("sipd", PROGRAM[0], pagu=3_400_000), None, SIPD, "H5", PROGRAM[0],
     ["Rp 3.400.000", "Rp 3.500.000", "selisih Rp -100.000"]),
    ("uang.pagu_indikatif", _ident(pagu_indikatif=3_000_000), _ident(pagu_indikatif=3_500_000), T6, "", "",
     ["Rp 3.500.000", "Rp 3.000.000", "sebesar Rp 500.000"]),
    ("silang.rancangan_rencana", _drop("tabel6", S2), None, T4, "B8", S2, ["Tabel 4", "tidak di Tabel 6"]),
    ("silang.rancangan_sipd", _drop("sipd", S2), None, T4, "B8", S2, ["tidak di Usulan SIPD"]),
    ("silang.rencana_sipd", _drop("tabel6", S2), None, SIPD, "B8", S2, ["Usulan SIPD", "tidak di Tabel 6"]),
    ("silang.target", _set("tabel6", S2, target=3), None, T6, "F8", S2, ["target 3", "Tabel 4 (2"]),
    ("silang.satuan", _set("sipd", S1, satuan="Laporan"), _set("sipd", S1, satuan="dokumen"), SIPD, "G7", S1,
     ["'Laporan'", "'Dokumen'"]),
    ("silang.kebutuhan_dana", _set("tabel4", S2, kebutuhan_dana=3_000_000),
     _set("tabel4", S2, kebutuhan_dana=2_500_000), T4, _cell("tabel4", "kebutuhan_dana", 8), S2,
     ["Rp 3.000.000", f"pagu sub kegiatan di Tabel 6 (Rp 2.500.000, sel {_t6('pendanaan', 8)})",
      "selisih Rp 500.000"]),
    ("rencana.sumber_dana_selisih", _set("tabel6", S1, sd_pad=400_000, sd_dau=500_000),
     _set("tabel6", S1, sd_pad=400_000, sd_dau=600_000), T6, "G7", S1,
     ["Rp 900.000", "PAD Rp 400.000", "DAU Rp 500.000", "pagu Rp 1.000.000", "selisih Rp -100.000"]),
    ("rencana.sumber_dana_pagu", _ident(pagu_sd_pad=3_000_000), _ident(pagu_sd_pad=3_500_000), T6, _t6("sd_pad", 2), "",
     ["PAD Rp 3.500.000", "Rp 3.000.000", f"Identitas B{_ident_row('pagu_sd_pad')}", "sebesar Rp 500.000"]),
    ("rencana.sumber_dana_kosong", _set("tabel6", S2, sd_pad=None), _set("tabel6", S2, sd_pad=None, sd_blud=2_500_000),
     T6, _t6("sd_pad", 8), S2, ["sumber dana", S2]),
    ("rencana.sumber_dana_kosong", lambda d: [r.pop("sd_pad", None) for r in d["tabel6"]], None, T6, _t6("sd_pad", 3), "",
     ["satu pun dari 2 sub kegiatan"]),
    ("rencana.prakiraan_kosong", _set("tabel6", S1, pagu_n1=None), None, T6, _t6("pagu_n1", 7), S1, ["pagu prakiraan maju"]),
    ("rencana.prakiraan_kosong", _set("tabel6", S2, target_n1=" "), None, T6, _t6("target_n1", 8), S2, ["target prakiraan maju"]),
    ("rencana.kelompok_sasaran_kosong", _set("tabel6", S2, kelompok_sasaran=None), None, T6, _t6("kelompok_sasaran", 8), S2,
     ["kelompok sasaran"]),
    ("rencana.prakiraan_naik", _set("tabel6", S1, pagu_n1=1_300_000),
     lambda d: (_set("tabel6", S1, pagu_n1=1_300_000)(d), _ident(batas_kenaikan_prakiraan=30)(d)), T6, _t6("pagu_n1", 7), S1,
     ["Rp 1.300.000", "naik 30,00%", "Rp 1.000.000", "batasnya 20%"]),
    ("rencana.program_outcome", _drop("tabel6", PROGRAM[0]), None, T6, "", PROGRAM[0], ["outcome"]),
    ("rencana.kegiatan_hasil", _drop("tabel6", KEGIATAN[0]), None, T6, "", KEGIATAN[0], ["hasil kegiatan"]),
    ("evaluasi.realisasi_lebih", _set("tabel1", S1, realisasi=1_200_000), _set("tabel1", S1, realisasi=1_000_000),
     T1, "G7", S1, ["Rp 1.200.000", "anggarannya Rp 1.000.000", "(120,00%)", "selisih Rp 200.000"]),
    ("evaluasi.triwulan_selisih", _set("tabel1", S1, tw1_rp=400_000, tw3_rp=500_000),
     _set("tabel1", S1, tw1_rp=400_000, tw3_rp=599_000), T1, _cell("tabel1", "tw_rp", 7), S1,
     ["Rp 900.000", "realisasinya Rp 999.000 (sel G7)", "selisih Rp -99.000"]),
    ("tahun.identitas", _ident(tahun_evaluasi=2021), None, "Identitas", "B10", "", ["2021", "(2022)"]),
    ("tahun.identitas", _ident(periode_renstra="2019-2023"), _ident(periode_renstra="2024 - 2026"), "Identitas",
     "B11", "", ["di luar periode Renstra 2019-2023"]),
    ("tahun.identitas", _ident(tahun_penyusunan=2025), _ident(tahun_penyusunan=2023), "Identitas", "B24", "",
     ["sesudah tahun rencana"]),
    ("iku.target", lambda d: d["tabel2"][0].update(target=None), None, "Tabel 2 Capaian IKU", "G4", "1.1",
     ["tanpa target"]),
    ("iku.realisasi", lambda d: d["tabel2"][0].update(realisasi=None), None, "Tabel 2 Capaian IKU", "H4", "1.1",
     ["tanpa realisasi"]),
]


@pytest.mark.parametrize("rule,fail,passing,sheet_name,cell,code,words", CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_rule_fails_and_passes(rule, fail, passing, sheet_name, cell, code, words) -> None:
    data = base()
    fail(data)
    found = of_rule(run(data), rule)
    match = [f for f in found if f.sheet == sheet_name and f.cell == cell and f.code == code]
    assert match, f"{rule} tidak ditemukan di {sheet_name}!{cell}; ditemukan: {[x.line() for x in found]}"
    f = match[0]
    assert f.severity == RULES[rule].severity
    for w in words:
        assert w in f.message, f.message
    ok = base()
    if passing is not None:
        passing(ok)
    assert not of_rule(run(ok), rule), [x.line() for x in of_rule(run(ok), rule)]


def test_every_catalogued_rule_has_a_failing_case() -> None:
    tested = {c[0] for c in CASES}
    elsewhere = {"tabel.sel_gabung", "identitas.hilang", "pengaturan.isian",  # below
                 "nomenklatur.versi", "nomenklatur.kode", "nomenklatur.indikator",
                 "nomenklatur.satuan",  # test_nomenklatur.py
                 "sipd.pagu", "sipd.pagu_kosong", "sipd.total_induk",  # test_sipd.py
                 "sipd.kode_angka", "sipd.sub_kegiatan_ganda", "sipd.sumber_dana", "sipd.tahun",  # test_sipd_renja.py
                 "uang.rumus_ditimpa",  # test_libreoffice_example.py / test_excel_remote.py / test_hardening_data.py
                 "isi.teks_panjang",  # test_hardening_data.py
                 "nomenklatur.dihapus", "hierarki.induk_tanpa_nama",  # test_nomenklatur_versions.py
                 "tahun.judul_kolom"}  # test_rencana.py
    assert set(RULES) - tested - elsewhere == set()


def test_merged_cells_in_the_data_area() -> None:
    book = make_book(base())
    book.wb[T6].merge_cells("C7:D8")
    found = of_rule(validate_grid(book), "tabel.sel_gabung")
    assert [(f.sheet, f.cell, f.severity) for f in found] == [(T6, "C7:D8", "error")]
    assert not of_rule(validate_grid(make_book(base())), "tabel.sel_gabung")


def test_missing_identitas_label() -> None:
    book = make_book(base())
    row = FIRST_DATA_ROW + [f.key for f in IDENTITAS_FIELDS].index("singkatan")
    book.write("Identitas", row, 1, [["Singkatan Nama"]])
    found = of_rule(validate_grid(book), "identitas.hilang")
    assert len(found) == 1 and "Nama Singkat" in found[0].message


def test_every_missing_sub_kegiatan_is_reported_both_ways() -> None:
    data = base()
    _drop("tabel6", S2)(data)
    _append("tabel6", {"kode": "5.03.02.1.01.03", "uraian": "Koordinasi dan Fasilitasi Pengadaan PNS dan PPPK",
                       "indikator": "Jumlah Dokumen", "satuan": "Dokumen", "target": 1, "pendanaan": 2_500_000,
                       "lokasi": "Provinsi Contoh", "waktu": "Januari - Desember"})(data)
    found = of_rule(run(data), "silang.rancangan_rencana")
    assert {(f.sheet, f.code) for f in found} == {(T4, S2), (T6, "5.03.02.1.01.03")}


# ------------------------------------------------------------------ settings table

def _choose(book: OpenpyxlBook, rule: str, choice: str) -> str:
    from renja_xl.workbook.catalogue import rules

    row = FIRST_DATA_ROW + [r.rule for r in rules()].index(rule)
    block = book.read("Pengaturan Validasi")
    assert block[row - 1][0] == rule  # the template lists the catalogue in order
    book.write("Pengaturan Validasi", row, 4, [[choice]])
    return f"D{row}"


def test_a_rule_turned_off_or_downgraded_in_the_workbook() -> None:
    data = base()
    _set("tabel6", KEGIATAN[0], pendanaan=3_000_000)(data)
    book = make_book(data)
    assert of_rule(validate_grid(book), "uang.alokasi_induk")[0].severity == "error"
    _choose(book, "uang.alokasi_induk", "Peringatan")
    assert [f.severity for f in of_rule(validate_grid(book), "uang.alokasi_induk")] == ["warning"]
    _choose(book, "uang.alokasi_induk", "Nonaktif")
    assert of_rule(validate_grid(book), "uang.alokasi_induk") == []
    _choose(book, "nomenklatur.versi", "Galat")
    assert [f.severity for f in validate_grid(book)] == ["error"]


def test_an_unreadable_setting_is_reported_and_the_default_kept() -> None:
    data = base()
    _set("tabel6", KEGIATAN[0], pendanaan=3_000_000)(data)
    book = make_book(data)
    cell = _choose(book, "uang.alokasi_induk", "Sedang")
    findings = validate_grid(book)
    assert of_rule(findings, "uang.alokasi_induk")[0].severity == "error"
    note = of_rule(findings, "pengaturan.isian")
    assert [(f.sheet, f.cell) for f in note] == [("Pengaturan Validasi", cell)] and "'Sedang'" in note[0].message
    assert not of_rule(run(base()), "pengaturan.isian")


def test_findings_are_sorted_by_severity() -> None:
    data = base()
    _set("tabel6", KEGIATAN[0], pendanaan=3_000_000)(data)  # error
    _set("tabel6", S2, target=3)(data)  # info
    _set("tabel4", S1, waktu=None)(data)  # warning
    severities = [f.severity for f in run(data)]
    assert severities == sorted(severities, key=SEVERITIES.index)
    assert set(severities) == set(SEVERITIES)


# ------------------------------------------------------------------ NIP and month ranges directly

@pytest.mark.parametrize("nip,ok", [
    ("19650206 198603 1 018", True), ("198012312005012002", True),
    ("19650230 198603 1 018", False), ("18650206 198603 1 018", False), ("19650206 196003 1 018", False),
    ("19650206-198603-1-018", False), ("1965020619860310180", False),
])
def test_nip_problem(nip: str, ok: bool) -> None:
    from renja_xl.rules.isi import nip_problem

    assert (nip_problem(nip) is None) == ok


@pytest.mark.parametrize("text,expected", [
    ("Januari - Desember", (1, 12)), ("Februari - September", (2, 9)), ("juli", (7, 7)),
    ("Agustus s.d. Desember", (8, 12)), ("Jan - Des", (1, 12)),
])
def test_month_range(text: str, expected) -> None:
    from renja_xl.rules.isi import month_range

    assert month_range(text) == expected


# ------------------------------------------------------------------ amounts at the seed

def test_seed_money_is_exact_decimal() -> None:
    data = base()
    _set("tabel6", S1, pendanaan=0.1)(data)
    _set("tabel6", S2, pendanaan=0.2)(data)
    _set("tabel6", KEGIATAN[0], pendanaan=0.3)(data)
    _set("tabel6", PROGRAM[0], pendanaan=0.3)(data)
    _set("tabel6", "5.03", pendanaan=0.3)(data)
    # 0.1 + 0.2 == 0.3 exactly in Decimal: no allocation error (floats would differ)
    assert not of_rule(run(data), "uang.alokasi_induk")
    assert Decimal("0.1") + Decimal("0.2") == Decimal("0.3")


def test_background_read_hands_over_the_codes_it_scans(tmp_path: Path) -> None:
    """CalamineBook.prefetch with a text hook: the scan thread passes every sub kegiatan code of the sheets
    (inline strings as openpyxl writes them, and a shared-strings table as Excel writes it) to the callback,
    and the blocks read afterwards are the same as without the hook."""
    import zipfile

    from renja_xl.engines.calamine_engine import CalamineBook
    from renja_xl.workbook.reader import SHEETS_READ

    t6 = sheet("tabel6")
    path = tmp_path / "renja.xlsx"
    book = OpenpyxlBook(path, build_template())
    codes = ["5.03.01.1.01.0001", "5.03.01.1.01.0002", "X.XX.01.1.01.01"]
    book.write(t6.name, FIRST_DATA_ROW, 1, [t6.make_row(kode=k, uraian="Sub") for k in codes])
    book.save(keep_backup=False)
    names = [sheet(k).name for k in SHEETS_READ]
    seen: list[str] = []
    hooked = CalamineBook(path)
    hooked.prefetch(names, codes=seen.append)
    blocks = {n: hooked.read(n) for n in names}
    assert sorted(seen) == sorted(codes)
    assert blocks == {n: CalamineBook(path).read(n) for n in names}
    # the same texts moved into a shared-strings table
    shared = tmp_path / "shared.xlsx"
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(shared, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info.filename))
        only_shared = "9.99.01.1.01.0999"  # in the shared strings, in no cell
        zout.writestr("xl/sharedStrings.xml", '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                      f"<si><t>{only_shared}</t></si></sst>")
    seen.clear()
    reading = CalamineBook(shared)
    reading.prefetch(names, codes=seen.append)
    reading.read(t6.name)  # its block waits for the scan
    assert only_shared in seen and set(codes) <= set(seen)
