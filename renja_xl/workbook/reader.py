"""Read a Renja workbook (through any Grid) into the in-memory model.

Structural problems (a missing sheet, a moved column) raise WorkbookError;
problems of single cells become findings naming sheet and cell, so the user
learns all of them at once.
"""
from __future__ import annotations

import re
from decimal import Decimal
from operator import is_, itemgetter
from typing import Any, Sequence

from renja_xl.domain import hierarchy, iku
from renja_xl.domain.cells import cell_ref, column_letter, is_blank
from renja_xl.domain.errors import WorkbookError
from renja_xl.domain.findings import Finding, Severity, declare, declared
from renja_xl.domain.fmt import angka
from renja_xl.domain.formula import is_formula
from renja_xl.workbook.grid import Grid, Prefetching, ReadsInParts
from renja_xl.domain.hierarchy import HierRow, HierTable
from renja_xl.domain.iku import IkuRow
from renja_xl.domain.kode import Kode, KodeError, Level, interned_kode, parse_kode, well_formed
from renja_xl.support.memory import paused_gc
from renja_xl.domain.layout import (FIRST_DATA_ROW, HEADER_ROW, IDENTITAS_FIELDS, MONEY_FORMAT, OWNED_ROLES, Column,
                                   SheetSpec, header_pattern, sheet)
from renja_xl.domain.model import (Identitas, PelayananRow, Renja, TargetRow, TeksRow, TrenIkuRow, UsulanPemangkuRow,
                                   as_year)
from renja_xl.domain.money import NumberError, parse_number_or_text, to_decimal
from renja_xl.nomenklatur import NomenklaturError, default_names, jenis_key
from renja_xl.nomenklatur.versions import resolve_list
from renja_xl.rules.isi import IDENTITAS_ISIAN

KODE_SPASI = declare("kode.spasi", Severity.WARNING, "Kode memuat spasi")
TABEL_SEL_GABUNG = declare("tabel.sel_gabung", Severity.ERROR, "Sel tergabung (merge) di area data")
IDENTITAS_HILANG = declare("identitas.hilang", Severity.WARNING, "Baris Identitas tidak ditemukan")
ISI_TEKS_PANJANG = declare("isi.teks_panjang", Severity.WARNING,
                           "Teks melebihi batas sel Excel (32.767 karakter)")
EXCEL_CELL_CHARS = 32_767  # Excel keeps at most this many characters in a cell
HIERARKI_INDUK_TANPA_NAMA = declare("hierarki.induk_tanpa_nama", Severity.WARNING,
                                    "Baris induk yang ditambahkan tidak bernama: kodenya tidak ada di nomenklatur, "
                                    "tabel lain maupun contoh bawaan")


# The sheets (by layout key) a Renja is read from.
SHEETS_READ = ("identitas", "teks", "tabel1", "tabel2", "tabel3", "tabel4", "tabel5", "tabel6", "sipd")
# Forms added later (T-C.30, T-C.32): read when the workbook has them, empty in a workbook made before them
OPTIONAL_SHEETS = ("tc30", "tc32")
HIER_TABLES = ("tabel1", "tabel4", "tabel6", "sipd")  # the hierarchy tables (HierRow), in this order


def start_reading(grid: Grid, extra: Sequence[str] = ()) -> None:
    """Let an engine that can read in the background (Prefetching) start on every sheet a Renja is read from (and
    `extra`). It also hands over the sub kegiatan codes it sees, so the 100k `Kode` objects of a large table are
    made while the engine parses rather than after."""
    if isinstance(grid, Prefetching):
        names = set(grid.sheet_names())
        optional = [sheet(k).name for k in OPTIONAL_SHEETS if sheet(k).name in names]
        grid.prefetch([sheet(k).name for k in SHEETS_READ] + optional + list(extra), codes=well_formed)


def read_renja(grid: Grid, number: bool = True) -> Renja:
    """The Renja of a workbook. `number=False` leaves the No column unset (validation shows no numbers)."""
    # ~1M small objects are built here; a full collection would walk them all again (bench/README.md)
    with paused_gc():
        return _read_renja(grid, number)


