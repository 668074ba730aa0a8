"""Import the SIPD-RI print "Usulan … Semua Usulan" into the *Usulan SIPD* sheet, and nothing else.

The print comes as people get it (xlsx or csv): title lines, the header
`NO, KODE, URAIAN … / USULAN, LOKASI, VOLUME / SATUAN, JUMLAH PAGU (Rp), STATUS
DISETUJUI, CATATAN` repeated on every page with its `(1) (2) …` numbering row,
`Nama Sub Kegiatan - Nama Usulan` in one cell, `80 Orang / Bulan` in one cell,
amounts written twice (`5.000.000,00 5.000.000,00`), bold parent rows with
their printed totals and a closing JUMLAH row.

Sub kegiatan rows are written with their pagu; parent rows with code and name,
their pagu a live SUBTOTAL (the printed totals are compared with the computed
ones and differences reported). Every problem names the row of the print;
when any cannot be read, nothing is written.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Callable

from renja_xl.domain.cells import cell_ref
from renja_xl.domain.errors import InputErrors, RenjaError
from renja_xl.domain.findings import Finding, Severity, declare, declared
from renja_xl.domain.formula import as_text
from renja_xl.domain.fmt import rupiah
from renja_xl.workbook.grid import Grid
from renja_xl.workbook.recalc import set_printed_heights
from renja_xl.domain.hierarchy import HierRow, build, owned_cells
from renja_xl.domain.kode import Kode, KodeError, Level, parse_kode
from renja_xl.domain.layout import FIRST_DATA_ROW, SheetSpec, sheet
from renja_xl.domain.money import excel_number
from renja_xl.nomenklatur import default_names, name_key, same_name

SIPD_PAGU = declare("sipd.pagu", Severity.ERROR, "Pagu sub kegiatan di cetakan SIPD tidak dapat dibaca (Impor SIPD)")
SIPD_PAGU_KOSONG = declare("sipd.pagu_kosong", Severity.WARNING,
                           "Cetakan SIPD: sub kegiatan tanpa pagu, atau baris JUMLAH tak terbaca (Impor SIPD)")
SIPD_TOTAL_INDUK = declare("sipd.total_induk", Severity.WARNING,
                           "Cetakan SIPD: pagu induk atau JUMLAH tercetak berbeda dari jumlah sub kegiatan (Impor SIPD)")

SPEC = sheet("sipd")
SOURCE = "cetakan SIPD"
_TAGS = re.compile(r"</?(?:b|i|u|strong|em)>", re.IGNORECASE)
# the (1) (2) ... row a print has under each header
COLUMN_NUMBER = re.compile(r"^\(\s*\d+\s*\)$")
_ID_NUMBER = re.compile(r"^-?\d{1,3}(?:\.\d{3})*(?:,\d+)?$|^-?\d+(?:,\d+)?$")
_VOLUME = re.compile(r"^\s*([0-9][0-9.,]*)\s*(.*)$")
_SEPARATOR = " - "


class SipdError(RenjaError):
    """The file is not a SIPD 'Semua Usulan' print."""


@dataclass
class SipdRow:
    line: int  # row of the print (1-based)
    kode: Kode
    uraian: str
    usulan: str = ""
    lokasi: str = ""
    volume: Decimal | None = None
    satuan: str = ""
    pagu: Decimal | None = None
    status: str = ""
    catatan: str = ""


@dataclass
class SipdPrint:
    rows: list[SipdRow] = field(default_factory=list)
    printed_total: Decimal | None = None
    total_line: int | None = None
    notes: list[Finding] = field(default_factory=list)

    @property
    def leaves(self) -> list[SipdRow]:
        return [r for r in self.rows if r.kode.level == Level.SUB_KEGIATAN]


# ---------------------------------------------------------------- reading the print

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile(r"\s+")


def cell_text(value: Any) -> str:
    """A cell as printed: tags of a converted print dropped, whitespace collapsed, nothing else changed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _SPACES.sub(" ", _CONTROL.sub("", _TAGS.sub("", str(value)))).strip()


_HEADERS = {"no": ("NO",), "kode": ("KODE",), "uraian": ("URAIAN",), "lokasi": ("LOKASI",),
            "volume": ("VOLUME",), "pagu": ("JUMLAH PAGU",), "status": ("STATUS",), "catatan": ("CATATAN",)}
# a pagu header that is the word alone: a workbook's own "Pagu Renstra ..." (Tabel 1) is no SIPD print
_PAGU_ALONE = ("PAGU", "PAGU (RP)", "PAGU (RP.)")


def _header(line: list[Any]) -> dict[str, int] | None:
    cols: dict[str, int] = {}
    for j, v in enumerate(line):
        t = cell_text(v).upper()
        for key, starts in _HEADERS.items():
            if key in cols:
                continue
            if (t == starts[0] if key == "no" else any(t.startswith(s) for s in starts)
                    or (key == "pagu" and t in _PAGU_ALONE)):
                cols[key] = j
                break
    return cols if {"kode", "uraian", "pagu"} <= cols.keys() else None


