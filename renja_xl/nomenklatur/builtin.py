"""The versions shipped with the package: official lists built from public transcriptions (package data).

`renja_xl/data/nomenklatur/` holds one gzip'd JSON table per version (the columns of the store's CSV, sorted as
the hierarchy; JSON because the C parser reads it several times faster than csv reads CSV) and `manifest.json`
(version, decree, source, date, counts). They are written by `python -m renja_xl.build.nomenklatur` from
`nomenklatur_sumber/` with the project's own importer; a test rebuilds them and compares. A list is read
on first use only (validate on a workbook of another version never opens it).
"""
from __future__ import annotations

import gzip
import json
from functools import lru_cache
from importlib import resources
from typing import Any

from renja_xl.domain.kode import parse_kode
from renja_xl.nomenklatur.model import STORE_FIELDS, Entry, Nomenklatur, NomenklaturError
from renja_xl.nomenklatur.store import same_version

DATA_DIR = "data/nomenklatur"
MANIFEST = "manifest.json"


def _data():
    return resources.files("renja_xl").joinpath(DATA_DIR)


@lru_cache(maxsize=1)
def builtin_versions() -> tuple[dict[str, Any], ...]:
    """The manifest's entries: versi, nomor, tanggal, berkas, sumber, jumlah (and jumlah per jenis pemda)."""
    try:
        text = _data().joinpath(MANIFEST).read_text(encoding="utf-8")
    except (FileNotFoundError, OSError):
        return ()
    return tuple(json.loads(text)["versi"])


def builtin_meta(versi: str) -> dict[str, Any] | None:
    for meta in builtin_versions():
        if same_version(meta["versi"], versi):
            return meta
    return None


def load_builtin(versi: str) -> Nomenklatur | None:
    """The built-in list of a version (matched by name or decree number); None when none is shipped."""
    meta = builtin_meta(versi)
    return _load(meta["berkas"], meta["versi"]) if meta else None


def builtin_bytes(nom: Nomenklatur) -> bytes:
    """The package data of a list, uncompressed: one JSON row per entry, in the hierarchy's order."""
    rows = [json.dumps(e.row(), ensure_ascii=False) for k in sorted(nom.entries, key=lambda k: parse_kode(k).kode.sort_key)
            for e in nom.entries[k]]
    return ('{"kolom": ' + json.dumps(list(STORE_FIELDS)) + ', "baris": [\n' + ",\n".join(rows) + "\n]}\n").encode("utf-8")


@lru_cache(maxsize=4)
def _load(berkas: str, versi: str) -> Nomenklatur:
    try:
        data = json.loads(gzip.decompress(_data().joinpath(berkas).read_bytes()))
        if data["kolom"] != list(STORE_FIELDS):
            raise KeyError(f"kolom {data['kolom']}")
        entries = list(map(Entry._make, data["baris"]))
    except (OSError, EOFError, ValueError, KeyError, TypeError) as exc:
        raise NomenklaturError(f"nomenklatur bawaan '{berkas}' rusak ({exc}); pasang ulang renja-xl.") from exc
    return Nomenklatur.from_entries(versi, entries)
