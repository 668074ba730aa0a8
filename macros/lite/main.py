"""Renja XL untuk Excel di web dan Excel tanpa Python terpasang (xlwings Lite).

Salin seluruh isi berkas ini ke tab main.py di editor xlwings Lite, dan isi tab requirements.txt dengan
macros/lite/requirements.txt (README, "Excel di web: xlwings Lite"). Skrip muncul di panel xlwings Lite:
pilih lalu tekan Run (atau F5). Hasilnya tampil di panel Output.

Skrip (@script) hanya meneruskan buku kerja ke fungsi biasa di bawah, yang memanggil titik masuk yang sama
dengan tombol Excel desktop (renja_xl.frontends.excel). Logikanya ada di fungsi tanpa dekorator agar dapat diuji.
"""
import xlwings as xw
from xlwings import func, script

import renja_xl.frontends.excel as renja
from renja_xl.frontends import xlfunctions_pure as xlfunctions


# ------------------------------------------------------------------ logika (tanpa dekorator, dapat diuji)
def hitung_ulang(book: xw.Book) -> str:
    return renja.recalc(book, show=False).message


def validasi(book: xw.Book) -> str:
    return renja.validate(book, show=False).message


def buat_narasi(book: xw.Book) -> str:
    return renja.chapters(book, show=False).message


def impor_sipd(book: xw.Book) -> str:
    return renja.import_sipd(book, show=False).message


# ---------------------------------------------------------------------- skrip xlwings Lite (tombol panel)
@script
def renja_hitung_ulang(book: xw.Book):
    """Hitung Ulang: baris induk, urutan kode, penomoran dan rumus subtotal."""
    print(hitung_ulang(book))


@script
def renja_validasi(book: xw.Book):
    """Validasi: temuan ditulis ke sheet Validasi."""
    print(validasi(book))


@script
def renja_buat_narasi(book: xw.Book):
    """Buat Narasi: hanya di Excel desktop (di web tidak ada folder untuk berkas Word)."""
    print(buat_narasi(book))


@script
def renja_impor_sipd(book: xw.Book):
    """Impor SIPD: hanya di Excel desktop (berkas cetakan SIPD dibaca dari komputer)."""
    print(impor_sipd(book))


# ---------------------------------------------------------------------------------- fungsi Excel (UDF)
@func
def RENJA_NAMA(kode, versi=None):
    return xlfunctions.nama(kode, versi)


@func
def RENJA_LEVEL(kode):
    return xlfunctions.tingkat(kode)


@func
def RENJA_TERBILANG(n):
    return xlfunctions.terbilang(n)


@func
def RENJA_RUPIAH(n):
    return xlfunctions.rupiah(n)
