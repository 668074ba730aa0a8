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
from operator import attrgetter
from typing import Any, Callable, Iterator

from renja_xl.domain.cells import column_letter
from renja_xl.domain.formula import Formula
from renja_xl.domain.kode import Kode, Level
from renja_xl.domain.layout import FIRST_DATA_ROW, MONEY_FORMAT, Column, SheetSpec, agency_total_formula, summed_keys
from renja_xl.domain.money import round_half_up


@dataclass(slots=True)
class HierRow:
    """One row of a hierarchical table.

    `cells` holds the row as read (inputs verbatim, extra columns beyond the
    layout carried along); `amounts` the money inputs parsed to Decimal, only
    those that hold a number (an empty cell has no key: `amounts.get(key)`).
    """

    kode: Kode
    cells: list[Any]
    source_row: int | None = None  # the sheet row it was read from; None when recalc inserts it
    amounts: dict[str, Decimal | None] = field(default_factory=dict)
    inserted: bool = False
    # filled by build():
    is_first: bool = True
    no: str = ""
    # build(): a parent's totals; None for a sub kegiatan, whose money is its amounts (no dict per leaf)
    totals: dict[str, Decimal] | None = None
    subtree: tuple[int, int] | None = None  # 0-based index range of descendants (parents only)
    persen: Decimal | None = None  # the first % column of the table (Tabel 1: realisasi Rp)
    percents: dict[str, Decimal | None] | None = None  # the table's further % columns, by key (None: none)

    @property
    def level(self) -> Level:
        return self.kode.level

    @property
    def is_leaf(self) -> bool:
        return self.kode.level is Level.SUB_KEGIATAN


@dataclass
class HierTable:
    spec: SheetSpec
    rows: list[HierRow]
    _summed: dict[str, str] = field(init=False, repr=False, compare=False)
    _multi: dict[str, tuple[str, ...]] = field(init=False, repr=False, compare=False)
    _first_percent: str | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._summed = summed_columns(self.spec)
        self._multi = multi_source_totals(self.spec)
        self._first_percent = next((c.key for c in self.spec.columns if c.role == "persen"), None)

    def value(self, row: HierRow, key: str) -> Any:
        return row.cells[self.spec.col(key)]

    def text(self, row: HierRow, key: str) -> str:
        v = row.cells[self.spec.col(key)]
        return "" if v is None else str(v).strip()

    def money(self, row: HierRow, key: str) -> Decimal:
        """The money of a column at a row: the total for a parent, the typed amount for a sub kegiatan (for a
        total column: the input it sums)."""
        if row.totals is not None and key in row.totals:
            return row.totals[key]
        if row.totals is None:
            if key in self._multi:
                return leaf_sum(row.amounts, self._multi[key])
            key = self._summed.get(key, key)
        return row.amounts.get(key) or Decimal(0)

    def shown(self, row: HierRow, key: str) -> Decimal | None:
        """A summed column's cell as its formula shows it: money(), except a sub kegiatan's multi-source total
        when none of its sources is typed (an empty cell)."""
        if row.totals is None and key in self._multi:
            return typed_sum(row.amounts, self._multi[key])
        return self.money(row, key)

    def percent(self, row: HierRow, key: str) -> Decimal | None:
        """The value of a % column at a row (as its live formula computes it)."""
        if self._first_percent == key:
            return row.persen
        return row.percents.get(key) if row.percents else None

    def stored_totals(self, row: HierRow) -> list[tuple[int, Column, Any]]:
        """A typed parent row's summed cells as the sheet held them when read: (0-based column, column, value).

        The value is a formula's text (an engine that reads formulas), a number (the result Excel stored, or a
        number typed over the formula) or None; recalc, the Excel button and the stored-subtotal rule compare it
        with the computed total.
        """
        if row.source_row is None or row.is_leaf or not row.is_first:
            return []
        cells = row.cells
        return [(j, c, cells[j] if j < len(cells) else None)
                for j, c in enumerate(self.spec.columns) if c.key in self._summed]

    def nodes(self, level: Level) -> list[HierRow]:
        """First row of each node of a level, in order."""
        return [r for r in self.rows if r.is_first and r.level == level]

    def children(self, parent: HierRow, level: Level | None = None) -> list[HierRow]:
        if parent.subtree is None:
            return []
        a, b = parent.subtree
        want = level or Level(min(parent.level + 1, Level.SUB_KEGIATAN))
        return [r for r in self.rows[a:b + 1] if r.is_first and r.level == want]


