"""Build the built-in code lists: `python -m renja_xl.build.nomenklatur`.

Reads the transcriptions in `nomenklatur_sumber/` (copied once into the repository; provenance in its
README) with the project's own importer and writes `renja_xl/data/nomenklatur/`: one gzip'd CSV per version
and `manifest.json`. The output is reproducible (no timestamps; gzip without mtime): a test rebuilds it and
compares it with the committed files.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from renja_xl.domain.versi import known_version
from renja_xl.nomenklatur.builtin import MANIFEST, builtin_bytes
from renja_xl.nomenklatur.importers import parse_csv_text
from renja_xl.nomenklatur.model import Nomenklatur
from renja_xl.nomenklatur.store import slug

ROOT = Path(__file__).resolve().parents[2]
SOURCES_DIR = ROOT / "nomenklatur_sumber"
OUT_DIR = ROOT / "renja_xl" / "data" / "nomenklatur"


@dataclass(frozen=True)
class Source:
    versi: str
    berkas: str       # in nomenklatur_sumber/
    cakupan: str      # provinsi dan kabupaten/kota | kabupaten/kota
    jenis: tuple[str, ...]  # the kinds of pemda whose lampiran the source holds
    keterangan: str


SOURCES: tuple[Source, ...] = (
    Source("Kepmendagri 050-3708 Tahun 2020", "nomenklatur_050-3708-2020.csv", "provinsi dan kabupaten/kota",
           ("provinsi", "kabkota"), "Permendagri 90/2019 sebagaimana dimutakhirkan Kepmendagri 050-3708/2020; lampiran provinsi dan "
           "kabupaten/kota (kolom jenis_pemda)"),
    Source("Kepmendagri 900.1.15.5-1317 Tahun 2023", "nomenklatur_kabkota_900-1317-2023.csv", "kabupaten/kota",
           ("kabkota",), "lampiran kabupaten/kota dengan kinerja, indikator dan satuan standar per sub kegiatan"),
)


def build_one(source: Source, folder: Path = SOURCES_DIR) -> tuple[Nomenklatur, bytes, dict]:
    path = folder / source.berkas
    raw = path.read_bytes()
    result = parse_csv_text(raw.decode("utf-8-sig"), source.versi, source.berkas)
    if result.notes:  # a source the importer cannot read cleanly is not shipped
        raise SystemExit(f"{source.berkas}: " + "; ".join(result.notes[:5]))
    nom = result.nomenklatur
    data = builtin_bytes(nom)
    known = known_version(source.versi)
    subs = [e for e in nom.iter_entries() if e.level == "sub_kegiatan"]
    per_jenis = {j: sum(1 for e in subs if e.jenis_pemda in (j, "both")) for j in ("provinsi", "kabkota")}
    meta = {
        "versi": source.versi,
        "nomor": known.nomor if known else "",
        "tanggal": known.tanggal.isoformat() if known else "",
        "cakupan": source.cakupan,
        "jenis_pemda": list(source.jenis),
        "berkas": f"{slug(source.versi)}.json.gz",
        "sumber": {"berkas": f"nomenklatur_sumber/{source.berkas}", "sha256": hashlib.sha256(raw).hexdigest(),
                   "keterangan": source.keterangan},
        "jumlah": nom.counts(),
        "sub_kegiatan_per_jenis": per_jenis if nom.has_views() else {},
        "sha256_data": hashlib.sha256(data).hexdigest(),
    }
    return nom, data, meta


def build(out: Path = OUT_DIR, folder: Path = SOURCES_DIR) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written, metas = [], []
    for source in SOURCES:
        _, data, meta = build_one(source, folder)
        target = out / meta["berkas"]
        target.write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
        written.append(target)
        metas.append(meta)
    manifest = out / MANIFEST
    manifest.write_text(json.dumps({"versi": metas}, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return [*written, manifest]


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT_DIR
    for p in build(target):
        print(p)
