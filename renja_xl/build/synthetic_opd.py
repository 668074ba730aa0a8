"""Synthetic OPD workbooks for the rekap's tests and bench: many agencies, fast.

A few base workbooks are drawn once with openpyxl (the template, the example's Identitas, Teks Bab and Tabel 2/3/5,
and N typed sub kegiatan rows in Tabel 6 under a placeholder bidang); each agency is then a copy of one base with
its name and bidang written into the sheet XML (openpyxl stores texts inline, so a byte replacement is exact).
Two thousand workbooks take seconds instead of the minutes of one openpyxl save each.
"""
from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

from renja_xl.engines.openpyxl_template import build_template
from renja_xl.domain.layout import FIRST_DATA_ROW, IDENTITAS_FIELDS, LISTS, sheet
from renja_xl.engines.openpyxl_engine import OpenpyxlBook
from renja_xl.workbook.example import fill_example

PLACEHOLDER_BIDANG = "9.99"
PLACEHOLDER_PROGRAM = "9.99.02"
NAMA, SINGKAT, NAMA_BIDANG = "ZZNAMAOPD", "ZZSINGKAT", "ZZNAMABIDANG"
URUSAN = ("1", "2", "3", "4", "6", "8")  # not 5 (the example's 5.03) nor 7 (kecamatan share their codes)
KEGIATAN = 10


def _row(key: str) -> int:
    return FIRST_DATA_ROW + [f.key for f in IDENTITAS_FIELDS].index(key)


def with_example_context(path: Path) -> OpenpyxlBook:
    """A fresh template carrying the example's Identitas, Teks Bab and Tabel 2, 3 and 5: what a synthetic Renja
    (the rekap's OPDs, the benchmark's 100k rows) borrows so that only its own tables need generating."""
    example = OpenpyxlBook(path, build_template())
    fill_example(example)
    book = OpenpyxlBook(path, build_template())
    for key in ("identitas", "teks", "tabel2", "tabel3", "tabel5"):
        name = sheet(key).name
        book.write(name, FIRST_DATA_ROW, 1, example.read(name)[FIRST_DATA_ROW - 1:])
    return book


def base_workbook(path: Path, n_sub: int, seed: int) -> None:
    """A typed (not recalculated) Renja with `n_sub` sub kegiatan in Tabel 6 under the placeholder program."""
    rnd = random.Random(seed)
    book = with_example_context(path)
    ident = sheet("identitas").name
    for key, value in (("nama_perangkat_daerah", NAMA), ("singkatan", SINGKAT), ("pagu_indikatif", None),
                       ("kode_bidang_urusan", PLACEHOLDER_BIDANG), ("nama_bidang_urusan", NAMA_BIDANG),
                       ("jabatan_kepala", f"Kepala {NAMA}")):
        book.write(ident, _row(key), 2, [[value]])
    per = -(-n_sub // KEGIATAN)
    if per > 99:
        raise ValueError("paling banyak 990 sub kegiatan (kode 2 digit, 10 kegiatan)")
    t6 = sheet("tabel6")
    rows = []
    for i in range(n_sub):
        k, s = i // per + 1, i % per + 1
        row = [None] * len(t6.columns)
        values = dict(kode=f"{PLACEHOLDER_PROGRAM}.1.{k:02d}.{s:02d}", uraian=f"Sub Kegiatan {k}.{s}",
                      indikator="Jumlah Dokumen yang Disusun", satuan="Dokumen", target=rnd.randint(1, 20),
                      pendanaan=rnd.randint(5_000, 900_000) * 1000, lokasi="Kota Pontianak",
                      waktu=LISTS["waktu"][rnd.randint(0, 11)])
        for key, v in values.items():
            row[t6.col(key)] = v
        rows.append(row)
    book.write(t6.name, FIRST_DATA_ROW, 1, rows)
    book.save(keep_backup=False)


def load_parts(path: Path) -> list[tuple[zipfile.ZipInfo, bytes]]:
    with zipfile.ZipFile(path) as z:
        return [(info, z.read(info)) for info in z.infolist()]


def agency_bidang(i: int) -> tuple[str, str]:
    """The bidang and program of agency i: distinct for 6 x 99 x 98 agencies."""
    b = i % (len(URUSAN) * 99)
    program = 2 + i // (len(URUSAN) * 99)
    bidang = f"{URUSAN[b // 99]}.{b % 99 + 1:02d}"
    return bidang, f"{bidang}.{program:02d}"


def write_agency(path: Path, parts: list[tuple[zipfile.ZipInfo, bytes]], i: int, nama: str | None = None) -> None:
    bidang, program = agency_bidang(i)
    nama = nama or f"Dinas Sintetis {i + 1:04d}"
    swaps = [(f"<t>{PLACEHOLDER_BIDANG}</t>", f"<t>{bidang}</t>"), (f">{PLACEHOLDER_PROGRAM}.", f">{program}."),
             (NAMA, nama), (SINGKAT, f"DS{i + 1:04d}"), (NAMA_BIDANG, f"BIDANG {bidang}")]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for info, data in parts:
            if info.filename.startswith("xl/worksheets/sheet"):
                for old, new in swaps:
                    data = data.replace(old.encode(), new.encode())
            z.writestr(info, data)
    path.write_bytes(buf.getvalue())


def generate(folder: Path, n: int, n_sub: int, variants: int = 5, start: int = 0) -> list[Path]:
    """n agency workbooks in `folder` (opd_0001.xlsx, ...), built from `variants` bases (different money)."""
    folder.mkdir(parents=True, exist_ok=True)
    bases = []
    for v in range(min(variants, n)):
        base = folder / f".base_{n_sub}_{v}.xlsx"
        if not base.exists():
            base_workbook(base, n_sub, seed=2024 + v)
        bases.append(load_parts(base))
    out = []
    for i in range(start, start + n):
        path = folder / f"opd_{i + 1:04d}.xlsx"
        write_agency(path, bases[i % len(bases)], i)
        out.append(path)
    return out
