"""A large sheet parsed by python-calamine in two halves at once, one per core.

calamine parses a sheet on one thread (releasing the GIL while it does): the 77 MB XML of a 100k-row Tabel 6 takes
~2 s, most of the time of reading the file, while the second core waits. The rows of a sheet are independent, so
its XML is cut at a `<row` near the middle, and each half becomes the one sheet of a small uncompressed workbook of
its own in the temporary folder (with the original's shared strings, styles and date system, so every value reads
as it would from the original); the two are parsed on two threads and their blocks joined by row number.

Written by hand because neither calamine nor another reader parses one sheet on two cores. Only an honest sheet
(every cell and row carrying its reference, as sheet_extent recognises it) is cut; anything unusual is parsed
whole, as before.
"""
from __future__ import annotations

import os
import re
import tempfile
import threading
import zipfile
from pathlib import Path
from typing import Any, Callable

# Sheet XML (uncompressed) from which a sheet is parsed in halves: ~25,000 Tabel 6 rows. Below it the two files
# and the second thread cost about as much as they save.
SPLIT_SIZE = 24 << 20
# ... and up to which: the halves are written to the temporary folder (a 200,000-row Tabel 6, the most a sheet may
# hold, is ~155 MB of XML); anything bigger is read whole, as before
SPLIT_MAX = 256 << 20

_SHEET_DATA = re.compile(rb"<sheetData\s*>")
_DIMENSION = re.compile(rb"<dimension\s[^>]*/>")
_DATE1904 = re.compile(rb"""date1904\s*=\s*["'](?:1|true)["']""")
_COPIED = ("xl/styles.xml", "xl/sharedStrings.xml")  # what calamine reads besides the sheet (by these names)

_CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    b'officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    b'worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
_SHEET_NAME = "S"
_MAX_HEAD = 1 << 20  # the XML before <sheetData> (sheet properties, views, column widths) is never longer


def _workbook(date1904: bool) -> bytes:
    pr = b'<workbookPr date1904="1"/>' if date1904 else b""
    return (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">' + pr
            + b'<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>')


