"""What changed between two versions of the list: nodes added, deleted, renamed, moved (same name under another
code), and standard indikator or satuan changed.

A 2-digit sub kegiatan (2020/2021) and the 4-digit one of the same number (2023+) are compared as one code
(`.01` is `.0001`) when their names agree; a code whose name changed beyond `RENAME_SCORE` is taken for a
different node in the code's place (the old one deleted or moved, a new one added), not for a rename.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

from renja_xl.domain.kode import parse_kode
from renja_xl.nomenklatur.matching import name_key, name_score
from renja_xl.nomenklatur.model import Entry, Nomenklatur

RENAME_SCORE = 80.0  # below: the code now names something else

KINDS = ("ditambah", "dihapus", "ganti_nama", "pindah", "indikator", "satuan")
KIND_LABELS = {"ditambah": "Ditambah", "dihapus": "Dihapus", "ganti_nama": "Ganti nama", "pindah": "Pindah kode",
               "indikator": "Indikator berubah", "satuan": "Satuan berubah"}


@dataclass(frozen=True)
class DiffRow:
    jenis: str  # one of KINDS
    level: str
    kode_lama: str = ""
    nama_lama: str = ""
    kode_baru: str = ""
    nama_baru: str = ""
    lama: str = ""   # indikator / satuan before
    baru: str = ""   # and after

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass
class Diff:
    a: str
    b: str
    jenis_pemda: str | None
    rows: list[DiffRow] = field(default_factory=list)
    widened: int = 0  # 2-digit sub kegiatan found again, unchanged, under 4 digits

    def counts(self) -> dict[str, int]:
        out = {k: 0 for k in KINDS}
        for r in self.rows:
            out[r.jenis] += 1
        return out


def widen(kode: str) -> str:
    """A sub kegiatan's number on 4 digits (5.03.02.2.01.01 -> 5.03.02.2.01.0001); other codes unchanged."""
    if kode.count(".") == 5:
        head, _, number = kode.rpartition(".")
        if len(number) == 2:
            return f"{head}.00{number}"
    return kode


def _by_code(nom: Nomenklatur, jenis: str | None) -> dict[str, Entry]:
    view = nom.view(jenis)
    return {widen(k): view._pick(items, jenis) for k, items in view.entries.items()}


def _sort_key(kode: str):
    return parse_kode(kode).kode.sort_key


def diff(a: Nomenklatur, b: Nomenklatur, jenis: str | None = None) -> Diff:
    old, new = _by_code(a, jenis), _by_code(b, jenis)
    out = Diff(a.versi, b.versi, jenis)
    gone: list[Entry] = []
    came: list[Entry] = []
    for key in sorted(set(old) | set(new), key=_sort_key):
        x, y = old.get(key), new.get(key)
        if x is None:
            came.append(y)
            continue
        if y is None:
            gone.append(x)
            continue
        if name_key(x.nama) != name_key(y.nama):
            if name_score(x.nama, y.nama) < RENAME_SCORE:
                gone.append(x)
                came.append(y)
                continue
            out.rows.append(DiffRow("ganti_nama", y.level, x.kode, x.nama, y.kode, y.nama))
        elif x.kode != y.kode:
            out.widened += 1
        _standard(out, x, y)
    # the same name at the same level under another code: moved
    waiting: dict[tuple[str, str], list[Entry]] = {}
    for y in came:
        waiting.setdefault((y.level, name_key(y.nama)), []).append(y)
    moved: set[str] = set()
    for x in gone:
        # never across authority digits: a kabupaten's node does not move into the Papua or Aceh kegiatan
        candidates = [y for y in waiting.get((x.level, name_key(x.nama)), [])
                      if y.kode not in moved and authority(y.kode) == authority(x.kode)]
        if not candidates:
            out.rows.append(DiffRow("dihapus", x.level, x.kode, x.nama))
            continue
        # the closest code wins: same bidang, then the longest shared prefix
        y = max(candidates, key=lambda c: (c.kode[:4] == x.kode[:4], _shared(c.kode, x.kode)))
        moved.add(y.kode)
        out.rows.append(DiffRow("pindah", x.level, x.kode, x.nama, y.kode, y.nama))
        _standard(out, x, y)
    out.rows += [DiffRow("ditambah", y.level, "", "", y.kode, y.nama) for y in came if y.kode not in moved]
    out.rows.sort(key=lambda r: (KINDS.index(r.jenis), _sort_key(r.kode_baru or r.kode_lama)))
    return out


def authority(kode: str) -> str:
    """The authority digit of a kegiatan or sub kegiatan ('' above the kegiatan)."""
    segs = kode.split(".")
    return segs[3] if len(segs) >= 5 else ""


def _shared(p: str, q: str) -> int:
    n = 0
    for c, d in zip(p, q):
        if c != d:
            break
        n += 1
    return n


def _standard(out: Diff, x: Entry, y: Entry) -> None:
    """A changed standard indikator or satuan (a list without them, such as 2020's, changes nothing)."""
    for kind in ("indikator", "satuan"):
        before, after = getattr(x, kind), getattr(y, kind)
        if before and name_key(before) != name_key(after):
            out.rows.append(DiffRow(kind, y.level, x.kode, x.nama, y.kode, y.nama, before, after))
