"""Issue 12, items 1-5 and 15: nothing a user typed is lost, turned into a formula, truncated or overwritten,
and no temporary file stays behind. Each test reproduces what main did wrong before the fix."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parent))

from renja_xl.domain.cells import cell_ref  # noqa: E402
from renja_xl.domain.errors import InputErrors  # noqa: E402
from renja_xl.domain.formula import Formula  # noqa: E402
from renja_xl.domain.layout import FIRST_DATA_ROW, sheet  # noqa: E402
from renja_xl.engines.calamine_engine import CalamineBook  # noqa: E402
from renja_xl.engines.openpyxl_engine import OpenpyxlBook  # noqa: E402
from renja_xl.engines.package_engine import PackageBook  # noqa: E402
from renja_xl.frontends.cli import main  # noqa: E402
from renja_xl.workbook.recalc import recalc  # noqa: E402

TABLES = ("tabel1", "tabel4", "tabel6", "sipd")


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def last_row(path: Path, name: str) -> int:
    block = CalamineBook(path).read(name)
    while block and all(v in (None, "") for v in block[-1]):
        block.pop()
    return len(block)


def note_column(key: str) -> int:
    """A user column of the table (1-based): a money column where there is one, else the indicator."""
    spec = sheet(key)
    money = [j for j, c in enumerate(spec.columns) if c.role == "jumlah" or c.key == "pendanaan"]
    return (money[0] if money else spec.col("indikator")) + 1


# ---------------------------------------------------------------- 1: rows of formulas only are never dropped

@pytest.mark.parametrize("key", TABLES)
def test_formula_note_row_is_kept_and_reported(tmp_path: Path, example_path: Path, key: str) -> None:
    spec = sheet(key)
    path = tmp_path / "catatan.xlsx"
    shutil.copy(example_path, path)
    row = last_row(path, spec.name) + 1
    col = note_column(key)
    letter = cell_ref(1, col)[:-1]
    text = f"=SUM({letter}{FIRST_DATA_ROW}:{letter}{row - 1})"
    book = PackageBook(path)
    book.write(spec.name, row, col, [[Formula(text, 123)]])  # with a cached value, as Excel saves it
    book.save(keep_backup=False)
    before = path.read_bytes()
    where = cell_ref(row, col)

    result = run("recalc", path)
    assert result.exit_code != 0
    assert where in result.output and spec.name in result.output, result.output
    assert path.read_bytes() == before  # nothing written: the row is where the user put it
    wb = openpyxl.load_workbook(path)
    assert wb[spec.name].cell(row, col).value == text

    result = run("validate", path)
    kode_cell = cell_ref(row, spec.col("kode") + 1)
    assert result.exit_code == 1 and f"{spec.name}!{kode_cell}: kode kosong" in result.output, result.output

    grid = OpenpyxlBook(path)  # the openpyxl engine (and the buttons, through the same recalc) refuse too
    with pytest.raises(InputErrors) as err:
        recalc(grid)
    assert any(f.sheet == spec.name and where in f.message for f in err.value.findings)


def test_subtotal_left_by_recalc_is_still_compacted(tmp_path: Path, example_path: Path) -> None:
    """A parent row whose code was cleared keeps only the SUBTOTAL recalc wrote: that row is the toolkit's."""
    spec = sheet("tabel1")
    path = tmp_path / "sisa.xlsx"
    shutil.copy(example_path, path)
    wb = openpyxl.load_workbook(path)
    ws = wb[spec.name]
    kode_col, jumlah = spec.col("kode") + 1, spec.col("anggaran") + 1
    r = next(r for r in range(FIRST_DATA_ROW, ws.max_row + 1)
             if str(ws.cell(r, jumlah).value or "").startswith("=SUBTOTAL"))
    for j, c in enumerate(spec.columns, 1):
        if c.role not in ("jumlah", "no", "persen", "tingkat", "total"):
            ws.cell(r, j).value = None
    wb.save(path)
    assert ws.cell(r, kode_col).value is None
    result = run("recalc", path)
    assert result.exit_code == 0, result.output
