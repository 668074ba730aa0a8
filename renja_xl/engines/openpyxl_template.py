"""Draw the template workbook from the layout description (openpyxl).

Run by `renja-xl new`, by the example builder and by the test that fails when
the committed template is stale. Styles live on the columns (so rows a user or
recalc adds inherit them) and parent rows are bold through conditional
formatting on the Tingkat column, so recalc writes values only.
"""
from __future__ import annotations

from datetime import datetime

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from renja_xl import __version__
from renja_xl.domain.layout import (FIRST_DATA_ROW, HEADER_ROW, IDENTITAS_FIELDS, LISTS, MONEY_FORMAT, NOTE_ROW, OWNED_ROLES,
                      SHEETS, TEKS_BAGIAN, TITLE_ROW, Column, SheetSpec, agency_total_formula, list_ranges,
                      row_height, summed_keys, year_header)

FORMAT_ROWS = 20000  # rows covered by dropdowns and the parent-row highlighting
# lists offered but not enforced: a user may type a value that is not (yet) on the list
LOOSE_LISTS = ("satuan", "waktu", "prioritas_nasional", "prioritas_daerah", "prioritas_kepala_daerah")
FIXED_TIME = datetime(2024, 1, 1)

HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
OWNED_FILL = PatternFill("solid", fgColor="F2F2F2")
PARENT_FILL = PatternFill("solid", fgColor="FFF2CC")
THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
UNLOCKED = Protection(locked=False)

