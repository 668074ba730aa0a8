"""The catalogue of every rule id: what the *Pengaturan Validasi* sheet lists and the README's table shows.

Each id is declared beside the code that emits it (`renja_xl.domain.findings.declare`). Importing the modules
below makes the catalogue whole, whatever else a process imported before.
"""
from __future__ import annotations

from renja_xl.domain.findings import RuleInfo, catalogue
from renja_xl import rules as _rules  # noqa: F401  (the validation rules)
from renja_xl.sipd import renja as _renja  # noqa: F401  (the Renja OPD print's checks)
from renja_xl.sipd import usulan as _usulan  # noqa: F401  (the Semua Usulan print's checks)
from renja_xl.workbook import reader as _reader  # noqa: F401  (what reading the cells finds)
from renja_xl.workbook import recalc as _recalc  # noqa: F401  (what Hitung Ulang notes)
from renja_xl.workbook import validation as _validation  # noqa: F401  (the Pengaturan Validasi sheet's own checks)


def rules() -> list[RuleInfo]:
    return catalogue()


def by_id() -> dict[str, RuleInfo]:
    return {r.rule: r for r in catalogue()}
