"""Issue 13, the forms besides T-C.29 and T-C.33: T-C.30 (kinerja pelayanan), T-C.31 (review of the rancangan
awal RKPD, on Tabel 4) and T-C.32 (usulan pemangku kepentingan) - their sheets, their reading, their chapter views,
and Tabel 4's money totals as LibreOffice recomputes them."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from renja_xl.chapters import render_text
from renja_xl.domain.layout import FIRST_DATA_ROW, HEADER_ROW, IDENTITAS_FIELDS, sheet
from renja_xl.engines.calamine_engine import CalamineBook
from renja_xl.engines.openpyxl_engine import OpenpyxlBook
from renja_xl.engines.openpyxl_template import build_template
from renja_xl.workbook.reader import read_renja
from renja_xl.workbook.recalc import recalc
from renja_xl.workbook.validation import validate_grid

from conftest import recomputed_sheet

TC30, TC32, T4 = sheet("tc30"), sheet("tc32"), sheet("tabel4")
IDENT = {"nama_perangkat_daerah": "Dinas Contoh", "singkatan": "DC", "tahun_rencana": 2027, "tahun_evaluasi": 2025,
         "kode_bidang_urusan": "5.03", "nama_bidang_urusan": "KEPEGAWAIAN",
         "versi_nomenklatur": "Kepmendagri 050-5889 Tahun 2021"}
PELAYANAN = [
    {"no": "1", "indikator": "Persentase ASN yang mengikuti uji kompetensi", "spm": None, "ikk": "IKK 5.03.1",
     "target_n2": 60, "target_n1": 70, "target_n": 80, "target_np1": 90, "realisasi_n2": 58.5, "realisasi_n1": 71,
     "proyeksi_n": 80, "proyeksi_np1": 90, "catatan": "Kuota uji dari BKN bertambah"},
    {"no": "2", "indikator": "Nilai SAKIP", "spm": "A", "ikk": None, "target_n2": "BB", "target_n1": "BB",
     "target_n": "A", "target_np1": "A", "realisasi_n2": "BB", "realisasi_n1": None, "proyeksi_n": "A",
     "proyeksi_np1": "A", "catatan": ""},
]
USULAN = [{"no": 1, "uraian": "Pelatihan kepemimpinan pengawas", "lokasi": "Kab. Contoh, Kec. Satu",
           "indikator": "Jumlah peserta", "volume": 40, "catatan": "Musrenbang kecamatan"}]


@pytest.fixture(autouse=True)
def empty_store(tmp_path, monkeypatch):
    monkeypatch.setenv("RENJA_XL_HOME", str(tmp_path / "home"))


def _book(path: Path, **tables: list[dict[str, Any]]) -> OpenpyxlBook:
    book = OpenpyxlBook(path, build_template())
    book.write(sheet("identitas").name, FIRST_DATA_ROW, 2, [[IDENT.get(f.key)] for f in IDENTITAS_FIELDS])
    for key, dicts in tables.items():
        spec = sheet(key)
        book.write(spec.name, FIRST_DATA_ROW, 1, [spec.make_row(**d) for d in dicts])
    return book


def test_template_draws_the_new_forms_for_print_and_input() -> None:
    wb = build_template()
    for spec in (TC30, TC32):
        ws = wb[spec.name]
        assert [ws.cell(HEADER_ROW, j + 1).value for j in range(len(spec.columns))] == [c.header for c in
                                                                                          spec.columns]
        assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
        assert ws.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}" and ws.protection.sheet
        assert all(ws.column_dimensions[chr(65 + j)].protection.locked is False for j in range(len(spec.columns)))
    ws = wb[T4.name]
    for key in ("pagu", "kebutuhan_dana"):  # money: typed in sub kegiatan rows, a locked SUBTOTAL in parents
        letter = chr(65 + T4.col(key))
        assert ws.column_dimensions[letter].number_format == "#,##0"
        assert any(f"{letter}{FIRST_DATA_ROW}" in str(dv.sqref) and dv.type == "custom"
                   for dv in ws.data_validations.dataValidation)
    assert T4.col("tingkat") == 8  # the older columns keep their places; T-C.31's follow
    petunjuk = " ".join(str(c.value) for c in wb["Petunjuk"]["A"] if c.value)
    assert "T-C.30" in petunjuk and "T-C.31" in petunjuk and "T-C.32" in petunjuk


def test_tc30_and_tc32_are_read_typed_and_their_years_follow_identitas(tmp_path: Path) -> None:
    book = _book(tmp_path / "a.xlsx", tc30=PELAYANAN, tc32=USULAN)
    recalc(book)
    header = book.read(TC30.name)[HEADER_ROW - 1]
    assert header[TC30.col("target_n2")] == "Target Renstra Tahun 2025"
    assert header[TC30.col("proyeksi_np1")] == "Proyeksi Tahun 2028"
    renja = read_renja(book)
    first, second = renja.tc30
    assert first.realisasi_n2 == Decimal("58.5") and first.ikk == "IKK 5.03.1" and first.spm is None
    assert second.target_n2 == "BB" and second.realisasi_n1 is None and first.source_row == FIRST_DATA_ROW
    assert renja.tc32[0].no == "1" and renja.tc32[0].volume == Decimal(40)
    IDENT_LATER = dict(IDENT, tahun_rencana=2028, tahun_evaluasi=2026)
    book.write(sheet("identitas").name, FIRST_DATA_ROW, 2, [[IDENT_LATER.get(f.key)] for f in IDENTITAS_FIELDS])
    found = [f for f in validate_grid(book) if f.rule == "tahun.judul_kolom" and f.sheet == TC30.name]
    assert len(found) == 8 and "Target Renstra Tahun 2026" in found[0].message


def test_a_workbook_made_before_the_new_forms_still_reads_and_recalcs(tmp_path: Path) -> None:
    book = _book(tmp_path / "lama.xlsx")
    for spec in (TC30, TC32):
        del book.wb[spec.name]
    recalc(book)
    renja = read_renja(book)
    assert renja.tc30 == [] and renja.tc32 == []


@pytest.mark.parametrize("outline", ["permendagri_86_2017", "pedoman_2026"])
def test_chapters_print_the_forms_or_say_they_are_empty(tmp_path: Path, outline: str) -> None:
    empty = read_renja(_book(tmp_path / "kosong.xlsx"))
    md = render_text(empty, "md", outline=outline)
    assert "Data Tabel T-C.30 belum diisi pada sheet 'T-C.30 Kinerja Pelayanan'." in md
    assert "Data Tabel T-C.32 belum diisi pada sheet 'T-C.32 Usulan Pemangku'." in md
    renja = read_renja(_book(tmp_path / "isi.xlsx", tc30=PELAYANAN, tc32=USULAN))
    md = render_text(renja, "md", outline=outline)
    assert "belum diisi pada sheet 'T-C.30" not in md and "belum diisi pada sheet 'T-C.32" not in md
    lines = md.splitlines()
    tc30 = next(ln for ln in lines if "uji kompetensi" in ln)
    cells = [c.strip() for c in tc30.strip("|").split("|")]
    assert cells == ["1", "Persentase ASN yang mengikuti uji kompetensi", "-", "IKK 5.03.1", "60", "70", "80", "90",
                     "58,5", "71", "80", "90", "Kuota uji dari BKN bertambah"]
    head = next(i for i, ln in enumerate(lines) if "Target Renstra" in ln)
    assert "2025" in " ".join(lines[head:head + 3]) and "2028" in " ".join(lines[head:head + 3])
    tc32 = next(ln for ln in lines if "Pelatihan kepemimpinan" in ln)
    assert [c.strip() for c in tc32.strip("|").split("|")] == [
        "1", "Pelatihan kepemimpinan pengawas", "Kab. Contoh, Kec. Satu", "Jumlah peserta", "40",
        "Musrenbang kecamatan"]


def review_rows(seed: int = 31) -> list[dict[str, Any]]:
    """Tabel 4 as T-C.31 for a kabupaten (4-digit codes): 2 programs x 2 kegiatan x 3 sub kegiatan, pagu and
    kebutuhan dana typed (one left empty), rows out of order."""
    import random

    rng = random.Random(seed)
    rows = []
    for p in (1, 2):
        for k in (1, 2):
            for s in (1, 2, 3):
                pagu = rng.randrange(1, 900_000) * 1000 + rng.randrange(0, 1000)
                rows.append({"kode": f"5.03.0{p}.2.0{k}.{s:04d}", "uraian": f"Sub kegiatan {p}.{k}.{s}",
                             "indikator": "Jumlah Dokumen", "satuan": "Dokumen", "target": s,
                             "lokasi": "Kab. Contoh", "waktu": "Januari - Desember",
                             "pagu": pagu, "uraian_analisis": f"Sub kegiatan {p}.{k}.{s} (disesuaikan)",
                             "lokasi_analisis": "Kab. Contoh, Kec. Dua", "indikator_analisis": "Jumlah Dokumen",
                             "target_analisis": s + 1,
                             "kebutuhan_dana": None if (p, k, s) == (2, 1, 2) else pagu + rng.randrange(-5, 6) * 1000,
                             "catatan": "Dinaikkan" if s == 3 else None})
    rng.shuffle(rows)
    return rows


@pytest.mark.libreoffice
def test_tc31_parent_totals_in_libreoffice_equal_python(soffice: str, tmp_path: Path) -> None:
    """Every parent's SUBTOTAL of the pagu rancangan awal and of the kebutuhan dana (Tabel 4 as T-C.31), as
    LibreOffice recomputes it, equals Python's Decimal total of its sub kegiatan."""
    path = tmp_path / "tc31.xlsx"
    book = _book(path, tabel4=review_rows())
    recalc(book)
    book.save()
    table = read_renja(OpenpyxlBook(path)).tabel4
    lo = recomputed_sheet(soffice, path, T4.name, tmp_path / "lo")
    assert lo[HEADER_ROW - 1][T4.col("pagu")] == "Pagu Indikatif Rancangan Awal RKPD Tahun 2027 (Rp)"
    checked = 0
    for r in table.rows:
        if r.is_leaf:
            continue
        for key in ("pagu", "kebutuhan_dana"):
            got = lo[r.source_row - 1][T4.col(key)]
            assert Decimal(repr(float(got))).normalize() == table.money(r, key), (r.kode.text, key, got)
            checked += 1
    assert checked == 2 * 7  # bidang, 2 programs, 4 kegiatan
    bidang = table.rows[0]
    assert table.money(bidang, "pagu") == sum(Decimal(r["pagu"]) for r in review_rows())
    assert table.money(bidang, "kebutuhan_dana") == sum(Decimal(r["kebutuhan_dana"] or 0) for r in review_rows())


