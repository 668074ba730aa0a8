"""Where lists live: the embedded example list (the seed's codes) and the user-level store of imported versions.

A complete official list is imported once per version (`renja-xl nomenklatur
import FILE --versi NAME`) into `$RENJA_XL_HOME/nomenklatur/` when that variable
is set (tests use a temporary folder), else the platform's user data folder
(platformdirs).
"""
from __future__ import annotations

import csv
import json
import os
import re
from datetime import datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from renja_xl.domain.kode import parse_kode
from renja_xl.support import settings
from renja_xl.nomenklatur.matching import name_key
from renja_xl.domain.versi import REG_NUMBER
from renja_xl.nomenklatur.model import LEVEL_KEYS, REMOVED_FIELDS, STORE_FIELDS, Entry, Nomenklatur, NomenklaturError, Removal

ENV_HOME = settings.ENV_HOME

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


def store_dir() -> Path:
    folder = settings.home()
    if folder is not None:
        return folder / "nomenklatur"
    from platformdirs import user_data_path

    return user_data_path("renja-xl", appauthor=False) / "nomenklatur"


def slug(versi: str) -> str:
    text = re.sub(r"[^0-9A-Za-z]+", "-", versi).strip("-").lower()
    if not text:
        raise NomenklaturError("nama versi kosong; sebutkan misalnya --versi 'Kepmendagri 900.1.15.5-1317 Tahun 2023'.")
    return text[:80]


def same_version(a: str, b: str) -> bool:
    """Two names of one version: equal up to punctuation, or naming the same regulation number (050-5889)."""
    if name_key(a) == name_key(b):
        return True
    na, nb = REG_NUMBER.findall(a or ""), REG_NUMBER.findall(b or "")
    return bool(na and nb and na[0] == nb[0])


def write_entries(fh, nom: Nomenklatur) -> None:
    """The list as CSV (STORE_FIELDS), sorted as the hierarchy: the format of the store and of the built-ins."""
    w = csv.writer(fh, lineterminator="\n")
    w.writerow(STORE_FIELDS)
    for kode in sorted(nom.entries, key=lambda k: parse_kode(k).kode.sort_key):
        for e in nom.entries[kode]:
            w.writerow(e.row())


def read_entries(fh) -> list[Entry]:
    """Entries of a CSV written by write_entries (older files without some columns read too)."""
    reader = csv.reader(fh)
    header = next(reader)
    if header == list(STORE_FIELDS):  # the usual case, without a dict per row
        return [Entry(*row) for row in reader]
    idx = {h: i for i, h in enumerate(header)}
    get = [idx.get(f) for f in STORE_FIELDS]
    if get[0] is None or get[2] is None:
        raise KeyError("kode/nama")
    out = []
    for row in reader:
        vals = [row[i] if i is not None and i < len(row) else "" for i in get]
        vals[5] = vals[5] or "both"
        out.append(Entry(*vals))
    return out


def save_version(nom: Nomenklatur, source: str, folder: Path | None = None, dasar: str = "") -> Path:
    folder = folder or store_dir()
    folder.mkdir(parents=True, exist_ok=True)
    name = slug(nom.versi)
    target = folder / f"{name}.csv"
    tmp = folder / f".{name}.csv.tmp"
    with tmp.open("w", encoding="utf-8", newline="") as fh:
        write_entries(fh, nom)
    os.replace(tmp, target)
    meta = {"versi": nom.versi, "sumber": source, "diimpor": datetime.now().isoformat(timespec="seconds"),
            "jumlah": nom.counts(), "berkas": target.name}
    if dasar:
        meta["dasar"] = dasar
    if nom.removed:
        meta["dihapus"] = [dict(zip(REMOVED_FIELDS, r.row())) for r in nom.removed.values()]
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
            nom = _load_file(folder / meta["berkas"], meta["versi"])
            removed = meta.get("dihapus")
            if removed and not nom.removed:
                try:
                    nom.removed = {r["kode"]: Removal(*(str(r.get(f) or "") for f in REMOVED_FIELDS))
                                   for r in removed}
                except (TypeError, AttributeError, KeyError) as exc:
                    raise NomenklaturError(f"metadata versi '{meta['versi']}' rusak ({exc}); impor ulang.") from exc
            return nom
    return None


@lru_cache(maxsize=4)
def _load_cached(path: str, mtime: float, versi: str) -> Nomenklatur:
    with open(path, encoding="utf-8", newline="") as fh:
        entries = read_entries(fh)
    return Nomenklatur.from_entries(versi, entries)


def _load_file(path: Path, versi: str) -> Nomenklatur:
    try:
        return _load_cached(str(path), path.stat().st_mtime, versi)
    except (OSError, KeyError, TypeError, StopIteration, csv.Error) as exc:
        raise NomenklaturError(f"nomenklatur tersimpan '{path}' rusak ({exc}); impor ulang versi '{versi}'.") from exc
