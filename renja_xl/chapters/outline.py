"""Outlines as data: which chapters and sections a Renja has, which template writes each, which table appears
where under which number and caption.

An outline is a JSON file (JSON because Python 3.10 reads it without a new dependency)::

    {"nama": "Permendagri 86/2017",
     "depan": ["sampul.j2", "kata_pengantar.j2", "daftar_isi.j2"],
     "bab": [{"judul": "BAB I PENDAHULUAN", "ringkas": "Bab I. Pendahuluan",
              "bagian": [{"judul": "1.1 Latar Belakang", "teks": "Latar Belakang", "templat": "bagian_latar.j2"},
                         {"judul": "1.2 ...", "tabel": ["tabel1"], "bagian": [ ...sub sections... ]}]}],
     "belakang": ["lampiran.j2"],
     "tabel": {"tabel1": {"nomor": "T-C.29", "judul": "Evaluasi ... {{ identitas.tahun_evaluasi }}"}}}

A section prints the Teks Bab rows of its ``teks``, then its ``templat`` (sentences computed from the tables),
then its ``tabel`` keys. A table key without a builder yet (a form the workbook does not hold) prints its
caption and one sentence that the data is not filled, so a later table plugs in by its key. ``nomor: null``
prints the caption as a bold title block without a number (the SIPD print of the lampiran).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from renja_xl.domain.errors import RenjaError
from renja_xl.domain.layout import SISTEMATIKA

MAX_OUTLINE_BYTES = 1_000_000
MAX_DEPTH = 3  # BAB > section > sub section


class OutlineError(RenjaError):
    """An outline file cannot be used; the message names the file and the entry."""


@dataclass
class TableSpec:
    key: str
    nomor: str | None
    judul: str
    sumber: str = ""


@dataclass
class Outline:
    nama: str
    source: str
    depan: list[str]
    bab: list[dict[str, Any]]
    belakang: list[str]
    tabel: dict[str, TableSpec] = field(default_factory=dict)

    def table_keys(self) -> list[str]:
        """Every table key the chapters place, in document order."""
        out: list[str] = []

        def walk(items: list[dict[str, Any]]) -> None:
            for s in items:
                out.extend(s.get("tabel", []))
                walk(s.get("bagian", []))

        walk(self.bab)
        return out


def package_outlines() -> Path:
    return Path(str(resources.files("renja_xl.chapters").joinpath("outlines")))


def _shipped() -> dict[str, Path]:
    """Shipped outlines by their name (the Identitas choice) and by file stem."""
    out: dict[str, Path] = {}
    for path in sorted(package_outlines().glob("*.json")):
        out[path.stem.lower()] = path
        try:
            out[json.loads(path.read_text(encoding="utf-8"))["nama"].strip().lower()] = path
        except (ValueError, KeyError):  # pragma: no cover - the shipped files are tested
            continue
    return out


SHIPPED_NAMES = SISTEMATIKA
DEFAULT = "contoh"


def find_outline(choice: str | Path | None) -> Path:
    """A shipped outline by name (Identitas' choice, e.g. 'Permendagri 86/2017') or stem, or a file path."""
    if choice is None or str(choice).strip() == "":
        return _shipped()[DEFAULT]
    shipped = _shipped()
    key = str(choice).strip().lower()
    if key in shipped:
        return shipped[key]
    path = Path(str(choice))
    if path.suffix.lower() == ".json" and path.is_file():
        return path
    names = ", ".join(f"'{n}'" for n in SHIPPED_NAMES)
    raise OutlineError(f"sistematika '{choice}' tidak dikenal; pilih {names}, atau sebutkan berkas .json "
                       "(salin contohnya dengan --salin-templat).")


def _fail(path: Path, where: str, message: str) -> OutlineError:
    return OutlineError(f"sistematika '{path.name}' {where}: {message}")


def _strings(path: Path, value: Any, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _fail(path, where, "harus daftar teks (nama templat atau kunci tabel)")
    return value


def _section(path: Path, s: Any, where: str, depth: int) -> dict[str, Any]:
    if not isinstance(s, dict):
        raise _fail(path, where, "harus objek {\"judul\": ...}")
    if depth > MAX_DEPTH:
        raise _fail(path, where, f"bagian bertingkat lebih dari {MAX_DEPTH}")
    unknown = set(s) - {"judul", "ringkas", "teks", "templat", "tabel", "bagian", "catatan"}
    if unknown:
        raise _fail(path, where, "kunci tidak dikenal: " + ", ".join(sorted(unknown)))
    if not isinstance(s.get("judul"), str) or not s["judul"].strip():
        raise _fail(path, where, "'judul' wajib diisi")
    for k in ("ringkas", "templat", "catatan"):
        if k in s and not isinstance(s[k], str):
            raise _fail(path, f"{where} '{k}'", "harus teks")
    teks = s.get("teks", [])
    teks = [teks] if isinstance(teks, str) else _strings(path, teks, f"{where} 'teks'")
    return {"judul": s["judul"].strip(), "ringkas": s.get("ringkas", "").strip(), "teks": teks,
            "templat": s.get("templat", ""), "tabel": _strings(path, s.get("tabel", []), f"{where} 'tabel'"),
            "bagian": [_section(path, c, f"{where}.{i}", depth + 1) for i, c in enumerate(s.get("bagian", []), 1)]}


def load_outline(choice: str | Path | None = None) -> Outline:
    path = find_outline(choice)
    try:
        if path.stat().st_size > MAX_OUTLINE_BYTES:
            raise _fail(path, "", f"lebih dari {MAX_OUTLINE_BYTES:,} bait".replace(",", "."))
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise OutlineError(f"sistematika '{path}' tidak dapat dibaca: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise _fail(path, "", "bukan teks UTF-8") from None
    except json.JSONDecodeError as exc:
        raise _fail(path, f"baris {exc.lineno}", f"JSON tidak sah ({exc.msg})") from None
    if not isinstance(data, dict) or not isinstance(data.get("bab"), list) or not data["bab"]:
        raise _fail(path, "", "harus objek dengan daftar 'bab'")
    tabel: dict[str, TableSpec] = {}
    raw_tables = data.get("tabel", {})
    if not isinstance(raw_tables, dict):
        raise _fail(path, "'tabel'", "harus objek {kunci: {nomor, judul}}")
    for key, spec in raw_tables.items():
        if not isinstance(spec, dict) or not isinstance(spec.get("judul", ""), str) or \
                not isinstance(spec.get("nomor"), (str, type(None))):
            raise _fail(path, f"tabel '{key}'", "harus {\"nomor\": teks atau null, \"judul\": teks}")
        tabel[key] = TableSpec(key, spec.get("nomor"), spec.get("judul", ""), str(spec.get("sumber", "")))
    outline = Outline(
        nama=str(data.get("nama", path.stem)), source=str(path),
        depan=_strings(path, data.get("depan", []), "'depan'"),
        bab=[_section(path, b, f"bab {i}", 1) for i, b in enumerate(data["bab"], 1)],
        belakang=_strings(path, data.get("belakang", []), "'belakang'"), tabel=tabel)
    missing = [k for k in outline.table_keys() if k not in tabel]
    if missing:
        raise _fail(path, "'tabel'", "tabel " + ", ".join(f"'{k}'" for k in missing) + " dipakai tetapi tidak "
                    "diberi nomor dan judul")
    return outline