PETUNJUK = (
    "Renja XL — buku kerja Rencana Kerja Perangkat Daerah.",
    "",
    "Urutan kerja:",
    "1. Isi sheet Identitas (nama perangkat daerah, tahun, kode bidang urusan, penandatangan).",
    "2. Isi Tabel 1 sampai Tabel 6, T-C.30 dan T-C.32 (bila sistematikanya memakai formulir itu) dan Usulan SIPD. "
    "Di Tabel 1, 4 dan 6 ketik baris SUB KEGIATAN saja; baris urusan, program dan kegiatan beserta subtotalnya "
    "dibuat oleh tombol Hitung Ulang (atau perintah: renja-xl recalc BERKAS).",
    "3. Program dan kegiatan di Tabel 6 boleh memiliki beberapa indikator: ketik kode yang sama di beberapa baris.",
    "4. Isi sheet Teks Bab: satu paragraf atau satu butir per baris, dengan Bagian dari daftar.",
    "5. Tekan Validasi (renja-xl validate BERKAS) dan perbaiki setiap temuan; lalu Buat Narasi.",
    "",
    "Aturan isian:",
    "- Kode diketik sebagai teks (kolom Kode sudah berformat Teks), misalnya 5.03.01.1.01.01 atau 5.03.02.2.01.0001.",
    "- Uang diketik sebagai angka tanpa titik ribuan (17914888161), bukan teks '17.914.888.161'.",
    "- Sel abu-abu dihitung oleh Renja XL dan dikunci; jangan diketik. Baris induk ditandai tebal berlatar kuning.",
    "- Jangan menggabungkan sel (merge) di area tabel, dan jangan menyisipkan atau menghapus kolom.",
    "- Subtotal adalah rumus Excel (SUBTOTAL), jadi tetap benar saat angka diubah tanpa Python.",
    "- Setiap kali Renja XL menyimpan, salinan berkas lama disimpan di folder 'cadangan'.",
    "",
    "Menambah dan menghapus baris (sheet tabel terkunci tanpa kata sandi; baris boleh disisipkan dan dihapus):",
    "- Menambah: ketik di baris kosong di bawah tabel, atau klik kanan nomor baris > Insert (Sisipkan) lalu ketik "
    "barisnya. Urutan kode tidak perlu dijaga; tekan Hitung Ulang agar baris induk, nomor dan subtotal dirapikan.",
    "- Menghapus: pilih nomor baris (klik nomor di kiri, Shift+klik untuk beberapa baris) > klik kanan > Delete "
    "(Hapus), lalu Hitung Ulang. Jangan hanya menekan tombol Delete pada selnya: baris kosong ikut dibuang oleh "
    "Hitung Ulang, tetapi baris yang tersisa sebagian terbaca sebagai baris yang belum lengkap.",
    "- Sel abu-abu (rumus) tidak bisa diketik. Bila benar-benar perlu mengubah struktur: Review (Tinjau) > Unprotect "
    "Sheet (Buka Proteksi Lembar); tanpa kata sandi. Jangan menyisipkan atau menghapus KOLOM.",
    "",
    "Tabel 6 (T-C.33 / Bab IV SIPD-RI):",
    "- Sub kegiatan: Pagu Indikatif tahun n, lalu uangnya per sumber dana (kolom Sumber Dana PAD s.d. Lain-lain; "
    "boleh beberapa, jumlahnya harus sama dengan pagu), lokasi (gaya SIPD: Kab. X, Kec. Y), kelompok sasaran, "
    "prioritas (pilih dari daftar; daftarnya diubah di sheet Daftar Pilihan), target dan pagu prakiraan maju n+1, "
    "perangkat daerah penanggung jawab dan catatan penting.",
    "- Total per sumber dana di setiap induk dan total perangkat daerah (baris 2) adalah rumus SUBTOTAL. Judul kolom "
    "bertahun diisi dari Tahun Rencana di Identitas oleh Hitung Ulang. Batas pagu per sumber dana dan batas "
    "kenaikan prakiraan maju diisi di Identitas.",
    "- Dari SIPD-RI: tombol Impor SIPD (atau renja-xl import-sipd CETAKAN.xlsx BERKAS --pagu APBD) membaca cetakan "
    "'RENCANA KERJA ORGANISASI PERANGKAT DAERAH (RENJA OPD)' ke Tabel 6 (isinya diganti; prioritas dan kolom lain "
    "yang tidak ada di cetakan tetap) dan cetakan 'Semua Usulan' ke Usulan SIPD. Bila cetakan memuat beberapa "
    "kolom uang, pilih kolom yang menjadi pagu. Total induk tercetak yang tidak cocok dilaporkan.",
    "",
    "Tabel 1 (T-C.29 / Tabel 2.1):",
    "- Sub kegiatan: target, anggaran dan realisasi tahun n-2 (kinerja dan Rp), target dan pagu Renstra, realisasi "
    "s.d. n-3, target dan anggaran n-1, perkiraan realisasi kinerja s.d. tahun berjalan. Persen dan perkiraan "
    "realisasi Rp dihitung.",
    "- Monev per triwulan (kolom sesudah Tingkat): realisasi kinerja dan Rp triwulan I-IV; jumlah Rp I-IV dan "
    "kedua persennya dihitung, jumlah kinerja I-IV diketik (persentase atau indeks tidak dijumlah per triwulan), "
    "lalu faktor pendorong dan penghambat. Jumlah Rp I-IV yang berbeda dari realisasi dilaporkan Validasi.",
    "",
    "Formulir Permendagri 86/2017 lainnya (dicetak di BAB II sistematika Permendagri 86/2017 dan Pedoman 2026):",
    "- T-C.30 Kinerja Pelayanan (Tabel 2.2): satu indikator kinerja pelayanan per baris, dengan SPM / standar "
    "nasional dan IKK bila ada, target Renstra n-2 s.d. n+1, realisasi n-2 dan n-1, proyeksi n dan n+1, catatan "
    "analisis. Sheet kosong = dicetak 'Data ... belum diisi'.",
    "- T-C.31 Review Rancangan Awal RKPD (Tabel 2.4) ada di Tabel 4 Rancangan: kolom sebelum Tingkat adalah "
    "rancangan awal, kolom sesudahnya pagu indikatif rancangan awal, hasil analisis kebutuhan (program/kegiatan, "
    "lokasi, indikator, target, kebutuhan dana) dan catatan penting. Kebutuhan dana yang berbeda dari pagu Tabel 6 "
    "dilaporkan Validasi sebagai info.",
    "- T-C.32 Usulan Pemangku (Tabel 2.5): satu usulan per baris (program/kegiatan, lokasi, indikator, "
    "besaran/volume, catatan); teks penelaahannya di Teks Bab bagian 'Usulan Masyarakat'.",
    "",
    "Memasang Renja XL (sekali per komputer; untuk tombol di buku kerja .xlsm dan untuk perintah renja-xl):",
    "1. Pasang Python 3.10 atau lebih baru dari python.org. Windows: pilih 'Install for me only' dan centang "
    "'Add python.exe to PATH'.",
    "2. Buka Command Prompt (Windows) atau Terminal (macOS) dan ketik: pip install renja-xl",
    "3. Tutup Excel, lalu ketik: xlwings addin install (macOS juga: xlwings runpython install). Excel kini memiliki "
    "tab xlwings.",
    "4. Buku kerja bertombol: renja-xl new renja_2025.xlsm (kosong) atau renja-xl example contoh.xlsm (contoh terisi).",
    "5. Bila Excel menampilkan bilah merah 'Microsoft telah memblokir makro': tutup Excel, klik kanan berkas > "
    "Properties > centang Unblock > OK. Saat dibuka, klik Enable Content (Aktifkan Konten).",
    "6. Bantuan setiap perintah: renja-xl --help. Excel di web tanpa Python: pakai add-in xlwings Lite dengan skrip "
    "renja_hitung_ulang dan renja_validasi yang terpasang bersama Renja XL (folder macros/lite).",
)


