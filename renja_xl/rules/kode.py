"""Codes: duplicates, missing parents, digits against the version, bidang, authority digit, level vs table."""
from __future__ import annotations

import re
from collections import Counter
from typing import Iterable

from ..findings import Finding
from .context import Context, blank, is_leaf

_YEAR = re.compile(r"(?:tahun|th\.?|/)\s*(\d{4})", re.IGNORECASE)


def missing_parents(ctx: Context) -> Iterable[Finding]:
    for table in ctx.tables():
        rows = table.rows
        next_typed = None
        # walk backwards once so each inserted parent finds its first typed descendant in O(1)
        child_of: dict[int, object] = {}
        for i in range(len(rows) - 1, -1, -1):
            if rows[i].source_row is not None:
                next_typed = rows[i]
            elif rows[i].inserted:
                child_of[i] = next_typed
        for i, r in enumerate(rows):
            if not r.inserted:
                continue
            child = child_of.get(i)
            where = ctx.where(table, child, "kode") if child else ""
            yield Finding("hierarki.induk_hilang", "warning", table.spec.name, where, r.kode.text,
                          f"baris induk {r.level.label.lower()} {r.kode.text} belum ada; Hitung Ulang akan menambahkannya.")


def duplicate_codes(ctx: Context) -> Iterable[Finding]:
    renja = ctx.renja
    for table in (renja.tabel1, renja.tabel4, renja.tabel6):
        leaves = [r for r in table.rows if is_leaf(r)]
        counts = Counter(r.kode.segments for r in leaves)  # tuples of str hash faster than Kode
        if len(counts) == len(leaves):
            continue
        seen = set()
        for r in leaves:
            segs = r.kode.segments
            if counts[segs] > 1 and segs in seen:
                yield Finding("kode.ganda", "warning", table.spec.name, ctx.where(table, r, "kode"), r.kode.text,
                              f"sub kegiatan {r.kode.text} tercantum {counts[segs]} kali.")
            seen.add(segs)


def expected_sub_digits(versi: str) -> int | None:
    """4 for Kepmendagri 900.1.15.5-1317/2023 and later, 2 up to 050-5889/2021; None when unknown."""
    m = _YEAR.search(versi or "")
    if m:
        year = int(m.group(1))
        return 4 if year >= 2023 else 2
    if (versi or "").strip().startswith(("900", "Kepmendagri 900")):
        return 4
    return None


def sub_digits(ctx: Context) -> Iterable[Finding]:
    expected = expected_sub_digits(ctx.versi)
    tables = ctx.tables()
    if expected is None:
        counts = Counter(len(r.kode.segments[5]) for t in tables for r in ctx.leaves(t))
        if len(counts) < 2:
            return
        expected = counts.most_common(1)[0][0]
        why = f"sebagian besar sub kegiatan buku kerja ini memakai {expected} digit"
    else:
        why = f"versi nomenklatur '{ctx.versi}' memakai {expected} digit"
    for table in tables:
        for r in ctx.leaves(table):
            if len(r.kode.segments[5]) == expected:
                continue
            yield Finding("kode.digit_versi", "error", table.spec.name, ctx.where(table, r, "kode"), r.kode.text,
                          f"sub kegiatan {r.kode.text} bernomor {r.kode.sub_digits} digit, padahal {why}.")


def bidang_and_generic(ctx: Context) -> Iterable[Finding]:
    bidang = ctx.bidang
    for table in ctx.tables():
        foreign: dict[tuple[str, ...], list] = {}
        for r in ctx.typed_nodes(table):
            segs = r.kode.segments
            if segs[0].startswith("X") or (len(segs) > 1 and segs[1].startswith("X")):
                yield Finding("kode.format", "error", table.spec.name, ctx.where(table, r, "kode"), r.kode.text,
                              f"kode generik {r.kode.text}: ganti X.XX dengan kode bidang urusan perangkat daerah"
                              + (f" ({bidang.text})." if bidang else " (Identitas: Kode Bidang Urusan)."))
                continue
            if bidang is None or len(segs) < 2 or segs[:2] == bidang.segments:
                continue
            foreign.setdefault(segs[:2], []).append(r)
        for segs, rows in foreign.items():
            first = rows[0]
            yield Finding("kode.bidang_lain", "warning", table.spec.name, ctx.where(table, first, "kode"),
                          first.kode.text,
                          f"{len(rows)} baris berkode bidang {'.'.join(segs)} (mulai {first.kode.text}), di luar bidang "
                          f"urusan perangkat daerah {bidang.text} pada Identitas.")


_AUTHORITY = {"provinsi": "1", "kabkota": "2"}
_AUTHORITY_LABEL = {"1": "provinsi", "2": "kabupaten/kota"}


def authority_digit(ctx: Context) -> Iterable[Finding]:
    jenis = ctx.jenis
    if jenis is None:
        return
    want = _AUTHORITY[jenis]
    label = ctx.renja.identitas.get("jenis_pemda")
    for table in ctx.tables():
        reported = set()
        for r in ctx.typed_nodes(table):
            digit = r.kode.authority_digit
            if digit is None or digit == want or digit not in _AUTHORITY_LABEL:
                continue  # 3, 4, 5, 7: kegiatan of the special-autonomy regions, not judged here
            kegiatan = r.kode.segments[:5]
            if kegiatan in reported:
                continue
            reported.add(kegiatan)
            yield Finding("kode.kewenangan", "error", table.spec.name, ctx.where(table, r, "kode"), r.kode.text,
                          f"digit kewenangan '{digit}' pada {r.kode.text} menandai kegiatan "
                          f"{_AUTHORITY_LABEL[digit]}, padahal Jenis Pemerintah Daerah di Identitas '{label}' "
                          f"(seharusnya '{want}').")


# Columns that only a sub kegiatan row fills, per table.
_LEAF_ONLY = {"tabel4": ("lokasi", "waktu"), "tabel6": ("lokasi", "waktu"),
              "sipd": ("usulan", "lokasi", "volume", "status")}


def level_fits_table(ctx: Context) -> Iterable[Finding]:
    renja = ctx.renja
    for key, table in (("tabel4", renja.tabel4), ("tabel6", renja.tabel6), ("sipd", renja.sipd)):
        cols = [(ctx.col(table, c), table.spec.columns[ctx.col(table, c)].header) for c in _LEAF_ONLY[key]]
        for r in ctx.typed_parent_rows(table):
            filled = [header for j, header in cols if not blank(r.cells[j])]
            if filled:
                yield Finding("kode.tingkat_tabel", "warning", table.spec.name, ctx.where(table, r, "kode"),
                              r.kode.text,
                              f"{r.kode.text} adalah {r.level.label}, tetapi barisnya berisi {', '.join(filled)} yang "
                              "hanya diisi pada baris sub kegiatan; periksa kodenya (mungkin digit sub kegiatan "
                              "hilang) atau pindahkan isiannya.")


RULES = [missing_parents, duplicate_codes, sub_digits, bidang_and_generic, authority_digit, level_fits_table]
