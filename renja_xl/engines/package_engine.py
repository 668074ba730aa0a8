"""Grid over an .xlsx/.xlsm file that reads with python-calamine and writes into the package itself.

openpyxl rebuilds a whole workbook from its own model when it saves and drops what it does not model (the
buttons' VML, shapes, slicers, extension lists) and every cached formula value. This engine edits the zip in
place instead: every part nobody wrote is copied unchanged; a sheet that was written is streamed and only its
written cells change (ooxml/sheetwrite.py); formulas carry the value Python computed (`Formula`), calcChain
goes when formulas change, and the workbook asks Excel to recompute on open. A sheet holding an object that
would not follow its rows (a comment, picture, hyperlink at or below the first row whose content may have moved:
a row of a written block, not a one-row write such as a header or a line of totals) is refused by name and
nothing is written.
"""
from __future__ import annotations

import re
import shutil
import zipfile
import zlib
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable, Sequence

from renja_xl.domain.errors import WorkbookError
from renja_xl.domain.formula import Formula
from renja_xl.engines.calamine_engine import CalamineBook
from renja_xl.engines.ooxml import formulas as formula_scan
from renja_xl.engines.ooxml import package
from renja_xl.engines.ooxml.sheetwrite import Write, rewrite
from renja_xl.engines.ooxml.sheetxml import SheetStream
from renja_xl.fileio.files import FileStamp, file_stamp, save_book
from renja_xl.fileio.sheet_extent import sheet_parts
from renja_xl.fileio.zip_members import MemberReader
from renja_xl.support.memory import paused_gc
from renja_xl.workbook.grid import Block, Heights

_DATE1904 = re.compile(rb'<workbookPr\b[^>]*?\sdate1904="(1|true)"')
_SHEET_ID = re.compile(rb'<sheet\b[^>]*?\ssheetId="([0-9]+)"')
_EMPTY_SHEET = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.'
                b'openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1"/><sheetData/>'
                b'<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/></worksheet>')
SHARED_STRINGS = "xl/sharedStrings.xml"
CALC_CHAIN = "xl/calcChain.xml"
CONTENT_TYPES = "[Content_Types].xml"
WORKBOOK = "xl/workbook.xml"
WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"


