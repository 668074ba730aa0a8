"""Import the SIPD-RI print "RENCANA KERJA ORGANISASI PERANGKAT DAERAH (RENJA OPD)" into Tabel 6.

The print as people save it to Excel: title lines; above every kegiatan block the column header again (two
rows: KODE, URUSAN / ... / SUB KEGIATAN, INDIKATOR, RENCANA TAHUN n with LOKASI, TARGET CAPAIAN KINERJA and
one or more money columns, SUMBER DANA, KELOMPOK SASARAN, CATATAN PENTING, PRAKIRAAN MAJU RENCANA TAHUN n+1
with its target and kebutuhan dana), its (1) (2) ... row, and the agency / urusan / bidang / program rows with
their printed totals; the code split over five columns (`5`, `01`, `01`, `2.01`, `0001`); indicators and
"target satuan" one per line in one cell; a closing JUMLAH row.

The user picks which money column is the pagu (`pagu`); every sub kegiatan becomes Tabel 6 rows (one per
indicator; money on the first), each parent its indicator rows with live SUBTOTALs. Printed parent totals are
compared with their sub kegiatan in every money column and each that does not add up is reported, never
copied. Columns the print does not have (prioritas, Renstra, penanggung jawab ...) keep what the sheet held for
the same code. When any row cannot be read, nothing is written.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from renja_xl.domain.cells import cell_ref
from renja_xl.domain.errors import InputErrors
from renja_xl.domain.findings import Finding, Severity, declare, declared
from renja_xl.domain.fmt import rupiah
from renja_xl.domain.hierarchy import HierRow, HierTable, agency_total_cells, build
from renja_xl.domain.kode import Kode, KodeError, Level, parse_kode
from renja_xl.domain.layout import FIRST_DATA_ROW, NOTE_ROW, OWNED_ROLES, SUMBER_DANA, sheet
from renja_xl.domain.model import Identitas
from renja_xl.domain.money import excel_number
from renja_xl.nomenklatur import default_names
from renja_xl.sipd.usulan import (COLUMN_NUMBER, SIPD_PAGU, SIPD_TOTAL_INDUK, SipdError, SipdImport, cell_text,
                                   indonesian_number, replace_table)
from renja_xl.workbook.grid import Grid
from renja_xl.workbook.reader import read_identitas

SIPD_KODE_ANGKA = declare("sipd.kode_angka", Severity.ERROR,
                          "Cetakan Renja SIPD: kode sub kegiatan tersimpan sebagai angka (Impor SIPD)")
SIPD_GANDA = declare("sipd.sub_kegiatan_ganda", Severity.ERROR,
                     "Cetakan Renja SIPD: sub kegiatan tercetak dua kali (Impor SIPD)")
SIPD_SUMBER_DANA = declare("sipd.sumber_dana", Severity.WARNING,
                           "Cetakan Renja SIPD: sumber dana tak dikenal atau tanpa rincian Rp (Impor SIPD)")
SIPD_TAHUN = declare("sipd.tahun", Severity.WARNING,
                     "Cetakan Renja SIPD: tahun cetakan berbeda dari Tahun Rencana di Identitas (Impor SIPD)")

SPEC = sheet("tabel6")
SOURCE = "cetakan Renja SIPD"
TITLE = "RENCANA KERJA ORGANISASI PERANGKAT DAERAH"
_YEAR = re.compile(r"\b(\d{4})\b")
_TARGET = re.compile(r"^\s*(-?[0-9][0-9.]*(?:,[0-9]+)?)\s*(.*)$")
_SD_AMOUNT = re.compile(r"^(.*?)\s*(?::|=|\bRp\.?)?\s*(-?[0-9]{1,3}(?:\.[0-9]{3})+(?:,[0-9]+)?|-?[0-9]+(?:,[0-9]+)?)$")
# the standard sumber pendanaan by the names SIPD prints (checked in order: "non fisik" before "fisik")
_SUMBER_NAMES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("pad", ("pendapatan asli daerah", "pad")),
    ("dau", ("dana alokasi umum", "dau")),
    ("dak_non_fisik", ("dak non fisik", "dak nonfisik", "dana alokasi khusus non fisik")),
    ("dak_fisik", ("dak fisik", "dana alokasi khusus fisik")),
    ("dbh", ("dana bagi hasil", "dbh")),
    ("did", ("insentif fiskal", "dana insentif daerah", "did")),
    ("bantuan_keuangan", ("bantuan keuangan",)),
    ("blud", ("badan layanan umum daerah", "blud")),
    ("pinjaman", ("pinjaman",)),
    ("lain", ("lain lain", "lainnya")),
)
SUMBER_LABEL = dict(SUMBER_DANA)


def is_renja_print(block: list[list[Any]]) -> bool:
    """Whether rows are the Renja OPD print (its title, or its header with KODE and PRAKIRAAN MAJU)."""
    for raw in block[:40]:
        texts = [cell_text(v).upper() for v in raw]
        if any(TITLE in t or "RENJA OPD" in t for t in texts) or _header_kind(texts):
            return True
    return False


def _header_kind(texts: list[str]) -> bool:
    return "KODE" in texts and any(t.startswith("PRAKIRAAN MAJU") for t in texts)


@dataclass
class Columns:
    kode: int
    uraian: int
    indikator: int | None = None
    lokasi: int | None = None
    target: int | None = None
    money: list[tuple[int, str]] = field(default_factory=list)  # the RENCANA TAHUN n money columns, printed order
    sumber: int | None = None
    kelompok: int | None = None
    catatan: int | None = None
    target_n1: int | None = None
    pagu_n1: int | None = None
    year: int | None = None

    def provided(self) -> set[str]:
        """Tabel 6 columns this print fills."""
        out = {"kode", "uraian", "pendanaan"}
        for key, attr in (("indikator", "indikator"), ("satuan", "target"), ("target", "target"),
                          ("lokasi", "lokasi"), ("kelompok_sasaran", "kelompok"), ("catatan", "catatan"),
                          ("target_n1", "target_n1"), ("pagu_n1", "pagu_n1")):
            if getattr(self, attr) is not None:
                out.add(key)
        if self.sumber is not None:
            out |= {f"sd_{k}" for k, _ in SUMBER_DANA}
        return out


def _columns(top: list[str], printed_sub: list[str]) -> Columns | None:
    """The columns from the header's two rows (a group label in the top row covers the sub-labels under it)."""
    width = max(len(top), len(printed_sub))
    printed_sub = printed_sub + [""] * (width - len(printed_sub))
    top, sub = top + [""] * (width - len(top)), [t.upper() for t in printed_sub]
    if "KODE" not in top:
        return None
    kode = top.index("KODE")
    uraian = next((j for j, t in enumerate(top) if t.startswith("URUSAN") or "SUB KEGIATAN" in t and
                   not t.startswith("INDIKATOR")), None)
    if uraian is None:
        return None
    cols = Columns(kode, uraian)
    group = ""
    for j in range(width):
        if top[j]:
            group = top[j]
        elif not sub[j]:
            group = ""
        label = sub[j] or top[j]
        in_plan, in_next = group.startswith("RENCANA TAHUN"), group.startswith("PRAKIRAAN MAJU")
        if in_plan and cols.year is None and (m := _YEAR.search(group)):
            cols.year = int(m.group(1))
        if label.startswith("INDIKATOR"):
            cols.indikator = j
        elif label.startswith("SUMBER DANA"):
            cols.sumber = j
        elif label.startswith("KELOMPOK SASARAN"):
            cols.kelompok = j
        elif label.startswith("CATATAN"):
            cols.catatan = j
        elif label.startswith("LOKASI"):
            cols.lokasi = j
        elif label.startswith("TARGET"):
            if in_next:
                cols.target_n1 = j
            elif in_plan:
                cols.target = j
        elif in_next and sub[j]:
            cols.pagu_n1 = j
        elif in_plan and sub[j]:
            cols.money.append((j, printed_sub[j]))
    return cols if cols.money else None


