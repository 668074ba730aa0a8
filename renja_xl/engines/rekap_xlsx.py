"""Draw the rekap workbook (and the pagu template) with XlsxWriter: a new file the toolkit owns.

XlsxWriter rather than openpyxl (bench/README.md, rekap): it stores a formula together with its cached value,
so a reader that does not recompute (calamine, pandas, Excel's protected view) sees the totals, and Excel and
LibreOffice recompute the same numbers; it writes styles, frozen panes and native bar charts.

The data rows of the three tables (Ringkasan, Rekap Program, Temuan: 200k rows and more in a national rekap) are
not written through XlsxWriter's cell API: at ~14 us per cell (one Python call per cell, XML escaping, two regex
per text) it took most of the coordinator's CPU (bench/README.md, "Angka sesi 6"). They are written as row XML
with the package writer's own cell function (engines/ooxml/cellxml.py, ~3 us per cell) to a temporary file per
sheet while the results arrive, then spliced into the sheet part XlsxWriter made (title, headings, widths,
panes, styles) when the workbook is closed. Styles are XlsxWriter's formats, named by their XF index.
"""
from __future__ import annotations

import io
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable

from renja_xl.domain.layout import FIRST_DATA_ROW, HEADER_ROW, MONEY_FORMAT
from renja_xl.engines.ooxml.cellxml import ERRORS, cell
from renja_xl.engines.ooxml.refs import col_letter
from renja_xl.engines.ooxml.sheetxml import SheetStream
from renja_xl.fileio.sheet_extent import sheet_parts

TEXT_MAX = 32_767  # characters a cell holds (XlsxWriter cut longer texts so; the spliced rows do the same)
DEFLATE_LEVEL = 3  # the spliced sheets: as the package writer (engines/package_engine.py), measured in bench/README
_DIMENSION = re.compile(rb'<dimension ref="[^"]*"/>')


@dataclass
class SheetOut:
    name: str
    title: str
    note: str
    headers: list[str]
    widths: list[float]
    formats: list[str | None]  # number format per column
    rows: Iterable[tuple[list[Any], bool]]  # (cells, bold)
    freeze: tuple[int, int] | None = None  # (row, col), 0-based, as XlsxWriter's freeze_panes


@dataclass
class ChartOut:
    """The Grafik sheet: a table of label + series, and bar charts over column ranges of it."""
    name: str
    title: str
    headers: list[str]
    rows: list[list[Any]]
    charts: list[tuple[str, list[int], bool]] = field(default_factory=list)  # (title, 0-based columns, stacked)


class _Formats:
    """XlsxWriter formats by (number format, bold), made once each."""

    def __init__(self, wb):
        self.wb, self.cache = wb, {}
        self.title = wb.add_format({"bold": True, "font_size": 13})
        self.header = wb.add_format({"bold": True, "bg_color": "#D9E1F2", "text_wrap": True, "valign": "vcenter",
                                     "border": 1})

    def get(self, num: str | None, bold: bool):
        key = (num, bold)
        fmt = self.cache.get(key)
        if fmt is None:
            props: dict[str, Any] = {}
            if num:
                props["num_format"] = num
            if bold:
                props.update(bold=True, bg_color="#FFF2CC")
            fmt = self.cache[key] = self.wb.add_format(props) if props else None
        return fmt


def _number(value: Decimal | int | float) -> float | int:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