def build_template() -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    ranges = list_ranges()
    for spec in SHEETS:
        ws = wb.create_sheet(spec.name)
        _title(ws, spec)
        if spec.kind == "petunjuk":
            _petunjuk(ws)
        elif spec.kind == "identitas":
            _identitas(ws, spec, ranges)
        elif spec.kind == "daftar":
            _daftar(ws)
        elif spec.kind == "validasi":
            _validasi(ws, spec)
        elif spec.kind == "pengaturan":
            _pengaturan(ws, spec, ranges)
        else:
            _table(ws, spec, ranges)
        _print_setup(ws, spec)
    wb.properties.creator = f"Renja XL {__version__}"
    wb.properties.title = "Renja Perangkat Daerah"
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    wb.active = 0
    return wb


def _title(ws, spec: SheetSpec) -> None:
    ws.cell(TITLE_ROW, 1, spec.title).font = Font(bold=True, size=13)
    if spec.note:
        ws.cell(NOTE_ROW, 1, spec.note).font = Font(italic=True, color="595959")


PETUNJUK_WIDTH = 75  # a portrait A4 page at 100 %: long lines wrap inside the page, not beyond its margin


def _petunjuk(ws) -> None:
    ws.column_dimensions["A"].width = PETUNJUK_WIDTH
    column = (Column("petunjuk", "", PETUNJUK_WIDTH, wrap=True),)
    for i, line in enumerate(PETUNJUK, start=HEADER_ROW):
        c = ws.cell(i, 1, line)
        c.alignment = Alignment(wrap_text=True, vertical="top")
        if line.endswith(":"):
            c.font = Font(bold=True)
        height = row_height(column, [line])
        if height:
            ws.row_dimensions[i].height = height
    ws.protection.sheet = True


def _identitas(ws, spec: SheetSpec, ranges) -> None:
    _headers(ws, spec)
    for i, f in enumerate(IDENTITAS_FIELDS):
        r = FIRST_DATA_ROW + i
        ws.cell(r, 1, f.label).font = Font(bold=True)
        value = ws.cell(r, 2)
        value.protection = UNLOCKED
        value.alignment = Alignment(wrap_text=True, vertical="top")
        value.number_format = {"year": "0", "money": MONEY_FORMAT, "number": "General",
                               "date": "d mmmm yyyy"}.get(f.kind, "@")
        ws.cell(r, 3, f.hint).font = Font(italic=True, color="595959")
        if f.choices:
            dv = DataValidation(type="list", formula1=ranges[f.choices].ref, allow_blank=True)
            dv.add(value.coordinate)
            ws.add_data_validation(dv)
    ws.freeze_panes = "A4"
    ws.protection.sheet = True


