"""A formula with the value Python computed for it: what a file engine writes as the cell's cached value.

`Formula` is a `str` (the formula text, starting with '='), so every engine and rule that knows formulas as
'=...' strings keeps working; an engine that writes the package itself also writes `value` as the cell's
cached result (`<v>`), so a reader that does not recompute (Protected View, previews, calamine) shows the
totals. Two Formulas are equal when text and value are; a Formula equals a plain string of the same text
(an engine that reads formulas without values cannot tell a stale cached value).
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any


class Formula(str):
    value: Any

    def __new__(cls, text: str, value: Any = None) -> "Formula":
        self = super().__new__(cls, text)
        self.value = value
        return self

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Formula):
            return str.__eq__(self, other) and same_result(self.value, other.value)
        return str.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    __hash__ = str.__hash__

    def __repr__(self) -> str:
        return f"Formula({str.__repr__(self)}, {self.value!r})"

    def __reduce__(self):
        return Formula, (str(self), self.value)


class Text(str):
    """A text that starts with '=' (typed with a leading apostrophe, or read from a SIPD print), marked so that
    no engine writes it as a formula: an engine reading such a text cell returns it as `Text`, and a writer
    that takes a plain '=...' string for a formula (openpyxl, xlwings) writes a `Text` as text."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"Text({str.__repr__(self)})"

    def __reduce__(self):
        return Text, (str(self),)


def as_text(value: str) -> str:
    """`value` marked as text when a writer could take it for a formula."""
    return Text(value) if value[:1] == "=" and not isinstance(value, Text) else value


def is_formula(v: Any) -> bool:
    """A formula as engines deliver it: a `Formula`, or a plain string starting with '=' (never a `Text`)."""
    return isinstance(v, str) and v[:1] == "=" and not isinstance(v, Text)


def same_result(a: Any, b: Any) -> bool:
    """Whether two cached results are the same figure: None and '' are both empty; numbers compare by the text
    a cell stores (a float read back as 12.35 equals Decimal('12.35'))."""
    ta, tb = type(a), type(b)
    if (ta is tb or (ta in _NUMBERS and tb in _NUMBERS)) and a == b:
        return True  # the common case, compared in C (a float equals the Decimal of the same integer)
    if a == "" or a is None:
        return b == "" or b is None
    if b == "" or b is None:
        return False
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (int, float, Decimal)) and isinstance(b, (int, float, Decimal)):
        return number_text(a) == number_text(b)
    return a == b


_NUMBERS = frozenset((int, float, Decimal))


def number_text(v: int | float | Decimal) -> str:
    """The text of a number in a cell's <v>: integers without a point, no exponent for Decimals, repr for
    floats (the shortest text that reads back as the same double)."""
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if v.is_integer() and abs(v) < 1e16:
            return str(int(v))
        return repr(v)
    if v == v.to_integral_value():
        return str(v.quantize(Decimal(1))) if v.adjusted() < 28 else format(v, "f")
    text = format(v.normalize(), "f")
    return text


def is_temporal(v: Any) -> bool:
    return isinstance(v, (datetime, date, time, timedelta))
