"""Draw the rekap workbook (and the pagu template) with openpyxl: a new file the toolkit owns.

openpyxl's write-only mode streams rows to disk, so a national Rekap Program of 200k rows is never held as
cells. openpyxl writes every formula with an empty cached value (`<f>..</f><v></v>`); a reader that does not
recompute (calamine, pandas, SIPD imports, Excel's protected view) would see blanks. So the formulas' values, which
the toolkit computes exactly anyway, are put into the sheet XML afterwards (`_fill_cached`): one streaming pass
over each sheet part, replacing `<v></v>` of the cells that have a value (no library writes cached values with
openpyxl, and XlsxWriter cannot add native charts to an existing zip).
"""
from __future__ import annotations

import re
import shutil
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from renja_xl.domain.layout import FIRST_DATA_ROW, HEADER_ROW, MONEY_FORMAT

HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
PARENT_FILL = PatternFill("solid", fgColor="FFF2CC")
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=13)


@dataclass(frozen=True)
class Formula:
    """A live formula and the value Excel computes for it (written as its cached value)."""
    text: str  # with the leading '='
    value: Decimal | int


@dataclass
class SheetOut:
    name: str
    title: str
    note: str
    headers: list[str]
    widths: list[float]
    formats: list[str | None]  # number format per column
    rows: Iterable[tuple[list[Any], bool]]  # (cells, bold)
    freeze: str | None = None


@dataclass
class ChartOut:
    """The Grafik sheet: a table of label + series, and bar charts over column ranges of it."""
    name: str
    title: str
    headers: list[str]
    rows: list[list[Any]]
    charts: list[tuple[str, list[int], bool]] = field(default_factory=list)  # (title, 1-based columns, stacked)


def write_rekap(path: Path, sheets: list[SheetOut], grafik: ChartOut | None) -> None:
    """Write the workbook to `path` (the caller saves atomically), formulas with their cached values."""
    wb = Workbook(write_only=True)
    cached: dict[int, dict[str, str]] = {}
    for n, spec in enumerate(sheets, start=1):
        cached[n] = _sheet(wb, spec)
    if grafik is not None:
        _grafik(wb, grafik)
    raw = path.with_name(path.name + ".mentah")
    try:
        wb.save(raw)
        _fill_cached(raw, path, cached)
    finally:
        raw.unlink(missing_ok=True)


