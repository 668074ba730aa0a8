"""Tabel 6 as T-C.33 / SIPD-RI Bab IV: year headers from Identitas, agency totals, sumber dana and prakiraan maju
recomputed by LibreOffice in a kabupaten workbook with 4-digit codes."""
from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from renja_xl.engines.openpyxl_template import build_template
from renja_xl.domain.layout import (FIRST_DATA_ROW, HEADER_ROW, IDENTITAS_FIELDS, NOTE_ROW, SUMBER_DANA_KEYS,
                                    sheet)
from renja_xl.engines.openpyxl_engine import OpenpyxlBook
from renja_xl.workbook.reader import read_renja
from renja_xl.workbook.recalc import recalc
from renja_xl.workbook.validation import validate_grid

from conftest import recomputed_sheet

T6 = sheet("tabel6")


@pytest.fixture(autouse=True)
def empty_store(tmp_path, monkeypatch):
    monkeypatch.setenv("RENJA_XL_HOME", str(tmp_path / "home"))


def _identitas(book: OpenpyxlBook, **values: Any) -> None:
    base = {"nama_perangkat_daerah": "Badan Kepegawaian dan Pengembangan SDM Kabupaten Contoh",
            "pemerintah_daerah": "Kabupaten Contoh", "jenis_pemda": "Kabupaten", "tahun_rencana": 2027,
            "tahun_evaluasi": 2025, "kode_bidang_urusan": "5.03", "nama_bidang_urusan": "KEPEGAWAIAN",
            "versi_nomenklatur": "Kepmendagri 900.1.15.5-1317 Tahun 2023"}
    base.update(values)
    book.write(sheet("identitas").name, FIRST_DATA_ROW, 2, [[base.get(f.key)] for f in IDENTITAS_FIELDS])


