"""Validasi: every rule runs on the in-memory Renja, then all findings are reported together.

This is the first set of rules (codes, hierarchy, numbers, money totals);
each rule is a function taking the Renja and yielding findings.
"""
from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Callable, Iterable

from .cells import cell_ref
from .findings import Finding, sort_findings
from .fmt import rupiah
from .grid import Grid
from .model import Renja
from .money import NumberError, to_decimal
from .reader import read_renja

Rule = Callable[[Renja], Iterable[Finding]]


def missing_parents(renja: Renja) -> Iterable[Finding]:
    for table in renja.hierarchy_tables():
        rows = table.rows
        for i, r in enumerate(rows):
            if not r.inserted:
                continue
            child = next((c for c in rows[i + 1:] if c.source_row is not None), None)
            where = cell_ref(child.source_row, table.spec.col("kode") + 1) if child else ""
            yield Finding("hierarki.induk_hilang", "warning", table.spec.name, where, r.kode.text,
                          f"baris induk {r.level.label.lower()} {r.kode.text} belum ada; Hitung Ulang akan menambahkannya.")


def duplicate_codes(renja: Renja) -> Iterable[Finding]:
    for table in (renja.tabel1, renja.tabel4, renja.tabel6):
        counts = Counter(r.kode for r in table.rows if r.is_leaf)
        seen = set()
        for r in table.rows:
            if r.is_leaf and counts[r.kode] > 1 and r.kode in seen:
                yield Finding("kode.ganda", "warning", table.spec.name,
                              cell_ref(r.source_row, table.spec.col("kode") + 1) if r.source_row else "",
                              r.kode.text, f"sub kegiatan {r.kode.text} tercantum {counts[r.kode]} kali.")
            seen.add(r.kode)


def _difference(stated: Decimal, computed: Decimal) -> str:
    return (f"tertulis {rupiah(stated)}, jumlah dari sub kegiatan {rupiah(computed)}, "
            f"selisih {rupiah(stated - computed)}")


def allocation_vs_subtotal(renja: Renja) -> Iterable[Finding]:
    """Tabel 6: the pendanaan a parent states (the sum of its indicators' shares) against its sub kegiatan."""
    table = renja.tabel6
    col = table.spec.col("pendanaan")
    by_code: dict = {}
    for r in table.rows:
        if not r.is_leaf:
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
            yield Finding("uang.alokasi_induk", "error", table.spec.name, where, kode.text,
                          f"{first.level.label} {kode.text}: {what} {_difference(stated, computed)}.")


def stored_subtotals(renja: Renja) -> Iterable[Finding]:
    """The value a file holds for a subtotal (Excel's cached result) against the total computed here."""
    for table in renja.hierarchy_tables():
        block = renja.blocks[table.spec.key]
        cols = [(j, c) for j, c in enumerate(table.spec.columns) if c.role in ("jumlah", "total")]
        for r in table.rows:
            if r.source_row is None or r.is_leaf or not r.is_first:
                continue
            line = block[r.source_row - 1]
            for j, c in cols:
                raw = line[j] if j < len(line) else None
                if raw is None or (isinstance(raw, str) and raw.startswith("=")):
                    continue  # a formula without a cached value: nothing stored to compare
                try:
                    stored = to_decimal(raw)
                except NumberError:
                    stored = None
                computed = r.totals[c.key]
                if stored is None or stored != computed:
                    yield Finding("uang.subtotal_tersimpan", "error", table.spec.name, cell_ref(r.source_row, j + 1),
                                  r.kode.text,
                                  f"{c.header}: nilai di sel ({raw}) berbeda dari jumlah sub kegiatan {rupiah(computed)}; "
                                  "rumus subtotal mungkin tertimpa angka atau berkas belum dihitung ulang.")


RULES: list[Rule] = [missing_parents, duplicate_codes, allocation_vs_subtotal, stored_subtotals]


def validate_renja(renja: Renja) -> list[Finding]:
    findings = list(renja.findings)
    for rule in RULES:
        findings.extend(rule(renja))
    return sort_findings(findings)


def validate_grid(grid: Grid) -> list[Finding]:
    return validate_renja(read_renja(grid))

