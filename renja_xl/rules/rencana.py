"""Tabel 6 as the standard forms ask (T-C.33, SIPD-RI Bab IV): sumber dana against the pagu and their ceilings,
the columns the forms require, prakiraan maju that grows too fast, programs and kegiatan without indicator rows,
and the years of the plan (headers, Identitas)."""
from __future__ import annotations

import re
from decimal import Decimal
from itertools import compress, repeat
from operator import contains, not_
from typing import Iterable

from renja_xl.domain.cells import cell_ref
from renja_xl.domain.findings import Finding, Severity, declare, emits
from renja_xl.domain.fmt import angka, persen, rupiah
from renja_xl.domain.kode import Level
from renja_xl.domain.layout import (DEFAULT_PRAKIRAAN_RATIO, HEADER_ROW, NOTE_ROW, SUMBER_DANA, SUMBER_DANA_KEYS,
                                    YEAR_SHEETS, header_pattern, sheet, year_header)
from renja_xl.domain.money import round_half_up
from renja_xl.rules.context import Context, blank_positions, text

SUMBER_DANA_SELISIH = declare("rencana.sumber_dana_selisih", Severity.ERROR,
                              "Jumlah uang per sumber dana sub kegiatan berbeda dari pagunya")
SUMBER_DANA_PAGU = declare("rencana.sumber_dana_pagu", Severity.ERROR,
                           "Total satu sumber dana melebihi pagu sumber dana di Identitas")
SUMBER_DANA_KOSONG = declare("rencana.sumber_dana_kosong", Severity.WARNING, "Sub kegiatan tanpa sumber dana")
PRAKIRAAN_KOSONG = declare("rencana.prakiraan_kosong", Severity.WARNING,
                           "Prakiraan maju (target atau pagu n+1) sub kegiatan kosong")
KELOMPOK_SASARAN_KOSONG = declare("rencana.kelompok_sasaran_kosong", Severity.WARNING,
                                  "Kelompok sasaran sub kegiatan kosong")
PRAKIRAAN_NAIK = declare("rencana.prakiraan_naik", Severity.WARNING,
                         "Pagu prakiraan maju n+1 naik melebihi batas kenaikan terhadap pagu tahun n")
PROGRAM_OUTCOME = declare("rencana.program_outcome", Severity.WARNING,
                          "Program tanpa baris indikator outcome (capaian program) di Tabel 6")
KEGIATAN_HASIL = declare("rencana.kegiatan_hasil", Severity.WARNING,
                         "Kegiatan tanpa baris indikator hasil di Tabel 6")
TAHUN_JUDUL = declare("tahun.judul_kolom", Severity.WARNING,
                      "Tahun di judul kolom berbeda dari tahun rencana/evaluasi Identitas")
TAHUN_IDENTITAS = declare("tahun.identitas", Severity.WARNING,
                          "Tahun rencana tidak selaras dengan tahun evaluasi, periode Renstra atau tahun penyusunan")

_SUMBER_NAME = {f"sd_{key}": name for key, name in SUMBER_DANA}
_ZERO = Decimal(0)


def _leaves(ctx: Context):
    table = ctx.renja.tabel6
    return table, ctx.leaves(table)


_SOURCE_KEYS = frozenset(SUMBER_DANA_KEYS)


def _without_source(ctx: Context) -> list[bool]:
    """For each sub kegiatan: whether it names no sumber dana (its amounts hold only filled cells; tested in C,
    built once per run: two rules read it for 100k rows)."""
    cached = ctx.cache.get("rencana.without_source")
    if cached is None:
        table = ctx.renja.tabel6
        cached = ctx.cache["rencana.without_source"] = list(map(_SOURCE_KEYS.isdisjoint, ctx.leaf_amounts(table)))
    return cached


@emits(SUMBER_DANA_SELISIH)
def sumber_dana_vs_pagu(ctx: Context) -> Iterable[Finding]:
    """A sub kegiatan that names its sources: their amounts add up to its pagu of year n."""
    table, leaves = _leaves(ctx)
    for r in compress(leaves, map(not_, _without_source(ctx))):  # no source typed: rencana.sumber_dana_kosong
        parts = [(k, p) for k in SUMBER_DANA_KEYS if (p := r.amounts.get(k)) is not None]
        total = sum((p for _, p in parts), _ZERO)
        pagu = r.amounts.get("pendanaan") or _ZERO
        if total != pagu:
            named = ", ".join(f"{_SUMBER_NAME[k]} {rupiah(p)}" for k, p in parts)
            yield SUMBER_DANA_SELISIH(table.spec.name, ctx.where(table, r, "pendanaan"), r.kode.text,
                                      f"sub kegiatan {r.kode.text}: jumlah sumber dana {rupiah(total)} ({named}) "
                                      f"berbeda dari pagu {rupiah(pagu)}, selisih {rupiah(total - pagu)}.")