def _daftar(ws) -> None:
    for i, (name, values) in enumerate(LISTS.items(), start=1):
        letter = get_column_letter(i)
        head = ws.cell(HEADER_ROW, i, name)
        head.font, head.fill = Font(bold=True), HEADER_FILL
        ws.column_dimensions[letter].width = 24 if name != "bagian_teks" else 30
        ws.column_dimensions[letter].protection = UNLOCKED
        for j, v in enumerate(values):
            ws.cell(FIRST_DATA_ROW + j, i, v).protection = UNLOCKED
    ws.cell(NOTE_ROW, 1).value = (
        "Daftar untuk isian bertanda panah; boleh ditambah di bawah tiap daftar (kecuali 'predikat', urutannya "
        "dari rendah ke tinggi).")
    for idx, (bagian, hint) in enumerate(TEKS_BAGIAN):
        ws.cell(FIRST_DATA_ROW + idx, len(LISTS) + 1, hint)
    ws.cell(HEADER_ROW, len(LISTS) + 1, "keterangan bagian_teks").font = Font(bold=True)
    ws.column_dimensions[get_column_letter(len(LISTS) + 1)].width = 50


def _validasi(ws, spec: SheetSpec) -> None:
    """Written wholesale by Validasi (any engine); not protected, so the Excel engine can write it."""
    _headers(ws, spec)
    for j, c in enumerate(spec.columns, start=1):
        ws.column_dimensions[get_column_letter(j)].alignment = Alignment(wrap_text=c.wrap, vertical="top")
    ws.freeze_panes = "A4"
    last_col = get_column_letter(len(spec.columns))
    ws.auto_filter.ref = f"A{HEADER_ROW}:{last_col}{HEADER_ROW}"


def _pengaturan(ws, spec: SheetSpec, ranges) -> None:
    """One row per rule: id, description, default severity, and the user's choice (dropdown)."""
    from renja_xl.domain.findings import SEVERITY_LABELS
    from renja_xl.workbook.catalogue import rules

    catalogue = rules()
    _headers(ws, spec)
    choice = spec.col("tingkat") + 1
    for i, info in enumerate(catalogue):
        r = FIRST_DATA_ROW + i
        ws.cell(r, 1, info.rule)
        ws.cell(r, 2, info.description).alignment = Alignment(wrap_text=True, vertical="top")
        ws.cell(r, 3, SEVERITY_LABELS[info.severity])
        ws.cell(r, choice).protection = UNLOCKED
    letter = get_column_letter(choice)
    last = FIRST_DATA_ROW + len(catalogue) - 1
    dv = DataValidation(type="list", formula1=ranges["tingkat_aturan"].ref, allow_blank=True)
    dv.error = "Pilih Galat, Peringatan, Info atau Nonaktif."
    dv.errorTitle = "Tingkat tidak dikenal"
    dv.add(f"{letter}{FIRST_DATA_ROW}:{letter}{last}")
    ws.add_data_validation(dv)
    ws.freeze_panes = "A4"
    ws.protection.sheet = True


def _headers(ws, spec: SheetSpec) -> None:
    for j, c in enumerate(spec.columns, start=1):
        cell = ws.cell(HEADER_ROW, j, c.header)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.border = BOX
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(j)].width = c.width
    # tall enough for the longest wrapped header (bold, and a year written in by recalc), at least two lines
    header_columns = [Column(c.key, "", c.width, wrap=True) for c in spec.columns]
    headers = [year_header(c, 2000) for c in spec.columns]
    ws.row_dimensions[HEADER_ROW].height = max(32, row_height(header_columns, headers, bold=True) or 0)