class PackageBook:
    reads_formulas = True  # formula cells are found in the sheet XML and read as '=...', as openpyxl reads them

    def __init__(self, path: str | Path, stamp: FileStamp | None = None):
        self.path = Path(path)
        # what was read, taken before reading: a save over this file refuses when another program changed it
        # meanwhile (`stamp`: taken by a caller that read the file earlier, as validate --tulis does)
        self.stamp = stamp or file_stamp(self.path)
        self.reader = CalamineBook(self.path)  # the file checks (missing, not a workbook, zip bomb) are its
        try:
            with zipfile.ZipFile(self.path) as zf:
                self._parts = sheet_parts(zf)
                workbook = zf.read(WORKBOOK)
        except (KeyError, OSError, zipfile.BadZipFile, zlib.error) as exc:
            raise WorkbookError(f"berkas '{self.path.name}' tidak dapat dibaca sebagai buku kerja Excel ({exc}).") from exc
        self._date1904 = _DATE1904.search(workbook) is not None
        self._names = self.reader.sheet_names()
        self._writes: dict[str, list[Write]] = {}
        self._blocks: dict[str, Block] = {}
        self._formulas: dict[str, formula_scan.SheetFormulas] = {}
        self._scanning: dict[str, Future] = {}  # formula scans started by prefetch, taken by read
        self._new: list[str] = []
        self._moves: dict[str, dict[int, int | None]] = {}
        # per sheet: (first row, the heights or a function giving them), resolved only for a sheet that is written
        self._heights: dict[str, list[tuple[int, Heights]]] = {}

    # ------------------------------------------------------------------ reading

    def sheet_names(self) -> list[str]:
        return self._names + self._new

    def prefetch(self, sheets: Sequence[str], codes: Callable[[str], Any] | None = None) -> None:
        todo = [s for s in sheets if s not in self._new]
        self.reader.prefetch(todo, codes)
        # The formula scan (Python searches over each sheet's XML, ~0.7 s for a 100k-row sheet) runs on a thread
        # of its own while calamine parses, which releases the GIL: off the path the reader waits on. A small
        # workbook, which calamine reads when asked (no thread), is scanned when asked too.
        todo = [s for s in todo if s in self._names and s not in self._scanning]
        if todo and self.reader.reading_ahead():
            pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="renja-xl-formulas")
            for name in todo:
                self._scanning[name] = pool.submit(self._scan_ahead, name)
            pool.shutdown(wait=False)

    def _check(self, sheet: str) -> None:
        if sheet not in self._names and sheet not in self._new:
            raise WorkbookError(f"sheet '{sheet}' tidak ada di buku kerja '{self.path.name}'.")

    def read(self, sheet: str) -> Block:
        """The cached values (calamine) with every formula cell as a `Formula` (its text, its cached value)."""
        return self.read_in_parts(sheet, None)

    def read_in_parts(self, sheet: str, on_part: Callable[[int, Block], object] | None) -> Block:
        """read(sheet), handing its parts on as the calamine reader delivers them (ReadsInParts: a large sheet's
        upper half while the lower is parsed), each with its formulas in place."""
        self._check(sheet)
        if sheet in self._new:
            if on_part is not None:
                on_part(1, [])
            return []
        scan = None

        def part(first_row: int, rows: Block) -> None:
            nonlocal scan
            if scan is None:
                scan = self._take_scan(sheet)
            _put_formulas(rows, scan.cells, first_row, part=True)
            on_part(first_row, rows)

        block = self.reader.read(sheet) if on_part is None else self.reader.read_in_parts(sheet, part)
        if scan is None:
            scan = self._take_scan(sheet)
        # every cell: the parts' rows may be copies of the block's (calamine pads an upper half narrower than it)
        _put_formulas(block, scan.cells, 1)
        # only a shared formula's text is needed again (to write it out plainly); the rest is in the block
        scan.cells = {k: v for k, v in scan.cells.items() if k in scan.shared}
        self._blocks[sheet] = block
        return block

    def _take_scan(self, sheet: str) -> formula_scan.SheetFormulas:
        pending = self._scanning.pop(sheet, None)
        if pending is not None:
            scan = self._formulas[sheet] = pending.result()
            return scan
        self._formulas.pop(sheet, None)  # a fresh scan: the one kept after a read holds shared formulas only
        return self._scan(sheet)

    def _scan(self, sheet: str) -> formula_scan.SheetFormulas:
        found = self._formulas.get(sheet)
        if found is None:
            found = self._formulas[sheet] = self._scan_part(sheet)
        return found

    def _scan_ahead(self, sheet: str) -> formula_scan.SheetFormulas:
        self.reader.wait_until_measured()  # its searches hold the GIL too: after those on the read's critical path
        return self._scan_part(sheet)

    def _scan_part(self, sheet: str) -> formula_scan.SheetFormulas:
        part = self._parts.get(sheet)
        try:
            with zipfile.ZipFile(self.path) as zf:
                found = formula_scan.scan(zf, part, sheet) if part in zf.NameToInfo else None
        except (KeyError, OSError, zipfile.BadZipFile, zlib.error) as exc:
            raise WorkbookError(f"sheet '{sheet}' di berkas '{self.path.name}' rusak ({exc}).") from exc
        return found or formula_scan.SheetFormulas()

    def may_hold_long_text(self, sheet: str) -> bool:
        return sheet not in self._new and self.reader.may_hold_long_text(sheet)

    def merged(self, sheet: str) -> list[tuple[int, int, int, int]]:
        self._check(sheet)
        return [] if sheet in self._new else self.reader.merged(sheet)

    # ------------------------------------------------------------------ writing (recorded, applied by save)

    def write(self, sheet: str, row: int, col: int, values: Sequence[Sequence[Any]]) -> None:
        self._check(sheet)
        if values:
            width = max((len(line) for line in values), default=0)
            self._writes.setdefault(sheet, []).append(Write(row, col, values, len(values), width))

    def clear(self, sheet: str, row: int, col: int, nrows: int, ncols: int) -> None:
        self._check(sheet)
        if nrows > 0 and ncols > 0:
            self._writes.setdefault(sheet, []).append(Write(row, col, None, nrows, ncols))

    def moved_rows(self, sheet: str, first_row: int, sources: Sequence[int | None]) -> None:
        """The next block written at `first_row` is made of old rows: row first_row + i comes from row
        sources[i] (None: a new row). Such a row keeps its own XML (attributes, styles, rich text, shared
        strings) where its written values are the ones it holds; only the cells that change are rebuilt."""
        self._check(sheet)
        self._moves[sheet] = {first_row + i: s for i, s in enumerate(sources)}

    def set_row_heights(self, sheet: str, first_row: int, heights: Heights) -> int:
        """Printed heights from `first_row` down (None: the default), applied when the sheet is written for
        another reason: heights alone are not a change (a file nothing else changed stays as it is), and a
        function giving them is only called then. Returns the rows given a height (0 for a function: not known
        yet; the old heights are not read)."""
        self._check(sheet)
        self._heights.setdefault(sheet, []).append((first_row, heights))
        return 0 if callable(heights) else sum(1 for h in heights if h is not None)

    def _heights_of(self, sheet: str) -> dict[int, float | None]:
        out: dict[int, float | None] = {}
        for first_row, heights in self._heights.get(sheet, []):
            out.update((first_row + i, h) for i, h in enumerate(heights() if callable(heights) else heights))
        return out

    def ensure_sheet(self, sheet: str) -> bool:
        if sheet in self._names or sheet in self._new:
            return False
        self._new.append(sheet)
        return True

    @property
    def changed(self) -> bool:
        return bool(self._writes or self._new)

    def save(self, target: str | Path | None = None, keep_backup: bool = True) -> Path | None:
        """Save atomically (to `target`, default the file it came from); returns the backup's path. Refused
        (WorkbookError, nothing written) when a written sheet holds an object that would not follow its rows."""
        def save(tmp: Path) -> None:
            if not self.changed:
                shutil.copyfile(self.path, tmp)
                return
            with paused_gc():
                self._write_package(tmp)

        backup, self.stamp = save_book(self.path, self.stamp, target, save, keep_backup)
        return backup

    def _write_package(self, tmp: Path) -> None:
        formulas = any(isinstance(v, Formula) for ws in self._writes.values() for w in ws if w.values is not None
                       for line in w.values for v in line)
        with zipfile.ZipFile(self.path) as zin, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
            new_parts = self._new_parts(zin)
            drop_chain = formulas and CALC_CHAIN in zin.NameToInfo
            edits = self._package_edits(zin, new_parts, formulas, drop_chain)
            targets = {self._parts[s]: s for s in self._writes if s in self._parts}
            dropped = 0
            deferred = []
            growth: dict[str, tuple[int, int]] = {}
            workbook = edits.get(WORKBOOK) or zin.read(WORKBOOK)
            names_follow = b"<definedName" in workbook and any(
                s.encode() in workbook for s in targets.values())
            # comments, notes and drawings of a rewritten sheet are written after it: they follow its moved rows
            follows_rows = {rel["target"] for part in targets for rel in package.relationships(zin, part)
                            if rel.get("target") and rel.get("Type", "").rsplit("/", 1)[-1] in _FOLLOWING}
            moved_objects: dict[str, bytes] = {}
            for info in zin.infolist():
                name = info.filename
                if name == CALC_CHAIN and drop_chain:
                    continue
                if name in targets:
                    outcome, followed = self._rewrite_sheet(zin, zout, info, targets[name])
                    moved_objects.update(followed)
                    dropped += outcome.shared_strings_dropped
                    if outcome.first_changed is not None and outcome.new_last > outcome.old_last:
                        growth[targets[name]] = (outcome.old_last, outcome.new_last - outcome.old_last)
                elif name == SHARED_STRINGS or (name == WORKBOOK and names_follow) or name in follows_rows:
                    deferred.append(info)  # its count / its defined names / its comments follow the rewrites
                elif name in edits:
                    zout.writestr(_like(info), edits[name])
                else:
                    _copy(zin, zout, info)
            for info in deferred:
                if info.filename in follows_rows:
                    zout.writestr(_like(info), moved_objects.get(info.filename) or zin.read(info))
                elif info.filename == WORKBOOK:
                    for sheet, (old_last, grown) in growth.items():
                        workbook = package.grow_defined_names(workbook, sheet, old_last, grown)
                    zout.writestr(_like(info), workbook)
                else:
                    zout.writestr(_like(info), package.fewer_shared_strings(zin.read(info), dropped))
            for sheet, part in new_parts.items():
                info = zipfile.ZipInfo(part, date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                stream = SheetStream(_BytesReader(_EMPTY_SHEET), sheet)
                self._stream(zout, info, stream, sheet, None, None, {})

    def _new_parts(self, zin: zipfile.ZipFile) -> dict[str, str]:
        out = {}
        n = 1
        for sheet in self._new:
            while f"xl/worksheets/sheet{n}.xml" in zin.NameToInfo:
                n += 1
            out[sheet] = f"xl/worksheets/sheet{n}.xml"
            n += 1
        return out

    def _package_edits(self, zin: zipfile.ZipFile, new_parts: dict[str, str], formulas: bool,
                       drop_chain: bool) -> dict[str, bytes]:
        edits: dict[str, bytes] = {}
        workbook = zin.read(WORKBOOK)
        rels = zin.read(WORKBOOK_RELS)
        types = zin.read(CONTENT_TYPES)
        changed = set()
        if formulas:
            new = package.with_full_calc(workbook)
            if new != workbook:
                workbook = new
                changed.add(WORKBOOK)
        if drop_chain:
            rels = package.without_relationship(rels, "calcChain.xml")
            types = package.without_override(types, CALC_CHAIN)
            changed |= {WORKBOOK_RELS, CONTENT_TYPES}
        if new_parts:
            ids = {int(m) for m in re.findall(rb'Id="rId([0-9]+)"', rels)}
            sheet_id = max([int(m) for m in _SHEET_ID.findall(workbook)] + [0])
            for sheet, part in new_parts.items():
                rid = f"rId{max(ids | {0}) + 1}"
                ids.add(int(rid[3:]))
                sheet_id += 1
                rels = package.with_relationship(rels, rid, package.WORKSHEET_TYPE, part[len("xl/"):])
                types = package.with_override(types, part, package.WORKSHEET_CT)
                workbook = package.with_sheet(workbook, sheet, sheet_id, rid)
            changed |= {WORKBOOK, WORKBOOK_RELS, CONTENT_TYPES}
        for name, data in ((WORKBOOK, workbook), (WORKBOOK_RELS, rels), (CONTENT_TYPES, types)):
            if name in changed:
                edits[name] = data
        return edits

    def _rewrite_sheet(self, zin: zipfile.ZipFile, zout: zipfile.ZipFile, info: zipfile.ZipInfo, sheet: str):
        moves = self._moves.get(sheet)
        preload = _rows_of(zin, info, sheet, {s for s in moves.values() if s is not None}) if moves else {}
        with MemberReader(zin, info) as fh:
            stream = SheetStream(fh, sheet)
            outcome = self._stream(zout, _like(info), stream, sheet, self._blocks.get(sheet), moves, preload)
        objects = list(outcome.objects)
        followed: dict[str, bytes] = {}
        if outcome.first_changed is not None:
            followed, refused = package.follow_rows(zin, info.filename, outcome.where)
            objects += refused
        if objects:
            shown = ", ".join(objects[:5]) + (f", dan {len(objects) - 5} lainnya" if len(objects) > 5 else "")
            raise WorkbookError(
                f"sheet '{sheet}' memuat {shown} di baris yang diubah Renja XL (mulai baris {outcome.first_changed}); "
                "objek itu tidak dapat dipindahkan bersama barisnya dengan aman, jadi berkas tidak diubah. "
                "Pindahkan objek itu ke atas tabel atau ke sheet lain, lalu ulangi.")
        return outcome, followed

    def _stream(self, zout, info, stream, sheet, block, moves, preload):
        # deflate level 3: a 75 MB sheet compresses in 0.6 s of CPU instead of 1.4 s, 17 % larger (measured)
        setattr(info, "compress_level" if hasattr(type(info), "compress_level") else "_compresslevel", 3)
        scan = self._scan(sheet) if sheet not in self._new else formula_scan.SheetFormulas()
        with zout.open(info, "w", force_zip64=True) as fh, _Deflating(fh) as out:
            return rewrite(stream, out.write, self._writes.get(sheet, []), block, scan.cells, scan.shared,
                           self._date1904, moves, preload, self._heights_of(sheet))


_FOLLOWING = ("comments", "vmlDrawing", "drawing")  # related parts whose objects follow the rows recalc moves


def _rows_of(zin: zipfile.ZipFile, info: zipfile.ZipInfo, sheet: str, wanted: set[int]) -> dict[int, bytes]:
    """The XML of these rows of a sheet (the rows a moved block is made of)."""
    out = {}
    with MemberReader(zin, info) as fh:
        for r, row in SheetStream(fh, sheet).rows():
            if r in wanted:
                out[r] = row
    return out


class _Deflating:
    """Hands the pieces of a part to a thread that writes (deflates) them: zlib releases the GIL, so the
    second core compresses while this one builds the XML."""

    def __init__(self, fh):
        import queue
        import threading

        self.fh = fh
        self.queue: queue.Queue = queue.Queue(maxsize=4)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="renja-xl-deflate", daemon=True)

    def _run(self) -> None:
        while (chunk := self.queue.get()) is not None:
            if self.error is None:
                try:
                    self.fh.write(chunk)
                except BaseException as exc:  # noqa: B036 - handed to the writing thread, raised there
                    self.error = exc

    def write(self, chunk: bytes) -> None:
        if self.error is not None:
            raise self.error
        self.queue.put(chunk)

    def __enter__(self) -> "_Deflating":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.queue.put(None)
        self.thread.join()
        if self.error is not None and exc[0] is None:
            raise self.error


