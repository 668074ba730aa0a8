"""The rekap writer's spliced rows (engines/rekap_xlsx.py): row XML from ooxml/cellxml spliced into the sheet parts
XlsxWriter draws. Each value kind must read back, in calamine and in openpyxl, exactly as XlsxWriter's own cell
API writes it (the writer the rows replaced), with the same number formats and bold rows."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
import xlsxwriter
from python_calamine import CalamineWorkbook

from renja_xl.domain.formula import Formula
from renja_xl.domain.layout import FIRST_DATA_ROW, MONEY_FORMAT
from renja_xl.engines.rekap_xlsx import TEXT_MAX, RekapBook, SheetOut, _Formats, _heading, _number

HEADERS = ["Kode", "Uraian", "Pagu (Rp)", "Baris", "Catatan"]
FORMATS = [None, None, MONEY_FORMAT, "0", None]
ROWS = [
    (["1", "URUSAN & <BIDANG> \"x\" 'y'", Formula("=SUBTOTAL(9,C5:C8)", Decimal(3_000_000_000)), None, None], True),
    (["1.01.02.2.01.0003", "  spasi di depan dan belakang  ", Decimal(1_250_000_000), 12, "é – ✓ 中文"], False),
    (["1.01.02.2.01.0004", "kendali \x01 dan _x0041_ harfiah", Decimal("1750000000.50"), 13, "\ttab"], False),
    (["1.01.02.2.01.0005", "=SUM(A1:A2) sebagai teks", Decimal("-0.25"), 0, ""], False),
    (["1.01.02.2.01.0006", "x" * (TEXT_MAX + 10), 0, None, "#N/A"], False),
    ([None, "JUMLAH", Formula("=SUBTOTAL(9,C4:C8)", Decimal(3_000_000_000)), "", None], True),
]


def _spliced(path: Path) -> None:
    book = RekapBook(path)
    try:
        sheet = book.sheet("Data")
        other = book.sheet("Kedua")  # rows of two sheets interleaved, each in order
        sheet.start(SheetOut("Data", "JUDUL", "catatan", HEADERS, [10] * 5, FORMATS, [], freeze=(3, 1)))
        other.start(SheetOut("Kedua", "JUDUL 2", "", HEADERS, [10] * 5, FORMATS, []))
        for row in ROWS:
            sheet.write([row])
            other.write([row, row])
    finally:
        book.close()


def _cell_api(path: Path) -> None:
    """The same rows through XlsxWriter's cell API, as the rekap wrote them before (session 5)."""
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False,
                                         "strings_to_urls": False})
    fmts = _Formats(wb)
    for name, title, note, times in (("Data", "JUDUL", "catatan", 1), ("Kedua", "JUDUL 2", "", 2)):
        ws = wb.add_worksheet(name)
        _heading(ws, fmts, title, note, HEADERS, [10] * 5)
        r = FIRST_DATA_ROW - 1
        for cells, bold in [row for row in ROWS for _ in range(times)]:
            for j, value in enumerate(cells):
                style = fmts.get(FORMATS[j], bold)
                if value is None:
                    if bold:
                        ws.write_blank(r, j, None, style)
                elif isinstance(value, Formula):
                    ws.write_formula(r, j, str(value), style, _number(value.value))
                elif isinstance(value, str):
                    ws.write_string(r, j, value, style)
                else:
                    ws.write_number(r, j, _number(value), style)
            r += 1
    wb.close()


def _calamine(path: Path) -> dict[str, list]:
    wb = CalamineWorkbook.from_path(str(path))
    return {n: wb.get_sheet_by_name(n).to_python(skip_empty_area=False) for n in wb.sheet_names}


def _openpyxl(path: Path) -> dict[str, list]:
    wb = openpyxl.load_workbook(path)
    return {ws.title: [[(c.value, c.number_format, bool(c.font.bold), c.fill.fgColor.rgb) for c in row]
                       for row in ws.iter_rows()] for ws in wb.worksheets}


def test_spliced_rows_read_as_xlsxwriters_cell_api_writes_them(tmp_path):
    ours, theirs = tmp_path / "ours.xlsx", tmp_path / "theirs.xlsx"
    _spliced(ours)
    _cell_api(theirs)
    assert _calamine(ours) == _calamine(theirs)
    assert _openpyxl(ours) == _openpyxl(theirs)
    data = _calamine(ours)["Data"]
    assert len(data) == FIRST_DATA_ROW - 1 + len(ROWS)
    assert data[FIRST_DATA_ROW - 1][2] == 3_000_000_000  # the formula's cached value
    assert data[FIRST_DATA_ROW][1] == "  spasi di depan dan belakang  "
    assert data[FIRST_DATA_ROW + 1][1] == "kendali \x01 dan _x0041_ harfiah"
    assert data[FIRST_DATA_ROW + 2][1] == "=SUM(A1:A2) sebagai teks"
    assert len(data[FIRST_DATA_ROW + 3][1]) == TEXT_MAX and data[FIRST_DATA_ROW + 3][4] == "#N/A"


def test_spliced_sheet_keeps_heading_panes_and_used_range(tmp_path):
    path = tmp_path / "ours.xlsx"
    _spliced(path)
    wb = openpyxl.load_workbook(path)
    ws = wb["Data"]
    assert ws.freeze_panes == "B4"
    assert ws["A1"].value == "JUDUL" and ws["A3"].value == "Kode" and ws["A3"].font.bold
    assert ws.dimensions == f"A1:E{FIRST_DATA_ROW - 1 + len(ROWS)}"
    assert wb["Kedua"].dimensions == f"A1:E{FIRST_DATA_ROW - 1 + 2 * len(ROWS)}"
    assert ws["C4"].value == "=SUBTOTAL(9,C5:C8)" and ws["C4"].number_format == MONEY_FORMAT
    assert ws["A5"].data_type == "s" and ws["D5"].value == 12