def _table(ws, spec: SheetSpec, ranges) -> None:
    _headers(ws, spec)
    last_col = get_column_letter(len(spec.columns))
    for j, c in enumerate(spec.columns, start=1):
        dim = ws.column_dimensions[get_column_letter(j)]
        if c.number_format:
            dim.number_format = c.number_format
        dim.alignment = Alignment(wrap_text=c.wrap, vertical="top")
        if c.role in OWNED_ROLES:
            dim.fill = OWNED_FILL
        else:
            dim.protection = UNLOCKED  # inputs (and the mixed money columns) stay editable
        if c.choices:
            letter = get_column_letter(j)
            strict = c.choices not in LOOSE_LISTS
            dv = DataValidation(type="list", formula1=ranges[c.choices].ref, allow_blank=True,
                                showErrorMessage=strict)
            if strict:
                dv.error = "Pilih dari daftar (sheet Daftar Pilihan)."
                dv.errorTitle = "Isian tidak ada di daftar"
            dv.add(f"{letter}{FIRST_DATA_ROW}:{letter}{FORMAT_ROWS}")
            ws.add_data_validation(dv)
    area = f"A{FIRST_DATA_ROW}:{last_col}{FORMAT_ROWS}"
    marker = spec.keys_with_role("tingkat", "baris")
    if marker:
        letter = get_column_letter(spec.col(marker[0]) + 1)
        plain = "Sub Kegiatan" if spec.kind == "hierarki" else "IKU"
        rule = FormulaRule(formula=[f'AND(${letter}{FIRST_DATA_ROW}<>"",${letter}{FIRST_DATA_ROW}<>"{plain}")'],
                           font=Font(bold=True), fill=PARENT_FILL)
        if spec.kind == "hierarki":
            _parent_totals_owned(ws, spec, letter, plain)  # first: its fill wins over the row's yellow
        ws.conditional_formatting.add(area, rule)
    if spec.agency_totals:
        _agency_totals(ws, spec)
    ws.freeze_panes = "C4" if spec.kind == "hierarki" else "A4"
    ws.auto_filter.ref = f"A{HEADER_ROW}:{last_col}{HEADER_ROW}"
    ws.protection.sheet = True
    for flag in ("formatCells", "formatColumns", "formatRows", "insertRows", "deleteRows", "sort", "autoFilter"):
        setattr(ws.protection, flag, False)  # False = allowed to the user while the sheet is protected


def _agency_totals(ws, spec: SheetSpec) -> None:
    """Row 2 above each summed column: the agency's total (agency_total_formula), locked like every formula;
    recalc writes it again with its value."""
    summed = [spec.col(k) + 1 for k in summed_keys(spec)]
    label = ws.cell(NOTE_ROW, summed[0] - 1, "Total Perangkat Daerah:")
    label.font = Font(bold=True)
    label.alignment = Alignment(horizontal="right")
    for j in summed:
        letter = get_column_letter(j)
        cell = ws.cell(NOTE_ROW, j, agency_total_formula(letter))
        cell.number_format, cell.font, cell.fill, cell.border = MONEY_FORMAT, Font(bold=True), OWNED_FILL, BOX


def _parent_totals_owned(ws, spec: SheetSpec, level: str, plain: str) -> None:
    """A money column typed in sub kegiatan rows holds recalc's SUBTOTAL in a parent row (issue 12, item 15):
    there its cells are grey like every owned cell and refuse a typed entry. Per row, since the same column is
    an input one row below; the sheet's protection locks whole columns only (cell styles are the writers')."""
    parent = f'AND(${level}{FIRST_DATA_ROW}<>"",${level}{FIRST_DATA_ROW}<>"{plain}")'
    for j, c in enumerate(spec.columns, start=1):
        if c.role != "jumlah":
            continue
        letter = get_column_letter(j)
        cells = f"{letter}{FIRST_DATA_ROW}:{letter}{FORMAT_ROWS}"
        # bold as the row's rule (LibreOffice applies only the first rule that holds)
        ws.conditional_formatting.add(cells, FormulaRule(formula=[parent], font=Font(bold=True), fill=OWNED_FILL))
        dv = DataValidation(type="custom", formula1=f"NOT({parent})", allow_blank=True, showErrorMessage=True)
        dv.errorTitle = "Sel dihitung Renja XL"
        dv.error = (f"{c.header} baris induk adalah subtotal yang dihitung Hitung Ulang; ketik uang di baris "
                    "sub kegiatan.")
        dv.add(cells)
        ws.add_data_validation(dv)


def _print_setup(ws, spec: SheetSpec) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if spec.landscape else "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = spec.pages_wide
    ws.page_setup.fitToHeight = 0
    if spec.columns:
        ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    if spec.pages_wide > 1:  # each page across repeats the columns up to the name (No, code, name), and with them
        # the sheet's title in A1, which otherwise starts cut off on the pages to the right
        ws.print_title_cols = f"A:{get_column_letter(spec.col('uraian') + 1)}"
