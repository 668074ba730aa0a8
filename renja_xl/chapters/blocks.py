"""The document as a list of blocks: what the templates produce and every writer (Word, Markdown, HTML) reads.

The templates write a small line markup:

- ``# Judul`` ... ``#### Judul``: Heading 1 to 4 (the table of contents lists 1 to 3)
- ``1. teks`` or ``a. teks``: a numbered or lettered item; four spaces of indent per level
- ``- teks``: an indented line without a label (the seed's Sistematika)
- ``!! teks``: a centred, bold line (the cover)
- ``**tebal**`` inside any text
- a blank line ends a paragraph; lines that follow each other are joined into one paragraph
- a backslash at the start of a line keeps it literal (``\\# bukan judul``)

Tables, the table of contents, the signature and page breaks come from template functions
(``tabel(...)``, ``daftar_isi()``, ``tanda_tangan()``, ``halaman_baru()``), which leave a directive line.
"""
from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass, field
from typing import Any

DIRECTIVE = "\ue000"  # a private-use character: not typed in a template or a cell (and not whitespace)
ITEM_RE = re.compile(r"^((?:    )*)(\d{1,3}\.|[a-z]{1,2}\.)\s+(.*)$")
PLAIN_ITEM_RE = re.compile(r"^((?:    )*)-\s+(.*)$")
MARKUP_START = re.compile(r"^(#|!!|-\s|\d{1,3}\.\s|[a-z]{1,2}\.\s|\\)")


@dataclass
class Block:
    kind: str  # heading | paragraph | item | center | table | toc | tables_list | signature | page_break
    text: str = ""
    level: int = 0  # heading level, or item indent level
    label: str = ""  # item label ("1.", "a.", "" for a plain item)
    data: dict[str, Any] = field(default_factory=dict)


# A directive line starts with the mark and this process's nonce: a private-use character typed in a cell (or
# a whole fake directive) stays text, since the data cannot know the nonce.
NONCE = secrets.token_hex(8)
OPEN = DIRECTIVE + NONCE


def directive(kind: str, **data: Any) -> str:
    # ensure_ascii: the JSON itself holds no private-use character
    return f"\n{OPEN}{json.dumps({'kind': kind, **data}, ensure_ascii=True)}{DIRECTIVE}\n"


def escape_line(text: str) -> str:
    """A user's text as one markup line that stays literal (no heading, item or directive)."""
    text = re.sub(r"\s+", " ", str(text).replace(DIRECTIVE, "")).strip()
    return "\\" + text if MARKUP_START.match(text) else text


def parse(markup: str) -> list[Block]:
    blocks: list[Block] = []
    para: list[str] = []
    open_item = False  # an item may continue on indented lines that follow it

    def flush() -> None:
        nonlocal open_item
        open_item = False
        if para:
            blocks.append(Block("paragraph", " ".join(para)))
            para.clear()

    for raw in markup.splitlines():
        line = raw.rstrip()
        stripped = line.strip()
        if not stripped:
            flush()
            continue
        if stripped.startswith(OPEN) and stripped.endswith(DIRECTIVE):
            flush()
            data = json.loads(stripped[len(OPEN):-1])
            blocks.append(Block(data.pop("kind"), data=data))
            continue
        if DIRECTIVE in stripped:  # typed in a cell or a template: dropped, the rest is text
            line = line.replace(DIRECTIVE, "")
            stripped = line.strip()
            if not stripped:
                continue
        if open_item and line.startswith(" ") and not ITEM_RE.match(line) and not PLAIN_ITEM_RE.match(line):
            blocks[-1].text += " " + stripped.lstrip("\\")
            continue
        if stripped.startswith("\\"):
            para.append(stripped[1:])
            continue
        m = re.match(r"^(#{1,4})\s+(.*)$", stripped)
        if m:
            flush()
            blocks.append(Block("heading", m.group(2).strip(), level=len(m.group(1))))
            continue
        if stripped.startswith("!!"):
            flush()
            blocks.append(Block("center", stripped[2:].strip()))
            continue
        m = ITEM_RE.match(line)
        if m:
            flush()
            blocks.append(Block("item", m.group(3).strip(), level=len(m.group(1)) // 4, label=m.group(2)))
            open_item = True
            continue
        m = PLAIN_ITEM_RE.match(line)
        if m:
            flush()
            blocks.append(Block("item", m.group(2).strip(), level=len(m.group(1)) // 4, label=""))
            open_item = True
            continue
        para.append(stripped)
        open_item = False
    flush()
    return blocks


BOLD_RE = re.compile(r"\*\*(.+?)\*\*")


def runs(text: str) -> list[tuple[str, bool]]:
    """'a **b** c' -> [('a ', False), ('b', True), (' c', False)]."""
    out, pos = [], 0
    for m in BOLD_RE.finditer(text):
        if m.start() > pos:
            out.append((text[pos:m.start()], False))
        out.append((m.group(1), True))
        pos = m.end()
    if pos < len(text):
        out.append((text[pos:], False))
    return out
