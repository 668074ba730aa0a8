"""Money: signs and whole rupiah, missing amounts, a parent's stated money against its sub kegiatan at every
level (urusan included), the pagu indikatif ceiling, and the cached value of a subtotal against the computed one."""
from __future__ import annotations

from decimal import Decimal
from itertools import chain
from operator import attrgetter
from typing import Iterable

from renja_xl.domain.cells import cell_ref
from renja_xl.domain.findings import Finding, Severity, declare, emits
from renja_xl.domain.fmt import rupiah
from renja_xl.domain.kode import Level
from renja_xl.domain.money import NumberError, to_decimal
from renja_xl.rules.context import Context, blank

UANG_NEGATIF = declare("uang.negatif", Severity.ERROR, "Uang bernilai negatif")
UANG_PECAHAN = declare("uang.pecahan", Severity.WARNING, "Uang dengan sen di kolom rupiah utuh")
UANG_KOSONG = declare("uang.kosong", Severity.WARNING, "Sub kegiatan tanpa uang")
UANG_ALOKASI_INDUK = declare("uang.alokasi_induk", Severity.ERROR,
                             "Pendanaan induk (jumlah indikatornya) berbeda dari jumlah sub kegiatan")
UANG_SUBTOTAL_TERSIMPAN = declare("uang.subtotal_tersimpan", Severity.ERROR,
                                  "Nilai subtotal tersimpan berbeda dari jumlah sub kegiatan")
UANG_PAGU_INDIKATIF = declare("uang.pagu_indikatif", Severity.ERROR, "Total rencana melebihi pagu indikatif Identitas")

# Money column of each table that a sub kegiatan must fill.
_NEEDED = {"tabel1": "anggaran", "tabel6": "pendanaan", "sipd": "pagu"}


def _difference(stated: Decimal, computed: Decimal) -> str:
    return (f"tertulis {rupiah(stated)}, jumlah dari sub kegiatan {rupiah(computed)}, "
            f"selisih {rupiah(stated - computed)}")


@emits(UANG_NEGATIF, UANG_PECAHAN)
def signs_and_cents(ctx: Context) -> Iterable[Finding]:
    zero = Decimal(0)
    for table in ctx.tables():
        headers = {c.key: c.header for c in table.spec.columns}
        typed = ctx.typed_rows(table)
        if _whole_and_positive(typed):
            continue  # the usual table: checked in C, no row to report
        for r in typed:
            for key, amount in r.amounts.items():
                if amount is None:
                    continue
                header = headers[key]
                if amount < zero:
                    yield UANG_NEGATIF(table.spec.name, ctx.where(table, r, key), r.kode.text,
                                       f"{header} bernilai negatif ({rupiah(amount)}).")
                elif amount != amount.to_integral_value():
                    yield UANG_PECAHAN(table.spec.name, ctx.where(table, r, key), r.kode.text,
                                       f"{header} {amount} memuat sen; rupiah di kolom ini bilangan bulat "
                                       f"(dibulatkan: {rupiah(amount)}).")
    pagu = ctx.renja.identitas.get("pagu_indikatif")
    if isinstance(pagu, Decimal) and (pagu < 0 or pagu != pagu.to_integral_value()):
        rule = UANG_NEGATIF if pagu < 0 else UANG_PECAHAN
        yield rule(ctx.identitas_sheet, ctx.identitas_cell("pagu_indikatif"), "",
                   f"Pagu Indikatif {pagu} harus rupiah utuh dan tidak negatif.")


def _whole_and_positive(rows) -> bool:
    """Every amount of these rows is whole rupiah and not negative: one pass in C over all of them (100k rows);
    only a table that fails it is gone through row by row for its findings."""
    amounts = list(filter(None, chain.from_iterable(map(dict.values, map(attrgetter("amounts"), rows)))))
    if not amounts:
        return True
    return min(amounts) >= 0 and amounts == list(map(Decimal.to_integral_value, amounts))


