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


# ---------------------------------------------------------------- SIPD prints used below

SIPD_HEADER = ["NO", "KODE", "URAIAN URUSAN / BIDANG / PROGRAM / KEGIATAN / SUB KEGIATAN / USULAN", "LOKASI",
               "VOLUME / SATUAN", "JUMLAH PAGU (Rp)", "STATUS DISETUJUI", "CATATAN"]
HOSTILE_TEXTS = ['=HYPERLINK("http://x")', "=cmd|' /C calc'!A0"]


def sipd_rows(texts=HOSTILE_TEXTS) -> list[list]:
    rows = [list(SIPD_HEADER)]
    for i, text in enumerate(texts, 1):
        rows.append(["", f"5.03.02.1.01.0{i}", f"Sub {i} - {text}", text, "1 Paket", "1.000.000,00", "Disetujui",
                     text])
    return rows


def sipd_csv(path: Path, texts=HOSTILE_TEXTS) -> Path:
    import csv

    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(sipd_rows(texts))
    return path


# ---------------------------------------------------------------- 4: lost update

def needs_recalc(example_path: Path, path: Path) -> Path:
    """The example with one No cell cleared: recalc has something to write."""
    spec = sheet("tabel6")
    wb = openpyxl.load_workbook(example_path)
    wb[spec.name].cell(FIRST_DATA_ROW, spec.col("no") + 1).value = None
    wb.save(path)
    return path


OTHER_PROGRAM = """
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
wb['Identitas']['B3'] = 'diubah program lain'
wb.save(sys.argv[1])
"""


@pytest.mark.parametrize("command", ["recalc", "import-sipd", "validate --tulis"])
def test_a_file_changed_while_the_command_runs_is_not_overwritten(tmp_path: Path, example_path: Path,
                                                                  monkeypatch, command: str) -> None:
    import subprocess

    path = needs_recalc(example_path, tmp_path / "renja.xlsx")
    edited: list[bytes] = []
    write_package = PackageBook._write_package

    def another_program_saves_meanwhile(self, tmp):
        # between the read and the replace, another process saves its own edit of the same file
        subprocess.run([sys.executable, "-c", OTHER_PROGRAM, str(path)], check=True)
        edited.append(path.read_bytes())
        write_package(self, tmp)

    monkeypatch.setattr(PackageBook, "_write_package", another_program_saves_meanwhile)
    args = {"recalc": ["recalc", path], "import-sipd": ["import-sipd", sipd_csv(tmp_path / "u.csv"), path],
            "validate --tulis": ["validate", path, "--tulis"]}[command]
    result = run(*args)
    assert edited, "the save did not run"
    assert result.exit_code not in (0, 1), result.output
    assert "diubah program lain" in result.output and "renja.xlsx" in result.output, result.output
    assert path.read_bytes() == edited[0]  # the other program's edit is the file
    assert not (tmp_path / "cadangan").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_an_unchanged_file_saves_and_a_same_content_resave_is_no_conflict(tmp_path: Path,
                                                                          example_path: Path) -> None:
    import os

    path = needs_recalc(example_path, tmp_path / "renja.xlsx")
    book = PackageBook(path)
    recalc(book)
    st = os.stat(path)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))  # saved again, same bytes
    assert book.save() is not None
    assert run("recalc", path).output.startswith("Tidak ada yang perlu diubah")


# ---------------------------------------------------------------- 5: temporary files of killed saves

def test_only_old_temp_files_of_the_toolkits_own_pattern_are_removed(tmp_path: Path) -> None:
    import os
    import time

    from renja_xl.fileio.files import STALE_TEMP_SECONDS, atomic_save

    target = tmp_path / "renja.xlsx"
    target.write_bytes(b"lama")
    old = time.time() - STALE_TEMP_SECONDS - 60
    names = {".renja-ab12cd_9.xlsx": False,   # the pattern, old: removed
             ".renja-zz99yy88.xlsx": True,    # the pattern, fresh (a save still running): kept
             ".renja-abc.xlsx": True, ".renja-ab12cd_9.xlsm": True, ".lain-ab12cd_9.xlsx": True,
             "renja-ab12cd_9.xlsx": True, ".renja-AB12CD_9.xlsx": True, ".renja-ab12cd_99.xlsx": True}
    for name, _ in names.items():
        (tmp_path / name).write_bytes(b"x")
        if name != ".renja-zz99yy88.xlsx":
            os.utime(tmp_path / name, (old, old))
    atomic_save(target, lambda tmp: tmp.write_bytes(b"baru"), keep_backup=False)
    assert target.read_bytes() == b"baru"
    assert {n: (tmp_path / n).exists() for n in names} == names


