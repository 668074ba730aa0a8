"""One cell value -> its <c> element (SpreadsheetML, ECMA-376 Part 1 §18.3.1.4)."""
from __future__ import annotations

import math
import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from renja_xl.domain.formula import Formula, number_text

ERRORS = frozenset(("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA"))
# characters XML 1.0 cannot carry, and a literal _xHHHH_ (which Excel would read as such an escape)
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|_(?=x[0-9A-Fa-f]{4}_)")
_EPOCH = datetime(1899, 12, 30)
_EPOCH_1904 = datetime(1904, 1, 1)


def escape(text: str) -> str:
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    # isprintable (in C) is false for every character _ILLEGAL names: the regex only runs on texts that may need it
    if (not text.isprintable() or "_x" in text) and _ILLEGAL.search(text):
        text = _ILLEGAL.sub(lambda m: f"_x{ord(m.group(0)):04X}_", text)
    return text


def _text(text: str) -> str:
    body = escape(text)
    if text and (text[0].isspace() or text[-1].isspace()):
        return f'<t xml:space="preserve">{body}</t>'
    return f"<t>{body}</t>"


def serial(value: Any, date1904: bool = False) -> float | int:
    """A date or time as Excel's serial number (days since the epoch; the fraction is the time of day)."""
    epoch = _EPOCH_1904 if date1904 else _EPOCH
    if isinstance(value, timedelta):
        return value.total_seconds() / 86400
    if isinstance(value, time):
        return (value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6) / 86400
    if not isinstance(value, datetime):
        return (datetime(value.year, value.month, value.day) - epoch).days
    delta = value.replace(tzinfo=None) - epoch
    return delta.days + delta.seconds / 86400 + delta.microseconds / 864e8 if (delta.seconds or delta.microseconds) \
        else delta.days


def _number(v: Any) -> str | None:
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if isinstance(v, Decimal) and not v.is_finite():
        return None
    return number_text(v)


def cell(ref: str, value: Any, style: str | None, date1904: bool = False) -> str:
    """The <c> element of a non-empty value. A str is always text (inline string), even when it starts with
    '=': only a `Formula` becomes a formula, written with its cached value."""
    s = f' s="{style}"' if style else ""
    t = value.__class__
    # the usual cells first, each in one test (the rekap writes ~1.5 million of them: bench/README.md, sesi 6):
    # a text needing no escape and no preserved space (isprintable is false for every character _ILLEGAL names)
    if t is str and value and value.isprintable() and value[0] != " " and value[-1] != " " and value not in ERRORS \
            and "&" not in value and "<" not in value and ">" not in value and "_x" not in value:
        return f'<c r="{ref}"{s} t="inlineStr"><is><t>{value}</t></is></c>'
    if t is int:
        return f'<c r="{ref}"{s}><v>{value}</v></c>'
    if isinstance(value, Formula):
        f = f"<f>{escape(str(value)[1:])}</f>"
        v = value.value
        if v is None:
            return f'<c r="{ref}"{s}>{f}</c>'
        if isinstance(v, bool):
            return f'<c r="{ref}"{s} t="b">{f}<v>{int(v)}</v></c>'
        if isinstance(v, str):
            if v in ERRORS:
                return f'<c r="{ref}"{s} t="e">{f}<v>{v}</v></c>'
            return f'<c r="{ref}"{s} t="str">{f}<v>{escape(v)}</v></c>'
        if isinstance(v, (datetime, date, time, timedelta)):
            v = serial(v, date1904)
        text = _number(v) if isinstance(v, (int, float, Decimal)) else None
        if text is None:
            return f'<c r="{ref}"{s}>{f}</c>'
        return f'<c r="{ref}"{s}>{f}<v>{text}</v></c>'
    if isinstance(value, str):
        if value in ERRORS:  # the calamine engine reads an error cell as its text
            return f'<c r="{ref}"{s} t="e"><v>{value}</v></c>'
        return f'<c r="{ref}"{s} t="inlineStr"><is>{_text(value)}</is></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float, Decimal)):
        text = _number(value)
        if text is None:
            return f'<c r="{ref}"{s} t="e"><v>#NUM!</v></c>'
        return f'<c r="{ref}"{s}><v>{text}</v></c>'
    if isinstance(value, (datetime, date, time, timedelta)):
        return f'<c r="{ref}"{s}><v>{number_text(serial(value, date1904))}</v></c>'
    return f'<c r="{ref}"{s} t="inlineStr"><is>{_text(str(value))}</is></c>'
