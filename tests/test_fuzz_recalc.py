"""Issue 12, the fuzz acceptance: hypothesis edits the example as users do (insert rows, blank rows, reorder,
delete parents, type text and numbers, note rows of formulas, long text) and recalc must lose or change no
typed cell, and a second recalc must change nothing.

Derandomized with a modest number of examples in CI (under a minute); RENJA_XL_FUZZ_LONG=1 explores many more.
The edits run on the in-memory grid (the reader and recalc are the same for every engine); a few examples also
go through the file path (the package writer, saved and read again)."""
from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from renja_xl.domain.errors import RenjaError
from renja_xl.domain.formula import Formula, Text
from renja_xl.domain.kode import well_formed
from renja_xl.domain.layout import FIRST_DATA_ROW, OWNED_ROLES, sheet
from renja_xl.engines.memory_engine import MemoryGrid
from renja_xl.engines.openpyxl_engine import OpenpyxlBook
from renja_xl.engines.openpyxl_template import build_template
from renja_xl.engines.package_engine import PackageBook
from renja_xl.workbook.recalc import recalc

LONG = os.environ.get("RENJA_XL_FUZZ_LONG") == "1"
EXAMPLES = 600 if LONG else 60
FILE_EXAMPLES = 60 if LONG else 8
TABLES = ("tabel1", "tabel4", "tabel6", "sipd")
RAN: Counter = Counter()  # outcomes, printed at the end (pytest -s) for the report


@pytest.fixture(scope="module")
def example_sheets(example_path: Path) -> dict[str, list[list]]:
    book = OpenpyxlBook(example_path)
    return {name: book.read(name) for name in book.sheet_names()}


TEXTS = st.sampled_from(["catatan", "Text:=HYPERLINK(\"http://x\")", "Text:=cmd|' /C calc'!A0", "  ",
                         "Long", "angka 1.000", "5.03"])
EDITS = ("blank", "new_leaf", "swap", "reverse", "delete_parent", "type_text", "type_number", "note_row",
         "long_text")


def _typed(choice: str):
    if choice.startswith("Text:"):
        return Text(choice[5:])  # as an engine reads a text typed with a leading apostrophe
    if choice == "Long":
        return "panjang " * 5000
    return choice


def _apply(sheets: dict[str, list[list]], data) -> list[str]:
    done = []
    for _ in range(data.draw(st.integers(1, 4), label="edits")):
        kind = data.draw(st.sampled_from(EDITS), label="kind")
        key = data.draw(st.sampled_from(TABLES), label="table")
        spec = sheet(key)
        rows = sheets[spec.name]
        n = len(rows) - (FIRST_DATA_ROW - 1)
        if n < 2:
            continue
        i = FIRST_DATA_ROW - 1 + data.draw(st.integers(0, n - 1), label="row")
        j = FIRST_DATA_ROW - 1 + data.draw(st.integers(0, n - 1), label="row2")
        inputs = [c for c, col in enumerate(spec.columns) if col.role == "input"]
        kode = spec.col("kode")
        if kind == "blank":
            rows.insert(i, [None] * len(spec.columns))
        elif kind == "new_leaf":
            leaves = [r for r in rows[FIRST_DATA_ROW - 1:] if isinstance(r[kode], str) and r[kode].count(".") == 5]
            if not leaves:
                continue
            new = list(data.draw(st.sampled_from(leaves), label="leaf"))
            new[kode] = new[kode].rsplit(".", 1)[0] + "." + data.draw(st.sampled_from(["97", "98", "99"]))
            rows.insert(i, new)
        elif kind == "swap":
            rows[i], rows[j] = rows[j], rows[i]
        elif kind == "reverse":
            a, b = sorted((i, j))
            rows[a:b + 1] = rows[a:b + 1][::-1]
        elif kind == "delete_parent":
            parents = [k for k, r in enumerate(rows) if k >= FIRST_DATA_ROW - 1 and isinstance(r[kode], str)
                       and 0 < r[kode].count(".") < 5]
            if not parents:
                continue
            del rows[data.draw(st.sampled_from(parents), label="parent")]
        elif kind in ("type_text", "type_number", "long_text"):
            c = data.draw(st.sampled_from(inputs), label="col")
            value = {"type_text": lambda: _typed(data.draw(TEXTS, label="text")),
                     "type_number": lambda: data.draw(st.sampled_from([0, 7, 12.5, 1000000]), label="number"),
                     "long_text": lambda: "x" * data.draw(st.sampled_from([32_767, 40_000]), label="length")}[kind]()
            rows[i] = list(rows[i]) + [None] * (len(spec.columns) - len(rows[i]))
            rows[i][c] = value
        elif kind == "note_row":
            c = data.draw(st.sampled_from(inputs), label="col")
            note = [None] * len(spec.columns)
            note[c] = "=SUM(A4:A9)"
            rows.insert(i if data.draw(st.booleans(), label="inside") else len(rows), note)
        done.append(f"{kind}:{key}")
    return done


