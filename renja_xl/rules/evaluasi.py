"""Tabel 1 as T-C.29 (Tabel 2.1): the evaluation of last year's Renja against its money."""
from __future__ import annotations

from typing import Iterable

from renja_xl.domain.findings import Finding, Severity, declare, emits
from renja_xl.domain.fmt import persen, rupiah
from renja_xl.rules.context import Context

EVALUASI_REALISASI_LEBIH = declare("evaluasi.realisasi_lebih", Severity.WARNING,
                                   "Realisasi Rp sub kegiatan melebihi 100% anggarannya (T-C.29)")


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


RULES = [realisasi_above_anggaran]
