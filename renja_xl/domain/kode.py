"""National program codes (klasifikasi, kodefikasi dan nomenklatur).

A code is a dotted path: urusan `5`, bidang urusan `5.03`, program `5.03.01`,
kegiatan `5.03.01.1.01` (authority digit + 2 digits), sub kegiatan
`5.03.01.1.01.01` (2 digits, Kepmendagri 050-5889/2021) or `.0001` (4 digits,
Kepmendagri 900.1.15.5-1317/2023 on). Parsing never guesses: a code that Excel
turned into a number, or one with the wrong shape, is reported, not repaired.
"""
from __future__ import annotations

import re
from enum import IntEnum
from typing import NamedTuple
from renja_xl.domain.findings import Severity, declare

KODE_FORMAT = declare("kode.format", Severity.ERROR,
                      "Kode tidak sesuai format tingkatnya (2 atau 4 digit sub kegiatan), karakter tidak sah")
KODE_ANGKA = declare("kode.angka", Severity.ERROR, "Kode tersimpan sebagai angka (5.10 menjadi 5.1)")
KODE_KOSONG = declare("kode.kosong", Severity.ERROR, "Baris berisi data tetapi kodenya kosong")

from renja_xl.support.memory import on_reclaim


class Level(IntEnum):
    URUSAN = 1
    BIDANG = 2
    PROGRAM = 3
    KEGIATAN = 4
    SUB_KEGIATAN = 5

    @property
    def label(self) -> str:
        return LEVEL_LABELS[self]


LEVEL_LABELS = {
    Level.URUSAN: "Urusan",
    Level.BIDANG: "Bidang Urusan",
    Level.PROGRAM: "Program",
    Level.KEGIATAN: "Kegiatan",
    Level.SUB_KEGIATAN: "Sub Kegiatan",
}

# Segments per level once the kegiatan's "1.01" is split in two.
_DOTS_TO_LEVEL = {0: Level.URUSAN, 1: Level.BIDANG, 2: Level.PROGRAM, 4: Level.KEGIATAN, 5: Level.SUB_KEGIATAN}
_SEGMENTS_TO_LEVEL = {1: Level.URUSAN, 2: Level.BIDANG, 3: Level.PROGRAM, 5: Level.KEGIATAN, 6: Level.SUB_KEGIATAN}
_SEGMENT_PATTERNS = [
    re.compile(r"[0-9X]"),            # urusan (X in the generic penunjang program)
    re.compile(r"[0-9]{2}|XX"),       # bidang urusan
    re.compile(r"[0-9]{2}"),          # program
    re.compile(r"[0-9]"),             # authority digit of the kegiatan
    re.compile(r"[0-9]{2}"),          # kegiatan number
    re.compile(r"[0-9]{2}|[0-9]{4}"), # sub kegiatan: 2 digits (2021) or 4 digits (2023+)
]
_SEGMENT_NAMES = ["urusan", "bidang urusan", "program", "digit kewenangan", "kegiatan", "sub kegiatan"]


class KodeError(ValueError):
    """A code that cannot be read; the message is Indonesian and user-facing."""

    def __init__(self, message: str, rule: str = "kode.format"):
        super().__init__(message)
        self.rule = rule


class Kode:
    """A parsed code. Ordering follows the hierarchy (parents before children).

    One object per code (interned by `_intern`), so equality is identity and hashing is the interpreter's own:
    a 100k-row table puts codes in sets and dicts millions of times, and a Python-level __hash__/__eq__ made
    that a noticeable part of `validate` (bench/README.md). Copies and pickles resolve to the interned object.
    """

    __slots__ = ("text", "level", "parent", "sort_key", "_segments")

    def __init__(self, text: str):
        # Built from the canonical text alone, without splitting it: a 100k-row table makes 100k new codes
        # (bench/README.md), and most are never asked for their segments.
        dots = text.count(".")
        self.text = text
        self.level = _DOTS_TO_LEVEL[dots]
        if dots == 0:
            self.parent: Kode | None = None
        else:  # the text up to the parent's last segment (a kegiatan's parent drops two: 1.01)
            cut = text.rfind(".")
            self.parent = _intern(text[:text.rfind(".", 0, cut) if dots == 4 else cut])
        # A text that sorts as the hierarchy: the code itself in the usual case, with X before any digit and a
        # 2-digit sub kegiatan number widened to 4 digits (so .01 and .0001 compare as numbers do).
        key = text.replace("X", "!") if "X" in text else text
        if dots == 5 and len(text) - text.rfind(".") == 3:
            key = key[:-2] + "00" + key[-2:]
        self.sort_key = key
        self._segments: tuple[str, ...] | None = None

    @property
    def segments(self) -> tuple[str, ...]:
        segments = self._segments
        if segments is None:
            segments = self._segments = tuple(self.text.split("."))
        return segments

    def __repr__(self) -> str:
        return f"Kode({self.text!r})"

    def __str__(self) -> str:
        return self.text

    def __reduce__(self):
        return _intern, (self.text,)

    def __copy__(self) -> "Kode":
        return self

    def __deepcopy__(self, memo) -> "Kode":
        return self

    def __lt__(self, other: "Kode") -> bool:
        return self.sort_key < other.sort_key

    def __le__(self, other: "Kode") -> bool:
        return self.sort_key <= other.sort_key

    def __gt__(self, other: "Kode") -> bool:
        return self.sort_key > other.sort_key

    def __ge__(self, other: "Kode") -> bool:
        return self.sort_key >= other.sort_key

    def ancestors(self) -> list["Kode"]:
        """From the top (urusan) down to the direct parent."""
        chain = []
        node = self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return list(reversed(chain))

    @property
    def sub_digits(self) -> int | None:
        return len(self.segments[5]) if len(self.segments) == 6 else None

    @property
    def authority_digit(self) -> str | None:
        return self.segments[3] if len(self.segments) >= 5 else None