def test_a_handled_error_during_a_save_leaves_no_temp_file(tmp_path: Path, example_path: Path,
                                                           monkeypatch) -> None:
    from renja_xl.domain.errors import WorkbookError

    path = needs_recalc(example_path, tmp_path / "renja.xlsx")
    before = path.read_bytes()

    def refused(self, tmp):
        tmp.write_bytes(b"sebagian")  # half a package, then the writer refuses
        raise WorkbookError("ditolak")

    monkeypatch.setattr(PackageBook, "_write_package", refused)
    assert run("recalc", path).exit_code == 2
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["renja.xlsx"]


KILLS = 40 if __import__("os").environ.get("RENJA_XL_FUZZ_LONG") else 20


def test_saves_killed_with_sigkill_leave_the_workbook_whole_and_the_next_run_cleans_up(
        tmp_path: Path, example_path: Path) -> None:
    """SIGKILL at random moments of `validate --tulis` (which always saves); half of the kills are aimed at the
    moment the temporary file appears. The workbook is always the old file or a whole new one."""
    import os
    import random
    import signal
    import subprocess
    import time
    import zipfile

    from renja_xl.fileio import files

    STALE_TEMP_SECONDS = getattr(files, "STALE_TEMP_SECONDS", 15 * 60)
    path = tmp_path / "renja.xlsx"
    shutil.copy(example_path, path)
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    cmd = [sys.executable, "-m", "renja_xl", "validate", str(path), "--tulis"]
    rnd = random.Random(12)

    def temps() -> list[Path]:
        return [p for p in tmp_path.iterdir() if p.name.startswith(".renja-")]

    start = time.monotonic()
    subprocess.run(cmd, env=env, capture_output=True, check=False)
    whole_run = time.monotonic() - start
    outcomes = {"old": 0, "new": 0, "temp_left": 0, "killed": 0}
    for i in range(KILLS):
        before = os.stat(path).st_ino  # a replace gives the name a new file (the bytes may be the same)
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if i % 2:
            time.sleep(rnd.uniform(0, whole_run))
        else:
            deadline = time.monotonic() + 30
            while not temps() and proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.0005)
            if i % 4 == 2:  # just after the replace (the temp gone): the new file must be whole
                while temps() and proc.poll() is None and time.monotonic() < deadline:
                    time.sleep(0.0005)
            elif i % 8 == 4:
                time.sleep(rnd.uniform(0, 0.05))
            # else: the moment the temporary file appears
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        outcomes["killed"] += proc.returncode == -signal.SIGKILL
        outcomes["old" if os.stat(path).st_ino == before else "new"] += 1
        with zipfile.ZipFile(path) as zf:
            assert zf.testzip() is None
        CalamineBook(path).read(sheet("tabel6").name)  # opens and reads
        left = temps()
        outcomes["temp_left"] += bool(left)
        for t in left:  # time passes: the next run finds them older than any save takes
            old = time.time() - STALE_TEMP_SECONDS - 1
            os.utime(t, (old, old))
    print("kills:", outcomes)
    result = subprocess.run(cmd, env=env, capture_output=True, text=True)
    assert result.returncode in (0, 1), result.stderr
    assert temps() == []
    assert outcomes["killed"] >= KILLS // 2  # most kills hit a running save, not a finished process
    assert outcomes["temp_left"] >= 1  # the aimed kills did catch saves half-way


# ---------------------------------------------------------------- 2 and 3: text stays text, and whole

def text_cell(ws, row: int, col: int, text: str) -> None:
    """A text cell (as typed with a leading apostrophe): openpyxl's setter would make '=...' a formula."""
    cell = ws.cell(row, col)
    cell.value = "x"
    cell._value, cell.data_type = text, "s"


