"""Read-only Grid over a file through python-calamine: the fast path for validation and chapters.

calamine returns cached values (not formulas), every number as float, and ''
for an empty cell; empty cells are normalised to None here.
"""
from __future__ import annotations

import re
import threading
import zipfile
import zlib
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable, Sequence

from renja_xl.domain.errors import WorkbookError
from renja_xl.engines import calamine_halves
from renja_xl.workbook.grid import Block
from renja_xl.fileio.files import check_extent, check_workbook_file
from renja_xl.fileio.sheet_extent import sheet_extent, sheet_parts as _sheet_parts
from renja_xl.fileio.zip_members import check_members, inflated

# A sub kegiatan code as the text of a cell in a sheet's XML or a shared string: `<t>5.03.01.1.01.0001</t>`
# (a code has no spaces, so no writer adds xml:space; the literal `<t>` lets the search skip ahead quickly).
SUB_KEGIATAN_IN_XML = re.compile(
    rb"<t>([0-9X]\.(?:[0-9]{2}|XX)\.[0-9]{2}\.[0-9]\.[0-9]{2}\.(?:[0-9]{2}|[0-9]{4}))</t>")
# Sheet XML (uncompressed bytes) below which prefetch reads nothing ahead: ~4,000 Tabel 6 rows
SMALL_BOOK = 4 << 20
# (pattern, callback): texts a caller wants handed over while the sheets are scanned (see CalamineBook.prefetch)
TextHook = tuple[re.Pattern[bytes], Callable[[str], Any]]


