"""The merge: summaries arrive in input order and go to a temporary SQLite file at once.

The coordinator keeps one small `Record` per workbook (identity, totals, counts); the sub kegiatan rows of a
workbook live in memory only while it is merged, then on disk (its findings go straight to the Temuan sheet), and
so do the count and total of each kegiatan per workbook and the parent rows of the Rekap Program (rekap/program.py):
the coordinator's memory does not grow with the rows, kegiatan or programs of a national rekap. SQLite (stdlib)
also does the sorting of the Rekap Program and the grouping of the cross-OPD checks — no sort or index of our own.
"""
from __future__ import annotations

import os
import sqlite3
import sys
import tempfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Iterator

from renja_xl.domain.findings import Finding
from renja_xl.rekap.summary import Summary


@dataclass(slots=True)
class Record:
    """What the coordinator keeps of one workbook after its merge."""
    index: int
    source: str
    name: str
    ok: bool
    sha256: str
    identitas: dict[str, object]
    total: Decimal
    n_program: int
    n_kegiatan: int
    n_sub: int
    counts: dict[str, int]  # own findings by severity (as `validate` reports them)
    rules: set[str]  # rules with at least one finding (own and cross-OPD)
    held_bidang: tuple[str, ...]
    penunjang: list[tuple[str, int | None]]
    trace: str = ""
    ceiling: Decimal | None = None  # from the pagu file, else Identitas
    ceiling_source: str = ""
    cross: int = 0  # cross-OPD findings
    score: Decimal = Decimal(0)
    extra: dict[str, object] = field(default_factory=dict)

    def label(self) -> str:
        return str(self.identitas.get("singkatan") or self.identitas.get("nama_perangkat_daerah") or self.name)


_SCHEMA = """
CREATE TABLE sub (idx INTEGER, sort_key TEXT, kode TEXT, uraian TEXT, pagu TEXT, row INTEGER);
CREATE TABLE temuan (seq INTEGER PRIMARY KEY, idx INTEGER, severity TEXT, rule TEXT, sheet TEXT, cell TEXT,
                     code TEXT, message TEXT);
CREATE TABLE nama (kode TEXT PRIMARY KEY, uraian TEXT);
CREATE TABLE keg (sort_key TEXT, kode TEXT, idx INTEGER, n INTEGER, total TEXT);
CREATE TABLE parent (row INTEGER PRIMARY KEY, kode TEXT, level TEXT, last INTEGER, total TEXT, n_opd INTEGER,
                     opd INTEGER);
"""


