"""Code lists (klasifikasi, kodefikasi dan nomenklatur) by version.

The package embeds the codes and names of its own example (the seed Renja),
enough to validate it. A complete official list is imported once per version
(`renja-xl nomenklatur import FILE --versi NAME`) into a user-level store:
`$RENJA_XL_HOME/nomenklatur/` when that variable is set (tests use a temporary
folder), else the platform's user data folder (platformdirs). Two sources are
read: the lampiran's own layout (one code segment per column, names with
PDF-extraction noise) as a worksheet block, and a clean CSV `kode,level,nama,...`.

The generic penunjang program is written once as `X.XX.01…`; `Nomenklatur.find`
reads it with the agency's own bidang (5.03.01.1.02.01 is X.XX.01.1.02.01) when
the exact code is not in the list (real programs such as 4.01.01 match exactly).
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from importlib import resources
from itertools import compress, repeat
from operator import is_
from pathlib import Path
from typing import Any, Iterable

from .errors import RenjaError
from .kode import Kode, KodeError, Level, interned_kode, parse_kode, well_formed

LEVEL_KEYS = {Level.URUSAN: "urusan", Level.BIDANG: "bidang", Level.PROGRAM: "program",
              Level.KEGIATAN: "kegiatan", Level.SUB_KEGIATAN: "sub_kegiatan"}
LEVEL_BY_KEY = {v: k for k, v in LEVEL_KEYS.items()}
STORE_FIELDS = ("kode", "level", "nama", "indikator", "satuan", "jenis_pemda")
ENV_HOME = "RENJA_XL_HOME"


class NomenklaturError(RenjaError):
    """A list that cannot be imported or a version that is not in the store."""


@dataclass(frozen=True)
class Entry:
    kode: str
    level: str
    nama: str
    indikator: str = ""
    satuan: str = ""
    jenis_pemda: str = "both"  # provinsi | kabkota | both


@dataclass
class Nomenklatur:
    versi: str
    entries: dict[str, list[Entry]] = field(default_factory=dict)
    partial: bool = False  # True for the embedded example list: a code missing from it proves nothing
    _by_segments: dict[tuple[str, ...], list[Entry]] | None = field(default=None, repr=False, compare=False)
    _by_kode: dict[Kode, list[Entry]] | bool | None = field(default=None, repr=False, compare=False)
    _has_generic: bool = field(default=False, repr=False, compare=False)

    @classmethod
    def from_entries(cls, versi: str, entries: Iterable[Entry], partial: bool = False) -> "Nomenklatur":
        nom = cls(versi, {}, partial)
        for e in entries:
            nom.entries.setdefault(e.kode, []).append(e)
        return nom

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


# ---------------------------------------------------------------- names

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


# ---------------------------------------------------------------- embedded list

EMBEDDED_VERSI = "contoh bawaan"


@lru_cache(maxsize=1)
def default_names() -> dict[str, str]:
    """kode -> official name, from the codes that occur in the embedded example (the seed)."""
    with resources.files("renja_xl").joinpath("data/nomenklatur_contoh.csv").open(encoding="utf-8") as fh:
        return {row["kode"]: row["nama"] for row in csv.DictReader(fh)}


def embedded() -> Nomenklatur:
    entries = []
    for kode, nama in default_names().items():
        entries.append(Entry(kode, LEVEL_KEYS[parse_kode(kode).kode.level], nama))
    return Nomenklatur.from_entries(EMBEDDED_VERSI, entries, partial=True)


# ---------------------------------------------------------------- parsing sources

@dataclass
class ImportResult:
    nomenklatur: Nomenklatur
    notes: list[str] = field(default_factory=list)  # rows skipped, with the reason (Indonesian)


def _entry_from(kode_raw: Any, level_raw: Any, nama: Any, indikator: Any = "", satuan: Any = "",
                jenis: Any = "") -> Entry:
    try:
        parsed = parse_kode(str(kode_raw or "").strip())
    except KodeError as exc:
        raise ValueError(str(exc)) from exc
    level = LEVEL_KEYS[parsed.kode.level]
    given = str(level_raw or "").strip().lower().replace(" ", "_")
    if given and given != level:
        raise ValueError(f"tingkat '{level_raw}' tidak cocok dengan kode {parsed.kode.text} ({level}).")
    name = clean_text(nama)
    if not name:
        raise ValueError(f"nama kode {parsed.kode.text} kosong.")
    jenis_text = str(jenis or "").strip().lower() or "both"
    if jenis_text not in ("provinsi", "kabkota", "both"):
        raise ValueError(f"jenis_pemda '{jenis}' tidak dikenal (provinsi, kabkota atau both).")
    return Entry(parsed.kode.text, level, name, clean_text(indikator), clean_text(satuan), jenis_text)


def parse_csv_text(text: str, versi: str, source: str = "CSV") -> ImportResult:
    """A clean list: header `kode,level,nama` plus optional indikator, satuan, jenis_pemda (other columns ignored)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    if "kode" not in header or "nama" not in header:
        raise NomenklaturError(f"{source}: baris judul harus memuat kolom 'kode' dan 'nama' (tertulis: {', '.join(header)}).")
    reader.fieldnames = header
    entries, notes = [], []
    for line_no, row in enumerate(reader, start=2):
        if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
            continue
        try:
            entries.append(_entry_from(row.get("kode"), row.get("level"), row.get("nama"), row.get("indikator"),
                                       row.get("satuan"), row.get("jenis_pemda")))
        except ValueError as exc:
            notes.append(f"{source} baris {line_no}: {exc}")
    return _finish(versi, entries, notes, source)


