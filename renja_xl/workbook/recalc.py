"""Hitung Ulang: structure, numbering and live formulas written back through any Grid.

Only cells the toolkit owns change. When the rows are already in order, only
the owned columns are written (one block per run of adjacent owned columns);
when rows must move — a parent inserted, rows out of code order, blank rows
dropped — the table is written as one block, with every typed cell moved
verbatim and nothing typed altered.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from renja_xl.domain import iku
from renja_xl.domain.cells import cell_ref
from renja_xl.domain.errors import InputErrors
from renja_xl.domain.findings import Finding, Severity, declare, has_errors
from renja_xl.domain.fmt import rupiah
from renja_xl.domain.formula import Formula, is_formula, same_result
from renja_xl.domain.hierarchy import HierTable, agency_total_cells, owned_cells
from renja_xl.domain.kode import Level
from renja_xl.domain.layout import (FIRST_DATA_ROW, HEADER_ROW, NOTE_ROW, OWNED_ROLES, YEAR_SHEETS, SheetSpec,
                                   row_heights, sheet, year_header)
from renja_xl.domain.money import NumberError, to_decimal
from renja_xl.workbook.grid import Grid, SetsRowHeights
from renja_xl.support.memory import paused_gc
from renja_xl.domain.model import Renja
from renja_xl.workbook.reader import read_renja

# A warning (issue 12, item 15): the typed figure disappears from the sheet (the backup keeps it)
UANG_RUMUS_DITIMPA = declare("uang.rumus_ditimpa", Severity.WARNING,
                             "Angka yang diketik di sel subtotal induk diganti rumus (Hitung Ulang)")


@dataclass
class RecalcReport:
    renja: Renja
    writes: int = 0
    inserted: dict[str, int] = field(default_factory=dict)
    restructured: list[str] = field(default_factory=list)
    notes: list[Finding] = field(default_factory=list)


PLAIN_TABLES = ("tabel3", "tc30", "tc32", "tabel5")


def recalc(grid: Grid) -> RecalcReport:
    # with a large workbook loaded, each full collection would walk millions of the engine's objects
    with paused_gc():
        return _recalc(grid)


def _recalc(grid: Grid) -> RecalcReport:
    renja = read_renja(grid)
    if has_errors(renja.findings):
        raise InputErrors(renja.findings)
    report = RecalcReport(renja, notes=list(renja.findings))
    for table in renja.hierarchy_tables():
        spec = table.spec
        new_rows = _hier_block(table)
        report.inserted[spec.name] = sum(1 for r in table.rows if r.inserted)
        _note_typed_totals(table, report)
        _sync(grid, spec, renja.blocks[spec.key], new_rows, report, [r.source_row for r in table.rows])
        set_printed_heights(grid, spec, new_rows, len(renja.blocks[spec.key]))
        if spec.agency_totals:
            _agency_totals(grid, table, renja.blocks[spec.key], report)
    spec2 = sheet("tabel2")
    width2 = max([len(spec2.columns)] + [len(r) for r in renja.blocks["tabel2"][FIRST_DATA_ROW - 1:]])
    sources2 = [item.source_row if kind == iku.ROW_IKU else None for kind, item in iku.layout_rows(renja.tabel2)]
    _sync(grid, spec2, renja.blocks["tabel2"], iku.block(renja.tabel2, width2), report, sources2)
    for key in PLAIN_TABLES:  # rows recalc does not write, but whose wrapped text must not overprint when printed
        if key in renja.blocks:
            block = renja.blocks[key]
            set_printed_heights(grid, sheet(key), block[FIRST_DATA_ROW - 1:], len(block))
    _year_headers(grid, renja, report)
    return report


def _hier_block(table: HierTable) -> list[list[Any]]:
    width = max([len(table.spec.columns)] + [len(r.cells) for r in table.rows])
    out = []
    for r, owned in zip(table.rows, owned_cells(table.spec, table.rows)):
        cells = list(r.cells) + [None] * (width - len(r.cells))
        for j, v in owned.items():
            cells[j] = v
        out.append(cells)
    return out


def set_printed_heights(grid: Grid, spec: SheetSpec, rows: list[list[Any]], old_length: int) -> None:
    """Printed heights for the rows of a table written from the first data row, where they wrap (an engine that
    can set them); rows left over below the table (`old_length`: the sheet's rows as read) go back to the
    default. Heights alone do not count as a write: a file recalc leaves unchanged is not saved (a file
    LibreOffice saved keeps LibreOffice's own heights)."""
    if not isinstance(grid, SetsRowHeights):
        return
    marker = spec.col("tingkat") if spec.has("tingkat") else None  # parent rows print bold (conditional format)
    leaf = Level.SUB_KEGIATAN.label

    def heights() -> list[float | None]:  # 0.65 s at 100k rows: the package writer asks only if it writes the sheet
        bold = None if marker is None else [r[marker] != leaf for r in rows]
        return (row_heights(spec.columns, rows, bold)
                + [None] * max(0, old_length - (FIRST_DATA_ROW - 1) - len(rows)))
    grid.set_row_heights(spec.name, FIRST_DATA_ROW, heights)


def _agency_totals(grid: Grid, table: HierTable, block: list[list[Any]], report: RecalcReport) -> None:
    """Row 2's totals written with the values Python computed (a reader that does not recompute shows them),
    one block per run of adjacent summed columns, only where the sheet holds something else."""
    spec = table.spec
    line = block[NOTE_ROW - 1] if len(block) >= NOTE_ROW else []
    cells = agency_total_cells(table)
    values_only = not grid.reads_formulas  # Excel's remote runtimes: a formula reads as its value

    def same(j: int, v: Formula) -> bool:
        old = line[j] if j < len(line) else None
        return _same(old, v) or (values_only and not isinstance(old, str) and same_result(old, v.value))

    for first, last in _runs(sorted(cells)):
        new = [cells[j] for j in range(first, last + 1)]
        if not all(same(j, v) for j, v in zip(range(first, last + 1), new)):
            grid.write(spec.name, NOTE_ROW, first + 1, [new])
            report.writes += 1


def _owned_columns(spec: SheetSpec) -> list[int]:
    return [j for j, c in enumerate(spec.columns) if c.role in OWNED_ROLES or c.role == "jumlah"]


def _same(a: Any, b: Any) -> bool:
    return (None if a == "" else a) == (None if b == "" else b)


def _sync(grid: Grid, spec: SheetSpec, block: list[list[Any]], new: list[list[Any]], report: RecalcReport,
          sources: list[int | None]) -> None:
    old = block[FIRST_DATA_ROW - 1:]  # the rows themselves, not copies: a 100k-row table is 100k lists
    while old and all(v is None or v == "" for v in old[-1]):
        old.pop()
    width = max([len(spec.columns)] + [len(r) for r in new] + [len(r) for r in old])
    for r in old:  # padded in place with empty cells (what a shorter row means anyway)
        if len(r) < width:
            r.extend([None] * (width - len(r)))
    for r in new:
        if len(r) < width:
            r.extend([None] * (width - len(r)))
    owned = set(_owned_columns(spec))
    inputs = [j for j in range(width) if j not in owned]
    # rows compared whole first (in C); only the rows that differ are looked at cell by cell
    differ = [i for i, (o, n) in enumerate(zip(old, new)) if o != n]
    in_place = len(old) == len(new) and all(_same(old[i][j], new[i][j]) for i in differ for j in inputs)
    if not in_place:
        report.restructured.append(spec.name)
        moved = getattr(grid, "moved_rows", None)
        if moved is not None and new:
            # an engine that can move a row's own XML (the package writer) keeps its typed cells byte for byte
            moved(spec.name, FIRST_DATA_ROW, sources)
        if new:
            grid.write(spec.name, FIRST_DATA_ROW, 1, new)
            report.writes += 1
        if len(old) > len(new):
            grid.clear(spec.name, FIRST_DATA_ROW + len(new), 1, len(old) - len(new), width)
            report.writes += 1
        return
    for first, last in _runs(sorted(owned)):
        if any(not _same(old[i][j], new[i][j]) for i in differ for j in range(first, last + 1)):
            grid.write(spec.name, FIRST_DATA_ROW, first + 1, [n[first:last + 1] for n in new])
            report.writes += 1


def _runs(columns: list[int]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for c in columns:
        if runs and runs[-1][1] == c - 1:
            runs[-1] = (runs[-1][0], c)
        else:
            runs.append((c, c))
    return runs


def _note_typed_totals(table: HierTable, report: RecalcReport) -> None:
    """Warn when a parent's total held a typed value that the live formula now replaces: the typed and the
    computed figure, so the user sees what changed."""
    for r in table.rows:
        for j, c, v in table.stored_totals(r):
            if v is not None and v != "" and not is_formula(v):
                try:
                    typed = rupiah(to_decimal(v))
                except NumberError:
                    typed = f"'{v}'"
                computed = r.totals.get(c.key) if r.totals else None
                report.notes.append(UANG_RUMUS_DITIMPA(
                    table.spec.name, cell_ref(r.source_row, j + 1), r.kode.text,
                    f"{c.header} {r.level.label.lower()} {r.kode.text} berisi angka ketikan {typed}; diganti rumus "
                    f"subtotal = {rupiah(computed)} (jumlah baris di bawahnya). Angka ketikan tetap ada di berkas "
                    "cadangan; ketik uang di baris sub kegiatan saja."))


def _year_headers(grid: Grid, renja: Renja, report: RecalcReport) -> None:
    """Tabel 3's headers carry the three evaluated years (n-2, n-1, n)."""
    year = renja.identitas.get("tahun_evaluasi")
    if not year:
        return
    spec = sheet("tabel3")
    first = spec.col("target_1")
    headers = []
    for k in range(3):
        headers += [f"T {year - 2 + k}", f"R {year - 2 + k}"]
    current = renja.blocks["tabel3"][HEADER_ROW - 1][first:first + 6] if len(renja.blocks["tabel3"]) >= HEADER_ROW else []
    if list(current) != headers:
        grid.write(spec.name, HEADER_ROW, first + 1, [headers])
        report.writes += 1
    _plan_year_headers(grid, renja, report)


def _plan_year_headers(grid: Grid, renja: Renja, report: RecalcReport) -> None:
    """Tabel 1's and Tabel 6's headers name the years of the plan (n-3 ... n+1), one block per run of such
    columns."""
    plan = renja.identitas.get("tahun_rencana")
    if not plan:
        return
    for key in YEAR_SHEETS:
        if key not in renja.blocks:
            continue  # a form the workbook was made without (T-C.30 in an older file)
        spec = sheet(key)
        block = renja.header(key)
        years = [j for j, c in enumerate(spec.columns) if c.year is not None]
        for first, last in _runs(years):
            headers = [year_header(c, plan) for c in spec.columns[first:last + 1]]
            if [block[j] if j < len(block) else None for j in range(first, last + 1)] != headers:
                grid.write(spec.name, HEADER_ROW, first + 1, [headers])
                report.writes += 1
