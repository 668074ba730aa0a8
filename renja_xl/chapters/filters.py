"""Filters for Indonesian writing, used by the chapter templates.

Numbers are rounded half-up (as Excel shows them) before Babel formats them:
``17.914.888.161``, ``96,25``, ``12 (dua belas)``, ``15 Mei 2023``,
``a, b, dan c``. The list filters write the markup of the chapter templates
(one item per line: ``a. ...;`` with ``; dan`` before the last).
"""
from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Iterable

from renja_xl.domain import fmt
from renja_xl.domain.layout import MONTHS

SMALL_WORDS = {"dan", "di", "ke", "dari", "pada", "yang", "untuk", "atau", "serta", "dengan", "dalam", "bagi",
               "oleh", "atas", "terhadap", "antar", "per", "sebagai"}


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(f"{value!r} bukan angka")
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    try:
        return Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise ValueError(f"'{value}' bukan angka") from exc


def angka(value: Any, places: int = 0) -> str:
    """17914888161 -> '17.914.888.161'; angka(2) -> '96,25'. Text (a predicate such as BB) is kept; empty -> '-'."""
    if isinstance(value, str) and value.strip() and not re.fullmatch(r"-?\d+(\.\d+)?", value.strip()):
        return value.strip()
    d = _decimal(value)
    return "-" if d is None else fmt.angka(d, places)


def nilai(value: Any) -> str:
    """A target or realisation as printed: whole numbers without decimals, else two (47,07); text as is."""
    if isinstance(value, str) and not re.fullmatch(r"-?\d+(\.\d+)?", value.strip() or "x"):
        return value.strip() or "-"
    d = _decimal(value)
    if d is None:
        return "-"
    if d == d.to_integral_value():
        return fmt.angka(d, 0)
    places = 1 if (d * 10) == (d * 10).to_integral_value() else 2
    return fmt.angka(d, places)


def uang(value: Any, places: int = 0) -> str:
    """Money without 'Rp': 17.914.888.161 (places=2 gives SIPD's 19.171.000.000,00)."""
    return angka(value, places)


def rp(value: Any) -> str:
    """Money with 'Rp': Rp 17.914.888.161."""
    d = _decimal(value)
    return "-" if d is None else "Rp " + fmt.angka(d, 0)


def persen(value: Any, places: int = 2) -> str:
    """96.25 -> '96,25' (add '%' in the template where the sentence needs it)."""
    return angka(value, places)


def kata(value: Any) -> str:
    """12 -> 'dua belas'."""
    d = _decimal(value)
    if d is None:
        raise ValueError("tidak ada angka untuk ditulis dengan kata")
    return fmt.terbilang(int(d))


def sebut(value: Any) -> str:
    """12 -> '12 (dua belas)'."""
    d = _decimal(value)
    if d is None:
        raise ValueError("tidak ada angka untuk ditulis dengan kata")
    return fmt.angka_terbilang(int(d))


def tanggal(value: Any) -> str:
    """date(2023, 5, 15) -> '15 Mei 2023'; a year alone stays a year; empty -> ''."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return f"{value.day} {MONTHS[value.month - 1]} {value.year}"
    return str(value)


def bulan(n: int) -> str:
    return MONTHS[int(n) - 1]


def gabung(items: Iterable[Any], kata_sambung: str = "dan") -> str:
    """['a', 'b', 'c'] -> 'a, b, dan c'; two items -> 'a dan b'."""
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    if len(items) == 2:
        return f"{items[0]} {kata_sambung} {items[1]}"
    return ", ".join(items[:-1]) + f", {kata_sambung} {items[-1]}"


def huruf(n: int) -> str:
    """1 -> 'a', 27 -> 'aa'."""
    n = int(n)
    out = ""
    while n > 0:
        n, rem = divmod(n - 1, 26)
        out = chr(ord("a") + rem) + out
    return out


def romawi(n: int) -> str:
    from renja_xl.domain.hierarchy import roman

    return roman(int(n))


def judul(text: Any) -> str:
    """'PROGRAM KEPEGAWAIAN DAERAH' -> 'Program Kepegawaian Daerah'. Text already in mixed case is kept."""
    text = str(text or "").strip()
    if not text.isupper():
        return text
    out = []
    for i, w in enumerate(text.split()):
        low = w.lower()
        if i > 0 and low in SMALL_WORDS:
            out.append(low)
        else:
            out.append(re.sub(r"[a-z]+", lambda m: m.group(0).capitalize(), low, count=0))
    return " ".join(out)


def daftar(items: Iterable[Any], gaya: str = "huruf", tingkat: int = 0, akhir: str = ".",
           sambung: str = "dan") -> str:
    """Lines of a lettered (a., b.) or numbered (1., 2.) list: '; ' after each item, '; dan' before the last.

    The result is chapter markup: one item per line, indented four spaces per level.
    """
    items = [str(i).strip().rstrip(";.") for i in items]
    lines = []
    for i, item in enumerate(items, start=1):
        label = huruf(i) if gaya == "huruf" else str(i)
        if i == len(items):
            end = akhir
        elif i == len(items) - 1 and sambung:
            end = f"; {sambung}"
        else:
            end = ";"
        lines.append("    " * int(tingkat) + f"{label}. {item}{end}")
    return "\n".join(lines)


FILTERS = {
    "angka": angka, "nilai": nilai, "uang": uang, "rp": rp, "persen": persen, "kata": kata, "sebut": sebut,
    "tanggal": tanggal, "bulan": bulan, "gabung": gabung, "huruf": huruf, "romawi": romawi, "judul": judul,
    "daftar": daftar,
}
