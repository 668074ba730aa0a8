"""Moving a workbook's codes to another version of the list (pure: on the sheets' blocks and two lists).

Every distinct code of the hierarchical tables gets one decision. Sub kegiatan are decided first, then each
program and kegiatan, so that a parent can follow its own sub kegiatan:

1. a parent whose moved sub kegiatan (or kegiatan) mostly went under one node of the target: that node
   ("mengikuti isinya"; "tetap" / "ganti nama" when it is the parent's own code);
2. the target version deleted the code and names a replacement (a change list's `kode_baru`): the replacement
   ("pengganti resmi");
3. the same code in the target, or for a 2-digit sub kegiatan the same number on 4 digits: kept ("tetap",
   "padanan 4 digit") when the names agree (>= SAME_SCORE), "ganti nama" when the target renamed it within
   RENAME_SCORE and no other node of the target is nearer to the old name;
4. the name, among the target's nodes of the same level, bidang and authority digit: the best match when its
   score reaches the threshold and no other node scores as high ("menurut nama"); two old codes landing on one
   new code by name are left to the user;
5. otherwise nothing is guessed ("diputuskan pengguna"): the row keeps its old code and the Migrasi sheet says
   what to decide, with the nearest candidate when there is one.

Money, targets and every other typed cell stay in their rows; only the code and the name change (the name
when the node moved or was renamed, or when the typed name differs from the new list's); an empty indikator or
satuan of a sub kegiatan takes the target's standard one.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from renja_xl.domain.kode import KodeError, Level, parse_kode
from renja_xl.domain.layout import FIRST_DATA_ROW, HIERARCHY_SHEETS, SheetSpec
from renja_xl.nomenklatur.diff import RENAME_SCORE, authority, widen
from renja_xl.nomenklatur.matching import clean_text, name_key, name_score, same_name
from renja_xl.nomenklatur.model import LEVEL_KEYS, Entry, Nomenklatur

THRESHOLD = 90.0   # a match by name below this is offered, never applied
SAME_SCORE = 95.0  # at or above: the same name up to the transcriptions' noise

# how a code was moved (the Migrasi sheet's "Cara")
KEPT, RENAMED, WIDENED, REPLACED, FOLLOWS, BY_NAME, USER = (
    "tetap", "ganti nama", "padanan 4 digit", "pengganti resmi", "mengikuti isinya", "menurut nama",
    "diputuskan pengguna")
CARA_ORDER = (KEPT, RENAMED, WIDENED, REPLACED, FOLLOWS, BY_NAME, USER)
MIGRASI_SHEET = "Migrasi"
MIGRASI_HEADERS = ("Kode Lama", "Nama Lama", "Kode Baru", "Nama Baru", "Cara", "Keyakinan (%)",
                   "Indikator Standar", "Satuan Standar", "Keputusan Pengguna", "Dipakai di")


@dataclass
class CodeUse:
    kode: str
    level: Level
    nama: str = ""  # the first name typed for it in the workbook
    sheets: list[str] = field(default_factory=list)
    rows: int = 0


@dataclass
class Mapping:
    kode_lama: str
    nama_lama: str
    level: Level
    kode_baru: str = ""      # '' when left to the user
    nama_baru: str = ""
    cara: str = USER
    skor: float = 0.0
    keputusan: str = ""      # what the user must decide ('' = nothing)
    indikator: str = ""      # the target's standard indikator / satuan of a sub kegiatan
    satuan: str = ""
    sheets: list[str] = field(default_factory=list)

    @property
    def moved(self) -> bool:
        return bool(self.kode_baru) and self.cara != USER


def collect_codes(blocks: dict[str, list[list[Any]]]) -> dict[str, CodeUse]:
    """The distinct well-formed codes of the hierarchical tables, with their first typed name."""
    uses: dict[str, CodeUse] = {}
    for spec in HIERARCHY_SHEETS:
        block = blocks.get(spec.key)
        if not block:
            continue
        kc, uc = spec.col("kode"), spec.col("uraian")
        for line in block[FIRST_DATA_ROW - 1:]:
            kode = _kode(line[kc] if kc < len(line) else None)
            if kode is None:
                continue
            use = uses.get(kode.text)
            if use is None:
                use = uses[kode.text] = CodeUse(kode.text, kode.level)
            if not use.nama and uc < len(line):
                use.nama = clean_text(line[uc])
            if spec.name not in use.sheets:
                use.sheets.append(spec.name)
            use.rows += 1
    return uses


def _kode(value: Any):
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return parse_kode(value).kode
    except KodeError:
        return None


def _in_bidang(generic: str, kode: str) -> str:
    """A generic penunjang code X.XX.01… read with the bidang of `kode`."""
    return kode[:4] + generic[4:] if generic.startswith("X.XX.") and not kode.startswith("X") else generic


class _Candidates:
    """The target's nodes by (level, bidang, authority digit), generic penunjang nodes under every bidang."""

    def __init__(self, target: Nomenklatur):
        self.groups: dict[tuple, list[Entry]] = {}
        self.generic: dict[tuple, list[Entry]] = {}
        for e in target.iter_entries():
            key = (e.level, authority(e.kode))
            into = self.generic if e.kode.startswith("X.XX.") else self.groups
            into.setdefault((*key, e.kode[:4]), []).append(e)

    def near(self, kode: str, level: str) -> list[tuple[str, Entry]]:
        """(code as the workbook would write it, entry) of the same level, bidang and authority digit."""
        a = authority(kode)
        own = [(e.kode, e) for e in self.groups.get((level, a, kode[:4]), [])]
        generic = [(_in_bidang(e.kode, kode), e) for e in self.generic.get((level, a, "X.XX"), [])]
        return own + generic