class CalamineBook:
    def __init__(self, path: str | Path):
        from python_calamine import CalamineWorkbook

        self.path = Path(path)
        check_workbook_file(self.path)
        try:
            with zipfile.ZipFile(self.path) as zf:
                parts = _sheet_parts(zf)  # sheet name -> its XML in the zip
                # what calamine inflates on opening (the sheets are measured before each is read)
                check_members(zf, skip=parts.values())
        except (KeyError, OSError, zipfile.BadZipFile, zlib.error):
            parts = {}
        try:
            self.wb = CalamineWorkbook.from_path(str(self.path))
        except Exception as exc:  # calamine raises its own error types for damaged files
            raise WorkbookError(f"berkas '{self.path.name}' tidak dapat dibaca ({exc}).") from exc
        self._names = list(self.wb.sheet_names)
        self._parts = parts
        self._sheets: dict = {}  # calamine parses a whole sheet on every get_sheet_by_name: once is enough
        # the merged ranges of a sheet read ahead, kept instead of its calamine sheet, which holds every cell of
        # the sheet's rectangle (~100 MB at 100k Tabel 6 rows) long after its rows are made
        self._merged: dict[str, list] = {}
        self._pending: dict[str, Future] = {}  # sheets being parsed in the background (prefetch)
        # the upper rows of a sheet parsed in halves, as soon as they are ready (None: no early part), for
        # read_in_parts
        self._upper: dict[str, Future] = {}
        self._measured: threading.Event | None = None  # set once prefetch's largest sheet is measured
        self._scanned: set[str] = set()  # sheets whose XML the prefetch scan reads whole
        self._long_runs: set[str] = set()  # what it found may hold a text over 32,767 characters
        self._errors: dict[str, list[tuple[int, int, str]]] = {}  # error cells of the sheets in _errors_known
        self._errors_known: set[str] = set()
        self._extent_checked: set[str] = set()
        self._irregular: set[str] = set()  # sheets whose cells sheet_extent had to count one by one
        self._sizes: dict[str, int] = {}  # sheet -> its XML's uncompressed size (prefetch)
        self._local = threading.local()
        self._wb_lock = threading.Lock()  # self.wb is used by one thread at a time ("Already borrowed")

    def sheet_names(self) -> list[str]:
        return list(self._names)

    reads_formulas = False  # calamine returns the values last computed

    def prefetch(self, sheets: Sequence[str], codes: Callable[[str], Any] | None = None) -> None:
        """Start reading these sheets on background threads (a small workbook: read when asked for, see below).

        calamine releases the GIL while it parses a sheet (the bulk of a read), and zlib while it inflates the
        XML scanned for error cells, so the second core works while the caller waits or works on what has
        arrived. A CalamineWorkbook is not used by two threads at once ("Already borrowed"): the largest sheet
        is parsed with the one already open (opening parses the shared strings again), the others with a
        handle of their thread's own.

        `codes`: the scan also hands every sub kegiatan code text of these sheets (and of the shared strings) to
        this callback, so that the caller's work on those values starts while calamine is still parsing (the
        reader builds its codes there).
        """
        texts = (SUB_KEGIATAN_IN_XML, codes) if codes is not None else None
        todo = [s for s in sheets if s in self._names and s not in self._pending and s not in self._sheets]
        if not todo:
            return
        try:
            with zipfile.ZipFile(self.path) as zf:
                sizes = {name: zf.getinfo(part).file_size for name, part in self._parts.items()
                         if part in zf.NameToInfo}
        except (KeyError, OSError, zipfile.BadZipFile):
            sizes = {}
        self._sizes = sizes
        if sum(sizes.get(name, 0) for name in todo) < SMALL_BOOK:
            # a small workbook (what a rekap reads by the thousand): threads and a second calamine handle cost
            # more than they save, so the sheets are read when asked for; their error cells found in one pass now
            texts = (SUB_KEGIATAN_IN_XML, codes) if codes is not None else None
            if texts is not None:  # the scan then reads every part whole: long texts are known too
                self._scanned.update(todo)
            self._errors.update(_error_cells(self.path, todo, texts, self._long_runs if texts else None,
                                             parts=self._parts))
            self._errors_known.update(todo)
            self._check_extents(todo)
            return
        todo.sort(key=lambda name: -sizes.get(name, 0))
        # Two threads, no more busy ones than cores (a third slowed the largest sheet by ~5 %): one scans for
        # error cells and then parses the smaller sheets, the other parses the largest sheet from the start.
        pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="renja-xl-calamine")
        # The scan waits until the largest sheet's extent is measured (Python-level searches that hold the GIL
        # on that sheet's critical path); it then runs while calamine parses, which releases the GIL.
        measured = self._measured = threading.Event()
        if texts is not None:  # the scan then reads every part whole, the shared strings too
            self._scanned.update(todo)
        errors = pool.submit(_error_cells, self.path, todo, texts, self._long_runs if texts else None, measured)
        for i, name in enumerate(todo):
            upper = self._upper[name] = Future() if i == 0 else None
            self._pending[name] = pool.submit(self._read_in_thread, name, errors, measured if i == 0 else None,
                                              upper)
        pool.shutdown(wait=False)

    def wait_until_measured(self) -> None:
        """Return once the largest sheet read ahead has had its extent measured (Python-level searches holding
        the GIL on the read's critical path: the parsing of both halves waits for them), at once when nothing is
        read ahead. Another scan of the same XML, by a caller, runs after it rather than beside it."""
        if self._measured is not None:
            self._measured.wait()

    def reading_ahead(self) -> bool:
        """Whether prefetch left sheets being read on background threads (a small workbook is read when asked)."""
        return bool(self._pending)

    def _read_in_thread(self, sheet: str, errors: Future, measured: threading.Event | None,
                        upper: Future | None = None):
        from python_calamine import CalamineWorkbook

        if measured is not None:  # the largest sheet, with the handle already open
            try:
                halves = self._read_in_halves(sheet, measured, errors, upper)
                if halves is not None:
                    handed = upper.result() if upper is not None and upper.done() else None
                    done = len(handed) if handed is not None else 0  # rows whose error cells are in place
                    _apply_errors(halves[1], [c for c in errors.result().get(sheet, []) if c[0] > done])
                    return halves
                with self._wb_lock:
                    ws = self._parse(self.wb, sheet, measured)
            finally:
                measured.set()
                if upper is not None and not upper.done():
                    upper.set_result(None)  # no early part: read_in_parts waits for the whole sheet
        else:
            wb = getattr(self._local, "wb", None)
            if wb is None:
                wb = self._local.wb = CalamineWorkbook.from_path(str(self.path))
            ws = self._parse(wb, sheet)
        block = self._block(ws, sheet)
        _apply_errors(block, errors.result().get(sheet, []))
        return ws, block

    def may_hold_long_text(self, sheet: str) -> bool:
        """False when the scan of this sheet's XML (and the shared strings) found no run of text long enough for
        a cell over Excel's 32,767 characters, so the reader need not look at every cell (read it first)."""
        return sheet not in self._scanned or bool(self._long_runs & {sheet, _SHARED_STRINGS, "*"})

    def read_in_parts(self, sheet: str, on_part: Callable[[int, Block], object]) -> Block:
        """read(sheet), handing its upper half to `on_part` while the lower is still parsed, for a sheet parsed
        in halves (the grid's ReadsInParts); any other sheet in one part."""
        upper = self._upper.pop(sheet, None)
        rows = upper.result() if upper is not None else None
        if rows is None:
            block = self.read(sheet)
            on_part(1, block)
            return block
        n = len(rows)
        on_part(1, rows)
        block = self.read(sheet)
        on_part(n + 1, block[n:])
        return block

    def read(self, sheet: str) -> Block:
        if sheet not in self._names:
            raise WorkbookError(f"sheet '{sheet}' tidak ada di buku kerja '{self.path.name}'.")
        pending = self._pending.pop(sheet, None)
        if pending is not None:
            ws, block = pending.result()
            self._merged.setdefault(sheet, list(getattr(ws, "merged_cell_ranges", None) or []))
            return block
        block = self._block(self._sheet(sheet), sheet)
        if sheet in self._errors_known:
            _apply_errors(block, self._errors.get(sheet, []))
        else:
            _restore_errors(self.path, sheet, block)
        return block

    def _block(self, ws, sheet: str) -> Block:
        try:
            return _rows(ws)
        except BaseException as exc:  # noqa: B036 - a Rust panic is a BaseException; nothing else is caught
            if not _is_panic(exc):
                raise
            # calamine panics on some values it cannot convert (a date-formatted cell holding -1E+300):
            # openpyxl reads that sheet instead and shows such a cell as the error value #VALUE!
            return _read_with_openpyxl(self.path, sheet)

    def _read_in_halves(self, sheet: str, measured: threading.Event, errors: Future,
                        upper: Future | None) -> tuple[Any, Block] | None:
        """(sheet, block) of a large honest sheet parsed in two halves on two cores (calamine_halves), or None:
        then it is parsed whole, by the usual path (which also reports what went wrong, if anything did). The
        halves are written while the sheet's extent is measured, from the same inflated pieces, and the first is
        parsed as soon as it is complete and measured, while the second is still being measured. The first
        half's rows, their error cells in place, are handed to `upper` as soon as they are ready."""
        from python_calamine import CalamineError

        size = self._sizes.get(sheet, 0)
        if not calamine_halves.SPLIT_SIZE <= size <= calamine_halves.SPLIT_MAX:
            return None
        try:
            with zipfile.ZipFile(self.path) as zf:
                halves = calamine_halves.Halves(zf, size)
        except (KeyError, OSError, zipfile.BadZipFile, zlib.error):
            return None

        def sink(piece: bytes, extent: tuple[int, int, bool]) -> None:
            rows, cols, irregular = extent
            if halves.write(piece) and not irregular:  # the first half is complete, and measured honest
                try:
                    check_extent(sheet, rows, cols, self.path, False)  # what calamine will hold of it is bounded
                except WorkbookError:
                    return  # not parsed; the measure of the whole sheet, at its end, tells the user how far it goes
                halves.start_first(_rows)

        def hand_over(block: Block) -> None:  # on the first half's thread
            if upper is not None:
                _apply_errors(block, [c for c in errors.result().get(sheet, []) if c[0] <= len(block)])
                upper.set_result(list(block))  # a copy: the joining below extends the first half's list

        halves.on_first = hand_over
        try:
            try:
                self._check_extents([sheet], sink=sink)
            finally:  # also when the sheet is refused: the scan, which the first half may wait for, waits for this
                measured.set()
            if sheet in self._irregular or sheet not in self._extent_checked:
                return None
            return halves.parse(_rows)
        except (OSError, CalamineError):  # a half calamine refuses: the whole sheet is read, and its problem told
            return None
        except BaseException as exc:  # noqa: B036 - a Rust panic: the whole sheet's reading falls back as usual
            if _is_panic(exc):
                return None
            raise
        finally:
            halves.discard()

    def _sheet(self, sheet: str):
        ws = self._sheets.get(sheet)
        if ws is None and sheet in self._pending:
            ws = self._sheets[sheet] = self._pending[sheet].result()[0]
        if ws is None:
            with self._wb_lock:
                ws = self._sheets[sheet] = self._parse(self.wb, sheet)
        return ws

    def _parse(self, wb, sheet: str, measured: threading.Event | None = None):
        from python_calamine import CalamineError

        self._check_extents([sheet])
        if measured is not None:
            measured.set()
        try:
            return wb.get_sheet_by_name(sheet)
        except CalamineError as exc:  # a damaged sheet: its XML cut short, a broken zip member
            raise WorkbookError(
                f"sheet '{sheet}' di berkas '{self.path.name}' rusak dan tidak dapat dibaca ({exc}). Buka berkas di "
                "Excel dan simpan ulang, atau pakai salinannya di folder cadangan/."
            ) from exc

    def _check_extents(self, sheets: Sequence[str],
                       sink: Callable[[bytes, tuple[int, int, bool]], object] | None = None) -> None:
        """Each sheet's extent bounded before calamine allocates it: its <dimension>, and (that may be missing,
        stale or late) its cells themselves. A damaged member is left for calamine's reading to report. The zip
        is opened once for all of them (a rekap reads thousands of small files). `sink` is handed the XML of
        the (one) sheet measured, piece by piece."""
        todo = [(sheet, self._parts[sheet]) for sheet in sheets
                if sheet not in self._extent_checked and self._parts.get(sheet)]
        if not todo:
            return
        try:
            with zipfile.ZipFile(self.path) as zf:
                for sheet, part in todo:
                    try:
                        extent = _dimension(zf, part)
                        if extent:
                            check_extent(sheet, *extent, self.path)
                        rows, cols, exact = sheet_extent(zf, part, f"sheet '{sheet}' di berkas '{self.path.name}'",
                                                         sink)
                    except (KeyError, OSError, zipfile.BadZipFile, zlib.error, EOFError):
                        continue
                    check_extent(sheet, rows, cols, self.path, exact)
                    self._extent_checked.add(sheet)
                    if exact:
                        self._irregular.add(sheet)
        except (OSError, zipfile.BadZipFile):
            return

    # Read-only: the writes of the Grid protocol refuse with a plain message.
    def write(self, sheet: str, row: int, col: int, values: Sequence[Sequence[Any]]) -> None:
        raise _read_only()

    def clear(self, sheet: str, row: int, col: int, nrows: int, ncols: int) -> None:
        raise _read_only()

    def ensure_sheet(self, sheet: str) -> bool:
        if sheet in self._names:
            return False
        raise _read_only()

    def merged(self, sheet: str) -> list[tuple[int, int, int, int]]:
        ranges = self._merged.get(sheet)
        if ranges is None:
            ranges = getattr(self._sheet(sheet), "merged_cell_ranges", None) or []
        return [(a[0] + 1, a[1] + 1, b[0] + 1, b[1] + 1) for a, b in ranges]


