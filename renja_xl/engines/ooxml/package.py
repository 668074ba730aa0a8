"""The package around the sheets: relationships, content types, workbook.xml, shared strings, and the objects
of other parts anchored to a sheet's rows (comments, drawings, VML notes and controls, tables), which follow
the rows recalc moves or are refused by name."""
from __future__ import annotations

import posixpath
import re
import zipfile
from html import escape as html_escape
from typing import Callable

from renja_xl.engines.ooxml.refs import any_displaced, parse_range

REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WORKSHEET_TYPE = REL_NS + "/worksheet"
WORKSHEET_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_REL = re.compile(rb"<(?:\w+:)?Relationship\b([^>]*?)/?>")
_ATTR = re.compile(rb'([\w:]+)="([^"]*)"')
_CALC_PR = re.compile(rb"<calcPr\b([^>]*?)(/?)>")
_FULL_CALC = re.compile(rb'\sfullCalcOnLoad="([^"]*)"')
_AFTER_CALC_PR = (b"<oleSize", b"<customWorkbookViews", b"<pivotCaches", b"<smartTagPr", b"<smartTagTypes",
                  b"<webPublishing", b"<fileRecoveryPr", b"<webPublishObjects", b"<extLst", b"</workbook>")
_SST_COUNT = re.compile(rb'(<sst\b[^>]*?\scount=")([0-9]+)(")')


def rels_name(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def relationships(zf: zipfile.ZipFile, part: str) -> list[dict[str, str]]:
    """The relationships of a part, each with its Target resolved to a zip member name ('target')."""
    name = rels_name(part)
    if name not in zf.NameToInfo:
        return []
    out = []
    folder = posixpath.dirname(part)
    for m in _REL.finditer(zf.read(name)):
        attrs = {k.decode(): v.decode() for k, v in _ATTR.findall(m.group(1))}
        target = attrs.get("Target", "")
        if attrs.get("TargetMode") != "External":
            attrs["target"] = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                posixpath.join(folder, target))
        out.append(attrs)
    return out


def with_full_calc(workbook: bytes) -> bytes:
    """Excel recomputes every formula when it opens the file (fullCalcOnLoad): it keeps the last word."""
    m = _CALC_PR.search(workbook)
    if m is None:
        at = min((i for i in (workbook.find(t) for t in _AFTER_CALC_PR) if i >= 0), default=len(workbook))
        return workbook[:at] + b'<calcPr fullCalcOnLoad="1"/>' + workbook[at:]
    attrs = m.group(1)
    f = _FULL_CALC.search(attrs)
    if f is not None and f.group(1) in (b"1", b"true"):
        return workbook
    attrs = _FULL_CALC.sub(b"", attrs) + b' fullCalcOnLoad="1"'
    return workbook[:m.start(1)] + attrs + workbook[m.end(1):]


def without_relationship(rels: bytes, target_suffix: str) -> bytes:
    def keep(m: re.Match) -> bytes:
        attrs = dict(_ATTR.findall(m.group(1)))
        return b"" if attrs.get(b"Target", b"").decode().endswith(target_suffix) else m.group(0)
    return _REL.sub(keep, rels)


def without_override(content_types: bytes, part: str) -> bytes:
    return re.sub(rb'<Override\b[^>]*?PartName="/' + re.escape(part.encode()) + rb'"[^>]*/>', b"", content_types)


def with_override(content_types: bytes, part: str, content_type: str) -> bytes:
    entry = f'<Override PartName="/{part}" ContentType="{content_type}"/>'.encode()
    at = content_types.rfind(b"</Types>")
    return content_types[:at] + entry + content_types[at:]


def with_relationship(rels: bytes, rid: str, rel_type: str, target: str) -> bytes:
    entry = f'<Relationship Id="{rid}" Type="{rel_type}" Target="{target}"/>'.encode()
    at = rels.rfind(b"</Relationships>")
    return rels[:at] + entry + rels[at:]