@emits(UANG_KOSONG)
def missing_amounts(ctx: Context) -> Iterable[Finding]:
    renja = ctx.renja
    for key, table in (("tabel1", renja.tabel1), ("tabel6", renja.tabel6), ("sipd", renja.sipd)):
        col = _NEEDED[key]
        j = table.spec.col(col)
        header = table.spec.columns[j].header
        for r in ctx.leaves(table):
            # blank, not merely without an amount: a text in the cell is reported as not a number
            if r.amounts.get(col) is None and (j >= len(r.cells) or blank(r.cells[j])):
                yield UANG_KOSONG(table.spec.name, ctx.where(table, r, col), r.kode.text,
                                  f"{header} sub kegiatan {r.kode.text} kosong (dihitung Rp 0).")


@emits(UANG_ALOKASI_INDUK)
def allocation_vs_subtotal(ctx: Context) -> Iterable[Finding]:
    """Tabel 6: the pendanaan a parent states (the sum of its indicators' shares) against its sub kegiatan."""
    table = ctx.renja.tabel6
    col = table.spec.col("pendanaan")
    by_code: dict = {}
    sub = Level.SUB_KEGIATAN
    for r in [r for r in table.rows if r.kode.level is not sub]:
        by_code.setdefault(r.kode, []).append(r)
    for kode, rows in by_code.items():
        shares = [r.amounts.get("pendanaan") for r in rows if r.amounts.get("pendanaan") is not None]
        first = rows[0]
        if not shares or first.source_row is None:
            continue
        stated = sum(shares, Decimal(0))
        computed = first.totals["jumlah"]
        if stated != computed:
            last = rows[-1].source_row or first.source_row
            where = cell_ref(first.source_row, col + 1)
            if last != first.source_row:
                where += ":" + cell_ref(last, col + 1)
            what = f"jumlah {len(shares)} indikator" if len(shares) > 1 else "pendanaan"
            yield UANG_ALOKASI_INDUK(table.spec.name, where, kode.text,
                                     f"{first.level.label} {kode.text}: {what} {_difference(stated, computed)}.")


@emits(UANG_SUBTOTAL_TERSIMPAN)
def stored_subtotals(ctx: Context) -> Iterable[Finding]:
    """The value a file holds for a subtotal (Excel's cached result) against the total computed here."""
    for table in ctx.tables():
        for r in ctx.parents(table):
            for j, c, raw in table.stored_totals(r):
                if raw is None or raw == "" or (isinstance(raw, str) and raw.startswith("=")):
                    continue  # a formula without a cached value: nothing stored to compare
                try:
                    stored = to_decimal(raw)
                except NumberError:
                    stored = None
                computed = r.totals[c.key]
                if stored is None or stored != computed:
                    shown = rupiah(stored) if stored is not None else f"'{raw}'"
                    diff = f", selisih {rupiah(stored - computed)}" if stored is not None else ""
                    yield UANG_SUBTOTAL_TERSIMPAN(table.spec.name, cell_ref(r.source_row, j + 1),
                                                  r.kode.text,
                                                  f"{c.header} {r.level.label.lower()} {r.kode.text}: nilai di sel {shown}, jumlah dari "
                                                  f"sub kegiatan {rupiah(computed)}{diff}; rumus subtotal tertimpa angka atau berkas "
                                                  "belum dihitung ulang (jalankan Hitung Ulang).")


@emits(UANG_PAGU_INDIKATIF)
def pagu_ceiling(ctx: Context) -> Iterable[Finding]:
    pagu = ctx.renja.identitas.get("pagu_indikatif")
    if not isinstance(pagu, Decimal):
        return
    renja = ctx.renja
    sub = Level.SUB_KEGIATAN
    for table, col in ((renja.tabel6, "jumlah"), (renja.sipd, "pagu")):
        total = sum([table.money(r, col) for r in table.rows if r.kode.level is sub], Decimal(0))
        if total > pagu:
            yield UANG_PAGU_INDIKATIF(table.spec.name, "", "",
                                      f"total {table.spec.name} {rupiah(total)} melebihi Pagu Indikatif {rupiah(pagu)} "
                                      f"(Identitas {ctx.identitas_cell('pagu_indikatif')}) sebesar {rupiah(total - pagu)}.")


RULES = [signs_and_cents, missing_amounts, allocation_vs_subtotal, stored_subtotals, pagu_ceiling]