class PaguChoiceError(SipdError):
    """The print has several money columns and none (or no single one) was picked as the pagu."""

    def __init__(self, message: str, names: list[str]):
        super().__init__(message)
        self.names = names


def choose_pagu(cols: Columns, pagu: str | None) -> int:
    """The money column the user picked (its header, case and spacing aside; a part of it when that part names
    one column only); without a choice the print's only money column."""
    names = [name for _, name in cols.money]
    listed = ", ".join(f"'{n}'" for n in names)
    if not pagu:
        if len(names) == 1:
            return cols.money[0][0]
        raise PaguChoiceError(f"cetakan memuat {len(names)} kolom uang ({listed}); pilih kolom pagu, misalnya "
                              f"--pagu \"{names[0]}\".", names)
    want = " ".join(pagu.upper().split())
    exact = [j for j, n in cols.money if n.upper() == want]
    part = [j for j, n in cols.money if want in n.upper()]
    found = exact or part
    if len(found) != 1:
        why = "tidak ada di" if not found else "cocok dengan beberapa kolom"
        raise PaguChoiceError(f"kolom pagu '{pagu}' {why} cetakan; pilih salah satu: {listed}.", names)
    return found[0]


@dataclass
class RenjaNode:
    line: int  # row of the print (1-based)
    kode: Kode
    uraian: str
    indikator: list[str] = field(default_factory=list)
    target: list[str] = field(default_factory=list)
    target_n1: list[str] = field(default_factory=list)
    money: dict[int, Decimal | None] = field(default_factory=dict)  # print column -> amount
    pagu_n1: Decimal | None = None
    lokasi: str = ""
    sumber: dict[str, Decimal | None] = field(default_factory=dict)  # sd_ key -> amount (None: the whole pagu)
    kelompok: str = ""
    catatan: str = ""