def plan(uses: dict[str, CodeUse], source: Nomenklatur | None, target: Nomenklatur,
         threshold: float = THRESHOLD) -> list[Mapping]:
    """One decision per code (see the module's docstring), returned in code order. Sub kegiatan are decided
    first: a parent then follows where its own sub kegiatan went (its indicator rows and money belong with
    them), and only a parent without moved sub kegiatan is looked up by its own name."""
    candidates = _Candidates(target)
    votes: dict[str, Counter] = {}  # old parent code -> where its moved descendants went, at its level
    out: list[Mapping] = []
    for use in sorted(uses.values(), key=lambda u: (-u.level, parse_kode(u.kode).kode.sort_key)):
        official = source.find(use.kode) if source is not None else None
        m = Mapping(use.kode, official.nama if official is not None else use.nama, use.level,
                    sheets=list(use.sheets))
        out.append(m)
        if use.kode.startswith("X"):
            m.keputusan = "kode generik X.XX: ganti dengan kode bidang perangkat daerah lebih dulu."
        elif use.kode in votes:
            _follow(m, votes[use.kode], target)
        else:
            _decide(m, target, candidates, threshold)
        if m.moved:
            old, new = parse_kode(m.kode_lama).kode.parent, parse_kode(m.kode_baru).kode
            while old is not None:
                while new is not None and new.level > old.level:
                    new = new.parent
                if new is None:
                    break
                votes.setdefault(old.text, Counter())[new.text] += 1
                old = old.parent
    _no_two_onto_one(out)
    out.sort(key=lambda m: parse_kode(m.kode_lama).kode.sort_key)
    return out


def _follow(m: Mapping, where: Counter, target: Nomenklatur) -> None:
    """A parent goes where most of its moved sub kegiatan (or kegiatan) went."""
    (kode, n), total = where.most_common(1)[0], sum(where.values())
    e = target.find(kode)
    if e is None or 2 * n <= total:
        spread = ", ".join(f"{k} ({c})" for k, c in where.most_common(3))
        m.keputusan = f"isinya terbagi ke beberapa induk ({spread}): tentukan induknya sendiri."
        return
    if kode == m.kode_lama:
        s = _score(m.nama_lama, e.nama)
        _take(m, kode, e, KEPT if s >= SAME_SCORE else RENAMED, s)
    else:
        _take(m, kode, e, FOLLOWS, 100.0 * n / total)
    if n < total:
        m.keputusan = (f"{total - n} dari {total} isinya pindah ke induk lain ("
                       + ", ".join(k for k, _ in where.most_common() if k != kode) + "); periksa baris indikatornya.")


def _decide(m: Mapping, target: Nomenklatur, candidates: "_Candidates", threshold: float) -> None:
    from rapidfuzz import fuzz, process, utils

    nama, kode_lama = m.nama_lama, m.kode_lama
    gone = target.removal(kode_lama)
    if gone is not None and gone.pengganti:
        kode = _in_bidang(gone.pengganti, kode_lama)
        e = target.find(kode)
        if e is not None:
            _take(m, kode, e, REPLACED, name_score(nama, e.nama) if nama else 100.0)
            return
    # by name, among the nodes of the same level, bidang and authority digit
    pool = candidates.near(kode_lama, LEVEL_KEYS[m.level])
    best = process.extract(nama, [c[1].nama for c in pool], scorer=fuzz.token_sort_ratio,
                           processor=utils.default_process, limit=2) if nama and pool else []
    # the same code (or, for a 2-digit sub kegiatan, the same number on 4 digits): kept, or renamed when the
    # name moved within RENAME_SCORE and no other node of the new list is nearer to the old name
    e = target.find(kode_lama)
    same = kode_lama if e is not None else None
    if e is None and m.level is Level.SUB_KEGIATAN and widen(kode_lama) != kode_lama and nama:
        e = target.find(widen(kode_lama))
        same = widen(kode_lama) if e is not None else None
    if e is not None:
        s = _score(nama, e.nama)
        nearer = bool(best) and best[0][1] > s and pool[best[0][2]][0] != same
        if s >= SAME_SCORE:
            _take(m, same, e, KEPT if same == kode_lama else WIDENED, s)
            return
        if s >= RENAME_SCORE and not nearer:
            _take(m, same, e, RENAMED, s)
            return
    if best and best[0][1] >= threshold and (len(best) == 1 or best[1][1] < best[0][1]):
        kode, entry = pool[best[0][2]]
        _take(m, kode, entry, BY_NAME, best[0][1])
        return
    if e is not None and same == kode_lama:
        m.keputusan = (f"kode {kode_lama} masih ada di versi baru, tetapi bernama '{e.nama}' (kemiripan "
                       f"{_score(nama, e.nama):.0f}%): tentukan apakah isinya sama, lalu ganti nama atau kodenya.")
    elif gone is not None:
        m.keputusan = f"dihapus pada {gone.versi or target.versi} tanpa pengganti: pilih kode pengganti atau hapus barisnya."
    elif best:
        kode, entry = pool[best[0][2]]
        tie = " (ada calon lain dengan skor sama)" if len(best) > 1 and best[1][1] == best[0][1] else ""
        m.skor = round(best[0][1], 1)
        m.keputusan = (f"tidak ada padanan di atas ambang {threshold:.0f}%; calon terdekat {kode} "
                       f"'{entry.nama}' ({best[0][1]:.0f}%){tie}: pilih kodenya sendiri.")
    else:
        m.keputusan = "tidak ada padanan di versi baru: pilih kodenya sendiri."


