"""Codes: duplicates, missing parents, digits against the version, bidang, authority digit, level vs table."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from operator import attrgetter
from typing import Iterable

from renja_xl.domain.findings import Finding, Severity, declare, emits
from renja_xl.domain.hierarchy import HierRow, HierTable
from renja_xl.domain.kode import KODE_FORMAT, Kode, Level
from renja_xl.domain.versi import known_version
from renja_xl.rules.context import Context, blank

HIERARKI_INDUK_HILANG = declare("hierarki.induk_hilang", Severity.WARNING, "Baris induk (program/kegiatan) belum ada")
KODE_GANDA = declare("kode.ganda", Severity.WARNING, "Sub kegiatan tercantum lebih dari sekali dalam satu tabel")
KODE_DIGIT_VERSI = declare("kode.digit_versi", Severity.ERROR,
                           "Jumlah digit sub kegiatan tidak sesuai versi nomenklatur (2 digit s.d. 2021, 4 digit sejak 2023)")
KODE_BIDANG_LAIN = declare("kode.bidang_lain", Severity.WARNING,
                           "Kode di luar bidang urusan perangkat daerah (Identitas)")
KODE_KEWENANGAN = declare("kode.kewenangan", Severity.ERROR,
                          "Digit kewenangan kegiatan tidak sesuai jenis pemerintah daerah (1 provinsi, 2 kabupaten/kota)")
KODE_TINGKAT_TABEL = declare("kode.tingkat_tabel", Severity.WARNING,
                             "Tingkat kode tidak cocok dengan tabel atau isian barisnya")

_YEAR = re.compile(r"(?:tahun|th\.?|/)\s*(\d{4})", re.IGNORECASE)


@emits(HIERARKI_INDUK_HILANG)
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
            yield HIERARKI_INDUK_HILANG(table.spec.name, where, r.kode.text,
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


@dataclass
class _TablePass:
    """What the code rules need of one table, gathered in one pass over its rows."""
    table: HierTable
    first_of: dict[Kode, HierRow]  # the first row of each group: a kegiatan (of its sub kegiatan) or a parent
    per_prefix: Counter  # rows per group
    leaves: list[HierRow]
    generic: list[HierRow]  # rows with a generic X.XX code (left out of the bidang and authority checks)


_KODE = attrgetter("kode")


def _passes(ctx: Context) -> list[_TablePass]:
    """One pass over the typed rows of each table, shared by the five rules below (built once per run).

    Grouped by the kegiatan (a sub kegiatan's parent; a parent row is its own group): the prefix checks need
    one row per group, and a group's first row is the first in the table.
    """
    cached = ctx.cache.get("kode.passes")
    if cached is not None:
        return cached
    out = []
    sub = Level.SUB_KEGIATAN
    for table in ctx.tables():
        typed = ctx.typed_rows(table)
        leaves = [r for r in typed if r.kode.level is sub]
        # a further indicator row of a program or kegiatan is left out
        rows = [r for r in typed if r.is_first or r.kode.level is sub]
        groups = [k.parent if k.level is sub else k for k in map(_KODE, rows)]
        per_prefix = Counter(groups)  # counted in C, keys in the order of their first row
        last_first = dict(zip(reversed(groups), reversed(rows)))  # the earliest row of a group is written last
        first_of = {k: last_first[k] for k in per_prefix}
        generic: list[HierRow] = []
        generic_groups = [k for k in first_of if _generic(k)]
        if generic_groups:
            generic = [r for r in ctx.typed_rows(table) if (r.is_first or r.kode.level is sub) and _generic(r.kode)]
            for k in generic_groups:
                del first_of[k], per_prefix[k]
        out.append(_TablePass(table, first_of, per_prefix, leaves, generic))
    ctx.cache["kode.passes"] = out
    return out


@emits(KODE_GANDA)
def duplicates(ctx: Context) -> Iterable[Finding]:
    for p in _passes(ctx):
        leaves = p.leaves
        # codes are interned, so a set of them is built at the speed of identities
        if p.table.spec.key not in _DUPLICATE_TABLES or len({r.kode for r in leaves}) == len(leaves):
            continue
        counts = Counter([r.kode.text for r in leaves])
        seen = set()
        for r in leaves:
            kode = r.kode.text
            if counts[kode] > 1 and kode in seen:
                yield KODE_GANDA(p.table.spec.name, ctx.where(p.table, r, "kode"), kode,
                                 f"sub kegiatan {kode} tercantum {counts[kode]} kali.")
            seen.add(kode)


@emits(KODE_DIGIT_VERSI)
def digits_against_version(ctx: Context) -> Iterable[Finding]:
    passes = _passes(ctx)
    expected = expected_sub_digits(ctx.versi)
    if expected is None:  # no version given: the digits most sub kegiatan use, when they disagree
        digit_counts: Counter = Counter()
        for p in passes:
            digit_counts.update({length - 13: n for length, n in Counter(map(len, map(_TEXT, p.leaves))).items()})
        if len(digit_counts) <= 1:
            return
        expected = digit_counts.most_common(1)[0][0]
        why = f"sebagian besar sub kegiatan buku kerja ini memakai {expected} digit"
    else:
        why = f"versi nomenklatur '{ctx.versi}' memakai {expected} digit"
    for p in passes:
        # a well-formed sub kegiatan code is 13 characters plus its number: one C pass over the lengths
        if not set(map(len, map(_TEXT, p.leaves))) - {13 + expected}:
            continue
        for r in p.leaves:
            if len(r.kode.segments[5]) != expected:
                yield KODE_DIGIT_VERSI(p.table.spec.name, ctx.where(p.table, r, "kode"), r.kode.text,
                                       f"sub kegiatan {r.kode.text} bernomor {r.kode.sub_digits} digit, padahal {why}.")


@emits(KODE_FORMAT)
def generic_codes(ctx: Context) -> Iterable[Finding]:
    bidang = ctx.bidang
    for p in _passes(ctx):
        for r in p.generic:
            yield KODE_FORMAT(p.table.spec.name, ctx.where(p.table, r, "kode"), r.kode.text,
                              f"kode generik {r.kode.text}: ganti X.XX dengan kode bidang urusan perangkat daerah"
                              + (f" ({ctx.bidang_label})." if bidang else " (Identitas: Kode Bidang Urusan)."))


@emits(KODE_KEWENANGAN)
def authority_digit(ctx: Context) -> Iterable[Finding]:
    want = _AUTHORITY.get(ctx.jenis) if ctx.jenis else None
    if not want:
        return
    label = ctx.renja.identitas.get("jenis_pemda")
    for p in _passes(ctx):
        for group, r in p.first_of.items():
            prefix = group.segments
            digit = prefix[3] if len(prefix) == 5 else None
            if digit in _AUTHORITY_LABEL and digit != want:
                yield KODE_KEWENANGAN(p.table.spec.name, ctx.where(p.table, r, "kode"), r.kode.text,
                                      f"digit kewenangan '{digit}' pada {r.kode.text} menandai kegiatan "
                                      f"{_AUTHORITY_LABEL[digit]}, padahal Jenis Pemerintah Daerah di Identitas "
                                      f"'{label}' (seharusnya '{want}').")


@emits(KODE_BIDANG_LAIN)
def foreign_bidang(ctx: Context) -> Iterable[Finding]:
    if ctx.bidang is None:
        return
    # an agency may hold several bidang (a Bapperida: 5.01 and 5.05); a code is foreign to all of them or none
    own = {k.segments for k in ctx.bidangs}
    for p in _passes(ctx):
        foreign: dict[tuple[str, ...], list] = {}  # the bidang -> [its first row, rows]
        for group, r in p.first_of.items():
            prefix = group.segments
            if len(prefix) >= 2 and prefix[:2] not in own:
                entry = foreign.setdefault(prefix[:2], [r, 0])
                entry[1] += p.per_prefix[group]
                if r.source_row < entry[0].source_row:
                    entry[0] = r
        for segs, (first, n) in foreign.items():
            yield KODE_BIDANG_LAIN(p.table.spec.name, ctx.where(p.table, first, "kode"), first.kode.text,
                                   f"{n} baris berkode bidang {'.'.join(segs)} (mulai {first.kode.text}), di luar "
                                   f"bidang urusan perangkat daerah {ctx.bidang_label} pada Identitas.")


# Columns that only a sub kegiatan row fills, per table.
_LEAF_ONLY = {"tabel4": ("lokasi", "waktu"), "tabel6": ("lokasi", "waktu"),
              "sipd": ("usulan", "lokasi", "volume", "status")}


@emits(KODE_TINGKAT_TABEL)
def level_fits_table(ctx: Context) -> Iterable[Finding]:
    renja = ctx.renja
    for key, table in (("tabel4", renja.tabel4), ("tabel6", renja.tabel6), ("sipd", renja.sipd)):
        cols = [(ctx.col(table, c), table.spec.columns[ctx.col(table, c)].header) for c in _LEAF_ONLY[key]]
        for r in ctx.typed_parent_rows(table):
            filled = [header for j, header in cols if not blank(r.cells[j])]
            if filled:
                yield KODE_TINGKAT_TABEL(table.spec.name, ctx.where(table, r, "kode"),
                                         r.kode.text,
                                         f"{r.kode.text} adalah {r.level.label}, tetapi barisnya berisi {', '.join(filled)} yang "
                                         "hanya diisi pada baris sub kegiatan; periksa kodenya (mungkin digit sub kegiatan "
                                         "hilang) atau pindahkan isiannya.")


RULES = [missing_parents, duplicates, digits_against_version, generic_codes, authority_digit, foreign_bidang,
         level_fits_table]
