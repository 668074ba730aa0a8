"""Command line: a thin layer over the library. Library errors become a clean message and a non-zero exit."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from renja_xl import __version__
from renja_xl.domain.errors import InputErrors, RenjaError
from renja_xl.domain.findings import Finding, has_errors

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


# Findings printed per rule; the rest are counted (all of them are in --json and the Validasi sheet): a table of
# 100,000 rows with one mistake repeated would otherwise print 100,000 lines.
MAX_PER_RULE = 20
# Exit statuses (README, `renja-xl --help`): 1 the workbook has errors, 2 the input cannot be used (a message
# says why), 3 the program itself failed (a bug: its traceback is printed for the report).
EXIT_FINDINGS, EXIT_INPUT, EXIT_INTERNAL = 1, 2, 3


def _print_findings(findings: list[Finding], stream=None, per_rule: int = MAX_PER_RULE) -> None:
    stream = stream or sys.stdout
    shown: dict[str, int] = {}
    for f in findings:
        n = shown[f.rule] = shown.get(f.rule, 0) + 1
        if n <= per_rule:
            click.echo(f.line(), file=stream)
    for rule, n in shown.items():
        if n > per_rule:
            click.echo(f"... dan {n - per_rule:,} temuan '{rule}' lainnya (semua ada di --json dan di sheet "
                       "Validasi dengan --tulis).".replace(",", "."), file=stream)


class RenjaGroup(click.Group):
    """Maps the library's user errors to Indonesian messages and exit codes; a bug keeps its traceback and gets
    its own exit status, so that scripts (the Bappeda rekap) can tell it from a workbook with errors."""

    def invoke(self, ctx):
        from renja_xl.support.memory import paused_gc

        try:
            with paused_gc():  # one pause for the whole command: a short-lived process never collects
                return super().invoke(ctx)
        except InputErrors as exc:
            _print_findings(exc.findings, sys.stderr)
            click.echo(f"Galat: {exc}", err=True)
            sys.exit(EXIT_FINDINGS)
        except RenjaError as exc:
            click.echo(f"Galat: {exc}", err=True)
            sys.exit(EXIT_INPUT)
        except (click.exceptions.ClickException, click.exceptions.Abort, click.exceptions.Exit):
            raise
        except Exception:  # noqa: BLE001 - a bug: the traceback is printed, and the status says it was one
            import traceback

            traceback.print_exc()
            click.echo(f"Galat internal Renja XL (bukan kesalahan isian; status {EXIT_INTERNAL}). Laporkan pesan di "
                       "atas beserta berkasnya.", err=True)
            sys.exit(EXIT_INTERNAL)


@click.group(cls=RenjaGroup, context_settings=CONTEXT)
@click.version_option(__version__, "--versi", message="renja-xl %(version)s")
def main() -> None:
    """Renja XL: Rencana Kerja Perangkat Daerah dari buku kerja Excel.

    \b
    Contoh:
      renja-xl example keluaran/contoh.xlsx
      renja-xl recalc renja.xlsx
      renja-xl validate renja.xlsx --json

    \b
    Status keluar: 0 berhasil; 1 buku kerja memuat galat; 2 berkas atau isian tidak dapat
    dipakai (pesan menyebut sebabnya); 3 galat internal Renja XL (laporkan).
    """


@main.command("new")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
def new_cmd(out: Path) -> None:
    """Membuat buku kerja Renja kosong dari templat.

    \b
    Contoh:
      renja-xl new renja_2025.xlsx
    """
    from renja_xl.engines.openpyxl_engine import OpenpyxlBook
    from renja_xl.build.xlsx_template import build_template

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
    from renja_xl.engines.openpyxl_engine import OpenpyxlBook
    from renja_xl.build.xlsx_template import build_template
    from renja_xl.workbook.example import fill_example
    from renja_xl.workbook.recalc import recalc

    book = OpenpyxlBook(out, build_template())
    fill_example(book)
    report = recalc(book)
    book.save()
    r = report.renja
    click.echo(f"Contoh ditulis ke {out}: {len([x for x in r.tabel6.rows if x.is_leaf and x.is_first])} sub kegiatan "
               f"di Tabel 6, {len([x for x in r.sipd.rows if x.is_leaf])} usulan SIPD.")
    from renja_xl.chapters import render_docx

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
    from renja_xl.engines.openpyxl_engine import OpenpyxlBook
    from renja_xl.workbook.recalc import recalc

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
@click.option("--tulis", is_flag=True,
              help="Tulis juga temuan ke sheet 'Validasi' di buku kerja (diganti seluruhnya; berkas lama ke 'cadangan').")
def validate_cmd(file: Path, as_json: bool, tulis: bool) -> None:
    """Validasi: kode, nomenklatur, isian, uang dan kecocokan antartabel. Keluar dengan status 1 bila ada galat.

    Status keluar: 0 tanpa galat, 1 ada galat di buku kerja, 2 berkas tidak dapat dibaca,
    3 galat internal Renja XL. Temuan dicetak paling banyak 20 per aturan (sisanya dihitung);
    --json dan --tulis memuat semuanya.

    Semua aturan dijalankan, lalu semua temuan dilaporkan (galat lebih dulu). Aturan dapat
    dimatikan atau diubah tingkatnya di sheet 'Pengaturan Validasi'. Kode dan nama dibandingkan
    dengan nomenklatur versi yang dipilih di Identitas (impor dulu dengan 'renja-xl nomenklatur import').

    \b
    Contoh:
      renja-xl validate renja.xlsx
      renja-xl validate renja.xlsx --json > temuan.json
      renja-xl validate renja.xlsx --tulis
    """
    from renja_xl.engines.calamine_engine import CalamineBook
    from renja_xl.domain.findings import counts
    from renja_xl.workbook.validation import validate_grid

    findings = validate_grid(CalamineBook(file))
    if tulis:
        from renja_xl.engines.openpyxl_engine import OpenpyxlBook
        from renja_xl.workbook.validation import write_validasi

        book = OpenpyxlBook(file)
        write_validasi(book, findings)
        backup = book.save()
        if not as_json:
            click.echo(f"Temuan ditulis ke sheet 'Validasi' di {file}" + (f" (cadangan: {backup})" if backup else "") + ".")
    if as_json:
        click.echo(json.dumps([f.as_dict() for f in findings], ensure_ascii=False, indent=2))
    else:
        _print_findings(findings)
        c = counts(findings)
        click.echo(f"{c['error']} galat, {c['warning']} peringatan, {c['info']} info.")
    if has_errors(findings):
        sys.exit(EXIT_FINDINGS)


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
    from renja_xl.chapters import copy_templates, write_chapters
    from renja_xl.engines.calamine_engine import CalamineBook
    from renja_xl.domain.errors import InputErrors
    from renja_xl.workbook.reader import read_renja

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


@main.group("nomenklatur", cls=RenjaGroup)
def nomenklatur_group() -> None:
    """Nomenklatur (kode dan nama resmi) per versi Kepmendagri: impor dan daftar versi.

    Daftar disimpan di folder pengguna (atau di $RENJA_XL_HOME/nomenklatur bila variabel itu diisi)
    dan dipakai Validasi menurut 'Versi Nomenklatur' di sheet Identitas.

    \b
    Contoh:
      renja-xl nomenklatur import lampiran_1317_2023.xlsx --versi "Kepmendagri 900.1.15.5-1317 Tahun 2023"
      renja-xl nomenklatur list
    """


@nomenklatur_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--versi", required=True,
              help="Nama versi, sama dengan pilihan 'Versi Nomenklatur' di Identitas, "
                   "misalnya \"Kepmendagri 900.1.15.5-1317 Tahun 2023\".")
@click.option("--digit-sub", type=click.Choice(["2", "4"]), default="4", show_default=True,
              help="Digit sub kegiatan bila lampiran menyimpannya sebagai angka (2 s.d. 2021, 4 sejak 2023).")
def nomenklatur_import_cmd(file: Path, versi: str, digit_sub: str) -> None:
    """Mengimpor daftar nomenklatur dari lampiran Kepmendagri (.xlsx) atau CSV bersih (kode,level,nama,...).

    Lampiran .xlsx dibaca dalam tata letaknya sendiri: satu bagian kode per kolom (URUSAN, BIDANG
    URUSAN, PROGRAM, KEGIATAN, SUB KEGIATAN), lalu nomenklatur, kinerja, indikator dan satuan;
    spasi dan pemenggalan hasil salinan PDF dirapikan. Program penunjang generik X.XX.01 dibaca
    dengan bidang urusan perangkat daerah saat validasi. Versi yang sama ditimpa.

    \b
    Contoh:
      renja-xl nomenklatur import lampiran_1317_2023.xlsx --versi "Kepmendagri 900.1.15.5-1317 Tahun 2023"
      renja-xl nomenklatur import nomenklatur_2020.csv --versi "Kepmendagri 050-3708 Tahun 2020"
    """
    from renja_xl.nomenklatur import NomenklaturError, parse_csv_rows, parse_lampiran_block, save_version

    if not file.exists():
        raise NomenklaturError(f"berkas '{file}' tidak ditemukan.")
    if file.suffix.lower() in (".xlsx", ".xlsm"):
        from renja_xl.engines.calamine_engine import CalamineBook

        book = CalamineBook(file)
        result = None
        problems = []
        for name in book.sheet_names():
            try:
                result = parse_lampiran_block(book.read(name), versi, f"{file.name} sheet '{name}'", int(digit_sub))
                break
            except NomenklaturError as exc:
                problems.append(str(exc))
        if result is None:
            raise NomenklaturError("; ".join(problems) or f"{file.name}: tidak ada sheet.")
    elif file.suffix.lower() in (".csv", ".txt"):
        from renja_xl.fileio.csv_text import read_csv_file

        result = parse_csv_rows(read_csv_file(file), versi, file.name)
    else:
        raise NomenklaturError(f"berkas '{file.name}': gunakan lampiran .xlsx atau .csv (kode,level,nama,...).")
    for note in result.notes:
        click.echo(f"Peringatan: {note}", err=True)
    target = save_version(result.nomenklatur, file.name)
    c = result.nomenklatur.counts()
    click.echo(f"Nomenklatur '{versi}' diimpor ke {target}: {c['urusan']} urusan, {c['bidang']} bidang, "
               f"{c['program']} program, {c['kegiatan']} kegiatan, {c['sub_kegiatan']} sub kegiatan"
               + (f"; {len(result.notes)} baris dilewati." if result.notes else "."))


@nomenklatur_group.command("list")
def nomenklatur_list_cmd() -> None:
    """Menampilkan versi nomenklatur yang sudah diimpor.

    \b
    Contoh:
      renja-xl nomenklatur list
    """
    from renja_xl.nomenklatur import default_names, list_versions, store_dir

    versions = list_versions()
    click.echo(f"Folder nomenklatur: {store_dir()}")
    if not versions:
        click.echo("Belum ada versi yang diimpor; hanya daftar contoh bawaan "
                   f"({len(default_names())} kode). Impor dengan: renja-xl nomenklatur import BERKAS --versi NAMA")
        return
    for meta in versions:
        c = meta.get("jumlah", {})
        click.echo(f"- {meta['versi']}: {c.get('program', 0)} program, {c.get('kegiatan', 0)} kegiatan, "
                   f"{c.get('sub_kegiatan', 0)} sub kegiatan (dari {meta.get('sumber', '?')}, {meta.get('diimpor', '?')})")


@main.command("import-sipd")
@click.argument("sipd_file", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("workbook", type=click.Path(dir_okay=False, path_type=Path))
def import_sipd_cmd(sipd_file: Path, workbook: Path) -> None:
    """Mengimpor cetakan SIPD-RI 'Usulan ... Semua Usulan' (.xlsx atau .csv) ke sheet 'Usulan SIPD'.

    Judul halaman yang berulang, 'Nama Sub Kegiatan - Nama Usulan' dalam satu sel, 'VOLUME / SATUAN'
    dalam satu sel dan pagu yang tercetak dua kali dibaca apa adanya. Hanya sheet 'Usulan SIPD'
    yang ditulis (isinya diganti); pagu induk menjadi rumus subtotal. Berkas lama disimpan di
    folder 'cadangan'. Bila ada baris yang tidak terbaca, tidak ada yang ditulis.

    \b
    Contoh:
      renja-xl import-sipd usulan_sipd_2024.xlsx renja.xlsx
      renja-xl import-sipd usulan_sipd_2024.csv renja.xlsx
    """
    from renja_xl.engines.openpyxl_engine import OpenpyxlBook
    from renja_xl.domain.errors import WorkbookError
    from renja_xl.sipd.usulan import import_print, parse_print

    if not sipd_file.exists():
        raise WorkbookError(f"berkas '{sipd_file}' tidak ditemukan.")
    from renja_xl.sipd.usulan import SipdError

    printed = None
    try:
        if sipd_file.suffix.lower() in (".csv", ".txt"):
            from renja_xl.fileio.csv_text import read_csv_file

            printed = parse_print(read_csv_file(sipd_file))
        else:
            from renja_xl.engines.calamine_engine import CalamineBook

            source = CalamineBook(sipd_file)
            names = source.sheet_names()
            for name in names:  # the print is usually the first sheet; take the first that has its header
                try:
                    printed = parse_print(source.read(name))
                    break
                except SipdError:
                    if name == names[-1]:
                        raise
            if printed is None:
                printed = parse_print([])
    except SipdError as exc:  # the print's own message names rows, not the file
        if sipd_file.name in str(exc):
            raise
        raise SipdError(f"berkas '{sipd_file.name}': {exc}") from exc
    book = OpenpyxlBook(workbook)
    result = import_print(book, printed)
    backup = book.save()
    _print_findings(result.notes)
    from renja_xl.domain.fmt import rupiah

    click.echo(f"{len(printed.leaves)} usulan sub kegiatan ({rupiah(result.total)}) ditulis ke sheet 'Usulan SIPD' "
               f"di {workbook}" + (f" (cadangan: {backup})" if backup else "") + ".")


@main.command("build-xlsm")
@click.option("-o", "--outdir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder tujuan (bawaan: templates_xlsx di folder proyek).")
@click.option("--macros", "macros_dir", type=click.Path(file_okay=False, exists=True, path_type=Path), default=None,
              help="Folder sumber VBA (.bas); bawaan: macros di folder proyek.")
def build_xlsm_cmd(outdir: Path | None, macros_dir: Path | None) -> None:
    """Membangun buku kerja bermakro (.xlsm) dengan tombol di sheet Petunjuk.

    Templat dan contoh dibuat dari kode, modul VBA diambil dari macros/RenjaXL.bas, dan tombol
    Hitung Ulang, Validasi, Buat Narasi, Impor SIPD dan Periksa Pemasangan dipasang di sheet
    Petunjuk. Hasilnya sama persis setiap kali dibangun (dapat dibangun di Linux tanpa Excel).
    Membutuhkan paket tambahan: pip install "renja-xl[xlsm]".

    \b
    Contoh:
      renja-xl build-xlsm
      renja-xl build-xlsm -o keluaran
    """
    from renja_xl.build.xlsm import MACROS, ROOT, build_all

    for path in build_all(outdir or ROOT / "templates_xlsx", macros_dir or MACROS):
        click.echo(f"Ditulis: {path}")
