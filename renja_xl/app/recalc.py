"""Hitung Ulang as a command: on any Grid (the Excel button) or on a file (the command line)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from renja_xl.domain.cells import cell_ref
from renja_xl.domain.findings import Finding
from renja_xl.domain.fmt import angka
from renja_xl.domain.money import NumberError, to_decimal
from renja_xl.workbook.grid import Grid
from renja_xl.workbook.recalc import RecalcReport, UANG_RUMUS_DITIMPA, recalc


@dataclass
class RecalcOutcome:
    report: RecalcReport
    notes: list[Finding] = field(default_factory=list)
    saved_to: Path | None = None
    backup: Path | None = None
    created_folder: Path | None = None  # a missing folder made for -o

    @property
    def changed(self) -> bool:
        return self.report.writes > 0

    @property
    def inserted(self) -> int:
        return sum(self.report.inserted.values())

    def summary(self) -> str:
        """The sentence every front end shows (each adds where the result went)."""
        if not self.changed:
            return "Tidak ada yang perlu diubah; buku kerja sudah mutakhir."
        text = (f"Hitung Ulang selesai: {angka(self.inserted)} baris induk ditambahkan, {angka(self.report.writes)} "
                "blok ditulis.")
        if self.report.restructured:
            text += " Urutan baris diperbarui di: " + ", ".join(self.report.restructured) + "."
        return text


def recalc_grid(grid: Grid) -> RecalcOutcome:
    report = recalc(grid)
    return RecalcOutcome(report, _real_notes(report, grid))


def recalc_file(path: Path, output: Path | None = None) -> RecalcOutcome:
    """Recalc a workbook file; saved (atomically, with a backup) to `output` or in place when anything changed."""
    from renja_xl.engines.package_engine import PackageBook
    from renja_xl.fileio.paths import check_output

    # -o: the same kind as the file (a macro workbook named .xlsx is refused by Excel), checked before any work
    created = check_output(output, (path.suffix.lower(),)) if output is not None else None
    book = PackageBook(path)
    outcome = recalc_grid(book)
    outcome.created_folder = created
    if outcome.changed or output is not None:
        outcome.saved_to = output or path
        outcome.backup = book.save(outcome.saved_to)
    return outcome


def _real_notes(report: RecalcReport, grid: Grid) -> list[Finding]:
    """Without formulas (remote runtimes) a parent's subtotal reads as its value: no 'typed number' note for
    a value that equals the computed subtotal, since nothing is lost when the formula is written."""
    if grid.reads_formulas:
        return report.notes
    same = set()
    for table in report.renja.hierarchy_tables():
        for r in table.rows:
            for j, c, raw in table.stored_totals(r):
                try:
                    value = to_decimal(raw)
                except NumberError:
                    continue
                if value is not None and value == r.totals[c.key]:
                    same.add((table.spec.name, cell_ref(r.source_row, j + 1)))
    return [f for f in report.notes if not (f.rule == UANG_RUMUS_DITIMPA.rule and (f.sheet, f.cell) in same)]
