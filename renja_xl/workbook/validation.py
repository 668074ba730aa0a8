"""Validasi: every rule runs on the in-memory Renja, then all findings are reported together.

Entry points (also for the Excel side):

- ``validate_grid(grid)`` reads the workbook through any Grid, runs every rule
  of ``renja_xl.rules`` and applies the user's *Pengaturan Validasi* (rules
  turned off or given another severity); returns the findings sorted by
  severity.
- ``write_validasi(grid, findings)`` replaces the *Validasi* sheet wholesale:
  one block of rows with ``=HYPERLINK("#'Sheet'!B12","B12")`` formulas to the
  cells (every engine can write a formula), older rows cleared.
- ``run(grid, write=True)`` does both.

A structural problem (a missing sheet, a moved column) raises WorkbookError;
everything else becomes a finding.
"""
from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from renja_xl.domain.cells import cell_ref
from renja_xl.domain.formula import Formula
from renja_xl.domain.findings import (SEVERITY_LABELS, Finding, apply_settings, counts, severity_from_label,
                       sort_findings)
from renja_xl.workbook.grid import Grid
from renja_xl.domain.layout import FIRST_DATA_ROW, HEADER_ROW, NOTE_ROW, sheet
from renja_xl.support.memory import paused_gc
from renja_xl.domain.model import Renja
from renja_xl.nomenklatur import NomenklaturError, Nomenklatur, embedded, jenis_key
from renja_xl.nomenklatur.builtin import builtin_versions
from renja_xl.nomenklatur.versions import resolve_list
from renja_xl.workbook.reader import read_renja, start_reading
from renja_xl.rules import ALL_RULES, Context
from renja_xl.domain.findings import Severity, declare

PENGATURAN_ISIAN = declare("pengaturan.isian", Severity.WARNING, "Baris Pengaturan Validasi tidak dapat dibaca")

VALIDASI = sheet("validasi")
PENGATURAN = sheet("pengaturan")


def resolve_nomenklatur(renja: Renja) -> tuple[Nomenklatur | None, str]:
    """The list of the version Identitas declares (imported, else built in), seen by the workbook's kind of
    pemda; else the embedded example list, with the reason."""
    versi = str(renja.identitas.get("versi_nomenklatur") or "").strip()
    if versi:
        try:
            found = resolve_list(versi, jenis_key(renja.identitas.get("jenis_pemda")))
        except NomenklaturError as exc:
            return embedded(), f"{exc} Kode dibandingkan dengan daftar contoh bawaan saja."
        if found.nomenklatur is not None:
            return found.nomenklatur, ""
        return embedded(), (f"{found.note} Sampai itu nama dibandingkan dengan daftar contoh bawaan "
                            f"({len(embedded())} kode) dan kode yang tidak dikenal tidak dilaporkan.")
    return embedded(), ("Versi Nomenklatur di Identitas kosong; nama dibandingkan dengan daftar contoh bawaan "
                        "saja. Pilih versinya dari daftar (daftar bawaan: "
                        + ", ".join(m["versi"] for m in builtin_versions()) + ").")


def validate_renja(renja: Renja, nomenklatur: Nomenklatur | None = None,
                   settings: dict[str, str] | None = None) -> list[Finding]:
    """All findings: the reader's, then every rule's; settings applied; sorted by severity."""
    if nomenklatur is None:
        nomenklatur, note = resolve_nomenklatur(renja)
    else:
        note = ""
    ctx = Context(renja, nomenklatur, note)
    findings = list(renja.findings)
    # The rules allocate many small objects and no reference cycles; the cyclic collector would rescan the
    # whole model (millions of objects at 100k rows) again and again, so it rests while they run.
    off = {rule for rule, choice in (settings or {}).items() if choice == "off"}
    with paused_gc():
        for rule in ALL_RULES:
            if off.issuperset(rule.emits):
                continue  # every id this rule emits is turned off: it is not run
            findings.extend(rule(ctx))
    if settings:
        findings = apply_settings(findings, settings)
    return sort_findings(findings)


def read_settings(grid: Grid) -> tuple[dict[str, str], list[Finding]]:
    """The user's choices on the Pengaturan Validasi sheet: rule -> 'error' | 'warning' | 'info' | 'off'.

    A workbook without the sheet (an older template) uses the defaults.
    """
    if PENGATURAN.name not in grid.sheet_names():
        return {}, []
    block = grid.read(PENGATURAN.name)
    col_rule, col_choice = PENGATURAN.col("aturan"), PENGATURAN.col("tingkat")
    from renja_xl.workbook.catalogue import by_id  # here: the catalogue imports this module's neighbours

    known = by_id()
    settings: dict[str, str] = {}
    notes: list[Finding] = []
    for idx in range(FIRST_DATA_ROW - 1, len(block)):
        line = list(block[idx]) + [None] * (len(PENGATURAN.columns) - len(block[idx]))
        rule = str(line[col_rule] or "").strip()
        raw = line[col_choice]
        choice = "" if raw is None else str(raw).strip()
        if not choice:
            continue
        where = cell_ref(idx + 1, col_choice + 1)
        if rule not in known:
            notes.append(PENGATURAN_ISIAN(PENGATURAN.name, cell_ref(idx + 1, col_rule + 1), "",
                                          f"aturan '{rule}' tidak dikenal; pilihan '{choice}' diabaikan."))
            continue
        severity = severity_from_label(choice)
        if severity is None:
            notes.append(PENGATURAN_ISIAN(PENGATURAN.name, where, "",
                                          f"tingkat '{choice}' untuk aturan {rule} tidak dikenal; pilih Galat, Peringatan, "
                                          "Info atau Nonaktif. Tingkat bawaan dipakai."))
            continue
        settings[rule] = severity
    return settings, notes