def test_tc31_chapter_view_and_the_example_keeps_its_tabel4(tmp_path: Path, example_path: Path) -> None:
    book = _book(tmp_path / "tc31.xlsx", tabel4=review_rows())
    recalc(book)
    renja = read_renja(book)
    md = render_text(renja, "md", outline="permendagri_86_2017")
    lines = md.splitlines()
    head = next(i for i, ln in enumerate(lines) if "Hasil Analisis Kebutuhan" in ln)
    assert "Kebutuhan Dana (Rp)" in " ".join(lines[head:head + 3]) and "Rancangan Awal RKPD 2027" in lines[head]
    row = next(ln for ln in lines if "5.03.01.2.01.0003" in ln)
    cells = [c.strip() for c in row.strip("|").split("|")]
    source = next(r for r in review_rows() if r["kode"] == "5.03.01.2.01.0003")
    from renja_xl.chapters.filters import uang

    assert cells[1] == "5.03.01.2.01.0003 Sub kegiatan 1.1.3" and cells[5] == uang(source["pagu"])
    assert cells[6:11] == ["Sub kegiatan 1.1.3 (disesuaikan)", "Kab. Contoh, Kec. Dua", "Jumlah Dokumen", "4",
                           uang(source["kebutuhan_dana"])] and cells[11] == "Dinaikkan"
    program = next(ln for ln in lines if "5.03.02 " in ln)
    want = sum(r["pagu"] for r in review_rows() if r["kode"].startswith("5.03.02."))
    assert uang(want) in program
    # the seed's Tabel 4 has no review columns: its chapter table is drawn as before (8 columns)
    seed = read_renja(CalamineBook(example_path))
    assert all(seed.tabel4.value(r, k) in (None, "") for r in seed.tabel4.rows if r.is_leaf
               for k in ("pagu", "kebutuhan_dana", "uraian_analisis"))
    from renja_xl.chapters.tables import tabel4

    assert tabel4(seed).ncols == 8