# An error cell and its content up to its own </c>: the content never holds another <c, so the search for the
# end stops there (a self-closing `<c t="e"/>` has no content; `(.*?)</c>` ran to the next cell's end instead,
# quadratic in a sheet of such cells).
_ERROR_CELL = re.compile(
    rb'<(?:\w+:)?c r="([A-Z]+)([0-9]+)"[^>]*?\st="e"[^>]*?(?:/>|>((?:[^<]|<(?!/?(?:\w+:)?c[\s/>]))*)</(?:\w+:)?c>)')
_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")


def _rows(ws, skip_empty_area: bool = False) -> Block:
    """A calamine sheet's cells as rows, '' (how calamine shows an empty cell) made None."""
    block = ws.to_python(skip_empty_area=skip_empty_area)
    # One comprehension per row: most rows of a wide table hold many blanks, and finding each by list.index (a
    # call per blank) took 2.5x as long at 100k rows x 32 columns
    for i, row in enumerate(block):
        if "" in row:
            block[i] = [None if v == "" else v for v in row]
    return block


def _is_panic(exc: BaseException) -> bool:
    return type(exc).__name__ == "PanicException"


def _read_only() -> WorkbookError:
    return WorkbookError("pembaca cepat (calamine) hanya membaca; gunakan mesin openpyxl untuk menulis.")