_HEADER_KEYS = {
    "urusan": ("URUSAN",), "bidang": ("BIDANG",), "program": ("PROGRAM",), "kegiatan": ("KEGIATAN",),
    "sub": ("SUB KEGIATAN", "SUBKEGIATAN"), "nama": ("NOMENKLATUR",), "kinerja": ("KINERJA",),
    "indikator": ("INDIKATOR",), "satuan": ("SATUAN",),
}


def _header_columns(line: list[Any]) -> dict[str, int] | None:
    cols: dict[str, int] = {}
    for j, v in enumerate(line):
        t = clean_text(v).upper()
        for key, starts in _HEADER_KEYS.items():
            if key not in cols and any(t.startswith(s) for s in starts):
                if key == "kegiatan" and t.startswith("SUB"):
                    continue
                cols[key] = j
                break
    needed = {"urusan", "bidang", "program", "kegiatan", "sub", "nama"}
    return cols if needed <= cols.keys() else None


def _segment(value: Any, width: int, generic: str) -> str:
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value).zfill(width)
    text = re.sub(r"\s+", "", str(value))
    if text.upper() == generic:
        return generic
    if text.isdigit():
        return text.zfill(width)
    return text


def _kegiatan_segment(value: Any) -> str:
    """The kegiatan cell holds the authority digit and the number: '2.01' (text; a float is read with 2 places)."""
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return ""
    if isinstance(value, float):
        return f"{value:.2f}"
    return re.sub(r"\s+", "", str(value))


def parse_lampiran_block(block: list[list[Any]], versi: str, source: str = "lampiran",
                         sub_digits: int = 4) -> ImportResult:
    """The lampiran's own layout: one code segment per column, then name, kinerja, indikator, satuan."""
    cols = None
    start = 0
    for i, line in enumerate(block[:50]):
        cols = _header_columns(list(line))
        if cols:
            start = i + 1
            break
    if cols is None:
        raise NomenklaturError(
            f"{source}: baris judul lampiran (URUSAN, BIDANG URUSAN, PROGRAM, KEGIATAN, SUB KEGIATAN, NOMENKLATUR ...) "
            "tidak ditemukan di 50 baris pertama.")
    entries: list[Entry] = []
    notes: list[str] = []
    width = max(cols.values()) + 1

    def cell(line, key):
        j = cols.get(key)
        return line[j] if j is not None and j < len(line) else None

    for i in range(start, len(block)):
        line = list(block[i]) + [None] * (width - len(block[i]))
        if _header_columns(line):
            continue  # a header repeated on a new page
        segs = [_segment(cell(line, "urusan"), 1, "X"), _segment(cell(line, "bidang"), 2, "XX"),
                _segment(cell(line, "program"), 2, "")]
        keg = _kegiatan_segment(cell(line, "kegiatan"))
        sub = _segment(cell(line, "sub"), sub_digits, "")
        nama = cell(line, "nama")
        if not any(segs) and not keg and not sub:
            if clean_text(nama) and entries:  # a name broken over two rows by the PDF: continue the last one
                last = entries[-1]
                entries[-1] = Entry(last.kode, last.level, clean_text(f"{last.nama} {nama}"), last.indikator,
                                    last.satuan, last.jenis_pemda)
            continue
        parts = [s for s in segs if s]
        if keg:
            parts.append(keg)
        if sub:
            parts.append(sub)
        kode = ".".join(parts)
        try:
            entries.append(_entry_from(kode, "", nama, cell(line, "indikator"), cell(line, "satuan")))
        except ValueError as exc:
            notes.append(f"{source} baris {i + 1}: {exc}")
    return _finish(versi, entries, notes, source)