def validate_grid(grid: Grid, nomenklatur: Nomenklatur | None = None) -> list[Finding]:
    return check_grid(grid, nomenklatur)[1]


def check_grid(grid: Grid, nomenklatur: Nomenklatur | None = None) -> tuple[Renja, list[Finding]]:
    """What validate_grid does, with the Renja it read (the rekap needs both from one read)."""
    # one pause around reading and the rules (two would collect the whole model in between: support/memory.py)
    with paused_gc():
        return _check_grid(grid, nomenklatur)


def _check_grid(grid: Grid, nomenklatur: Nomenklatur | None) -> tuple[Renja, list[Finding]]:
    start_reading(grid, [PENGATURAN.name])
    renja = read_renja(grid, number=False)
    settings, notes = read_settings(grid)
    renja.findings.extend(notes)
    return renja, validate_renja(renja, nomenklatur, settings)


# ---------------------------------------------------------------- the Validasi sheet

_CELL = re.compile(r"^\$?[A-Z]{1,3}\$?[0-9]{1,7}(:\$?[A-Z]{1,3}\$?[0-9]{1,7})?$")


def _quote_sheet(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def hyperlink(sheet_name: str, cell: str) -> str:
    """=HYPERLINK("#'Sheet'!B12","B12"): a link every engine can write as a plain formula."""
    target = cell if _CELL.match(cell or "") else "A1"
    label = (cell or sheet_name).replace('"', '""')
    address = f"#{_quote_sheet(sheet_name)}!{target}".replace('"', '""')
    # a Formula: every engine writes it as a formula (the package writer writes a plain '=...' string as text)
    return Formula(f'=HYPERLINK("{address}","{label}")', cell or sheet_name)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_FORMULA_START = ("=", "+", "-", "@")


def plain_text(value: str) -> str:
    """Text that a writer must not take for a formula (a code typed as '=...' in a hostile file), without the
    control characters no worksheet can hold."""
    if value.isprintable() and value[:1] not in _FORMULA_START:
        return value  # the usual text, without the regex (isprintable is false for every control character)
    value = _CONTROL.sub("", value)
    return " " + value if value[:1] in _FORMULA_START else value


def validasi_rows(findings: list[Finding]) -> list[list[Any]]:
    rows = []
    for i, f in enumerate(sort_findings(findings), start=1):
        link = hyperlink(f.sheet, f.cell) if f.sheet else plain_text(f.cell)
        rows.append([i, SEVERITY_LABELS[f.severity], f.rule, plain_text(f.sheet), link, plain_text(f.code), plain_text(f.message)])
    return rows


def summary(findings: list[Finding], when: datetime | None = None) -> str:
    c = counts(findings)
    stamp = (when or datetime.now()).strftime("%d-%m-%Y %H:%M")
    return (f"Validasi {stamp}: {c['error']} galat, {c['warning']} peringatan, {c['info']} info. "
            "Sheet ini ditulis ulang seluruhnya setiap kali Validasi dijalankan.")


def write_validasi(grid: Grid, findings: list[Finding], when: datetime | None = None) -> int:
    """Replace the Validasi sheet's rows with these findings (sorted by severity). Returns the number of rows."""
    width = len(VALIDASI.columns)
    if VALIDASI.name not in grid.sheet_names() and grid.ensure_sheet(VALIDASI.name):
        grid.write(VALIDASI.name, 1, 1, [[VALIDASI.title]])
        grid.write(VALIDASI.name, HEADER_ROW, 1, [[c.header for c in VALIDASI.columns]])
        old = 0
    else:
        block = grid.read(VALIDASI.name)
        old = max(0, len(block) - (FIRST_DATA_ROW - 1))
    rows = validasi_rows(findings)
    grid.write(VALIDASI.name, NOTE_ROW, 1, [[summary(findings, when)]])
    if rows:
        grid.write(VALIDASI.name, FIRST_DATA_ROW, 1, rows)
    if old > len(rows):
        grid.clear(VALIDASI.name, FIRST_DATA_ROW + len(rows), 1, old - len(rows), width)
    return len(rows)


def run(grid: Grid, write: bool = True) -> list[Finding]:
    """Validate and (when the grid can write) replace the Validasi sheet; returns the findings."""
    findings = validate_grid(grid)
    if write:
        write_validasi(grid, findings)
    return findings
