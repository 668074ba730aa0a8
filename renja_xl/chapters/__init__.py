"""BAB I-V of the Renja from Jinja templates: Word (.docx), Markdown, HTML, and PDF through LibreOffice.

Works on the in-memory Renja (so the Excel button can call it on the open workbook)::

    from renja_xl.chapters import render_docx
    render_docx(renja, "renja.docx", templates_dir=None)
"""
from __future__ import annotations

from pathlib import Path

from renja_xl.fileio.files import atomic_save
from renja_xl.domain.model import Renja
from renja_xl.chapters.render import TemplateError, package_templates, render_blocks

__all__ = ["render_docx", "render_text", "render_pdf", "write_chapters", "copy_templates", "TemplateError",
           "package_templates"]


def render_docx(renja: Renja, out_path: str | Path, templates_dir: str | Path | None = None) -> Path | None:
    """Write the chapters as a Word document; nothing is written when a template fails. Returns a backup's path."""
    from renja_xl.chapters.docx_writer import build_docx

    document = build_docx(renja, render_blocks(renja, templates_dir))
    return atomic_save(Path(out_path), lambda tmp: document.save(str(tmp)))


def render_text(renja: Renja, fmt: str = "md", templates_dir: str | Path | None = None) -> str:
    """The chapters as Markdown ('md') or a standalone HTML page ('html')."""
    from renja_xl.chapters.text_writer import to_html, to_markdown

    blocks = render_blocks(renja, templates_dir)
    if fmt == "md":
        return to_markdown(renja, blocks)
    if fmt == "html":
        return to_html(renja, blocks)
    raise ValueError(f"format '{fmt}' tidak dikenal (docx, md, html)")


def render_pdf(docx_path: str | Path, pdf_path: str | Path | None = None) -> Path:
    """Convert a written .docx to PDF through LibreOffice, with the table of contents and fields updated."""
    from renja_xl.chapters.pdf import docx_to_pdf

    return docx_to_pdf(Path(docx_path), Path(pdf_path) if pdf_path else None)


def write_chapters(renja: Renja, out_path: str | Path, fmt: str = "docx", templates_dir: str | Path | None = None,
                   pdf: bool = False) -> list[Path]:
    """What the CLI and the Excel button call: write OUT in the format, plus a PDF beside a .docx when asked."""
    out = Path(out_path)
    if fmt == "docx":
        render_docx(renja, out, templates_dir)
        written = [out]
        if pdf:
            written.append(render_pdf(out))
        return written
    text = render_text(renja, fmt, templates_dir)
    atomic_save(out, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    return [out]


def copy_templates(folder: str | Path) -> list[Path]:
    """Copy the package's templates to a folder for editing; existing files there are kept."""
    import shutil

    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    copied = []
    for source in sorted(package_templates().glob("*.j2")):
        dest = target / source.name
        if not dest.exists():
            shutil.copyfile(source, dest)
            copied.append(dest)
    return copied