def _read_renja(grid: Grid, number: bool) -> Renja:
    findings: list[Finding] = []
    blocks: dict[str, list[list[Any]]] = {}
    names = set(grid.sheet_names())
    needed = SHEETS_READ
    missing = [sheet(k).name for k in needed if sheet(k).name not in names]
    if missing:
        raise WorkbookError(
            "buku kerja ini bukan buku kerja Renja XL: sheet " + ", ".join(f"'{m}'" for m in missing)
            + " tidak ada. Mulai dari templat (renja-xl new) atau contoh (renja-xl example)."
        )
    start_reading(grid)
    hier: dict[str, tuple[list[HierRow], list[Finding]]] = {}  # a table's rows, read part by part on arrival
    for k in needed + tuple(k for k in OPTIONAL_SHEETS if sheet(k).name in names):
        spec = sheet(k)
        if k in HIER_TABLES:
            blocks[k], hier[k] = _read_hier_block(grid, spec)
        else:
            blocks[k] = grid.read(spec.name)
        may_hold = getattr(grid, "may_hold_long_text", None)  # an engine that scanned the XML knows (calamine)
        if may_hold is None or may_hold(spec.name):
            _long_texts(spec.name, blocks[k], findings)
        if spec.kind in ("hierarki", "iku", "tabel", "teks"):
            _check_headers(spec, blocks[k], findings)
            _check_merged(grid, spec, findings)

    identitas = _read_identitas(blocks["identitas"], findings)
    raw_tables = {}
    for k in HIER_TABLES:  # their findings after every sheet's own, as the rows are in the tables' order
        raw_tables[k], found = hier[k]
        findings.extend(found)
    name_of = _name_lookup(identitas, raw_tables)
    tables = {k: HierTable(sheet(k), hierarchy.build(sheet(k), rows, name_of, number=number))
              for k, rows in raw_tables.items()}
    findings.extend(_unnamed_parents(tables, str(identitas.get("versi_nomenklatur") or "")))
    return Renja(
        identitas=identitas,
        teks=_read_teks(blocks["teks"]),
        tabel1=tables["tabel1"],
        tabel2=iku.build(sheet("tabel2"), _read_iku_rows(sheet("tabel2"), blocks["tabel2"], findings)),
        tabel3=_read_plain(sheet("tabel3"), blocks["tabel3"], findings, TrenIkuRow),
        tabel4=tables["tabel4"],
        tabel5=_read_plain(sheet("tabel5"), blocks["tabel5"], findings, TargetRow),
        tabel6=tables["tabel6"],
        sipd=tables["sipd"],
        tc30=_read_plain(sheet("tc30"), blocks.get("tc30", []), findings, PelayananRow, _TC30_VALUES),
        tc32=_read_plain(sheet("tc32"), blocks.get("tc32", []), findings, UsulanPemangkuRow, ("volume",)),
        findings=findings,
        blocks=blocks,
    )


def _norm(text: Any) -> str:
    return re.sub(r"\s+", " ", str(text or "")).strip().lower()


def _check_headers(spec: SheetSpec, block: list[list[Any]], findings: list[Finding]) -> None:
    header = block[HEADER_ROW - 1] if len(block) >= HEADER_ROW else []
    header = list(header) + [None] * (len(spec.columns) - len(header))
    for j, c in enumerate(spec.columns):
        if spec.key == "tabel3" and c.key.startswith(("target_", "realisasi_")):
            continue  # headers carry the years, written by recalc
        if c.year is not None:  # "Tahun n" as drawn, or the year recalc wrote (checked by a rule)
            if header_pattern(c).fullmatch(_norm(header[j])):
                continue
        elif _norm(header[j]) == _norm(c.header):
            continue
        if all(is_blank(v) for v in header[j:]):  # the form grew after this workbook was made
            raise WorkbookError(
                f"sheet '{spec.name}' dibuat dengan templat Renja XL versi lama: kolom {column_letter(j + 1)} dst."
                f" ('{c.header}', ...) belum ada. Buat buku kerja baru (renja-xl new) dan salin isi tabelnya "
                "ke sana: di templat baru kolom-kolom lama ada di tempat yang sama.")
        raise WorkbookError(
            f"sheet '{spec.name}' sel {cell_ref(HEADER_ROW, j + 1)}: judul kolom seharusnya '{c.header}', "
            f"tertulis '{header[j] or ''}'. Jangan menyisipkan, menghapus atau memindahkan kolom templat."
        )