class Merge:
    def __init__(self, folder: Path | None = None):
        fd, name = tempfile.mkstemp(prefix="renja-xl-rekap-", suffix=".sqlite", dir=folder)
        os.close(fd)
        self.path = Path(name)
        self.db = sqlite3.connect(name)
        # a 4 MB page cache: the coordinator's memory stays flat; the sort of 200k rows is no slower than with 16 MB
        self.db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-4000;" + _SCHEMA)
        self.records: list[Record] = []

    def add(self, s: Summary) -> Record:
        idx = len(self.records)
        db = self.db
        db.executemany("INSERT INTO sub VALUES (?,?,?,?,?,?)",
                       [(idx, r.sort_key, r.kode, r.uraian, str(r.pagu), r.row) for r in s.subs])
        # each kegiatan's sub kegiatan rows and total in this workbook, for the SUBTOTAL ranges (rekap/program.py)
        kegiatan: dict[str, list] = {}
        for r in s.subs:
            text = r.kode[:r.kode.rfind(".")]
            stats = kegiatan.get(text)
            if stats is None:
                kegiatan[text] = [r.sort_key[:r.sort_key.rfind(".")], 1, r.pagu]
            else:
                stats[1] += 1
                stats[2] += r.pagu
        db.executemany("INSERT INTO keg VALUES (?,?,?,?,?)",
                       [(key, text, idx, n, str(total)) for text, (key, n, total) in kegiatan.items()])
        # the first workbook in input order names a code (as the OPD typed it)
        db.executemany("INSERT OR IGNORE INTO nama VALUES (?,?)", s.parent_names.items())
        bidang, nama = s.identitas.get("kode_bidang_urusan"), s.identitas.get("nama_bidang_urusan")
        if bidang and nama:  # a bidang row nobody typed is named as the agency's Identitas names it
            db.execute("INSERT OR IGNORE INTO nama VALUES (?,?)", (str(bidang).strip(), str(nama).strip()))
        rules = {sys.intern(f.rule) for f in s.findings}  # one copy of each rule id across the records
        rec = Record(idx, s.source, s.name, s.ok, s.sha256, dict(s.identitas), s.total, s.n_program, s.n_kegiatan,
                     s.n_sub, s.counts, rules, s.held_bidang, list(s.penunjang), s.trace)
        self.records.append(rec)
        return rec

    def add_cross(self, idx: int | None, finding: Finding) -> None:
        """A finding of a cross-OPD check, attributed to a workbook (None: to the rekap as a whole)."""
        f = finding
        self.db.execute("INSERT INTO temuan (idx, severity, rule, sheet, cell, code, message) VALUES (?,?,?,?,?,?,?)",
                        (-1 if idx is None else idx, f.severity, f.rule, f.sheet, f.cell, f.code, f.message))
        if idx is not None:
            rec = self.records[idx]
            rec.cross += 1
            rec.rules.add(finding.rule)

    def subs_sorted(self) -> Iterator[tuple[int, str, str, str, Decimal, int | None]]:
        """(idx, sort_key, kode, uraian, pagu, row) by code, then input order."""
        for idx, key, kode, uraian, pagu, row in self.db.execute(
                "SELECT idx, sort_key, kode, uraian, pagu, row FROM sub ORDER BY sort_key, idx, rowid"):
            yield idx, key, kode, uraian, Decimal(pagu), row

    def claims(self) -> Iterator[tuple[str, list[tuple[int, int | None]]]]:
        """Sub kegiatan codes in more than one workbook: code -> [(idx, row), ...] in input order."""
        cur = self.db.execute(
            "SELECT kode, idx, MIN(row) FROM sub WHERE kode IN "
            "(SELECT kode FROM sub GROUP BY kode HAVING COUNT(DISTINCT idx) > 1) "
            "GROUP BY kode, idx ORDER BY MIN(sort_key), idx")
        current, claims = None, []
        for kode, idx, row in cur:
            if kode != current and claims:
                yield current, claims
                claims = []
            current = kode
            claims.append((idx, row))
        if claims:
            yield current, claims

    def kegiatan(self) -> Iterator[tuple[str, int, Decimal, set[int]]]:
        """(kegiatan code, its sub kegiatan rows, their total, the workbooks that have them) in code order."""
        current, n, total, opds = None, 0, Decimal(0), set()
        for kode, idx, rows, amount in self.db.execute("SELECT kode, idx, n, total FROM keg ORDER BY sort_key, idx"):
            if kode != current:
                if current is not None:
                    yield current, n, total, opds
                current, n, total, opds = kode, 0, Decimal(0), set()
            n += rows
            total += Decimal(amount)
            opds.add(idx)
        if current is not None:
            yield current, n, total, opds

    def add_parents(self, parents: list[tuple[int, str, str, int, Decimal, set[int]]]) -> None:
        """Parent rows of the Rekap Program (row, code, level, last row of its range, total, OPDs), once known."""
        self.db.executemany("INSERT INTO parent VALUES (?,?,?,?,?,?,?)",
                            [(row, kode, level, last, str(total), len(opds), min(opds) if opds else None)
                             for row, kode, level, last, total, opds in parents])

    def parents(self) -> Iterator[tuple[int, str, str, int, Decimal, int, int | None, str | None]]:
        """The parent rows in sheet order, each with the name the first OPD typed for it (None: nobody did)."""
        for row, kode, level, last, total, n_opd, opd, nama in self.db.execute(
                "SELECT p.row, p.kode, p.level, p.last, p.total, p.n_opd, p.opd, n.uraian FROM parent p "
                "LEFT JOIN nama n ON n.kode = p.kode ORDER BY p.row"):
            yield row, kode, level, last, Decimal(total), n_opd, opd, nama

    def temuan(self) -> Iterator[tuple[int, str, str, str, str, str, str]]:
        """The cross-OPD findings (idx, severity, rule, sheet, cell, code, message): per workbook in input order,
        the rekap's own at the end. A workbook's own findings are not stored: they go to the Temuan sheet as it is
        merged (report.TemuanSheet)."""
        yield from self.db.execute("SELECT idx, severity, rule, sheet, cell, code, message FROM temuan "
                                   "ORDER BY idx < 0, idx, seq")

    def close(self) -> None:
        self.db.close()
        self.path.unlink(missing_ok=True)

    def __enter__(self) -> "Merge":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
