"""The whole Renja in memory: what the reader builds and what checks and chapters use."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from renja_xl.domain import layout
from renja_xl.domain.findings import Finding
from renja_xl.domain.hierarchy import HierTable
from renja_xl.domain.iku import IkuTable


@dataclass
class Identitas:
    values: dict[str, Any]
    cells: dict[str, str] = field(default_factory=dict)  # key -> the cell the value was read from ("B18")
    sheet: str = field(default_factory=lambda: layout.sheet("identitas").name)

    def __getattr__(self, key: str) -> Any:
        try:
            return self.values[key]
        except KeyError as exc:
            raise AttributeError(key) from exc

    def get(self, key: str, default: Any = None) -> Any:
        v = self.values.get(key)
        return default if v is None or v == "" else v

    def bidang_texts(self) -> list[str]:
        """The agency's bidang codes as typed: one, or several separated by ';' or ',' ("5.01; 5.05").
        A number (5.1 for 5.10) is given back as it is, for the check that reports it."""
        raw = self.get("kode_bidang_urusan")
        if raw is None:
            return []
        if not isinstance(raw, str):
            return [raw]
        return [p.strip() for p in raw.replace(",", ";").split(";") if p.strip()]

    def bidang_names(self) -> list[str]:
        """The names of those bidang, in the same order (separated by ';')."""
        raw = self.get("nama_bidang_urusan")
        return [p.strip() for p in str(raw).split(";")] if raw is not None else []
    def cell(self, key: str) -> str:
        """Where a value was typed ('' when its row is missing from the sheet)."""
        return self.cells.get(key, "")


class _ByKey:
    """A table row whose fields templates and tables read as r["sasaran"] as well as r.sasaran."""

    def __getitem__(self, key: str) -> Any:
        return getattr(self, key)


@dataclass
class TrenIkuRow(_ByKey):
    """A row of Tabel 3 (Tren IKU): an indicator's target and realisation over the three evaluated years."""
    source_row: int
    no_sasaran: str = ""
    sasaran: str = ""
    no_iku: str = ""
    iku: str = ""
    satuan: str = ""
    target_1: Decimal | str | None = None
    realisasi_1: Decimal | str | None = None
    target_2: Decimal | str | None = None
    realisasi_2: Decimal | str | None = None
    target_3: Decimal | str | None = None
    realisasi_3: Decimal | str | None = None


@dataclass
class TargetRow(_ByKey):
    """A row of Tabel 5: tujuan -> sasaran -> indikator sasaran, with its satuan and target."""
    source_row: int
    tujuan: str = ""
    sasaran: str = ""
    indikator: str = ""
    satuan: str = ""
    target: Decimal | str | None = None


@dataclass
class PelayananRow(_ByKey):
    """A row of T-C.30 (Tabel 2.2): a service indicator with its SPM / IKK, Renstra targets n-2 ... n+1,
    realisation n-2 and n-1, projection n and n+1."""
    source_row: int
    no: str = ""
    indikator: str = ""
    spm: Decimal | str | None = None
    ikk: Decimal | str | None = None
    target_n2: Decimal | str | None = None
    target_n1: Decimal | str | None = None
    target_n: Decimal | str | None = None
    target_np1: Decimal | str | None = None
    realisasi_n2: Decimal | str | None = None
    realisasi_n1: Decimal | str | None = None
    proyeksi_n: Decimal | str | None = None
    proyeksi_np1: Decimal | str | None = None
    catatan: str = ""


@dataclass
class UsulanPemangkuRow(_ByKey):
    """A row of T-C.32 (Tabel 2.5): a programme or activity proposed by a stakeholder."""
    source_row: int
    no: str = ""
    uraian: str = ""
    lokasi: str = ""
    indikator: str = ""
    volume: Decimal | str | None = None
    catatan: str = ""


@dataclass
class TeksRow:
    bagian: str
    jenis: str  # Paragraf | Butir Angka | Butir Huruf
    rujukan: str
    teks: str


@dataclass
class Renja:
    identitas: Identitas
    teks: list[TeksRow]
    tabel1: HierTable
    tabel2: IkuTable
    tabel3: list[TrenIkuRow]
    tabel4: HierTable
    tabel5: list[TargetRow]
    tabel6: HierTable
    sipd: HierTable
    tc30: list[PelayananRow] = field(default_factory=list)
    tc32: list[UsulanPemangkuRow] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    blocks: dict[str, list[list[Any]]] = field(default_factory=dict, repr=False)

    def teks_bagian(self, bagian: str, rujukan: str | None = None) -> list[TeksRow]:
        return [t for t in self.teks
                if t.bagian.lower() == bagian.lower() and (rujukan is None or t.rujukan == rujukan)]

    def header(self, key: str) -> list[Any]:
        """The header row of a sheet (by layout key) as read; [] when the sheet was not read."""
        block = self.blocks.get(key) or []
        return list(block[layout.HEADER_ROW - 1]) if len(block) >= layout.HEADER_ROW else []

    def hierarchy_tables(self) -> list[HierTable]:
        return [self.tabel1, self.tabel4, self.tabel6, self.sipd]


def as_date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if hasattr(value, "date") and callable(value.date):
        return value.date()
    if isinstance(value, date):
        return value
    return None


def as_year(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return int(value)
    text = str(value).strip()
    return int(text) if text.isdigit() else None