def _long_texts(name: str, block: list[list[Any]], findings: list[Finding]) -> None:
    """Text longer than a cell holds (only another program writes it): reported, and left as it is, since Excel
    would cut it when the file is saved there (issue 12, item 3)."""
    limit = EXCEL_CELL_CHARS
    for r, line in enumerate(block, 1):
        for c, v in enumerate(line, 1):
            if isinstance(v, str) and len(v) > limit:
                findings.append(ISI_TEKS_PANJANG(
                    name, cell_ref(r, c), "",
                    f"sel berisi {angka(len(v))} karakter; Excel hanya menyimpan {angka(limit)} karakter per sel dan "
                    "memotong sisanya bila berkas disimpan di Excel. Renja XL membiarkannya apa adanya; pecah "
                    "teksnya ke beberapa sel atau baris."))


def _check_merged(grid: Grid, spec: SheetSpec, findings: list[Finding]) -> None:
    for r1, c1, r2, c2 in grid.merged(spec.name):
        if r2 >= FIRST_DATA_ROW:
            ref = f"{cell_ref(r1, c1)}:{cell_ref(r2, c2)}"
            findings.append(TABEL_SEL_GABUNG(spec.name, ref, "",
                                             f"sel tergabung (merge) {ref} di area data; pisahkan sel (Unmerge) dan isi tiap baris sendiri.",
                                         ))


def _data_rows(block: list[list[Any]], width: int):
    for idx in range(FIRST_DATA_ROW - 1, len(block)):
        yield idx + 1, block[idx] + [None] * (width - len(block[idx]))


def _read_hier_block(grid: Grid, spec: SheetSpec) -> tuple[list[list[Any]], tuple[list[HierRow], list[Finding]]]:
    """A hierarchy sheet's block, and its rows and their findings. An engine that hands over a large sheet's
    upper rows while it parses the lower ones (ReadsInParts) has them read meanwhile, on this thread."""
    parts: list[tuple[list[list[Any]], list[HierRow], list[Finding]]] = []  # the data rows seen, what they gave

    def on_part(first_row: int, rows: list[list[Any]]) -> None:
        skip = max(0, FIRST_DATA_ROW - first_row)
        data = rows[skip:]
        found: list[Finding] = []
        parts.append((data, _read_hier_rows(spec, data, first_row + skip, found), found))

    if isinstance(grid, ReadsInParts):
        block = grid.read_in_parts(spec.name, on_part)
    else:
        block = grid.read(spec.name)
        on_part(1, block)
    data = block[FIRST_DATA_ROW - 1:]
    seen = [line for rows, _, _ in parts for line in rows]
    if len(seen) != len(data) or not all(map(is_, seen, data)):
        # the block is not the very rows the parts held (an upper half padded to the lower's width, a formula
        # cell past the last value): read from the block itself
        found = []
        return block, (_read_hier_rows(spec, data, FIRST_DATA_ROW, found), found)
    return block, ([r for _, rows, _ in parts for r in rows], [f for _, _, found in parts for f in found])


