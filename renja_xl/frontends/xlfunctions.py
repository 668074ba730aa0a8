"""Excel functions (xlwings UDFs): =RENJA_NAMA(kode; versi), =RENJA_LEVEL(kode), =RENJA_TERBILANG(n),
=RENJA_RUPIAH(n).

Each is a thin ``@xw.func`` wrapper over a pure function of ``renja_xl.frontends.xlfunctions_pure`` (``nama``,
``tingkat``, ``terbilang``, ``rupiah``) that knows nothing about Excel and is tested without it.

Desktop Excel: add-in ribbon xlwings > UDF Modules = ``renja_xl.frontends.xlfunctions``, then *Import Functions*
(README, "Fungsi Excel"). The workbook's nomenclature version is an argument, e.g.
``=RENJA_NAMA(B5; Identitas!$B$17)``.
"""
from __future__ import annotations

import xlwings as xw

from renja_xl.frontends.xlfunctions_pure import nama, rupiah, terbilang, tingkat

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
