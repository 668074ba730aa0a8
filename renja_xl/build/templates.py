"""Rebuild the committed workbooks of templates_xlsx/ from code: `python -m renja_xl.build.templates`.

A test rebuilds them and fails when the committed files are stale.
"""
from __future__ import annotations

import sys
from pathlib import Path

TEMPLATE_NAME = "renja_template.xlsx"
EXAMPLE_NAME = "renja_contoh_bkd_kalbar_2024.xlsx"


def write_template(path: Path) -> Path:
    from renja_xl.engines.openpyxl_engine import OpenpyxlBook
    from renja_xl.build.xlsx_template import build_template

    OpenpyxlBook(path, build_template()).save(keep_backup=False)  # generated files: no backups
    return path


def write_example(path: Path) -> Path:
    from renja_xl.engines.openpyxl_engine import OpenpyxlBook
    from renja_xl.build.xlsx_template import build_template
    from renja_xl.workbook.example import fill_example
    from renja_xl.workbook.recalc import recalc

    book = OpenpyxlBook(path, build_template())
    fill_example(book)
    recalc(book)
    book.save(keep_backup=False)
    return path


def build_all(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [write_template(folder / TEMPLATE_NAME), write_example(folder / EXAMPLE_NAME)]


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "templates_xlsx"
    for p in build_all(target):
        print(p)