def _read_hier_rows(spec: SheetSpec, data: list[list[Any]], first_row: int, findings: list[Finding]) -> list[HierRow]:
    """The typed rows of a hierarchy table's data rows (`data`, from sheet row `first_row` down)."""
    width = max(len(spec.columns), max(map(len, data), default=0))
    kode_col = spec.col("kode")
    money_cols = [(j, c) for j, c in enumerate(spec.columns)
                  if c.role == "jumlah" or (c.role == "input" and c.number_format == MONEY_FORMAT)]
    leaf_money = _MoneyColumns(money_cols)
    parent_money = _MoneyColumns([(j, c) for j, c in money_cols if c.role != "jumlah"])  # a parent's total is a formula
    user_cols = [j for j in range(width) if j >= len(spec.columns) or spec.columns[j].role not in OWNED_ROLES]
    rows: list[HierRow] = []
    append = rows.append
    known = interned_kode
    sub = Level.SUB_KEGIATAN
    # The loop runs once per row of a 100k-row table: a code typed as it should be takes the short path
    # (one dict lookup or one regex), everything unusual the long one that finds the reason.
    for sheet_row, line in enumerate(data, first_row):
        if len(line) < width:
            line = line + [None] * (width - len(line))
        raw = line[kode_col]
        kode = known(raw)  # every cell value is hashable; only a code's own text finds a Kode
        if kode is None:
            kode = well_formed(raw)
        if kode is None:
            if all(is_blank(line[j]) or _own_subtotal(line[j]) for j in user_cols):
                continue  # blank row (or only a subtotal recalc wrote): dropped when recalc compacts
            where = cell_ref(sheet_row, kode_col + 1)
            try:
                parsed = parse_kode(raw)
            except KodeError as exc:
                findings.append(declared(exc.rule)(spec.name, where, "" if raw is None else str(raw),
                                                   _kode_problem(exc, line, user_cols, sheet_row)))
                continue
            kode = parsed.kode
            if parsed.had_stray_spaces:
                findings.append(KODE_SPASI(spec.name, where, str(raw),
                                           f"kode '{raw}' memuat spasi; dibaca sebagai {kode.text}. Hapus spasinya."))
        money = leaf_money if kode.level is sub else parent_money
        values = money.pick(line)
        amounts: dict[str, Decimal] = {}
        if values.count(None) != money.count:  # most money cells of a row are empty: one count in C skips them
            for v, key, j, c in zip(values, money.keys, money.cols, money.columns):
                if v is None:
                    continue
                if v.__class__ is float and v - v == 0:  # the usual cell: a finite number, read as to_decimal does
                    amounts[key] = Decimal(int(v)) if v.is_integer() else Decimal(repr(v))
                    continue
                try:
                    amount = to_decimal(v)
                except NumberError as exc:
                    findings.append(declared(exc.rule)(spec.name, cell_ref(sheet_row, j + 1), kode.text,
                                                       f"{c.header}: {exc}"))
                    continue
                if amount is not None:
                    amounts[key] = amount
        append(HierRow(kode, line, sheet_row, amounts))
    return rows


class _MoneyColumns:
    """The money columns a row of one level reads, picked from the row in one C call (`pick` gives a tuple)."""

    def __init__(self, columns: list[tuple[int, Column]]):
        self.cols = tuple(j for j, _ in columns)
        self.keys = tuple(c.key for _, c in columns)
        self.columns = tuple(c for _, c in columns)
        self.count = len(columns)
        if len(columns) > 1:
            self.pick = itemgetter(*self.cols)
        else:  # itemgetter of one index gives the value itself, not a tuple
            cols = self.cols
            self.pick = lambda line: tuple(line[j] for j in cols)


_SUBTOTAL = re.compile(r"=SUBTOTAL\(9,([A-Z]{1,3})[0-9]+:\1[0-9]+\)")


def _own_subtotal(v: Any) -> bool:
    """The SUBTOTAL recalc writes into a parent's money cell (left behind when the row's code was cleared).
    Any other formula is the user's: its row is reported, never dropped (issue 12, item 1)."""
    return is_formula(v) and _SUBTOTAL.fullmatch(v) is not None


def _kode_problem(exc: KodeError, line: list[Any], user_cols: list[int], sheet_row: int) -> str:
    """The message of a row whose code cannot be read; a row of formulas only (a note or a total typed in the
    table) is named as such, since it has no place in the hierarchy and recalc must not drop it."""
    if not all(is_blank(line[j]) or is_formula(line[j]) for j in user_cols):
        return str(exc)
    j = next(j for j in user_cols if is_formula(line[j]))
    text = str(line[j])
    shown = text if len(text) <= 60 else text[:57] + "..."
    return (f"{exc} Baris {sheet_row} hanya berisi rumus ({cell_ref(sheet_row, j + 1)}: {shown}): baris tanpa "
            "kode tidak punya tempat di hierarki, jadi Hitung Ulang tidak mengubah tabel ini. Isi kodenya, atau "
            "pindahkan catatan/jumlah itu ke sheet lain.")


