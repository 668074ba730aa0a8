"""Reading a list from its sources: the lampiran's own layout (one code segment per column, names with
PDF-extraction noise) as a worksheet block, and a clean CSV `kode,level,nama,...`."""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from typing import Any

from renja_xl.domain.kode import KodeError, parse_kode
from renja_xl.nomenklatur.matching import clean_text
from renja_xl.nomenklatur.model import LEVEL_KEYS, Entry, Nomenklatur, NomenklaturError

@dataclass
class ImportResult:
    nomenklatur: Nomenklatur
    notes: list[str] = field(default_factory=list)  # rows skipped, with the reason (Indonesian)


def _entry_from(kode_raw: Any, level_raw: Any, nama: Any, indikator: Any = "", satuan: Any = "",
                jenis: Any = "", kinerja: Any = "") -> Entry:
    try:
        parsed = parse_kode(str(kode_raw or "").strip())
    except KodeError as exc:
        raise ValueError(str(exc)) from exc
    level = LEVEL_KEYS[parsed.kode.level]
    given = str(level_raw or "").strip().lower().replace(" ", "_")
    if given and given != level:
        raise ValueError(f"tingkat '{level_raw}' tidak cocok dengan kode {parsed.kode.text} ({level}).")
    name = clean_text(nama)
    if not name:
        raise ValueError(f"nama kode {parsed.kode.text} kosong.")
    jenis_text = str(jenis or "").strip().lower() or "both"
    if jenis_text not in ("provinsi", "kabkota", "both"):
        raise ValueError(f"jenis_pemda '{jenis}' tidak dikenal (provinsi, kabkota atau both).")
    return Entry(parsed.kode.text, level, name, clean_text(indikator), clean_text(satuan), jenis_text,
                 clean_text(kinerja))


def parse_csv_text(text: str, versi: str, source: str = "CSV") -> ImportResult:
    """A clean list: header `kode,level,nama` plus optional indikator, satuan, jenis_pemda, kinerja (other columns
    ignored)."""
    return parse_csv_rows(csv.reader(io.StringIO(text.lstrip("\ufeff"))), versi, source)


def parse_csv_rows(lines, versi: str, source: str = "CSV") -> ImportResult:
    """The same from rows already read (renja_xl.fileio.csv_text reads a file, bounded)."""
    lines = iter(lines)
    header = [str(h).strip().lower() for h in next(lines, [])]
    if "kode" not in header or "nama" not in header:
        raise NomenklaturError(f"{source}: baris judul harus memuat kolom 'kode' dan 'nama' (tertulis: {', '.join(header)}).")
    entries, notes = [], []
    for line_no, line in enumerate(lines, start=2):
        row = dict(zip(header, line))
        if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
            continue
        try:
            entries.append(_entry_from(row.get("kode"), row.get("level"), row.get("nama"), row.get("indikator"),
                                       row.get("satuan"), row.get("jenis_pemda"), row.get("kinerja")))
        except ValueError as exc:
            notes.append(f"{source} baris {line_no}: {exc}")
    return _finish(versi, entries, notes, source)


_HEADER_KEYS = {
    "urusan": ("URUSAN",), "bidang": ("BIDANG",), "program": ("PROGRAM",), "kegiatan": ("KEGIATAN",),
    "sub": ("SUB KEGIATAN", "SUBKEGIATAN"), "nama": ("NOMENKLATUR",), "kinerja": ("KINERJA",),
    "indikator": ("INDIKATOR",), "satuan": ("SATUAN",),
}


def _header_columns(line: list[Any]) -> dict[str, int] | None:
    cols: dict[str, int] = {}
    for j, v in enumerate(line):
        t = clean_text(v).upper()
        for key, starts in _HEADER_KEYS.items():
            if key not in cols and any(t.startswith(s) for s in starts):
                if key == "kegiatan" and t.startswith("SUB"):
                    continue
                cols[key] = j
                break
    needed = {"urusan", "bidang", "program", "kegiatan", "sub", "nama"}
    return cols if needed <= cols.keys() else None


def _segment(value: Any, width: int, generic: str) -> str:
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value).zfill(width)
    text = re.sub(r"\s+", "", str(value))
    if text.upper() == generic:
        return generic
    if text.isdigit():
        return text.zfill(width)
    return text


def _kegiatan_segment(value: Any) -> str:
    """The kegiatan cell holds the authority digit and the number: '2.01' (text; a float is read with 2 places)."""
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return ""
    if isinstance(value, float):
        return f"{value:.2f}"
    return re.sub(r"\s+", "", str(value))


def parse_lampiran_block(block: list[list[Any]], versi: str, source: str = "lampiran",
                         sub_digits: int = 4) -> ImportResult:
    """The lampiran's own layout: one code segment per column, then name, kinerja, indikator, satuan."""
    cols = None
    start = 0
    for i, line in enumerate(block[:50]):
        cols = _header_columns(list(line))
        if cols:
            start = i + 1
            break
    if cols is None:
        raise NomenklaturError(
            f"{source}: baris judul lampiran (URUSAN, BIDANG URUSAN, PROGRAM, KEGIATAN, SUB KEGIATAN, NOMENKLATUR ...) "
            "tidak ditemukan di 50 baris pertama.")
    entries: list[Entry] = []
    notes: list[str] = []
    width = max(cols.values()) + 1

    def cell(line, key):
        j = cols.get(key)
        return line[j] if j is not None and j < len(line) else None

    for i in range(start, len(block)):
        line = list(block[i]) + [None] * (width - len(block[i]))
        if _header_columns(line):
            continue  # a header repeated on a new page
        segs = [_segment(cell(line, "urusan"), 1, "X"), _segment(cell(line, "bidang"), 2, "XX"),
                _segment(cell(line, "program"), 2, "")]
        keg = _kegiatan_segment(cell(line, "kegiatan"))
        sub = _segment(cell(line, "sub"), sub_digits, "")
        nama = cell(line, "nama")
        if not any(segs) and not keg and not sub:
            if clean_text(nama) and entries:  # a name broken over two rows by the PDF: continue the last one
                last = entries[-1]
                entries[-1] = last._replace(nama=clean_text(f"{last.nama} {nama}"))
            continue
        parts = [s for s in segs if s]
        if keg:
            parts.append(keg)
        if sub:
            parts.append(sub)
        kode = ".".join(parts)
        try:
            entries.append(_entry_from(kode, "", nama, cell(line, "indikator"), cell(line, "satuan"), "",
                                       cell(line, "kinerja")))
        except ValueError as exc:
            notes.append(f"{source} baris {i + 1}: {exc}")
    return _finish(versi, entries, notes, source)


def _finish(versi: str, entries: list[Entry], notes: list[str], source: str) -> ImportResult:
    if not entries:
        detail = ("; " + "; ".join(notes[:3])) if notes else ""
        raise NomenklaturError(f"{source}: tidak ada kode yang dapat dibaca{detail}.")
    seen: dict[tuple[str, str], int] = {}
    unique: list[Entry] = []
    for e in entries:
        key = (e.kode, e.jenis_pemda)
        if key in seen:
            notes.append(f"{source}: kode {e.kode} ({e.jenis_pemda}) tercantum lebih dari sekali; yang pertama dipakai.")
            continue
        seen[key] = 1
        unique.append(e)
    return ImportResult(Nomenklatur.from_entries(versi, unique), notes)
