"""The nomenklatur commands: import a list (full, or a decree's changes to a base), list the versions, compare
two versions, and move a workbook to another version. Each returns an outcome; front ends present it."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from renja_xl.domain.findings import Finding, has_errors
from renja_xl.domain.layout import FIRST_DATA_ROW, HEADER_ROW, IDENTITAS_FIELDS, NOTE_ROW, TITLE_ROW, sheet
from renja_xl.domain.versi import KNOWN_VERSIONS, KnownVersion
from renja_xl.nomenklatur import NomenklaturError, jenis_key, parse_csv_rows, parse_lampiran_block, save_version
from renja_xl.nomenklatur.builtin import builtin_versions
from renja_xl.nomenklatur.changes import apply_changes, parse_changes_csv
from renja_xl.nomenklatur.diff import KIND_LABELS, Diff, diff
from renja_xl.nomenklatur.migrate import (MIGRASI_HEADERS, MIGRASI_SHEET, THRESHOLD, Mapping, apply, collect_codes,
                                          counts, migrasi_block, plan)
from renja_xl.nomenklatur.model import Nomenklatur
from renja_xl.nomenklatur.store import list_versions, same_version, store_dir
from renja_xl.nomenklatur.versions import how_to_import, resolve_list


# ---------------------------------------------------------------- import

@dataclass
class ImportOutcome:
    versi: str
    target: Path
    counts: dict[str, int]
    notes: list[str] = field(default_factory=list)
    dasar: str = ""          # the base version a change list was applied to
    perubahan: int = 0       # rows of the change list
    dihapus: int = 0         # codes the change list deleted


def _sheet_as_csv(path: Path) -> str:
    """The first sheet of a workbook as CSV text (a change list kept in Excel)."""
    from renja_xl.engines.calamine_engine import CalamineBook

    book = CalamineBook(path)
    block = book.read(book.sheet_names()[0])
    buf = io.StringIO()
    w = csv.writer(buf)
    for line in block:
        w.writerow(["" if v is None else (str(int(v)) if isinstance(v, float) and v.is_integer() else str(v))
                    for v in line])
    return buf.getvalue()


def _full_list(path: Path, versi: str, digit_sub: int):
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        from renja_xl.engines.calamine_engine import CalamineBook

        book = CalamineBook(path)
        problems = []
        for name in book.sheet_names():
            try:
                return parse_lampiran_block(book.read(name), versi, f"{path.name} sheet '{name}'", digit_sub)
            except NomenklaturError as exc:
                problems.append(str(exc))
        raise NomenklaturError("; ".join(problems) or f"{path.name}: tidak ada sheet.")
    if suffix in (".csv", ".txt"):
        from renja_xl.fileio.csv_text import read_csv_file  # bounded, UTF-8 or Windows-1252, else a message

        return parse_csv_rows(read_csv_file(path), versi, path.name)
    raise NomenklaturError(f"berkas '{path.name}': gunakan lampiran .xlsx atau .csv (kode,level,nama,...).")


def import_list(path: Path, versi: str, digit_sub: int = 4, dasar: str | None = None) -> ImportOutcome:
    """A full list (lampiran layout or clean CSV), or with `dasar` a change list applied to that base version."""
    if not path.exists():
        raise NomenklaturError(f"berkas '{path}' tidak ditemukan.")
    if not dasar:
        result = _full_list(path, versi, digit_sub)
        target = save_version(result.nomenklatur, path.name)
        return ImportOutcome(versi, target, result.nomenklatur.counts(), result.notes)
    if same_version(dasar, versi):
        raise NomenklaturError(f"versi '{versi}' tidak dapat menjadi dasarnya sendiri; sebutkan versi sebelumnya.")
    base = resolve_list(dasar)
    if base.nomenklatur is None:
        raise NomenklaturError(f"versi dasar '{dasar}' tidak ada: {base.note}")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        text = _sheet_as_csv(path)
    elif suffix in (".csv", ".txt"):
        from renja_xl.fileio.csv_text import read_text_file

        text = read_text_file(path)
    else:
        raise NomenklaturError(f"berkas '{path.name}': daftar perubahan berupa .csv atau .xlsx "
                               "(aksi,kode,level,nama,indikator,satuan,kinerja,jenis_pemda,kode_baru).")
    changes = parse_changes_csv(text, path.name)
    result = apply_changes(base.nomenklatur, changes, versi, path.name)
    target = save_version(result.nomenklatur, path.name, dasar=base.nomenklatur.versi)
    gone = sum(1 for r in result.nomenklatur.removed.values() if r.versi == versi)
    return ImportOutcome(versi, target, result.nomenklatur.counts(), result.notes, base.nomenklatur.versi,
                         len(changes), gone)


# ---------------------------------------------------------------- list

@dataclass
class VersionListing:
    folder: Path
    builtin: list[dict[str, Any]]     # manifest entries
    imported: list[dict[str, Any]]    # store metadata
    missing: list[tuple[KnownVersion, str]]  # known versions with no list, and how to import one


def list_all() -> VersionListing:
    builtin = list(builtin_versions())
    imported = list_versions()
    have = [m["versi"] for m in builtin + imported]
    missing = [(v, how_to_import(v.nama)) for v in KNOWN_VERSIONS
               if not any(same_version(v.nama, name) for name in have)]
    return VersionListing(store_dir(), builtin, imported, missing)


def resolve_or_fail(versi: str, jenis: str | None = None) -> Nomenklatur:
    found = resolve_list(versi, jenis)
    if found.nomenklatur is None:
        raise NomenklaturError(found.note)
    return found.nomenklatur


# ---------------------------------------------------------------- diff

DIFF_HEADERS = ("Jenis", "Tingkat", "Kode Lama", "Nama Lama", "Kode Baru", "Nama Baru", "Sebelum", "Sesudah")


@dataclass
class DiffOutcome:
    diff: Diff
    written: Path | None = None


def diff_versions(a: str, b: str, jenis: str | None = None, output: Path | None = None) -> DiffOutcome:
    """Compare two versions (imported or built in), seen by one kind of pemda when given; optionally as a
    workbook (sheets Ringkasan and Perbedaan)."""
    jenis_pemda = jenis_key(jenis) if jenis else None
    if jenis and jenis_pemda is None:
        raise NomenklaturError(f"jenis pemda '{jenis}' tidak dikenal (provinsi, kabupaten atau kota).")
    result = diff(resolve_or_fail(a, jenis_pemda), resolve_or_fail(b, jenis_pemda), jenis_pemda)
    if output is None:
        return DiffOutcome(result)
    if output.suffix.lower() != ".xlsx":
        raise NomenklaturError(f"berkas keluaran '{output.name}': gunakan akhiran .xlsx.")
    from renja_xl.engines.openpyxl_engine import new_book

    book = new_book(output, ["Ringkasan", "Perbedaan"])
    counts = result.counts()
    summary = [["PERBEDAAN NOMENKLATUR"], ["Versi lama", result.a], ["Versi baru", result.b],
               ["Jenis pemda", jenis or "semua lampiran"], [],
               *[[KIND_LABELS[k], counts[k]] for k in counts],
               ["Sub kegiatan sama, nomor dilebarkan ke 4 digit", result.widened]]
    book.write("Ringkasan", 1, 1, summary)
    book.write("Perbedaan", 1, 1, [list(DIFF_HEADERS)])
    rows = [[KIND_LABELS[r.jenis], r.level.replace("_", " "), r.kode_lama, r.nama_lama, r.kode_baru, r.nama_baru,
             r.lama, r.baru] for r in result.rows]
    if rows:
        book.write("Perbedaan", 2, 1, rows)
    book.save(output)  # atomic; a refused file is one plain message (fileio.files.atomic_save)
    return DiffOutcome(result, output)


# ---------------------------------------------------------------- migrasi

@dataclass
class MigrasiOutcome:
    dari: str                    # the workbook's version (its list, when there is one, gives the old names)
    ke: str
    output: Path
    mappings: list[Mapping]
    counts: dict[str, int]       # per way of matching (migrate.CARA_ORDER)
    uang_sebelum: dict[str, Decimal]  # "Sheet: column" -> total of the sub kegiatan rows
    uang_sesudah: dict[str, Decimal]
    notes: list[Finding] = field(default_factory=list)
    dari_tanpa_daftar: str = ""  # why the old names come from the workbook itself


def _money(renja) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for table in renja.hierarchy_tables():
        for r in table.rows:
            if r.is_leaf and r.source_row is not None:
                for key, v in r.amounts.items():
                    if v is not None:
                        label = f"{table.spec.name}: {table.spec.columns[table.spec.col(key)].header}"
                        out[label] = out.get(label, Decimal(0)) + v
    return out


def migrasi(path: Path, ke: str, output: Path, dari: str | None = None,
            threshold: float = THRESHOLD) -> MigrasiOutcome:
    """A new workbook with every code moved to version `ke` and a Migrasi sheet; `path` is not written."""
    from renja_xl.domain.errors import InputErrors, WorkbookError
    from renja_xl.engines.openpyxl_engine import OpenpyxlBook
    from renja_xl.workbook.reader import read_renja
    from renja_xl.workbook.recalc import recalc

    if not path.exists():
        raise WorkbookError(f"berkas '{path}' tidak ditemukan.")
    if output.resolve() == path.resolve():
        raise WorkbookError("berkas keluaran (-o) harus berbeda dari berkas asal; berkas asal tidak diubah.")
    if output.suffix.lower() != path.suffix.lower():
        raise WorkbookError(f"berkas keluaran '{output.name}' harus berakhiran {path.suffix} seperti berkas asal.")
    if not 0 < threshold <= 100:
        raise NomenklaturError(f"ambang {threshold} harus di antara 0 dan 100.")
    book = OpenpyxlBook(path)
    renja = read_renja(book)
    if has_errors(renja.findings):
        raise InputErrors(renja.findings)
    jenis = jenis_key(renja.identitas.get("jenis_pemda"))
    versi_lama = dari or str(renja.identitas.get("versi_nomenklatur") or "").strip()
    target = resolve_or_fail(ke, jenis)
    source, why = None, "Versi Nomenklatur di Identitas kosong"
    if versi_lama:
        found = resolve_list(versi_lama, jenis)
        source, why = found.nomenklatur, found.note
        if same_version(versi_lama, target.versi):
            raise NomenklaturError(f"buku kerja '{path.name}' sudah memakai '{target.versi}'; tidak ada yang dipindah.")
    maps = plan(collect_codes(renja.blocks), source, target, threshold)
    for key, rows in apply(renja.blocks, maps).items():
        book.write(sheet(key).name, FIRST_DATA_ROW, 1, rows)
    _write_versi(book, renja.blocks["identitas"], target.versi)
    report = recalc(book)
    _write_migrasi_sheet(book, maps, versi_lama or "(tidak diisi)", target.versi, threshold)
    book.save(output)  # atomic; a refused file is one plain message (fileio.files.atomic_save)
    return MigrasiOutcome(versi_lama, target.versi, output, maps, counts(maps), _money(renja), _money(report.renja),
                          report.notes, "" if source is not None else why)


def _write_versi(book, block: list[list[Any]], versi: str) -> None:
    label = next(f.label for f in IDENTITAS_FIELDS if f.key == "versi_nomenklatur").strip().lower()
    for i, line in enumerate(block[FIRST_DATA_ROW - 1:], start=FIRST_DATA_ROW):
        if line and str(line[0] or "").strip().lower() == label:
            book.write(sheet("identitas").name, i, 2, [[versi]])
            return


def _write_migrasi_sheet(book, maps: list[Mapping], dari: str, ke: str, threshold: float) -> None:
    if not book.ensure_sheet(MIGRASI_SHEET):
        old = book.read(MIGRASI_SHEET)
        if old:
            book.clear(MIGRASI_SHEET, 1, 1, len(old), max(len(r) for r in old))
    c = counts(maps)
    summary = ", ".join(f"{n} {cara}" for cara, n in c.items() if n)
    book.write(MIGRASI_SHEET, TITLE_ROW, 1, [[f"MIGRASI NOMENKLATUR: {dari} -> {ke}"]])
    book.write(MIGRASI_SHEET, NOTE_ROW, 1, [[f"{len(maps)} kode: {summary}. Ambang kecocokan nama {threshold:.0f}%. "
                                             "Baris 'diputuskan pengguna' masih memakai kode lama."]])
    book.write(MIGRASI_SHEET, HEADER_ROW, 1, [list(MIGRASI_HEADERS)])
    if maps:
        book.write(MIGRASI_SHEET, FIRST_DATA_ROW, 1, migrasi_block(maps))
