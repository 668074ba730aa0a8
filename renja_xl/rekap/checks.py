"""Cross-OPD checks of a rekap: what no single workbook can see, run once every workbook is merged.

Each check adds findings to the Merge, attributed to the workbook that has to act (the later one in input order
when two collide), naming its sheet and cell where there is one.
"""
from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal

from renja_xl.domain.findings import Finding, declared
from renja_xl.domain.fmt import rupiah
from renja_xl.rekap.merge import Merge, Record
from renja_xl.rekap.rules import every_rule
from renja_xl.rekap.summary import TABEL6

# Codes several agencies of one pemda may legitimately carry: the penunjang program (X.XX.01: every agency runs
# its own secretariat under its bidang) and urusan 7, the kewilayahan of the kecamatan (every camat carries the
# same kegiatan). Any other sub kegiatan belongs to the one agency that holds its bidang.
SHARED_URUSAN = {"7"}


def shared_allowed(kode: str) -> bool:
    parts = kode.split(".")
    return parts[0] in SHARED_URUSAN or (len(parts) > 2 and parts[2] == "01")


def _f(rule: str, message: str, sheet: str = "", cell: str = "", code: str = "") -> Finding:
    return declared(rule)(sheet, cell, code, message)


def run_checks(merge: Merge, ceilings_given: bool) -> None:
    records = [r for r in merge.records if r.ok]
    duplicates = _same_agency(merge)
    _claimed_twice(merge, duplicates)
    _penunjang(merge, records)
    if ceilings_given:
        _above_ceiling(merge, records)
    _same_value(merge, records, "tahun_rencana", "rekap.tahun_berbeda", "Tahun Rencana")
    _same_value(merge, records, "versi_nomenklatur", "rekap.versi_berbeda", "Versi Nomenklatur")


def _claimed_twice(merge: Merge, duplicates: set[int]) -> None:
    """A second workbook of the same agency already has its finding (rekap.opd_ganda): not every code again."""
    for kode, claims in merge.claims():
        if shared_allowed(kode):
            continue
        claims = [c for c in claims if c[0] not in duplicates]
        if len(claims) < 2:
            continue
        first = merge.records[claims[0][0]]
        for idx, row in claims[1:]:
            merge.add_cross(idx, _f(
                "rekap.sub_ganda_opd",
                f"sub kegiatan {kode} juga diusulkan {first.label()} ({first.name}); satu sub kegiatan di luar "
                "program penunjang hanya diampu satu perangkat daerah. Sepakati pengampunya.",
                TABEL6, f"B{row}" if row else "", kode))


def _penunjang(merge: Merge, records: list[Record]) -> None:
    holder: dict[str, Record] = {}
    for r in records:
        for b in r.held_bidang:
            holder.setdefault(b, r)
    for r in records:
        for kode, row in r.penunjang:
            bidang = kode.rsplit(".", 1)[0]
            other = holder.get(bidang)
            who = f"; bidang itu diampu {other.label()} ({other.name})" if other is not None and other is not r else ""
            merge.add_cross(r.index, _f(
                "rekap.penunjang_bidang",
                f"program penunjang {kode} di bidang urusan {bidang}, padahal {r.label()} mengampu "
                f"{', '.join(r.held_bidang) or '(Kode Bidang Urusan kosong)'}{who}. Program penunjang memakai "
                "kode bidang urusan perangkat daerah sendiri.",
                TABEL6, f"B{row}" if row else "", kode))


def _above_ceiling(merge: Merge, records: list[Record]) -> None:
    for r in records:
        if r.ceiling_source != "surat" or r.ceiling is None:
            continue
        if r.total > r.ceiling:
            merge.add_cross(r.index, _f(
                "rekap.pagu_opd",
                f"total Tabel 6 {rupiah(r.total)} melebihi pagu indikatif {rupiah(r.ceiling)} dari berkas pagu "
                f"(selisih {rupiah(r.total - r.ceiling)}).", TABEL6))


def _same_value(merge: Merge, records: list[Record], key: str, rule: str, label: str) -> None:
    """The value most workbooks carry (the first in input order on a tie) is the rekap's; others are reported."""
    values = [(r, r.identitas.get(key)) for r in records]
    tally = Counter(v for _, v in values if v not in (None, ""))
    if len(tally) < 2:
        return
    first_seen = {v: i for i, (_, v) in reversed(list(enumerate(values)))}
    common = max(tally, key=lambda v: (tally[v], -first_seen[v]))
    for r, v in values:
        if v not in (None, "") and v != common:
            merge.add_cross(r.index, _f(
                rule, f"{label} '{v}' berbeda dari {tally[common]} buku kerja lain dalam rekap ('{common}'); "
                      "satu rekap memuat satu tahun rencana dan satu versi nomenklatur.", "Identitas"))


def agency_key(rec: Record) -> str:
    text = f"{rec.identitas.get('nama_perangkat_daerah') or ''}|{rec.identitas.get('pemerintah_daerah') or ''}"
    return re.sub(r"\s+", " ", text).strip().lower()


def _same_agency(merge: Merge) -> set[int]:
    """The later workbook of the same agency (same name and pemda) or of the same bytes; returns their indexes."""
    dup: set[int] = set()
    by_hash: dict[str, Record] = {}
    by_name: dict[str, Record] = {}
    for r in merge.records:
        if r.sha256:
            first = by_hash.setdefault(r.sha256, r)
            if first is not r:
                dup.add(r.index)
                merge.add_cross(r.index, _f("rekap.opd_ganda", f"berkas ini sama persis dengan {first.name}; "
                                                             "keduanya terhitung dalam rekap: hapus salah satunya."))
                continue
        if not r.ok or not r.identitas.get("nama_perangkat_daerah"):
            continue
        first = by_name.setdefault(agency_key(r), r)
        if first is not r:
            dup.add(r.index)
            merge.add_cross(r.index, _f(
                "rekap.opd_ganda",
                f"perangkat daerah '{r.identitas.get('nama_perangkat_daerah')}' juga ada di {first.name}; kirim satu "
                "buku kerja per perangkat daerah (gabungkan atau hapus yang lama).", "Identitas"))
    return dup


# ---------------------------------------------------------------- readiness

WEIGHTS = {"error": 3, "warning": 2, "info": 1}


def readiness(rec: Record) -> Decimal:
    """Share of the rules a workbook passes, each weighted by its default severity (error 3, warning 2, info 1),
    in percent with two decimals; an unreadable file scores 0."""
    from renja_xl.domain.money import round_half_up

    if not rec.ok:
        return Decimal(0)
    rules = every_rule()
    total = sum(WEIGHTS[info.severity] for info in rules.values())
    failed = sum(WEIGHTS[rules[rule].severity] for rule in rec.rules if rule in rules)
    return round_half_up(Decimal(100) * (total - failed) / total)
