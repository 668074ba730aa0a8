"""Write the document blocks as a Word file (python-docx; tables as OOXML built in one pass for speed).

Real Heading 1-4 styles (Word's table of contents reads 1-3), the Daftar Isi and Daftar Tabel as TOC fields
whose result is already written (entries and, when learned by rendering once, page numbers: see pages.py),
captions numbered as the outline says, A4 portrait pages with landscape sections only around the wide tables,
page numbers roman in the front matter and arabic from BAB I (restarting at 1), tables with repeated header
rows, bold parent rows and right-aligned Indonesian numbers, the signature block from Identitas, a DRAF mark
in every page header while validation finds errors. Word is asked to update the fields when the file is opened.
"""
from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

import docx
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt, RGBColor

from renja_xl import __version__
from renja_xl.domain.model import Renja
from renja_xl.chapters.entries import MARK, Entry
from renja_xl.chapters.blocks import Block, runs
from renja_xl.chapters.draft import missing_sentence, signature_lines
from renja_xl.chapters.tables import BUILDERS, Table

A4_W, A4_H = Cm(21.0), Cm(29.7)
MARGIN = Cm(2.5)
FONT = "Arial"
W = nsdecls("w")
# CT_Settings is a sequence: updateFields must precede these (ECMA-376 Part 1, 17.15.1.78)
SETTINGS_AFTER_UPDATE_FIELDS = {qn(f"w:{n}") for n in (
    "hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars", "rsids", "mathPr", "attachedSchema",
    "themeFontLang", "clrSchemeMapping", "doNotIncludeSubdocsInStats", "doNotAutoCompressPictures", "forceUpgrade",
    "captions", "readModeInkLockDown", "smartTagType", "schemaLibrary", "shapeDefaults", "doNotEmbedSmartTags",
    "decimalSymbol", "listSeparator")}
TOC_HINT = "Klik kanan lalu pilih Perbarui Bidang (Update Field) untuk menampilkan {}."
HINT_OF = {"toc": "daftar isi", "tables_list": "daftar tabel"}
TOC_LEVELS = 3  # BAB, sections, sub sections; the IKU analyses (level 4) stay out


def _styles(document: docx.Document) -> None:
    styles = document.styles
    normal = styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(11)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    pf = normal.paragraph_format
    pf.space_after = Pt(6)
    pf.line_spacing = 1.15
    pf.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    for level, size in ((1, 14), (2, 12), (3, 11), (4, 11)):
        st = styles[f"Heading {level}"]
        st.font.name = FONT
        st.font.size = Pt(size)
        st.font.bold = True
        st.font.italic = False
        st.font.color.rgb = RGBColor(0, 0, 0)
        rpr = st.element.get_or_add_rPr()
        rfonts = rpr.find(qn("w:rFonts"))
        if rfonts is None:
            rfonts = parse_xml(f"<w:rFonts {W}/>")
            rpr.append(rfonts)
        for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            rfonts.set(qn(attr), FONT)
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            rfonts.attrib.pop(qn(attr), None)
        st.paragraph_format.space_before = Pt(18 if level == 1 else 12)
        st.paragraph_format.space_after = Pt(6)
        st.paragraph_format.keep_with_next = True
        st.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER if level == 1 else WD_ALIGN_PARAGRAPH.LEFT
    cap = styles["Caption"]
    cap.font.name = FONT
    cap.font.size = Pt(10)
    cap.font.bold = True
    cap.font.italic = False
    cap.font.color.rgb = RGBColor(0, 0, 0)
    cap.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    cap.paragraph_format.keep_with_next = True
    cap.paragraph_format.space_after = Pt(6)
    if "Isi Tabel" not in [s.name for s in styles]:
        cell = styles.add_style("Isi Tabel", WD_STYLE_TYPE.PARAGRAPH)
        cell.base_style = normal
        cell.font.size = Pt(8)
        cell.paragraph_format.space_after = Pt(0)
        cell.paragraph_format.space_before = Pt(0)
        cell.paragraph_format.line_spacing = 1.0
        cell.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    if "Butir" not in [s.name for s in styles]:
        item = styles.add_style("Butir", WD_STYLE_TYPE.PARAGRAPH)
        item.base_style = normal
        item.paragraph_format.space_after = Pt(3)
    if "Sampul" not in [s.name for s in styles]:
        cover = styles.add_style("Sampul", WD_STYLE_TYPE.PARAGRAPH)
        cover.base_style = normal
        cover.font.size = Pt(18)
        cover.font.bold = True
        cover.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        cover.paragraph_format.space_after = Pt(12)
    styles["TOC Heading"].font.color.rgb = RGBColor(0, 0, 0)
    if "Judul Lampiran" not in [s.name for s in styles]:
        block = styles.add_style("Judul Lampiran", WD_STYLE_TYPE.PARAGRAPH)
        block.base_style = normal
        block.font.bold = True
        block.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        block.paragraph_format.space_after = Pt(0)
        block.paragraph_format.keep_with_next = True