def _sheet(wb: Workbook, spec: SheetOut) -> dict[str, str]:
    ws = wb.create_sheet(spec.name)
    for j, w in enumerate(spec.widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = w
    if spec.freeze:
        ws.freeze_panes = spec.freeze
    title = WriteOnlyCell(ws, spec.title)
    title.font = TITLE
    ws.append([title])
    ws.append([spec.note])
    header = []
    for h in spec.headers:
        c = WriteOnlyCell(ws, h)
        c.font, c.fill, c.alignment = BOLD, HEADER_FILL, Alignment(wrap_text=True, vertical="center")
        header.append(c)
    ws.append(header)
    cached: dict[str, str] = {}
    letters = [get_column_letter(j) for j in range(1, len(spec.headers) + 1)]
    formats = spec.formats
    for r, (cells, bold) in enumerate(spec.rows, start=FIRST_DATA_ROW):
        line = []
        for j, value in enumerate(cells):
            if isinstance(value, Formula):
                cached[f"{letters[j]}{r}"] = _number_text(value.value)
                value = value.text
            fmt = formats[j] if j < len(formats) else None
            if bold or fmt:
                c = WriteOnlyCell(ws, value)
                if fmt:
                    c.number_format = fmt
                if bold:
                    c.font, c.fill = BOLD, PARENT_FILL
                value = c
            line.append(value)
        ws.append(line)
    return cached


def _number_text(value: Decimal | int) -> str:
    d = Decimal(value)
    return str(int(d)) if d == d.to_integral_value() else format(d.normalize(), "f")


def _grafik(wb: Workbook, g: ChartOut) -> None:
    ws = wb.create_sheet(g.name)
    ws.column_dimensions["A"].width = 36
    title = WriteOnlyCell(ws, g.title)
    title.font = TITLE
    ws.append([title])
    ws.append(g.headers)
    for row in g.rows:
        ws.append([WriteOnlyCell(ws, v) if j else v for j, v in enumerate(row)])
    n = len(g.rows)
    height = max(7.5, 0.5 * n + 3)  # cm: one bar group per perangkat daerah stays readable
    anchor_col = get_column_letter(len(g.headers) + 2)
    top = 2
    for chart_title, cols, stacked in g.charts:
        ch = BarChart()
        ch.type = "bar"
        ch.title = chart_title
        ch.height, ch.width = height, 22
        if stacked:
            ch.grouping, ch.overlap = "stacked", 100
        for col in cols:
            ch.add_data(Reference(ws, min_col=col, min_row=2, max_row=2 + n), titles_from_data=True)
        ch.set_categories(Reference(ws, min_col=1, min_row=3, max_row=2 + n))
        ch.y_axis.numFmt = MONEY_FORMAT if not stacked else "0"
        ch.x_axis.scaling.orientation = "maxMin"  # first perangkat daerah on top, as in the table
        ws.add_chart(ch, f"{anchor_col}{top}")
        top += int(height / 0.5) + 2


_CELL = re.compile(rb'<c r="([A-Z]+[0-9]+)"([^>]*)><f>([^<]*)</f><v\s*>\s*</v></c>|<c r="([A-Z]+[0-9]+)"([^>]*)>'
                   rb'<f>([^<]*)</f><v\s*/></c>')
_CHUNK = 1 << 20


def _fill_cached(raw: Path, out: Path, cached: dict[int, dict[str, str]]) -> None:
    """Copy the zip, writing the cached value into each formula cell of `cached` (sheet number -> cell -> value)."""
    with zipfile.ZipFile(raw) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            m = re.fullmatch(r"xl/worksheets/sheet([0-9]+)\.xml", info.filename)
            values = cached.get(int(m.group(1))) if m else None
            if not values:
                with zin.open(info) as src, zout.open(info.filename, "w") as dst:
                    shutil.copyfileobj(src, dst, _CHUNK)
                continue
            with zin.open(info) as src, zout.open(info.filename, "w") as dst:
                _stream_replace(src, dst, values)


def _stream_replace(src, dst, values: dict[str, str]) -> None:
    def fill(m: re.Match) -> bytes:
        ref, attrs, formula = (m.group(1), m.group(2), m.group(3)) if m.group(1) else (m.group(4), m.group(5),
                                                                                         m.group(6))
        v = values.get(ref.decode())
        if v is None:
            return m.group(0)
        return b'<c r="' + ref + b'"' + attrs + b"><f>" + formula + b"</f><v>" + v.encode() + b"</v></c>"

    carry = b""
    while True:
        chunk = src.read(_CHUNK)
        data = carry + chunk
        if not chunk:
            dst.write(_CELL.sub(fill, data))
            return
        cut = data.rfind(b"</c>")  # a cell never spans the cut: replace up to the last complete cell
        if cut < 0:
            carry = data
            continue
        cut += 4
        dst.write(_CELL.sub(fill, data[:cut]))
        carry = data[cut:]


# ---------------------------------------------------------------- the pagu template

def write_pagu_template(path: Path, sheet: str, title: str, note: str, headers: list[str], widths: list[float],
                        petunjuk: list[str]) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws["A1"], ws["A2"] = title, note
    ws["A1"].font = TITLE
    for j, (h, w) in enumerate(zip(headers, widths), start=1):
        c = ws.cell(HEADER_ROW, j, h)
        c.font, c.fill = BOLD, HEADER_FILL
        ws.column_dimensions[get_column_letter(j)].width = w
    money_col = get_column_letter(headers.index(next(h for h in headers if "(Rp)" in h)) + 1)
    for r in range(FIRST_DATA_ROW, FIRST_DATA_ROW + 200):
        ws[f"{money_col}{r}"].number_format = MONEY_FORMAT
        ws[f"A{r}"].number_format = "@"
    ws.freeze_panes = f"A{FIRST_DATA_ROW}"
    info = wb.create_sheet("Petunjuk")
    info.column_dimensions["A"].width = 110
    for i, line in enumerate(petunjuk, start=1):
        info.cell(i, 1, line)
    wb.save(path)
