"""The chapters as Markdown or HTML, for text people paste elsewhere (e-mail, a web page, a wiki)."""
from __future__ import annotations

from html import escape

from renja_xl.domain.model import Renja
from renja_xl.chapters.blocks import Block, runs
from renja_xl.chapters.draft import missing_sentence, signature_lines
from renja_xl.chapters.tables import BUILDERS, Table


def _signature_lines(renja: Renja) -> list[tuple[str, bool]]:
    return signature_lines(renja, spacer=1)


def _md_escape(text: str) -> str:
    """Raw HTML typed in the workbook stays text in a Markdown viewer."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _drawn(renja: Renja, b: Block) -> Table | None:
    key = b.data["key"]
    if key not in BUILDERS or b.data.get("empty"):
        return None
    return BUILDERS[key](renja)


def _md_cell(text: str) -> str:
    return _md_escape(text).replace("|", "\\|").replace("\n", " ")


def header_names(t: Table) -> list[str]:
    """One name per column: the header cells above it, top to bottom (column-number rows left out)."""
    grid: list[list[str | None]] = []
    covered: dict[tuple[int, int], bool] = {}
    for i, hrow in enumerate(t.header):
        line: list[str | None] = [None] * t.ncols
        col = 0
        for c in hrow:
            while col < t.ncols and covered.get((i, col)):
                col += 1
            for k in range(c.span):
                for d in range(c.rows):
                    covered[(i + d, col + k)] = True
                if col + k < t.ncols:
                    line[col + k] = c.text
            col += c.span
        grid.append(line)
    names = []
    for col in range(t.ncols):
        parts: list[str] = []
        for line in grid:
            text = line[col]
            if text and not (text.startswith("(") and text.endswith(")")) and text not in parts:
                parts.append(text)
        names.append(" ".join(parts))
    return names


def _md_table(t: Table) -> list[str]:
    lines = ["| " + " | ".join(_md_cell(n) for n in header_names(t)) + " |", "|" + "|".join(
        "---:" if a == "right" else ":---:" if a == "center" else "---" for a in t.aligns) + "|"]
    for row in t.rows:
        cells: list[str] = []
        for c in row.cells:
            text = _md_cell(c.text)
            if row.bold and text:
                text = f"**{text}**"
            cells += [text] + [""] * (c.span - 1)
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def _md_inline(text: str) -> str:
    return "".join(f"**{_md_escape(part)}**" if bold else _md_escape(part) for part, bold in runs(text))


def to_markdown(renja: Renja, blocks: list[Block], draft: str = "") -> str:
    out: list[str] = [f"**{draft}**", ""] if draft else []
    for b in blocks:
        if b.kind == "heading":
            out += ["#" * b.level + " " + b.text, ""]
        elif b.kind == "paragraph":
            out += [_md_inline(b.text), ""]
        elif b.kind == "center":
            out += [f"**{b.text}**", ""]
        elif b.kind == "item":
            indent = "    " * b.level
            label = b.label if b.label else "-"
            out.append(f"{indent}{label} {_md_inline(b.text)}")
        elif b.kind == "table":
            if b.data.get("number") is None:
                out += [""] + [f"**{_md_escape(line)}**  " for line in str(b.data["title"]).splitlines()] + [""]
            else:
                out += ["", f"**Tabel {b.data['number']}. {_md_escape(b.data['title'])}**", ""]
            table = _drawn(renja, b)
            out += (_md_table(table) if table else [missing_sentence(b)]) + [""]
            if table and b.data.get("note"):
                out += [_md_escape(b.data["note"]), ""]
        elif b.kind == "signature":
            out += [""] + [(f"**{_md_escape(t)}**" if bold else _md_escape(t)) + "  "
                           for t, bold in _signature_lines(renja)] + [""]
        # toc, tables_list, page_break: nothing in plain text
        if b.kind != "item" and out and out[-1] != "":
            out.append("")
    text = "\n".join(out)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.strip() + "\n"


def _html_inline(text: str) -> str:
    return "".join(f"<strong>{escape(p)}</strong>" if bold else escape(p) for p, bold in runs(text))


def _html_table(t: Table, caption: str) -> str:
    rows = [f"<table><caption>{caption}</caption><thead>"]
    for hrow in t.header:
        rows.append("<tr>" + "".join(
            f"<th{' colspan=%d' % c.span if c.span > 1 else ''}{' rowspan=%d' % c.rows if c.rows > 1 else ''}>"
            f"{escape(c.text)}</th>" for c in hrow) + "</tr>")
    rows.append("</thead><tbody>")
    for row in t.rows:
        cells, col = [], 0
        for c in row.cells:
            align = c.align or t.aligns[col]
            attrs = (f' colspan="{c.span}"' if c.span > 1 else "") + (f' class="{align}"' if align != "left" else "")
            cells.append(f"<td{attrs}>{escape(c.text)}</td>")
            col += c.span
        cls = ' class="induk"' if row.bold else ""
        rows.append(f"<tr{cls}>" + "".join(cells) + "</tr>")
    rows.append("</tbody></table>")
    return "\n".join(rows)


STYLE = """body{font-family:Arial,sans-serif;max-width:60em;margin:2em auto;line-height:1.4}
table{border-collapse:collapse;font-size:.8em;margin:1em 0}th,td{border:1px solid #000;padding:2px 4px;
vertical-align:top}th{background:#d9d9d9}td.right{text-align:right}td.center{text-align:center}
tr.induk td{font-weight:bold}caption{font-weight:bold;padding:.5em}.tengah{text-align:center;font-weight:bold}
.ttd{margin-left:55%}.draf{color:#c00000;font-weight:bold;text-align:right}"""


def to_html(renja: Renja, blocks: list[Block], draft: str = "") -> str:
    title = escape(f"Rencana Kerja Tahun {renja.identitas.get('tahun_rencana', '')} "
                   f"{renja.identitas.get('nama_perangkat_daerah', '')}")
    out = [f'<!DOCTYPE html>\n<html lang="id"><head><meta charset="utf-8"><title>{title}</title>'
           f"<style>{STYLE}</style></head><body>"]
    if draft:
        out.append(f'<p class="draf">{escape(draft)}</p>')
    open_list: list[str] = []
    for b in blocks:
        if b.kind != "item":
            while open_list:
                out.append(open_list.pop())
        if b.kind == "heading":
            out.append(f"<h{b.level}>{_html_inline(b.text)}</h{b.level}>")
        elif b.kind == "paragraph":
            out.append(f"<p>{_html_inline(b.text)}</p>")
        elif b.kind == "center":
            out.append(f'<p class="tengah">{_html_inline(b.text)}</p>')
        elif b.kind == "item":
            while len(open_list) > b.level + 1:
                out.append(open_list.pop())
            while len(open_list) < b.level + 1:
                out.append('<ul style="list-style:none">')
                open_list.append("</ul>")
            label = f"{escape(b.label)} " if b.label else ""
            out.append(f"<li>{label}{_html_inline(b.text)}</li>")
        elif b.kind == "table":
            if b.data.get("number") is None:
                caption = "<br>".join(escape(line) for line in str(b.data["title"]).splitlines())
            else:
                caption = f"Tabel {escape(str(b.data['number']))}. {escape(b.data['title'])}"
            table = _drawn(renja, b)
            if table is None:
                out.append(f'<p class="tengah">{caption}</p><p>{escape(missing_sentence(b))}</p>')
            else:
                out.append(_html_table(table, caption))
                if b.data.get("note"):
                    out.append(f"<p>{escape(b.data['note'])}</p>")
        elif b.kind == "signature":
            out.append('<div class="ttd">' + "<br>".join(
                f"<strong><u>{escape(t)}</u></strong>" if bold else escape(t)
                for t, bold in _signature_lines(renja)) + "</div>")
    while open_list:
        out.append(open_list.pop())
    out.append("</body></html>")
    return "\n".join(out) + "\n"
