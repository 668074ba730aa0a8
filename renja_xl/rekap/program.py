"""The Rekap Program sheet: one hierarchy across the pemda, streamed from the merge in one pass.

Rows come sorted by code from SQLite, each sub kegiatan with the OPD that claims it; urusan, bidang, program and
kegiatan rows are inserted above their first descendant, as recalc does in one workbook. A parent's pagu is a live
`=SUBTOTAL(9, first:last)` over its contiguous descendants, with the total as cached value. The ranges need to
know where each parent ends before its row is written: they come from the rows and totals of each kegiatan per
workbook, which the merge stores in SQLite as the results arrive; the parent rows go there too (memory flat).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Iterator

from renja_xl.domain.errors import RenjaError
from renja_xl.domain.kode import Kode, Level, release_unused, well_formed
from renja_xl.domain.layout import FIRST_DATA_ROW
from renja_xl.domain.formula import Formula
from renja_xl.nomenklatur import default_names
from renja_xl.rekap.merge import Merge

HEADERS = ["Kode", "Uraian", "Perangkat Daerah", "Pagu (Rp)", "Tingkat", "Berkas", "Baris di Tabel 6"]
WIDTHS = [20, 60, 30, 20, 14, 30, 10]
PAGU_COL = "D"
EXCEL_ROWS = 1_048_576


@dataclass
class _Parent:
    kode: Kode
    row: int
    end: int = 0
    total: Decimal = Decimal(0)
    opds: set[int] = field(default_factory=set)


def _ancestors(kode: Kode) -> list[Kode]:
    """The code and its parents, urusan first."""
    out = [kode]
    p = kode.parent
    while p is not None:
        out.append(p)
        p = p.parent
    return out[::-1]


def measure(merge: Merge) -> tuple[int, Decimal]:
    """The parent rows with their SUBTOTAL ranges, stored in the merge (Merge.parents), then the last row and the
    grand total — from the count, total and OPDs of each kegiatan per workbook that the merge stored as the
    results arrived (Merge.kegiatan), so nothing here walks the sub kegiatan. A kegiatan's sub kegiatan sort
    together (codes of one level have one width), so sheet order is the kegiatan in code order, each with its row
    count. Only the open parents (one per level) are held; a parent goes to SQLite once its range is known, so
    the memory does not grow with the programs and kegiatan of a rekap (their Kode objects are released)."""
    closed: list[tuple[int, str, str, int, Decimal, set[int]]] = []
    open_: list[_Parent] = []
    r = FIRST_DATA_ROW - 1

    def close(infos: list[_Parent]) -> None:
        closed.extend((i.row, i.kode.text, i.kode.level.label, i.end, i.total, i.opds) for i in infos)
        if len(closed) >= 1024:
            merge.add_parents(closed)
            closed.clear()
            release_unused()  # the codes of the parents stored: only the open chain holds Kode objects

    grand = Decimal(0)
    for text, n, total, opds in merge.kegiatan():
        chain = _ancestors(well_formed(text))
        keep = 0
        while keep < len(open_) and keep < len(chain) and open_[keep].kode is chain[keep]:
            keep += 1
        close(open_[keep:])
        del open_[keep:]
        for p in chain[keep:]:
            r += 1
            open_.append(_Parent(p, r))
        r += n
        grand += total
        for info in open_:
            info.end = r
            info.total += total
            info.opds |= opds
    close(open_)
    merge.add_parents(closed)
    open_.clear()
    closed.clear()
    release_unused()
    if r + 1 > EXCEL_ROWS:
        raise RenjaError(f"Rekap Program memerlukan {r + 1:,} baris, lebih dari batas lembar Excel ({EXCEL_ROWS:,}); "
                         "buat rekap per pemerintah daerah (satu folder per pemda), lalu gabungkan angkanya."
                         .replace(",", "."))
    return r, grand


def rows(merge: Merge) -> Iterator[tuple[list[Any], bool]]:
    """The sheet's data rows, the JUMLAH row last: the sub kegiatan in code order from SQLite (one pass), each
    kegiatan's parents not yet written (from SQLite too) inserted above its first sub kegiatan."""
    last, grand = measure(merge)
    names = default_names()  # the embedded example's names, where no OPD typed one
    records = merge.records
    col = PAGU_COL
    sub_label = Level.SUB_KEGIATAN.label
    pending = merge.parents()
    current = None
    for idx, _, kode, uraian, pagu, row in merge.subs_sorted():
        kegiatan = kode[:kode.rfind(".")]
        if kegiatan != current:
            current = kegiatan
            for p_row, p_kode, level, p_last, total, n_opd, opd, nama in pending:
                label = records[opd].label() if n_opd == 1 else f"{n_opd} perangkat daerah"
                pagu_p = Formula(f"=SUBTOTAL(9,{col}{p_row + 1}:{col}{p_last})", total)
                yield [p_kode, names.get(p_kode, "") if nama is None else nama, label, pagu_p, level, None, None], True
                if p_kode == kegiatan:
                    break
        rec = records[idx]
        yield [kode, uraian, rec.label(), pagu, sub_label, rec.name, row], False
    if last >= FIRST_DATA_ROW:
        total = Formula(f"=SUBTOTAL(9,{col}{FIRST_DATA_ROW}:{col}{last})", grand)
    else:
        total = Decimal(0)
    yield [None, "JUMLAH", f"{len(records)} berkas", total, None, None, None], True
