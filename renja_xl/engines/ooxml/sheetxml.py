"""A worksheet part read in pieces: what precedes <sheetData>, its rows one by one, what follows.

A 100k-row sheet is ~75 MB of XML; it is inflated and split in pieces of a megabyte, so neither the scan for
formulas nor the rewrite holds the whole part (nor a tree of it) in memory.
"""
from __future__ import annotations

import re
from typing import IO, Iterator

from renja_xl.domain.errors import WorkbookError

CHUNK = 1 << 20
_ROW_NUMBER = re.compile(rb'\sr="([0-9]+)"')


class SheetStream:
    def __init__(self, fh: IO[bytes], name: str):
        self.fh, self.name = fh, name
        self.buf = b""
        self.pos = 0
        self.eof = False
        self.empty = False  # <sheetData/>
        self.head = self._head()

    def _more(self) -> bool:
        if self.eof:
            return False
        chunk = self.fh.read(CHUNK)
        if not chunk:
            self.eof = True
            return False
        self.buf = self.buf[self.pos:] + chunk
        self.pos = 0
        return True

    def _head(self) -> bytes:
        while True:
            i = self.buf.find(b"<sheetData", self.pos)
            if i >= 0:
                gt = self.buf.find(b">", i)
                if gt >= 0:
                    break
            if not self._more():
                raise WorkbookError(f"sheet '{self.name}': XML lembar kerja tidak dikenal (tanpa <sheetData>); "
                                    "buka dan simpan ulang di Excel.")
        head = self.buf[:i]
        self.empty = self.buf[gt - 1:gt] == b"/"
        self.pos = gt + 1
        return head

    def rows(self) -> Iterator[tuple[int, bytes]]:
        """(row number, the row's XML) in the file's order; rows without r= count on from the previous one."""
        if self.empty:
            return
        last = 0
        while True:
            buf, pos = self.buf, self.pos
            while pos < len(buf) and buf[pos] in b" \t\r\n":
                pos += 1
            self.pos = pos
            if len(buf) - pos < 16 and self._more():
                continue
            if buf.startswith(b"</sheetData>", pos):
                self.pos = pos + len(b"</sheetData>")
                return
            if not buf.startswith(b"<row", pos):
                if self._more():
                    continue
                raise WorkbookError(f"sheet '{self.name}': XML lembar kerja tidak dikenal di dalam <sheetData>; "
                                    "buka dan simpan ulang di Excel.")
            gt = buf.find(b">", pos)
            if gt < 0:
                if self._more():
                    continue
                raise WorkbookError(f"sheet '{self.name}' terpotong (XML tidak lengkap).")
            if buf[gt - 1] == 47:  # '/': <row .../>
                end = gt + 1
            else:
                end = buf.find(b"</row>", gt)
                if end < 0:
                    if self._more():
                        continue
                    raise WorkbookError(f"sheet '{self.name}' terpotong (XML tidak lengkap).")
                end += 6
            m = _ROW_NUMBER.search(buf, pos, gt)
            last = int(m.group(1)) if m else last + 1
            self.pos = end
            yield last, buf[pos:end]

    def tail(self) -> bytes:
        while self._more():
            pass
        out = self.buf[self.pos:]
        self.buf, self.pos = b"", 0
        return out
