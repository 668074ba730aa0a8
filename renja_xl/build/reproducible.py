"""Byte-identical builds of the committed workbooks: fixed save time and fixed zip entry dates.

openpyxl stamps docProps/core.xml with the time of saving and zipfile stamps every entry with the current
time; both are replaced here, so rebuilding unchanged sources leaves `git status` clean.
"""
from __future__ import annotations

import io
import re
import zipfile

FIXED_DATE = (2024, 1, 1, 0, 0, 0)
FIXED_STAMP = "2024-01-01T00:00:00Z"


def workbook_parts(wb) -> dict[str, bytes]:
    """The parts of an openpyxl workbook as saved, in saving order, with the fixed modification time."""
    buf = io.BytesIO()
    wb.save(buf)
    with zipfile.ZipFile(buf) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    core = parts["docProps/core.xml"].decode("utf-8")
    core = re.sub(r"(<dcterms:modified\b[^>]*>)[^<]*(</dcterms:modified>)", rf"\g<1>{FIXED_STAMP}\2", core)
    parts["docProps/core.xml"] = core.encode("utf-8")
    return parts


def write_zip(parts: dict[str, bytes], order: list[str] | None = None) -> bytes:
    """A zip of the parts (those in `order` first, then the rest sorted), every entry dated FIXED_DATE."""
    order = list(parts) if order is None else order
    buf = io.BytesIO()
    names = [n for n in order if n in parts] + sorted(n for n in parts if n not in order)
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=FIXED_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            z.writestr(info, parts[name])
    return buf.getvalue()


def normalise_zip(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        order = z.namelist()
        parts = {n: z.read(n) for n in order}
    return write_zip(parts, order)


def reproducible_bytes(wb) -> bytes:
    return write_zip(workbook_parts(wb))