def _restore_errors(path: Path, sheet: str, block: Block) -> None:
    """Put error values (#REF!, #VALUE!, ...) back: python-calamine returns them as '' (python-calamine issue
    #105), which would make a broken cell look empty."""
    _apply_errors(block, _error_cells(path, [sheet]).get(sheet, []))


def _read_with_openpyxl(path: Path, sheet: str) -> Block:
    """The cached values of one sheet through openpyxl (read-only): the fallback when calamine cannot."""
    import warnings

    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Cell C4 is marked as a date but ... will be treated as an error"
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            return [list(row) for row in wb[sheet].iter_rows(values_only=True)]
        finally:
            wb.close()


def _error_cells(path: Path, sheets: Sequence[str], texts: TextHook | None = None,
                 long_runs: set[str] | None = None, after: threading.Event | None = None,
                 parts: dict[str, str] | None = None) -> dict[str, list[tuple[int, int, str]]]:
    """(row, column, error text) of every error cell of these sheets; a sheet's XML is only scanned for `t="e"`
    (and, with `texts`, for the texts the caller wants handed over, see prefetch). `long_runs` receives the
    sheets (and the shared strings' part name) whose XML may hold a text over 32,767 characters; `after`: start
    once it is set."""
    out: dict[str, list[tuple[int, int, str]]] = {}
    if after is not None:
        after.wait()
    try:
        with zipfile.ZipFile(path) as zf:
            parts = parts or _sheet_parts(zf)
            if texts and _SHARED_STRINGS in zf.NameToInfo:
                _scan(zf, _SHARED_STRINGS, texts, long_runs, _SHARED_STRINGS)
            for sheet in sheets:
                part = parts.get(sheet)
                if not part or not _scan(zf, part, texts, long_runs, sheet):
                    continue
                data = b"".join(inflated(zf, zf.getinfo(part)))
                cells = out[sheet] = []
                for m in _ERROR_CELL.finditer(data):
                    value = _VALUE.search(m.group(3) or b"")
                    if value is None:
                        continue
                    col = 0
                    for ch in m.group(1).decode():
                        col = col * 26 + ord(ch) - 64
                    cells.append((int(m.group(2)), col, value.group(1).decode("utf-8", "replace")))
    except (KeyError, OSError, zipfile.BadZipFile, zlib.error):
        if long_runs is not None:
            long_runs.add("*")  # not scanned to the end: any sheet may hold one
        # a damaged member: calamine's own reading of it reports the damage
    return out


