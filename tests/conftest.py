"""Shared fixtures: the example workbook, LibreOffice as the independent client."""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from renja_xl.engines.openpyxl_engine import OpenpyxlBook
from renja_xl.engines.openpyxl_template import build_template
from renja_xl.workbook.example import fill_example
from renja_xl.workbook.recalc import recalc

ROOT = Path(__file__).resolve().parents[1]
# What the tests compare against, copied once from the project's sources (tests/data/README.md). Tests never
# read outside the repository.
DATA = ROOT / "tests" / "data"
SEED = DATA / "seed"
NOMENKLATUR = DATA / "nomenklatur"

# Property tests (hypothesis): the same examples on every CI run, so a red build is reproducible; on a
# developer's machine new examples are explored (and failures remembered in .hypothesis/).
from hypothesis import settings as _hypothesis_settings  # noqa: E402

_hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    _hypothesis_settings.load_profile("ci")


def build_example(path: Path) -> Path:
    book = OpenpyxlBook(path, build_template())
    fill_example(book)
    recalc(book)
    book.save()
    return path


@pytest.fixture(scope="session")
def example_path(tmp_path_factory) -> Path:
    """The example of the seed, written by the toolkit (formulas without cached values)."""
    return build_example(tmp_path_factory.mktemp("contoh") / "contoh.xlsx")


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@pytest.fixture(scope="session")
def soffice() -> str:
    """Path of LibreOffice. Missing: a failure in CI (the suite needs it there), a skip on a developer's machine."""
    path = _soffice()
    if path is None:
        message = ("LibreOffice (soffice) tidak ditemukan; pasang: apt-get install -y --no-install-recommends "
                   "libreoffice-calc libreoffice-writer poppler-utils")
        if os.environ.get("CI") or os.environ.get("RENJA_XL_REQUIRE_LIBREOFFICE"):
            pytest.fail(message)
        pytest.skip(message)
    return path


_RECALC_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def libreoffice_convert(soffice: str, source: Path, fmt: str, outdir: Path, timeout: int = 240) -> Path:
    """Convert with a fresh profile that always recalculates on load; fail when no output appears."""
    outdir.mkdir(parents=True, exist_ok=True)
    profile = Path(tempfile.mkdtemp(prefix="lo-profile-"))
    user = profile / "user"
    user.mkdir()
    (user / "registrymodifications.xcu").write_text(_RECALC_PROFILE, encoding="utf-8")
    try:
        subprocess.run(
            [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
             "--convert-to", fmt, "--outdir", str(outdir), str(source)],
            check=True, capture_output=True, timeout=timeout,
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    out = outdir / f"{source.stem}.{fmt.split(':')[0]}"
    if not out.exists():
        raise AssertionError(f"LibreOffice menghasilkan tidak ada berkas untuk {source} -> {fmt}")
    return out


def recomputed_sheet(soffice: str, source: Path, sheet: str, outdir: Path) -> list[list]:
    """One sheet of `source` as LibreOffice recomputes it (saved again as .xlsx, read by calamine, '' for empty)."""
    from python_calamine import CalamineWorkbook

    out = libreoffice_convert(soffice, source, "xlsx", outdir)
    return CalamineWorkbook.from_path(str(out)).get_sheet_by_name(sheet).to_python(skip_empty_area=False)
