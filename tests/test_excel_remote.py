"""Acceptance of issue 5 (entry points): renja_xl.frontends.excel on xlwings' own remote engine.

The book JSON is built from workbook files (values only, as an Excel client sends them); the actions the
entry points queue are counted per sheet and then applied to the same file through the openpyxl engine,
which must give the same cells as the command-line path. XLWINGS_LICENSE_KEY=noncommercial is set for the
tests only (excel_support); the runtime path never imports xlwings.pro.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import renja_xl.frontends.excel as x
from renja_xl.engines.calamine_engine import CalamineBook
from renja_xl.engines.openpyxl_engine import OpenpyxlBook
from renja_xl.engines.xlwings_engine import XlwingsBook
from renja_xl.domain.layout import FIRST_DATA_ROW, NOTE_ROW, OWNED_ROLES, SHEETS, sheet
from renja_xl.workbook.validation import validate_grid

from conftest import libreoffice_convert
from excel_support import actions_per_sheet, all_cells, apply_to_copy, remote_book, typed_only

CLI = [sys.executable, "-m", "renja_xl"]
HANDFUL = 3  # remote actions allowed per sheet (one block, and a clear when rows disappear)


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(CLI + list(args), capture_output=True, text=True)


@pytest.fixture(scope="module")
def typed(example_path, tmp_path_factory) -> dict[int, Path]:
    """Sub kegiatan rows only, in reverse order, owned cells empty: at the example's size and 10x larger."""
    folder = tmp_path_factory.mktemp("diketik")
    return {n: typed_only(example_path, folder / f"diketik_{n}x.xlsx", copies=n) for n in (1, 10)}


@pytest.fixture(scope="module")
def cli_recalc(typed, tmp_path_factory) -> dict[int, Path]:
    folder = tmp_path_factory.mktemp("cli")
    out = {}
    for n, path in typed.items():
        out[n] = folder / f"cli_{n}x.xlsx"
        done = cli("recalc", str(path), "-o", str(out[n]))
        assert done.returncode == 0, done.stderr
    return out


@pytest.mark.parametrize("n", [1, 10])
def test_recalc_remote_few_actions_and_same_cells_as_cli(n, typed, cli_recalc, tmp_path):
    book = remote_book(typed[n])
    result = x.recalc(book)
    assert result.ok, result.message
    assert "baris induk ditambahkan" in result.message
    payload = book.json()
    names = [s.name for s in book.sheets]
    per_sheet = actions_per_sheet(payload, names)
    hierarchy = ["Tabel 1 Evaluasi", "Tabel 4 Rancangan", "Tabel 6 Rencana Kerja", "Usulan SIPD", "Tabel 2 Capaian IKU"]
    for name in hierarchy:
        assert 1 <= per_sheet.get(name, 0) <= HANDFUL, per_sheet
    assert per_sheet.pop("(buku)") == 1  # the one message box (alert)
    assert set(per_sheet) <= set(hierarchy) | {"Tabel 3 Tren IKU"}
    assert sum(per_sheet.values()) <= HANDFUL * 6
    assert all(a["func"] in ("setValues", "rangeClearContents", "alert") for a in payload["actions"])
    applied = apply_to_copy(payload, typed[n], tmp_path / "remote.xlsx")
    assert all_cells(applied) == all_cells(cli_recalc[n])


def test_action_count_does_not_grow_with_rows(typed):
    counts = {}
    rows = {}
    for n, path in typed.items():
        book = remote_book(path)
        x.recalc(book, show=False)
        counts[n] = len(book.json()["actions"])
        rows[n] = sum(len(a["values"]) for a in book.json()["actions"] if a["func"] == "setValues")
    assert rows[10] > 8 * rows[1]  # ten times the rows were written ...
    assert counts[10] == counts[1]  # ... in the same number of actions


@pytest.mark.libreoffice
def test_second_recalc_on_excel_values_writes_only_owned_columns(soffice, cli_recalc, tmp_path):
    """A recalculated workbook as Excel sends it (cached values, no formulas): no rows move, only owned
    columns are written, no false 'typed total' note, and the file keeps exactly its cells."""
    source = cli_recalc[10]
    computed = libreoffice_convert(soffice, source, "xlsx", tmp_path / "lo")
    book = remote_book(source, CalamineBook(computed))
    result = x.recalc(book, show=False)
    assert result.ok and "0 baris induk ditambahkan" in result.message, result.message
    assert not [f for f in result.findings if f.rule == "uang.rumus_ditimpa"]
    names = [s.name for s in book.sheets]
    for action in book.json()["actions"]:
        spec = next(s for s in SHEETS if s.name == names[action["sheet_position"]])
        first = action["start_column"]
        roles = {spec.columns[j].role for j in range(first, first + action["column_count"])}
        assert roles <= OWNED_ROLES | {"jumlah"}, (spec.name, roles)
        assert action["start_row"] + 1 == FIRST_DATA_ROW
    applied = apply_to_copy(book.json(), source, tmp_path / "kedua.xlsx")
    assert all_cells(applied) == all_cells(source)