def _finish(versi: str, entries: list[Entry], notes: list[str], source: str) -> ImportResult:
    if not entries:
        detail = ("; " + "; ".join(notes[:3])) if notes else ""
        raise NomenklaturError(f"{source}: tidak ada kode yang dapat dibaca{detail}.")
    seen: dict[tuple[str, str], int] = {}
    unique: list[Entry] = []
    for e in entries:
        key = (e.kode, e.jenis_pemda)
        if key in seen:
            notes.append(f"{source}: kode {e.kode} ({e.jenis_pemda}) tercantum lebih dari sekali; yang pertama dipakai.")
            continue
        seen[key] = 1
        unique.append(e)
    return ImportResult(Nomenklatur.from_entries(versi, unique), notes)


# ---------------------------------------------------------------- the user-level store

def store_dir() -> Path:
    home = os.environ.get(ENV_HOME)
    if home:
        return Path(home) / "nomenklatur"
    from platformdirs import user_data_path

    return user_data_path("renja-xl", appauthor=False) / "nomenklatur"


def slug(versi: str) -> str:
    text = re.sub(r"[^0-9A-Za-z]+", "-", versi).strip("-").lower()
    if not text:
        raise NomenklaturError("nama versi kosong; sebutkan misalnya --versi 'Kepmendagri 900.1.15.5-1317 Tahun 2023'.")
    return text[:80]


_REG_NUMBER = re.compile(r"\d{3}(?:\.\d+)*-\d{3,5}")


def same_version(a: str, b: str) -> bool:
    """Two names of one version: equal up to punctuation, or naming the same regulation number (050-5889)."""
    if name_key(a) == name_key(b):
        return True
    na, nb = _REG_NUMBER.findall(a or ""), _REG_NUMBER.findall(b or "")
    return bool(na and nb and na[0] == nb[0])


def save_version(nom: Nomenklatur, source: str, folder: Path | None = None) -> Path:
    folder = folder or store_dir()
    folder.mkdir(parents=True, exist_ok=True)
    name = slug(nom.versi)
    target = folder / f"{name}.csv"
    tmp = folder / f".{name}.csv.tmp"
    with tmp.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(STORE_FIELDS)
        for kode in sorted(nom.entries, key=lambda k: parse_kode(k).kode.sort_key):
            for e in nom.entries[kode]:
                w.writerow([e.kode, e.level, e.nama, e.indikator, e.satuan, e.jenis_pemda])
    os.replace(tmp, target)
    meta = {"versi": nom.versi, "sumber": source, "diimpor": datetime.now().isoformat(timespec="seconds"),
            "jumlah": nom.counts(), "berkas": target.name}
    (folder / f"{name}.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
    return target


def list_versions(folder: Path | None = None) -> list[dict[str, Any]]:
    folder = folder or store_dir()
    out = []
    if folder.is_dir():
        for meta_path in sorted(folder.glob("*.json")):
            try:
                meta = json.loads(meta_path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if isinstance(meta, dict) and "versi" in meta and (folder / str(meta.get("berkas", ""))).exists():
                out.append(meta)
    return out


def load_version(versi: str, folder: Path | None = None) -> Nomenklatur | None:
    """The stored list of a version (matched by name or regulation number); None when it was never imported."""
    folder = folder or store_dir()
    for meta in list_versions(folder):
        if same_version(meta["versi"], versi):
            return _load_file(folder / meta["berkas"], meta["versi"])
    return None


@lru_cache(maxsize=4)
def _load_cached(path: str, mtime: float, versi: str) -> Nomenklatur:
    with open(path, encoding="utf-8", newline="") as fh:
        entries = [Entry(r["kode"], r["level"], r["nama"], r.get("indikator") or "", r.get("satuan") or "",
                         r.get("jenis_pemda") or "both") for r in csv.DictReader(fh)]
    return Nomenklatur.from_entries(versi, entries)


def _load_file(path: Path, versi: str) -> Nomenklatur:
    try:
        return _load_cached(str(path), path.stat().st_mtime, versi)
    except (OSError, KeyError, csv.Error) as exc:
        raise NomenklaturError(f"nomenklatur tersimpan '{path}' rusak ({exc}); impor ulang versi '{versi}'.") from exc