def multi_source_totals(spec: SheetSpec) -> dict[str, tuple[str, ...]]:
    """Total columns that add several money columns at a sub kegiatan (Tabel 1's perkiraan realisasi)."""
    return {c.key: c.source for c in spec.columns if c.role == "total" and len(c.source) > 1}


def leaf_sum(amounts: dict[str, Decimal | None], sources: tuple[str, ...]) -> Decimal:
    zero = Decimal(0)
    return sum((amounts.get(k) or zero for k in sources), zero)


def typed_sum(amounts: dict[str, Decimal | None], sources: tuple[str, ...]) -> Decimal | None:
    """A multi-source total as its cell shows it: the sum, or None (an empty cell) when no source is typed (the
    triwulan of an agency that does not report quarterly stay blank, not 0 and 0 %)."""
    if all(amounts.get(k) is None for k in sources):
        return None
    return leaf_sum(amounts, sources)


def summed_columns(spec: SheetSpec) -> dict[str, str]:
    """Total column -> the input column summed at the sub kegiatan rows (the first, for a multi-source total)."""
    out = {}
    for c in spec.columns:
        if c.role == "jumlah":
            out[c.key] = c.key
        elif c.role == "total":
            out[c.key] = c.source[0]
    return out


def total_targets(spec: SheetSpec) -> dict[str, tuple[str, ...]]:
    """Each money input -> the total columns it adds to. A sub kegiatan holds only its filled cells (the reader),
    so it adds those one or two amounts instead of visiting every total column (12 in Tabel 6)."""
    multi = multi_source_totals(spec)
    targets: dict[str, tuple[str, ...]] = {}
    for key, source in summed_columns(spec).items():
        for s in multi.get(key, (source,)):
            targets[s] = targets.get(s, ()) + (key,)
    return targets


def add_to_totals(totals: dict[str, Decimal], amounts: dict[str, Decimal | None],
                  targets: dict[str, tuple[str, ...]]) -> None:
    """A sub kegiatan's filled amounts added to the totals they count in (`targets`: total_targets)."""
    for source, amount in amounts.items():
        if amount is not None:
            for key in targets.get(source, ()):
                totals[key] += amount


def build(spec: SheetSpec, rows: list[HierRow], name_of: Callable[[Kode], str],
          top_level: Level = Level.BIDANG, number: bool = True) -> list[HierRow]:
    """Insert missing parents (down from `top_level`), sort by code, total and (unless `number` is False:
    validation shows no numbers) number. Returns the new row list."""
    width = len(rows[0].cells) if rows else len(spec.columns)
    kode_col, uraian_col = spec.col("kode"), spec.col("uraian")
    present = {r.kode for r in rows}
    inserted: list[HierRow] = []
    for r in rows:
        # up from the direct parent to the first code already present: that one's own row (or the row that
        # inserted it) takes care of the codes above it
        anc = r.kode.parent
        while anc is not None and anc.level >= top_level and anc not in present:
            present.add(anc)
            cells: list[Any] = [None] * width
            cells[kode_col] = anc.text
            cells[uraian_col] = name_of(anc) or None
            inserted.append(HierRow(anc, cells, None, {}, inserted=True))
            anc = anc.parent
    # stable: rows sharing a code (a program's several indicators) keep their order, inserted parents first
    ordered = inserted + rows
    ordered.sort(key=_SORT_KEY)
    _walk(spec, ordered)
    if number:
        _number(ordered)
    return ordered


_SORT_KEY = attrgetter("kode.sort_key")


def _walk(spec: SheetSpec, rows: list[HierRow]) -> None:
    """One pass over the sorted rows: first row of each code, subtree ranges of parents (after their own
    indicator rows) and the Decimal totals of every parent.

    Rows arrive with the defaults of a fresh HierRow (first, no subtree). A sub kegiatan adds its money to the
    innermost open parent only; a parent passes its total on when it closes (`_close`).
    """
    targets = total_targets(spec)
    total_keys = list(summed_columns(spec))
    zero = Decimal(0)
    sub = Level.SUB_KEGIATAN
    # open parents, innermost last: [row, its code text + ".", index of its first descendant or None]
    stack: list[list[Any]] = []
    prev: Kode | None = None
    for i, r in enumerate(rows):
        kode = r.kode
        if kode is prev:  # a further indicator row of the same code
            r.is_first = False
            if kode.level is not sub:
                r.totals = {}
                continue
        else:
            prev = kode
            if stack:
                top = stack[-1]
                if top[2] is None:
                    top[2] = i
                if not kode.text.startswith(top[1]):
                    text = kode.text
                    while stack and not text.startswith(stack[-1][1]):
                        _close(stack, i - 1)
            if kode.level is not sub:
                r.totals = dict.fromkeys(total_keys, zero)
                stack.append([r, kode.text + ".", None])
                continue
        if stack:  # a sub kegiatan row (a repeated one too) adds its money to the innermost open parent
            add_to_totals(stack[-1][0].totals, r.amounts, targets)
    while stack:
        _close(stack, len(rows) - 1)
    _persen(spec, rows)