_KODES: dict[str, Kode] = {}  # canonical text -> the one Kode of that code


def release_unused() -> int:
    """Drop the codes nobody holds any more (a long-lived process reads many workbooks); returns how many.

    A plain dict rather than a WeakValueDictionary: its get is the readers' hot path (a Python-level get made
    validate of 100k rows 10 % slower). A code only the table holds can go: whoever asks for it later makes it
    again, and no one holds the old one to compare it with. Children hold their parents, so the leaves go first.
    Skipped while a reader's background scan may be interning codes (reader.start_reading)."""
    import sys
    import threading

    if any(t.name.startswith("renja-xl-") for t in threading.enumerate()):
        return 0
    probe = {"": object()}
    alone = sys.getrefcount(probe[""])  # the count of an object only a dict holds, asked for the same way
    dropped = 0
    while True:
        unused = [text for text in list(_KODES) if sys.getrefcount(_KODES[text]) <= alone]
        for text in unused:
            del _KODES[text]
        dropped += len(unused)
        if not unused:
            return dropped


def _intern(text: str) -> Kode:
    """The Kode of a well-formed canonical text (parents and ancestors of 100k rows are shared, not rebuilt).

    setdefault, not a store: the reader's background scan (reader.start_reading) interns codes on another
    thread, and two threads making the same code at once must both get the one that was kept."""
    k = _KODES.get(text)
    if k is None:
        k = _KODES.setdefault(text, Kode(text))
    return k


class ParsedKode(NamedTuple):
    kode: Kode
    had_stray_spaces: bool


def parse_kode(raw: object) -> ParsedKode:
    """Read a code as typed in a cell.

    Raises KodeError for numbers (Excel turns `5.10` into `5.1`: the intended
    code cannot be known), empty cells and malformed codes. Stray spaces are
    accepted and flagged so the caller can report them.
    """
    if raw.__class__ is str:
        k = _KODES.get(raw)  # type: ignore[arg-type]
        if k is not None:
            return ParsedKode(k, False)
    if isinstance(raw, bool) or isinstance(raw, (int, float)):
        raise KodeError(
            f"kode tersimpan sebagai angka ({_number_text(raw)}); Excel dapat mengubah '5.10' menjadi 5.1, "
            "jadi kode tidak ditebak. Ketik ulang kode sebagai teks (format sel Teks, atau awali dengan ').",
            rule=KODE_ANGKA.rule,
        )
    if raw is None:
        raise KodeError("kode kosong.", rule=KODE_KOSONG.rule)
    return _parse_text(str(raw))


interned_kode = _KODES.get  # the Kode of a canonical code text seen before, else None


def well_formed(raw: object) -> Kode | None:
    """The Kode of a cell that holds a well-formed code exactly as it should be typed, else None (the caller
    then asks `parse_kode` for the reason). The fast path of readers that see 100k codes."""
    if raw.__class__ is not str:
        return None
    k = _KODES.get(raw)  # type: ignore[arg-type]
    if k is None and _WELL_FORMED.fullmatch(raw):  # type: ignore[arg-type]
        k = _intern(raw)  # type: ignore[arg-type]
    return k


# A well-formed code in one match (the same segment patterns as below); anything else takes the slow path,
# which finds the reason. Only a shortcut: a code it accepts is accepted identically by the checks below.
_WELL_FORMED = re.compile(r"[0-9X](?:\.(?:[0-9]{2}|XX)(?:\.[0-9]{2}(?:\.[0-9]\.[0-9]{2}(?:\.(?:[0-9]{2}|[0-9]{4}))?)?)?)?")
_SPACES = re.compile(r"\s+")



def _parse_text(text: str) -> ParsedKode:
    if _WELL_FORMED.fullmatch(text):
        return ParsedKode(_intern(text), False)
    if text.strip() == "":
        raise KodeError("kode kosong.", rule=KODE_KOSONG.rule)
    compact = _SPACES.sub("", text)
    stray = compact != text
    if not re.fullmatch(r"[0-9X.]+", compact):
        bad = sorted(set(re.sub(r"[0-9X.]", "", compact)))
        raise KodeError(f"kode '{text}' memuat karakter yang tidak diizinkan ({' '.join(bad)}); hanya angka dan titik.")
    parts = compact.split(".")
    if any(p == "" for p in parts):
        raise KodeError(f"kode '{text}' memuat titik ganda atau titik di awal/akhir.")
    if len(parts) not in _SEGMENTS_TO_LEVEL:
        raise KodeError(
            f"kode '{text}' terdiri atas {len(parts)} bagian; yang sah: urusan (5), bidang (5.03), program (5.03.01), "
            "kegiatan (5.03.01.1.01) atau sub kegiatan (5.03.01.1.01.01 / 5.03.01.1.01.0001)."
        )
    for i, (part, pattern) in enumerate(zip(parts, _SEGMENT_PATTERNS)):
        if not pattern.fullmatch(part):
            expected = {0: "1 digit", 1: "2 digit", 2: "2 digit", 3: "1 digit", 4: "2 digit", 5: "2 atau 4 digit"}[i]
            raise KodeError(f"kode '{text}': bagian {_SEGMENT_NAMES[i]} '{part}' harus {expected}.")
    return ParsedKode(_intern(".".join(parts)), stray)


def _number_text(value: object) -> str:
    text = repr(value)
    return text[:-2] if text.endswith(".0") else text


on_reclaim(release_unused)