@emits(SUMBER_DANA_PAGU)
def sumber_dana_ceiling(ctx: Context) -> Iterable[Finding]:
    """The agency's total of each source against the ceiling Identitas gives for it (empty: no ceiling)."""
    table, leaves = _leaves(ctx)
    ident = ctx.renja.identitas
    for key, name in SUMBER_DANA:
        ceiling = ident.get(f"pagu_sd_{key}")
        if not isinstance(ceiling, Decimal):
            continue
        col = f"sd_{key}"
        total = sum((r.amounts.get(col) or _ZERO for r in leaves), _ZERO)
        if total > ceiling:
            where = cell_ref(NOTE_ROW, table.spec.col(col) + 1)  # the agency total above the column
            yield SUMBER_DANA_PAGU(table.spec.name, where, "",
                                   f"total sumber dana {name} {rupiah(total)} melebihi pagunya {rupiah(ceiling)} "
                                   f"(Identitas {ctx.identitas_cell(f'pagu_sd_{key}')}) sebesar "
                                   f"{rupiah(total - ceiling)}.")


def _empty_column(ctx: Context, rule, key: str, label: str, rows, empty: list[int]) -> Iterable[Finding]:
    """Every empty cell of a required column, row by row; when no sub kegiatan has it at all, one finding at the
    header (a workbook from before the column existed reports the column once, not every row)."""
    table = ctx.renja.tabel6
    if not empty:
        return
    if len(empty) == len(rows):
        header = cell_ref(HEADER_ROW, table.spec.col(key) + 1)
        yield rule(table.spec.name, header, "",
                   f"{label} belum diisi di satu pun dari {len(rows)} sub kegiatan.")
        return
    for i in empty:
        r = rows[i]
        yield rule(table.spec.name, ctx.where(table, r, key), r.kode.text,
                   f"{label} sub kegiatan {r.kode.text} kosong.")


@emits(SUMBER_DANA_KOSONG)
def sumber_dana_missing(ctx: Context) -> Iterable[Finding]:
    table, leaves = _leaves(ctx)
    empty = list(compress(range(len(leaves)), _without_source(ctx)))
    yield from _empty_column(ctx, SUMBER_DANA_KOSONG, SUMBER_DANA_KEYS[0], "sumber dana (kolom Sumber Dana PAD s.d. Lain-lain)",
                             leaves, empty)


@emits(PRAKIRAAN_KOSONG)
def prakiraan_missing(ctx: Context) -> Iterable[Finding]:
    table, leaves = _leaves(ctx)
    targets = blank_positions(ctx.column(table, "leaves", "target_n1"))
    yield from _empty_column(ctx, PRAKIRAAN_KOSONG, "target_n1", "target prakiraan maju n+1", leaves, targets)
    pagu = list(compress(range(len(leaves)), map(not_, map(contains, ctx.leaf_amounts(table), repeat("pagu_n1")))))
    yield from _empty_column(ctx, PRAKIRAAN_KOSONG, "pagu_n1", "pagu prakiraan maju n+1", leaves, pagu)


@emits(KELOMPOK_SASARAN_KOSONG)
def kelompok_sasaran_missing(ctx: Context) -> Iterable[Finding]:
    table, leaves = _leaves(ctx)
    empty = blank_positions(ctx.column(table, "leaves", "kelompok_sasaran"))
    yield from _empty_column(ctx, KELOMPOK_SASARAN_KOSONG, "kelompok_sasaran", "kelompok sasaran", leaves, empty)


def prakiraan_ratio(ctx: Context) -> Decimal:
    """The growth of n+1 over n still accepted, in percent: Identitas, else DEFAULT_PRAKIRAAN_RATIO."""
    value = ctx.renja.identitas.get("batas_kenaikan_prakiraan")
    return value if isinstance(value, Decimal) and value >= 0 else Decimal(DEFAULT_PRAKIRAAN_RATIO)


@emits(PRAKIRAAN_NAIK)
def prakiraan_growth(ctx: Context) -> Iterable[Finding]:
    table, leaves = _leaves(ctx)
    ratio = prakiraan_ratio(ctx)
    limit = 1 + ratio / 100
    for r in compress(leaves, map(contains, ctx.leaf_amounts(table), repeat("pagu_n1"))):
        pagu, maju = r.amounts.get("pendanaan"), r.amounts["pagu_n1"]
        if pagu is None or maju is None or pagu <= 0:
            continue
        if maju > pagu * limit:
            growth = round_half_up((maju - pagu) / pagu * 100)
            yield PRAKIRAAN_NAIK(table.spec.name, ctx.where(table, r, "pagu_n1"), r.kode.text,
                                 f"sub kegiatan {r.kode.text}: pagu n+1 {rupiah(maju)} naik {persen(growth)}% dari pagu "
                                 f"tahun n {rupiah(pagu)}; batasnya {angka(ratio, 2 if ratio % 1 else 0)}% (Identitas 'Batas Kenaikan "
                                 "Prakiraan Maju'). Periksa angkanya atau tulis alasannya di Catatan Penting.")