def _name_lookup(identitas: Identitas, tables: dict[str, list[HierRow]]):
    """The name of a parent recalc inserts: from the list of the workbook's version (imported or built in) at
    every level, else from the Identitas bidang names, the other tables, the embedded example list."""
    names: dict[Kode, str] = {}
    for bidang, nama in zip(identitas.bidang_texts(), identitas.bidang_names()):
        if isinstance(bidang, str) and nama:
            try:
                names.setdefault(parse_kode(bidang).kode, nama)
            except KodeError:
                pass
    sub = Level.SUB_KEGIATAN
    for key in ("tabel6", "tabel4", "tabel1", "sipd"):
        col = sheet(key).col("uraian")
        for r in tables[key]:
            if r.kode.level is sub:
                continue  # only parents are ever inserted, so only their names are looked up
            name = r.cells[col]
            if r.kode not in names and not is_blank(name):
                names[r.kode] = str(name).strip()
    embedded = default_names()
    versi = str(identitas.get("versi_nomenklatur") or "").strip()
    jenis = jenis_key(identitas.get("jenis_pemda"))
    version_list: list = []  # the version's list, looked up on the first inserted parent only

    def official(kode: Kode) -> str:
        if not version_list:
            nom = None
            if versi:
                try:
                    nom = resolve_list(versi, jenis).nomenklatur
                except NomenklaturError:
                    nom = None  # a damaged store: the other sources still name the row
            version_list.append(nom)
        nom = version_list[0]
        entry = nom.find_segments(kode.segments, jenis) if nom is not None else None
        return entry.nama if entry is not None else ""

    def name_of(kode: Kode) -> str:
        return official(kode) or names.get(kode) or embedded.get(kode.text, "")

    return name_of


def _unnamed_parents(tables: dict[str, HierTable], versi: str) -> list[Finding]:
    """Inserted parents that no source could name: a finding each, not a silent blank."""
    out = []
    for table in tables.values():
        col = table.spec.col("uraian")
        for r in table.rows:
            if r.inserted and is_blank(r.cells[col]):
                out.append(HIERARKI_INDUK_TANPA_NAMA(
                    table.spec.name, "", r.kode.text,
                    f"baris induk {r.level.label.lower()} {r.kode.text} tidak bernama: kodenya tidak ada "
                    f"di nomenklatur '{versi or 'versi belum diisi'}', di tabel lain maupun di contoh "
                    "bawaan; periksa kodenya atau ketik namanya di kolom Uraian."))
    return out


def read_identitas(grid: Grid) -> Identitas:
    """The Identitas sheet alone (an import that checks the plan year); empty values when the sheet is missing."""
    name = sheet("identitas").name
    block = grid.read(name) if name in set(grid.sheet_names()) else []
    return _read_identitas(block, [])


def _read_identitas(block: list[list[Any]], findings: list[Finding]) -> Identitas:
    spec = sheet("identitas")
    by_label = {}
    for sheet_row, line in _data_rows(block, 2):
        if not is_blank(line[0]):
            by_label[_norm(line[0])] = (sheet_row, line[1])
    values: dict[str, Any] = {}
    cells: dict[str, str] = {}
    for f in IDENTITAS_FIELDS:
        found = by_label.get(_norm(f.label))
        if found is None:
            findings.append(IDENTITAS_HILANG(spec.name, "A", "",
                                             f"baris '{f.label}' tidak ditemukan di kolom Uraian."))
            values[f.key] = None
            continue
        sheet_row, value = found
        where = cells[f.key] = cell_ref(sheet_row, 2)
        try:
            values[f.key] = _identitas_value(f.kind, value)
        except (NumberError, ValueError) as exc:
            findings.append(IDENTITAS_ISIAN(spec.name, where, "", f"{f.label}: {exc}"))
            values[f.key] = None
    return Identitas(values, cells, spec.name)


