"""Bappeda's ceilings: the pagu indikatif per perangkat daerah (`--pagu PAGU.xlsx`) and its template.

The sheet *Pagu Indikatif* (row 3 the headers, data from row 4) lists one agency per row: its name as in the
Identitas of its Renja (or its short name), and the pagu indikatif of the ceiling letter in whole rupiah. An
agency is matched by name, case and spacing ignored.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from renja_xl.domain.cells import cell_ref
from renja_xl.domain.errors import WorkbookError
from renja_xl.domain.findings import Finding, declared
from renja_xl.rekap import rules as _rules  # noqa: F401  (declares the ids used here)
from renja_xl.domain.layout import FIRST_DATA_ROW, HEADER_ROW
from renja_xl.domain.money import NumberError, to_decimal

SHEET = "Pagu Indikatif"
HEADERS = ["No", "Nama Perangkat Daerah", "Nama Singkat", "Pagu Indikatif (Rp)", "Nomor Surat", "Keterangan"]
WIDTHS = [6, 50, 24, 22, 30, 40]
TITLE = "PAGU INDIKATIF PERANGKAT DAERAH"
NOTE = ("Satu perangkat daerah per baris mulai baris 4; Nama seperti di sheet Identitas Renja-nya (atau Nama "
        "Singkat). Pagu dalam rupiah utuh, diketik sebagai angka.")
PETUNJUK = [
    "Berkas pagu indikatif untuk renja-xl rekap --pagu BERKAS.xlsx",
    "",
    "1. Isi sheet 'Pagu Indikatif' mulai baris 4: satu perangkat daerah per baris.",
    "2. Kolom 'Nama Perangkat Daerah' sama dengan 'Nama Perangkat Daerah' di sheet Identitas buku kerja Renja-nya",
    "   (huruf besar/kecil dan spasi tidak dibedakan); bila berbeda, isi 'Nama Singkat' sama dengan 'Nama Singkat'"
    " di Identitas.",
    "3. 'Pagu Indikatif (Rp)' diketik sebagai angka tanpa titik ribuan (17914888161), sesuai surat penetapan pagu.",
    "4. Jangan mengubah judul kolom di baris 3 atau nama sheet.",
    "Rekap membandingkan total Tabel 6 tiap perangkat daerah dengan pagu ini (temuan rekap.pagu_opd) dan "
    "mencatat pagu tanpa buku kerja (rekap.pagu_tanpa_opd).",
]


def norm(text: object) -> str:
    return re.sub(r"\s+", " ", str(text or "")).strip().lower()


@dataclass
class Ceiling:
    name: str
    short: str
    pagu: Decimal
    row: int
    used: bool = False


def read_pagu(path: Path) -> tuple[list[Ceiling], list[Finding]]:
    from renja_xl.engines.calamine_engine import CalamineBook

    book = CalamineBook(path)
    if SHEET not in book.sheet_names():
        raise WorkbookError(f"berkas pagu '{path.name}' tidak memiliki sheet '{SHEET}'; mulai dari templatnya: "
                            "renja-xl rekap --templat-pagu pagu.xlsx")
    block = book.read(SHEET)
    header = [norm(v) for v in (block[HEADER_ROW - 1] if len(block) >= HEADER_ROW else [])]
    cols = {}
    for key, label in (("name", "Nama Perangkat Daerah"), ("short", "Nama Singkat"), ("pagu", "Pagu Indikatif (Rp)")):
        if norm(label) not in header:
            raise WorkbookError(f"berkas pagu '{path.name}' sheet '{SHEET}' baris {HEADER_ROW}: kolom '{label}' "
                                "tidak ada. Jangan mengubah judul kolom templat.")
        cols[key] = header.index(norm(label))
    out, notes = [], []
    rule = "rekap.pagu_isian"
    for r, line in enumerate(block[FIRST_DATA_ROW - 1:], start=FIRST_DATA_ROW):
        line = list(line) + [None] * (len(header) - len(line))
        name, short, raw = line[cols["name"]], line[cols["short"]], line[cols["pagu"]]
        if not norm(name) and not norm(short) and raw is None:
            continue
        where = cell_ref(r, cols["pagu"] + 1)
        try:
            pagu = to_decimal(raw)
        except NumberError as exc:
            notes.append(declared(rule)(SHEET, where, "", f"{path.name}: {exc}"))
            continue
        if pagu is None or not (norm(name) or norm(short)):
            notes.append(declared(rule)(SHEET, cell_ref(r, 2), "",
                                 f"{path.name} baris {r}: nama perangkat daerah atau pagunya kosong; dilewati."))
            continue
        out.append(Ceiling(str(name or "").strip(), str(short or "").strip(), pagu, r))
    return out, notes


def match(ceilings: list[Ceiling], nama: object, singkatan: object) -> Ceiling | None:
    n, s = norm(nama), norm(singkatan)
    for c in ceilings:
        if (n and norm(c.name) == n) or (s and norm(c.short) == s):
            return c
    return None