def _number(rows: list[HierRow]) -> None:
    """The No column as the seed prints it: I, II under a bidang, A, B under a program, 1, 2 under a kegiatan."""
    numerals = {Level.PROGRAM: roman, Level.KEGIATAN: letters, Level.SUB_KEGIATAN: str}
    counters: dict[Kode | None, int] = {}
    prev: Kode | None = None
    for r in rows:
        kode = r.kode
        if kode is prev:
            continue
        prev = kode
        if kode.level >= Level.PROGRAM:
            parent = kode.parent
            n = counters[parent] = counters.get(parent, 0) + 1
            r.no = numerals[kode.level](n)


def _close(stack: list[list[Any]], end: int) -> None:
    """The innermost open parent ends at `end`: its subtree is set and its totals pass on to its own parent."""
    row, _, start = stack.pop()
    if start is not None and start <= end:
        row.subtree = (start, end)
    if stack:
        outer = stack[-1][0].totals
        for key, amount in row.totals.items():
            outer[key] += amount


def _persen(spec: SheetSpec, rows: list[HierRow]) -> None:
    """The % columns of each row where the table has them (Tabel 1): of money, from the row's own amounts at a
    sub kegiatan and its totals at a parent; of kinerja, from the row's own two cells when both are numbers."""
    columns = [c for c in spec.columns if c.role == "persen"]
    if not columns:
        return
    summed = summed_columns(spec)
    multi = multi_source_totals(spec)
    money = {c.key for c in spec.columns if c.role in ("jumlah", "total") or c.number_format == MONEY_FORMAT}
    index = {c.key: j for j, c in enumerate(spec.columns)}
    zero = Decimal(0)

    def leaf_money(amounts, key):
        if key in multi:
            return typed_sum(amounts, multi[key])  # empty when none of its sources is typed, as its formula
        return amounts.get(summed.get(key, key))

    for n, c in enumerate(columns):
        base_key, part_key = c.source
        if base_key not in money:
            values = [_kinerja_percent(r, index[base_key], index[part_key]) if r.is_first else None for r in rows]
        else:
            values = []
            for r in rows:
                if r.totals is None:  # a sub kegiatan: its own amounts
                    base = (leaf_money(r.amounts, base_key) or zero) if r.is_first else None
                    part = leaf_money(r.amounts, part_key)
                    if part is None:
                        values.append(None)
                        continue
                else:
                    base = r.totals.get(base_key) if r.is_first else None
                    part = r.totals.get(part_key)
                values.append(None if not base else round_half_up(part / base * 100))
        if n == 0:
            for r, v in zip(rows, values):
                r.persen = v
        else:
            for r, v in zip(rows, values):
                if r.percents is None:
                    r.percents = {}
                r.percents[c.key] = v


def _kinerja_percent(r: HierRow, base_col: int, part_col: int) -> Decimal | None:
    """part / base x 100 of two typed kinerja cells, as =IF(AND(ISNUMBER(part),N(base)<>0),...) computes it."""
    cells = r.cells
    base = _excel_number(cells[base_col]) if base_col < len(cells) else None
    part = _excel_number(cells[part_col]) if part_col < len(cells) else None
    if part is None or not base:
        return None
    return round_half_up(part / base * 100)