def _score(a: str, b: str) -> float:
    if not a:
        return 100.0  # no name typed and none in the source list: the code itself is the evidence
    return 100.0 if name_key(a) == name_key(b) else name_score(a, b)


def _take(m: Mapping, kode: str, e: Entry, cara: str, skor: float) -> None:
    m.kode_baru, m.nama_baru, m.cara, m.skor = kode, e.nama, cara, round(skor, 1)
    if m.level is Level.SUB_KEGIATAN:
        m.indikator, m.satuan = e.indikator, e.satuan
    if cara == RENAMED:
        m.keputusan = ""


def _no_two_onto_one(maps: list[Mapping]) -> None:
    """Two old codes that would land on one new code: the ones matched by name are left to the user."""
    onto: dict[str, list[Mapping]] = {}
    for m in maps:
        if m.moved:
            onto.setdefault(m.kode_baru, []).append(m)
    for kode, ms in onto.items():
        if len(ms) < 2:
            continue
        for m in ms:
            if m.cara == BY_NAME:
                others = ", ".join(x.kode_lama for x in ms if x is not m)
                m.keputusan = (f"calon {kode} '{m.nama_baru}' ({m.skor:.0f}%) juga padanan {others}: "
                               "pilih kodenya sendiri.")
                m.kode_baru, m.nama_baru, m.indikator, m.satuan, m.cara = "", "", "", "", USER


def counts(maps: list[Mapping]) -> dict[str, int]:
    out = {c: 0 for c in CARA_ORDER}
    for m in maps:
        out[m.cara] += 1
    return out


def apply(blocks: dict[str, list[list[Any]]], maps: list[Mapping]) -> dict[str, list[list[Any]]]:
    """New blocks of the hierarchical tables (data rows only, from FIRST_DATA_ROW) with codes moved, moved or
    renamed nodes given their new name, and empty indikator / satuan of sub kegiatan given the standard."""
    by_old = {m.kode_lama: m for m in maps if m.moved}
    out: dict[str, list[list[Any]]] = {}
    for spec in HIERARCHY_SHEETS:
        block = blocks.get(spec.key)
        if not block:
            continue
        rows = [list(line) + [None] * (len(spec.columns) - len(line)) for line in block[FIRST_DATA_ROW - 1:]]
        changed = False
        for line in rows:
            kode = _kode(line[spec.col("kode")])
            m = by_old.get(kode.text) if kode is not None else None
            if m is None:
                continue
            changed |= _apply_row(spec, line, m)
        if changed:
            out[spec.key] = rows
    return out


def _apply_row(spec: SheetSpec, line: list[Any], m: Mapping) -> bool:
    before = list(line)
    line[spec.col("kode")] = m.kode_baru
    j = spec.col("uraian")
    # a kept code keeps its typed name unless that differs from the new list's (then the official one is taken)
    if m.cara != KEPT or not same_name(clean_text(line[j]), m.nama_baru):
        line[j] = m.nama_baru
    if m.level is Level.SUB_KEGIATAN and spec.key in ("tabel4", "tabel6"):
        for key, value in (("indikator", m.indikator), ("satuan", m.satuan)):
            j = spec.col(key)
            if value and (line[j] is None or str(line[j]).strip() == ""):
                line[j] = value
    return line != before


def migrasi_block(maps: list[Mapping]) -> list[list[Any]]:
    """The rows of the Migrasi sheet (below its header)."""
    return [[m.kode_lama, m.nama_lama, m.kode_baru, m.nama_baru, m.cara, m.skor if m.skor else None,
             m.indikator, m.satuan, m.keputusan, ", ".join(m.sheets)] for m in maps]
