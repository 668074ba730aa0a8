"""Draw the rekap workbook (and the pagu template) with XlsxWriter: a new file the toolkit owns.

XlsxWriter rather than openpyxl (bench/README.md, rekap): it stores a formula together with its cached value
(`write_formula(..., value)`), so a reader that does not recompute (calamine, pandas, Excel's protected view)
sees the totals, and Excel and LibreOffice recompute the same numbers; in `constant_memory` mode it streams each
row to disk, so a national Rekap Program of 200k rows is never held as cells; and it writes ~4x faster than
openpyxl's write-only mode (whose formulas always carry an empty `<v></v>`, which had to be patched in the zip
afterwards). Native bar charts come from the same library.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable

from renja_xl.domain.layout import FIRST_DATA_ROW, HEADER_ROW, MONEY_FORMAT


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
    Program at the end). constant_memory flushes every sheet row by row to its own temporary file, so rows of
    different sheets may be written in any interleaving, as long as each sheet's rows come in order."""

    def __init__(self, path: Path):
        import xlsxwriter

        self.wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False,
                                                  "strings_to_urls": False, "tmpdir": str(path.parent)})
        self.fmts = _Formats(self.wb)

    def sheet(self, name: str) -> "SheetWriter":
        return SheetWriter(self.wb.add_worksheet(name), self.fmts)

    def grafik(self, g: ChartOut) -> None:
        _grafik(self.wb, self.fmts, g)

    def close(self) -> None:
        self.wb.close()


class SheetWriter:
    """One sheet: `start` writes its heading, then `write` appends data rows (any number of calls)."""

    def __init__(self, ws, fmts: _Formats):
        self.ws, self.fmts = ws, fmts
        self.row = FIRST_DATA_ROW - 1
        self.plain: list = []
        self.bolds: list = []

    def start(self, spec: SheetOut) -> "SheetWriter":
        _heading(self.ws, self.fmts, spec.title, spec.note, spec.headers, spec.widths)
        if spec.freeze:
            self.ws.freeze_panes(*spec.freeze)
        formats = spec.formats + [None] * (len(spec.headers) - len(spec.formats))
        self.plain = [self.fmts.get(f, False) for f in formats]
        self.bolds = [self.fmts.get(f, True) for f in formats]
        return self

    def write(self, rows: Iterable[tuple[list[Any], bool]]) -> None:
        ws, r = self.ws, self.row
        write_string, write_number, write_formula = ws.write_string, ws.write_number, ws.write_formula
        for cells, bold in rows:
            style = self.bolds if bold else self.plain
            for j, value in enumerate(cells):
                if value is None:
                    if bold:
                        ws.write_blank(r, j, None, style[j])
                elif value.__class__ is str:
                    write_string(r, j, value, style[j])
                elif isinstance(value, Formula):
                    write_formula(r, j, value.text, style[j], _number(value.value))
                elif isinstance(value, str):
                    write_string(r, j, value, style[j])
                else:
                    write_number(r, j, _number(value), style[j])
            r += 1
        self.row = r


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
