"""Exact money (Decimal, half-up) and Indonesian number writing."""
from __future__ import annotations

from decimal import Decimal

import pytest

from renja_xl.domain.fmt import angka, angka_terbilang, persen, rupiah, terbilang
from renja_xl.domain.money import NumberError, excel_number, parse_number_or_text, round_half_up, to_decimal


@pytest.mark.parametrize("value, exact", [
    (47.07, "47.07"),
    (0.1, "0.1"),
    (80.61, "80.61"),
    (17914888161.0, "17914888161"),
    (17914888161, "17914888161"),
    (-1234.5, "-1234.5"),
    (Decimal("12.345"), "12.345"),
])
def test_to_decimal_is_exact(value, exact: str) -> None:
    d = to_decimal(value)
    assert isinstance(d, Decimal)
    assert d == Decimal(exact)


def test_float_sum_stays_exact() -> None:
    # binary floats would give 0.30000000000000004
    assert to_decimal(0.1) + to_decimal(0.2) == Decimal("0.3")
    assert to_decimal(47.07) / to_decimal(50.0) * 100 == Decimal("94.14")


@pytest.mark.parametrize("value", [None, "", "   "])
def test_empty_cell_is_none(value) -> None:
    assert to_decimal(value) is None


@pytest.mark.parametrize("text, hint", [
    ("1.234.567,00", "1234567"),
    ("17.914.888.161", "17914888161"),
    ("Rp 5.000", "5000"),
    ("Rp. 5.000", "5000"),
    ("12,5", "12,5"),
    ("1234", "1234"),
])
def test_number_typed_as_text_is_rejected_with_a_hint(text: str, hint: str) -> None:
    with pytest.raises(NumberError) as info:
        to_decimal(text)
    assert info.value.rule == "angka.teks"
    message = str(info.value)
    assert f"'{text}'" in message
    assert "diketik sebagai teks" in message
    assert message.rstrip(".").endswith(f"misalnya {hint}")


@pytest.mark.parametrize("error", ["#REF!", "#VALUE!", "#DIV/0!", "#N/A", "#NAME?"])
def test_excel_error_values(error: str) -> None:
    with pytest.raises(NumberError) as info:
        to_decimal(error)
    assert info.value.rule == "angka.galat"
    assert error in str(info.value) and "galat Excel" in str(info.value)


def test_formula_is_rejected() -> None:
    with pytest.raises(NumberError) as info:
        to_decimal("=SUM(F5:F9)")
    assert info.value.rule == "angka.rumus"
    assert "=SUM(F5:F9)" in str(info.value) and "Tempel Nilai" in str(info.value)


@pytest.mark.parametrize("value", ["abc", "tiga juta", True, False, float("nan"), float("inf")])
def test_other_non_numbers(value) -> None:
    with pytest.raises(NumberError) as info:
        to_decimal(value)
    assert info.value.rule == "angka.bukan_angka"
    assert "bukan angka" in str(info.value)


@pytest.mark.parametrize("value, places, expected", [
    ("2.345", 2, "2.35"),
    ("2.344", 2, "2.34"),
    ("-2.345", 2, "-2.35"),  # half away from zero, as Excel's ROUND
    ("98.335", 2, "98.34"),
    ("0.5", 0, "1"),
    ("2.5", 0, "3"),  # not banker's rounding
    ("94.14", 2, "94.14"),
])
def test_round_half_up(value: str, places: int, expected: str) -> None:
    result = round_half_up(Decimal(value), places)
    assert result == Decimal(expected)
    assert str(result) == expected


@pytest.mark.parametrize("value", ["1E+26", "123456789012345678901234567.891", "1.175052394444633007027854227E+243"])
def test_round_half_up_of_huge_values(value: str) -> None:
    """More digits than the default Decimal precision (28): rounded, never an InvalidOperation."""
    result = round_half_up(Decimal(value))
    assert result.as_tuple().exponent == -2
    assert abs(result - Decimal(value)) <= Decimal("0.005")


def test_excel_number() -> None:
    assert excel_number(Decimal("17914888161.00")) == 17914888161
    assert isinstance(excel_number(Decimal("5.00")), int)
    assert excel_number(Decimal("96.25")) == 96.25
    assert excel_number(None) is None


def test_parse_number_or_text() -> None:
    assert parse_number_or_text(47.07) == Decimal("47.07")
    assert parse_number_or_text(" BB ") == "BB"
    assert parse_number_or_text("") is None
    assert parse_number_or_text(None) is None
    with pytest.raises(NumberError) as info:
        parse_number_or_text("#REF!")
    assert info.value.rule == "angka.galat"


# --- fmt: Indonesian number writing -------------------------------------------------------------

@pytest.mark.parametrize("value, places, text", [
    (17914888161, 0, "17.914.888.161"),
    (Decimal("17242465892"), 0, "17.242.465.892"),
    (Decimal("96.25"), 2, "96,25"),
    (Decimal("98.335"), 2, "98,34"),
    (2.345, 2, "2,35"),  # the float's shortest text, not its binary value 2.34499…
    (Decimal("2.5"), 0, "3"),  # Babel alone would round half to even
    (-1234567, 0, "-1.234.567"),
    (0, 0, "0"),
    (100, 2, "100,00"),
])
def test_angka(value, places: int, text: str) -> None:
    assert angka(value, places) == text


def test_huge_values_are_written_whole() -> None:
    assert rupiah(Decimal("1E+28")) == "Rp 10" + ".000" * 9
    assert angka(Decimal("123456789012345678901234567890.125"), 2) == "123.456.789.012.345.678.901.234.567.890,13"


def test_rupiah_and_persen() -> None:
    assert rupiah(17914888161) == "Rp 17.914.888.161"
    assert rupiah(Decimal("1000")) == "Rp 1.000"
    assert rupiah(None) == "-"
    assert angka(None) == "-"
    assert persen(Decimal("98.34")) == "98,34"
    assert persen(Decimal("94.144")) == "94,14"


@pytest.mark.parametrize("n, words", [
    (2, "dua"), (12, "dua belas"), (61, "enam puluh satu"), (100, "seratus"), (11, "sebelas"),
])
def test_terbilang(n: int, words: str) -> None:
    assert terbilang(n) == words
    assert angka_terbilang(n) == f"{n} ({words})"
