"""Findings as data: every check yields rows, reported together (rule, severity, sheet, cell, code, message).

Each rule id is declared once, beside the code that emits it (`declare`), with its default severity and an
Indonesian title; the catalogue of all of them (`renja_xl.workbook.catalogue.rules()`) fills the template's
*Pengaturan Validasi* sheet, where a user turns a rule off or changes its severity (`apply_settings`).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from enum import Enum

SEVERITIES = ("error", "warning", "info")
SEVERITY_LABELS = {"error": "Galat", "warning": "Peringatan", "info": "Info"}
OFF_LABEL = "Nonaktif"
SETTING_CHOICES = (*SEVERITY_LABELS.values(), OFF_LABEL)


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    sheet: str
    cell: str
    code: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)

    def line(self) -> str:
        where = f"{self.sheet}!{self.cell}" if self.cell else self.sheet
        code = f" [{self.code}]" if self.code else ""
        return f"{SEVERITY_LABELS[self.severity]} {where}{code}: {self.message}"


class Severity(str, Enum):
    """How much a finding weighs. Findings keep the plain value ('error'), so JSON and comparisons stay simple."""
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class RuleInfo:
    """A rule id as declared beside the code that emits it; calling it makes a finding of its default severity."""
    rule: str
    severity: str
    description: str

    def __call__(self, sheet: str, cell: str, code: str, message: str) -> Finding:
        return Finding(self.rule, self.severity, sheet, cell, code, message)


_DECLARED: dict[str, RuleInfo] = {}
# The order of the catalogue (the Pengaturan Validasi sheet, the README table): by subject, then by id.
SUBJECTS = ("kode", "hierarki", "tabel", "identitas", "tahun", "nomenklatur", "isi", "angka", "uang", "rencana",
            "evaluasi", "silang", "iku", "sipd", "pengaturan")
# Subjects whose ids never come from one workbook (Bappeda's rekap across workbooks): declared, but not in the
# Pengaturan Validasi sheet of an OPD's workbook.
OTHER_SUBJECTS = ("rekap",)


def declare(rule: str, severity: Severity, description: str) -> RuleInfo:
    """Declare a rule id (once, in the module whose code emits it) with its default severity and Indonesian title."""
    info = RuleInfo(rule, Severity(severity).value, description)
    if _DECLARED.setdefault(rule, info) != info:
        raise ValueError(f"rule id {rule} declared twice")
    return info


def emits(*infos: RuleInfo):
    """Mark a rule function with the ids it can emit, so that validation skips it when the user turned them all off."""
    def mark(fn):
        fn.emits = tuple(i.rule for i in infos)
        return fn
    return mark


def declared(rule: str) -> RuleInfo:
    """The declaration of an id carried by an exception (KodeError.rule, NumberError.rule)."""
    return _DECLARED[rule]


def catalogue() -> list[RuleInfo]:
    """Every rule declared so far, in the catalogue's order. `renja_xl.workbook.catalogue` imports every module that
    declares, so its `rules()` is the whole list whatever was imported before."""
    unknown = {r.rule for r in _DECLARED.values() if r.rule.split(".")[0] not in SUBJECTS + OTHER_SUBJECTS}
    if unknown:  # a new subject must take its place in the order above (and so in the Pengaturan sheet)
        raise ValueError(f"rule ids of an unknown subject: {sorted(unknown)}")
    mine = [r for r in _DECLARED.values() if r.rule.split(".")[0] in SUBJECTS]
    return sorted(mine, key=lambda r: (SUBJECTS.index(r.rule.split(".")[0]), r.rule))


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity == "error" for f in findings)


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """By severity (errors first); within a severity the order the rules found them (stable)."""
    order = {s: i for i, s in enumerate(SEVERITIES)}
    return sorted(findings, key=lambda f: order[f.severity])


def severity_from_label(label: str) -> str | None:
    """'Galat' / 'error' -> 'error'; 'Nonaktif' -> 'off'; anything else -> None."""
    text = (label or "").strip().lower()
    for key, name in SEVERITY_LABELS.items():
        if text in (key, name.lower()):
            return key
    if text in ("nonaktif", "off", "mati", "tidak aktif"):
        return "off"
    return None


def apply_settings(findings: list[Finding], settings: dict[str, str]) -> list[Finding]:
    """Drop the findings of rules turned off; give the others the severity the user chose."""
    out = []
    for f in findings:
        chosen = settings.get(f.rule)
        if chosen == "off":
            continue
        out.append(replace(f, severity=chosen) if chosen and chosen != f.severity else f)
    return out


def counts(findings: list[Finding]) -> dict[str, int]:
    return {s: sum(1 for f in findings if f.severity == s) for s in SEVERITIES}