def indonesian_number(value: Any) -> Decimal | None:
    """'5.000.000,00' -> 5000000.00; a number cell as it is; '' / '-' -> None. Raises ValueError otherwise."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"nilai logika {value} bukan angka")
    if isinstance(value, (int, float)):
        return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    text = cell_text(value).replace("Rp", "").replace("rp", "").strip()
    if text in ("", "-"):
        return None
    if not _ID_NUMBER.match(text):
        raise ValueError(f"'{text}' bukan angka rupiah (misalnya 5.000.000,00)")
    try:
        return Decimal(text.replace(".", "").replace(",", "."))
    except InvalidOperation as exc:
        raise ValueError(f"'{text}' bukan angka") from exc


def pagu_value(value: Any) -> Decimal | None:
    """A pagu cell, possibly printed twice ('5.000.000,00 5.000.000,00'); both copies must agree."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return indonesian_number(value)
    text = cell_text(value)
    parts = text.split()
    if not parts:
        return None
    try:
        amounts = [indonesian_number(p) for p in parts]
    except ValueError:
        raise ValueError(f"'{text}' bukan angka rupiah (misalnya 5.000.000,00)") from None
    amounts = [a for a in amounts if a is not None]
    if not amounts:
        return None
    if any(a != amounts[0] for a in amounts[1:]):
        raise ValueError("pagu tercetak dua kali dengan nilai berbeda (" + " dan ".join(rupiah(a) for a in amounts) + ")")
    return amounts[0]


def split_uraian(text: str, official: str = "") -> tuple[str, str]:
    """'Nama Sub Kegiatan - Nama Usulan' -> (nama, usulan), choosing among several ' - ' the split that fits."""
    positions = [m.start() for m in re.finditer(re.escape(_SEPARATOR), text)]
    if not positions:
        return text, ""
    candidates = [(text[:p].strip(), text[p + len(_SEPARATOR):].strip()) for p in positions]
    if len(candidates) == 1:
        return candidates[0]
    if official:
        for left, right in candidates:
            if same_name(left, official):
                return left, right
    for left, right in candidates:
        if name_key(left) == name_key(right):
            return left, right
    return candidates[0]


def _volume(value: Any) -> tuple[Decimal | None, str]:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return Decimal(repr(value)) if isinstance(value, float) else Decimal(value), ""
    text = cell_text(value)
    m = _VOLUME.match(text)
    if not m:
        return None, text
    try:
        number = indonesian_number(m.group(1))
    except ValueError:
        return None, text
    return number, m.group(2).strip()


def parse_print(block: list[list[Any]], name_of: Callable[[str], str] | None = None) -> SipdPrint:
    """Rows of the print -> SipdPrint. Problems become findings naming the print's row and column."""
    name_of = name_of or default_names().get
    out = SipdPrint()
    cols = None
    for i, raw in enumerate(block):
        line = list(raw)
        header = _header(line)
        if header:
            cols = header
            continue
        if cols is None:
            continue  # title lines above the first header
        width = max(cols.values()) + 1
        line += [None] * (width - len(line))

        def cell(key: str) -> Any:
            j = cols.get(key)
            return line[j] if j is not None else None

        def where(key: str) -> str:
            return cell_ref(i + 1, cols[key] + 1) if key in cols else cell_ref(i + 1, 1)

        kode_raw, uraian = cell("kode"), cell_text(cell("uraian"))
        kode_text = cell_text(kode_raw)
        if COLUMN_NUMBER.match(kode_text) or COLUMN_NUMBER.match(cell_text(cell("no"))):
            continue  # the (1) (2) ... row under each header
        if not kode_text:
            if uraian.upper().startswith("JUMLAH"):
                try:
                    out.printed_total = pagu_value(cell("pagu"))
                    out.total_line = i + 1
                except ValueError as exc:
                    out.notes.append(SIPD_PAGU_KOSONG(SOURCE, where("pagu"), "", f"JUMLAH: {exc}."))
                continue
            if uraian and out.rows:
                last = out.rows[-1]  # a name broken over two rows: continue the previous one
                if last.kode.level == Level.SUB_KEGIATAN and last.usulan:
                    last.usulan = f"{last.usulan} {uraian}"
                else:
                    last.uraian = f"{last.uraian} {uraian}"
            continue
        try:
            if isinstance(kode_raw, (int, float)) and not isinstance(kode_raw, bool):
                parsed = parse_kode(kode_raw)  # raises: a code stored as a number is never guessed
            else:
                parsed = parse_kode(kode_text)
        except KodeError as exc:
            out.notes.append(declared(exc.rule)(SOURCE, where("kode"), kode_text, str(exc)))
            continue
        kode = parsed.kode
        try:
            pagu = pagu_value(cell("pagu"))
        except ValueError as exc:
            out.notes.append(SIPD_PAGU(SOURCE, where("pagu"), kode.text, f"{exc}."))
            continue
        row = SipdRow(i + 1, kode, uraian, pagu=pagu)
        if kode.level == Level.SUB_KEGIATAN:
            row.uraian, row.usulan = split_uraian(uraian, name_of(kode.text) or "")
            row.lokasi = cell_text(cell("lokasi"))
            row.volume, row.satuan = _volume(cell("volume"))
            row.status = cell_text(cell("status"))
            row.catatan = cell_text(cell("catatan"))
            if pagu is None:
                out.notes.append(SIPD_PAGU_KOSONG(SOURCE, where("pagu"), kode.text,
                                                  f"sub kegiatan {kode.text} tanpa pagu (dihitung Rp 0)."))
        out.rows.append(row)
    if cols is None:
        raise SipdError("baris judul cetakan SIPD (NO, KODE, URAIAN ..., JUMLAH PAGU (Rp) ...) tidak ditemukan; "
                        "apakah ini cetakan 'Usulan ... Semua Usulan' dari SIPD-RI?")
    if not out.rows and not any(f.severity == "error" for f in out.notes):
        raise SipdError("cetakan SIPD tidak memuat satu baris berkode pun.")
    return out


