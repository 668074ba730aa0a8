"""The tables of the document (Tabel 1-6 and the lampiran) as plain data every writer can draw.

A table has header rows (cells may span columns or rows), body rows (parent rows bold), relative column
widths, an orientation, and per-column alignment (numbers right-aligned, in Indonesian notation).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from renja_xl.domain.cells import is_blank
from renja_xl.domain.hierarchy import HierRow, HierTable
from renja_xl.domain.kode import Level
from renja_xl.domain.layout import TC30_YEARS, sheet
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
    font_halfpoints: int = 0  # a smaller type in the Word table (a form of 19 columns); 0: the style's 8 pt

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


# Tabel 1 columns beyond the seed's evaluation table: when a sub kegiatan fills any of them, the document prints
# the whole T-C.29 form (tc29), else the seed's seven columns as before
TC29_KEYS = ("target_renstra", "pagu_renstra", "realisasi_n3", "realisasi_n3_rp", "target_n1", "anggaran_n1",
             "perkiraan_kinerja", "realisasi_kinerja")


def tabel1(renja: Renja) -> Table:
    t = renja.tabel1
    if any(not is_blank(t.value(r, k)) for r in t.rows if r.is_leaf for k in TC29_KEYS):
        return tc29(renja)
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


def tc29(renja: Renja) -> Table:
    """Tabel 1 as the whole T-C.29 form (Tabel 2.1): for each of Renstra, s.d. n-3, Renja n-2 (target, realisasi,
    tingkat), n-1, perkiraan s.d. tahun berjalan and tingkat capaian Renstra, kinerja beside Rp."""
    t = renja.tabel1

    def year(k: int) -> str:
        return _plan_year(renja, k, f"n{k:+d}")

    groups = ["Target Kinerja Capaian Renstra (akhir periode)", f"Realisasi Capaian Kinerja s.d. Tahun {year(-3)}",
              f"Target Kinerja dan Anggaran Renja Tahun {year(-2)}",
              f"Realisasi Kinerja dan Anggaran Renja Tahun {year(-2)}",
              "Tingkat Realisasi (%)", f"Target Program/Kegiatan Renja Tahun {year(-1)}",
              "Perkiraan Realisasi Capaian Target Renstra s.d. Tahun Berjalan", "Tingkat Capaian Realisasi Target "
              "Renstra (%)"]
    th = [[Cell("Kode", rows=2), Cell("Urusan / Bidang / Program / Kegiatan / Sub Kegiatan", rows=2),
           Cell("Indikator Kinerja", rows=2)] + [Cell(g, span=2) for g in groups],
          [Cell(x) for _ in groups for x in ("K", "Rp")], _numbers(19)]
    pair, percents = [3.4, 9.2], [4.6, 4.6]  # a bold 14-digit rupiah fits its column at this size, a % its own
    widths = [6.5, 9, 9] + pair * 4 + percents + pair * 2 + percents
    table = Table("tabel1", widths, ["left", "left", "left"] + ["right"] * 16, th,
                  landscape=True, merge_continued=(0, 1), font_halfpoints=11)

    def kinerja(r: HierRow, key: str) -> Cell:
        value = t.value(r, key)
        return _c(_target(value) if not is_blank(value) else "")

    def money(r: HierRow, key: str) -> Cell:
        value = t.shown(r, key) if r.is_first else None
        if r.is_leaf and key not in ("perkiraan_rp",) and r.amounts.get(key) is None:
            value = None  # an empty input prints empty, not 0
        return _c(f.uang(value) if value is not None else "")

    def pct(r: HierRow, key: str) -> Cell:
        value = t.percent(r, key) if r.is_first else None
        return _c(f.persen(value) if value is not None else "")

    def cells(r: HierRow) -> list[Cell]:
        first = r.is_first
        indikator, satuan = t.text(r, "indikator"), t.text(r, "satuan")  # the satuan with the indicator: the K
        # columns are narrow
        return [_c(r.kode.text if first else ""), _c(t.text(r, "uraian") if first else ""),
                _c(f"{indikator} ({satuan})" if indikator and satuan else indikator),
                kinerja(r, "target_renstra"), money(r, "pagu_renstra"),
                kinerja(r, "realisasi_n3"), money(r, "realisasi_n3_rp"),
                kinerja(r, "target"), money(r, "anggaran"),
                kinerja(r, "realisasi_kinerja"), money(r, "realisasi"),
                pct(r, "persen_kinerja"), pct(r, "persen"),
                kinerja(r, "target_n1"), money(r, "anggaran_n1"),
                kinerja(r, "perkiraan_kinerja"), money(r, "perkiraan_rp"),
                pct(r, "capaian_kinerja"), pct(r, "capaian_rp")]

    table.rows = _hier_rows(t, cells)
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


def _plan_year(renja: Renja, offset: int, token: str) -> str:
    """A year relative to the plan year, written out ("n-2" while Identitas has no plan year)."""
    plan = renja.identitas.get("tahun_rencana")
    return str(plan + offset) if isinstance(plan, int) else token


def tc30(renja: Renja) -> Table:
    """T-C.30: the service indicators (SPM / IKK) with their Renstra targets, realisation and projection."""
    years = [_plan_year(renja, y, n) for _, n, y in TC30_YEARS]
    th = [[Cell("No", rows=2), Cell("Indikator", rows=2), Cell("SPM / Standar Nasional", rows=2),
           Cell("IKK", rows=2), Cell("Target Renstra Perangkat Daerah", span=4),
           Cell("Realisasi Capaian", span=2), Cell("Proyeksi", span=2), Cell("Catatan Analisis", rows=2)],
          [Cell(y) for y in years + years[:2] + years[2:]], _numbers(13)]
    keys = ["spm", "ikk"] + [c.key for c in sheet("tc30").columns if c.year is not None]
    table = Table("tc30", [4, 18, 8, 8] + [5.5] * 8 + [14], ["center", "left", "left", "left"] + ["right"] * 8 +
                  ["left"], th, landscape=True)
    for r in renja.tc30:
        table.rows.append(Row([_c(r.no), _c(r.indikator)] + [_c(f.nilai(r[k])) for k in keys] + [_c(r.catatan)]))
    return table


def tc32(renja: Renja) -> Table:
    """T-C.32: the programmes and activities stakeholders proposed."""
    th = [[Cell("No"), Cell("Program / Kegiatan"), Cell("Lokasi"), Cell("Indikator Kinerja"),
           Cell("Besaran / Volume"), Cell("Catatan")], _numbers(6)]
    table = Table("tc32", [4, 26, 14, 24, 10, 16], ["center", "left", "left", "left", "right", "left"], th,
                  landscape=True)
    for r in renja.tc32:
        table.rows.append(Row([_c(r.no), _c(r.uraian), _c(r.lokasi), _c(r.indikator),
                               _c(f.nilai(r.volume)), _c(r.catatan)]))
    return table


TC31_KEYS = ("pagu", "uraian_analisis", "lokasi_analisis", "indikator_analisis", "target_analisis", "kebutuhan_dana",
             "catatan")


def tabel4(renja: Renja) -> Table:
    t = renja.tabel4
    if any(not is_blank(t.value(r, k)) for r in t.rows if r.is_leaf for k in TC31_KEYS):
        return tc31(renja)
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


def tc31(renja: Renja) -> Table:
    """Tabel 4 as T-C.31 (review terhadap rancangan awal RKPD), when its review columns are filled: the rancangan
    awal beside the hasil analisis kebutuhan, money as the parents' totals."""
    t = renja.tabel4
    year = renja.identitas.get("tahun_rencana", "")
    side = [Cell("Program / Kegiatan"), Cell("Lokasi"), Cell("Indikator Kinerja"), Cell("Target Capaian")]
    th = [[Cell("No.", rows=2), Cell(f"Rancangan Awal RKPD {year}".strip(), span=5),
           Cell("Hasil Analisis Kebutuhan", span=5), Cell("Catatan Penting", rows=2)],
          side + [Cell("Pagu Indikatif (Rp)")] + side + [Cell("Kebutuhan Dana (Rp)")], _numbers(12)]
    table = Table("tabel4", [4, 14.5, 7, 12, 8, 13, 13, 7, 11, 7.5, 13, 8],
                  ["center", "left", "left", "left", "right", "right", "left", "left", "left", "right", "right",
                   "left"], th, landscape=True, merge_continued=(0, 1))

    def target(r: HierRow, key: str, satuan: str = "") -> Cell:
        value = t.value(r, key)
        return _c(_target(value, t.text(r, satuan) if satuan else "") if not is_blank(value) else "")

    def money(r: HierRow, key: str) -> Cell:
        if r.is_leaf:
            return _c(f.uang(r.amounts.get(key)) if r.amounts.get(key) is not None else "")
        return _c(f.uang(t.money(r, key)) if r.is_first else "")

    def cells(r: HierRow) -> list[Cell]:
        first = r.is_first
        return [_c(r.no if first else ""), _c(f"{r.kode.text} {t.text(r, 'uraian')}" if first else ""),
                _c(t.text(r, "lokasi")), _c(t.text(r, "indikator")), target(r, "target", "satuan"), money(r, "pagu"),
                _c(t.text(r, "uraian_analisis")), _c(t.text(r, "lokasi_analisis")),
                _c(t.text(r, "indikator_analisis")), target(r, "target_analisis"), money(r, "kebutuhan_dana"),
                _c(t.text(r, "catatan"))]

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


SHEET_OF = {k: sheet(k).name for k in ("tabel1", "tabel2", "tabel3", "tc30", "tabel4", "tc32", "tabel5", "tabel6")}
SHEET_OF["lampiran"] = sheet("sipd").name


def has_data(renja: Renja, key: str) -> bool:
    """Whether the workbook holds rows for a table key (False for a form it has no sheet for yet)."""
    source = {"tabel1": renja.tabel1.rows, "tabel2": renja.tabel2.groups, "tabel3": renja.tabel3,
              "tabel4": renja.tabel4.rows, "tabel5": renja.tabel5, "tabel6": renja.tabel6.rows,
              "lampiran": renja.sipd.rows, "tc30": renja.tc30, "tc32": renja.tc32}.get(key)
    return bool(source)


BUILDERS: dict[str, Callable[[Renja], Table]] = {
    "tabel1": tabel1, "tabel2": tabel2, "tabel3": tabel3, "tabel4": tabel4, "tabel5": tabel5, "tabel6": tabel6,
    "lampiran": lampiran, "tc30": tc30, "tc32": tc32,
}
