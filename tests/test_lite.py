"""The xlwings Lite script (macros/lite/main.py): its functions run on a remote Book, as Lite passes one."""
from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import renja_xl
from conftest import ROOT
from excel_support import remote_book, typed_only

LITE = ROOT / "macros" / "lite"


@pytest.fixture(scope="module")
def lite():
    spec = importlib.util.spec_from_file_location("renja_lite_main", LITE / "main.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def typed(example_path, tmp_path_factory) -> Path:
    return typed_only(example_path, tmp_path_factory.mktemp("lite") / "diketik.xlsx")


def test_lite_recalc_writes_blocks_and_no_alert(lite, typed):
    book = remote_book(typed)
    message = lite.hitung_ulang(book)
    assert message.startswith("Hitung Ulang selesai")
    actions = book.json()["actions"]
    assert actions and {a["func"] for a in actions} == {"setValues"}  # the message goes to the output pane
    assert len(actions) <= 6


def test_lite_scripts_print_their_message(lite, typed, capsys):
    book = remote_book(typed)
    lite.renja_validasi(book)
    out = capsys.readouterr().out
    assert out.startswith("Validasi selesai:") and "galat" in out
    assert {a["func"] for a in book.json()["actions"]} <= {"setValues", "rangeClearContents", "addSheet"}
    for script, words in ((lite.renja_buat_narasi, "Excel desktop"), (lite.renja_impor_sipd, "Excel desktop")):
        book = remote_book(typed)
        script(book)
        assert words in capsys.readouterr().out
        assert book.json()["actions"] == []


def test_lite_functions(lite):
    assert lite.RENJA_LEVEL("5.03.01") == "Program"
    assert lite.RENJA_TERBILANG(12.0) == "dua belas"
    assert lite.RENJA_RUPIAH(17914888161.0) == "Rp 17.914.888.161"
    assert lite.RENJA_NAMA("5.3") == "kode tidak sah"


def test_lite_requirements_and_a_pure_python_wheel(tmp_path):
    lines = [l.strip() for l in (LITE / "requirements.txt").read_text(encoding="utf-8").splitlines()
             if l.strip() and not l.strip().startswith("#")]
    assert re.fullmatch(r"xlwings==\d+\.\d+\.\d+", lines[0])
    assert re.fullmatch(rf"https://\S+/renja_xl-{re.escape(renja_xl.__version__)}-py3-none-any\.whl", lines[1])
    source = tmp_path / "sumber"  # a clean copy: nothing is built inside the shared tree
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copyfile(ROOT / name, source / name)
    for folder in ("renja_xl", "templates_xlsx", "macros"):  # the wheel carries the last two inside renja_xl
        shutil.copytree(ROOT / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__"))
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
                           "-w", str(tmp_path), str(source)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    wheel = tmp_path / f"renja_xl-{renja_xl.__version__}-py3-none-any.whl"  # what Pyodide can install
    assert wheel.exists(), list(tmp_path.iterdir())
    with zipfile.ZipFile(wheel) as z:
        meta = next(z.read(n).decode() for n in z.namelist() if n.endswith("METADATA"))
        assert "renja_xl/frontends/excel.py" in z.namelist()
        assert {"renja_xl/templates_xlsx/renja_template.xlsm", "renja_xl/macros/RenjaXL.bas",
                "renja_xl/macros/lite/main.py"} <= set(z.namelist())
    calamine = next(l for l in meta.splitlines() if l.startswith("Requires-Dist: python-calamine"))
    assert "emscripten" in calamine  # no calamine wheel in Pyodide: not required there