@dataclass
class PrintedTotal:
    line: int
    column: int  # 0-based column of the print
    kode: Kode | None  # None: the agency or the JUMLAH row
    amount: Decimal


@dataclass
class RenjaPrint:
    columns: Columns
    pagu_column: int
    nodes: list[RenjaNode] = field(default_factory=list)
    printed: list[PrintedTotal] = field(default_factory=list)
    notes: list[Finding] = field(default_factory=list)
    agency: str = ""
    year: int | None = None  # the plan year the print is for: its title's TAHUN (ANGGARAN) ..., else RENCANA TAHUN
    year_cell: str = ""  # where that year is printed

    @property
    def leaves(self) -> list[RenjaNode]:
        return [n for n in self.nodes if n.kode.level == Level.SUB_KEGIATAN]

    def pagu(self, node: RenjaNode) -> Decimal | None:
        return node.money.get(self.pagu_column)


# ---------------------------------------------------------------- reading the print

def _lines(value: Any) -> list[str]:
    if value is None:
        return []
    text = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    return [cell_text(x) for x in text.splitlines() if cell_text(x)]


def _code_part(value: Any, position: int) -> str:
    """One of the five code cells as text. A print saved to Excel may have turned `01` into 1 and `2.01` into
    2.01: urusan, bidang, program and kegiatan have fixed widths and come back; a sub kegiatan number does not
    say whether it had 2 or 4 digits (ValueError)."""
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, (int, float)):
        if position == 3:
            return f"{value:.2f}"
        if position == 4 or (isinstance(value, float) and not value.is_integer()):
            raise ValueError(f"kode {value} tersimpan sebagai angka: jumlah digitnya (01 atau 0001) tidak terbaca")
        return str(int(value)) if position == 0 else f"{int(value):02d}"
    return cell_text(value)


