"""Indonesian number writing: 17.914.888.161, 96,25, 12 (dua belas). Rounded half-up, as Excel shows."""
from __future__ import annotations

from decimal import Decimal, localcontext

from babel.numbers import format_decimal

from renja_xl.domain.money import round_half_up


def angka(value: Decimal | int | float | None, places: int = 0) -> str:
    """17914888161 -> '17.914.888.161'; with places=2: 96.25 -> '96,25'."""
    if value is None:
        return "-"
    d = round_half_up(Decimal(str(value)) if isinstance(value, float) else Decimal(value), places)
    pattern = "#,##0" + ("." + "0" * places if places else "")
    with localcontext() as ctx:  # Babel quantizes in the current context: room for every digit of a huge value
        ctx.prec = max(ctx.prec, d.adjusted() + places + 4)
        return format_decimal(d, format=pattern, locale="id_ID")


def rupiah(value: Decimal | int | None) -> str:
    return "Rp " + angka(value) if value is not None else "-"


def persen(value: Decimal | None, places: int = 2) -> str:
    return angka(value, places)


def terbilang(n: int) -> str:
    from num2words import num2words

    return num2words(int(n), lang="id")


def angka_terbilang(n: int) -> str:
    """12 -> '12 (dua belas)'."""
    return f"{n} ({terbilang(n)})"
