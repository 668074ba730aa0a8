"""The tables of the document (Tabel 1-6 and the lampiran) as plain data every writer can draw.

A table has header rows (cells may span columns or rows), body rows (parent rows bold), relative column
widths, an orientation, and per-column alignment (numbers right-aligned, in Indonesian notation).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from renja_xl.domain.hierarchy import HierRow, HierTable
from renja_xl.domain.kode import Level
from renja_xl.domain.layout import sheet
from renja_xl.domain.model import Renja
from renja_xl.chapters import filters as f


@dataclass
class Cell:
    text: str
    span: int = 1  # columns
    rows: int = 1  # header cells spanning rows
    align: str = ""  # left | right | center ("" = the column's)


@dataclass
class Row:
    cells: list[Cell]
    bold: bool = False
    continues: bool = False  # a further row of the node above (another indicator): its first columns merge up


@dataclass
class Table:
    key: str
    widths: list[float]
    aligns: list[str]
    header: list[list[Cell]]
    rows: list[Row] = field(default_factory=list)
    landscape: bool = True
    merge_repeats: tuple[int, ...] = ()  # columns whose repeated values are merged downwards (Tabel 5)
    merge_continued: tuple[int, ...] = ()  # columns merged from a row into the rows that continue it

    @property
    def ncols(self) -> int:
        return len(self.widths)


def _c(text: Any) -> Cell:
    return Cell("" if text is None else str(text))


def _numbers(n: int) -> list[Cell]:
    return [Cell(f"({i})", align="center") for i in range(1, n + 1)]


def _target(value: Any, satuan: str = "") -> str:
    text = f.nilai(value) if value not in (None, "") else ""
    return f"{text} {satuan}".strip() if text else ""


def tabel1(renja: Renja) -> Table:
    t = renja.tabel1
    th = [[Cell("KODE", rows=2), Cell("URAIAN", rows=2), Cell("KINERJA", span=2), Cell("ANGGARAN (Rp)", rows=2),
           Cell("REALISASI (Rp)", rows=2), Cell("%", rows=2)],
          [Cell("INDIKATOR"), Cell("TARGET")], _numbers(7)]
    table = Table("tabel1", [11, 24, 26, 8, 12, 12, 6], ["left", "left", "left", "left", "right", "right", "right"],
                  th, landscape=True)
    for r in t.rows:
        leaf = r.is_leaf
        table.rows.append(Row([
            _c(r.kode.text), _c(t.text(r, "uraian")),
            _c(t.text(r, "indikator") if leaf else ""),
            _c(_target(t.value(r, "target"), t.text(r, "satuan")) if leaf else ""),
            _c(f.uang(t.money(r, "anggaran"))),
            _c(f.uang(t.money(r, "realisasi")) if not (leaf and r.amounts.get("realisasi") is None) else "-"),
            _c(f.persen(r.persen) if r.persen is not None else "-"),
        ], bold=not leaf))
    return table


def tabel2(renja: Renja) -> Table:
    t = renja.tabel2
    th = [[Cell("No", rows=2), Cell("Sasaran Strategis", rows=2), Cell("Indikator Kinerja Utama", span=2, rows=2),
           Cell("Capaian Kinerja Tahun " + str(renja.identitas.get("tahun_evaluasi", "")), span=2),
           Cell("Tingkat Kemajuan (%)", rows=2)],
          [Cell("Target"), Cell("Realisasi")], _numbers(7)]
    table = Table("tabel2", [5, 25, 6, 27, 11, 12, 13], ["center", "left", "left", "left", "right", "right", "right"],
                  th, landscape=False, merge_continued=(0, 1))
    col = t.spec.col
    for g in t.groups:
        for i, r in enumerate(g.rows):
            table.rows.append(Row([
                _c(f"{g.no}." if i == 0 else ""), _c(g.sasaran if i == 0 else ""),
                _c(r.cells[col("no_iku")]), _c(r.cells[col("iku")]),
                _c(f.nilai(r.target)), _c(f.nilai(r.realisasi)),
                _c(f.persen(r.kemajuan) if r.kemajuan is not None else "-"),
            ], continues=i > 0))
        table.rows.append(Row([Cell(f"RERATA CAPAIAN KINERJA SS {g.no}", span=6, align="left"),
                               _c(f.persen(g.rerata) if g.rerata is not None else "-")], bold=True))
    if t.groups:
        table.rows.append(Row([Cell("TOTAL RERATA CAPAIAN KINERJA", span=6, align="left"),
                               _c(f.persen(t.total) if t.total is not None else "-")], bold=True))
    return table


def tabel3(renja: Renja) -> Table:
    year = renja.identitas.get("tahun_evaluasi")
    years = [str(year - 2 + i) if isinstance(year, int) else f"n-{2 - i}" if i < 2 else "n" for i in range(3)]
    th = [[Cell("No", rows=3), Cell("Sasaran Strategis", rows=3), Cell("Indikator Kinerja Utama", span=2, rows=3),
           Cell("Satuan", rows=3), Cell("Target dan Realisasi", span=6)],
          [Cell(y, span=2) for y in years],
          [Cell(x) for _ in years for x in ("T", "R")], _numbers(11)]
    table = Table("tabel3", [5, 20, 6, 20, 9] + [6.6] * 6, ["center", "left", "left", "left", "left"] + ["right"] * 6,
                  th, landscape=False, merge_continued=(0, 1))
    last = None
    for r in renja.tabel3:
        first = r["no_sasaran"] != last
        last = r["no_sasaran"]
        table.rows.append(Row([_c(r["no_sasaran"] if first else ""), _c(r["sasaran"] if first else ""),
                               _c(r["no_iku"]), _c(r["iku"]), _c(r["satuan"])]
                              + [_c(f.nilai(r[f"{k}_{i}"])) for i in (1, 2, 3) for k in ("target", "realisasi")],
                              continues=not first))
    return table


def _stated_shares(t: HierTable) -> dict[int, Any]:
    """The typed Pendanaan of each indicator row of a parent, kept only where the shares add up to the computed
    total; otherwise the parent prints its total once, so one row never shows two different totals."""
    out: dict[int, Any] = {}
    group: list[HierRow] = []

    def close() -> None:
        if len(group) > 1:
            typed = [r.amounts.get("pendanaan") for r in group]
            if all(v is not None for v in typed) and sum(typed) == t.money(group[0], "jumlah"):
                out.update({id(r): v for r, v in zip(group, typed)})
        group.clear()

    for r in t.rows:
        if r.is_first:
            close()
        if not r.is_leaf:
            group.append(r)
    close()
    return out


def _hier_rows(t: HierTable, cells: Callable[[HierRow], list[Cell]]) -> list[Row]:
    return [Row(cells(r), bold=not r.is_leaf, continues=not r.is_first) for r in t.rows]


def tabel4(renja: Renja) -> Table:
    t = renja.tabel4
    year = renja.identitas.get("tahun_rencana", "")
    th = [[Cell("No."), Cell("Kode"), Cell("Program / Kegiatan / Sub Kegiatan"), Cell("Indikator Kinerja"),
           Cell("Satuan"), Cell(f"Target Kinerja {year}"), Cell("Lokasi"), Cell("Waktu Pelaksanaan")], _numbers(8)]
    table = Table("tabel4", [5, 12, 24, 24, 8, 7, 10, 10],
                  ["center", "left", "left", "left", "left", "right", "left", "left"], th, landscape=True,
                  merge_continued=(0, 1, 2))

    def cells(r: HierRow) -> list[Cell]:
        return [_c(r.no if r.is_first else ""), _c(r.kode.text if r.is_first else ""),
                _c(t.text(r, "uraian") if r.is_first else ""), _c(t.text(r, "indikator")), _c(t.text(r, "satuan")),
                _c(f.nilai(t.value(r, "target")) if t.value(r, "target") not in (None, "") else ""),
                _c(t.text(r, "lokasi")), _c(t.text(r, "waktu"))]

    table.rows = _hier_rows(t, cells)
    return table


def tabel5(renja: Renja) -> Table:
    year = renja.identitas.get("tahun_rencana", "")
    th = [[Cell("Tujuan"), Cell("Sasaran"), Cell("Indikator Sasaran"), Cell("Satuan"), Cell(f"Target {year}")],
          _numbers(5)]
    table = Table("tabel5", [24, 28, 26, 11, 11], ["left", "left", "left", "left", "right"], th, landscape=False,
                  merge_repeats=(0, 1))
    for r in renja.tabel5:
        table.rows.append(Row([_c(r["tujuan"]), _c(r["sasaran"]), _c(r["indikator"]), _c(r["satuan"]),
                               _c(f.nilai(r["target"]))]))
    return table


def tabel6(renja: Renja) -> Table:
    t = renja.tabel6
    year = renja.identitas.get("tahun_rencana", "")
    th = [[Cell("No.", rows=2), Cell("Kode", rows=2), Cell("Program / Kegiatan / Sub Kegiatan", rows=2),
           Cell("Indikator Kinerja", rows=2), Cell("Satuan", rows=2), Cell(f"Target {year}", span=2),
           Cell("Lokasi", rows=2), Cell("Waktu Pelaksanaan", rows=2)],
          [Cell("Kinerja"), Cell("Pendanaan (Rp)")], _numbers(9)]
    table = Table("tabel6", [4, 10, 20, 22, 7, 6, 12, 10, 9],
                  ["center", "left", "left", "left", "left", "right", "right", "left", "left"], th, landscape=True,
                  merge_continued=(0, 1, 2))

    shares = _stated_shares(t)

    def cells(r: HierRow) -> list[Cell]:
        if r.is_leaf:
            typed = r.amounts.get("pendanaan")
            money = f.uang(typed) if typed is not None else f.uang(t.money(r, "jumlah")) if r.is_first else ""
        elif id(r) in shares:
            money = f.uang(shares[id(r)])
        else:  # a parent prints its computed total once (the same figure the sentences state)
            money = f.uang(t.money(r, "jumlah")) if r.is_first else ""
        return [_c(r.no if r.is_first else ""), _c(r.kode.text if r.is_first else ""),
                _c(t.text(r, "uraian") if r.is_first else ""), _c(t.text(r, "indikator")), _c(t.text(r, "satuan")),
                _c(f.nilai(t.value(r, "target")) if t.value(r, "target") not in (None, "") else ""), _c(money),
                _c(t.text(r, "lokasi")), _c(t.text(r, "waktu"))]

    table.rows = _hier_rows(t, cells)
    return table


def lampiran(renja: Renja) -> Table:
    t = renja.sipd
    th = [[Cell("NO"), Cell("KODE"), Cell("URAIAN URUSAN / BIDANG / PROGRAM / KEGIATAN / SUB KEGIATAN / USULAN"),
           Cell("LOKASI"), Cell("VOLUME / SATUAN"), Cell("JUMLAH PAGU (Rp)"), Cell("STATUS DISETUJUI"),
           Cell("CATATAN")], _numbers(8)]
    table = Table("lampiran", [4, 11, 33, 12, 8, 14, 10, 8],
                  ["center", "left", "left", "left", "left", "right", "left", "left"], th, landscape=True)

    def cells(r: HierRow) -> list[Cell]:
        uraian = t.text(r, "uraian")
        if r.is_leaf and t.text(r, "usulan"):
            uraian = f"{uraian} - {t.text(r, 'usulan')}"
        volume = f"{f.nilai(t.value(r, 'volume'))} {t.text(r, 'satuan')}".strip() if r.is_leaf and \
            t.value(r, "volume") not in (None, "") else ""
        return [_c(""), _c(r.kode.text), _c(uraian), _c(t.text(r, "lokasi")), _c(volume),
                _c(f.uang(t.money(r, "pagu"), 2)), _c(t.text(r, "status")), _c(t.text(r, "catatan"))]

    table.rows = _hier_rows(t, cells)
    top = [r for r in t.rows if r.is_first and r.level == min((x.level for x in t.rows), default=Level.BIDANG)]
    total = sum((t.money(r, "pagu") for r in top), start=f._decimal(0))
    table.rows.append(Row([Cell("JUMLAH", span=5, align="right"), _c(f.uang(total, 2)), _c(""), _c("")], bold=True))
    return table


SHEET_OF = {k: sheet(k).name for k in ("tabel1", "tabel2", "tabel3", "tabel4", "tabel5", "tabel6")}
SHEET_OF["lampiran"] = sheet("sipd").name


def has_data(renja: Renja, key: str) -> bool:
    """Whether the workbook holds rows for a table key (False for a form it has no sheet for yet)."""
    source = {"tabel1": renja.tabel1.rows, "tabel2": renja.tabel2.groups, "tabel3": renja.tabel3,
              "tabel4": renja.tabel4.rows, "tabel5": renja.tabel5, "tabel6": renja.tabel6.rows,
              "lampiran": renja.sipd.rows}.get(key)
    return bool(source)


BUILDERS: dict[str, Callable[[Renja], Table]] = {
    "tabel1": tabel1, "tabel2": tabel2, "tabel3": tabel3, "tabel4": tabel4, "tabel5": tabel5, "tabel6": tabel6,
    "lampiran": lampiran,
}
