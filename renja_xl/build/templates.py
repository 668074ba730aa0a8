"""Rebuild the committed workbooks of templates_xlsx/ from code: `python -m renja_xl.build.templates`.

A test rebuilds them and fails when the committed files are stale.
"""
from __future__ import annotations

import sys
from pathlib import Path

TEMPLATE_NAME = "renja_template.xlsx"
EXAMPLE_NAME = "renja_contoh_bkd_kalbar_2024.xlsx"


def _write(path: Path, wb) -> Path:
    """Generated files: no backups, and the same bytes for the same sources (fixed time stamps)."""
    from renja_xl.build.reproducible import reproducible_bytes
    from renja_xl.fileio.files import atomic_save

    data = reproducible_bytes(wb)
    atomic_save(path, lambda tmp: tmp.write_bytes(data), keep_backup=False)
    return path


def write_template(path: Path) -> Path:
    from renja_xl.build.xlsx_template import build_template

    return _write(path, build_template())


def write_example(path: Path) -> Path:
    from renja_xl.engines.openpyxl_engine import OpenpyxlBook
    from renja_xl.build.xlsx_template import build_template
    from renja_xl.workbook.example import fill_example
    from renja_xl.workbook.recalc import recalc

    book = OpenpyxlBook(path, build_template())
    fill_example(book)
    recalc(book)
    return _write(path, book.wb)


def build_all(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [write_template(folder / TEMPLATE_NAME), write_example(folder / EXAMPLE_NAME)]


if __name__ == "__main__":
    from renja_xl.fileio.resources import templates_dir

    target = Path(sys.argv[1]) if len(sys.argv) > 1 else templates_dir()
    for p in build_all(target):
        print(p)
