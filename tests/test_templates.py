"""The committed workbooks of templates_xlsx/ are what the code builds today, byte for byte: rebuilding with
nothing changed leaves `git status` clean (fixed save time in docProps/core.xml and fixed zip entry dates)."""
from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from renja_xl.build.templates import EXAMPLE_NAME, TEMPLATE_NAME, build_all

COMMITTED = Path(__file__).resolve().parents[1] / "templates_xlsx"


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


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
    assert (rebuilt / name).read_bytes() == (COMMITTED / name).read_bytes()  # entry dates and order too


def test_two_builds_are_byte_identical(rebuilt: Path, tmp_path: Path) -> None:
    again = build_all(tmp_path)
    for path in again:
        assert path.read_bytes() == (rebuilt / path.name).read_bytes(), path.name
    with zipfile.ZipFile(again[0]) as zf:
        assert {i.date_time for i in zf.infolist()} == {(2024, 1, 1, 0, 0, 0)}
        assert b"2024-01-01T00:00:00Z" in zf.read("docProps/core.xml")


def test_template_has_every_sheet_of_the_layout(rebuilt: Path) -> None:
    from python_calamine import CalamineWorkbook

    from renja_xl.domain.layout import SHEETS

    names = CalamineWorkbook.from_path(str(rebuilt / TEMPLATE_NAME)).sheet_names
    assert names == [s.name for s in SHEETS]
