"""Impor SIPD as a command: the SIPD-RI print read from its file, then written into the Usulan SIPD sheet."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from renja_xl.domain.errors import WorkbookError
from renja_xl.domain.fmt import angka, rupiah
from renja_xl.sipd.usulan import SipdError, SipdImport, SipdPrint, import_print, parse_print
from renja_xl.workbook.grid import Grid


@dataclass
class SipdOutcome:
    source: Path
    printed: SipdPrint
    result: SipdImport
    saved_to: Path | None = None
    backup: Path | None = None

    def summary(self) -> str:
        return (f"{angka(len(self.printed.leaves))} usulan sub kegiatan ({rupiah(self.result.total)}) ditulis ke sheet "
                f"'Usulan SIPD'")


def read_print(path: Path) -> SipdPrint:
    """The print as people save it: CSV (UTF-8 or Windows-1252) or a workbook whose print is on any sheet
    (usually the first: the first sheet that has the SIPD header is taken). A message names the file."""
    if not path.exists():
        raise WorkbookError(f"berkas '{path}' tidak ditemukan.")
    try:
        return _read_print(path)
    except SipdError as exc:  # the print's own message names rows, not the file
        if path.name in str(exc):
            raise
        raise SipdError(f"berkas '{path.name}': {exc}") from exc


def _read_print(path: Path) -> SipdPrint:
    if path.suffix.lower() in (".csv", ".txt"):
        from renja_xl.fileio.csv_text import read_csv_file  # bounded, UTF-8 or Windows-1252, else a message

        return parse_print(read_csv_file(path))
    from renja_xl.engines.calamine_engine import CalamineBook

    source = CalamineBook(path)
    names = source.sheet_names()
    for name in names:
        try:
            return parse_print(source.read(name))
        except SipdError:
            if name == names[-1]:
                raise
    return parse_print([])  # a workbook without sheets: the print's own message


def import_into(grid: Grid, source: Path, printed: SipdPrint | None = None) -> SipdOutcome:
    """Write a print into the Usulan SIPD sheet of the workbook behind a grid (the Excel button)."""
    printed = printed or read_print(source)
    return SipdOutcome(source, printed, import_print(grid, printed))


def import_sipd_file(source: Path, workbook: Path) -> SipdOutcome:
    """Read the print, write it into the workbook file (atomically, with a backup)."""
    from renja_xl.engines.package_engine import PackageBook

    printed = read_print(source)
    book = PackageBook(workbook)
    outcome = import_into(book, source, printed)
    outcome.backup = book.save(workbook)
    outcome.saved_to = workbook
    return outcome
