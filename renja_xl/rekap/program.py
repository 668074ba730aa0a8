"""The Rekap Program sheet: one hierarchy across the pemda, streamed from the merge in one pass.

Rows come sorted by code from SQLite, each sub kegiatan with the OPD that claims it; urusan, bidang, program and
kegiatan rows are inserted above their first descendant, as recalc does in one workbook. A parent's pagu is a live
`=SUBTOTAL(9, first:last)` over its contiguous descendants, with the total as cached value. The ranges need to
know where each parent ends before its row is written: they come from the rows, totals and OPDs of each kegiatan
(bounded by the codes of the nomenclature, not by the files), which the merge adds up as the results arrive.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Iterator

from renja_xl.domain.errors import RenjaError
from renja_xl.domain.kode import Kode, Level, well_formed
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


def measure(merge: Merge) -> tuple[list[_Parent], int, Decimal]:
    """The parent rows in sheet order with their SUBTOTAL ranges, the last row, the grand total — from the count,
    total and OPDs of each kegiatan that the merge gathered as the results arrived (Merge.kegiatan), so nothing
    here walks the sub kegiatan. A kegiatan's sub kegiatan sort together (codes of one level have one width), so
    sheet order is the kegiatan in code order, each with its row count. Only the parents become (interned) Kode
    objects: they are bounded by the nomenclature, the sub kegiatan of a large rekap are not."""
    order = sorted((well_formed(text), stats) for text, stats in merge.kegiatan.items())
    parents: list[_Parent] = []
    open_: list[_Parent] = []
    r = FIRST_DATA_ROW - 1
    grand = Decimal(0)
    for kegiatan, (n, total, opds) in order:
        chain = _ancestors(kegiatan)
        keep = 0
        while keep < len(open_) and keep < len(chain) and open_[keep].kode is chain[keep]:
            keep += 1
        del open_[keep:]
        for p in chain[keep:]:
            r += 1
            info = _Parent(p, r)
            parents.append(info)
            open_.append(info)
        r += n
        grand += total
        for info in open_:
            info.end = r
            info.total += total
            if opds.__class__ is int:
                info.opds.add(opds)
            else:
                info.opds |= opds
    if r + 1 > EXCEL_ROWS:
        raise RenjaError(f"Rekap Program memerlukan {r + 1:,} baris, lebih dari batas lembar Excel ({EXCEL_ROWS:,}); "
                         "buat rekap per pemerintah daerah (satu folder per pemda), lalu gabungkan angkanya."
                         .replace(",", "."))
    return parents, r, grand


def rows(merge: Merge) -> Iterator[tuple[list[Any], bool]]:
    """The sheet's data rows, the JUMLAH row last: the sub kegiatan in code order from SQLite (one pass), each
    kegiatan's parents not yet written inserted above its first sub kegiatan."""
    parents, last, grand = measure(merge)
    names = dict(default_names())
    names.update(merge.names())  # what the OPDs typed wins over the embedded example list
    records = merge.records
    col = PAGU_COL
    sub_label = Level.SUB_KEGIATAN.label
    pending = iter(parents)
    current = None
    for idx, _, kode, uraian, pagu, row in merge.subs_sorted():
        kegiatan = kode[:kode.rfind(".")]
        if kegiatan != current:
            current = kegiatan
            for info in pending:
                p = info.kode
                opd = (records[next(iter(info.opds))].label() if len(info.opds) == 1
                       else f"{len(info.opds)} perangkat daerah")
                pagu_p = Formula(f"=SUBTOTAL(9,{col}{info.row + 1}:{col}{info.end})", info.total)
                yield [p.text, names.get(p.text, ""), opd, pagu_p, p.level.label, None, None], True
                if p.text == kegiatan:
                    break
        rec = records[idx]
        yield [kode, uraian, rec.label(), pagu, sub_label, rec.name, row], False
    if last >= FIRST_DATA_ROW:
        total = Formula(f"=SUBTOTAL(9,{col}{FIRST_DATA_ROW}:{col}{last})", grand)
    else:
        total = Decimal(0)
    yield [None, "JUMLAH", f"{len(records)} berkas", total, None, None, None], True
