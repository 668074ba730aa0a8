"""What every rule needs besides the Renja: the declared version, the agency's bidang and kind, cell helpers."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterator

from ..cells import cell_ref
from ..hierarchy import HierRow, HierTable
from ..kode import Kode, KodeError, parse_kode
from ..layout import FIRST_DATA_ROW, IDENTITAS_FIELDS, sheet
from ..model import Renja
from ..nomenklatur import Nomenklatur, jenis_key

_SPACES = re.compile(r"\s+")


def text(value: Any) -> str:
    """A cell as trimmed text ('' for empty); whole floats without '.0'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return _SPACES.sub(" ", str(value)).strip()


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


@dataclass
class Context:
    renja: Renja
    nomenklatur: Nomenklatur | None = None  # the list of the declared version (or the embedded example list)
    nomenklatur_note: str = ""  # why the embedded list is used, if it is
    identitas_rows: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        labels = {_SPACES.sub(" ", f.label).strip().lower(): f.key for f in IDENTITAS_FIELDS}
        block = self.renja.blocks.get("identitas", [])
        for idx in range(FIRST_DATA_ROW - 1, len(block)):
            line = block[idx]
            if line:
                key = labels.get(text(line[0]).lower())
                if key and key not in self.identitas_rows:
                    self.identitas_rows[key] = idx + 1

    # --- identitas
    def identitas_cell(self, key: str) -> str:
        row = self.identitas_rows.get(key)
        return cell_ref(row, 2) if row else ""

    @property
    def versi(self) -> str:
        return text(self.renja.identitas.get("versi_nomenklatur"))

    @property
    def jenis(self) -> str | None:
        return jenis_key(self.renja.identitas.get("jenis_pemda"))

    @property
    def bidang(self) -> Kode | None:
        raw = self.renja.identitas.get("kode_bidang_urusan")
        if blank(raw) or not isinstance(raw, str):
            return None
        try:
            k = parse_kode(raw).kode
        except KodeError:
            return None
        return k if len(k.segments) == 2 and not k.segments[0].startswith("X") else None

    # --- tables
    def where(self, table: HierTable, row: HierRow, key: str) -> str:
        return cell_ref(row.source_row, table.spec.col(key) + 1) if row.source_row else ""

    def typed_nodes(self, table: HierTable) -> Iterator[HierRow]:
        """First row of every node the user typed (rows recalc would insert are left out)."""
        for r in table.rows:
            if r.is_first and r.source_row is not None:
                yield r

    def typed_rows(self, table: HierTable) -> Iterator[HierRow]:
        for r in table.rows:
            if r.source_row is not None:
                yield r

    def value(self, table: HierTable, row: HierRow, key: str) -> Any:
        j = table.spec.col(key)
        return row.cells[j] if j < len(row.cells) else None

    def tables(self) -> list[HierTable]:
        return self.renja.hierarchy_tables()


def sheet_name(key: str) -> str:
    return sheet(key).name
