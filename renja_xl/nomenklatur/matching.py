"""Names compared as people type them: case, spaces, punctuation, PDF hyphenation and one slip forgiven."""
from __future__ import annotations

import re
import unicodedata
from typing import Any

_NOT_ALNUM = re.compile(r"[\W_]+", re.UNICODE)
_SPACES = re.compile(r"\s+")
_BROKEN_HYPHEN = re.compile(r"(\w)- (\w)")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(value: Any) -> str:
    """Collapse PDF-extraction whitespace and join line-break hyphens ('RKA- SKPD' -> 'RKA-SKPD')."""
    if value is None:
        return ""
    text = _SPACES.sub(" ", _CONTROL.sub("", str(value))).strip()
    return _BROKEN_HYPHEN.sub(r"\1-\2", text)


def name_key(text: Any) -> str:
    """What two names must share to count as the same: letters and digits, case-folded, no spaces or punctuation."""
    return _NOT_ALNUM.sub("", unicodedata.normalize("NFKC", str(text or "")).casefold())


def same_name(a: Any, b: Any, tolerance: int = 1) -> bool:
    """Equal up to case, whitespace, punctuation and `tolerance` single-character slips ('Sertfikasi')."""
    ka, kb = name_key(a), name_key(b)
    if ka == kb:
        return True
    if abs(len(ka) - len(kb)) > tolerance:
        return False
    from rapidfuzz.distance import Levenshtein

    return Levenshtein.distance(ka, kb, score_cutoff=tolerance) <= tolerance


def name_score(a: Any, b: Any) -> float:
    """0-100: how alike two names are, word order and case aside (rapidfuzz token_sort_ratio on cleaned text).
    Used where a name must find its node among many (diff, migration); `same_name` decides equality."""
    from rapidfuzz import fuzz, utils

    return fuzz.token_sort_ratio(clean_text(a), clean_text(b), processor=utils.default_process)
