"""The Excel functions RENJA_NAMA, RENJA_LEVEL, RENJA_TERBILANG, RENJA_RUPIAH: pure functions, without Excel."""
from __future__ import annotations

import pytest

from renja_xl.frontends import xlfunctions, xlfunctions_pure as f
from renja_xl.nomenklatur import default_names


def test_nama_from_the_embedded_nomenclature():
    names = default_names()
    kode = next(k for k in names if k.count(".") == 5)
    assert f.nama(kode) == names[kode]
    assert f.nama(" " + kode + " ") == names[kode]  # stray spaces, as typed
    assert f.nama("5.03") == names["5.03"]
    assert f.nama("9.99.99") == f.UNKNOWN
    assert f.nama(5.1) == f.INVALID  # a code stored as a number is not guessed
    assert f.nama(None) == "" and f.nama("") == ""
    assert f.nama(kode, "versi yang belum diimpor") == names[kode]  # falls back to the embedded list


@pytest.mark.parametrize("kode,label", [("5", "Urusan"), ("5.03", "Bidang Urusan"), ("5.03.01", "Program"),
                                        ("5.03.01.1.01", "Kegiatan"), ("5.03.01.1.01.0001", "Sub Kegiatan"),
                                        ("5.03.01.1.01.01", "Sub Kegiatan"), ("5.3.1", f.INVALID), ("", "")])
def test_tingkat(kode, label):
    assert f.tingkat(kode) == label


def test_terbilang():
    assert f.terbilang(12) == "dua belas"
    assert f.terbilang(12.0) == "dua belas"  # Excel hands every number over as a float
    assert f.terbilang(61) == "enam puluh satu"
    assert f.terbilang(-3) == "minus tiga"
    assert f.terbilang(1.5) == "bukan bilangan bulat"
    assert f.terbilang("abc") == "bukan bilangan bulat"
    assert f.terbilang(17914888161).startswith("tujuh belas miliar")


def test_rupiah():
    assert f.rupiah(17914888161.0) == "Rp 17.914.888.161"
    assert f.rupiah(1234.5) == "Rp 1.235"  # half up, as Excel shows
    assert f.rupiah(0.5) == "Rp 1"
    assert f.rupiah("17914888161") == "Rp 17.914.888.161"
    assert f.rupiah("Rp 5") == "bukan angka"
    assert f.rupiah(None) == ""


def test_excel_wrappers_call_the_pure_functions():
    assert xlfunctions.RENJA_LEVEL("5.03.01") == "Program"
    assert xlfunctions.RENJA_TERBILANG(12.0) == "dua belas"
    assert xlfunctions.RENJA_RUPIAH(1234.5) == "Rp 1.235"
    assert xlfunctions.RENJA_NAMA("5.03") == default_names()["5.03"]


from hypothesis import given, settings, strategies as st

ANY = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
                st.text(max_size=30), st.decimals(allow_nan=False, allow_infinity=False, places=2))


@settings(max_examples=300, deadline=None)
@given(ANY)
def test_functions_never_raise_into_a_cell(value):
    for fn in (f.nama, f.tingkat, f.terbilang, f.rupiah):
        assert isinstance(fn(value), str)