def _typed_rows(spec, block: list[list]) -> Counter:
    """Every non-blank data row as the tuple of what a user typed: user columns (a parent's money columns
    are recalc's), extra columns beyond the table too."""
    width = max([len(spec.columns)] + [len(r) for r in block])
    out: Counter = Counter()
    kode = spec.col("kode")
    for line in block[FIRST_DATA_ROW - 1:]:
        line = list(line) + [None] * (width - len(line))
        k = well_formed(line[kode]) if isinstance(line[kode], str) else None
        parent = k is not None and line[kode].count(".") < 5
        typed = []
        for c in range(width):
            col = spec.columns[c] if c < len(spec.columns) else None
            if col is not None and (col.role in OWNED_ROLES or (parent and col.role == "jumlah")):
                continue
            v = line[c]
            typed.append(None if v == "" else v)
        if any(v is not None and not (isinstance(v, str) and not v.strip()) for v in typed):
            out[tuple(str(v) if isinstance(v, (Formula, Text)) else v for v in typed)] += 1
    return out


def _check(run_recalc, read, edits: list[str]) -> str:
    before = {k: read(sheet(k).name) for k in TABLES}
    try:
        report = run_recalc()
    except RenjaError:
        after = {k: read(sheet(k).name) for k in TABLES}
        assert after == before, edits  # refused: nothing written
        return "ditolak"
    for k in TABLES:
        spec = sheet(k)
        lost = _typed_rows(spec, before[k]) - _typed_rows(spec, read(spec.name))
        assert not lost, (edits, spec.name, list(lost)[:3])
    once = {k: read(sheet(k).name) for k in TABLES}
    second = run_recalc()
    assert second.writes == 0, (edits, second.restructured)
    assert {k: read(sheet(k).name) for k in TABLES} == once
    return "berubah" if report.writes else "tetap"


@settings(max_examples=EXAMPLES, deadline=None, derandomize=not LONG,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_recalc_keeps_every_typed_cell_and_is_idempotent(example_sheets, data) -> None:
    sheets = {name: [list(r) for r in rows] for name, rows in example_sheets.items()}
    edits = _apply(sheets, data)
    grid = MemoryGrid(sheets)
    RAN["memori:" + _check(lambda: recalc(grid), grid.read, edits)] += 1


@settings(max_examples=FILE_EXAMPLES, deadline=None, derandomize=not LONG,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_recalc_of_a_file_keeps_every_typed_cell_and_is_idempotent(example_sheets, tmp_path, data) -> None:
    """The same through the package writer: edits saved by openpyxl, recalc saved, read back, recalc again."""
    sheets = {name: [list(r) for r in rows] for name, rows in example_sheets.items()}
    edits = _apply(sheets, data)
    path = tmp_path / "fuzz.xlsx"
    source = OpenpyxlBook(path, build_template())
    for name, rows in sheets.items():
        if rows:
            source.write(name, 1, 1, rows)
    source.save(keep_backup=False)

    def run_recalc():
        book = PackageBook(path)
        report = recalc(book)
        if report.writes:
            book.save(keep_backup=False)
        return report

    def read(name: str) -> list[list]:
        return PackageBook(path).read(name)

    RAN["berkas:" + _check(run_recalc, read, edits)] += 1


def test_zz_report_counts() -> None:
    print("fuzz:", dict(RAN))