def with_sheet(workbook: bytes, name: str, sheet_id: int, rid: str) -> bytes:
    entry = (f'<sheet xmlns:r="{REL_NS}" name="{html_escape(name, quote=True)}" sheetId="{sheet_id}" '
             f'r:id="{rid}"/>').encode()
    at = workbook.find(b"</sheets>")
    return workbook[:at] + entry + workbook[at:]


def fewer_shared_strings(sst: bytes, dropped: int) -> bytes:
    """`count` is the number of cells referring to the table: less the references the rewrite removed."""
    m = _SST_COUNT.search(sst, 0, 4096)
    if m is None or dropped == 0:
        return sst
    count = max(0, int(m.group(2)) - dropped)
    return sst[:m.start(2)] + str(count).encode() + sst[m.end(2):]


_COMMENT_REF = re.compile(rb'(<(?:\w+:)?comment\b[^>]*?\sref=")([A-Z]{1,3})([0-9]+)(")')
# a picture, chart or shape anchored to cells, and the row (0-based) of its from / to corner
_CELL_ANCHOR = re.compile(rb"<((?:[\w.-]+:)?)(twoCellAnchor|oneCellAnchor)\b.*?</\1\2>", re.S)
_CORNER_ROW = re.compile(rb"(<(?:[\w.-]+:)?(from|to)>.*?<(?:[\w.-]+:)?row>)([0-9]+)(</(?:[\w.-]+:)?row>)", re.S)
# one VML object's anchoring (Excel writes the prefix x:, openpyxl ns2:): its type, its Anchor, its Row
_CLIENT_DATA = re.compile(rb"<((?:[\w.-]+:)?)ClientData\b([^>]*)>(.*?)</\1ClientData>", re.S)
_OBJECT_TYPE = re.compile(rb'ObjectType="([^"]*)"')
_VML_ANCHOR = re.compile(rb"(<(?:[\w.-]+:)?Anchor>)([^<]*)(</(?:[\w.-]+:)?Anchor>)")
_VML_ROW = re.compile(rb"(<(?:[\w.-]+:)?Row>)\s*([0-9]+)\s*(</(?:[\w.-]+:)?Row>)")
_TABLE_REF = re.compile(rb'<(?:\w+:)?(?:table|location)\b[^>]*?\sref="([^"]*)"')

Where = Callable[[int], "int | None"]


def follow_rows(zf: zipfile.ZipFile, sheet_part: str, where: Where) -> tuple[dict[str, bytes], list[str]]:
    """The sheet's related parts whose objects are anchored to rows whose content moved: the comments and
    their notes (VML) rewritten to follow their rows (part -> new bytes), and the objects that cannot follow
    (pictures, charts, shapes, form controls, tables, a note whose row went nowhere), named for the user."""
    edits: dict[str, bytes] = {}
    refused: list[str] = []
    for rel in relationships(zf, sheet_part):
        kind = rel.get("Type", "").rsplit("/", 1)[-1]
        target = rel.get("target")
        if not target or target not in zf.NameToInfo:
            continue
        data = zf.read(target)
        if kind == "comments":
            new = _follow_comments(data, where, refused)
        elif kind == "vmlDrawing":
            new = _follow_vml(data, where, refused)
        else:
            new = data
            if kind == "drawing":
                new = _follow_drawing(data, where, refused)
            elif kind in ("table", "pivotTable"):
                for m in _TABLE_REF.finditer(data):
                    rng = parse_range(m.group(1).decode())
                    if rng and any_displaced(where, rng[0], rng[2]):
                        what = "tabel Excel" if kind == "table" else "tabel pivot"
                        refused.append(f"{what} {m.group(1).decode()}")
        if new != data:
            edits[target] = new
    return edits, refused


def _follow_drawing(data: bytes, where: Where, refused: list[str]) -> bytes:
    """A picture, chart or shape whose top-left cell moved goes with it, its other corner by as many rows
    (Excel moves objects with their cells); one whose row went nowhere is refused."""
    def anchor(m: re.Match) -> bytes:
        whole = m.group(0)
        corners = list(_CORNER_ROW.finditer(whole))
        top = next((c for c in corners if c.group(2) == b"from"), None)
        if top is None:
            return whole
        row = int(top.group(3)) + 1
        to = where(row)
        if to == row:
            return whole
        if to is None:
            refused.append(f"gambar/diagram/bentuk di baris {row}")
            return whole
        return _CORNER_ROW.sub(lambda c: c.group(1) + b"%d" % (int(c.group(3)) + to - row) + c.group(4), whole)
    return _CELL_ANCHOR.sub(anchor, data)


