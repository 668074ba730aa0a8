"""Issue 10 (ship it): outputs that cannot be written become one Indonesian line and a non-zero exit with
nothing half-written; click speaks Indonesian; backups do not pile up suffixes; Word metadata; the files the
wheel must carry are declared in pyproject.toml.

Commands run as real processes (`python -m renja_xl`), so a traceback or an "Exception ignored" on stderr is
seen as a user sees it. A read-only folder is read-only even for root once the process lacks CAP_DAC_OVERRIDE
(`setpriv --bounding-set`), which is how these tests run when the suite runs as root (CI containers do).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner

from renja_xl.fileio.files import backup_path
from renja_xl.frontends.cli import main

from conftest import ROOT

EXAMPLE_XLSM = ROOT / "templates_xlsx" / "renja_contoh_bkd_kalbar_2024.xlsm"
ENGLISH = ("Usage:", "Options", "Commands", "Show this message", "Show the version", "[OPTIONS]", "COMMAND",
           "[ARGS]", "default:", "required]", "Error:", "Missing argument", "No such option", "Try '")


def _unprivileged() -> list[str]:
    """Prefix that makes a root process respect file permissions (no CAP_DAC_OVERRIDE / DAC_READ_SEARCH)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("berjalan sebagai root tanpa setpriv: folder hanya-baca tidak dapat diuji")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search"]


def run(*args: str, cwd: Path | None = None, unprivileged: bool = False) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    prefix = _unprivileged() if unprivileged else []
    return subprocess.run([*prefix, sys.executable, "-m", "renja_xl", *args], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=300)


def assert_refused(result: subprocess.CompletedProcess, *words: str) -> str:
    """Non-zero exit, no traceback anywhere, one Indonesian 'Galat:' line on stderr naming what it must."""
    out = result.stdout + result.stderr
    assert result.returncode != 0, out
    assert "Traceback" not in out and "Exception ignored" not in out, out
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Galat: "), result.stderr
    for w in words:
        assert w in lines[0], lines[0]
    return lines[0]


@pytest.fixture()
def read_only(tmp_path: Path):
    folder = tmp_path / "hanya_baca"
    folder.mkdir()
    (folder / "renja.docx").write_bytes(b"dokumen lama")
    (folder / "contoh.xlsx").write_bytes(b"buku kerja lama")
    folder.chmod(0o555)
    yield folder
    folder.chmod(0o755)


