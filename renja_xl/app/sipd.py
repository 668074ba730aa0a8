"""Impor SIPD as a command: the SIPD-RI print read from its file (which print it is, is found from its rows),
then written into its sheet: the *Semua Usulan* print into Usulan SIPD, the *Renja OPD* print into Tabel 6."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from renja_xl.domain.errors import WorkbookError
from renja_xl.domain.fmt import angka, rupiah
from renja_xl.domain.layout import sheet
from renja_xl.sipd.renja import PaguChoiceError, RenjaImport, RenjaPrint, import_renja_print, is_renja_print, \
    parse_renja_print
from renja_xl.sipd.usulan import SipdError, SipdImport, SipdPrint, import_print, parse_print
from renja_xl.workbook.grid import Grid

Printed = SipdPrint | RenjaPrint


@dataclass
class SipdOutcome:
    source: Path
    printed: Printed
    result: SipdImport | RenjaImport
    saved_to: Path | None = None
    backup: Path | None = None

    def summary(self) -> str:
        if isinstance(self.printed, RenjaPrint):
            column = dict(self.printed.columns.money)[self.printed.pagu_column]
            return (f"{angka(len(self.printed.leaves))} sub kegiatan ({rupiah(self.result.total)}, pagu dari kolom "
                    f"'{column}') ditulis ke sheet '{target_sheet(self.printed)}'")
        return (f"{angka(len(self.printed.leaves))} usulan sub kegiatan ({rupiah(self.result.total)}) ditulis ke sheet "
                f"'{target_sheet(self.printed)}'")


def target_sheet(printed: Printed) -> str:
    """The sheet a print is written into."""
    return sheet("tabel6" if isinstance(printed, RenjaPrint) else "sipd").name


def parse_any(block: list[list[Any]], pagu: str | None = None) -> Printed:
    """Rows of a print, whichever of the two it is; `pagu` names the money column of a Renja print."""
    if is_renja_print(block):
        return parse_renja_print(block, pagu)
    return parse_print(block)


def read_print(path: Path, pagu: str | None = None) -> Printed:
    """The print as people save it: CSV (UTF-8 or Windows-1252) or a workbook whose print is on any sheet
    (usually the first: the first sheet that has a SIPD header is taken). A message names the file."""
    if not path.exists():
        raise WorkbookError(f"berkas '{path}' tidak ditemukan.")
    try:
        return _read_print(path, pagu)
    except PaguChoiceError as exc:
        raise PaguChoiceError(f"berkas '{path.name}': {exc}", exc.names) from exc
    except SipdError as exc:  # the print's own message names rows, not the file
        if path.name in str(exc):
            raise
        raise SipdError(f"berkas '{path.name}': {exc}") from exc


def _read_print(path: Path, pagu: str | None) -> Printed:
    if path.suffix.lower() in (".csv", ".txt"):
        from renja_xl.fileio.csv_text import read_csv_file  # bounded, UTF-8 or Windows-1252, else a message

        return parse_any(read_csv_file(path), pagu)
    from renja_xl.engines.calamine_engine import CalamineBook

    source = CalamineBook(path)
    names = source.sheet_names()
    for name in names:
        try:
            return parse_any(source.read(name), pagu)
        except PaguChoiceError:
            raise  # the print was found: the user must pick its pagu column
        except SipdError:
            if name == names[-1]:
                raise
    return parse_print([])  # a workbook without sheets: the print's own message


def import_into(grid: Grid, source: Path, printed: Printed | None = None, pagu: str | None = None) -> SipdOutcome:
    """Write a print into its sheet of the workbook behind a grid (the Excel button)."""
    printed = printed or read_print(source, pagu)
    if isinstance(printed, RenjaPrint):
        return SipdOutcome(source, printed, import_renja_print(grid, printed))
    return SipdOutcome(source, printed, import_print(grid, printed))


def import_sipd_file(source: Path, workbook: Path, pagu: str | None = None) -> SipdOutcome:
    """Read the print, write it into the workbook file (atomically, with a backup)."""
    from renja_xl.engines.package_engine import PackageBook

    printed = read_print(source, pagu)
    book = PackageBook(workbook)
    outcome = import_into(book, source, printed)
    outcome.backup = book.save(workbook)
    outcome.saved_to = workbook
    return outcome