def moved_workbook(example_path: Path, path: Path, texts: dict[str, str]) -> tuple[Path, dict[str, tuple]]:
    """The example with a sub kegiatan appended below Tabel 6 whose code belongs higher up (so recalc moves
    rows), and `texts` typed into input cells: an existing row's Indikator, the new row's Lokasi and Indikator."""
    spec = sheet("tabel6")
    wb = openpyxl.load_workbook(example_path)
    ws = wb[spec.name]
    kode = spec.col("kode") + 1
    rows = [r for r in range(FIRST_DATA_ROW, ws.max_row + 1) if str(ws.cell(r, kode).value or "").count(".") == 5]
    first, new = rows[0], ws.max_row + 1
    for j in range(1, len(spec.columns) + 1):
        v = ws.cell(first, j).value
        if spec.columns[j - 1].role in ("kode", "uraian", "input"):
            ws.cell(new, j).value = v
    ws.cell(new, kode).value = str(ws.cell(first, kode).value)[:-2] + "99"
    where = {}
    places = [(first, spec.col("indikator") + 1), (new, spec.col("lokasi") + 1), (new, spec.col("indikator") + 1)]
    for (name, text), (r, c) in zip(texts.items(), places):
        text_cell(ws, r, c, text)
        where[name] = (ws.cell(first, kode).value if r == first else ws.cell(new, kode).value, c)
    wb.save(path)
    return path, where


def cells_by_kode(path: Path, col: int) -> dict[str, tuple[str, object]]:
    """kode -> (data type, value) of one column of Tabel 6, read by openpyxl."""
    spec = sheet("tabel6")
    ws = openpyxl.load_workbook(path)[spec.name]
    kode = spec.col("kode") + 1
    return {ws.cell(r, kode).value: (ws.cell(r, col).data_type, ws.cell(r, col).value)
            for r in range(FIRST_DATA_ROW, ws.max_row + 1) if ws.cell(r, kode).value}


HOSTILE = {"link": '=HYPERLINK("http://x")', "dde": "=cmd|' /C calc'!A0", "plain": "=SUM(A1:A2)"}


def assert_texts_kept(path: Path, where: dict[str, tuple]) -> None:
    for name, (kode, col) in where.items():
        data_type, value = cells_by_kode(path, col)[kode]
        assert (data_type, value) == ("s", HOSTILE[name]), (name, kode, data_type, value)


def test_text_starting_with_equals_stays_text_in_recalc_of_a_file(tmp_path: Path, example_path: Path) -> None:
    path, where = moved_workbook(example_path, tmp_path / "teks.xlsx", HOSTILE)
    result = run("recalc", path)
    assert result.exit_code == 0 and "Urutan baris diperbarui" in result.output, result.output
    assert_texts_kept(path, where)


def test_text_starting_with_equals_stays_text_in_the_openpyxl_engine(tmp_path: Path, example_path: Path) -> None:
    path, where = moved_workbook(example_path, tmp_path / "teks.xlsx", HOSTILE)
    book = OpenpyxlBook(path)
    assert recalc(book).restructured
    book.save(keep_backup=False)
    assert_texts_kept(path, where)


def remote_values(payload: dict) -> list:
    return [v for a in payload["actions"] if a["func"] == "setValues" for line in a["values"] for v in line]


def test_text_starting_with_equals_stays_text_on_the_excel_buttons(tmp_path: Path, example_path: Path) -> None:
    """xlwings' remote engine (the Excel buttons' path here): a text is sent with Excel's text mark (')."""
    import renja_xl.frontends.excel as x
    from excel_support import remote_book

    path, _ = moved_workbook(example_path, tmp_path / "teks.xlsx", HOSTILE)
    book = remote_book(path)
    assert x.recalc(book, show=False).ok
    sent = [v for v in remote_values(book.json()) if isinstance(v, str) and "=" in v[:2]]
    assert not [v for v in sent if v in HOSTILE.values()], sent  # none sent as a formula
    assert set(sent) >= {"'" + t for t in HOSTILE.values()}


def test_import_sipd_writes_texts_starting_with_equals_as_text(tmp_path: Path, example_path: Path) -> None:
    from openpyxl import Workbook

    from renja_xl.app.sipd import import_into
    from renja_xl.engines.xlwings_engine import XlwingsBook
    from excel_support import remote_book

    spec = sheet("sipd")
    csv_print = sipd_csv(tmp_path / "u.csv")
    xlsx_print = tmp_path / "u.xlsx"
    wb = Workbook()
    for r, line in enumerate(sipd_rows(), 1):
        for c, v in enumerate(line, 1):
            if v:
                text_cell(wb.active, r, c, v)
    wb.save(xlsx_print)

    def texts(path: Path) -> list[tuple[str, str]]:
        ws = openpyxl.load_workbook(path)[spec.name]
        return [(c.data_type, c.value) for line in ws.iter_rows(min_row=FIRST_DATA_ROW) for c in line
                if c.value in HOSTILE_TEXTS]

    for source in (csv_print, xlsx_print):  # the command line (the package writer)
        path = tmp_path / f"cli-{source.suffix[1:]}.xlsx"
        shutil.copy(example_path, path)
        assert run("import-sipd", source, path).exit_code == 0
        found = texts(path)
        assert len(found) == 3 * len(HOSTILE_TEXTS) and {t for t, _ in found} == {"s"}, found

    path = tmp_path / "openpyxl.xlsx"  # the openpyxl engine
    shutil.copy(example_path, path)
    book = OpenpyxlBook(path)
    import_into(book, csv_print)
    book.save(keep_backup=False)
    found = texts(path)
    assert len(found) == 3 * len(HOSTILE_TEXTS) and {t for t, _ in found} == {"s"}, found

    remote = remote_book(example_path)  # the button's grid (xlwings' remote engine)
    import_into(XlwingsBook(remote, formulas=True), csv_print)
    sent = [v for v in remote_values(remote.json()) if isinstance(v, str) and v.lstrip("'") in HOSTILE_TEXTS]
    assert len(sent) == 3 * len(HOSTILE_TEXTS) and all(v.startswith("'=") for v in sent), sent