class RekapBook:
    """The rekap workbook, open while the results arrive: its sheets are added at once in their final order, and
    each is written when its rows are known (the Temuan as each workbook is merged, the Ringkasan and the Rekap
    Program at the end). XlsxWriter draws the workbook in memory (without the tables' data rows it is small);
    each table's rows go to its own temporary file, so rows of different sheets may be written in any
    interleaving, as long as each sheet's rows come in order; `close` splices them in."""

    def __init__(self, path: Path):
        import xlsxwriter

        self.path, self.drawn = Path(path), io.BytesIO()
        self.wb = xlsxwriter.Workbook(self.drawn, {"constant_memory": True, "strings_to_formulas": False,
                                                   "strings_to_urls": False, "tmpdir": str(self.path.parent)})
        self.fmts = _Formats(self.wb)
        self.sheets: list[SheetWriter] = []

    def sheet(self, name: str) -> "SheetWriter":
        writer = SheetWriter(self.wb.add_worksheet(name), self.fmts, name, self.path.parent)
        self.sheets.append(writer)
        return writer

    def grafik(self, g: ChartOut) -> None:
        _grafik(self.wb, self.fmts, g)

    def close(self) -> None:
        try:
            self.wb.close()
            rows = {s.name: s for s in self.sheets if s.rows is not None}
            with zipfile.ZipFile(self.drawn) as zin, zipfile.ZipFile(self.path, "w", zipfile.ZIP_DEFLATED) as zout:
                spliced = {part: rows[name] for name, part in sheet_parts(zin).items() if name in rows}
                for info in zin.infolist():
                    entry = zipfile.ZipInfo(info.filename, date_time=info.date_time)
                    entry.compress_type = zipfile.ZIP_DEFLATED
                    sheet = spliced.get(info.filename)
                    if sheet is None:
                        zout.writestr(entry, zin.read(info))
                        continue
                    setattr(entry, "compress_level" if hasattr(type(entry), "compress_level") else "_compresslevel",
                            DEFLATE_LEVEL)
                    with zin.open(info) as fh, zout.open(entry, "w", force_zip64=True) as out:
                        sheet.splice(SheetStream(fh, sheet.name), out)
        finally:
            for s in self.sheets:
                s.discard()


class SheetWriter:
    """One table sheet: `start` draws its heading (XlsxWriter), then `write` appends data rows (any number of
    calls) as row XML to a temporary file."""

    def __init__(self, ws, fmts: _Formats, name: str, tmpdir: Path):
        self.ws, self.fmts, self.name, self.tmpdir = ws, fmts, name, tmpdir
        self.row = FIRST_DATA_ROW - 1  # the last row written (1-based)
        self.width = 0
        self.plain: list[str | None] = []
        self.bolds: list[str | None] = []
        self.rows = None  # the temporary file of the data rows' XML, once started

    def start(self, spec: SheetOut) -> "SheetWriter":
        _heading(self.ws, self.fmts, spec.title, spec.note, spec.headers, spec.widths)
        if spec.freeze:
            self.ws.freeze_panes(*spec.freeze)
        formats = spec.formats + [None] * (len(spec.headers) - len(spec.formats))
        self.plain = [_xf(self.fmts.get(f, False)) for f in formats]
        self.bolds = [_xf(self.fmts.get(f, True)) for f in formats]
        self.width = len(spec.headers)
        self.rows = tempfile.TemporaryFile(dir=self.tmpdir)
        return self

    def write(self, rows: Iterable[tuple[list[Any], bool]]) -> None:
        r, out, letters = self.row, [], _LETTERS
        for cells, bold in rows:
            r += 1
            style = self.bolds if bold else self.plain
            rs = str(r)
            xml = [f'<row r="{rs}">']
            for j, value in enumerate(cells):
                if value is None:  # a blank, as XlsxWriter's write_blank: styled in a bold row, else no cell
                    if bold and style[j]:
                        xml.append(f'<c r="{letters[j]}{rs}" s="{style[j]}"/>')
                    continue
                if value.__class__ is str:
                    if len(value) > TEXT_MAX:
                        value = value[:TEXT_MAX]
                    elif value in ERRORS:  # a text such as '#N/A' (a finding may quote one) stays text, as before
                        sattr = f' s="{style[j]}"' if style[j] else ""
                        xml.append(f'<c r="{letters[j]}{rs}"{sattr} t="inlineStr"><is><t>{value}</t></is></c>')
                        continue
                xml.append(cell(letters[j] + rs, value, style[j]))
            xml.append("</row>")
            out.append("".join(xml))
            if len(out) >= 2048:
                self.rows.write("".join(out).encode())
                out = []
        if out:
            self.rows.write("".join(out).encode())
        self.row = r

    def splice(self, stream: SheetStream, out) -> None:
        """The sheet part XlsxWriter drew, with the data rows after its heading rows and the used range grown."""
        last = max(self.row, HEADER_ROW)
        out.write(_DIMENSION.sub(f'<dimension ref="A1:{col_letter(self.width)}{last}"/>'.encode(), stream.head, 1))
        out.write(b"<sheetData>")
        for _, row in stream.rows():
            out.write(row)
        self.rows.seek(0)
        shutil.copyfileobj(self.rows, out, 1 << 20)
        out.write(b"</sheetData>" + stream.tail())

    def discard(self) -> None:
        if self.rows is not None:
            self.rows.close()