# ---------------------------------------------------------------- writing the Usulan SIPD sheet

@dataclass
class SipdImport:
    print: SipdPrint
    rows_written: int = 0
    notes: list[Finding] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((r.pagu or Decimal(0) for r in self.print.leaves), Decimal(0))


def _cells(r: SipdRow) -> list[Any]:
    out: list[Any] = [None] * len(SPEC.columns)

    def put(key: str, value: Any) -> None:
        out[SPEC.col(key)] = None if value in ("", None) else value

    put("kode", r.kode.text)
    put("uraian", r.uraian)
    if r.kode.level == Level.SUB_KEGIATAN:
        put("usulan", r.usulan)
        put("lokasi", r.lokasi)
        put("volume", excel_number(r.volume))
        put("satuan", r.satuan)
        put("pagu", excel_number(r.pagu))
        put("status", r.status)
        put("catatan", r.catatan)
    return out


def import_print(grid: Grid, printed: SipdPrint) -> SipdImport:
    """Replace the data rows of the Usulan SIPD sheet with the print (one block written, the rest cleared)."""
    errors = [f for f in printed.notes if f.severity == "error"]
    if errors:
        raise InputErrors(printed.notes)
    result = SipdImport(printed, notes=list(printed.notes))
    rows = [HierRow(r.kode, _cells(r), r.line, {"pagu": r.pagu} if r.kode.level == Level.SUB_KEGIATAN else {})
            for r in printed.rows]
    names = {r.kode: r.uraian for r in printed.rows if r.uraian}
    built = build(SPEC, rows, lambda k: names.get(k) or default_names().get(k.text, ""))
    # printed totals of the parents against the computed ones
    printed_pagu = {r.kode: (r.pagu, r.line) for r in printed.rows if r.kode.level != Level.SUB_KEGIATAN}
    for r in built:
        if r.is_first and not r.is_leaf and r.kode in printed_pagu:
            stated, line = printed_pagu[r.kode]
            computed = r.totals.get("pagu", Decimal(0))
            if stated is not None and stated != computed:
                result.notes.append(SIPD_TOTAL_INDUK(SOURCE, cell_ref(line, 1), r.kode.text,
                                                     f"pagu tercetak {r.level.label.lower()} {r.kode.text} {rupiah(stated)}, jumlah dari sub kegiatan "
                                                     f"{rupiah(computed)}, selisih {rupiah(stated - computed)}; di sheet ditulis rumus subtotal."))
    if printed.printed_total is not None and printed.printed_total != result.total:
        result.notes.append(SIPD_TOTAL_INDUK(SOURCE, cell_ref(printed.total_line or 1, 1), "",
                                             f"JUMLAH tercetak {rupiah(printed.printed_total)}, jumlah dari sub kegiatan {rupiah(result.total)}, "
                                             f"selisih {rupiah(printed.printed_total - result.total)}."))
    result.rows_written = replace_table(grid, SPEC, built, grid.read(SPEC.name))
    return result


def replace_table(grid: Grid, spec: SheetSpec, built: list[HierRow], old: list[list[Any]]) -> int:
    """The built rows with their owned cells (formulas with their values) written as one block from the first
    data row; what is left of the old rows (`old`: the sheet as read) cleared. Returns the rows written."""
    block = []
    for r, owned in zip(built, owned_cells(spec, built)):
        # a print's text starting with '=' (=HYPERLINK(...), =cmd|...) stays text in every engine (issue 12, item 2)
        cells = [as_text(v) if type(v) is str else v for v in r.cells]
        for j, v in owned.items():
            cells[j] = v
        block.append(cells)
    old_rows = max(0, len(old) - (FIRST_DATA_ROW - 1))
    width = max([len(spec.columns)] + [len(x) for x in old[FIRST_DATA_ROW - 1:]])
    if block:
        grid.write(spec.name, FIRST_DATA_ROW, 1, block)
    if old_rows > len(block):
        grid.clear(spec.name, FIRST_DATA_ROW + len(block), 1, old_rows - len(block), width)
    set_printed_heights(grid, spec, block, len(old))
    return len(block)
