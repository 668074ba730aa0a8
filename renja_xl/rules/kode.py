"""Codes: duplicates, missing parents, digits against the version, bidang, authority digit, level vs table."""
from __future__ import annotations

import re
from collections import Counter
from operator import attrgetter
from typing import Iterable

from renja_xl.domain.findings import Finding
from renja_xl.domain.hierarchy import HierRow
from renja_xl.domain.kode import Kode, Level
from renja_xl.domain.versi import known_version
from renja_xl.rules.context import Context, blank

_YEAR = re.compile(r"(?:tahun|th\.?|/)\s*(\d{4})", re.IGNORECASE)


def missing_parents(ctx: Context) -> Iterable[Finding]:
    for table in ctx.tables():
        rows = table.rows
        if not any(map(_INSERTED, rows)):
            continue
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


def expected_sub_digits(versi: str) -> int | None:
    """4 for Kepmendagri 900.1.15.5-1317/2023 and later, 2 up to 050-5889/2021; None when unknown."""
    known = known_version(versi)
    if known is not None:
        return known.sub_digits
    m = _YEAR.search(versi or "")
    if m:
        year = int(m.group(1))
        return 4 if year >= 2023 else 2
    if (versi or "").strip().startswith(("900", "Kepmendagri 900")):
        return 4
    return None


_TEXT = attrgetter("kode.text")
_INSERTED = attrgetter("inserted")


def _generic(kode: Kode) -> bool:
    """The generic penunjang code X.XX… that the agency must read with its own bidang."""
    segs = kode.segments
    return segs[0] == "X" or (len(segs) > 1 and segs[1] == "XX")


_AUTHORITY = {"provinsi": "1", "kabkota": "2"}
_AUTHORITY_LABEL = {"1": "provinsi", "2": "kabupaten/kota"}
_DUPLICATE_TABLES = ("tabel1", "tabel4", "tabel6")  # the SIPD lampiran lists several usulan per sub kegiatan


def codes(ctx: Context) -> Iterable[Finding]:
    """Duplicates, digits against the version, generic X.XX codes, bidang and authority digit.

    One pass over the rows of each table collects what these checks need; the checks that depend only on
    a code's prefix (bidang, authority digit) then run over the distinct prefixes, not over every row.
    """
    expected = expected_sub_digits(ctx.versi)
    bidang = ctx.bidang
    bidang_label = ctx.bidang_label
    # an agency may hold several bidang (a Bapperida: 5.01 and 5.05); a code is foreign to all of them or none
    bidang_segs = {k.segments for k in ctx.bidangs} if bidang else None
    jenis = ctx.jenis
    want = _AUTHORITY.get(jenis) if jenis else None
    label = ctx.renja.identitas.get("jenis_pemda")
    passes = []
    digit_counts: Counter = Counter()
    sub = Level.SUB_KEGIATAN
    for table in ctx.tables():
        # Grouped by the kegiatan (a sub kegiatan's parent; a parent row is its own group): the prefix checks
        # below need one row per group, and a group's first row is the first in the table.
        first_of: dict[Kode, HierRow] = {}
        per_prefix: Counter = Counter()
        leaves: list[HierRow] = []
        for r in ctx.typed_rows(table):
            kode = r.kode
            if kode.level is sub:
                leaves.append(r)
                kode = kode.parent
            elif not r.is_first:
                continue  # a further indicator row of a program or kegiatan
            n = per_prefix.get(kode)
            if n is None:
                per_prefix[kode] = 1
                first_of[kode] = r
            else:
                per_prefix[kode] = n + 1
        # generic X.XX codes are reported row by row and left out of the bidang and authority checks
        generic: list[HierRow] = []
        generic_groups = [k for k in first_of if _generic(k)]
        if generic_groups:
            generic = [r for r in ctx.typed_rows(table) if (r.is_first or r.kode.level is sub) and _generic(r.kode)]
            for k in generic_groups:
                del first_of[k], per_prefix[k]
        if expected is None:
            digit_counts.update({length - 13: n for length, n in Counter(map(len, map(_TEXT, leaves))).items()})
        passes.append((table, first_of, per_prefix, leaves, generic))

    if expected is None and len(digit_counts) > 1:
        expected = digit_counts.most_common(1)[0][0]
        why = f"sebagian besar sub kegiatan buku kerja ini memakai {expected} digit"
    else:
        why = f"versi nomenklatur '{ctx.versi}' memakai {expected} digit"

    for table, first_of, per_prefix, leaves, generic in passes:
        name = table.spec.name
        # codes are interned, so a set of them is built at the speed of identities
        if table.spec.key in _DUPLICATE_TABLES and len({r.kode for r in leaves}) != len(leaves):
            counts = Counter([r.kode.text for r in leaves])
            seen = set()
            for r in leaves:
                kode = r.kode.text
                if counts[kode] > 1 and kode in seen:
                    yield Finding("kode.ganda", "warning", name, ctx.where(table, r, "kode"), kode,
                                  f"sub kegiatan {kode} tercantum {counts[kode]} kali.")
                seen.add(kode)
        # a well-formed sub kegiatan code is 13 characters plus its number: one C pass over the lengths
        if expected is not None and set(map(len, map(_TEXT, leaves))) - {13 + expected}:
            for r in leaves:
                if len(r.kode.segments[5]) != expected:
                    yield Finding("kode.digit_versi", "error", name, ctx.where(table, r, "kode"), r.kode.text,
                                  f"sub kegiatan {r.kode.text} bernomor {r.kode.sub_digits} digit, padahal {why}.")
        for r in generic:
            yield Finding("kode.format", "error", name, ctx.where(table, r, "kode"), r.kode.text,
                          f"kode generik {r.kode.text}: ganti X.XX dengan kode bidang urusan perangkat daerah"
                          + (f" ({bidang_label})." if bidang else " (Identitas: Kode Bidang Urusan)."))
        foreign: dict[tuple[str, ...], list] = {}
        for group, r in first_of.items():
            prefix = group.segments
            if bidang_segs is not None and len(prefix) >= 2 and prefix[:2] not in bidang_segs:
                entry = foreign.setdefault(prefix[:2], [r, 0])
                entry[1] += per_prefix[group]
                if r.source_row < entry[0].source_row:
                    entry[0] = r
            digit = prefix[3] if len(prefix) == 5 else None
            if want and digit in _AUTHORITY_LABEL and digit != want:
                yield Finding("kode.kewenangan", "error", name, ctx.where(table, r, "kode"), r.kode.text,
                              f"digit kewenangan '{digit}' pada {r.kode.text} menandai kegiatan "
                              f"{_AUTHORITY_LABEL[digit]}, padahal Jenis Pemerintah Daerah di Identitas '{label}' "
                              f"(seharusnya '{want}').")
        for segs, (first, n) in foreign.items():
            yield Finding("kode.bidang_lain", "warning", name, ctx.where(table, first, "kode"), first.kode.text,
                          f"{n} baris berkode bidang {'.'.join(segs)} (mulai {first.kode.text}), di luar bidang "
                          f"urusan perangkat daerah {bidang_label} pada Identitas.")


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


RULES = [missing_parents, codes, level_fits_table]