def _page(section, landscape: bool) -> None:
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (A4_H, A4_W) if landscape else (A4_W, A4_H)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, MARGIN)


def _text_width(landscape: bool) -> int:
    """Usable width in twips."""
    width = (A4_H if landscape else A4_W) - 2 * MARGIN
    return int(width / 635)  # EMU -> twips


def _add_text(paragraph, text: str) -> None:
    for part, bold in runs(text):
        run = paragraph.add_run(part)
        if bold:
            run.bold = True


def _field_runs(instr: str, placeholder: str) -> str:
    return (f'<w:r {W}><w:fldChar w:fldCharType="begin" w:dirty="true"/></w:r>'
            f'<w:r {W}><w:instrText xml:space="preserve"> {escape(instr)} </w:instrText></w:r>'
            f'<w:r {W}><w:fldChar w:fldCharType="separate"/></w:r>'
            f'<w:r {W}><w:t xml:space="preserve">{escape(placeholder)}</w:t></w:r>'
            f'<w:r {W}><w:fldChar w:fldCharType="end"/></w:r>')


def _append_field(paragraph, instr: str, placeholder: str) -> None:
    for xml in _field_runs(instr, placeholder).split("</w:r>")[:-1]:
        paragraph._p.append(parse_xml(xml + "</w:r>"))


def _page_numbers(section, fmt: str, start: int | None) -> None:
    """<w:pgNumType>: roman for the front matter, arabic from BAB I; `start` restarts the count."""
    sect = section._sectPr
    old = sect.find(qn("w:pgNumType"))
    if old is not None:
        sect.remove(old)
    element = parse_xml(f'<w:pgNumType {W} w:fmt="{fmt}"' + (f' w:start="{start}"' if start else "") + "/>")
    # CT_SectPr order: ... pgSz, pgMar, paperSrc, pgBorders, lnNumType, pgNumType, cols ...
    anchor = next((sect.find(qn(f"w:{n}")) for n in ("cols", "formProt", "vAlign", "noEndnote", "titlePg",
                                                     "textDirection", "bidi", "rtlGutter", "docGrid")
                   if sect.find(qn(f"w:{n}")) is not None), None)
    anchor.addprevious(element) if anchor is not None else sect.append(element)


def _footer_page_number(section) -> None:
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _append_field(p, "PAGE", "1")


