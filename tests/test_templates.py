"""The committed workbooks of templates_xlsx/ are what the code builds today (compared part by part)."""
from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from renja_xl.build.templates import EXAMPLE_NAME, TEMPLATE_NAME, build_all

COMMITTED = Path(__file__).resolve().parents[1] / "templates_xlsx"
VOLATILE = {"docProps/core.xml"}  # save time stamps


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist() if n not in VOLATILE}


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("rebuilt")
    build_all(folder)
    return folder


@pytest.mark.parametrize("name", [TEMPLATE_NAME, EXAMPLE_NAME])
def test_committed_workbook_is_current(rebuilt: Path, name: str) -> None:
    fresh, committed = parts(rebuilt / name), parts(COMMITTED / name)
    assert sorted(fresh) == sorted(committed)
    stale = [n for n in fresh if fresh[n] != committed[n]]
    assert not stale, f"{name} basi ({stale}); jalankan: python -m renja_xl.build.templates"


def test_template_has_every_sheet_of_the_layout(rebuilt: Path) -> None:
    from python_calamine import CalamineWorkbook

    from renja_xl.domain.layout import SHEETS

    names = CalamineWorkbook.from_path(str(rebuilt / TEMPLATE_NAME)).sheet_names
    assert names == [s.name for s in SHEETS]
