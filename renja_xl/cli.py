"""Command line: a thin layer over the library. Library errors become a clean message and a non-zero exit."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from . import __version__
from .errors import InputErrors, RenjaError
from .findings import Finding, has_errors

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def _print_findings(findings: list[Finding], stream=None) -> None:
    stream = stream or sys.stdout
    for f in findings:
        click.echo(f.line(), file=stream)


class RenjaGroup(click.Group):
    """Maps the library's user errors to Indonesian messages and exit codes (a bug keeps its traceback)."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except InputErrors as exc:
            _print_findings(exc.findings, sys.stderr)
            click.echo(f"Galat: {exc}", err=True)
            sys.exit(1)
        except RenjaError as exc:
            click.echo(f"Galat: {exc}", err=True)
            sys.exit(2)


@click.group(cls=RenjaGroup, context_settings=CONTEXT)
@click.version_option(__version__, "--versi", message="renja-xl %(version)s")
def main() -> None:
    """Renja XL: Rencana Kerja Perangkat Daerah dari buku kerja Excel.

    \b
    Contoh:
      renja-xl example keluaran/contoh.xlsx
      renja-xl recalc renja.xlsx
      renja-xl validate renja.xlsx --json
    """


@main.command("new")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
def new_cmd(out: Path) -> None:
    """Membuat buku kerja Renja kosong dari templat.

    \b
    Contoh:
      renja-xl new renja_2025.xlsx
    """
    from .engines.openpyxl_engine import OpenpyxlBook
    from .engines.xlsx_template import build_template

    backup = OpenpyxlBook(out, build_template()).save()
    click.echo(f"Templat kosong ditulis ke {out}" + (f" (berkas lama disimpan di {backup})" if backup else ""))


@main.command("example")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
def example_cmd(out: Path) -> None:
    """Menulis contoh terisi: Renja 2024 BKD Provinsi Kalimantan Barat, sudah dihitung ulang.

    \b
    Contoh:
      renja-xl example keluaran/contoh.xlsx
    """
    from .engines.openpyxl_engine import OpenpyxlBook
    from .engines.xlsx_template import build_template
    from .example import fill_example
    from .recalc import recalc

    book = OpenpyxlBook(out, build_template())
    fill_example(book)
    report = recalc(book)
    book.save()
    r = report.renja
    click.echo(f"Contoh ditulis ke {out}: {len([x for x in r.tabel6.rows if x.is_leaf and x.is_first])} sub kegiatan "
               f"di Tabel 6, {len([x for x in r.sipd.rows if x.is_leaf])} usulan SIPD.")
    from .chapters import render_docx

    render_docx(r, out.with_suffix(".docx"))
    click.echo(f"Narasi BAB I-V ditulis ke {out.with_suffix('.docx')}.")


@main.command("recalc")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Simpan ke berkas lain (bawaan: menimpa FILE setelah menyimpan cadangannya).")
def recalc_cmd(file: Path, output: Path | None) -> None:
    """Hitung ulang: baris induk, urutan kode, penomoran dan rumus subtotal.

    Hanya sel milik Renja XL yang diubah; isian pengguna dipindah apa adanya bila urutan
    baris berubah. Salinan berkas lama disimpan di folder 'cadangan' di samping berkas.

    \b
    Contoh:
      renja-xl recalc renja.xlsx
      renja-xl recalc renja.xlsx -o renja_baru.xlsx
    """
    from .engines.openpyxl_engine import OpenpyxlBook
    from .recalc import recalc

    book = OpenpyxlBook(file)
    report = recalc(book)
    _print_findings(report.notes)
    if report.writes == 0 and output is None:
        click.echo(f"Tidak ada yang perlu diubah; {file} sudah mutakhir.")
        return
    backup = book.save(output or file)
    inserted = sum(report.inserted.values())
    click.echo(f"Hitung ulang selesai: {inserted} baris induk ditambahkan, {report.writes} blok ditulis; "
               f"disimpan ke {output or file}" + (f" (cadangan: {backup})" if backup else "") + ".")