def _table_xml(table: Table, width: int) -> str:
    total = sum(table.widths)
    cols = [int(width * w / total) for w in table.widths]
    grid = "".join(f'<w:gridCol w:w="{c}"/>' for c in cols)
    out = [f'<w:tbl {W}><w:tblPr><w:tblW w:w="{sum(cols)}" w:type="dxa"/>'
           '<w:tblBorders>' + "".join(f'<w:{s} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                                      for s in ("top", "left", "bottom", "right", "insideH", "insideV"))
           + '</w:tblBorders><w:tblLayout w:type="fixed"/><w:tblCellMar><w:left w:w="57" w:type="dxa"/><w:right w:w="57" w:type="dxa"/>'
           '</w:tblCellMar><w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="0" w:lastColumn="0"'
           ' w:noHBand="0" w:noVBand="1"/></w:tblPr>'
           f'<w:tblGrid>{grid}</w:tblGrid>']

    size = f'<w:sz w:val="{table.font_halfpoints}"/>' if table.font_halfpoints else ""  # else the style's 8 pt

    def cell(text: str, col: int, span: int, align: str, bold: bool, vmerge: str | None, shade: bool) -> str:
        w = sum(cols[col:col + span])
        props = f'<w:tcW w:w="{w}" w:type="dxa"/>'
        if span > 1:
            props += f'<w:gridSpan w:val="{span}"/>'
        if vmerge:
            props += '<w:vMerge w:val="restart"/>' if vmerge == "restart" else "<w:vMerge/>"
        if shade:
            props += '<w:shd w:val="clear" w:color="auto" w:fill="D9D9D9"/>'
        props += '<w:vAlign w:val="center"/>' if shade else ""
        jc = {"right": "right", "center": "center"}.get(align, "left")
        r = ""
        if text:
            rpr = ("<w:b/>" if bold else "") + size
            rpr = f"<w:rPr>{rpr}</w:rPr>" if rpr else ""
            r = f'<w:r>{rpr}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'
        return (f'<w:tc><w:tcPr>{props}</w:tcPr><w:p><w:pPr><w:pStyle w:val="IsiTabel"/><w:jc w:val="{jc}"/>'
                f'</w:pPr>{r}</w:p></w:tc>')

    # header rows: place cells on the grid, continuing row spans downwards
    pending: dict[int, tuple[int, int]] = {}  # column -> (rows left, span)
    for hrow in table.header:
        parts, col, cells = [], 0, list(hrow)
        while col < table.ncols:
            if col in pending:
                left, span = pending.pop(col)
                parts.append(cell("", col, span, "center", True, "continue", True))
                if left > 1:
                    pending[col] = (left - 1, span)
                col += span
                continue
            if not cells:
                break
            c = cells.pop(0)
            parts.append(cell(c.text, col, c.span, "center", True, "restart" if c.rows > 1 else None, True))
            if c.rows > 1:
                pending[col] = (c.rows - 1, c.span)
            col += c.span
        out.append('<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>' + "".join(parts) + "</w:tr>")
    previous: dict[int, str] = {}
    for i, row in enumerate(table.rows):
        parts, col = [], 0
        followed = i + 1 < len(table.rows) and table.rows[i + 1].continues
        for c in row.cells:
            vmerge = None
            if col in table.merge_continued and c.span == 1 and (row.continues or followed):
                vmerge, text = ("continue", "") if row.continues else ("restart", c.text)
            elif col in table.merge_repeats:
                if c.text and previous.get(col) == c.text:
                    vmerge, text = "continue", ""
                else:
                    vmerge, text = "restart", c.text
                    previous[col] = c.text
            else:
                text = c.text
            parts.append(cell(text, col, c.span, c.align or table.aligns[col], row.bold, vmerge, False))
            col += c.span
        out.append('<w:tr><w:trPr><w:cantSplit/></w:trPr>' + "".join(parts) + "</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


class _Writer:
    def __init__(self, renja: Renja, draft: str = "", pages: list[str] | None = None, measure: bool = False):
        self.renja = renja
        self.doc = docx.Document()
        _styles(self.doc)
        self.body = self.doc.element.body
        section = self.doc.sections[0]
        _page(section, False)
        section.different_first_page_header_footer = True  # no number on the cover
        _footer_page_number(section)
        self.draft = draft
        if draft:
            for header in (section.header, section.first_page_header):
                p = header.paragraphs[0]
                p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                run = p.add_run(draft)
                run.bold = True
                run.font.size = Pt(9)
                run.font.color.rgb = RGBColor(0xC0, 0, 0)
        self.landscape = False
        self.fresh_page = True  # nothing on the current page yet (no page break needed)
        self.after_table = False
        self.part = "cover"
        self.entries: list[Entry] = []
        self.pages = pages  # the page label of each entry, learned by rendering once (None: unknown)
        self.measure = measure
        self.indexes: list[tuple[str, Any]] = []  # (kind, paragraph) of the Daftar Isi / Daftar Tabel

    def _new_section(self, landscape: bool, restart: str | None = None) -> None:
        section = self.doc.add_section(WD_SECTION.NEW_PAGE)
        _page(section, landscape)
        section.different_first_page_header_footer = False
        if restart == "front":
            _page_numbers(section, "lowerRoman", 1)
        elif restart == "body":
            _page_numbers(section, "decimal", 1)
        else:  # the clone of the previous section would restart the count again
            fmt = "lowerRoman" if self.part == "front" else "decimal"
            _page_numbers(section, fmt, None)
        self.landscape = landscape
        self.fresh_page = True

    def _orientation(self, landscape: bool) -> None:
        if landscape != self.landscape:
            self._new_section(landscape)

    def _entry(self, paragraph, kind: str, level: int, text: str) -> None:
        if self.measure:
            run = paragraph.add_run(MARK.format(len(self.entries)))
            run.font.size = Pt(1)
        self.entries.append(Entry(kind, level, text, self.part))

    def paragraph(self, text: str = "", style: str | None = None):
        self.fresh_page = False
        p = self.doc.add_paragraph(style=style)
        if self.after_table:
            p.paragraph_format.space_before = Pt(8)
            self.after_table = False
        if text:
            _add_text(p, text)
        return p

    def block(self, b: Block, landscape: bool = False) -> None:
        if b.kind == "table":
            self.table(b)
            return
        if b.kind in ("front_start", "body_start"):
            if self.part != b.kind.split("_")[0]:
                self.part = b.kind.split("_")[0]
                self._new_section(False, self.part)
            return
        self._orientation(landscape)
        if b.kind == "page_break":
            if not self.fresh_page:
                self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
                self.fresh_page = True
        elif b.kind == "heading":
            self.fresh_page = False
            self.after_table = False
            h = self.doc.add_heading(level=b.level)
            _add_text(h, b.text)
            if b.level <= TOC_LEVELS:
                self._entry(h, "toc", b.level, b.text.replace("**", ""))
        elif b.kind == "paragraph":
            self.paragraph(b.text)
        elif b.kind == "center":
            first = self.fresh_page and len(self.doc.paragraphs) == 0
            p = self.paragraph(b.text, "Sampul")
            if first:
                p.paragraph_format.space_before = Cm(6)
        elif b.kind == "item":
            p = self.paragraph(style="Butir")
            indent = Cm(0.75 * (b.level + 1))
            pf = p.paragraph_format
            if b.label:
                pf.left_indent = indent
                pf.first_line_indent = -Cm(0.75)
                pf.tab_stops.add_tab_stop(indent)
                _add_text(p, f"{b.label}\t{b.text}")
            else:
                pf.left_indent = indent - Cm(0.75) + Cm(0.4)
                _add_text(p, b.text)
        elif b.kind in ("toc", "tables_list"):
            title = "DAFTAR ISI" if b.kind == "toc" else "DAFTAR TABEL"
            self.block(Block("heading", title, level=1))
            self.indexes.append((b.kind, self.paragraph()))
        elif b.kind == "signature":
            self.signature()
        else:  # pragma: no cover - parse() only yields the kinds above
            raise ValueError(b.kind)

    def table(self, b: Block) -> None:
        key, number = b.data["key"], b.data.get("number")
        drawn = key in BUILDERS and not b.data.get("empty")
        self._orientation(bool(b.data.get("landscape")) and drawn)
        if number is None:  # a title block as SIPD prints it: bold lines, no number
            for line in str(b.data["title"]).splitlines():
                self.paragraph(line, "Judul Lampiran")
            self.paragraph()
        else:
            cap = self.paragraph(f"Tabel {number}. {b.data['title']}", "Caption")
            self._entry(cap, "tables", 1, f"Tabel {number}. {b.data['title']}")
        if not drawn:
            self.paragraph(missing_sentence(b))
            return
        data = BUILDERS[key](self.renja)
        self.body.find(qn("w:sectPr")).addprevious(parse_xml(_table_xml(data, _text_width(self.landscape))))
        self.after_table = True
        if b.data.get("note"):
            self.paragraph(b.data["note"])
        self.fresh_page = False

    def signature(self) -> None:
        lines = signature_lines(self.renja, spacer=3)
        for i, (text, bold) in enumerate(lines):
            p = self.paragraph(style="Butir")
            pf = p.paragraph_format
            pf.left_indent = Cm(8.5)
            pf.alignment = WD_ALIGN_PARAGRAPH.LEFT
            pf.space_after = Pt(0)
            pf.keep_with_next = i < len(lines) - 1
            if i == 0:
                pf.space_before = Pt(24)
            if text:
                run = p.add_run(text)
                run.bold = bold
                run.underline = bold

    def fill_indexes(self) -> None:
        """The Daftar Isi and Daftar Tabel as TOC fields whose result is already written: the entries with their
        page numbers show in LibreOffice and in Word before any update; Word still updates the field."""
        width = _text_width(False)
        for kind, anchor in self.indexes:
            entries = [e for e in self.entries if e.kind == ("toc" if kind == "toc" else "tables")]
            instr = f'TOC \\o "1-{TOC_LEVELS}" \\h \\z \\u' if kind == "toc" else 'TOC \\h \\z \\t "Caption,1"'
            paragraphs = []
            for e in entries:
                i = self.entries.index(e)
                page = self.pages[i] if self.pages and i < len(self.pages) else ("000" if self.measure else "")
                indent = 360 * (e.level - 1)
                paragraphs.append(
                    f'<w:p {W}><w:pPr><w:tabs><w:tab w:val="right" w:leader="dot" w:pos="{width}"/></w:tabs>'
                    f'<w:spacing w:after="40"/><w:ind w:left="{indent}"/><w:jc w:val="left"/></w:pPr>'
                    f'<w:r><w:t xml:space="preserve">{escape(e.text)}</w:t></w:r>'
                    + (f'<w:r><w:tab/></w:r><w:r><w:t>{escape(page)}</w:t></w:r>' if page else "") + "</w:p>")
            if not paragraphs:
                paragraphs = [f'<w:p {W}><w:r><w:t>{escape(TOC_HINT.format(HINT_OF[kind]))}</w:t></w:r></w:p>']
            begin = (f'<w:r {W}><w:fldChar w:fldCharType="begin"/></w:r>',
                     f'<w:r {W}><w:instrText xml:space="preserve"> {escape(instr)} </w:instrText></w:r>',
                     f'<w:r {W}><w:fldChar w:fldCharType="separate"/></w:r>')
            elements = [parse_xml(x) for x in paragraphs]
            first_r = elements[0].find(qn("w:r"))
            for run in begin:
                first_r.addprevious(parse_xml(run))
            elements[-1].append(parse_xml(f'<w:r {W}><w:fldChar w:fldCharType="end"/></w:r>'))
            for element in elements:
                anchor._p.addprevious(element)
            anchor._p.getparent().remove(anchor._p)

    def finish(self) -> docx.Document:
        self.fill_indexes()
        settings = self.doc.settings.element
        if settings.find(qn("w:updateFields")) is None:
            update = parse_xml(f'<w:updateFields {W} w:val="true"/>')
            later = next((c for c in settings if c.tag in SETTINGS_AFTER_UPDATE_FIELDS), None)
            later.addprevious(update) if later is not None else settings.append(update)
        defaults = self.doc.styles.element.find(qn("w:docDefaults"))
        lang = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}") if defaults is not None else None
        if lang is not None:
            lang.set(qn("w:val"), "id-ID")
        _core_properties(self.doc, self.renja.identitas)
        return self.doc


def _plain(value) -> str:
    """2024.0 or Decimal('2024') from a cell -> '2024'; None -> ''."""
    if value is None:
        return ""
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool) and value == int(value):
        return str(int(value))
    return str(value).strip()


