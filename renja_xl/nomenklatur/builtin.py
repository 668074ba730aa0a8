"""The versions shipped with the package: official lists built from public transcriptions (package data).

`renja_xl/data/nomenklatur/` holds one gzip'd CSV per version (the store's format) and `manifest.json`
(version, decree, source, date, counts). They are written by `python -m renja_xl.build.nomenklatur` from
`nomenklatur_sumber/` with the project's own importer; a test rebuilds them and compares. A list is read
on first use only (validate on a workbook of another version never opens it).
"""
from __future__ import annotations

import gzip
import io
import json
from functools import lru_cache
from importlib import resources
from typing import Any

from renja_xl.nomenklatur.model import Nomenklatur, NomenklaturError
from renja_xl.nomenklatur.store import read_entries, same_version

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


@lru_cache(maxsize=4)
def _load(berkas: str, versi: str) -> Nomenklatur:
    try:
        raw = _data().joinpath(berkas).read_bytes()
        with io.TextIOWrapper(io.BytesIO(gzip.decompress(raw)), encoding="utf-8", newline="") as fh:
            entries = read_entries(fh)
    except (OSError, EOFError, KeyError, TypeError, StopIteration) as exc:
        raise NomenklaturError(f"nomenklatur bawaan '{berkas}' rusak ({exc}); pasang ulang renja-xl.") from exc
    return Nomenklatur.from_entries(versi, entries)
