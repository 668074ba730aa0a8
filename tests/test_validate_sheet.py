"""The Validasi sheet: links to the cells (checked by LibreOffice), sorted by severity, replaced wholesale;
created in a workbook of an older template; written by `renja-xl validate --tulis`."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from renja_xl.frontends.cli import main
from renja_xl.engines.calamine_engine import CalamineBook
from renja_xl.engines.openpyxl_engine import OpenpyxlBook
from renja_xl.domain.findings import SEVERITY_LABELS, Finding
from renja_xl.domain.layout import FIRST_DATA_ROW, HEADER_ROW, NOTE_ROW, sheet
from renja_xl.workbook.validation import hyperlink, validasi_rows, validate_grid, write_validasi

from conftest import libreoffice_convert

V = sheet("validasi")


@pytest.fixture(autouse=True)
def empty_store(tmp_path, monkeypatch):
    monkeypatch.setenv("RENJA_XL_HOME", str(tmp_path / "home"))


def _copy(example_path: Path, tmp_path: Path, name: str = "renja.xlsx") -> Path:
    path = tmp_path / name
    shutil.copy(example_path, path)
    return path


def _data_rows(path: Path) -> list[list]:
    block = CalamineBook(path).read(V.name)
    return [r for r in block[FIRST_DATA_ROW - 1:] if any(v not in (None, "") for v in r)]


def test_hyperlink_formula() -> None:
    assert hyperlink("Tabel 6 Rencana Kerja", "G5:G9") == '=HYPERLINK("#\'Tabel 6 Rencana Kerja\'!G5:G9","G5:G9")'
    assert hyperlink("O'Brien", "B2") == '=HYPERLINK("#\'O\'\'Brien\'!B2","B2")'
    assert hyperlink("Identitas", "A") == '=HYPERLINK("#\'Identitas\'!A1","A")'  # a column only: the sheet's top


def test_hostile_text_is_never_written_as_a_formula() -> None:
    f = Finding("kode.format", "error", "Tabel 4 Rancangan", "B7", '=HYPERLINK("http://x")', "=1+1 kode salah")
    row = validasi_rows([f])[0]
    assert not str(row[5]).startswith("=") and not str(row[6]).startswith("=")


@pytest.mark.libreoffice
def test_validasi_sheet_links_sorted_and_replaced(example_path: Path, tmp_path: Path, soffice: str) -> None:
    path = _copy(example_path, tmp_path)
    findings = validate_grid(CalamineBook(path))
    book = OpenpyxlBook(path)
    assert write_validasi(book, findings) == len(findings)
    book.save()

    ws = OpenpyxlBook(path).wb[V.name]
    first = [ws.cell(FIRST_DATA_ROW, j).value for j in range(1, 8)]
    assert first[:4] == [1, "Galat", "uang.alokasi_induk", "Tabel 6 Rencana Kerja"]
    assert first[4] == '=HYPERLINK("#\'Tabel 6 Rencana Kerja\'!G4","G4")'
    assert "galat" in ws.cell(NOTE_ROW, 1).value and [c.value for c in ws[HEADER_ROW]][:7] == [c.header for c in V.columns]

    # LibreOffice evaluates the links: each shows its cell
    out = libreoffice_convert(soffice, path, "xlsx", tmp_path / "lo")
    rows = _data_rows(out)
    assert len(rows) == len(findings)
    assert [r[4] for r in rows] == [f.cell or f.sheet for f in findings]
    order = list(SEVERITY_LABELS.values())
    labels = [r[1] for r in rows]
    assert labels == sorted(labels, key=order.index)

    # a second run with fewer findings leaves no stale row behind
    book = OpenpyxlBook(path)
    write_validasi(book, findings[:2])
    book.save()
    assert [r[2] for r in _data_rows(path)] == [f.rule for f in findings[:2]]


def test_validasi_sheet_is_created_in_an_older_workbook(example_path: Path, tmp_path: Path) -> None:
    path = _copy(example_path, tmp_path)
    book = OpenpyxlBook(path)
    book.wb.remove(book.wb[V.name])
    book.wb.remove(book.wb[sheet("pengaturan").name])
    book.save()
    book = OpenpyxlBook(path)
    findings = validate_grid(book)  # no settings sheet: defaults
    assert any(f.rule == "uang.alokasi_induk" and f.severity == "error" for f in findings)
    write_validasi(book, findings)
    book.save()
    block = CalamineBook(path).read(V.name)
    assert block[HEADER_ROW - 1][:7] == [c.header for c in V.columns]
    assert len(_data_rows(path)) == len(findings)


def test_cli_validate_writes_the_sheet_with_a_backup(example_path: Path, tmp_path: Path) -> None:
    path = _copy(example_path, tmp_path)
    before = {n: CalamineBook(path).read(n) for n in CalamineBook(path).sheet_names() if n != V.name}
    result = CliRunner().invoke(main, ["validate", str(path), "--tulis"])
    assert result.exit_code == 1, result.output
    assert "ditulis ke sheet 'Validasi'" in result.output and "5 galat" in result.output
    assert list((tmp_path / "cadangan").glob("renja-*.xlsx"))
    rows = _data_rows(path)
    assert len(rows) == len(result.output.strip().splitlines()) - 2  # one per finding; the note and the count
    after = {n: CalamineBook(path).read(n) for n in CalamineBook(path).sheet_names() if n != V.name}
    assert after == before  # nothing but the Validasi sheet changed


def test_cli_validate_without_errors_exits_zero(tmp_path: Path) -> None:
    from test_validate import base, make_book

    path = tmp_path / "bersih.xlsx"
    make_book(base(), path).save()
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert "0 galat, 0 peringatan, 1 info." in result.output