def _is_numbering(texts: list[str]) -> bool:
    filled = [t for t in texts if t]
    if len(filled) < 4:
        return False
    if all(COLUMN_NUMBER.match(t) for t in filled):
        return True
    return filled == [str(i) for i in range(1, len(filled) + 1)]


def _amount(line: list[Any], j: int | None) -> Decimal | None:
    if j is None or j >= len(line):
        return None
    return indonesian_number(line[j])


def parse_renja_print(block: list[list[Any]], pagu: str | None = None) -> RenjaPrint:
    """Rows of the print -> RenjaPrint. Problems become findings naming the print's row and column."""
    cols: Columns | None = None
    out: RenjaPrint | None = None
    seen: dict[Kode, RenjaNode] = {}
    rows = [list(r) for r in block]
    title_year: tuple[int, str] | None = None
    i = 0
    while i < len(rows):
        line = rows[i]
        texts = [cell_text(v).upper() for v in line]
        if cols is None and title_year is None:
            title_year = _title_year(texts, i)
        if _header_kind(texts):
            sub = [cell_text(v) for v in rows[i + 1]] if i + 1 < len(rows) else []
            found = _columns(texts, sub)
            if found is None:
                raise SipdError(f"baris {i + 1}: judul kolom cetakan Renja tidak memuat kolom uang RENCANA TAHUN.")
            if cols is None:
                cols = found
                out = RenjaPrint(cols, choose_pagu(cols, pagu))
                if title_year is not None:
                    out.year, out.year_cell = title_year
                elif found.year is not None:
                    out.year, out.year_cell = found.year, cell_ref(i + 1, found.kode + 1)
            i += 2
            continue
        i += 1
        if cols is None or out is None or _is_numbering(texts) or not any(texts):
            continue
        _row(out, cols, line + [None] * (max(cols.kode + 5, len(texts)) - len(line)), i, seen)
    if out is None:
        raise SipdError("baris judul cetakan Renja SIPD (KODE, URUSAN / ... / SUB KEGIATAN, INDIKATOR, RENCANA "
                        "TAHUN ..., PRAKIRAAN MAJU ...) tidak ditemukan; apakah ini cetakan 'RENCANA KERJA "
                        "ORGANISASI PERANGKAT DAERAH (RENJA OPD)' dari SIPD-RI?")
    if not out.nodes and not any(f.severity == "error" for f in out.notes):
        raise SipdError("cetakan Renja SIPD tidak memuat satu baris berkode pun.")
    return out


_TITLE_YEAR = re.compile(r"^TAHUN\s+(?:ANGGARAN\s+)?(\d{4})$")


def _title_year(texts: list[str], i: int) -> tuple[int, str] | None:
    """A title line 'TAHUN ANGGARAN 2027' (or 'TAHUN 2027') above the first header: the year and its cell."""
    for j, t in enumerate(texts):
        m = _TITLE_YEAR.match(" ".join(t.split()))
        if m:
            return int(m.group(1)), cell_ref(i + 1, j + 1)
    return None


def plan_year_note(printed: RenjaPrint, identitas: Identitas) -> Finding | None:
    """A print for another year than the workbook's Tahun Rencana (a last year's print, or Identitas not updated):
    the imported pagu would sit under the wrong year's headings."""
    plan = identitas.get("tahun_rencana")
    if printed.year is None or not isinstance(plan, int) or printed.year == plan:
        return None
    where = identitas.cell("tahun_rencana")
    return SIPD_TAHUN(SOURCE, printed.year_cell, "",
                      f"cetakan Renja SIPD untuk tahun {printed.year} (sel {printed.year_cell}), sedangkan Tahun "
                      f"Rencana di sheet '{identitas.sheet}'{' sel ' + where if where else ''} adalah {plan}; "
                      "periksa cetakannya atau Tahun Rencana (judul kolom Tabel 6 mengikuti Identitas).")


