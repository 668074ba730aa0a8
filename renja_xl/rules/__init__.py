"""The validation rules, grouped by subject. Each rule takes the Context and yields Findings.

Rules never raise on bad input: every cell is read defensively and a problem
becomes a finding naming sheet and cell. Each rule is linear in the rows
(indexes built once per run, patterns compiled once).
"""
from __future__ import annotations

from typing import Callable, Iterable

from renja_xl.domain.findings import Finding
from renja_xl.rules.context import Context
from renja_xl.rules import evaluasi, isi, kode, nomenklatur, rencana, silang, uang

Rule = Callable[[Context], Iterable[Finding]]

ALL_RULES: list[Rule] = [
    *kode.RULES,
    *nomenklatur.RULES,
    *isi.RULES,
    *uang.RULES,
    *silang.RULES,
    *rencana.RULES,
    *evaluasi.RULES,
]

__all__ = ["ALL_RULES", "Context", "Rule"]