def _listing(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


# ------------------------------------------------------------------------------------ outputs that fail

def test_chapters_into_a_read_only_folder(example_path: Path, read_only: Path) -> None:
    before = _listing(read_only)
    result = run("chapters", str(example_path), "-o", str(read_only / "renja.docx"), unprivileged=True)
    assert_refused(result, str(read_only / "renja.docx"), "tidak dapat ditulis", "hanya-baca")
    assert _listing(read_only) == before  # the old document untouched, no temporary file left


def test_chapters_into_a_file_word_holds_open(example_path: Path, tmp_path: Path, monkeypatch) -> None:
    """Windows refuses to replace a file Word has open (PermissionError from os.replace); Linux has no such
    lock, so the refusal is raised where Windows raises it."""
    target = tmp_path / "renja.docx"
    target.write_bytes(b"dibuka di Word")

    def locked(src, dst):
        raise PermissionError(13, "The process cannot access the file because it is being used by another process",
                              str(dst))

    monkeypatch.setattr("renja_xl.fileio.files.os.replace", locked)
    result = CliRunner().invoke(main, ["chapters", str(example_path), "-o", str(target)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert f"berkas '{target}' tidak dapat ditulis" in result.output and "tutup dulu" in result.output
    assert target.read_bytes() == b"dibuka di Word"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["renja.docx"]


def test_chapters_into_proc(example_path: Path) -> None:
    assert_refused(run("chapters", str(example_path), "-o", "/proc/x.docx"), "/proc/x.docx", "tidak dapat ditulis")


def test_example_into_a_read_only_folder(read_only: Path) -> None:
    before = _listing(read_only)
    assert_refused(run("example", str(read_only / "contoh.xlsx"), unprivileged=True), str(read_only / "contoh.xlsx"))
    assert _listing(read_only) == before


def test_example_into_proc() -> None:
    assert_refused(run("example", "/proc/renja/contoh.xlsx"), "/proc/renja")


def test_chapters_to_pdf_says_use_pdf(example_path: Path, tmp_path: Path) -> None:
    line = assert_refused(run("chapters", str(example_path), "-o", str(tmp_path / "renja.pdf")), "renja.pdf", "--pdf")
    assert "renja.docx --pdf" in line
    assert list(tmp_path.iterdir()) == []


def test_new_refuses_a_wrong_extension(tmp_path: Path) -> None:
    assert_refused(run("new", str(tmp_path / "foo.txt")), "foo.txt", ".xlsx atau .xlsm")
    assert list(tmp_path.iterdir()) == []


def test_recalc_output_keeps_the_kind_of_workbook(tmp_path: Path) -> None:
    source = tmp_path / "contoh.xlsm"
    shutil.copyfile(EXAMPLE_XLSM, source)
    assert_refused(run("recalc", str(source), "-o", str(tmp_path / "contoh.xlsx")), "contoh.xlsx", ".xlsm")


def test_new_creates_missing_folders_and_says_so(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "renja.xlsx"
    result = run("new", str(target))
    assert result.returncode == 0 and result.stderr == "", result.stderr
    assert f"Folder '{tmp_path / 'a'}' belum ada dan telah dibuat." in result.stdout
    assert target.is_file() and zipfile.is_zipfile(target)


def test_new_and_example_write_macro_workbooks(tmp_path: Path) -> None:
    for args in (["new", "kosong.xlsm"], ["example", "contoh.xlsm"]):
        result = run(*args, cwd=tmp_path)
        assert result.returncode == 0 and result.stderr == "", result.stderr
    for name in ("kosong.xlsm", "contoh.xlsm"):
        with zipfile.ZipFile(tmp_path / name) as z:
            assert {"xl/vbaProject.bin", "xl/drawings/vmlDrawing1.vml"} <= set(z.namelist())
    assert (tmp_path / "contoh.docx").is_file()  # the example's narrative beside it


def test_recalc_of_a_macro_workbook_is_quiet_and_keeps_its_buttons(tmp_path: Path) -> None:
    source = tmp_path / "contoh.xlsm"
    shutil.copyfile(EXAMPLE_XLSM, source)
    result = run("recalc", str(source), "-o", str(tmp_path / "baru.xlsm"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stderr == ""  # no "Exception ignored in: <function ZipFile.__del__ ...>"
    with zipfile.ZipFile(tmp_path / "baru.xlsm") as z:
        names = set(z.namelist())
        assert {"xl/vbaProject.bin", "xl/drawings/vmlDrawing1.vml"} <= names
        rels = z.read("xl/worksheets/_rels/sheet1.xml.rels").decode()
        assert "vmlDrawing1.vml" in rels and b"HitungUlang" in z.read("xl/drawings/vmlDrawing1.vml")


# ------------------------------------------------------------------------------------ backups, messages

def test_backup_names_do_not_pile_up_suffixes(tmp_path: Path) -> None:
    path = tmp_path / "baru.xlsx"
    when = datetime(2026, 1, 2, 3, 4, 5)
    made = []
    for _ in range(3):
        b = backup_path(path, when)
        b.parent.mkdir(exist_ok=True)
        b.write_bytes(b"x")
        made.append(b.name)
    assert made == ["baru-20260102-030405.xlsx", "baru-20260102-030405-1.xlsx", "baru-20260102-030405-2.xlsx"]


def test_validate_tulis_says_what_it_wrote_and_where_the_backup_is(example_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "contoh.xlsx"
    shutil.copyfile(example_path, path)
    result = run("validate", str(path), "--tulis")
    last = result.stdout.strip().splitlines()[-1]
    backups = list((tmp_path / "cadangan").iterdir())
    assert len(backups) == 1
    assert "temuan ditulis ke sheet 'Validasi' di " + str(path) in last and str(backups[0]) in last, last


def test_counts_in_messages_use_indonesian_grouping(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("RENJA_XL_HOME", str(tmp_path / "home"))
    lines = ["kode,level,nama", "5,urusan,UNSUR PENUNJANG", "5.03,bidang,KEPEGAWAIAN", "5.03.02,program,PROGRAM X",
             "5.03.02.2.01,kegiatan,KEGIATAN X"]
    lines += [f"5.03.02.2.01.{i:04d},sub_kegiatan,Sub Kegiatan {i}" for i in range(1, 1201)]
    source = tmp_path / "daftar.csv"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["nomenklatur", "import", str(source), "--versi", "Uji"])
    assert result.exit_code == 0, result.output
    assert "1.200 sub kegiatan" in result.output


# ------------------------------------------------------------------------------------ click in Indonesian

def _commands(group, prefix=()):
    import click

    for name, cmd in group.commands.items():
        yield (*prefix, name)
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, (*prefix, name))


@pytest.mark.parametrize("command", [()] + list(_commands(main)), ids=lambda c: " ".join(c) or "renja-xl")
def test_help_has_no_english_click_text(command) -> None:
    result = CliRunner().invoke(main, [*command, "--help"], prog_name="renja-xl")
    assert result.exit_code == 0, result.output
    assert "Cara pakai: renja-xl" in result.output and "Opsi:" in result.output
    for word in ENGLISH:
        assert word not in result.output, (word, result.output)


@pytest.mark.parametrize("args,words", [
    (["recalc"], ["Galat: Argumen belum diisi 'BERKAS'."]),
    (["recalc", "--tidak-ada", "x.xlsx"], ["Tidak ada opsi '--tidak-ada'."]),
    (["tidak-ada"], ["Tidak ada perintah 'tidak-ada'."]),
    (["chapters", "x.xlsx", "--format", "pdf"], ["Nilai tidak sah untuk '--format'", "'pdf' bukan salah satu dari"]),
    (["nomenklatur", "import", "x.csv"], ["Opsi belum diisi '--versi'."]),
])
def test_usage_errors_in_indonesian(args, words) -> None:
    result = CliRunner().invoke(main, args, prog_name="renja-xl")
    assert result.exit_code == 2
    assert "Cara pakai: renja-xl" in result.output and "Coba 'renja-xl" in result.output
    for w in words:
        assert w in result.output, result.output
    for word in ("Usage:", "Error:", "Missing", "No such", "Try '", "is not one of", "Invalid value"):
        assert word not in result.output, (word, result.output)


def test_bare_command_prints_help_and_succeeds() -> None:
    result = run()
    assert result.returncode == 0 and result.stderr == ""
    assert "Cara pakai:" in result.stdout and "Perintah:" in result.stdout and "validate" in result.stdout


@pytest.mark.parametrize("flag", ["--version", "--versi"])
def test_version_in_both_spellings(flag: str) -> None:
    from renja_xl import __version__

    result = CliRunner().invoke(main, [flag])
    assert result.exit_code == 0 and result.output.strip() == f"renja-xl {__version__}"


# ------------------------------------------------------------------------------------ Word metadata

def test_word_core_properties(example_path: Path, tmp_path: Path) -> None:
    started = datetime.now(timezone.utc).replace(microsecond=0)
    out = tmp_path / "renja.docx"
    result = CliRunner().invoke(main, ["chapters", str(example_path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    core = docx.Document(str(out)).core_properties
    agency = "Badan Kepegawaian Daerah"
    assert core.author.startswith(agency) and core.last_modified_by == core.author
    assert core.title.startswith("Rencana Kerja " + agency) and core.title.endswith("Tahun 2024")
    assert "Renja" in core.subject and "python-docx" not in (core.author + core.comments + core.last_modified_by)
    for stamp in (core.created, core.modified):
        assert started - timedelta(seconds=1) <= stamp <= datetime.now(timezone.utc) + timedelta(seconds=1)


# ------------------------------------------------------------------------------------ packaging

def test_pyproject_lists_every_package_and_the_shipped_folders() -> None:
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    listed = set(config["packages"])
    on_disk = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "renja_xl").rglob("*.py")
               if "__pycache__" not in p.parts and "templates" not in p.parent.parts}
    assert on_disk - listed == set(), "paket belum didaftarkan di pyproject.toml [tool.setuptools] packages"
    assert config["package-dir"] == {"renja_xl.templates_xlsx": "templates_xlsx", "renja_xl.macros": "macros"}
    data = config["package-data"]
    assert {"*.xlsx", "*.xlsm"} <= set(data["renja_xl.templates_xlsx"]) and "*.bas" in data["renja_xl.macros"]
    assert (ROOT / "macros" / "lite" / "main.py").is_file() and "*.py" in data["renja_xl.macros.lite"]
