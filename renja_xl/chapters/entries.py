"""The lines of the Daftar Isi and the Daftar Tabel, and the mark by which a measuring rendering finds their pages.

Shared by the Word writer (which writes them) and the page learner (which reads the PDF), without python-docx.
"""
from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass
class Entry:
    """A line of the Daftar Isi (a heading) or the Daftar Tabel (a numbered caption)."""
    kind: str  # toc | tables
    level: int
    text: str
    part: str  # cover | front | body: how its page number is printed


MARK = "@@{}@@"  # measuring run: found by pdftotext on the page that holds the heading
MARK_RE = re.compile(r"@@(\d+)@@")
