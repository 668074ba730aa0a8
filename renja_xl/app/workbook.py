"""New workbooks: the blank template and the filled example, as .xlsx or as the macro workbook (.xlsm)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from renja_xl.app.chapters import ChaptersOutcome, write_chapters
from renja_xl.fileio.paths import check_output

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


@dataclass
class NewOutcome:
    path: Path
    backup: Path | None = None
    created_folder: Path | None = None  # a missing folder made for the file


@dataclass
class ExampleOutcome(NewOutcome):
    sub_kegiatan: int = 0
    usulan: int = 0
    chapters: ChaptersOutcome | None = None


def new_workbook(out: Path) -> NewOutcome:
    """A blank template: drawn from the layout (.xlsx), or the macro workbook shipped with the package (.xlsm)."""
    created = check_output(out, WORKBOOK_SUFFIXES)
    if out.suffix.lower() == ".xlsm":
        from renja_xl.fileio.resources import copy_shipped

        return NewOutcome(out, copy_shipped("renja_template.xlsm", out), created)
    from renja_xl.engines.openpyxl_engine import OpenpyxlBook
    from renja_xl.engines.openpyxl_template import build_template

    return NewOutcome(out, OpenpyxlBook(out, build_template()).save(), created)


def write_example(out: Path) -> ExampleOutcome:
    """The embedded example (Renja 2024 BKD Prov. Kalbar) typed into the template and recalculated, with its
    chapters beside it (.docx)."""
    from renja_xl.engines.calamine_engine import CalamineBook
    from renja_xl.engines.openpyxl_engine import OpenpyxlBook
    from renja_xl.engines.openpyxl_template import build_template
    from renja_xl.workbook.example import fill_example
    from renja_xl.workbook.recalc import recalc

    created = check_output(out, WORKBOOK_SUFFIXES)
    book = OpenpyxlBook(out, build_template())
    fill_example(book)
    report = recalc(book)
    if out.suffix.lower() == ".xlsm":  # the macro workbook shipped with the package: the same example, with buttons
        from renja_xl.fileio.resources import copy_shipped

        backup = copy_shipped("renja_contoh_bkd_kalbar_2024.xlsm", out)
    else:
        backup = book.save()
    r = report.renja
    outcome = ExampleOutcome(out, backup, created,
                             sub_kegiatan=sum(1 for x in r.tabel6.rows if x.is_leaf and x.is_first),
                             usulan=sum(1 for x in r.sipd.rows if x.is_leaf))
    outcome.chapters = write_chapters(CalamineBook(out), out.with_suffix(".docx"))
    return outcome
