"""Write the document blocks as a Word file (python-docx; tables as OOXML built in one pass for speed).

Real Heading 1/2/3 styles (Word's table of contents reads them), a TOC field and a list of tables (TOC over
the SEQ fields of the captions), A4 portrait pages with landscape sections around the wide tables, tables
with repeated header rows, bold parent rows and right-aligned Indonesian numbers, the signature block from
Identitas, page numbers in the footer. Word is asked to update the fields when the file is opened.
"""
from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal
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
from renja_xl.chapters.blocks import Block, runs
from renja_xl.chapters.filters import tanggal
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
    for level, size in ((1, 14), (2, 12), (3, 11)):
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
            rpr = "<w:rPr><w:b/></w:rPr>" if bold else ""
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
    def __init__(self, renja: Renja):
        self.renja = renja
        self.doc = docx.Document()
        _styles(self.doc)
        self.body = self.doc.element.body
        section = self.doc.sections[0]
        _page(section, False)
        section.different_first_page_header_footer = True  # no number on the cover
        _footer_page_number(section)
        self.landscape = False
        self.fresh_page = True  # nothing on the current page yet (no page break needed)
        self.table_no = 0
        self.after_table = False

    def _orientation(self, landscape: bool) -> None:
        if landscape == self.landscape:
            return
        section = self.doc.add_section(WD_SECTION.NEW_PAGE)
        _page(section, landscape)
        section.different_first_page_header_footer = False
        self.landscape = landscape
        self.fresh_page = True

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
        elif b.kind == "toc":
            self.paragraph("DAFTAR ISI", "TOC Heading")
            p = self.paragraph()
            _append_field(p, 'TOC \\o "1-3" \\h \\z \\u', TOC_HINT.format("daftar isi"))
        elif b.kind == "tables_list":
            self.paragraph("DAFTAR TABEL", "TOC Heading")
            p = self.paragraph()
            _append_field(p, 'TOC \\h \\z \\c "Tabel"', TOC_HINT.format("daftar tabel"))
        elif b.kind == "signature":
            self.signature()
        else:  # pragma: no cover - parse() only yields the kinds above
            raise ValueError(b.kind)

    def table(self, b: Block) -> None:
        data = BUILDERS[b.data["key"]](self.renja)
        self._orientation(bool(b.data.get("landscape")))
        self.table_no += 1
        cap = self.paragraph(style="Caption")
        cap.add_run("Tabel ")
        _append_field(cap, "SEQ Tabel \\* ARABIC", str(self.table_no))
        cap.add_run(f". {b.data['title']}")
        self.body.find(qn("w:sectPr")).addprevious(parse_xml(_table_xml(data, _text_width(self.landscape))))
        self.after_table = True
        if b.data.get("note"):
            self.paragraph(b.data["note"])
        self.fresh_page = False

    def signature(self) -> None:
        ident = self.renja.identitas
        place = ident.get("tempat_penandatanganan", "")
        when = tanggal(ident.get("tanggal_penandatanganan")) or str(ident.get("tahun_penyusunan", ""))
        lines = [(f"{place}, {when}".strip(", "), False), (f"{ident.get('jabatan_kepala', '')},", False),
                 ("", False), ("", False), ("", False),
                 (str(ident.get("nama_kepala", "")), True), (str(ident.get("pangkat_kepala", "")), False),
                 (f"NIP. {ident.get('nip_kepala', '')}", False)]
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

    def finish(self) -> docx.Document:
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


LEAD_IN = 6  # at most this many headings/paragraphs before a wide table share its landscape page


def orientations(blocks: list[Block]) -> list[bool]:
    """Landscape flag per block: wide tables, and the short lead-in (heading, a few paragraphs) that opens
    a page right before one, so a chapter's first page does not stand half empty before its table."""
    flags = [b.kind == "table" and bool(b.data.get("landscape")) for b in blocks]
    for i, b in enumerate(blocks):
        if not flags[i]:
            continue
        j = i - 1
        while j >= 0 and blocks[j].kind in ("heading", "paragraph", "item") and i - 1 - j < LEAD_IN:
            j -= 1
        if i - 1 - j >= 1 and j >= 0 and blocks[j].kind == "page_break":
            for k in range(j, i):
                flags[k] = True
    return flags


def build_docx(renja: Renja, blocks: list[Block]) -> docx.Document:
    w = _Writer(renja)
    for b, landscape in zip(blocks, orientations(blocks)):
        w.block(b, landscape)
    return w.finish()
