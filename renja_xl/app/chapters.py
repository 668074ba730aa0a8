"""The chapters command: read the workbook, validate it as `validate` does, write the document (a DRAF while
validation finds errors), and say what happened. The CLI and the Excel button present the outcome."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from renja_xl.domain.errors import OutputError
from renja_xl.domain.findings import Finding
from renja_xl.fileio.paths import check_output
from renja_xl.workbook.grid import Grid

FORMATS = {".docx": "docx", ".md": "md", ".html": "html", ".htm": "html"}  # output suffix -> format


@dataclass
class ChaptersOutcome:
    written: list[Path] = field(default_factory=list)
    errors: list[Finding] = field(default_factory=list)  # validation's errors (the Catatan Validasi)
    findings: list[Finding] = field(default_factory=list)  # every finding
    outline: str = ""
    refused: bool = False  # --final with errors: nothing written
    missing: list[str] = field(default_factory=list)  # what the outline places but the workbook leaves empty
    created_folder: Path | None = None  # a missing folder made for the output

    @property
    def draft(self) -> bool:
        return bool(self.errors)


def validated_renja(grid: Grid):
    """The numbered Renja and every finding of `validate` (the same rules and the same Pengaturan Validasi)."""
    from renja_xl.workbook.reader import read_renja
    from renja_xl.workbook.validation import read_settings, validate_renja

    renja = read_renja(grid)
    settings, notes = read_settings(grid)
    renja.findings.extend(notes)
    return renja, validate_renja(renja, None, settings)


def outline_choice(renja, outline: str | Path | None) -> str | Path | None:
    """--outline FILE wins; else the Identitas choice; else the shipped default."""
    return outline if outline is not None else renja.identitas.get("sistematika")


def missing_parts(renja, outline) -> list[str]:
    """The tables and Teks Bab sections the outline prints as 'belum diisi', named for the user."""
    from renja_xl.chapters.tables import SHEET_OF, has_data

    out = []
    for key in outline.table_keys():
        if not has_data(renja, key):
            nomor = outline.tabel[key].nomor
            out.append(f"Tabel {nomor}: " + (f"sheet '{SHEET_OF[key]}' kosong" if key in SHEET_OF
                                             else "formulirnya belum ada di buku kerja"))

    def walk(items):
        for s in items:
            if s["teks"] and not s["templat"] and not s["tabel"] and not s["bagian"] and \
                    not any(renja.teks_bagian(t) for t in s["teks"]):
                out.append(f"{s['judul']}: Teks Bab bagian " + " / ".join(f"'{t}'" for t in s["teks"]) + " kosong")
            walk(s["bagian"])

    walk(outline.bab)
    return out


def write_chapters(grid: Grid, output: str | Path, fmt: str | None = None, templates_dir: str | Path | None = None,
                   pdf: bool = False, outline: str | Path | None = None, final: bool = False,
                   learn_pages: bool = True) -> ChaptersOutcome:
    """`fmt`: docx, md or html; by default from the output's suffix. `pdf`: a PDF beside the .docx."""
    from renja_xl.chapters import load_outline, write_chapters as write

    output = Path(output)
    created = check_output(output, tuple(FORMATS), hint=f"untuk PDF tulis -o {output.with_suffix('.docx')} --pdf "
                                                        "(PDF dibuat di sampingnya)")
    fmt = fmt or FORMATS[output.suffix.lower()]
    if pdf and fmt != "docx":
        raise OutputError("PDF hanya dibuat dari keluaran docx (-o NAMA.docx --pdf). Tidak ada yang ditulis.")
    renja, findings = validated_renja(grid)
    errors = [f for f in findings if f.severity == "error"]
    chosen = load_outline(outline_choice(renja, outline))
    outcome = ChaptersOutcome(errors=errors, findings=findings, outline=chosen.nama,
                              missing=missing_parts(renja, chosen), created_folder=created)
    if final and errors:
        outcome.refused = True
        return outcome
    outcome.written = write(renja, output, fmt, templates_dir, pdf, chosen, errors,
                            learn_pages=learn_pages and fmt == "docx")
    return outcome
