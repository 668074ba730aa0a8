"""Validasi as a command: every rule, the findings counted, and (when asked) the Validasi sheet written."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from renja_xl.domain.findings import Finding, counts, has_errors
from renja_xl.domain.fmt import angka
from renja_xl.workbook.grid import Grid
from renja_xl.workbook.validation import validate_grid, write_validasi


@dataclass
class ValidateOutcome:
    findings: list[Finding]
    sheet_written: bool = False
    saved_to: Path | None = None
    backup: Path | None = None
    counts: dict[str, int] = field(init=False)

    def __post_init__(self) -> None:
        self.counts = counts(self.findings)

    @property
    def has_errors(self) -> bool:
        return has_errors(self.findings)

    def count_text(self) -> str:
        c = self.counts
        return f"{angka(c['error'])} galat, {angka(c['warning'])} peringatan, {angka(c['info'])} info"


def validate_on_grid(grid: Grid, write_sheet: bool = False) -> ValidateOutcome:
    """Validate the workbook behind a grid; with `write_sheet`, replace its Validasi sheet through the same grid."""
    findings = validate_grid(grid)
    if write_sheet:
        write_validasi(grid, findings)
    return ValidateOutcome(findings, sheet_written=write_sheet)


def validate_file(path: Path, write_sheet: bool = False) -> ValidateOutcome:
    """Validate a file (read with calamine); with `write_sheet`, write the Validasi sheet into it (with a backup)."""
    from renja_xl.engines.calamine_engine import CalamineBook
    from renja_xl.fileio.files import file_stamp

    stamp = file_stamp(path) if write_sheet else None  # the file the findings come from, not a later one
    outcome = ValidateOutcome(validate_grid(CalamineBook(path)))
    if write_sheet:
        from renja_xl.engines.package_engine import PackageBook

        book = PackageBook(path, stamp=stamp)
        write_validasi(book, outcome.findings)
        outcome.backup = book.save(path)
        outcome.sheet_written, outcome.saved_to = True, path
    return outcome
