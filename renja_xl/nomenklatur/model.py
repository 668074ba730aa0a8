"""A code list of one version: its entries by code, and lookup with the agency's own bidang.

The generic penunjang program is written once as `X.XX.01…`; `Nomenklatur.find`
reads it with the agency's own bidang (5.03.01.1.02.01 is X.XX.01.1.02.01) when
the exact code is not in the list (real programs such as 4.01.01 match exactly).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from itertools import compress, repeat
from operator import is_
from typing import Any, Iterable, NamedTuple

from renja_xl.domain.errors import RenjaError
from renja_xl.domain.kode import Kode, Level, interned_kode, well_formed

LEVEL_KEYS = {Level.URUSAN: "urusan", Level.BIDANG: "bidang", Level.PROGRAM: "program",
              Level.KEGIATAN: "kegiatan", Level.SUB_KEGIATAN: "sub_kegiatan"}
LEVEL_BY_KEY = {v: k for k, v in LEVEL_KEYS.items()}
STORE_FIELDS = ("kode", "level", "nama", "indikator", "satuan", "jenis_pemda", "kinerja")
REMOVED_FIELDS = ("kode", "level", "nama", "jenis_pemda", "pengganti", "versi")


class NomenklaturError(RenjaError):
    """A list that cannot be imported or a version that is not in the store."""


class Entry(NamedTuple):
    """One node of a list. A named tuple, not a dataclass: the built-in lists make thousands of them on load
    (bench/bench_nomenklatur.py), and a tuple is made several times faster than a frozen dataclass."""
    kode: str
    level: str
    nama: str
    indikator: str = ""
    satuan: str = ""
    jenis_pemda: str = "both"  # provinsi | kabkota | both
    kinerja: str = ""  # the standard kinerja of a sub kegiatan (2023+ lists)

    def row(self) -> list[str]:
        """The entry in the order of STORE_FIELDS."""
        return list(self)


@dataclass(frozen=True)
class Removal:
    """A code a decree deleted: what it was, the code that replaces it (when the decree names one), and the
    version that deleted it; a version based on another carries the deletions of its base."""
    kode: str
    level: str
    nama: str
    jenis_pemda: str = "both"
    pengganti: str = ""
    versi: str = ""

    def row(self) -> list[str]:
        return [self.kode, self.level, self.nama, self.jenis_pemda, self.pengganti, self.versi]


@dataclass
class Nomenklatur:
    versi: str
    entries: dict[str, list[Entry]] = field(default_factory=dict)
    partial: bool = False  # True for the embedded example list: a code missing from it proves nothing
    removed: dict[str, Removal] = field(default_factory=dict)  # codes deleted by this version or its bases
    _by_segments: dict[tuple[str, ...], list[Entry]] | None = field(default=None, repr=False, compare=False)
    _by_kode: dict[Kode, list[Entry]] | bool | None = field(default=None, repr=False, compare=False)
    _has_generic: bool = field(default=False, repr=False, compare=False)
    _views: dict[str, "Nomenklatur"] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_entries(cls, versi: str, entries: Iterable[Entry], partial: bool = False,
                     removed: Iterable[Removal] = ()) -> "Nomenklatur":
        nom = cls(versi, {}, partial, {r.kode: r for r in removed})
        for e in entries:
            nom.entries.setdefault(e.kode, []).append(e)
        return nom

    def iter_entries(self) -> Iterable[Entry]:
        for items in self.entries.values():
            yield from items

    def has_views(self) -> bool:
        """True when some entries belong to one kind of pemda only (the 2020 list prints both lampiran)."""
        return any(e.jenis_pemda != "both" for e in self.iter_entries())

    def view(self, jenis_pemda: str | None) -> "Nomenklatur":
        """The list as one kind of pemda sees it: its own entries and those of both (cached per kind)."""
        if not jenis_pemda or not self.has_views():
            return self
        out = self._views.get(jenis_pemda)
        if out is None:
            keep = [e for e in self.iter_entries() if e.jenis_pemda in (jenis_pemda, "both")]
            out = self._views[jenis_pemda] = Nomenklatur.from_entries(self.versi, keep, self.partial,
                                                                      self.removed.values())
        return out

    def removal(self, kode: str) -> Removal | None:
        """The deletion of a code (the generic penunjang X.XX.01… read with the code's own bidang)."""
        if not self.removed:
            return None
        found = self.removed.get(kode)
        segs = kode.split(".")
        if found is None and len(segs) >= 3 and segs[2] == "01":
            found = self.removed.get(".".join(["X", "XX", *segs[2:]]))
        return found

    def __len__(self) -> int:
        return sum(len(v) for v in self.entries.values())

    def counts(self) -> dict[str, int]:
        out = {k: 0 for k in LEVEL_KEYS.values()}
        for items in self.entries.values():
            for e in items:
                out[e.level] = out.get(e.level, 0) + 1
        return out

    def find(self, kode: str, jenis_pemda: str | None = None) -> Entry | None:
        """The entry of a code, the generic penunjang X.XX.01… read with the code's own bidang."""
        return self.find_segments(tuple(kode.split(".")), jenis_pemda)

    def find_segments(self, segments: tuple[str, ...], jenis_pemda: str | None = None) -> Entry | None:
        """As find, for a code already split into its segments."""
        by_segments = self._by_segments
        if by_segments is None:
            by_segments = self._by_segments = {tuple(k.split(".")): v for k, v in self.entries.items()}
        items = by_segments.get(segments)
        if items is None and len(segments) >= 3 and segments[2] == "01":
            items = by_segments.get(("X", "XX", *segments[2:]))
        return self._pick(items, jenis_pemda)

    def find_all(self, kodes: list[Kode], jenis_pemda: str | None = None) -> list[Entry | None]:
        """The entry of each parsed code, as find. For the validation of 100k rows: interned codes are looked
        up by identity in one C loop, and only the codes not found take the generic X.XX.01… path."""
        by_kode = self._by_kode
        if by_kode is None:
            pairs = [(well_formed(text), items) for text, items in self.entries.items()]
            # False: a list with codes in another spelling, looked up by segments
            by_kode = self._by_kode = dict(pairs) if all(k is not None for k, _ in pairs) else False
            self._has_generic = bool(by_kode) and any(k.segments[0] == "X" for k in by_kode)
        if by_kode is False:
            return [self.find_segments(k.segments, jenis_pemda) for k in kodes]
        found: list = list(map(by_kode.get, kodes))
        if self._has_generic:
            for i in compress(range(len(found)), map(is_, found, repeat(None))):
                segments = kodes[i].segments
                if len(segments) >= 3 and segments[2] == "01":
                    generic = interned_kode("X.XX" + kodes[i].text[4:])  # a code nobody used is in no list
                    found[i] = by_kode.get(generic) if generic is not None else None
        if not any(found):
            return found
        return [self._pick(items, jenis_pemda) if items else None for items in found]

    @staticmethod
    def _pick(items: list[Entry] | None, jenis_pemda: str | None) -> Entry | None:
        if not items:
            return None
        if len(items) > 1 and jenis_pemda:
            for e in items:
                if e.jenis_pemda == jenis_pemda:
                    return e
            for e in items:
                if e.jenis_pemda == "both":
                    return e
        return items[0]


def jenis_key(jenis: Any) -> str | None:
    """'Provinsi' -> provinsi; 'Kabupaten' / 'Kota' -> kabkota."""
    text = str(jenis or "").strip().lower()
    if text.startswith("prov"):
        return "provinsi"
    if text.startswith(("kab", "kota")):
        return "kabkota"
    return None
