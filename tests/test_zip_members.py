"""The one place zip members are inflated (fileio.zip_members): pieces, interleaved readers, damage."""
from __future__ import annotations

import io
import zipfile
import zlib

import pytest

from renja_xl.fileio.zip_members import MemberReader, inflated


def _zip(members: dict[str, bytes]) -> zipfile.ZipFile:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return zipfile.ZipFile(buf)


def test_two_readers_of_one_zip_interleaved_each_get_their_member() -> None:
    """The package writer reads a sheet's formulas while its rows stream from the same zip: each reader keeps
    its own place in the file (a shared position mixed the two members' bytes)."""
    a = b"".join(b"<row r=\"%d\">a</row>" % i for i in range(200_000))
    b = b"".join(b"<row r=\"%d\">bb</row>" % i for i in range(200_000))
    zf = _zip({"a.xml": a, "b.xml": b})
    ra, rb = MemberReader(zf, "a.xml"), MemberReader(zf, "b.xml")
    got_a, got_b = [], []
    while True:
        x, y = ra.read(1 << 16), rb.read(1 << 16)
        if not x and not y:
            break
        got_a.append(x)
        got_b.append(y)
    assert b"".join(got_a) == a and b"".join(got_b) == b


def test_a_member_whose_bytes_do_not_match_its_crc_is_refused_as_zipfile_does() -> None:
    data = b"<sheetData>" + b"x" * 10_000 + b"</sheetData>"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("s.xml", data)
    raw = bytearray(buf.getvalue())
    at = raw.find(b"x" * 100)
    raw[at] = ord("y")  # same length, other content: only the CRC tells
    with zipfile.ZipFile(io.BytesIO(bytes(raw))) as damaged:
        with pytest.raises(zipfile.BadZipFile):
            b"".join(inflated(damaged, damaged.getinfo("s.xml")))


def test_a_broken_deflate_stream_raises_zlib_error_whatever_inflates_it() -> None:
    """ISA-L raises its own error type; the callers catch zlib.error as they did with zipfile."""
    data = bytes(range(256)) * 4000
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("s.xml", data)
    raw = bytearray(buf.getvalue())
    info = zipfile.ZipFile(io.BytesIO(bytes(raw))).getinfo("s.xml")
    start = info.header_offset + 30 + len("s.xml")
    for i in range(start + 10, start + 60):
        raw[i] = 0xFF
    with zipfile.ZipFile(io.BytesIO(bytes(raw))) as damaged:
        with pytest.raises((zlib.error, zipfile.BadZipFile)):
            b"".join(inflated(damaged, damaged.getinfo("s.xml")))