LONG = "panjang " * 5000  # 40,000 characters


@pytest.mark.parametrize("engine", ["file", "openpyxl"])
def test_text_longer_than_a_cell_is_reported_and_left_whole(tmp_path: Path, example_path: Path,
                                                            engine: str) -> None:
    path, where = moved_workbook(example_path, tmp_path / "panjang.xlsx", {"long": LONG})
    kode, col = where["long"]
    if engine == "file":
        result = run("recalc", path)
        assert result.exit_code == 0, result.output
        assert "32.767" in result.output and "40.000 karakter" in result.output, result.output
    else:
        book = OpenpyxlBook(path)
        report = recalc(book)
        assert [f for f in report.notes if f.rule == "isi.teks_panjang"]
        book.save(keep_backup=False)
    assert cells_by_kode(path, col)[kode] == ("s", LONG)
    result = run("validate", path)
    found = [line for line in result.output.splitlines() if "40.000 karakter" in line]
    assert found and sheet("tabel6").name in found[0] and cell_ref(1, col)[:-1] in found[0], result.output


@pytest.mark.parametrize("engine", ["file", "openpyxl"])
def test_a_cell_of_exactly_32767_characters_does_not_rewrite_on_every_run(tmp_path: Path, example_path: Path,
                                                                           engine: str) -> None:
    path, where = moved_workbook(example_path, tmp_path / "pas.xlsx", {"long": "x" * 32_767})
    if engine == "file":
        assert run("recalc", path).exit_code == 0
        before = path.read_bytes()
        result = run("recalc", path)
        assert result.output.startswith("Tidak ada yang perlu diubah"), result.output
        assert path.read_bytes() == before
    else:
        for expected in (True, False):
            book = OpenpyxlBook(path)
            assert bool(recalc(book).writes) is expected
            book.save(keep_backup=False)
    assert cells_by_kode(path, where["long"][1])[where["long"][0]] == ("s", "x" * 32_767)


# ---------------------------------------------------------------- 15: a typed parent total

def test_a_number_typed_in_a_parent_total_is_a_warning_with_both_figures(tmp_path: Path,
                                                                          example_path: Path) -> None:
    from renja_xl.workbook.recalc import UANG_RUMUS_DITIMPA

    assert UANG_RUMUS_DITIMPA.severity == "warning"
    spec = sheet("tabel1")
    path = tmp_path / "induk.xlsx"
    wb = openpyxl.load_workbook(example_path)
    ws = wb[spec.name]
    col = spec.col("anggaran") + 1
    r = next(r for r in range(FIRST_DATA_ROW, ws.max_row + 1)
             if str(ws.cell(r, col).value or "").startswith("=SUBTOTAL"))
    formula = ws.cell(r, col).value
    ws.cell(r, col).value = 1234567
    wb.save(path)
    result = run("recalc", path)
    assert result.exit_code == 0, result.output
    line = next(x for x in result.output.splitlines() if f"{spec.name}!{cell_ref(r, col)}" in x)
    assert line.startswith("Peringatan") and "Rp 1.234.567" in line, line
    computed = line.split("rumus subtotal = ")[1].split(" ")[:2]
    assert computed[0] == "Rp" and computed[1] != "1.234.567", line
    assert openpyxl.load_workbook(path)[spec.name].cell(r, col).value == formula
    backup = next((tmp_path / "cadangan").iterdir())
    assert openpyxl.load_workbook(backup)[spec.name].cell(r, col).value == 1234567  # the typed file is kept