def kabupaten_rows(seed: int = 13) -> list[list[Any]]:
    """3 programs x 3 kegiatan x 4 sub kegiatan (4-digit codes), each funded from one to three sumber dana,
    with prakiraan maju; programs and kegiatan with two indicator rows each; rows typed out of order."""
    rng = random.Random(seed)
    rows = []
    for p in range(1, 4):
        program = f"5.03.0{p}"
        for i in (1, 2):
            rows.append(T6.make_row(kode=program, uraian=f"PROGRAM {p}", indikator=f"Persentase capaian {p}.{i}",
                                    satuan="Persen", target=90 + i, pendanaan=None))
        for k in range(1, 4):
            kegiatan = f"{program}.2.0{k}"
            for i in (1, 2):
                rows.append(T6.make_row(kode=kegiatan, uraian=f"Kegiatan {p}.{k}", indikator=f"Hasil {k}.{i}",
                                        satuan="Persen", target=80 + i))
            for s in range(1, 5):
                sources = rng.sample(SUMBER_DANA_KEYS, rng.randint(1, 3))
                amounts = {key: rng.randrange(1, 900_000) * 1000 + rng.randrange(0, 1000) for key in sources}
                pagu = sum(amounts.values())
                rows.append(T6.make_row(kode=f"{kegiatan}.{s:04d}", uraian=f"Sub kegiatan {p}.{k}.{s}",
                                        indikator="Jumlah Dokumen", satuan="Dokumen", target=s,
                                        pendanaan=pagu, lokasi="Kab. Contoh, Kec. Satu", waktu="Januari - Desember",
                                        kelompok_sasaran="ASN", target_n1=s + 1,
                                        pagu_n1=pagu + pagu * rng.randrange(0, 15) // 100, **amounts))
    rng.shuffle(rows)
    return rows


def kabupaten_book(path: Path) -> OpenpyxlBook:
    book = OpenpyxlBook(path, build_template())
    _identitas(book)
    book.write(T6.name, FIRST_DATA_ROW, 1, kabupaten_rows())
    recalc(book)
    book.save()
    return book


def test_year_headers_follow_the_plan_year(tmp_path: Path) -> None:
    book = kabupaten_book(tmp_path / "kab.xlsx")
    header = book.read(T6.name)[HEADER_ROW - 1]
    assert header[T6.col("target")] == "Target Kinerja Tahun 2027"
    assert header[T6.col("pendanaan")] == "Pagu Indikatif Tahun 2027 (Rp)"
    assert header[T6.col("realisasi_n2")] == "Realisasi Tahun 2025"
    assert header[T6.col("prakiraan_n1")] == "Prakiraan Realisasi Tahun 2026"
    assert header[T6.col("pagu_n1")] == "Pagu Indikatif Tahun 2028 (Rp)"
    assert not [f for f in validate_grid(book) if f.rule == "tahun.judul_kolom"]
    _identitas(book, tahun_rencana=2028, tahun_evaluasi=2026)  # a new year typed, Hitung Ulang not yet run
    found = [f for f in validate_grid(book) if f.rule == "tahun.judul_kolom"]
    assert {f.cell for f in found if f.sheet == T6.name} == {"F3", "G3", "H3", "L3", "M3", "AB3", "AC3"}
    assert {f.cell for f in found if f.sheet == sheet("tabel3").name} == {"F3", "G3", "H3", "I3", "J3", "K3"}
    assert "Target Kinerja Tahun 2028" in next(f.message for f in found if f.cell == "F3" and f.sheet == T6.name)
    recalc(book)
    assert not [f for f in validate_grid(book) if f.rule == "tahun.judul_kolom"]
    assert book.read(T6.name)[HEADER_ROW - 1][T6.col("target_n1")] == "Target Kinerja Tahun 2029"


def test_kabupaten_workbook_is_clean_of_the_new_rules(tmp_path: Path) -> None:
    book = kabupaten_book(tmp_path / "kab.xlsx")
    new = [f for f in validate_grid(book) if f.rule.startswith(("rencana.", "tahun."))]
    assert not new, [f.line() for f in new]


@pytest.mark.libreoffice
def test_libreoffice_equals_python_in_every_money_column(soffice: str, tmp_path: Path) -> None:
    """Every computed cell of every money column of Tabel 6 — each parent's SUBTOTAL of the pagu, of the ten
    sumber dana and of the pagu n+1, a sub kegiatan's own Jumlah, the agency totals above the headers — as
    LibreOffice recomputes it equals Python's Decimal total."""
    path = tmp_path / "kabupaten.xlsx"
    kabupaten_book(path)
    renja = read_renja(OpenpyxlBook(path))
    table = renja.tabel6
    lo = recomputed_sheet(soffice, path, T6.name, tmp_path / "lo")
    summed = [(j, c) for j, c in enumerate(T6.columns) if c.role in ("jumlah", "total")]
    assert len(summed) == 12  # jumlah n, ten sumber dana, pagu n+1
    checked = 0
    for r in table.rows:
        line = lo[r.source_row - 1]
        for j, c in summed:
            if r.is_leaf and c.role == "jumlah":
                continue  # typed
            want = table.money(r, c.key) if r.is_first else None
            got = line[j]
            assert _num(got) == want, (r.kode.text, c.key, got, want)
            checked += 1
    leaves = [r for r in table.rows if r.is_leaf]
    assert len(leaves) == 36 and all(len(r.kode.segments[-1]) == 4 for r in leaves)
    for j, c in summed:  # the agency totals: the sum of the sub kegiatan
        want = sum((table.money(r, c.key) for r in leaves), Decimal(0))
        assert _num(lo[NOTE_ROW - 1][j]) == want, c.key
        checked += 1
    assert sum(table.money(r, "sd_pad") for r in leaves) > 0
    assert checked == 25 * 12 + 36 + 12  # 25 parent rows (bidang, 2 x 3 program, 2 x 9 kegiatan), 36 leaves, agency


def _num(value: Any) -> Decimal | None:
    if value == "" or value is None:
        return None
    assert isinstance(value, (int, float)) and not isinstance(value, bool), f"bukan angka: {value!r}"
    return Decimal(repr(float(value))).normalize()


def tabel1_rows() -> list[list[Any]]:
    """T-C.29 rows with every kind of kinerja (numbers, a predicate, blanks, a zero target) and of money."""
    t1 = sheet("tabel1")
    rng = random.Random(29)
    rows = []
    targets = [5, 12.5, "BB", None, 0, 100, 3]
    for k in range(1, 4):
        for s in range(1, 8):
            target = targets[(k + s) % len(targets)]
            anggaran = rng.randrange(0, 500_000_000) if s != 4 else None
            rows.append(t1.make_row(
                kode=f"5.03.0{k}.2.01.{s:04d}", uraian=f"Sub {k}.{s}", indikator="Persentase", satuan="Persen",
                target=target, anggaran=anggaran,
                realisasi=None if s == 5 else rng.randrange(0, 500_000_000),
                realisasi_kinerja=None if s == 6 else (target if isinstance(target, str) else rng.randrange(0, 130)),
                target_renstra=rng.choice([None, 0, 100, 7.5]), pagu_renstra=rng.choice([None, 2_000_000_000]),
                realisasi_n3=rng.randrange(0, 100), realisasi_n3_rp=rng.choice([None, rng.randrange(1, 10**9)]),
                target_n1=rng.randrange(0, 100), anggaran_n1=rng.choice([None, rng.randrange(1, 10**9)]),
                perkiraan_kinerja=rng.choice([None, 50, 80.25, "B"]),
                **_triwulan(rng, s, target)))
    return rows


def _triwulan(rng: random.Random, s: int, target: Any) -> dict[str, Any]:
    """Monev per triwulan: none at all (s = 1), some quarters, all four; a kinerja sum typed or a predicate."""
    if s == 1:
        return {}
    out: dict[str, Any] = {f"tw{q}_rp": rng.randrange(0, 200_000_000) for q in range(1, 5) if q <= s - 2 or s > 4}
    out.update({f"tw{q}_kinerja": rng.randrange(0, 40) for q in range(1, 5)})
    out["tw_kinerja"] = target if isinstance(target, str) else rng.choice([None, rng.randrange(0, 130), 42.5])
    out["faktor_pendorong"], out["faktor_penghambat"] = "Dukungan pimpinan", "Anggaran terlambat"
    return out


@pytest.mark.libreoffice
def test_tc29_computed_columns_in_libreoffice_equal_python(soffice: str, tmp_path: Path) -> None:
    """Tabel 1 as T-C.29: every % (realisasi Rp and kinerja, capaian Renstra kinerja and Rp, triwulan I-IV against
    the target and the anggaran) and every money total (the perkiraan realisasi Rp and the triwulan I-IV Rp of a
    sub kegiatan, the SUBTOTALs of the parents) as LibreOffice computes them."""
    t1 = sheet("tabel1")
    path = tmp_path / "tc29.xlsx"
    book = OpenpyxlBook(path, build_template())
    _identitas(book)
    book.write(t1.name, FIRST_DATA_ROW, 1, tabel1_rows())
    recalc(book)
    book.save()
    table = read_renja(OpenpyxlBook(path)).tabel1
    lo = recomputed_sheet(soffice, path, t1.name, tmp_path / "lo")
    assert lo[HEADER_ROW - 1][t1.col("realisasi_n3")] == "Realisasi Kinerja s.d. Tahun 2024"
    checked, seen = 0, set()
    for r in table.rows:
        line = lo[r.source_row - 1]
        for j, c in enumerate(t1.columns):
            if c.role == "persen":
                want = table.percent(r, c.key)
            elif c.role == "total" and r.is_leaf:  # empty when none of its sources is typed
                want = table.shown(r, c.key)
                seen.add((c.key, want is None))
            elif c.role == "total" or (c.role == "jumlah" and not r.is_leaf):
                want = table.money(r, c.key)
            else:
                continue
            assert _num(line[j]) == want, (r.kode.text, c.key, line[j], want)
            seen.add((c.key, want is None))
            checked += 1
    # computed at every row: 6 % and 2 totals (perkiraan Rp, triwulan I-IV Rp); summed above: 5 + 4 triwulan Rp
    assert checked == len(table.rows) * 8 + (len(table.rows) - 21) * 9
    assert lo[HEADER_ROW - 1][t1.col("tw1_rp")] == "Realisasi Triwulan I Tahun 2025 (Rp)"
    for key in ("persen", "persen_kinerja", "capaian_kinerja", "capaian_rp", "tw_persen_kinerja", "tw_persen_rp",
                "tw_rp"):
        assert (key, True) in seen and (key, False) in seen, key  # empty and computed both occur


# --- printing: heights for wrapped text ---------------------------------------------------------------------

@pytest.mark.parametrize("text,width,lines", [
    ("Dokumen", 12, 1), ("x" * 25, 10, 3), ("x" * 22, 10, 2), ("a " * 20, 10, 4),
    ("Target Kinerja Tahun 2024", 8.5, 4),  # words are not split: Target / Kinerja / Tahun / 2024
    ("satu\ndua", 40, 2), (None, 10, 1), (12345, 2, 3),
])
def test_text_lines(text, width, lines) -> None:
    from renja_xl.domain.layout import text_lines

    assert text_lines(text, width) == lines


def test_row_heights_equal_row_height_and_bold_needs_more() -> None:
    from renja_xl.domain.layout import row_height, row_heights

    long = "Koordinasi dan Penyusunan Laporan Capaian Kinerja dan Ikhtisar Realisasi Kinerja SKPD"
    rows = [T6.make_row(uraian=long), T6.make_row(uraian=long), T6.make_row(uraian="Pendek"),
            T6.make_row(jumlah="=" + "x" * 200)]
    bold = [False, True, True, False]
    heights = row_heights(T6.columns, rows, bold)
    assert heights == [row_height(T6.columns, r, b) for r, b in zip(rows, bold)]
    assert heights[0] and heights[1] > heights[0] and heights[2] is None and heights[3] is None


def test_recalc_gives_wrapped_rows_a_height_and_petunjuk_explains_rows(tmp_path: Path) -> None:
    book = kabupaten_book(tmp_path / "kab.xlsx")
    block = book.read(T6.name)
    dims = book.wb[T6.name].row_dimensions
    long_rows = [i + 1 for i, line in enumerate(block[FIRST_DATA_ROW - 1:], FIRST_DATA_ROW - 1)
                 if len(str(line[T6.col("indikator")] or "")) > 46]
    short_rows = [i + 1 for i, line in enumerate(block[FIRST_DATA_ROW - 1:], FIRST_DATA_ROW - 1)
                  if all(len(str(v or "")) < 10 for v in line[:5])]
    assert all(dims[r].height is None for r in short_rows)
    petunjuk = book.wb["Petunjuk"]
    text = "\n".join(str(c.value or "") for c in petunjuk["A"])
    assert "Menambah:" in text and "Menghapus:" in text and "Unprotect Sheet" in text
    wrapped = [r for r in range(HEADER_ROW, petunjuk.max_row + 1) if len(str(petunjuk.cell(r, 1).value or "")) > 90]
    assert wrapped and all(petunjuk.row_dimensions[r].height >= 32 for r in wrapped)
    assert book.wb[T6.name].row_dimensions[HEADER_ROW].height >= 60  # "Perangkat Daerah Penanggung Jawab" etc.
    # a sub kegiatan whose indicator wraps in its column of 42
    book.write(T6.name, FIRST_DATA_ROW + 5, T6.col("indikator") + 1, [["Jumlah " * 20]])
    recalc(book)
    assert book.wb[T6.name].row_dimensions[FIRST_DATA_ROW + 5].height >= 47
    assert long_rows == [] or all(dims[r].height for r in long_rows)