@pytest.mark.libreoffice
def test_validate_remote_fills_validasi_like_cli(soffice, cli_recalc, tmp_path):
    source = libreoffice_convert(soffice, cli_recalc[1], "xlsx", tmp_path / "lo")
    book = remote_book(source, CalamineBook(source))
    result = x.validate(book)
    assert result.findings == validate_grid(CalamineBook(source))
    assert "sheet Validasi" in result.message
    per_sheet = actions_per_sheet(book.json(), [s.name for s in book.sheets])
    assert per_sheet.pop("(buku)") == 1
    assert set(per_sheet) == {"Validasi"} and per_sheet["Validasi"] <= 4
    applied = apply_to_copy(book.json(), source, tmp_path / "remote.xlsx")
    by_cli = tmp_path / "cli.xlsx"
    shutil.copyfile(source, by_cli)
    done = cli("validate", str(by_cli), "--tulis")
    assert done.returncode in (0, 1), done.stderr
    mine, theirs = all_cells(applied)["Validasi"], all_cells(by_cli)["Validasi"]
    assert len(mine) == len(theirs) > FIRST_DATA_ROW
    del mine[NOTE_ROW - 1], theirs[NOTE_ROW - 1]  # the summary line carries the time of the run
    assert mine == theirs


def test_input_errors_are_an_indonesian_message_and_nothing_is_written(typed, tmp_path):
    path = tmp_path / "kode_angka.xlsx"
    shutil.copyfile(typed[1], path)
    grid = OpenpyxlBook(path)
    spec = sheet("tabel6")
    grid.write(spec.name, FIRST_DATA_ROW, spec.col("kode") + 1, [[5.1]])  # a code stored as a number
    grid.save(keep_backup=False)
    book = remote_book(path)
    result = x.recalc(book)
    assert not result.ok
    assert result.message.startswith("Hitung Ulang dibatalkan:")
    assert "tidak ada yang diubah" in result.message and "Traceback" not in result.message
    assert f"{spec.name}!B{FIRST_DATA_ROW}" in result.message
    actions = book.json()["actions"]
    assert [a["func"] for a in actions] == ["alert"]
    assert actions[0]["args"][1] == "Renja XL" and actions[0]["args"][3] == "critical"


def test_a_bug_is_a_readable_message_not_a_traceback(typed, monkeypatch, capsys):
    import renja_xl.app.recalc

    def broken(grid):
        raise ZeroDivisionError("contoh")

    monkeypatch.setattr(renja_xl.app.recalc, "recalc", broken)
    book = remote_book(typed[1])
    result = x.recalc(book)
    assert not result.ok
    assert "kesalahan tak terduga" in result.message and "ZeroDivisionError" in result.message
    assert "Traceback" not in result.message
    assert "Traceback" in capsys.readouterr().err  # the details go to the log (stderr remotely)


def test_chapters_and_sipd_on_the_web_explain_themselves(typed):
    for fn, words in ((x.chapters, "Excel desktop"), (x.import_sipd, "Excel desktop")):
        book = remote_book(typed[1])
        result = fn(book)
        assert not result.ok and words in result.message
        assert [a["func"] for a in book.json()["actions"]] == ["alert"]


def test_engine_reads_and_writes_blocks(typed):
    book = remote_book(typed[1])
    grid = XlwingsBook(book, formulas=True)
    assert grid.remote and not grid.reads_formulas
    block = grid.read("Identitas")
    assert block[FIRST_DATA_ROW - 1][0] == "Nama Perangkat Daerah"
    grid.write("Tabel 5 Target Kinerja", 4, 1, [["a", None], ["b", 2]])
    grid.clear("Tabel 5 Target Kinerja", 10, 1, 5, 5)
    assert grid.ensure_sheet("Catatan") is True and grid.ensure_sheet("Identitas") is False
    grid.finish()
    actions = book.json()["actions"]
    assert [a["func"] for a in actions] == ["setValues", "rangeClearContents", "addSheet"]
    assert actions[0]["values"] == [["a", ""], ["b", 2]]
    assert (actions[1]["row_count"], actions[1]["column_count"]) == (5, 5)
    assert grid.calls == 4 and grid.merged("Identitas") == []


def test_runtime_does_not_need_xlwings_pro():
    """No license key in the environment: the runtime modules import, and load nothing of xlwings.pro beyond
    what a bare 'import xlwings' loads (its license helper); no runtime source names xlwings.pro."""
    code = ("import sys, xlwings; bare = {m for m in sys.modules if m.startswith('xlwings.pro')};"
            "import renja_xl.frontends.excel, renja_xl.engines.xlwings_engine, renja_xl.frontends.xlfunctions, renja_xl.frontends.xlfunctions_pure;"
            "print(sorted({m for m in sys.modules if m.startswith('xlwings.pro')} - bare))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "HOME": str(Path.home())})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
    package = Path(x.__file__).parent
    for path in [package / "excel.py", package / "xlfunctions.py", *sorted((package / "engines").glob("xlwings*.py"))]:
        text = path.read_text(encoding="utf-8")
        assert "import xlwings.pro" not in text and "from xlwings.pro" not in text and "xlwings import pro" not in text