class _BytesReader:
    def __init__(self, data: bytes):
        self.data, self.pos = data, 0

    def read(self, n: int) -> bytes:
        out = self.data[self.pos:self.pos + n]
        self.pos += len(out)
        return out


def _like(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    """A new entry with the old one's name, time, method and attributes."""
    new = zipfile.ZipInfo(info.filename, date_time=info.date_time)
    new.compress_type = info.compress_type
    new.external_attr = info.external_attr
    new.create_system = info.create_system
    return new


def _copy(zin: zipfile.ZipFile, zout: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    zout.writestr(_like(info), zin.read(info))


def _put_formulas(rows: Block, cells: dict[tuple[int, int], str], first_row: int, part: bool = False) -> None:
    """Each formula cell of these rows (row first_row and down) as a `Formula` with the cached value read there;
    a cell already made one is left as it is. A part holds only its own rows; the whole block grows as needed
    (a formula cell without a cached value may lie past calamine's last row)."""
    end = first_row + len(rows) if part else None
    for (r, c), text in cells.items():
        if r < first_row or (end is not None and r >= end):
            continue
        i = r - first_row
        while len(rows) <= i:
            rows.append([])
        line = rows[i]
        if len(line) < c:
            line.extend([None] * (c - len(line)))
        elif line[c - 1].__class__ is Formula:
            continue
        line[c - 1] = Formula(text, line[c - 1])
