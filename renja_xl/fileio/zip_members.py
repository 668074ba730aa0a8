"""A zip member inflated in pieces, never beyond the size its entry declares.

Python's zipfile stops at the declared size, but python-calamine (Rust) inflates a member's whole deflate stream:
a "lying" bomb (declared 1 KB, inflating to gigabytes) would pass every check made on the declared sizes and then
exhaust memory inside calamine. So the parts calamine reads are inflated here first, by hand from the raw stream
(zipfile offers no way to see what lies after the declared end), and refused when they hold more than declared.
"""
from __future__ import annotations

import struct
import zipfile
import zlib
from typing import Iterator

from renja_xl.domain.errors import WorkbookError
from renja_xl.fileio import deflate

_LOCAL_HEADER = struct.Struct("<4s5H3L2H")  # zipfile's own layout of a local file header (30 bytes)
_RAW_PIECE = 1 << 18


def inflated(zf: zipfile.ZipFile, info: zipfile.ZipInfo, piece: int = 1 << 20) -> Iterator[bytes]:
    """The member's content in pieces of about `piece` bytes; WorkbookError when its stream holds more than
    the entry declares (or is not deflate/stored, which calamine does not read either)."""
    label = f"bagian '{info.filename}' di berkas '{_name(zf)}'"
    if info.compress_type == zipfile.ZIP_STORED:
        with zf.open(info) as fh:
            while data := fh.read(piece):
                yield data
        return
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise WorkbookError(f"{label} dimampatkan dengan cara yang tidak dikenal; simpan ulang berkas di Excel.")
    fp = zf.fp
    if fp is None:
        raise WorkbookError(f"berkas '{_name(zf)}' sudah ditutup.")
    fp.seek(info.header_offset)
    header = fp.read(_LOCAL_HEADER.size)
    if len(header) != _LOCAL_HEADER.size or header[:4] != b"PK\x03\x04":
        raise WorkbookError(f"{label} rusak (kepala zip).")
    fields = _LOCAL_HEADER.unpack(header)
    at = info.header_offset + _LOCAL_HEADER.size + fields[9] + fields[10]  # past the name and extra field
    left = info.compress_size
    decoder = deflate.decompressobj()
    produced = 0
    crc = 0
    limit = info.file_size
    pending: list[bytes] = []
    size = 0
    while left > 0 or decoder.unconsumed_tail:
        if not decoder.unconsumed_tail:
            fp.seek(at)  # every time: another reader of the same zip may have moved the file between pieces
            raw = fp.read(min(_RAW_PIECE, left))
            if not raw:
                break
            left -= len(raw)
            at += len(raw)
        else:
            raw = decoder.unconsumed_tail
        # at most one byte beyond the declared size is ever made: enough to know the entry lies
        try:
            data = decoder.decompress(raw, limit + 1 - produced)
        except deflate.errors as exc:  # ISA-L has its own error type; callers expect zipfile's (zlib.error)
            raise zlib.error(str(exc)) from exc
        produced += len(data)
        crc = deflate.crc32(data, crc)
        if produced > limit:
            raise WorkbookError(
                f"{label} berisi lebih banyak data daripada yang dinyatakan (bom zip); berkas ditolak.")
        pending.append(data)
        size += len(data)
        if size >= piece:
            yield b"".join(pending)
            pending, size = [], 0
        if decoder.eof:
            break
    if produced == limit and crc != info.CRC:  # as zipfile checks it (a short stream is the reader's to report)
        raise zipfile.BadZipFile(f"Bad CRC-32 for file {info.filename!r}")
    if pending:
        yield b"".join(pending)


class MemberReader:
    """A file-like `read(n)` over `inflated`: what readers written for `zipfile.ZipFile.open` take."""

    def __init__(self, zf: zipfile.ZipFile, info: zipfile.ZipInfo | str, piece: int = 1 << 20):
        info = zf.getinfo(info) if isinstance(info, str) else info
        self._pieces = inflated(zf, info, piece)
        self._buf = b""

    def read(self, n: int = -1) -> bytes:
        while n < 0 or len(self._buf) < n:
            piece = next(self._pieces, None)
            if piece is None:
                break
            self._buf = self._buf + piece if self._buf else piece
        if n < 0 or len(self._buf) <= n:
            data, self._buf = self._buf, b""
        else:
            data, self._buf = self._buf[:n], self._buf[n:]
        return data

    def close(self) -> None:
        self._pieces.close()

    def __enter__(self) -> "MemberReader":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def check_members(zf: zipfile.ZipFile, skip=()) -> None:
    """Inflate the XML parts (but `skip`, the sheets, which their readers measure) once, bounded by their declared
    sizes, so that a lying one is refused before a library opens the workbook."""
    skip = set(skip)
    for info in zf.infolist():
        if info.filename.endswith((".xml", ".rels")) and info.filename not in skip:
            for _ in inflated(zf, info):
                pass


def _name(zf: zipfile.ZipFile) -> str:
    from pathlib import Path

    return Path(str(zf.filename or "")).name
