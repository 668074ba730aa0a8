"""Excel functions (xlwings UDFs): =RENJA_NAMA(kode; versi), =RENJA_LEVEL(kode), =RENJA_TERBILANG(n),
=RENJA_RUPIAH(n).

Each is a thin ``@xw.func`` wrapper over a pure function below (``nama``, ``tingkat``, ``terbilang``,
``rupiah``) that knows nothing about Excel and is tested without it. A wrong input returns a short
Indonesian text in the cell instead of raising (an exception would show as a Python traceback in the cell).

Desktop Excel: add-in ribbon xlwings > UDF Modules = ``renja_xl.xlfunctions``, then *Import Functions*
(README, "Fungsi Excel"). The workbook's nomenclature version is an argument, e.g.
``=RENJA_NAMA(B5; Identitas!$B$17)``.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

import xlwings as xw

from .kode import KodeError, parse_kode

INVALID = "kode tidak sah"
UNKNOWN = "tidak ada di nomenklatur"


# ------------------------------------------------------------------------------------------ pure functions
def nama(kode: Any, versi: Any = None) -> str:
    """The official name of a code in the nomenclature version (imported list), else in the embedded list."""
    from .nomenklatur import NomenklaturError, embedded, load_version

    if kode is None or str(kode).strip() == "":
        return ""
    try:
        text = parse_kode(kode).kode.text
    except KodeError:
        return INVALID
    nom = None
    if versi is not None and str(versi).strip():
        try:
            nom = load_version(str(versi).strip())
        except NomenklaturError:
            nom = None
    for source in ([nom] if nom is not None else []) + [embedded()]:
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
    if d != d.to_integral_value():
        return None
    return int(d)


def terbilang(n: Any) -> str:
    """12 -> 'dua belas'; 17914888161 -> 'tujuh belas miliar ...'; negative numbers with 'minus'."""
    from . import fmt

    whole = _whole(n)
    if whole is None:
        return "bukan bilangan bulat"
    return ("minus " + fmt.terbilang(-whole)) if whole < 0 else fmt.terbilang(whole)


def rupiah(n: Any) -> str:
    """17914888161 -> 'Rp 17.914.888.161' (rounded half up, as Excel shows)."""
    from . import fmt

    if n is None or isinstance(n, bool):
        return ""
    try:
        d = Decimal(repr(n)) if isinstance(n, float) else Decimal(str(n).strip())
    except InvalidOperation:
        return "bukan angka"
    return fmt.rupiah(d)


# ---------------------------------------------------------------------------------------- Excel wrappers
@xw.func
@xw.arg("kode", doc="Kode program/kegiatan/sub kegiatan, diketik sebagai teks")
@xw.arg("versi", doc="Versi nomenklatur (sel Identitas 'Versi Nomenklatur'); kosong = daftar bawaan")
def RENJA_NAMA(kode, versi=None):
    """Nama resmi kode menurut nomenklatur versi buku kerja."""
    return nama(kode, versi)


@xw.func
@xw.arg("kode", doc="Kode yang diketik sebagai teks")
def RENJA_LEVEL(kode):
    """Tingkat kode: Urusan, Bidang Urusan, Program, Kegiatan atau Sub Kegiatan."""
    return tingkat(kode)


@xw.func
@xw.arg("n", doc="Bilangan bulat")
def RENJA_TERBILANG(n):
    """Bilangan dalam kata: 12 menjadi 'dua belas'."""
    return terbilang(n)


@xw.func
@xw.arg("n", doc="Jumlah uang")
def RENJA_RUPIAH(n):
    """Uang dalam format Indonesia: Rp 17.914.888.161."""
    return rupiah(n)