_LETTERS = [col_letter(j + 1) for j in range(64)]


def _xf(fmt) -> str | None:
    """A format's index in the workbook's cell styles (what XlsxWriter writes as s="..."); asking assigns it, so
    the format is in styles.xml although no cell was written with it through XlsxWriter's API."""
    return None if fmt is None else str(fmt._get_xf_index())


def _heading(ws, fmts: _Formats, title: str, note: str, headers: list[str], widths: list[float]) -> None:
    for j, w in enumerate(widths):
        ws.set_column(j, j, w)
    ws.write_string(0, 0, title, fmts.title)
    if note:
        ws.write_string(1, 0, note)
    for j, h in enumerate(headers):
        ws.write_string(HEADER_ROW - 1, j, h, fmts.header)


def _grafik(wb, fmts: _Formats, g: ChartOut) -> None:
    ws = wb.add_worksheet(g.name)
    _heading(ws, fmts, g.title, "", [], [36] + [18] * (len(g.headers) - 1))
    money = fmts.get(MONEY_FORMAT, False)
    header_row = 1
    for j, h in enumerate(g.headers):
        ws.write_string(header_row, j, h, fmts.header)
    for i, row in enumerate(g.rows, start=header_row + 1):
        for j, v in enumerate(row):
            if isinstance(v, str):
                ws.write_string(i, j, v)
            else:
                ws.write_number(i, j, _number(v), money if j in (1, 2) else None)
    n = len(g.rows)
    first, last = header_row + 1, header_row + n
    height = max(360, 20 * n + 120)  # pixels: one bar group per perangkat daerah stays readable
    top = 1
    for title, cols, stacked in g.charts:
        chart = wb.add_chart({"type": "bar", "subtype": "stacked"} if stacked else {"type": "bar"})
        for col in cols:
            chart.add_series({"name": [g.name, header_row, col], "categories": [g.name, first, 0, last, 0],
                              "values": [g.name, first, col, last, col]})
        chart.set_title({"name": title})
        chart.set_y_axis({"reverse": True})  # first perangkat daerah on top, as in the table
        chart.set_x_axis({"num_format": "#,##0" if not stacked else "0"})
        chart.set_size({"width": 900, "height": height})
        ws.insert_chart(top, len(g.headers) + 1, chart)
        top += height // 20 + 2


# ---------------------------------------------------------------- the pagu template

def write_pagu_template(path: Path, sheet: str, title: str, note: str, headers: list[str], widths: list[float],
                        petunjuk: list[str]) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    try:
        fmts = _Formats(wb)
        ws = wb.add_worksheet(sheet)
        _heading(ws, fmts, title, note, headers, widths)
        money_col = next(j for j, h in enumerate(headers) if "(Rp)" in h)
        ws.set_column(money_col, money_col, widths[money_col], wb.add_format({"num_format": MONEY_FORMAT}))
        ws.freeze_panes(FIRST_DATA_ROW - 1, 0)
        info = wb.add_worksheet("Petunjuk")
        info.set_column(0, 0, 110)
        for i, line in enumerate(petunjuk):
            info.write_string(i, 0, line)
    finally:
        wb.close()
