"""The real extent of a sheet, read from its XML before python-calamine holds it as one block.

calamine gathers a sheet's cells and then allocates the whole rectangle from the first to the last one; a single
entry in XFD1048576 asks for 17 billion cells and the process aborts (a Rust allocation failure, not an
exception). The sheet's <dimension> cannot be trusted for that: it may be missing, stale or placed late. So the
XML is streamed once, in pieces, and every cell reference is bounded before calamine is asked for the sheet.

Written by hand because no library gives the extent without building the cells: the honest case (every `<c>`
and `<row>` carrying its `r` first, columns up to AZ and rows below 1,000,000, as Excel, LibreOffice and
openpyxl write them) is recognised in C by one search per piece; anything else, including a cell without `r`
(calamine places it after its neighbour), lowercase or quoted-oddly references and namespaced tags, is
measured exactly the way calamine places cells.
"""
from __future__ import annotations

import re
import zipfile
from html import unescape
from typing import Callable

from renja_xl.domain.errors import WorkbookError
from renja_xl.fileio.zip_members import inflated

# Inside this the honest case needs no counting: columns A to AZ (the widest table, Tabel 6, ends at AF), rows
# below a million; the rows it holds are bounded by the last <row> seen.
SAFE_ROWS, SAFE_COLS = 999_999, 52
_PIECE = 1 << 20
_MAX_TAG = 1 << 16  # a start tag longer than this is not a worksheet's

# A <c> or <row> start tag that is not in the honest form (r first, A-AZ and up to 6 digits): found by one
# search in C, with no Python work per cell in an honest file.
# Three searches, each with its own literal start (one pattern with alternatives tries every '<' of the XML, 4x
# slower); the third catches namespaced tags (and, harmlessly, a text like "10:c ").
_IRREGULAR = (re.compile(rb'<c(?! r="A?[A-Z][0-9]{1,6}")[\s/>]'), re.compile(rb'<row(?! r="[0-9]{1,6}")[\s/>]'),
              re.compile(rb':(?:c|row)[\s/>]'))
_TAG_START = re.compile(rb'<(?:[\w.-]+:)?(?:row|c)[\s/>]')
_TAG = re.compile(rb'''<(?:[\w.-]+:)?(row|c)(?=[\s/>])((?:[^>"']|"[^"]*"|'[^']*')*)>''')
_R_ATTR = re.compile(rb'(?:^|\s)r\s*=\s*(["\'])\s*([A-Za-z]*)([0-9]*)\s*\1')


def sheet_extent(zf: zipfile.ZipFile, part: str, label: str,
                 sink: Callable[[bytes, tuple[int, int, bool]], object] | None = None) -> tuple[int, int, bool]:
    """(last row, last column, exact) that calamine would hold for this sheet's cells; an honest sheet is only
    bounded (exact False: at most SAFE_COLS columns). Streams the part. `sink` is handed every piece inflated, in
    order, once it is measured, with the extent so far (of the XML up to the piece's last '<'): a reader that
    parses the sheet in halves writes them out on the way, and starts on the first before the second is read."""
    exact = _Exact(label)
    irregular = False
    tail = b""
    pieces = inflated(zf, zf.getinfo(part), _PIECE)
    while True:
        piece = next(pieces, b"")
        data = tail + piece
        tail = b""
        if piece:
            # From the last '<' on, the piece may end inside a tag (a '>' may stand in an attribute value,
            # so it proves nothing): that rest goes with the next piece, unless it is long, which only a
            # text can be.
            cut = data.rfind(b"<")
            if cut != -1 and len(data) - cut <= _MAX_TAG:
                data, tail = data[:cut], data[cut:]
            elif cut != -1 and _TAG_START.match(data, cut):
                raise WorkbookError(f"{label} rusak (tag XML terlalu panjang).")
        if not irregular and any(rx.search(data) for rx in _IRREGULAR):
            irregular = True
        if irregular:
            exact.feed(data)
        else:
            exact.honest(data)
        if sink is not None and piece:
            sink(piece, (exact.rows, exact.cols, irregular))
        if not piece:
            break
    return exact.rows, exact.cols, irregular


class _Exact:
    """Cell positions as calamine assigns them: the r attribute when there is one, else one after the last."""

    def __init__(self, label: str):
        self.label = label
        self.rows = self.cols = 0
        self.row = 0  # the current row (1-based) and the column of its last cell
        self.col = 0

    def honest(self, data: bytes) -> None:
        """Keep the position up to date cheaply while the sheet still looks honest (in case it stops being)."""
        at = data.rfind(b'<row r="')
        if at != -1:
            end = data.find(b'"', at + 8)
            if end != -1:
                self.row = int(data[at + 8:end])
                self.rows = max(self.rows, self.row)
        if self.rows:
            self.cols = self.col = SAFE_COLS

    def feed(self, data: bytes) -> None:
        for m in _TAG.finditer(data):
            ref = _R_ATTR.search(m.group(2))
            if m.group(1) == b"row":
                if ref is not None and ref.group(3) and not ref.group(2):
                    self.row = int(ref.group(3))
                elif ref is not None:
                    raise WorkbookError(f"{self.label} rusak: nomor baris '{ref.group(0).decode('latin-1')}'.")
                else:
                    self.row += 1
                self.col = 0
            else:
                if ref is not None:
                    letters, digits = ref.group(2), ref.group(3)
                    if not letters or not digits or len(letters) > 3:
                        raise WorkbookError(f"{self.label} rusak: alamat sel '{ref.group(0).decode('latin-1')}'.")
                    col = 0
                    for ch in letters.upper():
                        col = col * 26 + ch - 64
                    self.row, self.col = int(digits), col
                else:
                    self.col += 1
                    self.row = max(self.row, 1)
                self.cols = max(self.cols, self.col)
            self.rows = max(self.rows, self.row)


def count_tags(zf: zipfile.ZipFile, part: str) -> tuple[int, int]:
    """(rows, cells) a sheet's XML holds at most (its <row and <c tags, counted in C): what openpyxl would
    build as objects, known before it builds them."""
    rows = cells = 0
    tail = b""
    for piece in inflated(zf, zf.getinfo(part), _PIECE):  # a lying entry is refused here too
        data = tail + piece
        rows += data.count(b"<row")
        cells += data.count(b"<c")
        tail = data[-4:]
        rows -= tail.count(b"<row")  # counted again with the next piece
        cells -= tail.count(b"<c")
    return rows + tail.count(b"<row"), cells + tail.count(b"<c")


def sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its zip member, through xl/workbook.xml and its relationships."""
    rels = zf.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    targets = {}
    for m in re.finditer(r"<(?:\w+:)?Relationship\b([^>]*)/?>", rels):
        attrs = dict(re.findall(r'([\w:]+)="([^"]*)"', m.group(1)))
        target = attrs.get("Target", "")
        targets[attrs.get("Id")] = target.lstrip("/") if target.startswith("/") else "xl/" + target
    workbook = zf.read("xl/workbook.xml").decode("utf-8", "replace")
    parts = {}
    for m in re.finditer(r"<(?:\w+:)?sheet\b([^>]*)/?>", workbook):
        attrs = dict(re.findall(r'([\w:]+)="([^"]*)"', m.group(1)))
        rid = next((v for k, v in attrs.items() if k.endswith(":id")), None)
        if rid in targets:
            parts.setdefault(unescape(attrs.get("name", "")), targets[rid])
    return parts