class Halves:
    """A sheet's XML, handed over piece by piece as it is inflated (`write`), written out as two workbooks: the
    first holds the head (everything before the rows) and the rows up to the `<row` nearest after the middle, the
    second the head and everything from there on (the last rows and the XML's tail, with the merged cells).
    `size` is the XML's declared size (the inflating never goes beyond it)."""

    def __init__(self, zf: zipfile.ZipFile, size: int):
        self.middle = size // 2
        self.seen = 0  # bytes of XML handed over so far
        self.head: bytes | None = None  # up to and with <sheetData>, the <dimension> left out
        self.pending = b""  # the XML's start, until <sheetData> is seen
        self.paths: list[Path] = []
        self.books: list[zipfile.ZipFile] = []
        self.out = None  # the sheet entry being written
        self.cut = False  # the first half is complete
        self.failed = False  # the XML is not what a half can be made of: nothing is parsed from the halves
        self.first: threading.Thread | None = None  # parsing the first half while the second is written
        self.results: list[tuple[Any, list[list[Any]]] | None] = [None, None]  # (calamine sheet, block)
        # called on the first half's thread with its block, as soon as it is parsed (while the second half may
        # still be): the caller hands the upper rows on early (CalamineBook.read_in_parts)
        self.on_first: Callable[[list[list[Any]]], object] | None = None
        self.failures: list[BaseException] = []
        self.extras = {name: zf.read(name) for name in _COPIED if name in zf.NameToInfo}
        self.date1904 = ("xl/workbook.xml" in zf.NameToInfo
                         and bool(_DATE1904.search(zf.read("xl/workbook.xml"))))

    def write(self, piece: bytes) -> bool:
        """Write the next piece; True when it completed the first half (which can then be parsed)."""
        at, self.seen = self.seen, self.seen + len(piece)
        if self.failed:
            return False
        if self.head is None:
            self.pending += piece
            found = _SHEET_DATA.search(self.pending)
            if found is None:
                self.failed = len(self.pending) > _MAX_HEAD
                return False
            self.head = _DIMENSION.sub(b"", self.pending[:found.end()], count=1)
            piece, at, self.pending = self.pending[found.end():], found.end(), b""  # pending began the XML
        completed = False
        try:
            if self.out is None:
                self._start()
            if not self.cut and self.seen > self.middle:
                k = piece.find(b"<row ", max(0, self.middle - at))
                if k != -1:
                    self.out.write(piece[:k])
                    self.out.write(b"</sheetData></worksheet>")
                    self.cut = completed = True
                    self._start()  # closes the first workbook
                    piece = piece[k:]
            self.out.write(piece)
        except OSError:  # a full or unwritable temporary folder: the sheet is parsed whole
            self.failed = True
            return False
        return completed

    def _start(self) -> None:
        """The next half's workbook, up to its sheet's rows."""
        if self.out is not None:
            self.out.close()
            self.books[-1].close()
        fd, name = tempfile.mkstemp(prefix="renja-xl-", suffix=".xlsx")
        os.close(fd)
        self.paths.append(Path(name))
        z = zipfile.ZipFile(name, "w", zipfile.ZIP_STORED)
        self.books.append(z)
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("xl/workbook.xml", _workbook(self.date1904))
        z.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        for part, data in self.extras.items():
            z.writestr(part, data)
        self.out = z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True)
        self.out.write(self.head)

    def start_first(self, to_block: Callable[[Any, bool], list[list[Any]]]) -> None:
        """Parse the first half on a thread of its own (its XML is complete, and measured by the caller): it
        parses, and turns its sheet into rows, while this thread goes on with the second half."""
        if self.first is None and self.cut and not self.failed:
            self.first = threading.Thread(target=self._parse, args=(0, to_block), name="renja-xl-calamine-half")
            self.first.start()

    def _parse(self, i: int, to_block: Callable[[Any, bool], list[list[Any]]]) -> None:
        from python_calamine import CalamineWorkbook

        try:
            wb = CalamineWorkbook.from_path(str(self.paths[i]))
            try:
                sheet = wb.get_sheet_by_name(_SHEET_NAME)
            finally:
                wb.close()  # the file can be removed (Windows keeps an open file)
            # the first half from A1, as a whole block is; the second from its first cell (joined below)
            # the first half's calamine sheet (all its cells, held in Rust) is not kept: only the second's answers
            # for the whole sheet (merged cells)
            self.results[i] = (sheet if i == 1 else None, to_block(sheet, i == 1))
            del sheet
            if i == 0 and self.on_first is not None:
                self.on_first(self.results[0][1])
        except BaseException as exc:  # noqa: B036 - handed to the caller's thread, raised there
            self.failures.append(exc)

    def parse(self, to_block: Callable[[Any, bool], list[list[Any]]]) -> tuple[Any, list[list[Any]]] | None:
        """(sheet, block) of the whole sheet from its two halves, or None when it could not be cut (the caller
        then parses it whole). `to_block` turns a calamine sheet into rows (`skip_empty_area` as its second
        argument). The sheet returned is the second half's, which holds the XML's tail (merged cells): it answers
        for the whole one."""
        self._close()
        if self.failed or not self.cut:
            return None
        self.start_first(to_block)
        self._parse(1, to_block)
        self.first.join()
        if self.failures:
            raise self.failures[0]
        (_, block), (sheet, rest) = self.results
        top, left = sheet.start if rest else (len(block), 0)
        return sheet, _joined(block, rest, top, left)

    def _close(self) -> None:
        if self.out is not None:
            self.out.close()
            self.out = None
        for z in self.books:
            z.close()
        self.books = []

    def discard(self) -> None:
        """Remove the two workbooks (once the first half's thread, which may hold its file, is done)."""
        if self.first is not None:
            self.first.join()
        self._close()
        for p in self.paths:
            try:
                p.unlink()
            except OSError:
                pass
        self.paths = []


def _joined(block: list[list[Any]], rest: list[list[Any]], top: int, left: int) -> list[list[Any]]:
    """The first half's rows (from A1), empty rows up to the second half's first, then its rows; every row as wide
    as the widest (as one calamine block is)."""
    width = max(len(block[0]) if block else 0, left + (len(rest[0]) if rest else 0))
    if block and len(block[0]) < width:
        pad = [None] * (width - len(block[0]))
        block = [row + pad for row in block]
    block.extend([None] * width for _ in range(top - len(block)))
    if rest:
        lead, trail = [None] * left, [None] * (width - left - len(rest[0]))
        block.extend(rest if not lead and not trail else (lead + row + trail for row in rest))
    return block
