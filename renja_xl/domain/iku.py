"""Capaian IKU: tingkat kemajuan per indicator, the average per sasaran and the mean of those averages.

Positive indicator: realisasi / target x 100. Negative (lower is better):
target / realisasi x 100. Predicate (AA, A, BB, B, CC, C, D): 100 when the
predicate is met, else the ratio of the predicates' ranks. Each value is
rounded half-up to 2 decimals, as the printed table and the Excel formulas do.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from renja_xl.domain.cells import column_letter
from renja_xl.domain.formula import Formula
from renja_xl.domain.layout import FIRST_DATA_ROW, PREDIKAT, SheetSpec, list_ranges
from renja_xl.domain.money import round_half_up

ROW_IKU = "IKU"
ROW_AVERAGE = "Rerata Sasaran"
ROW_TOTAL = "Total Rerata"
AVERAGE_LABEL = "RERATA CAPAIAN KINERJA SS {no}"
TOTAL_LABEL = "TOTAL RERATA CAPAIAN KINERJA"


@dataclass
class IkuRow:
    cells: list[Any]
    source_row: int | None
    no_sasaran: str
    sasaran: str
    target: Decimal | str | None
    realisasi: Decimal | str | None
    polaritas: str
    kemajuan: Decimal | None = None


@dataclass
class SasaranGroup:
    no: str
    sasaran: str
    rows: list[IkuRow] = field(default_factory=list)
    rerata: Decimal | None = None


@dataclass
class IkuTable:
    spec: SheetSpec
    groups: list[SasaranGroup]
    total: Decimal | None = None

    @property
    def rows(self) -> list[IkuRow]:
        return [r for g in self.groups for r in g.rows]


def effective_polarity(polaritas: str, target: Any) -> str:
    p = (polaritas or "").strip().capitalize()
    if p in ("Positif", "Negatif", "Predikat"):
        return p
    if isinstance(target, str) and target.strip().upper() in PREDIKAT:
        return "Predikat"
    return "Positif"


def kemajuan(polaritas: str, target: Decimal | str | None, realisasi: Decimal | str | None) -> Decimal | None:
    if target is None or realisasi is None:
        return None
    kind = effective_polarity(polaritas, target)
    if kind == "Predikat":
        t, r = str(target).strip().upper(), str(realisasi).strip().upper()
        if t not in PREDIKAT or r not in PREDIKAT:
            return None
        rt, rr = PREDIKAT.index(t) + 1, PREDIKAT.index(r) + 1
        return Decimal(100) if rr >= rt else round_half_up(Decimal(rr) / Decimal(rt) * 100)
    if not isinstance(target, Decimal) or not isinstance(realisasi, Decimal):
        return None
    if kind == "Negatif":
        return None if realisasi == 0 else round_half_up(target / realisasi * 100)
    return None if target == 0 else round_half_up(realisasi / target * 100)


def mean(values: list[Decimal | None]) -> Decimal | None:
    present = [v for v in values if v is not None]
    return round_half_up(sum(present, Decimal(0)) / len(present)) if present else None


def build(spec: SheetSpec, rows: list[IkuRow]) -> IkuTable:
    """Group IKU rows by sasaran (in order of first appearance) and compute every value."""
    groups: dict[str, SasaranGroup] = {}
    for r in rows:
        g = groups.get(r.no_sasaran)
        if g is None:
            g = groups[r.no_sasaran] = SasaranGroup(r.no_sasaran, r.sasaran)
        g.rows.append(r)
        r.kemajuan = kemajuan(r.polaritas, r.target, r.realisasi)
    for g in groups.values():
        g.rerata = mean([r.kemajuan for r in g.rows])
    table = IkuTable(spec, list(groups.values()))
    table.total = mean([g.rerata for g in table.groups])
    return table


def layout_rows(table: IkuTable) -> list[tuple[str, IkuRow | SasaranGroup | None]]:
    """The printed order: each group's IKU rows, its average row; the total row last."""
    out: list[tuple[str, IkuRow | SasaranGroup | None]] = []
    for g in table.groups:
        out += [(ROW_IKU, r) for r in g.rows]
        out.append((ROW_AVERAGE, g))
    if table.groups:
        out.append((ROW_TOTAL, None))
    return out


def block(table: IkuTable, width: int) -> list[list[Any]]:
    """The sheet block: IKU rows verbatim plus owned formulas, average and total rows."""
    spec = table.spec
    col = {c.key: column_letter(i + 1) for i, c in enumerate(spec.columns)}
    kem, baris = spec.col("kemajuan"), spec.col("baris")
    pred = list_ranges()["predikat"]
    ranks = f"'Daftar Pilihan'!${pred.column}${pred.first}:${pred.column}${pred.last}"
    out: list[list[Any]] = []
    group_start = FIRST_DATA_ROW
    average_rows: list[int] = []
    for kind, item in layout_rows(table):
        r = FIRST_DATA_ROW + len(out)
        if kind == ROW_IKU:
            cells = list(item.cells) + [None] * (width - len(item.cells))
            t, x, p = f"{col['target']}{r}", f"{col['realisasi']}{r}", f"TRIM({col['polaritas']}{r})"
            rank_t, rank_x = f"MATCH(TRIM({t}),{ranks},0)", f"MATCH(TRIM({x}),{ranks},0)"
            # The same decisions as kemajuan(): polarity and predicates read trimmed (and, as in Excel, without
            # regard to case); an unknown polarity with a predicate target is a predicate indicator; numbers
            # typed as text are not numbers. IFERROR: where Python has no value (target 0, text, an unknown
            # predicate) the cell is empty, not #DIV/0!/#VALUE!/#N/A, so the averages skip it as Python's mean does.
            cells[kem] = Formula(
                f'=IFERROR(IF(OR({t}="",{x}=""),"",IF(OR({p}="Predikat",AND({p}<>"Positif",{p}<>"Negatif",'
                f"ISNUMBER({rank_t}))),IF({rank_x}>={rank_t},100,ROUND({rank_x}/{rank_t}*100,2)),"
                f'IF(AND(ISNUMBER({t}),ISNUMBER({x})),'
                f'IF({p}="Negatif",ROUND({t}/{x}*100,2),ROUND({x}/{t}*100,2)),""))),"")',
                _shown(item.kemajuan))
            cells[baris] = ROW_IKU
        elif kind == ROW_AVERAGE:
            cells = [None] * width
            cells[spec.col("sasaran")] = AVERAGE_LABEL.format(no=item.no)
            k = col["kemajuan"]
            cells[kem] = Formula(f'=IFERROR(ROUND(AVERAGE({k}{group_start}:{k}{r - 1}),2),"")', _shown(item.rerata))
            cells[baris] = ROW_AVERAGE
            average_rows.append(r)
            group_start = r + 1
        else:
            cells = [None] * width
            cells[spec.col("sasaran")] = TOTAL_LABEL
            k = col["kemajuan"]
            refs = ",".join(f"{k}{a}" for a in average_rows)
            cells[kem] = Formula(f'=IFERROR(ROUND(AVERAGE({refs}),2),"")', _shown(table.total))
            cells[baris] = ROW_TOTAL
        out.append(cells)
    return out


def _shown(value: Decimal | None) -> Decimal | str:
    """The cell's result: the figure, or '' where the formula's IFERROR/IF leaves the cell empty."""
    return "" if value is None else value
