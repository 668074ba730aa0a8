"""The Rekap Program sheet: one hierarchy across the pemda, streamed from the merge in two passes.

Rows come sorted by code from SQLite, each sub kegiatan with the OPD that claims it; urusan, bidang, program and
kegiatan rows are inserted above their first descendant, as recalc does in one workbook. A parent's pagu is a live
`=SUBTOTAL(9, first:last)` over its contiguous descendants, with the total as cached value. The ranges need to
know where each parent ends before its row is written, so the first pass only measures (rows, totals, OPDs of each
parent: bounded by the codes of the nomenclature, not by the files) and the second writes.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Iterator

from renja_xl.domain.errors import RenjaError
from renja_xl.domain.kode import Kode, Level, well_formed
from renja_xl.domain.layout import FIRST_DATA_ROW
from renja_xl.engines.rekap_xlsx import Formula
from renja_xl.nomenklatur import default_names
from renja_xl.rekap.merge import Merge

HEADERS = ["Kode", "Uraian", "Perangkat Daerah", "Pagu (Rp)", "Tingkat", "Berkas", "Baris di Tabel 6"]
WIDTHS = [20, 60, 30, 20, 14, 30, 10]
PAGU_COL = "D"
EXCEL_ROWS = 1_048_576


@dataclass
class _Parent:
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


def _walk(merge: Merge) -> Iterator[tuple[str, Any]]:
    """('parent', Kode) or ('sub', (idx, kode text, uraian, pagu, row, ancestors)) in sheet order.

    Only the parents become (interned, never freed) Kode objects: they are bounded by the nomenclature, the
    200k sub kegiatan of a large rekap are not, so theirs stay text."""
    open_: list[Kode] = []
    for idx, _, text, uraian, pagu, row in merge.subs_sorted():
        chain = _ancestors(well_formed(text[:text.rfind(".")]))
        keep = 0
        while keep < len(open_) and keep < len(chain) and open_[keep] is chain[keep]:
            keep += 1
        del open_[keep:]
        for p in chain[keep:]:
            open_.append(p)
            yield "parent", p
        yield "sub", (idx, text, uraian, pagu, row, chain)


def measure(merge: Merge) -> tuple[dict[Kode, _Parent], int, Decimal]:
    parents: dict[Kode, _Parent] = {}
    r = FIRST_DATA_ROW - 1
    grand = Decimal(0)
    for kind, item in _walk(merge):
        r += 1
        if kind == "parent":
            parents[item] = _Parent(r)
            continue
        idx, _, _, pagu, _, chain = item
        grand += pagu
        for p in chain:
            info = parents[p]
            info.end = r
            info.total += pagu
            info.opds.add(idx)
    if r + 1 > EXCEL_ROWS:
        raise RenjaError(f"Rekap Program memerlukan {r + 1:,} baris, lebih dari batas lembar Excel ({EXCEL_ROWS:,}); "
                         "buat rekap per pemerintah daerah (satu folder per pemda), lalu gabungkan angkanya."
                         .replace(",", "."))
    return parents, r, grand


def rows(merge: Merge) -> Iterator[tuple[list[Any], bool]]:
    """The sheet's data rows, the JUMLAH row last."""
    parents, last, grand = measure(merge)
    names = dict(default_names())
    names.update(merge.names())  # what the OPDs typed wins over the embedded example list
    records = merge.records
    col = PAGU_COL
    for kind, item in _walk(merge):
        if kind == "parent":
            info = parents[item]
            if len(info.opds) == 1:
                opd = records[next(iter(info.opds))].label()
            else:
                opd = f"{len(info.opds)} perangkat daerah"
            pagu = Formula(f"=SUBTOTAL(9,{col}{info.row + 1}:{col}{info.end})", info.total)
            yield [item.text, names.get(item.text, ""), opd, pagu, item.level.label, None, None], True
            continue
        idx, kode, uraian, pagu, row, _ = item
        rec = records[idx]
        yield [kode, uraian, rec.label(), pagu, Level.SUB_KEGIATAN.label, rec.name, row], False
    if last >= FIRST_DATA_ROW:
        total = Formula(f"=SUBTOTAL(9,{col}{FIRST_DATA_ROW}:{col}{last})", grand)
    else:
        total = Decimal(0)
    yield [None, "JUMLAH", f"{len(records)} berkas", total, None, None, None], True