def _core_properties(document: docx.Document, identitas: dict) -> None:
    """Word's File > Info: title, subject, the agency as author, the time of generation (python-docx's own
    template says 2013 and 'python-docx')."""
    agency = _plain(identitas.get("nama_perangkat_daerah"))
    year = _plain(identitas.get("tahun_rencana"))
    region = _plain(identitas.get("pemerintah_daerah"))
    now = datetime.now(timezone.utc).replace(microsecond=0)
    core = document.core_properties
    core.title = " ".join(x for x in ("Rencana Kerja", agency, f"Tahun {year}" if year else "") if x)
    core.subject = "Rencana Kerja (Renja) Perangkat Daerah" + (f" {region}" if region else "") + (
        f" Tahun {year}" if year else "")
    core.author = agency
    core.last_modified_by = agency
    core.comments = f"Dibuat dengan Renja XL {__version__}"
    core.keywords = "Renja"
    core.created = now
    core.modified = now
    core.revision = 1
    core.language = "id-ID"


LEAD_IN_BLOCKS, LEAD_IN_CHARS = 3, 250


def orientations(blocks: list[Block]) -> list[bool]:
    """Landscape flag per block: the wide tables (their caption goes with them). Chapter text stays on portrait
    pages; only a short title that opens a page right before a wide table (the lampiran's heading and its
    one-line note) shares the table's landscape page rather than standing alone."""
    flags = [b.kind == "table" and bool(b.data.get("landscape")) and not b.data.get("empty") for b in blocks]
    for i in range(len(blocks)):
        if not flags[i]:
            continue
        j = i - 1
        while j >= 0 and blocks[j].kind in ("heading", "paragraph") and len(blocks[j].text) <= LEAD_IN_CHARS \
                and i - 1 - j < LEAD_IN_BLOCKS:
            j -= 1
        if i - 1 - j >= 1 and j >= 0 and blocks[j].kind == "page_break":
            for k in range(j, i):
                flags[k] = True
    return flags


def build_docx(renja: Renja, blocks: list[Block], draft: str = "", pages: list[str] | None = None,
               measure: bool = False) -> tuple[docx.Document, list[Entry]]:
    """The Word document and its index entries. `measure` adds a tiny numbered mark to every entry (rendered
    once to learn page numbers); `pages` gives each entry's page label for the Daftar Isi."""
    w = _Writer(renja, draft, pages, measure)
    for b, landscape in zip(blocks, orientations(blocks)):
        w.block(b, landscape)
    return w.finish(), w.entries
