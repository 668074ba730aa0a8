"""Rewrite one worksheet part: the rows a caller wrote are merged into the stream of the old rows.

Cells nobody wrote, and written cells whose value did not change, keep their XML byte for byte; a written cell
takes the style its position had (else its column's), as the openpyxl engine does. Rows come out ascending,
cells ascending within a row; ranges that reach the table's last row grow with it (conditional formatting,
data validation, autofilter); the dimension follows.
"""
from __future__ import annotations

import re
from functools import partial
from itertools import compress, repeat
from operator import is_not, or_
from decimal import Decimal
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from renja_xl.domain.errors import WorkbookError
from renja_xl.domain.formula import Formula, number_text
from renja_xl.engines.ooxml import cellxml
from renja_xl.engines.ooxml.refs import (MAX_ROW, any_displaced, col_index, col_index_of_bytes, col_letter, destinations,
                                         grow_ranges, parse_range)
from renja_xl.engines.ooxml.sheetxml import SheetStream

_CELL = re.compile(rb"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_CELL_R = re.compile(rb'\sr="([A-Z]{1,3})[0-9]+"')
_CELL_S = re.compile(rb'\ss="([0-9]+)"')
_SPANS = re.compile(rb'\sspans="[^"]*"')
_COL = re.compile(rb"<col\b([^>]*)/?>")
_ATTR = re.compile(rb'([\w:]+)="([^"]*)"')
_DIMENSION = re.compile(rb'(<dimension\s+ref=")([^"]*)(")')
_SQREF = re.compile(rb'(<(?:conditionalFormatting|dataValidation|autoFilter|selection)\b[^>]*?\s(?:sqref|ref)=")([^"]*)(")')
_XM_SQREF = re.compile(rb"(<xm:sqref>)([^<]*)(</xm:sqref>)")
_HYPERLINK = re.compile(rb'(<hyperlink\b[^>]*?\sref=")([^"]*)(")')
_MERGE = re.compile(rb'(<mergeCell\b[^>]*?\sref=")([^"]*)(")')


@dataclass
class Write:
    row: int
    col: int
    values: Sequence[Sequence[Any]] | None  # None: a clear of nrows x ncols
    nrows: int
    ncols: int


@dataclass
class Outcome:
    first_changed: int | None = None
    old_last: int = 0
    new_last: int = 0
    shared_strings_dropped: int = 0
    formulas: bool = False
    objects: list[str] = field(default_factory=list)  # anchored objects in the sheet part, by Indonesian name
    where: Callable[[int], int | None] = lambda row: row  # where an old row's content went (refs.destinations)


def column_styles(head: bytes) -> Callable[[int], str | None]:
    ranges = []
    for m in _COL.finditer(head):
        attrs = dict(_ATTR.findall(m.group(1)))
        style = attrs.get(b"style")
        if style and style != b"0":
            ranges.append((int(attrs.get(b"min", b"0")), int(attrs.get(b"max", b"0")), style.decode()))
    cache: dict[int, str | None] = {}

    def style_of(c: int) -> str | None:
        if c not in cache:
            cache[c] = next((s for a, b, s in ranges if a <= c <= b), None)
        return cache[c]
    return style_of


def _same(old: Any, new: Any) -> bool:
    """Whether a written value is what the cell already holds (so its XML can stay as it is)."""
    if new is None:
        return old is None
    if old is None:
        return False
    if isinstance(new, Formula) or isinstance(old, Formula):
        return isinstance(new, Formula) and isinstance(old, Formula) and new == old
    if isinstance(new, bool) or isinstance(old, bool):
        return type(new) is type(old) and new == old
    if isinstance(new, str) or isinstance(old, str):
        return type(old) is type(new) and old == new
    if old == new:
        return True
    try:
        return number_text(old) == number_text(new)
    except (TypeError, AttributeError):
        return False


def rewrite(stream: SheetStream, out: Callable[[bytes], Any], writes: list[Write],
            old_block: list[list[Any]] | None, formulas: dict[tuple[int, int], str], shared: set[tuple[int, int]],
            date1904: bool, moves: dict[int, int | None] | None = None, preload: dict[int, bytes] | None = None,
            heights: dict[int, float | None] | None = None) -> Outcome:
    """Write the new part through `out` (in pieces of about a megabyte); returns what the package must know.

    `moves`: written row -> the old row it is made of (None: a new row), with `preload` the XML of those old
    rows: such a row starts from its old XML, renumbered, instead of the XML at its new position. `heights`: row
    -> its printed height in points (None: the default height), set on the row whatever its cells."""
    result = Outcome()
    ctx = _Rows(writes, old_block, formulas, shared, column_styles(stream.head), date1904, result)
    ctx.moves, ctx.preload, ctx.heights = moves or {}, preload or {}, heights or {}
    out(_dimension(stream.head, writes) + (b"<sheetData>"))
    buffer = _Buffer(out)
    written = _merge_spans(sorted([(w.row, w.row + w.nrows - 1) for w in writes] + [(r, r) for r in ctx.heights]))
    cursor = _Cursor(written)
    shared_rows = {r for r, _ in shared}
    changed = partial(_changed, result)

    def only_new(limit: int) -> None:
        while cursor.next is not None and cursor.next < limit:
            r = cursor.next
            data = ctx.row(r, None, True)
            if data is not None:
                buffer.add(data)
                result.new_last = r
                changed(r)
            cursor.advance(r + 1)

    for r, row in stream.rows():
        only_new(r)
        has_cells = b"<c" in row
        if has_cells:
            result.old_last = r
        covered = cursor.next == r
        if covered:
            cursor.advance(r + 1)
        if covered or r in shared_rows:
            data = ctx.row(r, row, covered)
            if data != row:
                changed(r)
            if data is None:
                continue
            has_cells = b"<c" in data
            row = data
        buffer.add(row)
        if has_cells:
            result.new_last = r
    only_new(MAX_ROW + 1)
    buffer.flush()
    tail = stream.tail()
    if result.first_changed is not None:
        tail = _grow(tail, result.old_last, result.new_last - result.old_last)
        result.where = destinations(ctx.moves, result.old_last, result.new_last)
        tail = _follow(tail, result.where, result.objects)
    out(b"</sheetData>" + tail)
    return result


def _changed(result: Outcome, r: int) -> None:
    if result.first_changed is None or r < result.first_changed:
        result.first_changed = r


class _Buffer:
    def __init__(self, out: Callable[[bytes], Any]):
        self.out, self.parts, self.size = out, [], 0

    def add(self, data: bytes) -> None:
        self.parts.append(data)
        self.size += len(data)
        if self.size > (1 << 20):
            self.flush()

    def flush(self) -> None:
        if self.parts:
            self.out(b"".join(self.parts))
            self.parts, self.size = [], 0


class _Cursor:
    """The next written row at or after a point, over merged (first, last) spans."""

    def __init__(self, spans: list[tuple[int, int]]):
        self.spans, self.i = spans, 0
        self.next = spans[0][0] if spans else None

    def advance(self, r: int) -> None:
        while self.i < len(self.spans) and self.spans[self.i][1] < r:
            self.i += 1
        self.next = None if self.i >= len(self.spans) else max(r, self.spans[self.i][0])


def _merge_spans(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in spans:
        if out and a <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


class _Rows:
    def __init__(self, writes, old_block, formulas, shared, style_of, date1904, result):
        self.writes, self.old, self.formulas, self.shared = writes, old_block, formulas, shared
        self.style_of, self.date1904, self.result = style_of, date1904, result

    def values(self, r: int, old_line: list[Any] | None) -> dict[int, Any]:
        """Column -> the value written at row r, leaving out each cell given the very object read from the cell
        it is made of (`old_line`; not a Formula): its XML stays as it is."""
        covering = [w for w in self.writes if w.row <= r < w.row + w.nrows]
        if len(covering) == 1 and covering[0].col == 1 and covering[0].values is not None and old_line is not None:
            # the usual case, a whole table written from column A: the cells that changed found in C
            line = covering[0].values[r - covering[0].row]
            n = min(len(line), len(old_line))
            head = line[:n]
            keep = compress(range(n), map(or_, map(is_not, head, old_line[:n]), map(isinstance, head, repeat(Formula))))
            vals = {j + 1: line[j] for j in keep}
            for j in range(n, len(line)):
                vals[j + 1] = line[j]
            return vals
        vals: dict[int, Any] = {}
        for w in covering:
            if w.values is None:
                for c in range(w.col, w.col + w.ncols):
                    vals[c] = None
            else:
                for j, v in enumerate(w.values[r - w.row], w.col):
                    vals[j] = v
        return vals

    def _old_cells(self, row: bytes, start: int) -> tuple[dict[int, bytes], dict[int, str]]:
        """Column -> the cell's XML, column -> its style, of an existing row."""
        cells: dict[int, bytes] = {}
        styles: dict[int, str] = {}
        if row.count(b"<c") == row.count(b'<c r="'):  # every cell starts <c r="..": one C-level regex pass
            found = _CELL_FAST.findall(row, start)
            cols = [col_index_of_bytes(letters) for _, letters, _ in found]
            cells = dict(zip(cols, [whole for whole, _, _ in found]))
            styles = _Styles(zip(cols, [attrs for _, _, attrs in found]))
            return cells, styles
        c = 0
        for m in _CELL.finditer(row, start):
            attrs = m.group(1)
            ref = _CELL_R.search(attrs)
            c = col_index(ref.group(1).decode()) if ref else c + 1
            cells[c] = m.group(0)
            st = _CELL_S.search(attrs)
            if st:
                styles[c] = st.group(1).decode()
        return cells, styles

    def row(self, r: int, row: bytes | None, covered: bool) -> bytes | None:
        """The new XML of row r (None: no row at all)."""
        src = r
        if covered and r in self.moves:
            src = self.moves[r]
            if src is None:
                row = None
            else:
                row = self.preload.get(src)
                if row is not None and src != r:
                    if row.count(b"<c") == row.count(b'<c r="'):
                        number = b'%d"' % r  # every <c r="B12" of the row, found from its literal start
                        row = _CELL_NUMBER.sub(lambda m: m.group(1) + number, row)
                    else:  # a writer that puts r= elsewhere in the tag
                        row = _CELL_ROW.sub(b"\\g<1>%d\"" % r, row)
        old_line = None
        if src is not None and self.old is not None and src <= len(self.old):
            old_line = self.old[src - 1]
        n_old = len(old_line) if old_line is not None else 0
        vals = self.values(r, old_line) if covered else {}
        tag = b'<row r="%d">' % r
        if row is not None:
            gt = row.find(b">")
            self_closing = row[gt - 1] == 47
            tag = _SPANS.sub(b"", row[:gt - 1] if self_closing else row[:gt]) + b">"
            if src != r:
                tag = _ROW_R.sub(b' r="%d"' % r, tag, 1)
            cells, styles = ({}, {}) if self_closing else self._old_cells(row, gt + 1)
        else:
            cells, styles = {}, {}
        if r in self.heights:
            tag = _with_height(tag, self.heights[r])
        result, style_of, date1904 = self.result, self.style_of, self.date1904
        known = self.old is not None
        rs = str(r)
        for c, v in vals.items():
            if v == "" and type(v) is str:
                v = None  # an empty text is an empty cell (openpyxl writes it so, and calamine reads it so)
            old_xml = cells.get(c)
            if old_xml is not None and known:
                old_v = old_line[c - 1] if c <= n_old else None
                if old_v is v and type(v) is not Formula:
                    continue  # the very value read from this cell: its XML stays
                t = type(v)
                if t is not Formula:
                    if type(old_v) is t:
                        if old_v == v:
                            continue
                    elif t in _NUMBERS and type(old_v) in _NUMBERS and _same(old_v, v):
                        continue
                elif _same(old_v, v):
                    continue
            elif v is None:
                continue
            if old_xml is not None:
                if b't="s"' in old_xml:
                    result.shared_strings_dropped += 1
                if b't="array"' in old_xml:
                    raise WorkbookError(
                        f"sel {col_letter(c)}{r} berisi rumus larik (array formula) yang akan ditimpa; Renja XL "
                        "tidak menulis di atasnya. Hapus rumus itu di Excel, lalu ulangi.")
            style = styles.get(c) or style_of(c)
            ref = _LETTERS[c] if c < len(_LETTERS) else col_letter(c)
            t = type(v)
            if v is None:
                if style:
                    cells[c] = f'<c r="{ref}{rs}" s="{style}"/>'.encode()
                else:
                    del cells[c]
                continue
            if t is float and v.is_integer() and -1e15 < v < 1e15:
                sattr = f' s="{style}"' if style else ""
                cells[c] = f'<c r="{ref}{rs}"{sattr}><v>{int(v)}</v></c>'.encode()
            else:  # plain texts and ints take cellxml.cell's own first test
                if t is Formula:
                    result.formulas = True
                cells[c] = cellxml.cell(ref + rs, v, style, date1904).encode()
        if self.shared:
            for c in list(cells):
                if b't="shared"' in cells[c]:
                    text = self.formulas.get((src, c)) if src is not None else None
                    if text is None:
                        continue
                    cached = old_line[c - 1] if old_line is not None and c <= n_old else None
                    cached = cached.value if isinstance(cached, Formula) else cached
                    cells[c] = cellxml.cell(f"{col_letter(c)}{r}", Formula(text, cached), styles.get(c),
                                            date1904).encode()
        if not cells:
            if row is None or tag == b'<row r="%d">' % r:
                return None
            return tag[:-1] + b"/>"
        order = sorted(cells) if len(cells) > 1 else list(cells)
        return tag + b"".join([cells[c] for c in order]) + b"</row>"


_ROW_R = re.compile(rb'\sr="[0-9]+"')
_ROW_HEIGHT = re.compile(rb'\s(?:ht|customHeight)="[^"]*"')


def _with_height(tag: bytes, height: float | None) -> bytes:
    """A row's start tag with this height (customHeight, as openpyxl and Excel write a set height), or none."""
    tag = _ROW_HEIGHT.sub(b"", tag)
    if height is None:
        return tag
    return tag[:-1] + f' ht="{number_text(height)}" customHeight="1">'.encode()
_CELL_ROW = re.compile(rb'(<c\b[^>]*?\sr="[A-Z]{1,3})[0-9]+"')
# the row number of a cell reference (<c r="B12"): a pattern with a literal start is searched 4x faster than
# lookbehinds tried at every byte (which would allow a literal replacement), even with a call per match
_CELL_NUMBER = re.compile(rb'(<c r="[A-Z]{1,3})[0-9]+"')
_CELL_FAST = re.compile(rb'(<c r="([A-Z]{1,3})[0-9]+"([^>]*?)(?:/>|>.*?</c>))', re.S)
class _Styles(dict):
    """Column -> a cell's attributes; `get` gives its style, parsed only for the cells that are rewritten."""

    def get(self, c: int, default: str | None = None) -> str | None:  # type: ignore[override]
        attrs = dict.get(self, c)
        if not attrs:
            return default
        if attrs.startswith(b' s="'):
            return attrs[4:attrs.find(b'"', 4)].decode() or default
        found = _CELL_S.search(attrs)
        return found.group(1).decode() if found else default


_NUMBERS = frozenset((int, float, Decimal))
_LETTERS = [col_letter(i) if i else "" for i in range(703)]  # A..ZZ


def _dimension(head: bytes, writes: list[Write]) -> bytes:
    """The used range grows to the written cells (it may stay larger after a clear: that is allowed)."""
    m = _DIMENSION.search(head)
    if m is None:
        return head
    rng = parse_range(m.group(2).decode())
    r1, c1, r2, c2 = rng if rng else (1, 1, 1, 1)
    for w in writes:
        if w.values is None:
            continue
        for i in range(len(w.values) - 1, -1, -1):
            line = w.values[i]
            if any(v is not None for v in line):
                r2 = max(r2, w.row + i)
                break
        width = max((len(line) for line in w.values), default=0)
        if width:
            c2 = max(c2, w.col + width - 1)
        r1, c1 = min(r1, w.row), min(c1, w.col)
    ref = f"{col_letter(c1)}{r1}:{col_letter(c2)}{r2}".encode()
    return head[:m.start(2)] + ref + head[m.end(2):]


def _grow(tail: bytes, old_last: int, growth: int) -> bytes:
    if growth <= 0:
        return tail

    def sub(m: re.Match) -> bytes:
        return m.group(1) + grow_ranges(m.group(2).decode(), old_last, growth).encode() + m.group(3)
    tail = _SQREF.sub(sub, tail)
    return _XM_SQREF.sub(sub, tail)


def _follow(tail: bytes, where: Callable[[int], int | None], objects: list[str]) -> bytes:
    """Hyperlinks and merged ranges on rows whose content moved go with them when every row of the range
    moved by the same step (as Excel's cut and insert does); any other is named in `objects` (refused)."""
    for pattern, what in ((_HYPERLINK, "tautan (hyperlink)"), (_MERGE, "sel tergabung (merge)")):
        def ref(m: re.Match) -> bytes:
            text = m.group(2).decode()
            rng = parse_range(text)
            if rng is None or not any_displaced(where, rng[0], rng[2]):
                return m.group(0)
            steps = {(where(x) or 0) - x for x in range(rng[0], min(rng[2], MAX_ROW) + 1)}
            if len(steps) != 1 or where(rng[0]) is None:
                objects.append(f"{what} {text}")
                return m.group(0)
            step = steps.pop()
            moved = f"{col_letter(rng[1])}{rng[0] + step}" + (
                f":{col_letter(rng[3])}{rng[2] + step}" if ":" in text else "")
            return m.group(1) + moved.encode() + m.group(3)
        tail = pattern.sub(ref, tail)
    return tail