def _row(out: RenjaPrint, cols: Columns, line: list[Any], number: int, seen: dict[Kode, RenjaNode]) -> None:
    def where(j: int) -> str:
        return cell_ref(number, j + 1)

    name = cell_text(line[cols.uraian]) if cols.uraian < len(line) else ""
    parts_raw = line[cols.kode:cols.kode + 5]
    try:
        parts = [_code_part(v, k) for k, v in enumerate(parts_raw)]
    except ValueError as exc:
        out.notes.append(SIPD_KODE_ANGKA(SOURCE, where(cols.kode + 4), "", f"{exc}; simpan kode sebagai teks."))
        return
    money_cols = [j for j, _ in cols.money] + ([cols.pagu_n1] if cols.pagu_n1 is not None else [])
    amounts: dict[int, Decimal | None] = {}
    for j in money_cols:
        try:
            amounts[j] = _amount(line, j)
        except ValueError as exc:
            out.notes.append(SIPD_PAGU(SOURCE, where(j), "-".join(p for p in parts if p), f"{exc}."))
            return
    if not any(parts):
        if name.upper().startswith("JUMLAH") or name.upper().startswith("TOTAL"):
            out.printed += [PrintedTotal(number, j, None, a) for j, a in amounts.items() if a is not None]
        elif name and out.nodes:  # a name broken over two rows
            out.nodes[-1].uraian = f"{out.nodes[-1].uraian} {name}"
        return
    if parts[0].count(".") > 1:  # the agency row: its own long code in the urusan column
        out.agency = name
        out.printed += [PrintedTotal(number, j, None, a) for j, a in amounts.items() if a is not None]
        return
    filled = [p for p in parts if p]
    text = ".".join(filled)
    try:
        if parts[:len(filled)] != filled:
            raise KodeError(f"kode '{'-'.join(parts)}' terputus: ada kolom kode kosong di tengah.", "kode.format")
        kode = parse_kode(text).kode
    except KodeError as exc:
        out.notes.append(declared(exc.rule)(SOURCE, where(cols.kode), text, str(exc)))
        return
    leaf = kode.level == Level.SUB_KEGIATAN
    if kode in seen:  # the header rows repeated above the next kegiatan block; their totals are checked too
        if leaf:
            out.notes.append(SIPD_GANDA(SOURCE, where(cols.kode), kode.text,
                                        f"sub kegiatan {kode.text} tercetak lagi di baris {number} (pertama di "
                                        f"baris {seen[kode].line})."))
        else:
            out.printed += [PrintedTotal(number, j, kode, a) for j, a in amounts.items() if a is not None]
        return

    def cell(j: int | None) -> Any:
        return line[j] if j is not None and j < len(line) else None

    node = RenjaNode(number, kode, name, _lines(cell(cols.indikator)), _lines(cell(cols.target)),
                     _lines(cell(cols.target_n1)))
    seen[kode] = node
    out.nodes.append(node)
    if not leaf:
        out.printed += [PrintedTotal(number, j, kode, a) for j, a in amounts.items() if a is not None]
        return
    node.money = {j: amounts[j] for j, _ in cols.money}
    node.pagu_n1 = amounts.get(cols.pagu_n1) if cols.pagu_n1 is not None else None
    node.lokasi = "; ".join(_lines(cell(cols.lokasi)))
    node.kelompok = "; ".join(_lines(cell(cols.kelompok)))
    node.catatan = "; ".join(_lines(cell(cols.catatan)))
    node.sumber = _sumber(out, _lines(cell(cols.sumber)), kode, where(cols.sumber) if cols.sumber is not None else "")


def sumber_key(name: str) -> str | None:
    """The standard sumber pendanaan a printed name stands for ("Dana Transfer Umum-Dana Alokasi Umum" -> dau)."""
    words = " " + " ".join(re.sub(r"[^0-9a-z]+", " ", name.lower()).split()) + " "
    for key, phrases in _SUMBER_NAMES:
        if any(f" {p} " in words for p in phrases):
            return key
    return None


