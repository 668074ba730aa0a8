"""A decree as changes to the list before it: rows added, changed (name, indikator, satuan, kinerja, or
renumbered), deleted (with the code that replaces it, where the decree names one). Applied to a base
version, a change list gives a full version.

The clean CSV: `aksi,kode[,level,nama,indikator,satuan,kinerja,jenis_pemda,kode_baru]`, `aksi` one of
tambah | ubah | hapus. On `ubah` an empty cell keeps the base's value; `kode_baru` renumbers the node (the old
code is recorded as deleted, replaced by the new one). On `hapus`, `kode_baru` names the replacement.
`jenis_pemda` (provinsi / kabkota) limits a row to one lampiran. A change list that does not fit its base
(a code to change that is not there, a code to add that already is) is refused as a whole: applying part of a
decree would give a list that no decree describes.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from renja_xl.domain.kode import KodeError, parse_kode
from renja_xl.nomenklatur.importers import ImportResult
from renja_xl.nomenklatur.matching import clean_text
from renja_xl.nomenklatur.model import LEVEL_KEYS, Entry, Nomenklatur, NomenklaturError, Removal

ACTIONS = {"tambah": "tambah", "baru": "tambah", "add": "tambah",
           "ubah": "ubah", "ganti": "ubah", "update": "ubah",
           "hapus": "hapus", "dihapus": "hapus", "delete": "hapus"}
_FIELDS = ("nama", "indikator", "satuan", "kinerja")


@dataclass(frozen=True)
class Change:
    line: int
    aksi: str
    kode: str
    level: str
    nama: str = ""
    indikator: str = ""
    satuan: str = ""
    kinerja: str = ""
    jenis_pemda: str = ""  # '' = every lampiran
    kode_baru: str = ""


def _code(raw: str, what: str, line: int, source: str) -> tuple[str, str]:
    try:
        k = parse_kode(raw.strip()).kode
    except KodeError as exc:
        raise NomenklaturError(f"{source} baris {line}: {what} '{raw}': {exc}") from exc
    return k.text, LEVEL_KEYS[k.level]


def parse_changes_csv(text: str, source: str = "perubahan") -> list[Change]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    if "aksi" not in header or "kode" not in header:
        raise NomenklaturError(f"{source}: daftar perubahan harus memuat kolom 'aksi' (tambah, ubah, hapus) dan "
                               f"'kode' (tertulis: {', '.join(header)}).")
    reader.fieldnames = header
    out: list[Change] = []
    for line, row in enumerate(reader, start=2):
        cells = {k: clean_text(v) for k, v in row.items() if isinstance(k, str) and isinstance(v, str)}
        if not any(cells.values()):
            continue
        aksi = ACTIONS.get(cells.get("aksi", "").lower())
        if aksi is None:
            raise NomenklaturError(f"{source} baris {line}: aksi '{cells.get('aksi', '')}' tidak dikenal "
                                   "(tambah, ubah atau hapus).")
        kode, level = _code(cells.get("kode", ""), "kode", line, source)
        given = cells.get("level", "").lower().replace(" ", "_")
        if given and given != level:
            raise NomenklaturError(f"{source} baris {line}: tingkat '{given}' tidak cocok dengan kode {kode} ({level}).")
        baru = cells.get("kode_baru", "")
        if baru:
            baru, level_baru = _code(baru, "kode_baru", line, source)
            if level_baru != level:
                raise NomenklaturError(f"{source} baris {line}: kode_baru {baru} ({level_baru}) tidak setingkat "
                                       f"dengan {kode} ({level}).")
        jenis = cells.get("jenis_pemda", "").lower()
        if jenis in ("both", "semua"):
            jenis = ""
        if jenis not in ("", "provinsi", "kabkota"):
            raise NomenklaturError(f"{source} baris {line}: jenis_pemda '{jenis}' tidak dikenal (provinsi atau kabkota).")
        if aksi == "tambah" and not cells.get("nama"):
            raise NomenklaturError(f"{source} baris {line}: kode {kode} ditambah tanpa nama.")
        out.append(Change(line, aksi, kode, level, *(cells.get(f, "") for f in _FIELDS), jenis, baru))
    if not out:
        raise NomenklaturError(f"{source}: daftar perubahan kosong.")
    return out


def apply_changes(base: Nomenklatur, changes: list[Change], versi: str, source: str = "perubahan") -> ImportResult:
    """The full list of `versi`: the base with the changes applied in order; the base's deletions carried on."""
    entries: dict[str, list[Entry]] = {k: list(v) for k, v in base.entries.items()}
    removed: dict[str, Removal] = dict(base.removed)
    problems: list[str] = []
    notes: list[str] = []

    def hits(kode: str, jenis: str) -> list[Entry]:
        return [e for e in entries.get(kode, []) if not jenis or e.jenis_pemda in (jenis, "both")]

    def drop(kode: str, jenis: str, pengganti: str) -> list[Entry]:
        gone = hits(kode, jenis)
        entries[kode] = [e for e in entries.get(kode, []) if e not in gone]
        if not entries[kode]:
            del entries[kode]
        for e in gone:
            removed[kode] = Removal(kode, e.level, e.nama, e.jenis_pemda, pengganti, versi)
        return gone

    for c in changes:
        where = f"{source} baris {c.line}"
        if c.aksi == "tambah":
            if hits(c.kode, c.jenis_pemda):
                problems.append(f"{where}: kode {c.kode} sudah ada di '{base.versi}'; gunakan aksi 'ubah'.")
                continue
            entries.setdefault(c.kode, []).append(
                Entry(c.kode, c.level, c.nama, c.indikator, c.satuan, c.jenis_pemda or "both", c.kinerja))
            removed.pop(c.kode, None)
        elif c.aksi == "ubah":
            old = hits(c.kode, c.jenis_pemda)
            if not old:
                problems.append(f"{where}: kode {c.kode} yang diubah tidak ada di '{base.versi}'.")
                continue
            changed = {f: getattr(c, f) for f in _FIELDS if getattr(c, f)}
            if c.kode_baru and c.kode_baru != c.kode:
                if hits(c.kode_baru, c.jenis_pemda):
                    problems.append(f"{where}: kode baru {c.kode_baru} sudah dipakai.")
                    continue
                for e in drop(c.kode, c.jenis_pemda, c.kode_baru):
                    entries.setdefault(c.kode_baru, []).append(e._replace(kode=c.kode_baru, **changed))
                removed.pop(c.kode_baru, None)
            elif changed:
                entries[c.kode] = [e._replace(**changed) if e in old else e for e in entries[c.kode]]
            else:
                notes.append(f"{where}: kode {c.kode} diubah tanpa isian baru; tidak ada yang berubah.")
        else:
            if not hits(c.kode, c.jenis_pemda):
                problems.append(f"{where}: kode {c.kode} yang dihapus tidak ada di '{base.versi}'.")
                continue
            drop(c.kode, c.jenis_pemda, c.kode_baru)
            # a node goes with everything under it (the decree prints the node only)
            prefix = c.kode + "."
            below = [k for k in entries if k.startswith(prefix)]
            for k in below:
                drop(k, c.jenis_pemda, "")
            if below:
                notes.append(f"{where}: {len(below)} kode di bawah {c.kode} ikut dihapus.")
    problems += _orphans(entries)
    if problems:
        more = f" (dan {len(problems) - 5} lagi)" if len(problems) > 5 else ""
        raise NomenklaturError(f"daftar perubahan tidak cocok dengan versi dasar '{base.versi}': "
                               + "; ".join(problems[:5]) + more + ". Tidak ada yang disimpan.")
    nom = Nomenklatur.from_entries(versi, [e for items in entries.values() for e in items],
                                   removed=removed.values())
    return ImportResult(nom, notes)


def _orphans(entries: dict[str, list[Entry]]) -> list[str]:
    """Codes whose parent is not in the list (the generic penunjang X.XX… counts as present)."""
    out = []
    for kode in entries:
        parent = parse_kode(kode).kode.parent
        if parent is not None and parent.text not in entries:
            out.append(f"induk {parent.text} dari {kode} tidak ada")
    return out
