"""The pure functions under the Excel functions RENJA_NAMA, RENJA_LEVEL, RENJA_TERBILANG and RENJA_RUPIAH.

No xlwings here: ``renja_xl.frontends.xlfunctions`` wraps them with ``@xw.func`` for desktop Excel, the xlwings Lite
script (macros/lite/main.py) with Lite's ``@func``; tests call them directly. A wrong input gives a short
Indonesian text instead of an exception (which would show as a Python traceback in the cell).
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from renja_xl.domain.kode import KodeError, parse_kode

INVALID = "kode tidak sah"
UNKNOWN = "tidak ada di nomenklatur"




@lru_cache(maxsize=1)
def _embedded():
    from renja_xl.nomenklatur import embedded

    return embedded()


def nama(kode: Any, versi: Any = None) -> str:
    """The official name of a code in the nomenclature version (imported or built-in list), else in the embedded
    list."""
    from renja_xl.nomenklatur import NomenklaturError
    from renja_xl.nomenklatur.versions import resolve_list

    if kode is None or str(kode).strip() == "":
        return ""
    try:
        text = parse_kode(kode).kode.text
    except KodeError:
        return INVALID
    nom = None
    if versi is not None and str(versi).strip():
        try:
            nom = resolve_list(str(versi).strip()).nomenklatur
        except NomenklaturError:
            nom = None
    for source in ([nom] if nom is not None else []) + [_embedded()]:
        entry = source.find(text)
        if entry is not None:
            return entry.nama
    return UNKNOWN


def tingkat(kode: Any) -> str:
    """'5.03.01' -> 'Program'; 'Sub Kegiatan' for a six-part code."""
    if kode is None or str(kode).strip() == "":
        return ""
    try:
        return parse_kode(kode).kode.level.label
    except KodeError:
        return INVALID


def _whole(n: Any) -> int | None:
    if n is None or isinstance(n, bool):
        return None
    try:
        d = Decimal(str(n).strip()) if not isinstance(n, float) else Decimal(repr(n))
    except InvalidOperation:
        return None
    if not d.is_finite() or d != d.to_integral_value():
        return None
    return int(d)


def terbilang(n: Any) -> str:
    """12 -> 'dua belas'; 17914888161 -> 'tujuh belas miliar ...'; negative numbers with 'minus'."""
    from renja_xl.domain import fmt

    whole = _whole(n)
    if whole is None:
        return "bukan bilangan bulat"
    try:
        return ("minus " + fmt.terbilang(-whole)) if whole < 0 else fmt.terbilang(whole)
    except (ArithmeticError, ValueError, NotImplementedError):  # num2words stops at some size
        return "terlalu besar"


def rupiah(n: Any) -> str:
    """17914888161 -> 'Rp 17.914.888.161' (rounded half up, as Excel shows)."""
    from renja_xl.domain import fmt

    if n is None or isinstance(n, bool):
        return ""
    try:
        d = Decimal(repr(n)) if isinstance(n, float) else Decimal(str(n).strip())
    except InvalidOperation:
        return "bukan angka"
    if not d.is_finite():
        return "bukan angka"
    try:
        return fmt.rupiah(d)
    except (ArithmeticError, ValueError):
        return "terlalu besar"
