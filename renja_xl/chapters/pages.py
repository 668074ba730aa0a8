"""Page numbers for the Daftar Isi and Daftar Tabel, learned by rendering the document once with LibreOffice.

A Word TOC field shows nothing until something updates it (LibreOffice's viewer, a PDF reader, Word with
fields locked). So the document carries the entries with their page numbers already written: a first
rendering of a copy whose headings end in a tiny numbered mark tells on which page each one lands
(pdftotext), and the page labels follow the sections (roman in the front matter, arabic from BAB I).
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Callable

from renja_xl.domain.errors import RenjaError
from renja_xl.domain.hierarchy import roman
from renja_xl.fileio.libreoffice import PrivateOffice, find_soffice
from renja_xl.chapters.entries import MARK_RE, Entry


def page_of_marks(pdf: Path) -> dict[int, int]:
    """Entry number -> 0-based page of the PDF holding its mark."""
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True,
                          timeout=120).stdout.decode("utf-8", "replace")
    found: dict[int, int] = {}
    for page, content in enumerate(text.split("\f")):
        for m in MARK_RE.finditer(content.replace("\n", "").replace(" ", "")):
            found.setdefault(int(m.group(1)), page)
    return found


def labels(entries: list[Entry], pages: dict[int, int]) -> list[str]:
    """The printed page number of each entry: 'i', 'ii' ... in the front matter, '1', '2' ... from BAB I."""
    first: dict[str, int] = {}
    for i, e in enumerate(entries):
        if i in pages:
            first[e.part] = min(first.get(e.part, pages[i]), pages[i])
    out = []
    for i, e in enumerate(entries):
        if i not in pages or e.part not in first:
            out.append("")
        elif e.part == "front":
            out.append(roman(pages[i] - first["front"] + 1).lower())
        else:
            out.append(str(pages[i] - first[e.part] + 1))
    return out


def learn_pages(save_measured: Callable[[Path], None], entries: list[Entry], timeout: int = 300) -> list[str] | None:
    """Render the measuring copy once; None when LibreOffice or pdftotext is not installed."""
    soffice = find_soffice()
    if soffice is None or shutil.which("pdftotext") is None or not entries:
        return None
    try:
        with PrivateOffice(soffice, "menghitung nomor halaman daftar isi", timeout) as office:
            source = office.work / "ukur.docx"
            save_measured(source)
            office.convert(source, "pdf")
            pdf = office.work / "ukur.pdf"
            if not pdf.exists():
                return None
            return labels(entries, page_of_marks(pdf))
    except (RenjaError, OSError, subprocess.SubprocessError):
        return None  # the document is still written; its Daftar Isi then waits for Word to number it