_SHARED_STRINGS = "xl/sharedStrings.xml"

_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="\$?([A-Z]{1,3})\$?([0-9]{1,7})(?::\$?([A-Z]{1,3})\$?([0-9]{1,7}))?"')


def _dimension(zf: zipfile.ZipFile, part: str) -> tuple[int, int] | None:
    """(last row, last column) of a sheet's used range as its <dimension> states it, read from the first
    kilobytes of its XML: calamine allocates the whole range from A1 before it hands over a single cell."""
    try:
        with zf.open(part) as fh:
            head = fh.read(4096)
    except (KeyError, OSError, zipfile.BadZipFile, zlib.error):
        return None
    m = _DIMENSION.search(head)
    if m is None:
        return None
    letters, row = (m.group(3), m.group(4)) if m.group(3) else (m.group(1), m.group(2))
    col = 0
    for ch in letters.decode():
        col = col * 26 + ord(ch) - 64
    return int(row), col


# A text over 32,767 characters is a run of at least that many bytes without '<' in the XML. Every such run holds
# (within one piece read, even when a piece's edge cuts it) a whole aligned window of this many bytes without
# '<': a test of ~30 `find` calls per piece, each stopping at the next tag. (A text split into rich-text runs
# of less than 16 KB each is not seen.)
_LONG_WINDOW = 8192


def _long_run(chunk: bytes) -> bool:
    find = chunk.find
    return any(find(b"<", p, p + _LONG_WINDOW) == -1 for p in range(0, len(chunk) - _LONG_WINDOW + 1, _LONG_WINDOW))


def _scan(zf: zipfile.ZipFile, part: str, texts: TextHook | None = None, long_runs: set[str] | None = None,
          name: str = "") -> bool:
    """Whether a part's XML holds `t="e"` (an error cell), read in pieces that stay in the processor's cache
    (the XML of a 100k-row sheet is 74 MB, inflated while calamine inflates it too on the other core).
    With `texts`, every matching text is handed to its callback on the way (one split at a piece's edge is
    missed: the hook only gets work done early, it is not the reading)."""
    marker = b't="e"'
    found = False
    tail = b""
    for chunk in inflated(zf, zf.getinfo(part), 1 << 18):
        if long_runs is not None and name not in long_runs and _long_run(chunk):
            long_runs.add(name)
        if not found and (marker in tail + chunk[:8] or marker in chunk):
            found = True
            if texts is None:
                break
        tail = chunk[-8:]
        if texts is not None:
            pattern, callback = texts
            for m in pattern.finditer(chunk):
                callback(m.group(1).decode("utf-8", "replace"))
    return found


def _apply_errors(block: Block, cells: list[tuple[int, int, str]]) -> None:
    for row, col, value in cells:
        while len(block) < row:
            block.append([])
        line = block[row - 1]
        line.extend([None] * (col - len(line)))
        line[col - 1] = value