def _identitas_value(kind: str, value: Any) -> Any:
    if is_blank(value):
        return None
    if kind == "year":
        year = as_year(value)
        if year is None or not 2000 <= year <= 2100:
            raise ValueError(f"'{value}' bukan tahun (empat digit, misalnya 2024).")
        return year
    if kind in ("money", "number"):
        return to_decimal(value)
    if kind == "nip":
        if isinstance(value, (int, float)):
            raise ValueError("tersimpan sebagai angka sehingga digit terakhir hilang; ketik sebagai teks.")
        return str(value).strip()
    if isinstance(value, str):
        return value.strip()
    return value


def _read_teks(block: list[list[Any]]) -> list[TeksRow]:
    out = []
    for _, line in _data_rows(block, 4):
        if is_blank(line[3]):
            continue
        out.append(TeksRow(_text(line[0]), _text(line[1]) or "Paragraf", _text(line[2]), str(line[3]).strip()))
    return out


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


_TARGETS = ("target", "realisasi")
_TC30_VALUES = ("spm", "ikk", "target", "realisasi", "proyeksi")


def _read_plain(spec: SheetSpec, block: list[list[Any]], findings: list[Finding], row_type: type,
                values: tuple[str, ...] = _TARGETS) -> list:
    """The rows of a plain table (Tabel 3, Tabel 5, T-C.30, T-C.32) as `row_type` objects, one field per column
    key; the columns whose key starts with one of `values` hold a number or a text (a predicate), the rest text."""
    out = []
    for sheet_row, line in _data_rows(block, len(spec.columns)):
        if all(is_blank(v) for v in line[:len(spec.columns)]):
            continue
        row: dict[str, Any] = {}
        for j, c in enumerate(spec.columns):
            v = line[j]
            if c.key.startswith(values):
                try:
                    v = parse_number_or_text(v)
                except NumberError as exc:
                    findings.append(declared(exc.rule)(spec.name, cell_ref(sheet_row, j + 1), "",
                                                       f"{c.header}: {exc}"))
                    v = None
            else:
                v = _text(v)
            row[c.key] = v
        out.append(row_type(sheet_row, **row))
    return out


def _read_iku_rows(spec: SheetSpec, block: list[list[Any]], findings: list[Finding]) -> list[IkuRow]:
    width = max([len(spec.columns)] + [len(r) for r in block[FIRST_DATA_ROW - 1:]])
    col = {c.key: j for j, c in enumerate(spec.columns)}
    rows: list[IkuRow] = []
    last_no, last_sasaran = "", ""
    for sheet_row, line in _data_rows(block, width):
        label = _norm(line[col["sasaran"]])
        if line[col["baris"]] in (iku.ROW_AVERAGE, iku.ROW_TOTAL) or label.startswith(
                ("rerata capaian kinerja", "total rerata capaian")):
            continue  # average rows are regenerated by recalc
        user = [v for j, v in enumerate(line) if j >= len(spec.columns) or spec.columns[j].role not in OWNED_ROLES]
        if all(is_blank(v) for v in user):
            continue
        values = {}
        for key in ("target", "realisasi"):
            try:
                values[key] = parse_number_or_text(line[col[key]])
            except NumberError as exc:
                findings.append(declared(exc.rule)(spec.name, cell_ref(sheet_row, col[key] + 1), "",
                                                   f"{spec.columns[col[key]].header}: {exc}"))
                values[key] = None
        # A blank No/Sasaran continues the sasaran above, as the printed table shows it.
        no = _text(line[col["no_sasaran"]]).rstrip(".") or last_no
        sasaran = _text(line[col["sasaran"]]) or (last_sasaran if no == last_no else "")
        last_no, last_sasaran = no, sasaran
        rows.append(IkuRow(list(line), sheet_row, no, sasaran, values["target"], values["realisasi"],
                           _text(line[col["polaritas"]])))
    return rows