@emits(PROGRAM_OUTCOME, KEGIATAN_HASIL)
def parents_without_indicator_rows(ctx: Context) -> Iterable[Finding]:
    """A program or kegiatan of Tabel 6 that has sub kegiatan but no row of its own, so no indicator (outcome for
    a program, hasil for a kegiatan), target or pagu of its own. An own row with an empty indicator is
    isi.indikator's."""
    table = ctx.renja.tabel6
    typed = {r.kode for r in ctx.typed_parent_rows(table)}
    kinds = {Level.PROGRAM: (PROGRAM_OUTCOME, "outcome (capaian program)"),
             Level.KEGIATAN: (KEGIATAN_HASIL, "hasil kegiatan")}
    for r in table.rows:
        found = kinds.get(r.kode.level)
        if found is None or not r.inserted or r.kode in typed:
            continue
        rule, what = found
        yield rule(table.spec.name, "", r.kode.text,
                   f"{r.level.label.lower()} {r.kode.text} tidak punya baris sendiri di {table.spec.name}: ketik "
                   f"kodenya di satu baris per indikator {what}, dengan target dan pagunya.")


_YEAR = re.compile(r"\b(\d{4})\b")


@emits(TAHUN_JUDUL)
def header_years(ctx: Context) -> Iterable[Finding]:
    """The years Hitung Ulang wrote into the headers against Identitas (a file copied from last year, or a year
    changed without Hitung Ulang)."""
    renja = ctx.renja
    plan = renja.identitas.get("tahun_rencana")
    if isinstance(plan, int):
        for key in YEAR_SHEETS:
            spec = sheet(key)
            header = renja.header(key)
            for j, c in enumerate(spec.columns):
                if c.year is None or j >= len(header):
                    continue
                m = header_pattern(c).fullmatch(re.sub(r"\s+", " ", text(header[j]).lower()))
                if m and m.group(1) and int(m.group(1)) != plan + c.year:
                    yield TAHUN_JUDUL(spec.name, cell_ref(HEADER_ROW, j + 1), "",
                                      f"judul kolom '{text(header[j])}' menyebut tahun {m.group(1)}, padahal tahun "
                                      f"rencana Identitas {plan} memberi '{year_header(c, plan)}'. "
                                      "Jalankan Hitung Ulang.")
    evaluasi = renja.identitas.get("tahun_evaluasi")
    header = renja.header("tabel3")
    if isinstance(evaluasi, int) and header:
        spec = sheet("tabel3")
        first = spec.col("target_1")
        for k in range(6):
            j = first + k
            m = _YEAR.search(text(header[j]) if j < len(header) else "")
            want = evaluasi - 2 + k // 2
            if m and int(m.group(1)) != want:
                yield TAHUN_JUDUL(spec.name, cell_ref(HEADER_ROW, j + 1), "",
                                  f"judul kolom '{text(header[j])}' menyebut tahun {m.group(1)}, padahal tahun "
                                  f"evaluasi Identitas {evaluasi} memberi {want}. Jalankan Hitung Ulang.")


_PERIOD = re.compile(r"^\s*(\d{4})\s*[-–/s.d]+\s*(\d{4})\s*$")


@emits(TAHUN_IDENTITAS)
def plan_year_in_identitas(ctx: Context) -> Iterable[Finding]:
    ident = ctx.renja.identitas
    plan = ident.get("tahun_rencana")
    if not isinstance(plan, int):
        return
    sheet_name = ctx.identitas_sheet
    evaluasi = ident.get("tahun_evaluasi")
    if isinstance(evaluasi, int) and evaluasi != plan - 2:
        yield TAHUN_IDENTITAS(sheet_name, ctx.identitas_cell("tahun_evaluasi"), "",
                              f"tahun evaluasi {evaluasi} bukan tahun rencana - 2 ({plan - 2}); Renja {plan} "
                              f"mengevaluasi pelaksanaan Renja {plan - 2}.")
    periode = text(ident.get("periode_renstra"))
    m = _PERIOD.match(periode)
    if m and not int(m.group(1)) <= plan <= int(m.group(2)):
        yield TAHUN_IDENTITAS(sheet_name, ctx.identitas_cell("periode_renstra"), "",
                              f"tahun rencana {plan} di luar periode Renstra {periode}.")
    disusun = ident.get("tahun_penyusunan")
    if isinstance(disusun, int) and disusun > plan:
        yield TAHUN_IDENTITAS(sheet_name, ctx.identitas_cell("tahun_penyusunan"), "",
                              f"tahun penyusunan {disusun} sesudah tahun rencana {plan}; Renja disusun pada tahun "
                              f"sebelum tahun rencana ({plan - 1}).")


RULES = [sumber_dana_vs_pagu, sumber_dana_ceiling, sumber_dana_missing, prakiraan_missing, kelompok_sasaran_missing,
         prakiraan_growth, parents_without_indicator_rows, header_years, plan_year_in_identitas]
