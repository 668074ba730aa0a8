"""Inflating and deflating zip members: ISA-L (python-isal) where it is installed, zlib otherwise.

Every read of a large workbook inflates its biggest sheet more than once before a library parses it (the real
extent is measured before calamine holds the sheet, error cells are looked for beside it), so inflating is on
the path of every command: ISA-L inflates a 74 MB sheet in 0.04 s of CPU where zlib takes 0.19-0.23 s (measured,
bench/README.md). The two have the same interface, and the same raw deflate streams.
"""
from __future__ import annotations

import zlib

try:  # a wheel exists for every platform the CLI runs on; not in Pyodide (xlwings Lite reads through Excel)
    from isal import isal_zlib as _fast
except ImportError:  # pragma: no cover - exercised only where python-isal is missing
    _fast = None

RAW = -15  # window bits of a zip member's stream: raw deflate, no zlib header

errors: tuple[type[BaseException], ...] = (zlib.error,) if _fast is None else (zlib.error, _fast.error)


def decompressobj():
    """A decoder of a zip member's raw deflate stream (`decompress(data, max_length)`, `unconsumed_tail`, `eof`)."""
    return (_fast or zlib).decompressobj(RAW)


def crc32(data: bytes, value: int = 0) -> int:
    return (_fast or zlib).crc32(data, value)