def _sumber(out: RenjaPrint, lines: list[str], kode: Kode, where: str) -> dict[str, Decimal | None]:
    """Sumber dana lines ("DAU: 100.000.000,00", or a name alone): sd_ key -> amount (None: the whole pagu)."""
    found: dict[str, Decimal | None] = {}
    for text in lines:
        m = _SD_AMOUNT.match(text)
        name, amount = (m.group(1).strip(" :-"), indonesian_number(m.group(2))) if m and m.group(1).strip() else (text, None)
        key = sumber_key(name)
        if key is None:
            out.notes.append(SIPD_SUMBER_DANA(SOURCE, where, kode.text,
                                              f"sumber dana '{name}' tidak dikenal; ditulis sebagai Lain-lain."))
            key = "lain"
        key = f"sd_{key}"
        found[key] = (found.get(key) or Decimal(0)) + amount if amount is not None else found.get(key)
    if len(found) > 1 and any(v is None for v in found.values()):
        out.notes.append(SIPD_SUMBER_DANA(SOURCE, where, kode.text,
                                          f"sub kegiatan {kode.text}: beberapa sumber dana tanpa rincian Rp ("
                                          + ", ".join(SUMBER_LABEL[k[3:]] for k in found)
                                          + "); kolom sumber dana dibiarkan kosong, isi sendiri."))
        return {}
    return found


# ---------------------------------------------------------------- writing Tabel 6

@dataclass
class RenjaImport(SipdImport):
    """What was written into Tabel 6 (the Usulan import's outcome, with the pagu the user picked)."""
    print: RenjaPrint  # type: ignore[assignment]

    @property
    def total(self) -> Decimal:
        return sum((self.print.pagu(n) or Decimal(0) for n in self.print.leaves), Decimal(0))


def _target(text: str) -> tuple[Any, str]:
    """'12 Dokumen' -> (12, 'Dokumen'); '95,5 Persen' -> (95.5, 'Persen'); 'BB' -> ('BB', '')."""
    m = _TARGET.match(text)
    if m:
        try:
            number = indonesian_number(m.group(1))
        except ValueError:
            number = None
        if number is not None:
            return excel_number(number), m.group(2).strip()
    return text or None, ""


def _node_rows(p: RenjaPrint, node: RenjaNode, kept: dict[str, Any]) -> list[HierRow]:
    leaf = node.kode.level == Level.SUB_KEGIATAN
    count = max(1, len(node.indikator), len(node.target))
    out = []
    for k in range(count):
        target, satuan = _target(node.target[k]) if k < len(node.target) else (None, "")
        next_target, next_satuan = _target(node.target_n1[k]) if k < len(node.target_n1) else (None, "")
        if next_satuan and next_satuan != satuan:  # another unit than year n's: kept as printed
            next_target = node.target_n1[k]
        values: dict[str, Any] = {"kode": node.kode.text, "uraian": (node.uraian or None) if k == 0 else None,
                                  "indikator": node.indikator[k] if k < len(node.indikator) else None,
                                  "target": target, "satuan": satuan or None, "target_n1": next_target}
        amounts: dict[str, Decimal | None] = {}
        if k == 0:
            values.update((key, v) for key, v in kept.items() if values.get(key) is None)
        if leaf and k == 0:
            pagu = p.pagu(node)
            amounts = {"pendanaan": pagu, "pagu_n1": node.pagu_n1}
            for key, amount in node.sumber.items():
                amounts[key] = pagu if amount is None else amount
            values.update(pendanaan=excel_number(pagu), pagu_n1=excel_number(node.pagu_n1),
                          lokasi=node.lokasi or None, kelompok_sasaran=node.kelompok or None,
                          catatan=node.catatan or None,
                          **{key: excel_number(a) for key, a in amounts.items() if key.startswith("sd_")})
        out.append(HierRow(node.kode, SPEC.make_row(**values), node.line, amounts))
    return out