def _excel_number(value: Any) -> Decimal | None:
    """A cell Excel's ISNUMBER accepts (an int or float; text, even "5", is not), as an exact Decimal."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return Decimal(value) if isinstance(value, int) else Decimal(repr(value))


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


def owned_cells(spec: SheetSpec, rows: list[HierRow]) -> Iterator[dict[int, Any]]:
    """For each row in turn, the value (or live formula: a `Formula` carrying the figure Python computed for it)
    of every cell recalc owns, by 0-based column (one row's at a time: 100k of them would be held at once)."""
    letter = {c.key: column_letter(i + 1) for i, c in enumerate(spec.columns)}
    index = {c.key: i for i, c in enumerate(spec.columns)}
    money = {c.key for c in spec.columns if c.role in ("jumlah", "total") or c.number_format == MONEY_FORMAT}
    first_percent = next((c.key for c in spec.columns if c.role == "persen"), None)
    # The owned columns of a sub kegiatan row and of a parent row, worked out once (a 100k-row table would
    # otherwise ask every row for the role of each of its 32 columns): a sub kegiatan's money is its input.
    plan = [(j, c) for j, c in enumerate(spec.columns) if c.role in ("no", "tingkat", "jumlah", "total", "persen")]
    leaf_plan = [(j, c) for j, c in plan if c.role != "jumlah"]
    sub = Level.SUB_KEGIATAN
    for i, r in enumerate(rows):
        sheet_row = FIRST_DATA_ROW + i
        cells: dict[int, Any] = {}
        leaf = r.kode.level is sub
        for j, c in (leaf_plan if leaf else plan):
            role = c.role
            if role == "no":
                cells[j] = r.no or None
            elif role == "tingkat":
                cells[j] = r.level.label
            elif role == "persen":
                base, part = (letter[k] for k in c.source)
                if not r.is_first:
                    cells[j] = None
                    continue
                value = r.persen if c.key == first_percent else (r.percents or {}).get(c.key)
                value = "" if value is None else value
                if c.source[0] in money:
                    cells[j] = Formula(f'=IF(OR(N({base}{sheet_row})=0,{part}{sheet_row}=""),"",'
                                       f"ROUND({part}{sheet_row}/{base}{sheet_row}*100,2))", value)
                else:  # kinerja: a target such as "BB" is text, and gives no %
                    cells[j] = Formula(f'=IF(AND(ISNUMBER({part}{sheet_row}),N({base}{sheet_row})<>0),'
                                       f'ROUND({part}{sheet_row}/{base}{sheet_row}*100,2),"")', value)
            elif not leaf:  # a parent's money: its SUBTOTAL (a further indicator row of it: empty)
                cells[j] = _subtotal(letter[c.key], r, c.key) if r.is_first else None
            elif len(c.source) == 1:  # a sub kegiatan's total column: its own input
                source = c.source[0]
                cells[j] = Formula(f"={letter[source]}{sheet_row}", _reference_value(r, source, index[source]))
            else:  # SUM ignores text and empty cells, as leaf_sum does; none typed: an empty cell
                refs = ",".join(f"{letter[k]}{sheet_row}" for k in c.source)
                total = typed_sum(r.amounts, c.source)
                cells[j] = Formula(f'=IF(COUNT({refs})=0,"",SUM({refs}))', "" if total is None else total)
        yield cells


def agency_totals(table: HierTable) -> dict[str, Decimal]:
    """The agency's total of each summed column, as row 2's SUBTOTAL over the whole column computes it: the
    sub kegiatan rows' own money (the parents' SUBTOTALs are skipped)."""
    out = dict.fromkeys(summed_keys(table.spec), Decimal(0))
    targets = total_targets(table.spec)
    for r in table.rows:
        if r.totals is None:
            add_to_totals(out, r.amounts, targets)
    return out


def agency_total_cells(table: HierTable) -> dict[int, Formula]:
    """Row 2 of a sheet with agency totals: 0-based column -> its SUBTOTAL with the value Python computed."""
    spec = table.spec
    return {spec.col(k): Formula(agency_total_formula(column_letter(spec.col(k) + 1)), v)
            for k, v in agency_totals(table).items()}


def _reference_value(r: HierRow, key: str, j: int) -> Any:
    """What `=G12` shows: the typed number (exact), 0 for an empty cell, the text itself for a text."""
    amount = r.amounts.get(key)
    raw = r.cells[j] if j < len(r.cells) else None
    if amount is not None and not isinstance(raw, str):
        return amount
    return 0 if raw is None or raw == "" else raw


def _subtotal(col: str, r: HierRow, key: str) -> Any:
    if r.subtree is None:
        return 0
    a, b = r.subtree
    total = r.totals.get(key, Decimal(0)) if r.totals is not None else Decimal(0)
    return Formula(f"=SUBTOTAL(9,{col}{FIRST_DATA_ROW + a}:{col}{FIRST_DATA_ROW + b})", total)