@pytest.mark.parametrize("key", ["tabel1", "sipd"])
def test_parent_totals_are_grey_and_refuse_typing_in_the_template(key: str) -> None:
    from renja_xl.engines.openpyxl_template import OWNED_FILL, PARENT_FILL, build_template

    spec = sheet(key)
    ws = build_template()[spec.name]
    level = cell_ref(1, spec.col("tingkat") + 1)[:-1]
    parent = f'AND(${level}{FIRST_DATA_ROW}<>"",${level}{FIRST_DATA_ROW}<>"Sub Kegiatan")'
    money = [cell_ref(1, j + 1)[:-1] for j, c in enumerate(spec.columns) if c.role == "jumlah"]
    rules = [(str(rng.sqref), r) for rng in ws.conditional_formatting for r in rng.rules]
    yellow = next(r.priority for _, r in rules if r.dxf.fill.fgColor.rgb == PARENT_FILL.fgColor.rgb)
    custom = {str(d.sqref): d for d in ws.data_validations.dataValidation if d.type == "custom"}
    for letter in money:
        grey = [r for ref, r in rules if ref.startswith(f"{letter}{FIRST_DATA_ROW}:")]
        assert len(grey) == 1 and grey[0].formula == [parent]
        assert grey[0].dxf.fill.fgColor.rgb == OWNED_FILL.fgColor.rgb and grey[0].priority < yellow
        dv = next(d for ref, d in custom.items() if ref.startswith(f"{letter}{FIRST_DATA_ROW}:"))
        assert dv.formula1 == f"NOT({parent})" and dv.showErrorMessage and "sub kegiatan" in dv.error


def test_validasi_links_are_formulas_in_the_file_path(tmp_path: Path, example_path: Path) -> None:
    """The other side of item 2: only a `Formula` is a formula, so Validasi's links are written as one (main wrote
    them as text through the package writer)."""
    path = tmp_path / "v.xlsx"
    shutil.copy(example_path, path)
    assert run("validate", path, "--tulis").exit_code == 1
    ws = openpyxl.load_workbook(path)["Validasi"]
    links = [ws.cell(r, 5) for r in range(FIRST_DATA_ROW, ws.max_row + 1) if ws.cell(r, 5).value]
    assert links and all(c.data_type == "f" and c.value.startswith("=HYPERLINK(") for c in links)


@pytest.mark.parametrize("writer", ["shared", "inline"])
def test_the_fast_reader_finds_long_text_in_shared_and_inline_strings(tmp_path: Path, example_path: Path,
                                                                      writer: str) -> None:
    """The calamine engine's XML scan says which sheets may hold a text over the limit, so the reader looks at
    every cell only there: it must not miss one (shared strings, as Excel and openpyxl write, or inline, as the
    package writer does), and must spare the ordinary workbook."""
    from renja_xl.workbook.reader import read_renja

    spec = sheet("tabel4")
    path = tmp_path / f"{writer}.xlsx"
    if writer == "shared":
        wb = openpyxl.load_workbook(example_path)
        text_cell(wb[spec.name], FIRST_DATA_ROW + 2, spec.col("lokasi") + 1, "é" * 20_000 + "x" * 12_768)
        wb.save(path)
    else:
        shutil.copy(example_path, path)
        book = PackageBook(path)
        book.write(spec.name, FIRST_DATA_ROW + 2, spec.col("lokasi") + 1, [["é" * 20_000 + "x" * 12_768]])
        book.save(keep_backup=False)
    book = CalamineBook(path)
    found = [f for f in read_renja(book).findings if f.rule == "isi.teks_panjang"]
    assert [(f.sheet, f.cell) for f in found] == [(spec.name, cell_ref(FIRST_DATA_ROW + 2, spec.col("lokasi") + 1))]
    assert "32.768 karakter" in found[0].message

    plain = CalamineBook(example_path)
    read_renja(plain)
    assert not any(plain.may_hold_long_text(sheet(k).name) for k in TABLES)


def test_the_long_run_window_finds_a_run_cut_by_a_piece_edge() -> None:
    from renja_xl.engines.calamine_engine import _long_run

    run = b"x" * 32_768
    for cut in (0, 1, 8191, 8192, 16_384, 20_000, 32_767):
        before, after = b"<a>" * 5000 + run[:cut], run[cut:] + b"</a>" * 5000
        assert _long_run(before) or _long_run(after), cut
    assert not _long_run(b"<t>" + b"x" * 16_000 + b"</t>" * 10_000)