def _kept_columns(old: list[list[Any]], provided: set[str]) -> tuple[list[str], dict[str, list[Any]]]:
    """Columns the print does not fill, with what the sheet held for each code (its first row)."""
    keys = [c.key for c in SPEC.columns if c.role not in OWNED_ROLES and c.role not in ("jumlah", "kode")
            and c.key not in provided]
    kode_col = SPEC.col("kode")
    first: dict[str, list[Any]] = {}
    for line in old[FIRST_DATA_ROW - 1:]:
        if kode_col < len(line) and isinstance(line[kode_col], str):
            first.setdefault(line[kode_col].strip(), line)
    return keys, first


def import_renja_print(grid: Grid, printed: RenjaPrint) -> RenjaImport:
    """Replace the data rows of Tabel 6 with the print (one block written, the rest cleared), row 2's agency
    totals with their values; every printed total that does not add up is a note."""
    if any(f.severity == "error" for f in printed.notes):
        raise InputErrors(printed.notes)
    result = RenjaImport(printed, notes=list(printed.notes))
    year_note = plan_year_note(printed, read_identitas(grid))
    if year_note is not None:
        result.notes.append(year_note)
    old_sheet = grid.read(SPEC.name)
    keys, old_rows = _kept_columns(old_sheet, printed.columns.provided())
    rows: list[HierRow] = []
    for node in printed.nodes:
        old = old_rows.get(node.kode.text)
        kept = {k: old[SPEC.col(k)] for k in keys if old is not None and SPEC.col(k) < len(old)}
        rows += _node_rows(printed, node, {k: v for k, v in kept.items() if v not in (None, "")})
    names = {n.kode: n.uraian for n in printed.nodes if n.uraian}
    built = build(SPEC, rows, lambda k: names.get(k) or default_names().get(k.text, ""))
    result.notes += _totals_that_do_not_add_up(printed)
    result.rows_written = replace_table(grid, SPEC, built, old_sheet)
    totals = agency_total_cells(HierTable(SPEC, built))
    for j, formula in sorted(totals.items()):
        grid.write(SPEC.name, NOTE_ROW, j + 1, [[formula]])
    return result


def _totals_that_do_not_add_up(p: RenjaPrint) -> list[Finding]:
    """Each printed total (parent, agency, JUMLAH) against the sum of its sub kegiatan, column by column."""
    sums: dict[tuple[Kode | None, int], Decimal] = {}
    zero = Decimal(0)
    columns = [j for j, _ in p.columns.money] + ([p.columns.pagu_n1] if p.columns.pagu_n1 is not None else [])
    for leaf in p.leaves:
        values = dict(leaf.money)
        if p.columns.pagu_n1 is not None:
            values[p.columns.pagu_n1] = leaf.pagu_n1
        ancestors: list[Kode | None] = [None]
        anc = leaf.kode.parent
        while anc is not None:
            ancestors.append(anc)
            anc = anc.parent
        for j in columns:
            amount = values.get(j) or zero
            for a in ancestors:
                sums[(a, j)] = sums.get((a, j), zero) + amount
    headers = dict(p.columns.money)
    if p.columns.pagu_n1 is not None:
        headers[p.columns.pagu_n1] = "PRAKIRAAN MAJU"
    out = []
    for t in p.printed:
        computed = sums.get((t.kode, t.column), zero)
        if t.amount == computed:
            continue
        what = f"{t.kode.level.label.lower()} {t.kode.text}" if t.kode is not None else "total perangkat daerah"
        out.append(SIPD_TOTAL_INDUK(
            SOURCE, cell_ref(t.line, t.column + 1), t.kode.text if t.kode is not None else "",
            f"{headers.get(t.column, '')}: tercetak {what} {rupiah(t.amount)}, jumlah dari sub kegiatan "
            f"{rupiah(computed)}, selisih {rupiah(t.amount - computed)}; di Tabel 6 ditulis rumus subtotal."))
    return out
