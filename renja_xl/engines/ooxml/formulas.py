"""The formulas of a worksheet part: python-calamine gives cached values only (it has no formula API), so the
cells holding <f> are found in the XML, scanned in pieces (the text search runs in C)."""
from __future__ import annotations

import html
import re
import zipfile

from renja_xl.engines.ooxml.refs import col_index, col_index_of_bytes, col_letter
from renja_xl.engines.ooxml.sheetxml import SheetStream
from renja_xl.fileio.zip_members import MemberReader

_CELL_REF = re.compile(rb'<c\b[^>]*?\sr="([A-Z]{1,3})([0-9]+)"')
_ATTR = re.compile(rb'([\w:]+)="([^"]*)"')


class SheetFormulas:
    """(row, col) -> formula text ('=...'), shared formulas expanded; `shared` the cells written as a shared
    formula, `arrays` the ranges of array formulas."""

    def __init__(self) -> None:
        self.cells: dict[tuple[int, int], str] = {}
        self.shared: set[tuple[int, int]] = set()
        self.arrays: list[tuple[int, int, str]] = []


# a cell whose first child is a plain formula, as Excel, LibreOffice and openpyxl write it (possessive: the
# attributes are never given back, so a cell without a formula fails at once)
_PLAIN = re.compile(rb'<c r="([A-Z]{1,3})([0-9]+)"[^>]*+><f>([^<]*)</f>')
_EQUALS = "=".__add__


def scan(zf: zipfile.ZipFile, part: str, name: str) -> SheetFormulas:
    """Pieces of ~1 MB cut at a row's end: plain formulas by one regex pass, the rest (shared, array, other
    attribute orders) cell by cell."""
    out = SheetFormulas()
    masters: dict[bytes, tuple[str, int, int]] = {}
    pending: list[tuple[bytes, int, int]] = []
    cells = out.cells
    with MemberReader(zf, part) as fh:
        stream = SheetStream(fh, name)
        if stream.empty:
            return out
        carry = stream.buf[stream.pos:]
        while True:
            chunk = fh.read(1 << 20)
            data = carry + chunk
            cut = len(data) if not chunk else data.rfind(b"</row>") + 6
            if cut < 6:
                carry = data
                continue
            piece, carry = data[:cut], data[cut:]
            end = piece.find(b"</sheetData>")
            if end >= 0:
                piece = piece[:end]
            total = piece.count(b"<f")
            if total:
                plain = _PLAIN.findall(piece)
                if plain:
                    # in C, not per cell in Python (~6 us a formula was most of this scan: 100k of them at 100k rows)
                    letters, digits, texts = zip(*plain)
                    strings = map(bytes.decode, texts)
                    if b"&" in piece:
                        strings = map(html.unescape, strings)
                    cells.update(zip(zip(map(int, digits), map(col_index_of_bytes, letters)), map(_EQUALS, strings)))
                if len(plain) != total:
                    _scan_row(piece, out, masters, pending)
            if end >= 0 or not chunk:
                break
    if pending:
        _expand_shared(out, masters, pending)
    return out


def _scan_row(row: bytes, out: SheetFormulas, masters: dict, pending: list) -> None:
    i = row.find(b"<f")
    while i >= 0:
        nxt = row[i + 2:i + 3]
        if nxt not in (b">", b" ", b"/"):
            i = row.find(b"<f", i + 2)
            continue
        start = row.rfind(b"<c", 0, i)
        m = _CELL_REF.match(row, start)
        gt = row.find(b">", i)
        if m is None or gt < 0:
            i = row.find(b"<f", i + 2)
            continue
        r, c = int(m.group(2)), col_index(m.group(1).decode())
        attrs = dict(_ATTR.findall(row, i, gt))
        if row[gt - 1] == 47:  # <f .../>: a shared formula's dependent
            text = None
            end = gt + 1
        else:
            end = row.find(b"</f>", gt)
            text = html.unescape(row[gt + 1:end].decode("utf-8"))
        kind = attrs.get(b"t")
        if kind == b"shared":
            out.shared.add((r, c))
            si = attrs.get(b"si", b"")
            if text:
                masters[si] = (text, r, c)
                out.cells[(r, c)] = "=" + text
            else:
                pending.append((si, r, c))
        elif text is not None:
            out.cells[(r, c)] = "=" + text
            if kind == b"array":
                out.arrays.append((r, c, attrs.get(b"ref", b"").decode()))
        i = row.find(b"<f", end)


def _expand_shared(out: SheetFormulas, masters: dict, pending: list) -> None:
    from openpyxl.formula.translate import Translator  # translating A1 references is openpyxl's, not ours

    translators: dict[bytes, Translator] = {}
    for si, r, c in pending:
        master = masters.get(si)
        if master is None:
            continue
        t = translators.get(si)
        if t is None:
            text, mr, mc = master
            t = translators[si] = Translator("=" + text, origin=f"{col_letter(mc)}{mr}")
        out.cells[(r, c)] = t.translate_formula(f"{col_letter(c)}{r}")