def test_long_text_on_the_plain_forms_gets_a_printed_height(tmp_path: Path) -> None:
    long_note = "Capaian turun karena kuota uji kompetensi dari BKN berkurang dan jadwal uji diundur " * 3
    book = _book(tmp_path / "tinggi.xlsx", tc30=[dict(PELAYANAN[0], catatan=long_note), PELAYANAN[1]],
                 tc32=USULAN)
    recalc(book)
    dims = book.wb[TC30.name].row_dimensions
    assert dims[FIRST_DATA_ROW].ht is not None and dims[FIRST_DATA_ROW].ht >= 4 * 15
    assert dims[FIRST_DATA_ROW + 1].ht is None  # one line: Excel's default height


def test_a_tabel4_from_the_older_template_is_named_as_such(tmp_path: Path) -> None:
    """Tabel 4 as the template drew it before T-C.31 (its headers end at Tingkat): one message saying so, not
    'a column was moved'."""
    from renja_xl.domain.errors import WorkbookError

    book = _book(tmp_path / "lama.xlsx")
    first = T4.col("pagu")
    book.write(T4.name, HEADER_ROW, first + 1, [[None] * (len(T4.columns) - first)])
    with pytest.raises(WorkbookError, match=r"templat Renja XL versi lama: kolom J dst\. \('Pagu Indikatif"):
        read_renja(book)
    book.write(T4.name, HEADER_ROW, first + 2, [["Program"]])  # a header typed over: the usual message
    with pytest.raises(WorkbookError, match="Jangan menyisipkan"):
        read_renja(book)


