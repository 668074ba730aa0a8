"""What every rule needs besides the Renja: the declared version, the agency's bidang and kind, cell helpers."""
from __future__ import annotations

import re
from itertools import compress, repeat
from operator import attrgetter, is_, itemgetter, not_
from dataclasses import dataclass, field
from typing import Any

from renja_xl.domain.cells import column_letter, is_blank
from renja_xl.domain.hierarchy import HierRow, HierTable
from renja_xl.domain.kode import Kode, KodeError, Level, parse_kode

from renja_xl.domain.model import Renja
from renja_xl.nomenklatur import Nomenklatur, jenis_key

_SPACES = re.compile(r"\s+")
_CELLS = attrgetter("cells")
_AMOUNTS = attrgetter("amounts")


def text(value: Any) -> str:
    """A cell as trimmed text ('' for empty); whole floats without '.0'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return _SPACES.sub(" ", str(value)).strip()


blank = is_blank  # the rules' name for it


def blank_positions(values: list[Any]) -> list[int]:
    """Indexes of the blank cells of a column (empty, or text of spaces only), in order.

    Built from C iterators (no Python code per cell): the columns of a 100k-row table are scanned by several
    rules, and a Python loop per cell costs more than reading the file.
    """
    # the falsy cells first (None, '', 0): truth is a slot call, where `is None` and count(None) compare each
    # filled cell with None the long way; usually a few, then tested one by one
    out = [i for i in compress(range(len(values)), map(not_, values)) if values[i] is None or values[i] == ""]
    try:  # a column of texts (and empty cells): str.isspace straight over the filled cells
        spaces = set(filter(str.isspace, filter(None, values)))
    except TypeError:  # numbers too: keep the texts first
        spaces = set(filter(str.isspace, compress(values, map(is_, map(type, values), repeat(str)))))
    if spaces:
        out += compress(range(len(values)), map(spaces.__contains__, values))
        out.sort()
    return out


@dataclass
class Context:
    renja: Renja
    nomenklatur: Nomenklatur | None = None  # the list of the declared version (or the embedded example list)
    nomenklatur_note: str = ""  # why the embedded list is used, if it is
    _cols: dict[tuple[str, str], int] = field(default_factory=dict, repr=False)
    _letters: dict[tuple[str, str], str] = field(default_factory=dict, repr=False)
    _lists: dict[tuple[str, str], list[HierRow]] = field(default_factory=dict, repr=False)
    _columns: dict[tuple[str, str, str], list[Any]] = field(default_factory=dict, repr=False)
    cache: dict[str, Any] = field(default_factory=dict, repr=False)  # indexes a rule builds once per run

    def col(self, table: HierTable, key: str) -> int:
        """0-based column of a key (looked up once per table and key: rules ask for it on every row)."""
        k = (table.spec.key, key)
        j = self._cols.get(k)
        if j is None:
            j = self._cols[k] = table.spec.col(key)
        return j

    # --- identitas
    def identitas_cell(self, key: str) -> str:
        return self.renja.identitas.cell(key)

    @property
    def identitas_sheet(self) -> str:
        return self.renja.identitas.sheet

    @property
    def versi(self) -> str:
        return text(self.renja.identitas.get("versi_nomenklatur"))

    @property
    def jenis(self) -> str | None:
        return jenis_key(self.renja.identitas.get("jenis_pemda"))

    @property
    def bidangs(self) -> tuple[Kode, ...] | None:
        """The agency's bidang codes (Identitas may hold several: "5.01; 5.05"); None when one is unreadable."""
        out = []
        for raw in self.renja.identitas.bidang_texts():
            if not isinstance(raw, str):
                return None
            try:
                k = parse_kode(raw).kode
            except KodeError:
                return None
            if len(k.segments) != 2 or k.segments[0].startswith("X"):
                return None
            out.append(k)
        return tuple(out) or None

    @property
    def bidang(self) -> Kode | None:
        """The first (main) bidang."""
        found = self.bidangs
        return found[0] if found else None

    @property
    def bidang_label(self) -> str:
        return "; ".join(k.text for k in self.bidangs or ())

    # --- tables (row lists computed once per run and shared by the rules)
    def where(self, table: HierTable, row: HierRow, key: str) -> str:
        if not row.source_row:
            return ""
        k = (table.spec.key, key)
        letter = self._letters.get(k)
        if letter is None:
            letter = self._letters[k] = column_letter(self.col(table, key) + 1)
        return f"{letter}{row.source_row}"

    def _list(self, table: HierTable, kind: str) -> list[HierRow]:
        k = (table.spec.key, kind)
        rows = self._lists.get(k)
        if rows is None:
            sub = Level.SUB_KEGIATAN
            if kind == "typed":
                rows = [r for r in table.rows if r.source_row is not None]
            elif kind == "nodes":
                rows = [r for r in self._list(table, "typed") if r.is_first]
            elif kind == "leaves":
                rows = [r for r in self._list(table, "nodes") if r.kode.level is sub]
            elif kind == "parents":
                rows = [r for r in self._list(table, "nodes") if r.kode.level is not sub]
            else:  # typed_parents
                rows = [r for r in self._list(table, "typed") if r.kode.level is not sub]
            self._lists[k] = rows
        return rows

    def typed_rows(self, table: HierTable) -> list[HierRow]:
        """Every row the user typed (rows recalc would insert are left out)."""
        return self._list(table, "typed")

    def typed_nodes(self, table: HierTable) -> list[HierRow]:
        """First typed row of every node (a program's further indicator rows are left out)."""
        return self._list(table, "nodes")

    def leaves(self, table: HierTable) -> list[HierRow]:
        """First typed row of every sub kegiatan."""
        return self._list(table, "leaves")

    def parents(self, table: HierTable) -> list[HierRow]:
        """First typed row of every urusan, bidang, program and kegiatan."""
        return self._list(table, "parents")

    def typed_parent_rows(self, table: HierTable) -> list[HierRow]:
        return self._list(table, "typed_parents")

    def column(self, table: HierTable, kind: str, key: str) -> list[Any]:
        """The cells of one column over a row list (`kind` as in _list), built once per run: rules test a
        column's distinct values, not each of 100k cells (a Renja repeats its satuan, lokasi and waktu)."""
        k = (table.spec.key, kind, key)
        values = self._columns.get(k)
        if values is None:
            rows_cells = self._columns.get((table.spec.key, kind, ""))
            if rows_cells is None:
                rows_cells = self._columns[(table.spec.key, kind, "")] = list(map(_CELLS, self._list(table, kind)))
            values = self._columns[k] = list(map(itemgetter(self.col(table, key)), rows_cells))
        return values

    def leaf_amounts(self, table: HierTable) -> list[dict]:
        """The amounts of every leaf (`leaves`), built once per run: rules test them in C (map over dicts)."""
        k = (table.spec.key, "leaves", "amounts")
        values = self._columns.get(k)
        if values is None:
            values = self._columns[k] = list(map(_AMOUNTS, self.leaves(table)))
        return values

    def value(self, table: HierTable, row: HierRow, key: str) -> Any:
        j = self.col(table, key)
        return row.cells[j] if j < len(row.cells) else None

    def tables(self) -> list[HierTable]:
        return self.renja.hierarchy_tables()


