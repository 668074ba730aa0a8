"""Exact money and percentages: Decimal, rounded half-up as Excel shows them."""
from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from renja_xl.domain.findings import Severity, declare

ANGKA_BUKAN_ANGKA = declare("angka.bukan_angka", Severity.ERROR, "Sel uang/angka berisi teks")
ANGKA_TEKS = declare("angka.teks", Severity.ERROR, "Angka diketik sebagai teks (17.914.888.161)")
ANGKA_RUMUS = declare("angka.rumus", Severity.ERROR, "Rumus di kolom isian angka")
ANGKA_GALAT = declare("angka.galat", Severity.ERROR, "Sel berisi galat Excel (#REF!, #VALUE!, ...)")

CENT = Decimal("0.01")
ERROR_VALUES = {"#REF!", "#VALUE!", "#DIV/0!", "#N/A", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!"}


class NumberError(ValueError):
    """A cell that should hold a number but does not; the message is Indonesian."""

    def __init__(self, message: str, rule: str = "angka.bukan_angka"):
        super().__init__(message)
        self.rule = rule


def round_half_up(value: Decimal, places: int = 2) -> Decimal:
    exp = Decimal(1).scaleb(-places)
    try:
        return value.quantize(exp, rounding=ROUND_HALF_UP)
    except InvalidOperation:
        # quantize needs every digit of the result within the precision (28 by default): widen it for huge values
        with localcontext() as ctx:
            ctx.prec = max(ctx.prec, value.adjusted() + places + 2)
            return value.quantize(exp, rounding=ROUND_HALF_UP)


def to_decimal(value: object) -> Decimal | None:
    """A cell value as an exact Decimal; None for an empty cell.

    Floats come from calamine/Excel; `repr` gives the shortest text that
    round-trips, so 47.07 stays 47.07 rather than 47.0699999…
    """
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return None
    if isinstance(value, bool):
        raise NumberError(f"nilai logika {value} bukan angka.")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise NumberError("nilai bukan angka yang sah.")
        # a whole number (the usual rupiah) converts exactly and twice as fast through int
        return Decimal(int(value)) if value.is_integer() else Decimal(repr(value))
    if isinstance(value, Decimal):
        return value
    text = str(value).strip()
    if text in ERROR_VALUES:
        raise NumberError(f"sel berisi galat Excel {text}; perbaiki rumus atau ketik angkanya.", rule=ANGKA_GALAT.rule)
    if text.startswith("="):
        raise NumberError(
            f"sel berisi rumus '{text}'; kolom ini diisi angka. Salin lalu Tempel Nilai (Paste Values).",
            rule=ANGKA_RUMUS.rule,
        )
    hint = _looks_like_typed_number(text)
    if hint is not None:
        raise NumberError(
            f"angka diketik sebagai teks ('{text}'); ketik sebagai angka tanpa titik ribuan, misalnya {hint}.",
            rule=ANGKA_TEKS.rule,
        )
    raise NumberError(f"'{text}' bukan angka.")


def _looks_like_typed_number(text: str) -> str | None:
    """'1.234.567,00' or 'Rp 5.000' -> the plain number a user should type."""
    t = re.sub(r"^(Rp\.?)\s*", "", text, flags=re.IGNORECASE).replace(" ", "")
    if re.fullmatch(r"-?\d{1,3}(\.\d{3})+(,\d+)?", t) or re.fullmatch(r"-?\d+,\d+", t):
        whole, _, frac = t.partition(",")
        whole = whole.replace(".", "")
        return whole if frac.strip("0") == "" else f"{whole},{frac}"
    if re.fullmatch(r"-?\d+(\.\d+)?", t):
        return t
    return None


def parse_number_or_text(value: object) -> Decimal | str | None:
    """Targets and IKU values: a number when it is one, else the text (a predicate such as BB)."""
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return None
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return to_decimal(value)
    text = str(value).strip()
    if text in ERROR_VALUES:
        raise NumberError(f"sel berisi galat Excel {text}.", rule=ANGKA_GALAT.rule)
    return text


def excel_number(value: Decimal | None) -> int | float | None:
    """The value to put in a cell: int when whole, else float (Excel stores doubles)."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return float(value)
