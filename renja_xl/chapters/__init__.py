"""BAB I-V of the Renja from Jinja templates: Word (.docx), Markdown, HTML, and PDF through LibreOffice.

Works on the in-memory Renja (so the Excel button can call it on the open workbook)::

    from renja_xl.chapters import render_docx
    render_docx(renja, "renja.docx", templates_dir=None)
"""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

from renja_xl.fileio.files import atomic_save
from renja_xl.domain.findings import Finding
from renja_xl.domain.model import Renja
from renja_xl.chapters.outline import Outline, OutlineError, load_outline, package_outlines
from renja_xl.chapters.render import TemplateError, package_templates, render_blocks

__all__ = ["render_docx", "render_text", "render_pdf", "write_chapters", "copy_templates", "TemplateError",
           "package_templates", "load_outline", "Outline", "OutlineError"]


def _blocks(renja: Renja, templates_dir, outline, errors) -> list:
    from renja_xl.chapters.draft import draft_blocks

    return render_blocks(renja, templates_dir, load_outline(outline) if not isinstance(outline, Outline) else outline) \
        + draft_blocks(list(errors))


def render_docx(renja: Renja, out_path: str | Path, templates_dir: str | Path | None = None,
                outline: str | Path | Outline | None = None, errors: Sequence[Finding] = (),
                learn_pages: bool = False) -> Path | None:
    """Write the chapters as a Word document; nothing is written when a template fails. Returns a backup's path.

    `errors` (validation's) make it a DRAF; `learn_pages` renders it once with LibreOffice so the Daftar Isi
    carries its page numbers."""
    from renja_xl.chapters.docx_writer import build_docx
    from renja_xl.chapters.draft import draft_mark

    blocks = _blocks(renja, templates_dir, outline, errors)
    mark = draft_mark(list(errors))
    document, entries = build_docx(renja, blocks, mark)
    if learn_pages:
        from renja_xl.chapters.pages import learn_pages as learn

        pages = learn(lambda path: build_docx(renja, blocks, mark, measure=True)[0].save(str(path)), entries)
        if pages:
            document, _ = build_docx(renja, blocks, mark, pages=pages)
    return atomic_save(Path(out_path), lambda tmp: document.save(str(tmp)))


def render_text(renja: Renja, fmt: str = "md", templates_dir: str | Path | None = None,
                outline: str | Path | Outline | None = None, errors: Sequence[Finding] = ()) -> str:
    """The chapters as Markdown ('md') or a standalone HTML page ('html')."""
    from renja_xl.chapters.draft import draft_mark
    from renja_xl.chapters.text_writer import to_html, to_markdown

    if fmt not in ("md", "html"):
        raise ValueError(f"format '{fmt}' tidak dikenal (docx, md, html)")
    blocks = _blocks(renja, templates_dir, outline, errors)
    mark = draft_mark(list(errors))
    return to_markdown(renja, blocks, mark) if fmt == "md" else to_html(renja, blocks, mark)


def render_pdf(docx_path: str | Path, pdf_path: str | Path | None = None, update_indexes: bool = True) -> Path:
    """Convert a written .docx to PDF through LibreOffice (indexes and fields updated unless already written)."""
    from renja_xl.chapters.pdf import docx_to_pdf

    return docx_to_pdf(Path(docx_path), Path(pdf_path) if pdf_path else None, update_indexes=update_indexes)


def write_chapters(renja: Renja, out_path: str | Path, fmt: str = "docx", templates_dir: str | Path | None = None,
                   pdf: bool = False, outline: str | Path | Outline | None = None,
                   errors: Sequence[Finding] = (), learn_pages: bool = False) -> list[Path]:
    """Write OUT in the format, plus a PDF beside a .docx when asked."""
    out = Path(out_path)
    if fmt == "docx":
        render_docx(renja, out, templates_dir, outline, errors, learn_pages)
        written = [out]
        if pdf:
            written.append(render_pdf(out, update_indexes=not learn_pages))
        return written
    text = render_text(renja, fmt, templates_dir, outline, errors)
    atomic_save(out, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    return [out]


def copy_templates(folder: str | Path) -> list[Path]:
    """Copy the package's templates and outlines (sistematika .json) to a folder for editing; existing files
    there are kept."""
    import shutil

    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    copied = []
    for source in sorted(package_templates().glob("*.j2")) + sorted(package_outlines().glob("*.json")):
        dest = target / source.name
        if not dest.exists():
            shutil.copyfile(source, dest)
            copied.append(dest)
    return copied
