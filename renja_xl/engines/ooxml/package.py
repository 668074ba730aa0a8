"""The package around the sheets: relationships, content types, workbook.xml, shared strings, and the objects
of other parts anchored to a sheet's rows (comments, drawings, VML controls, tables)."""
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


_COMMENT = re.compile(rb'<(?:\w+:)?comment\b[^>]*?\sref="([A-Z]+[0-9]+)"')
_FROM_ROW = re.compile(rb"<(?:\w+:)?from>.*?<(?:\w+:)?row>([0-9]+)</(?:\w+:)?row>", re.S)
_VML_ANCHOR = re.compile(rb"<x:Anchor>\s*[0-9]+\s*,\s*[0-9]+\s*,\s*([0-9]+)")
_VML_ROW = re.compile(rb"<x:Row>([0-9]+)</x:Row>")
_TABLE_REF = re.compile(rb'<(?:\w+:)?(?:table|location)\b[^>]*?\sref="([^"]*)"')


def anchored_objects(zf: zipfile.ZipFile, sheet_part: str, displaced: Callable[[int], bool]) -> list[str]:
    """Objects of the sheet's related parts anchored in a row (1-based) whose content moves."""
    found: list[str] = []
    for rel in relationships(zf, sheet_part):
        kind = rel.get("Type", "").rsplit("/", 1)[-1]
        target = rel.get("target")
        if not target or target not in zf.NameToInfo:
            continue
        data = zf.read(target)
        if kind == "comments":
            for m in _COMMENT.finditer(data):
                rng = parse_range(m.group(1).decode())
                if rng and displaced(rng[0]):
                    found.append(f"komentar di sel {m.group(1).decode()}")
        elif kind == "drawing":
            rows = [int(m.group(1)) + 1 for m in _FROM_ROW.finditer(data)]
            found += [f"gambar/diagram/bentuk di baris {r}" for r in rows if displaced(r)]
        elif kind == "vmlDrawing":
            rows = [int(m.group(1)) + 1 for m in _VML_ANCHOR.finditer(data)]
            rows += [int(m.group(1)) + 1 for m in _VML_ROW.finditer(data)]
            found += [f"tombol/kontrol atau catatan (VML) di baris {r}" for r in sorted(set(rows)) if displaced(r)]
        elif kind in ("table", "pivotTable"):
            for m in _TABLE_REF.finditer(data):
                rng = parse_range(m.group(1).decode())
                if rng and any_displaced(displaced, rng[0], rng[2]):
                    what = "tabel Excel" if kind == "table" else "tabel pivot"
                    found.append(f"{what} {m.group(1).decode()}")
    return found


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
