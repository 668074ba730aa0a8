"""The code hierarchy of a table: missing parents, order, numbering, totals and their formulas.

Pure Python on plain rows. A table is a list of rows, each with a code; rows
that share a code are one node (a program listing several indicators). The
rows are sorted by code, so a parent's descendants follow it contiguously and
its total is one SUBTOTAL over that contiguous range — linear in the rows, and
SUBTOTAL ignores the nested SUBTOTALs of the kegiatan inside a program.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Callable

from .cells import column_letter
from .kode import Kode, Level
from .layout import FIRST_DATA_ROW, SheetSpec
from .money import round_half_up


@dataclass
class HierRow:
    """One row of a hierarchical table.

    `cells` holds the row as read (inputs verbatim, extra columns beyond the
    layout carried along); `amounts` the money inputs parsed to Decimal.
    """

    kode: Kode
    cells: list[Any]
    source_row: int | None = None  # the sheet row it was read from; None when recalc inserts it
    amounts: dict[str, Decimal | None] = field(default_factory=dict)
    inserted: bool = False
    # filled by build():
    is_first: bool = True
    no: str = ""
    totals: dict[str, Decimal] = field(default_factory=dict)
    subtree: tuple[int, int] | None = None  # 0-based index range of descendants (parents only)
    persen: Decimal | None = None

    @property
    def level(self) -> Level:
        return self.kode.level

    @property
    def is_leaf(self) -> bool:
        return self.kode.level == Level.SUB_KEGIATAN


@dataclass
class HierTable:
    spec: SheetSpec
    rows: list[HierRow]

    def value(self, row: HierRow, key: str) -> Any:
        return row.cells[self.spec.col(key)]

    def text(self, row: HierRow, key: str) -> str:
        v = row.cells[self.spec.col(key)]
        return "" if v is None else str(v).strip()

    def money(self, row: HierRow, key: str) -> Decimal:
        """The money of a column at a row: the total for a parent, the typed amount for a sub kegiatan."""
        if key in row.totals:
            return row.totals[key]
        return row.amounts.get(key) or Decimal(0)

    def nodes(self, level: Level) -> list[HierRow]:
        """First row of each node of a level, in order."""
        return [r for r in self.rows if r.is_first and r.level == level]

    def children(self, parent: HierRow, level: Level | None = None) -> list[HierRow]:
        if parent.subtree is None:
            return []
        a, b = parent.subtree
        want = level or Level(min(parent.level + 1, Level.SUB_KEGIATAN))
        return [r for r in self.rows[a:b + 1] if r.is_first and r.level == want]


def summed_columns(spec: SheetSpec) -> dict[str, str]:
    """Total column -> the input column summed at the sub kegiatan rows."""
    out = {}
    for c in spec.columns:
        if c.role == "jumlah":
            out[c.key] = c.key
        elif c.role == "total":
            out[c.key] = c.source[0]
    return out


def build(spec: SheetSpec, rows: list[HierRow], name_of: Callable[[Kode], str],
          top_level: Level = Level.BIDANG) -> list[HierRow]:
    """Insert missing parents (down from `top_level`), sort by code, number, total. Returns the new row list."""
    width = len(rows[0].cells) if rows else len(spec.columns)
    present = {r.kode for r in rows}
    inserted: list[HierRow] = []
    for r in rows:
        for anc in r.kode.ancestors():
            if anc.level >= top_level and anc not in present:
                present.add(anc)
                cells: list[Any] = [None] * width
                cells[spec.col("kode")] = anc.text
                cells[spec.col("uraian")] = name_of(anc) or None
                inserted.append(HierRow(anc, cells, None, {}, inserted=True))
    order = {id(r): i for i, r in enumerate(rows)}
    ordered = sorted(inserted + rows, key=lambda r: (r.kode.sort_key, order.get(id(r), -1)))
    _mark_nodes(ordered)
    _number(ordered)
    _totals(spec, ordered)
    return ordered


def _mark_nodes(rows: list[HierRow]) -> None:
    """First row of each code; subtree ranges of parents (after their own indicator rows)."""
    stack: list[HierRow] = []  # first rows of open parents
    last_of: dict[int, int] = {}
    prev: Kode | None = None
    for i, r in enumerate(rows):
        r.is_first = r.kode != prev
        prev = r.kode
        if not r.is_first:
            continue
        while stack and not _is_descendant(r.kode, stack[-1].kode):
            _close(stack.pop(), i - 1, last_of)
        if not r.is_leaf:
            stack.append(r)
        last_of[id(r)] = i
    for r in stack:
        _close(r, len(rows) - 1, last_of)
    # own indicator rows of a parent sit between its first row and its first descendant
    for i, r in enumerate(rows):
        if r.is_first and not r.is_leaf and r.subtree is not None:
            start = i + 1
            while start < len(rows) and rows[start].kode == r.kode:
                start += 1
            end = r.subtree[1]
            r.subtree = (start, end) if start <= end else None


def _close(parent: HierRow, end: int, last_of: dict[int, int]) -> None:
    parent.subtree = (last_of[id(parent)], end)


def _is_descendant(child: Kode, parent: Kode) -> bool:
    n = len(parent.segments)
    return len(child.segments) > n and child.segments[:n] == parent.segments


_ROMAN = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
          (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]


def roman(n: int) -> str:
    out = ""
    for value, sym in _ROMAN:
        while n >= value:
            out += sym
            n -= value
    return out


def letters(n: int) -> str:
    """1 -> A, 26 -> Z, 27 -> AA (as Excel columns)."""
    return column_letter(n)


def _number(rows: list[HierRow]) -> None:
    counters: dict[tuple[Kode | None, Level], int] = {}
    for r in rows:
        r.no = ""
        if not r.is_first or r.level < Level.PROGRAM:
            continue
        key = (r.kode.parent, r.level)
        counters[key] = counters.get(key, 0) + 1
        n = counters[key]
        r.no = {Level.PROGRAM: roman, Level.KEGIATAN: letters}.get(r.level, str)(n)


def _totals(spec: SheetSpec, rows: list[HierRow]) -> None:
    """Decimal totals of every parent from its sub kegiatan rows; % realisasi where the table has one."""
    summed = summed_columns(spec)
    for r in rows:
        r.totals = {}
    stack: list[HierRow] = []
    for r in rows:
        if r.is_first:
            while stack and not _is_descendant(r.kode, stack[-1].kode):
                stack.pop()
        if r.is_leaf:
            for total_key, source_key in summed.items():
                amount = r.amounts.get(source_key) or Decimal(0)
                r.totals[total_key] = amount
                for parent in stack:
                    parent.totals[total_key] = parent.totals.get(total_key, Decimal(0)) + amount
        elif r.is_first:
            for total_key in summed:
                r.totals[total_key] = Decimal(0)
            stack.append(r)
    persen = next((c for c in spec.columns if c.role == "persen"), None)
    if persen:
        base_key, part_key = persen.source
        for r in rows:
            base = r.totals.get(base_key) if r.is_first else None
            part = r.totals.get(part_key)
            blank_part = r.is_leaf and r.amounts.get(part_key) is None
            r.persen = None if not base or blank_part else round_half_up(part / base * 100)


def owned_cells(spec: SheetSpec, rows: list[HierRow]) -> list[dict[int, Any]]:
    """For each row, the value (or live formula) of every cell recalc owns, by 0-based column."""
    letter = {c.key: column_letter(i + 1) for i, c in enumerate(spec.columns)}
    out = []
    for i, r in enumerate(rows):
        sheet_row = FIRST_DATA_ROW + i
        cells: dict[int, Any] = {}
        for j, c in enumerate(spec.columns):
            if c.role == "no":
                cells[j] = r.no or None
            elif c.role == "tingkat":
                cells[j] = r.level.label
            elif c.role in ("jumlah", "total"):
                if r.is_leaf:
                    if c.role == "total":
                        cells[j] = f"={letter[c.source[0]]}{sheet_row}"
                    continue  # a sub kegiatan's money is the user's input
                cells[j] = _subtotal(letter[c.key], r) if r.is_first else None
            elif c.role == "persen":
                base, part = (letter[k] for k in c.source)
                cells[j] = (f'=IF(OR(N({base}{sheet_row})=0,{part}{sheet_row}=""),"",'
                            f"ROUND({part}{sheet_row}/{base}{sheet_row}*100,2))") if r.is_first else None
        out.append(cells)
    return out


def _subtotal(col: str, r: HierRow) -> Any:
    if r.subtree is None:
        return 0
    a, b = r.subtree
    return f"=SUBTOTAL(9,{col}{FIRST_DATA_ROW + a}:{col}{FIRST_DATA_ROW + b})"