def _follow_comments(data: bytes, where: Where, refused: list[str]) -> bytes:
    def ref(m: re.Match) -> bytes:
        row = int(m.group(3))
        to = where(row)
        if to is None:
            refused.append(f"komentar di sel {m.group(2).decode()}{row}")
            return m.group(0)
        return m.group(1) + m.group(2) + b"%d" % to + m.group(4)
    return _COMMENT_REF.sub(ref, data)


def _follow_vml(data: bytes, where: Where, refused: list[str]) -> bytes:
    """A note (the box of a comment) moves with its row, its anchor by as many rows; buttons and other
    controls on moving rows cannot (their macro and place are the user's)."""
    def client(m: re.Match) -> bytes:
        body = m.group(3)
        row_m = _VML_ROW.search(body)
        anchor_m = _VML_ANCHOR.search(body)
        anchor = [p.strip() for p in anchor_m.group(2).decode().split(",")] if anchor_m else []
        whole_anchor = len(anchor) == 8 and anchor[2].isdigit() and anchor[6].isdigit()
        row = int(row_m.group(2)) + 1 if row_m else int(anchor[2]) + 1 if whole_anchor else None
        to = where(row) if row is not None else row
        if to == row:
            return m.group(0)
        kind = _OBJECT_TYPE.search(m.group(2))
        if kind is None or kind.group(1) != b"Note" or to is None:
            refused.append(f"tombol/kontrol atau catatan (VML) di baris {row}")
            return m.group(0)
        body = _VML_ROW.sub(lambda r: r.group(1) + b"%d" % (to - 1) + r.group(3), body, 1)
        if whole_anchor:
            anchor[2], anchor[6] = str(int(anchor[2]) + to - row), str(int(anchor[6]) + to - row)
            body = _VML_ANCHOR.sub(lambda a: a.group(1) + ", ".join(anchor).encode() + a.group(3), body, 1)
        whole, start = m.group(0), m.start(3) - m.start(0)
        return whole[:start] + body + whole[start + len(m.group(3)):]
    return _CLIENT_DATA.sub(client, data)


_DEFINED_NAME = re.compile(rb"(<definedName\b[^>]*>)([^<]*)(</definedName>)")
_AREA = re.compile(r"(\$?[A-Z]{1,3}\$?)([0-9]+)(:\$?[A-Z]{1,3}\$?)([0-9]+)")


def grow_defined_names(workbook: bytes, sheet: str, old_last: int, growth: int) -> bytes:
    """Defined names (print areas, named ranges) over the sheet's table grow with it, as Excel's would."""
    if growth <= 0:
        return workbook
    quoted = "'" + sheet.replace("'", "''") + "'!"
    prefixes = [html_escape(quoted, quote=False), html_escape(sheet, quote=False) + "!"]

    def area(m: re.Match) -> str:
        r1, r2 = int(m.group(2)), int(m.group(4))
        if r1 <= old_last <= r2 and r1 < r2:  # a one-row area is a header (the autofilter's), not the table
            r2 = min(1_048_576, r2 + growth)
        return f"{m.group(1)}{r1}{m.group(3)}{r2}"

    def name(m: re.Match) -> bytes:
        text = m.group(2).decode("utf-8")
        out, i = [], 0
        for prefix in prefixes:
            if prefix not in text:
                continue
            out, i = [], 0
            while (at := text.find(prefix, i)) >= 0:
                start = at + len(prefix)
                ref = _AREA.match(text, start)
                out.append(text[i:start])
                if ref:
                    out.append(area(ref))
                    i = ref.end()
                else:
                    i = start
            out.append(text[i:])
            text = "".join(out)
        return m.group(1) + text.encode("utf-8") + m.group(3)

    return _DEFINED_NAME.sub(name, workbook)
