"""Tabel 1 as T-C.29 (Tabel 2.1): the evaluation of last year's Renja against its money."""
from __future__ import annotations

from decimal import Decimal
from typing import Iterable

from renja_xl.domain.findings import Finding, Severity, declare, emits
from renja_xl.domain.fmt import persen, rupiah
from renja_xl.domain.layout import sheet
from renja_xl.rules.context import Context

EVALUASI_REALISASI_LEBIH = declare("evaluasi.realisasi_lebih", Severity.WARNING,
                                   "Realisasi Rp sub kegiatan melebihi 100% anggarannya (T-C.29)")

EVALUASI_TRIWULAN_SELISIH = declare("evaluasi.triwulan_selisih", Severity.WARNING,
                                    "Jumlah realisasi Rp triwulan I-IV berbeda dari realisasi Rp sub kegiatan (T-C.29)")
QUARTER_KEYS = sheet("tabel1").columns[sheet("tabel1").col("tw_rp")].source
_ZERO = Decimal(0)


@emits(EVALUASI_REALISASI_LEBIH)
def realisasi_above_anggaran(ctx: Context) -> Iterable[Finding]:
    """A sub kegiatan that spent more than its budget: a typo, or a budget change not typed in."""
    table = ctx.renja.tabel1
    for r in ctx.leaves(table):
        anggaran, realisasi = r.amounts.get("anggaran"), r.amounts.get("realisasi")
        if anggaran is None or realisasi is None or realisasi <= anggaran:
            continue
        share = f" ({persen(r.persen)}%)" if r.persen is not None else ""
        yield EVALUASI_REALISASI_LEBIH(
            table.spec.name, ctx.where(table, r, "realisasi"), r.kode.text,
            f"realisasi sub kegiatan {r.kode.text} {rupiah(realisasi)} melebihi anggarannya {rupiah(anggaran)}"
            f"{share}, selisih {rupiah(realisasi - anggaran)}; periksa angkanya atau anggaran perubahannya.")


@emits(EVALUASI_TRIWULAN_SELISIH)
def triwulan_against_realisasi(ctx: Context) -> Iterable[Finding]:
    """The four quarters' Rp (monev) of a sub kegiatan add up to its realisasi of the year: two records of the
    same spending that disagree mean one of them is out of date."""
    table = ctx.renja.tabel1
    keys = QUARTER_KEYS
    for r in ctx.leaves(table):
        quarters = [r.amounts.get(k) for k in keys]
        realisasi = r.amounts.get("realisasi")
        if realisasi is None or all(q is None for q in quarters):
            continue  # no monev per triwulan typed: nothing to compare
        total = sum((q for q in quarters if q is not None), _ZERO)
        if total != realisasi:
            yield EVALUASI_TRIWULAN_SELISIH(
                table.spec.name, ctx.where(table, r, "tw_rp"), r.kode.text,
                f"jumlah realisasi triwulan I-IV sub kegiatan {r.kode.text} {rupiah(total)} berbeda dari "
                f"realisasinya {rupiah(realisasi)} (sel {ctx.where(table, r, 'realisasi')}), selisih "
                f"{rupiah(total - realisasi)}; perbarui salah satunya.")


RULES = [realisasi_above_anggaran, triwulan_against_realisasi]