EVALUASI = [  # Tabel 1 sub kegiatan with the whole T-C.29 form filled
    {"kode": "5.03.01.2.01.0001", "uraian": "Sub kegiatan A", "indikator": "Jumlah Dokumen", "satuan": "Dokumen",
     "target": 2, "anggaran": 1_000_000, "realisasi": 900_000, "realisasi_kinerja": 2, "target_renstra": 10,
     "pagu_renstra": 5_000_000, "realisasi_n3": 4, "realisasi_n3_rp": 2_000_000, "target_n1": 2,
     "anggaran_n1": 1_100_000, "perkiraan_kinerja": 8},
    {"kode": "5.03.01.2.01.0002", "uraian": "Sub kegiatan B", "indikator": "Jumlah Laporan", "satuan": "Laporan",
     "target": 4, "anggaran": 3_000_000, "realisasi": 2_999_999, "realisasi_kinerja": 3, "target_renstra": 20,
     "pagu_renstra": 15_000_000, "realisasi_n3": 8, "realisasi_n3_rp": 6_000_000, "target_n1": 4,
     "anggaran_n1": 3_300_000, "perkiraan_kinerja": 15},
]


def test_tc29_chapter_view_prints_the_whole_form_when_it_is_filled(tmp_path: Path, example_path: Path) -> None:
    """Tabel 1 with the T-C.29 columns filled is printed as the whole form (19 columns, kinerja beside Rp): each
    figure as the workbook's live formula computes it; the seed's Tabel 1 (none of them filled) keeps its seven."""
    from renja_xl.chapters.filters import persen, uang
    from renja_xl.chapters.tables import tabel1

    book = _book(tmp_path / "tc29.xlsx", tabel1=EVALUASI)
    recalc(book)
    renja = read_renja(book)
    table = tabel1(renja)
    assert table.ncols == 19
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in table.rows}
    a = rows["5.03.01.2.01.0001"]
    # perkiraan Rp = s.d. n-3 + realisasi n-2 + anggaran n-1; capaian Rp = perkiraan / pagu Renstra
    assert a[2] == "Jumlah Dokumen (Dokumen)" and a[3:11] == ["10", uang(5_000_000), "4", uang(2_000_000), "2",
                                                            uang(1_000_000), "2", uang(900_000)]
    assert a[11:13] == [persen(Decimal(100)), persen(Decimal(90))]
    assert a[13:17] == ["2", uang(1_100_000), "8", uang(4_000_000)]
    assert a[17:19] == [persen(Decimal(80)), persen(Decimal(80))]
    program = rows["5.03.01"]  # the parent: totals of its sub kegiatan, no kinerja of its own
    assert program[4] == uang(20_000_000) and program[16] == uang(4_000_000 + 12_299_999)
    assert program[12] == persen(Decimal("97.50")) and program[3] == ""
    md = render_text(renja, "md", outline="permendagri_86_2017")
    assert "Tingkat Capaian Realisasi Target Renstra (%)" in md and "Realisasi Capaian Kinerja s.d. Tahun 2024" in md
    seed = read_renja(CalamineBook(example_path))
    assert tabel1(seed).ncols == 7
