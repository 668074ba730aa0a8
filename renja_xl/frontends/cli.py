"""Command line: a thin layer over the library. Library errors become a clean message and a non-zero exit."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from renja_xl import __version__
from renja_xl.domain.errors import InputErrors, RenjaError
from renja_xl.domain.findings import Finding
from renja_xl.domain.fmt import angka
from renja_xl.fileio.paths import created_note
from renja_xl.frontends import click_id

click_id.install()  # before the commands below are declared: click's own texts in Indonesian

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


def _say_created(folder) -> None:
    if folder is not None:
        click.echo(created_note(folder))


class RenjaGroup(click_id.Group):
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


@click.group(cls=RenjaGroup, context_settings=CONTEXT, invoke_without_command=True)
@click.version_option(__version__, "--versi", "--version", message="renja-xl %(version)s")
@click.pass_context
def main(ctx: click.Context) -> None:
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
    if ctx.invoked_subcommand is None:  # bare `renja-xl`: the help, and success
        click.echo(ctx.get_help())


@main.command("new")
@click.argument("out", metavar="KELUARAN", type=click.Path(dir_okay=False, path_type=Path))
def new_cmd(out: Path) -> None:
    """Membuat buku kerja Renja kosong dari templat (.xlsx, atau .xlsm dengan tombol makro).

    \b
    Contoh:
      renja-xl new renja_2025.xlsx
      renja-xl new renja_2025.xlsm
    """
    from renja_xl.app.workbook import new_workbook

    outcome = new_workbook(out)
    _say_created(outcome.created_folder)
    click.echo(f"Templat kosong ditulis ke {out}"
               + (f" (berkas lama disimpan di {outcome.backup})" if outcome.backup else "") + ".")


@main.command("example")
@click.argument("out", metavar="KELUARAN", type=click.Path(dir_okay=False, path_type=Path))
def example_cmd(out: Path) -> None:
    """Menulis contoh terisi: Renja 2024 BKD Provinsi Kalimantan Barat, sudah dihitung ulang, dan narasinya (.docx).

    \b
    Contoh:
      renja-xl example keluaran/contoh.xlsx
      renja-xl example contoh.xlsm
    """
    from renja_xl.app.workbook import write_example

    outcome = write_example(out)
    _say_created(outcome.created_folder)
    click.echo(f"Contoh ditulis ke {out}: {angka(outcome.sub_kegiatan)} sub kegiatan di Tabel 6, "
               f"{angka(outcome.usulan)} usulan SIPD.")
    _present_chapters(outcome.chapters)


def _present_chapters(outcome) -> None:
    click.echo(f"Narasi ({outcome.outline}) ditulis ke " + ", ".join(str(p) for p in outcome.written) + ".")
    if outcome.missing:
        click.echo("Dicetak 'belum diisi': " + "; ".join(outcome.missing) + ".")
    if outcome.draft:
        click.echo(f"Dokumen ini DRAF: validasi menemukan {angka(len(outcome.errors))} galat (tercantum di Catatan "
                   "Validasi di akhir dokumen). Perbaiki lalu buat ulang; --final menolak dokumen yang belum lulus.")


@main.command("recalc")
@click.argument("file", metavar="BERKAS", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", metavar="KELUARAN", type=click.Path(dir_okay=False, path_type=Path),
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
    from renja_xl.app.recalc import recalc_file

    outcome = recalc_file(file, output)
    _say_created(outcome.created_folder)
    _print_findings(outcome.notes)
    if outcome.saved_to is None:
        click.echo(f"Tidak ada yang perlu diubah; {file} sudah mutakhir.")
        return
    click.echo(outcome.summary() + f" Disimpan ke {outcome.saved_to}"
               + (f" (cadangan: {outcome.backup})" if outcome.backup else "") + ".")


@main.command("validate")
@click.argument("file", metavar="BERKAS", type=click.Path(dir_okay=False, path_type=Path))
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
    from renja_xl.app.validate import validate_file

    outcome = validate_file(file, write_sheet=tulis)
    findings = outcome.findings
    if tulis:
        written = (f"{angka(len(findings))} temuan ditulis ke sheet 'Validasi' di {file}; "
                   + (f"salinan berkas sebelumnya disimpan di {outcome.backup}." if outcome.backup
                      else "tidak ada berkas lama."))
    if as_json:
        click.echo(json.dumps([f.as_dict() for f in outcome.findings], ensure_ascii=False, indent=2))
    else:
        _print_findings(findings)
        click.echo(outcome.count_text() + ".")
    if tulis:
        click.echo(written, err=as_json)  # after the findings, where it is seen; off stdout when that is JSON
    if outcome.has_errors:
        sys.exit(EXIT_FINDINGS)


@main.command("chapters")
@click.argument("file", metavar="BERKAS", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", metavar="KELUARAN", type=click.Path(dir_okay=False, path_type=Path),
              help="Berkas keluaran (.docx, .md atau .html); wajib kecuali dengan --salin-templat.")
@click.option("--templates", "templates_dir", metavar="FOLDER", type=click.Path(file_okay=False, path_type=Path),
              help="Folder templat sendiri; templat yang tidak ada di sana diambil dari templat bawaan.")
@click.option("--format", "fmt", type=click.Choice(["docx", "md", "html"]), default=None,
              help="Format keluaran (bawaan: menurut akhiran OUTPUT, selain itu docx).")
@click.option("--pdf", is_flag=True, help="Buat juga PDF di samping .docx melalui LibreOffice (daftar isi diperbarui).")
@click.option("--salin-templat", "copy_to", metavar="FOLDER", type=click.Path(file_okay=False, path_type=Path),
              help="Salin templat dan sistematika bawaan ke folder ini untuk diubah, lalu berhenti.")
@click.option("--outline", "outline", metavar="BERKAS", type=click.Path(dir_okay=False, path_type=Path),
              help="Sistematika sendiri (.json); bawaan: pilihan 'Sistematika Dokumen' di Identitas.")
@click.option("--final", is_flag=True, help="Tolak menulis bila validasi menemukan galat (tanpa DRAF).")
def chapters_cmd(file: Path, output: Path | None, templates_dir: Path | None, fmt: str | None, pdf: bool,
                 copy_to: Path | None, outline: Path | None, final: bool) -> None:
    """Menulis narasi Renja (Kata Pengantar, BAB, Lampiran) dari buku kerja ke Word, Markdown atau HTML.

    Setiap angka dan daftar dalam kalimat (jumlah program, kegiatan dan sub kegiatan, rerata capaian
    IKU, total anggaran) dihitung dari tabel buku kerja. Paragraf yang ditulis perencana diambil dari
    sheet 'Teks Bab'. Susunan bab mengikuti sistematika (Identitas atau --outline). Bila validasi
    menemukan galat, dokumen ditandai DRAF dan ditutup dengan Catatan Validasi; --final menolak
    menulisnya (status 1). Templat (Jinja) dapat disalin dan diubah; kesalahan templat dilaporkan
    dengan nama berkas dan nomor barisnya, dan dokumen lama tidak tersentuh.

    \b
    Contoh:
      renja-xl chapters renja.xlsx -o renja.docx
      renja-xl chapters renja.xlsx -o renja.docx --pdf
      renja-xl chapters renja.xlsx -o renja.docx --final
      renja-xl chapters renja.xlsx -o renja.md --format md
      renja-xl chapters renja.xlsx --salin-templat templat_saya
      renja-xl chapters renja.xlsx -o renja.docx --templates templat_saya --outline templat_saya/pedoman_2026.json
    """
    from renja_xl.app.chapters import write_chapters
    from renja_xl.chapters import copy_templates
    from renja_xl.chapters.draft import MAX_LISTED, finding_line
    from renja_xl.engines.calamine_engine import CalamineBook

    if copy_to is not None:
        copied = copy_templates(copy_to)
        click.echo(f"{len(copied)} templat disalin ke {copy_to}; ubah lalu pakai dengan --templates {copy_to}.")
        return
    if output is None:
        raise click.UsageError("sebutkan berkas keluaran dengan -o, misalnya -o renja.docx.")
    outcome = write_chapters(CalamineBook(file), output, fmt, templates_dir, pdf, outline, final)
    _say_created(outcome.created_folder)
    if outcome.refused:
        click.echo(f"Narasi TIDAK ditulis (--final): validasi menemukan {angka(len(outcome.errors))} galat:", err=True)
        for f in outcome.errors[:MAX_LISTED]:
            click.echo("  " + finding_line(f), err=True)
        if len(outcome.errors) > MAX_LISTED:
            click.echo(f"  ... dan {angka(len(outcome.errors) - MAX_LISTED)} galat lainnya (renja-xl validate).", err=True)
        sys.exit(EXIT_FINDINGS)
    _present_chapters(outcome)


@main.group("nomenklatur", cls=RenjaGroup)
def nomenklatur_group() -> None:
    """Nomenklatur (kode dan nama resmi) per versi Kepmendagri: impor, daftar versi, perbedaan.

    Daftar bawaan (tanpa impor): Kepmendagri 050-3708/2020 (provinsi dan kabupaten/kota) dan
    900.1.15.5-1317/2023 (kabupaten/kota). Versi lain diimpor dari lampirannya atau sebagai daftar
    perubahan atas versi sebelumnya (--dasar); disimpan di folder pengguna (atau di
    $RENJA_XL_HOME/nomenklatur bila variabel itu diisi). Validasi memakai versi yang dipilih di
    'Versi Nomenklatur' sheet Identitas; 'renja-xl migrasi' memindahkan buku kerja ke versi lain.

    \b
    Contoh:
      renja-xl nomenklatur list
      renja-xl nomenklatur import lampiran_1317_2023.xlsx --versi "Kepmendagri 900.1.15.5-1317 Tahun 2023"
      renja-xl nomenklatur import perubahan.csv --versi "Kepmendagri 900.1.15.5-3406 Tahun 2024" --dasar 900.1.15.5-1317
      renja-xl nomenklatur diff 050-3708 900.1.15.5-1317 --jenis kabupaten
    """


@nomenklatur_group.command("import")
@click.argument("file", metavar="BERKAS", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--versi", required=True, metavar="NAMA",
              help="Nama versi, sama dengan pilihan 'Versi Nomenklatur' di Identitas, "
                   "misalnya \"Kepmendagri 900.1.15.5-1317 Tahun 2023\".")
@click.option("--digit-sub", type=click.Choice(["2", "4"]), default="4", show_default=True,
              help="Digit sub kegiatan bila lampiran menyimpannya sebagai angka (2 s.d. 2021, 4 sejak 2023).")
@click.option("--dasar", default=None,
              help="FILE adalah daftar perubahan (aksi tambah/ubah/hapus) atas versi ini; hasilnya versi lengkap.")
def nomenklatur_import_cmd(file: Path, versi: str, digit_sub: str, dasar: str | None) -> None:
    """Mengimpor daftar nomenklatur: lampiran lengkap, atau perubahan sebuah Kepmendagri atas versi sebelumnya.

    Lampiran .xlsx dibaca dalam tata letaknya sendiri: satu bagian kode per kolom (URUSAN, BIDANG
    URUSAN, PROGRAM, KEGIATAN, SUB KEGIATAN), lalu nomenklatur, kinerja, indikator dan satuan;
    spasi dan pemenggalan hasil salinan PDF dirapikan. CSV bersih: kode,level,nama[,indikator,satuan,
    jenis_pemda,kinerja]. Program penunjang generik X.XX.01 dibaca dengan bidang urusan perangkat
    daerah saat validasi. Versi yang sama ditimpa.

    Dengan --dasar, FILE (.csv atau .xlsx) berisi perubahan: kolom aksi (tambah, ubah, hapus), kode,
    lalu level, nama, indikator, satuan, kinerja, jenis_pemda (provinsi/kabkota) dan kode_baru (kode
    pengganti untuk hapus, atau kode baru untuk ubah). Sel kosong pada 'ubah' mempertahankan nilai
    versi dasar. Daftar yang tidak cocok dengan versi dasarnya ditolak seluruhnya.

    \b
    Contoh:
      renja-xl nomenklatur import lampiran_1317_2023.xlsx --versi "Kepmendagri 900.1.15.5-1317 Tahun 2023"
      renja-xl nomenklatur import nomenklatur_2020.csv --versi "Kepmendagri 050-3708 Tahun 2020"
      renja-xl nomenklatur import perubahan_3406.csv --versi "Kepmendagri 900.1.15.5-3406 Tahun 2024" \\
          --dasar "Kepmendagri 900.1.15.5-1317 Tahun 2023"
    """
    from renja_xl.app.nomenklatur import import_list

    out = import_list(file, versi, int(digit_sub), dasar)
    for note in out.notes:
        click.echo(f"Peringatan: {note}", err=True)
    c = out.counts
    what = (f"{out.perubahan} baris perubahan atas '{out.dasar}' ({out.dihapus} kode dihapus); " if out.dasar else "")
    click.echo(f"Nomenklatur '{versi}' diimpor ke {out.target}: {what}{angka(c['urusan'])} urusan, "
               f"{angka(c['bidang'])} bidang, {angka(c['program'])} program, {angka(c['kegiatan'])} kegiatan, "
               f"{angka(c['sub_kegiatan'])} sub kegiatan"
               + (f"; {angka(len(out.notes))} baris dilewati." if out.notes and not out.dasar else "."))


@nomenklatur_group.command("list")
def nomenklatur_list_cmd() -> None:
    """Menampilkan versi nomenklatur: bawaan paket, yang diimpor, dan versi dikenal yang belum ada daftarnya.

    \b
    Contoh:
      renja-xl nomenklatur list
    """
    from renja_xl.app.nomenklatur import list_all

    out = list_all()

    def counts(meta) -> str:
        c = meta.get("jumlah", {})
        return (f"{angka(c.get('program', 0))} program, {angka(c.get('kegiatan', 0))} kegiatan, "
                f"{angka(c.get('sub_kegiatan', 0))} sub kegiatan")

    click.echo("Bawaan (tanpa impor):")
    for meta in out.builtin:
        click.echo(f"- {meta['versi']} ({meta.get('cakupan', '')}): {counts(meta)}; sumber {meta['sumber']['berkas']}")
    click.echo(f"Diimpor (folder {out.folder}):")
    if not out.imported:
        click.echo("- belum ada")
    for meta in out.imported:
        base = f", atas {meta['dasar']}" if meta.get("dasar") else ""
        click.echo(f"- {meta['versi']}: {counts(meta)} (dari {meta.get('sumber', '?')}{base}, {meta.get('diimpor', '?')})")
    if out.missing:
        click.echo("Belum ada daftarnya:")
        for known, how in out.missing:
            click.echo(f"- {known.nama} ({known.tanggal_teks}): {how}")


@nomenklatur_group.command("diff")
@click.argument("versi_a")
@click.argument("versi_b")
@click.option("--jenis", default=None, help="Bandingkan lampiran satu jenis pemda saja: provinsi, kabupaten atau kota.")
@click.option("--json", "as_json", is_flag=True, help="Cetak semua perbedaan sebagai JSON.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Tulis perbedaan ke buku kerja .xlsx (sheet Ringkasan dan Perbedaan).")
@click.option("--batas", type=int, default=20, show_default=True,
              help="Baris yang dicetak per jenis perbedaan di terminal (0 = semua).")
def nomenklatur_diff_cmd(versi_a: str, versi_b: str, jenis: str | None, as_json: bool, output: Path | None,
                         batas: int) -> None:
    """Perbedaan dua versi nomenklatur: ditambah, dihapus, ganti nama, pindah kode, indikator/satuan berubah.

    Versi disebut dengan nama atau nomornya (050-3708, 900.1.15.5-1317); daftar bawaan dan yang diimpor
    sama-sama dapat dipakai. Sub kegiatan 2 digit dan 4 digit bernomor sama dibandingkan sebagai satu kode
    bila namanya sama.

    \b
    Contoh:
      renja-xl nomenklatur diff 050-3708 900.1.15.5-1317 --jenis kabupaten
      renja-xl nomenklatur diff 050-3708 900.1.15.5-1317 --jenis kabupaten -o perbedaan.xlsx
      renja-xl nomenklatur diff 900.1.15.5-1317 900.1.15.5-3406 --json > perbedaan.json
    """
    from renja_xl.app.nomenklatur import diff_versions
    from renja_xl.nomenklatur.diff import KIND_LABELS

    out = diff_versions(versi_a, versi_b, jenis, output)
    d = out.diff
    if as_json:
        click.echo(json.dumps({"versi_lama": d.a, "versi_baru": d.b, "jenis_pemda": d.jenis_pemda,
                               "jumlah": d.counts(), "nomor_dilebarkan": d.widened,
                               "perbedaan": [r.as_dict() for r in d.rows]}, ensure_ascii=False, indent=2))
        return
    click.echo(f"Perbedaan '{d.a}' -> '{d.b}'" + (f" (lampiran {jenis})" if jenis else "") + ":")
    counts = d.counts()
    for kind, label in KIND_LABELS.items():
        rows = [r for r in d.rows if r.jenis == kind]
        click.echo(f"{label}: {counts[kind]}")
        for r in rows[:batas or None]:
            old = f"{r.kode_lama} {r.nama_lama}".strip()
            new = f"{r.kode_baru} {r.nama_baru}".strip()
            detail = f" ('{r.lama}' -> '{r.baru}')" if r.lama or r.baru else ""
            click.echo(f"  {old or '-'} -> {new or '-'}{detail}")
        if batas and len(rows) > batas:
            click.echo(f"  ... {len(rows) - batas} lagi (--batas 0 untuk semua, -o untuk buku kerja)")
    if d.widened:
        click.echo(f"Sub kegiatan sama dengan nomor dilebarkan ke 4 digit: {d.widened}")
    if out.written:
        click.echo(f"Ditulis ke {out.written}.")


@main.command("import-sipd")
@click.argument("sipd_file", metavar="CETAKAN_SIPD", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("workbook", metavar="BUKU_KERJA", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--pagu", default=None, metavar="KOLOM",
              help="Cetakan Renja OPD dengan beberapa kolom uang: judul kolom yang menjadi pagu (atau bagiannya), "
                   "misalnya --pagu APBD.")
def import_sipd_cmd(sipd_file: Path, workbook: Path, pagu: str | None) -> None:
    """Mengimpor cetakan SIPD-RI (.xlsx atau .csv): 'Usulan ... Semua Usulan' ke sheet 'Usulan SIPD',
    'RENCANA KERJA ORGANISASI PERANGKAT DAERAH (RENJA OPD)' ke sheet 'Tabel 6 Rencana Kerja'.

    Jenis cetakan dikenali dari isinya. Judul yang berulang, kode yang terpecah di lima kolom,
    beberapa indikator dan 'target satuan' satu per baris dalam satu sel, pagu yang tercetak dua
    kali dibaca apa adanya. Hanya sheet tujuan yang ditulis (isinya diganti; kolom yang tidak ada di
    cetakan Renja, seperti prioritas, tetap untuk kode yang sama); pagu induk menjadi rumus subtotal
    dan total induk tercetak yang tidak cocok dilaporkan. Berkas lama disimpan di folder 'cadangan'.
    Bila ada baris yang tidak terbaca, tidak ada yang ditulis.

    \b
    Contoh:
      renja-xl import-sipd usulan_sipd_2024.xlsx renja.xlsx
      renja-xl import-sipd usulan_sipd_2024.csv renja.xlsx
      renja-xl import-sipd renja_opd_2027.xlsx renja.xlsx --pagu APBD
    """
    from renja_xl.app.sipd import import_sipd_file

    outcome = import_sipd_file(sipd_file, workbook, pagu)
    _print_findings(outcome.result.notes)
    click.echo(f"{outcome.summary()} di {workbook}" + (f" (cadangan: {outcome.backup})" if outcome.backup else "") + ".")


@main.command("migrasi")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--ke", "ke", required=True, help="Versi tujuan, misalnya \"Kepmendagri 900.1.15.5-1317 Tahun 2023\" atau 900.1.15.5-1317.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Buku kerja baru; FILE tidak diubah.")
@click.option("--dari", default=None, help="Versi asal bila Identitas tidak menyebutnya dengan benar.")
@click.option("--ambang", type=float, default=90.0, show_default=True,
              help="Kemiripan nama minimum (0-100) agar kode dipindah menurut nama; di bawahnya diputuskan pengguna.")
def migrasi_cmd(file: Path, ke: str, output: Path, dari: str | None, ambang: float) -> None:
    """Memindahkan buku kerja ke versi nomenklatur lain, ke berkas baru dengan sheet 'Migrasi'.

    Kode yang sama dipertahankan; sub kegiatan 2 digit dipindah ke 4 digit bila nomor dan namanya
    bersesuaian, selain itu menurut nama (dengan skor kemiripan dan ambang); kode yang dihapus dengan
    pengganti resmi (daftar perubahan) dipindah ke penggantinya; program dan kegiatan mengikuti sub
    kegiatannya. Nama baru dipakai untuk kode yang pindah atau berganti nama, indikator dan satuan
    standar mengisi sel yang kosong. Yang tidak yakin tidak ditebak: barisnya tetap berkode lama dan
    sheet 'Migrasi' menyebut keputusan yang perlu diambil. Uang dan target tetap di barisnya.

    \b
    Contoh:
      renja-xl migrasi renja_2023.xlsx --ke "Kepmendagri 900.1.15.5-1317 Tahun 2023" -o renja_2024.xlsx
      renja-xl migrasi renja.xlsx --ke 900.1.15.5-1317 -o renja_baru.xlsx --ambang 85
    """
    from renja_xl.app.nomenklatur import migrasi
    from renja_xl.domain.fmt import rupiah

    out = migrasi(file, ke, output, dari, ambang)
    _print_findings(out.notes)
    if out.dari_tanpa_daftar:
        click.echo(f"Catatan: {out.dari_tanpa_daftar} Nama lama diambil dari buku kerja.")
    c = out.counts
    click.echo(f"Migrasi '{out.dari or '?'}' -> '{out.ke}': {len(out.mappings)} kode; "
               + ", ".join(f"{n} {cara}" for cara, n in c.items() if n) + ".")
    for label, before in out.uang_sebelum.items():
        after = out.uang_sesudah.get(label)
        same = "sama" if after == before else f"BERBEDA: {rupiah(after or 0)}"
        click.echo(f"  {label}: {rupiah(before)} ({same})")
    click.echo(f"Ditulis ke {out.output}; lihat sheet 'Migrasi'. Berkas {file} tidak diubah.")


@main.command("build-xlsm")
@click.option("-o", "--outdir", metavar="FOLDER", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder tujuan (bawaan: templates_xlsx di folder proyek; bila Renja XL terpasang dari pip: "
                   "folder saat ini).")
@click.option("--macros", "macros_dir", metavar="FOLDER", type=click.Path(file_okay=False, exists=True, path_type=Path),
              default=None, help="Folder sumber VBA (.bas); bawaan: sumber yang terpasang bersama Renja XL.")
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
    from renja_xl.build.xlsm import MACROS, build_all
    from renja_xl.fileio.resources import in_checkout, templates_dir

    for path in build_all(outdir or (templates_dir() if in_checkout() else Path.cwd()), macros_dir or MACROS):
        click.echo(f"Ditulis: {path}")


@main.command("rekap")
@click.argument("inputs", nargs=-1)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Buku kerja rekap (.xlsx); wajib kecuali dengan --templat-pagu.")
@click.option("--pagu", "pagu", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="Berkas pagu indikatif per perangkat daerah (buat templatnya dengan --templat-pagu).")
@click.option("--templat-pagu", "pagu_template", type=click.Path(dir_okay=False, path_type=Path),
              help="Tulis templat berkas pagu indikatif ke berkas ini, lalu berhenti.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Jumlah proses pembaca (bawaan: jumlah inti prosesor; 1 = dalam proses ini).")
@click.option("--dask", "dask", metavar="ALAMAT",
              help="Jalankan di klaster Dask: tcp://host:8786 (klaster yang ada) atau 'lokal' (LocalCluster).")
@click.option("--html", "html", is_flag=True, help="Tulis juga laporan HTML bergrafik di samping buku kerja rekap.")
@click.option("--json", "as_json", is_flag=True, help="Cetak hasil sebagai JSON (tanpa bilah kemajuan).")
def rekap_cmd(inputs: tuple[str, ...], output: Path | None, pagu: Path | None, pagu_template: Path | None,
              jobs: int | None, dask: str | None, html: bool, as_json: bool) -> None:
    """Rekap Bappeda: menggabungkan Renja semua perangkat daerah ke satu buku kerja.

    INPUTS berupa berkas, folder atau pola (*.xlsx, *.xlsm), juga URL fsspec (s3://, gs://,
    file://). Tiap buku kerja dibaca dan divalidasi seperti 'renja-xl validate'; berkas yang rusak,
    bersandi atau bukan buku kerja menjadi temuan berkas itu dan yang lain tetap direkap. Berkas
    masukan tidak diubah. Rekap berisi sheet Ringkasan per OPD, Rekap Program (SUBTOTAL hidup),
    Temuan (termasuk pemeriksaan lintas perangkat daerah) dan Grafik.
    Keluar dengan status 1 bila ada galat.

    \b
    Contoh:
      renja-xl rekap renja_opd/ -o rekap_2025.xlsx
      renja-xl rekap renja_opd/*.xlsx -o rekap.xlsx --pagu pagu_2025.xlsx --html
      renja-xl rekap --templat-pagu pagu_2025.xlsx
      renja-xl rekap renja_opd/ -o rekap.xlsx --dask lokal
      renja-xl rekap s3://bappeda/renja/2025/ -o rekap.xlsx --dask tcp://10.0.0.5:8786
    """
    from renja_xl.app.rekap import rekap, write_pagu_template

    if pagu_template is not None:
        write_pagu_template(pagu_template)
        click.echo(f"Templat pagu indikatif ditulis ke {pagu_template}; isi sheet 'Pagu Indikatif' lalu pakai "
                   f"dengan --pagu {pagu_template}.")
        return
    if output is None:
        raise click.UsageError("sebutkan buku kerja rekap dengan -o, misalnya -o rekap.xlsx.")
    if not inputs:
        raise click.UsageError("sebutkan buku kerja, folder atau pola masukan, misalnya renja_opd/.")
    if as_json:
        outcome = rekap(inputs, output, pagu, jobs, dask, html)
    else:
        with _rekap_progress() as on_progress:
            outcome = rekap(inputs, output, pagu, jobs, dask, html, on_progress)
    if as_json:
        click.echo(json.dumps(_rekap_json(outcome), ensure_ascii=False, indent=2))
    else:
        from renja_xl.domain.fmt import rupiah

        shown = 30  # the Temuan sheet has them all
        for name, f in outcome.cross[:shown]:
            click.echo(f"{name}: {f.line()}")
        if len(outcome.cross) > shown:
            click.echo(f"... dan {len(outcome.cross) - shown} temuan lintas OPD lainnya (sheet 'Temuan').")
        for r in outcome.failed:
            click.echo(f"Tidak terbaca: {r.name}")
        n_err = sum(r.counts["error"] for r in outcome.records)
        click.echo(f"Rekap {len(outcome.records)} berkas ({len(outcome.failed)} tidak terbaca), total "
                   f"{rupiah(outcome.total)}, {n_err} galat di buku kerja, {len(outcome.cross)} temuan lintas OPD; "
                   f"ditulis ke {outcome.output}" + (f" dan {outcome.html}" if outcome.html else "")
                   + f" dalam {outcome.seconds:.1f} s ({outcome.runner}).")
    if any(r.counts["error"] for r in outcome.records) or any(f.severity == "error" for _, f in outcome.cross):
        sys.exit(EXIT_FINDINGS)


def _rekap_progress():
    """A rich progress bar on a terminal (files, rate, ETA); a plain line per file otherwise (on stderr)."""
    from contextlib import contextmanager

    @contextmanager
    def progress():
        if not sys.stderr.isatty():
            def line(done, total, s):
                c = s.counts
                state = "tidak terbaca" if not s.ok else f"{c['error']} galat, {c['warning']} peringatan"
                click.echo(f"[{done}/{total}] {s.name}: {state}", err=True)
            yield line
            return
        from rich.console import Console
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TaskProgressColumn, TextColumn,
                                   TimeElapsedColumn, TimeRemainingColumn)

        class Rate(TextColumn):
            def render(self, task):
                from rich.text import Text

                speed = task.finished_speed or task.speed
                return Text(f"{speed:.1f} berkas/s" if speed else "- berkas/s")

        bar = Progress(TextColumn("Rekap"), BarColumn(), MofNCompleteColumn(), TaskProgressColumn(),
                       Rate(""), TextColumn("sisa"), TimeRemainingColumn(), TimeElapsedColumn(),
                       console=Console(stderr=True))
        with bar:
            task = None

            def update(done, total, s):
                nonlocal task
                if task is None:
                    task = bar.add_task("rekap", total=total)
                bar.update(task, completed=done)
            yield update

    return progress()


def _rekap_json(outcome) -> dict:
    def money(v):
        return None if v is None else str(v)

    return {
        "keluaran": str(outcome.output), "html": str(outcome.html) if outcome.html else None,
        "jumlah_berkas": len(outcome.records), "tidak_terbaca": len(outcome.failed), "total_pagu": money(outcome.total),
        "detik": round(outcome.seconds, 3), "pelaksana": outcome.runner,
        "berkas": [{"berkas": r.source, "terbaca": r.ok, "perangkat_daerah": r.identitas.get("nama_perangkat_daerah"),
                    "tahun_rencana": r.identitas.get("tahun_rencana"),
                    "versi_nomenklatur": r.identitas.get("versi_nomenklatur"), "total_pagu": money(r.total),
                    "pagu_indikatif": money(r.ceiling), "program": r.n_program, "kegiatan": r.n_kegiatan,
                    "sub_kegiatan": r.n_sub, "galat": r.counts["error"], "peringatan": r.counts["warning"],
                    "info": r.counts["info"], "lintas_opd": r.cross, "skor_kesiapan": str(r.score),
                    **({"jejak": r.trace} if r.trace else {})} for r in outcome.records],
        "lintas_opd": [{"berkas": name, **f.as_dict()} for name, f in outcome.cross],
    }
