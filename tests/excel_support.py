"""Helpers of the Excel-side tests: typed-only workbooks, remote books built from files, actions applied."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

from renja_xl.engines.openpyxl_engine import OpenpyxlBook
from xlwings_json import apply_actions, book_json
from renja_xl.domain.layout import FIRST_DATA_ROW, HIERARCHY_SHEETS, OWNED_ROLES, sheet

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")  # tests only: xlwings' remote engine as client


def typed_only(source: Path, target: Path, copies: int = 1, reverse: bool = True) -> Path:
    """What a perencana types: sub kegiatan rows only (no parents, owned cells empty), out of order;
    `copies` > 1 repeats every sub kegiatan with new codes (a larger workbook of the same shape)."""
    shutil.copyfile(source, target)
    book = OpenpyxlBook(target)
    for spec in HIERARCHY_SHEETS:
        block = book.read(spec.name)
        level = spec.col("tingkat")
        kode = spec.col("kode")
        owned = [j for j, c in enumerate(spec.columns) if c.role in OWNED_ROLES]
        rows = []
        for line in block[FIRST_DATA_ROW - 1:]:
            line = list(line) + [None] * (len(spec.columns) - len(line))
            if line[level] != "Sub Kegiatan":
                continue
            for j in owned:
                line[j] = None
            rows.append(line)
        out = []
        for k in range(copies):
            for line in rows:
                new = list(line)
                if k:
                    parts = new[kode].split(".")  # another kegiatan number: 04 -> 14, 24, ...
                    parts[-2] = f"{int(parts[-2]) + 10 * k:02d}"
                    new[kode] = ".".join(parts)
                out.append(new)
        if reverse:
            out.reverse()
        book.clear(spec.name, FIRST_DATA_ROW, 1, len(block), len(spec.columns))
        book.write(spec.name, FIRST_DATA_ROW, 1, out)
    spec2 = sheet("tabel2")
    block = book.read(spec2.name)
    owned = [j for j, c in enumerate(spec2.columns) if c.role in OWNED_ROLES]
    rows = []
    for line in block[FIRST_DATA_ROW - 1:]:
        line = list(line) + [None] * (len(spec2.columns) - len(line))
        if line[spec2.col("baris")] not in (None, "IKU"):
            continue
        for j in owned:
            line[j] = None
        rows.append(line)
    book.clear(spec2.name, FIRST_DATA_ROW, 1, len(block), len(spec2.columns))
    book.write(spec2.name, FIRST_DATA_ROW, 1, rows)
    book.save(keep_backup=False)
    return target


def remote_book(path: Path, grid=None):
    """xlwings' own remote engine over the values of a workbook file (as an Excel client would send them)."""
    import xlwings as xw

    return xw.Book(json=book_json(grid or OpenpyxlBook(path), path.name, xw.__version__))


def actions_per_sheet(payload: dict, names: list[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for a in payload["actions"]:
        key = names[a["sheet_position"]] if a["sheet_position"] is not None else "(buku)"
        counts[key] = counts.get(key, 0) + 1
    return counts


def apply_to_copy(payload: dict, source: Path, target: Path) -> Path:
    shutil.copyfile(source, target)
    book = OpenpyxlBook(target)
    apply_actions(book, payload)
    book.save(keep_backup=False)
    return target


def all_cells(path: Path) -> dict[str, list[list]]:
    book = OpenpyxlBook(path)
    out = {}
    for name in book.sheet_names():
        block = [list(r) for r in book.read(name)]
        while block and all(v is None for v in block[-1]):
            block.pop()
        out[name] = [_strip(r) for r in block]
    return out


def _strip(row: list) -> list:
    row = list(row)
    while row and row[-1] is None:
        row.pop()
    return row
