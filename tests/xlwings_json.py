"""The book JSON of xlwings' remote runtimes, to and from any Grid (no xlwings import at all).

- ``book_json(grid, name)`` is the payload an Excel client sends to xlwings Server / xlwings Lite for a
  workbook: every sheet's values from A1, empty cells as ``""``, dates as ISO strings. A file read through
  calamine gives the values Excel shows (cached formula results), which is what a real client sends.
- ``apply_actions(grid, payload)`` plays the actions a remote book queued (``book.json()["actions"]``) on a
  Grid, e.g. the openpyxl engine over the same file: ``setValues`` writes a block, ``rangeClearContents``
  empties one; ``alert`` shows nothing and is returned. An unknown action is an error, never skipped.

Tests use the two to run the Excel entry points on xlwings' own remote engine and to compare the result with
the command-line path cell for cell; the benchmark uses them to count remote actions.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from renja_xl.workbook.grid import Grid


def _json_value(v: Any) -> Any:
    if v is None:
        return ""
    if isinstance(v, dt.datetime):
        return v.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    if isinstance(v, dt.date):
        return f"{v.isoformat()}T00:00:00.000Z"
    if isinstance(v, int) and not isinstance(v, bool):
        return float(v)  # Excel's numbers are doubles
    return v


def book_json(grid: Grid, name: str, version: str, client: str = "Microsoft Office") -> dict:
    sheets = []
    for sheet in grid.sheet_names():
        block = grid.read(sheet)
        width = max((len(r) for r in block), default=0)
        values = [[_json_value(v) for v in r] + [""] * (width - len(r)) for r in block] or [[]]
        sheets.append({"name": sheet, "values": values, "pictures": [], "tables": []})
    return {
        "client": client,
        "version": version,
        "book": {"name": name, "active_sheet_index": 0, "selection": "A1"},
        "names": [],
        "sheets": sheets,
    }


def apply_actions(grid: Grid, payload: dict) -> list[dict]:
    """Apply ``setValues``/``rangeClearContents``; returns the ``alert`` actions (the messages shown)."""
    names = grid.sheet_names()
    alerts = []
    for action in payload.get("actions", []):
        func = action["func"]
        if func == "alert":
            alerts.append(action)
            continue
        sheet = names[action["sheet_position"]]
        row, col = action["start_row"] + 1, action["start_column"] + 1
        if func == "setValues":
            values = [[None if v == "" else v for v in r] for r in action["values"]]
            grid.write(sheet, row, col, values)
        elif func == "rangeClearContents":
            grid.clear(sheet, row, col, action["row_count"], action["column_count"])
        else:
            raise ValueError(f"unexpected remote action {func!r}")
    return alerts