@main.command("validate")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Cetak temuan sebagai JSON (daftar objek).")
def validate_cmd(file: Path, as_json: bool) -> None:
    """Validasi: kode, hierarki, angka dan jumlah uang. Keluar dengan status 1 bila ada galat.

    \b
    Contoh:
      renja-xl validate renja.xlsx
      renja-xl validate renja.xlsx --json > temuan.json
    """
    from .engines.calamine_engine import CalamineBook
    from .validate import validate_grid

    findings = validate_grid(CalamineBook(file))
    if as_json:
        click.echo(json.dumps([f.as_dict() for f in findings], ensure_ascii=False, indent=2))
    else:
        _print_findings(findings)
        counts = {s: sum(1 for f in findings if f.severity == s) for s in ("error", "warning", "info")}
        click.echo(f"{counts['error']} galat, {counts['warning']} peringatan, {counts['info']} info.")
    if has_errors(findings):
        sys.exit(1)


@main.command("chapters")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Berkas keluaran (.docx, .md atau .html); wajib kecuali dengan --salin-templat.")
@click.option("--templates", "templates_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder templat sendiri; templat yang tidak ada di sana diambil dari templat bawaan.")
@click.option("--format", "fmt", type=click.Choice(["docx", "md", "html"]), default=None,
              help="Format keluaran (bawaan: menurut akhiran OUTPUT, selain itu docx).")
@click.option("--pdf", is_flag=True, help="Buat juga PDF di samping .docx melalui LibreOffice (daftar isi diperbarui).")
@click.option("--salin-templat", "copy_to", type=click.Path(file_okay=False, path_type=Path),
              help="Salin templat bawaan ke folder ini untuk diubah, lalu berhenti.")
def chapters_cmd(file: Path, output: Path | None, templates_dir: Path | None, fmt: str | None, pdf: bool,
                 copy_to: Path | None) -> None:
    """Menulis narasi Renja (Kata Pengantar, BAB I-V, Lampiran) dari buku kerja ke Word, Markdown atau HTML.

    Setiap angka dan daftar dalam kalimat (jumlah program, kegiatan dan sub kegiatan, rerata capaian
    IKU, total anggaran) dihitung dari tabel buku kerja. Paragraf yang ditulis perencana diambil dari
    sheet 'Teks Bab'. Templat (Jinja) dapat disalin dan diubah; kesalahan templat dilaporkan dengan
    nama berkas dan nomor barisnya, dan dokumen lama tidak tersentuh.

    \b
    Contoh:
      renja-xl chapters renja.xlsx -o renja.docx
      renja-xl chapters renja.xlsx -o renja.docx --pdf
      renja-xl chapters renja.xlsx -o renja.md --format md
      renja-xl chapters renja.xlsx --salin-templat templat_saya
      renja-xl chapters renja.xlsx -o renja.docx --templates templat_saya
    """
    from .chapters import copy_templates, write_chapters
    from .engines.calamine_engine import CalamineBook
    from .errors import InputErrors
    from .reader import read_renja

    if copy_to is not None:
        copied = copy_templates(copy_to)
        click.echo(f"{len(copied)} templat disalin ke {copy_to}; ubah lalu pakai dengan --templates {copy_to}.")
        return
    if output is None:
        raise click.UsageError("sebutkan berkas keluaran dengan -o, misalnya -o renja.docx.")
    fmt = fmt or {".md": "md", ".html": "html", ".htm": "html"}.get(output.suffix.lower(), "docx")
    if pdf and fmt != "docx":
        raise click.UsageError("--pdf hanya untuk keluaran docx.")
    renja = read_renja(CalamineBook(file))
    if has_errors(renja.findings):
        raise InputErrors(renja.findings)
    written = write_chapters(renja, output, fmt, templates_dir, pdf)
    click.echo("Narasi ditulis ke " + ", ".join(str(p) for p in written) + ".")
