"""The one description of the workbook: its sheets, their columns and who owns each cell.

Everything else reads this: the template builder draws it, the reader finds
values through it, recalc knows from it which cells it may write. Roles:

- ``no``       numbering (I, II / A, B / 1, 2) written by recalc
- ``kode``     the national code, typed by the user (text format)
- ``uraian``   the name; typed, or filled once by recalc for a row it inserts
- ``input``    typed by the user, never written by recalc
- ``jumlah``   money typed in sub kegiatan rows; a live SUBTOTAL in parent rows
- ``total``    computed at every row: the sub kegiatan's own money (``source``), SUBTOTAL in parents
- ``persen``   computed: realisasi / anggaran x 100
- ``tingkat``  computed: the level of the row (Program, Kegiatan, ...)
- ``kemajuan`` computed: an IKU's tingkat kemajuan, or an average
- ``baris``    computed: the kind of an IKU row (IKU, rerata sasaran, total)
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import repeat
from operator import itemgetter
from typing import Any

from renja_xl.domain.cells import column_letter
from renja_xl.domain.findings import SETTING_CHOICES
from renja_xl.domain.versi import VERSION_NAMES

TITLE_ROW = 1
NOTE_ROW = 2
HEADER_ROW = 3
FIRST_DATA_ROW = 4

OWNED_ROLES = {"no", "total", "persen", "tingkat", "kemajuan", "baris"}
MONEY_FORMAT = "#,##0"
PERCENT_FORMAT = "0.00"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: float
    role: str = "input"
    number_format: str | None = None
    choices: str | None = None  # a list of LISTS offered as a dropdown
    source: tuple[str, ...] = ()  # columns a computed column reads
    wrap: bool = False
    year: int | None = None  # the header names a year relative to the plan year ("Tahun n-2"); recalc writes it


@dataclass(frozen=True)
class SheetSpec:
    key: str
    name: str
    title: str
    note: str
    kind: str  # identitas | teks | hierarki | iku | tabel
    columns: tuple[Column, ...] = ()
    landscape: bool = True
    pages_wide: int = 1  # printed this many A4 pages across (a wide form: the key columns repeat on each)
    agency_totals: bool = False  # row 2 holds the agency's total of every summed column (agency_total_formula)
    _index: dict[str, int] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        # col() sits in the per-row loops of the reader and the rules: a dict, not a scan
        object.__setattr__(self, "_index", {c.key: i for i, c in enumerate(self.columns)})

    def col(self, key: str) -> int:
        """0-based index of a column by key."""
        return self._index[key]

    def has(self, key: str) -> bool:
        return key in self._index

    def make_row(self, **values: Any) -> list[Any]:
        """A row of the sheet's width with the given cells by column key, the others empty."""
        out: list[Any] = [None] * len(self.columns)
        for key, value in values.items():
            out[self._index[key]] = value
        return out

    def keys_with_role(self, *roles: str) -> list[str]:
        return [c.key for c in self.columns if c.role in roles]


@dataclass(frozen=True)
class IdentitasField:
    key: str
    label: str
    hint: str
    kind: str = "text"  # text | year | money | number | date | nip | choice
    choices: str | None = None


# Sumber dana: one money column per standard sumber pendanaan in Tabel 6, not (sumber, Rp) pairs. A parent row
# must show a live total per sumber dana anyway, so each source needs its own column there; with a column per
# source that total is the same SUBTOTAL over the parent's contiguous range as every other money column (linear,
# nested SUBTOTALs ignored, exact), the agency total one SUBTOTAL over the column, and no text has to match.
# Pairs would need SUMIFS on the typed name at every parent x source (a typo silently drops money) and still
# the same columns to show the result. The price is width: ten narrow columns, empty where a source is unused.
SUMBER_DANA: tuple[tuple[str, str], ...] = (
    ("pad", "PAD"), ("dau", "DAU"), ("dak_fisik", "DAK Fisik"), ("dak_non_fisik", "DAK Non Fisik"),
    ("dbh", "DBH"), ("did", "DID/Insentif Fiskal"), ("bantuan_keuangan", "Bantuan Keuangan"), ("blud", "BLUD"),
    ("pinjaman", "Pinjaman Daerah"), ("lain", "Lain-lain"),
)
SUMBER_DANA_KEYS = tuple(f"sd_{key}" for key, _ in SUMBER_DANA)

# Prakiraan maju n+1 may grow at most this much over the pagu of year n (warning), unless Identitas says otherwise.
DEFAULT_PRAKIRAAN_RATIO = 20  # percent

IDENTITAS_FIELDS: tuple[IdentitasField, ...] = (
    IdentitasField("nama_perangkat_daerah", "Nama Perangkat Daerah", "Nama lengkap, misalnya Badan Kepegawaian Daerah"),
    IdentitasField("singkatan", "Nama Singkat", "Misalnya BKD Prov. Kalbar"),
    IdentitasField("pemerintah_daerah", "Pemerintah Daerah", "Misalnya Provinsi Kalimantan Barat"),
    IdentitasField("jenis_pemda", "Jenis Pemerintah Daerah", "Provinsi, Kabupaten atau Kota", "choice", "jenis_pemda"),
    IdentitasField("kepala_daerah", "Sebutan Kepala Daerah", "Gubernur, Bupati atau Wali Kota"),
    IdentitasField("tahun_rencana", "Tahun Rencana", "Tahun yang direncanakan, misalnya 2024", "year"),
    IdentitasField("tahun_evaluasi", "Tahun Evaluasi", "Tahun yang dievaluasi (biasanya tahun rencana - 2)", "year"),
    IdentitasField("periode_renstra", "Periode Renstra", "Misalnya 2024-2026"),
    IdentitasField("dokumen_rpjmd", "Dokumen Perencanaan Daerah", "RPJMD atau RPD"),
    IdentitasField("periode_rpjmd", "Periode RPJMD/RPD", "Misalnya 2024-2026"),
    IdentitasField("periode_renstra_evaluasi", "Periode Renstra Tahun Evaluasi", "Renstra yang berlaku pada tahun evaluasi"),
    IdentitasField("kode_bidang_urusan", "Kode Bidang Urusan",
                   "Misalnya 5.03 (diketik sebagai teks); beberapa bidang dipisah titik koma: 5.01; 5.05"),
    IdentitasField("nama_bidang_urusan", "Nama Bidang Urusan",
                   "Misalnya KEPEGAWAIAN; beberapa bidang dipisah titik koma, urut seperti kodenya"),
    IdentitasField("versi_nomenklatur", "Versi Nomenklatur", "Keputusan Mendagri yang dipakai", "choice", "versi_nomenklatur"),
    IdentitasField("pagu_indikatif", "Pagu Indikatif (Rp)", "Batas pagu dari surat penetapan; kosongkan bila belum ada", "money"),
    IdentitasField("surat_pagu_nomor", "Nomor Surat Pagu", "Nomor surat kepala daerah yang menetapkan pagu"),
    IdentitasField("surat_pagu_tanggal", "Tanggal Surat Pagu", "Tanggal surat tersebut", "date"),
    IdentitasField("surat_pagu_perihal", "Perihal Surat Pagu", "Hal surat tersebut"),
    IdentitasField("tempat_penandatanganan", "Tempat Penandatanganan", "Nama kota"),
    IdentitasField("tanggal_penandatanganan", "Tanggal Penandatanganan", "Boleh kosong; bila kosong dicetak tahun penyusunan", "date"),
    IdentitasField("tahun_penyusunan", "Tahun Penyusunan", "Tahun dokumen ditandatangani", "year"),
    IdentitasField("jabatan_kepala", "Jabatan Penandatangan", "Misalnya Kepala Badan Kepegawaian Daerah Provinsi Kalimantan Barat"),
    IdentitasField("nama_kepala", "Nama Kepala Perangkat Daerah", "Lengkap dengan gelar"),
    IdentitasField("pangkat_kepala", "Pangkat/Golongan", "Misalnya Pembina Utama Muda"),
    IdentitasField("nip_kepala", "NIP", "18 digit, boleh dengan spasi: 19650206 198603 1 018", "nip"),
    IdentitasField("sistematika", "Sistematika Dokumen", "Susunan bab narasi; kosong = Contoh Renja (bawaan). "
                   "Berkas sendiri: renja-xl chapters --outline BERKAS.json", "choice", "sistematika"),
    IdentitasField("batas_kenaikan_prakiraan", "Batas Kenaikan Prakiraan Maju (%)",
                   f"Kenaikan pagu n+1 terhadap pagu tahun n yang masih wajar; kosong = {DEFAULT_PRAKIRAAN_RATIO}",
                   "number"),
    *(IdentitasField(f"pagu_sd_{key}", f"Pagu Sumber Dana {name} (Rp)",
                     "Batas pagu dari sumber dana ini; kosongkan bila tidak dibatasi", "money")
      for key, name in SUMBER_DANA),
)
# The outlines shipped in renja_xl/chapters/outlines (their "nama"), offered on Identitas
SISTEMATIKA = ("Contoh Renja (bawaan)", "Permendagri 86/2017", "Pedoman 2026 (enam bab)")

# Sections of the chapter texts a user writes, in the order of the document. Each row of the sheet is one
# paragraph or one list item (Jenis), printed in the order of the rows.
TEKS_BAGIAN: tuple[tuple[str, str], ...] = (
    ("Kata Pengantar", "Kata Pengantar"),
    ("Latar Belakang", "BAB I.1, sebelum daftar program dan kegiatan yang dibuat otomatis"),
    ("Landasan Hukum", "BAB I.2; satu peraturan per butir"),
    ("Maksud", "BAB I.3.1"),
    ("Tujuan", "BAB I.3.2"),
    ("Evaluasi Renja", "BAB II.1, sebelum Tabel 1"),
    ("Penilaian Evaluasi", "BAB II.1, sesudah Tabel 1 dan ringkasannya: penilaian atas hasil evaluasi"),
    ("Evaluasi Capaian", "BAB II.1, sesudah ringkasan capaian IKU yang dibuat otomatis, sebelum Tabel 2"),
    ("Analisis IKU", "Analisis tiap IKU; isi Rujukan dengan No IKU (misalnya 1.1)"),
    ("Tren IKU", "Sebelum Tabel 3"),
    ("Analisis Kinerja Pelayanan", "BAB II.2"),
    ("Isu Strategis", "BAB II.3"),
    ("Review RKPD", "BAB II.4, sebelum Tabel 4"),
    ("Usulan Masyarakat", "Penelaahan usulan program dan kegiatan masyarakat (sistematika Permendagri 86/2017, 2026)"),
    ("Kebijakan Nasional", "BAB III.1"),
    ("Tujuan dan Sasaran", "BAB III.2, sebelum Tabel 5"),
    ("Tujuan dan Sasaran Penutup", "BAB III.2, sesudah Tabel 5"),
    ("Rencana Kerja", "BAB IV, sebelum Tabel 6"),
    ("Kinerja Bidang Urusan", "BAB V sistematika 2026: kinerja penyelenggaraan bidang urusan"),
    ("Penutup", "BAB V (BAB VI sistematika 2026)"),
    ("Catatan Penting", "Penutup: catatan penting (sistematika Permendagri 86/2017, 2026)"),
    ("Kaidah Pelaksanaan", "Penutup: kaidah-kaidah pelaksanaan"),
    ("Rencana Tindak Lanjut", "Penutup: rencana tindak lanjut"),
    ("Sumber Tabel", "Baris 'Sumber: ...' di bawah tabel; isi Rujukan dengan tabelnya, misalnya Tabel 2"),
)
TEKS_JENIS = ("Paragraf", "Butir Angka", "Butir Huruf")

MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
          "September", "Oktober", "November", "Desember")
PREDIKAT = ("D", "C", "CC", "B", "BB", "A", "AA")  # low to high

LISTS: dict[str, tuple[str, ...]] = {
    "satuan": ("Dokumen", "Laporan", "Paket", "Unit", "Orang", "Orang / Bulan", "Persen", "Nilai", "Indeks",
               "Predikat", "Lembaga", "Stel", "Kegiatan", "Bulan", "Kali", "Sistem", "Aplikasi"),
    "waktu": tuple(f"{a} - {b}" for i, a in enumerate(MONTHS) for b in MONTHS[i:]),
    "status": ("Dalam Pembahasan", "Disetujui", "Ditolak", "Belum Dibahas"),
    "polaritas": ("Positif", "Negatif", "Predikat"),
    "predikat": PREDIKAT,
    "jenis_pemda": ("Provinsi", "Kabupaten", "Kota"),
    "versi_nomenklatur": VERSION_NAMES,
    "bagian_teks": tuple(name for name, _ in TEKS_BAGIAN),
    "sistematika": SISTEMATIKA,
    "jenis_teks": TEKS_JENIS,
    "tingkat_aturan": SETTING_CHOICES,
    # starting points only: replace them with the RKP's and the RPJMD's own wording on the Daftar Pilihan sheet
    "prioritas_nasional": tuple(f"PN {i}" for i in range(1, 9)),
    "prioritas_daerah": tuple(f"Prioritas Daerah {i}" for i in range(1, 6)),
    "prioritas_kepala_daerah": tuple(f"Program Unggulan {i}" for i in range(1, 6)),
}

LEVEL_COLUMN = Column("tingkat", "Tingkat", 14, "tingkat")
TRIWULAN = ("I", "II", "III", "IV")
# T-C.30's years: (key suffix, as the header names it, relative to the plan year)
TC30_YEARS = (("n2", "n-2", -2), ("n1", "n-1", -1), ("n", "n", 0), ("np1", "n+1", 1))

SHEETS: tuple[SheetSpec, ...] = (
    SheetSpec("petunjuk", "Petunjuk", "PETUNJUK PENGISIAN RENJA XL", "", "petunjuk", landscape=False),
    SheetSpec(
        "identitas", "Identitas", "IDENTITAS PERANGKAT DAERAH",
        "Isi kolom Isian. Nilai ini dipakai di seluruh tabel dan narasi.", "identitas",
        (Column("uraian", "Uraian", 34), Column("isian", "Isian", 60, wrap=True),
         Column("keterangan", "Keterangan", 50, wrap=True)),
        landscape=False,
    ),
    SheetSpec(
        "teks", "Teks Bab", "TEKS NARASI BAB I - V",
        "Satu paragraf atau satu butir per baris. Pilih Bagian dan Jenis dari daftar; urutan baris = urutan cetak.", "teks",
        (Column("bagian", "Bagian", 28, choices="bagian_teks"), Column("jenis", "Jenis", 14, choices="jenis_teks"),
         Column("rujukan", "Rujukan", 10, "input", "@"), Column("teks", "Teks", 110, wrap=True)),
        landscape=False,
    ),
    SheetSpec(
        "tabel1", "Tabel 1 Evaluasi",
        "TABEL 1. EVALUASI HASIL PELAKSANAAN RENJA TAHUN LALU DAN CAPAIAN RENSTRA (T-C.29 / TABEL 2.1)",
        "Ketik baris sub kegiatan saja; baris urusan/program/kegiatan dan subtotalnya dibuat oleh Hitung Ulang. "
        "Kolom abu-abu (%, perkiraan Rp) dihitung.",
        "hierarki",
        # T-C.29 keeps kinerja and Rp side by side. Perkiraan realisasi Rp s.d. tahun berjalan = realisasi s.d.
        # n-3 + realisasi n-2 + anggaran n-1 (money adds up); its kinerja is typed, because a percentage or an
        # index does not add up over years. The first columns keep their places (A-H as before the form).
        (Column("kode", "Kode", 18, "kode", "@"), Column("uraian", "Uraian", 46, "uraian", wrap=True),
         Column("indikator", "Indikator Kinerja", 46, wrap=True),
         Column("target", "Target Kinerja Tahun n-2", 9, wrap=True, year=-2),
         Column("satuan", "Satuan", 12, choices="satuan"),
         Column("anggaran", "Anggaran Tahun n-2 (Rp)", 18, "jumlah", MONEY_FORMAT, wrap=True, year=-2),
         Column("realisasi", "Realisasi Tahun n-2 (Rp)", 18, "jumlah", MONEY_FORMAT, wrap=True, year=-2),
         Column("persen", "Tingkat Realisasi Rp (%)", 9, "persen", PERCENT_FORMAT, source=("anggaran", "realisasi"),
                wrap=True),
         Column("realisasi_kinerja", "Realisasi Kinerja Tahun n-2", 10, wrap=True, year=-2),
         Column("persen_kinerja", "Tingkat Realisasi Kinerja (%)", 9, "persen", PERCENT_FORMAT,
                source=("target", "realisasi_kinerja"), wrap=True),
         Column("target_renstra", "Target Kinerja Renstra Akhir Periode", 10, wrap=True),
         Column("pagu_renstra", "Pagu Renstra Akhir Periode (Rp)", 18, "jumlah", MONEY_FORMAT, wrap=True),
         Column("realisasi_n3", "Realisasi Kinerja s.d. Tahun n-3", 10, wrap=True, year=-3),
         Column("realisasi_n3_rp", "Realisasi s.d. Tahun n-3 (Rp)", 18, "jumlah", MONEY_FORMAT, wrap=True, year=-3),
         Column("target_n1", "Target Kinerja Tahun n-1", 10, wrap=True, year=-1),
         Column("anggaran_n1", "Anggaran Tahun n-1 (Rp)", 18, "jumlah", MONEY_FORMAT, wrap=True, year=-1),
         Column("perkiraan_kinerja", "Perkiraan Realisasi Kinerja s.d. Tahun Berjalan", 10, wrap=True),
         Column("perkiraan_rp", "Perkiraan Realisasi s.d. Tahun Berjalan (Rp)", 18, "total", MONEY_FORMAT,
                source=("realisasi_n3_rp", "realisasi", "anggaran_n1"), wrap=True),
         Column("capaian_kinerja", "Tingkat Capaian Renstra Kinerja (%)", 9, "persen", PERCENT_FORMAT,
                source=("target_renstra", "perkiraan_kinerja"), wrap=True),
         Column("capaian_rp", "Tingkat Capaian Renstra Rp (%)", 9, "persen", PERCENT_FORMAT,
                source=("pagu_renstra", "perkiraan_rp"), wrap=True),
         LEVEL_COLUMN,
         # Monev per triwulan of year n-2, after the columns above so that their cells keep their places. The
         # Rp of the four quarters add up (a live SUM, SUBTOTAL in parents); their kinerja is typed, because a
         # percentage or an index is not the sum of its quarters, and the "total" role would also total unlike
         # indicators in every parent row.
         *(col for i, q in enumerate(TRIWULAN, 1) for col in (
             Column(f"tw{i}_kinerja", f"Realisasi Kinerja Triwulan {q} Tahun n-2", 10, wrap=True, year=-2),
             Column(f"tw{i}_rp", f"Realisasi Triwulan {q} Tahun n-2 (Rp)", 16, "jumlah", MONEY_FORMAT, wrap=True,
                    year=-2))),
         Column("tw_kinerja", "Realisasi Kinerja Triwulan I-IV", 10, wrap=True),
         Column("tw_rp", "Realisasi Triwulan I-IV (Rp)", 18, "total", MONEY_FORMAT,
                source=tuple(f"tw{i}_rp" for i in range(1, len(TRIWULAN) + 1)), wrap=True),
         Column("tw_persen_kinerja", "Realisasi Kinerja Triwulan I-IV thd Target (%)", 10, "persen",
                PERCENT_FORMAT, source=("target", "tw_kinerja"), wrap=True),
         Column("tw_persen_rp", "Realisasi Triwulan I-IV thd Anggaran (%)", 10, "persen", PERCENT_FORMAT,
                source=("anggaran", "tw_rp"), wrap=True),
         Column("faktor_pendorong", "Faktor Pendorong", 26, wrap=True),
         Column("faktor_penghambat", "Faktor Penghambat", 26, wrap=True)),
        pages_wide=3,
    ),
    SheetSpec(
        "tabel2", "Tabel 2 Capaian IKU", "TABEL 2. CAPAIAN TARGET INDIKATOR KINERJA UTAMA TAHUN EVALUASI",
        "Ketik baris IKU; Tingkat Kemajuan dan baris rerata dihitung. Polaritas kosong = Positif "
        "(atau Predikat bila target berupa predikat seperti BB).",
        "iku",
        (Column("no_sasaran", "No", 6), Column("sasaran", "Sasaran Strategis", 40, wrap=True),
         Column("no_iku", "No IKU", 8, "input", "@"),
         Column("iku", "Indikator Kinerja Utama", 40, wrap=True),
         Column("satuan", "Satuan", 12, choices="satuan"),
         Column("polaritas", "Polaritas", 11, choices="polaritas"),
         Column("target", "Target", 11), Column("realisasi", "Realisasi", 11),
         Column("kemajuan", "Tingkat Kemajuan (%)", 14, "kemajuan", PERCENT_FORMAT),
         Column("baris", "Baris", 16, "baris")),
    ),
    SheetSpec(
        "tabel3", "Tabel 3 Tren IKU", "TABEL 3. TARGET DAN CAPAIAN IKU TIGA TAHUN TERAKHIR",
        "T = Target, R = Realisasi; kosongkan bila tidak ada (dicetak '-').", "tabel",
        (Column("no_sasaran", "No", 6), Column("sasaran", "Sasaran Strategis", 36, wrap=True),
         Column("no_iku", "No IKU", 8, "input", "@"), Column("iku", "Indikator Kinerja Utama", 36, wrap=True),
         Column("satuan", "Satuan", 11, choices="satuan"),
         Column("target_1", "T (n-2)", 10), Column("realisasi_1", "R (n-2)", 10),
         Column("target_2", "T (n-1)", 10), Column("realisasi_2", "R (n-1)", 10),
         Column("target_3", "T (n)", 10), Column("realisasi_3", "R (n)", 10)),
    ),
    SheetSpec(
        "tc30", "T-C.30 Kinerja Pelayanan",
        "TABEL T-C.30 (TABEL 2.2). PENCAPAIAN KINERJA PELAYANAN PERANGKAT DAERAH (SPM / IKK)",
        "Satu indikator kinerja pelayanan per baris; SPM / standar nasional dan IKK diisi bila indikatornya memilikinya. "
        "Judul bertahun diisi dari Tahun Rencana oleh Hitung Ulang.",
        "tabel",
        (Column("no", "No", 6, "input", "@"), Column("indikator", "Indikator Kinerja Pelayanan", 40, wrap=True),
         Column("spm", "SPM / Standar Nasional", 14, wrap=True), Column("ikk", "IKK", 14, wrap=True),
         *(Column(f"target_{k}", f"Target Renstra Tahun {n}", 10, wrap=True, year=y) for k, n, y in TC30_YEARS),
         *(Column(f"realisasi_{k}", f"Realisasi Capaian Tahun {n}", 10, wrap=True, year=y)
           for k, n, y in TC30_YEARS[:2]),
         *(Column(f"proyeksi_{k}", f"Proyeksi Tahun {n}", 10, wrap=True, year=y) for k, n, y in TC30_YEARS[2:]),
         Column("catatan", "Catatan Analisis", 36, wrap=True)),
    ),
    SheetSpec(
        "tabel4", "Tabel 4 Rancangan",
        "TABEL 4. RANCANGAN RENCANA KERJA / REVIEW TERHADAP RANCANGAN AWAL RKPD (T-C.31 / TABEL 2.4)",
        "Ketik baris sub kegiatan; baris induk, penomoran dan subtotal dibuat oleh Hitung Ulang. Kolom sesudah "
        "Tingkat: pagu rancangan awal RKPD dan hasil analisis kebutuhan (T-C.31).", "hierarki",
        # The seed's Tabel 4 is the rancangan awal side of T-C.31 (program/kegiatan, indikator, target, lokasi):
        # the form's other columns follow the existing ones, so every cell of an older Tabel 4 keeps its place.
        (Column("no", "No.", 6, "no"), Column("kode", "Kode", 18, "kode", "@"),
         Column("uraian", "Program / Kegiatan / Sub Kegiatan", 44, "uraian", wrap=True),
         Column("indikator", "Indikator Kinerja", 44, wrap=True), Column("satuan", "Satuan", 12, choices="satuan"),
         Column("target", "Target Kinerja", 10), Column("lokasi", "Lokasi", 22, wrap=True),
         Column("waktu", "Waktu Pelaksanaan", 22, choices="waktu"), LEVEL_COLUMN,
         Column("pagu", "Pagu Indikatif Rancangan Awal RKPD Tahun n (Rp)", 18, "jumlah", MONEY_FORMAT, wrap=True,
                year=0),
         Column("uraian_analisis", "Program / Kegiatan Hasil Analisis Kebutuhan", 36, wrap=True),
         Column("lokasi_analisis", "Lokasi Hasil Analisis Kebutuhan", 22, wrap=True),
         Column("indikator_analisis", "Indikator Kinerja Hasil Analisis Kebutuhan", 36, wrap=True),
         Column("target_analisis", "Target Kinerja Hasil Analisis Kebutuhan", 11, wrap=True),
         Column("kebutuhan_dana", "Kebutuhan Dana Hasil Analisis Tahun n (Rp)", 18, "jumlah", MONEY_FORMAT,
                wrap=True, year=0),
         Column("catatan", "Catatan Penting", 28, wrap=True)),
        pages_wide=2,
    ),
    SheetSpec(
        "tc32", "T-C.32 Usulan Pemangku",
        "TABEL T-C.32 (TABEL 2.5). USULAN PROGRAM DAN KEGIATAN DARI PARA PEMANGKU KEPENTINGAN",
        "Satu usulan per baris (musrenbang, pokok pikiran DPRD, forum perangkat daerah, pemangku kepentingan lain).",
        "tabel",
        (Column("no", "No", 6, "input", "@"), Column("uraian", "Program / Kegiatan", 40, wrap=True),
         Column("lokasi", "Lokasi", 24, wrap=True), Column("indikator", "Indikator Kinerja", 36, wrap=True),
         Column("volume", "Besaran / Volume", 14, wrap=True), Column("catatan", "Catatan", 32, wrap=True)),
    ),
    SheetSpec(
        "tabel5", "Tabel 5 Target Kinerja", "TABEL 5. TARGET INDIKATOR KINERJA",
        "Satu indikator sasaran per baris; ulangi Tujuan dan Sasaran di tiap baris.", "tabel",
        (Column("tujuan", "Tujuan", 30, wrap=True), Column("sasaran", "Sasaran", 36, wrap=True),
         Column("indikator", "Indikator Sasaran", 36, wrap=True), Column("satuan", "Satuan", 12, choices="satuan"),
         Column("target", "Target", 10)),
        landscape=False,
    ),
    SheetSpec(
        "tabel6", "Tabel 6 Rencana Kerja", "TABEL 6. RENCANA KERJA DAN PENDANAAN (T-C.33 / SIPD-RI BAB IV)",
        "Beberapa indikator per program/kegiatan: ulangi kodenya. Sub kegiatan: uang per sumber dana = pagu.",
        "hierarki",
        (Column("no", "No.", 6, "no"), Column("kode", "Kode", 18, "kode", "@"),
         Column("uraian", "Program / Kegiatan / Sub Kegiatan", 42, "uraian", wrap=True),
         Column("indikator", "Indikator Kinerja", 42, wrap=True), Column("satuan", "Satuan", 12, choices="satuan"),
         Column("target", "Target Kinerja Tahun n", 10, wrap=True, year=0),
         Column("pendanaan", "Pagu Indikatif Tahun n (Rp)", 18, "input", MONEY_FORMAT, wrap=True, year=0),
         Column("jumlah", "Jumlah Sub Kegiatan Tahun n (Rp)", 18, "total", MONEY_FORMAT, source=("pendanaan",),
                wrap=True, year=0),
         Column("lokasi", "Lokasi", 22, wrap=True), Column("waktu", "Waktu Pelaksanaan", 22, choices="waktu"),
         Column("target_renstra", "Target Akhir Renstra", 12, wrap=True),
         Column("realisasi_n2", "Realisasi Tahun n-2", 12, wrap=True, year=-2),
         Column("prakiraan_n1", "Prakiraan Realisasi Tahun n-1", 12, wrap=True, year=-1),
         *(Column(f"sd_{key}", f"Sumber Dana {name} (Rp)", 16, "jumlah", MONEY_FORMAT, wrap=True)
           for key, name in SUMBER_DANA),
         Column("prioritas_nasional", "Prioritas Nasional", 22, choices="prioritas_nasional", wrap=True),
         Column("prioritas_daerah", "Prioritas Daerah", 22, choices="prioritas_daerah", wrap=True),
         Column("prioritas_kepala_daerah", "Prioritas Kepala Daerah", 22, choices="prioritas_kepala_daerah",
                wrap=True),
         Column("kelompok_sasaran", "Kelompok Sasaran", 22, wrap=True),
         Column("target_n1", "Target Kinerja Tahun n+1", 10, wrap=True, year=1),
         Column("pagu_n1", "Pagu Indikatif Tahun n+1 (Rp)", 18, "jumlah", MONEY_FORMAT, wrap=True, year=1),
         Column("penanggung_jawab", "Perangkat Daerah Penanggung Jawab", 22, wrap=True),
         Column("catatan", "Catatan Penting", 24, wrap=True),
         LEVEL_COLUMN),
        pages_wide=3, agency_totals=True,
    ),
    SheetSpec(
        "sipd", "Usulan SIPD", "LAMPIRAN. USULAN SIPD-RI (SEMUA USULAN)",
        "Diisi dengan Impor SIPD atau diketik; pagu induk dihitung dari sub kegiatan.", "hierarki",
        (Column("no", "No", 6, "no"), Column("kode", "Kode", 18, "kode", "@"),
         Column("uraian", "Uraian Sub Kegiatan", 40, "uraian", wrap=True),
         Column("usulan", "Usulan", 40, wrap=True), Column("lokasi", "Lokasi", 24, wrap=True),
         Column("volume", "Volume", 8), Column("satuan", "Satuan", 12, choices="satuan"),
         Column("pagu", "Jumlah Pagu (Rp)", 18, "jumlah", MONEY_FORMAT),
         Column("status", "Status", 18, choices="status"), Column("catatan", "Catatan", 20, wrap=True),
         LEVEL_COLUMN),
    ),
    SheetSpec(
        "validasi", "Validasi", "HASIL VALIDASI",
        "Ditulis ulang seluruhnya setiap kali Validasi dijalankan; klik Sel untuk menuju selnya.", "validasi",
        (Column("no", "No", 6, "temuan"), Column("tingkat", "Tingkat", 12, "temuan"),
         Column("aturan", "Aturan", 24, "temuan"), Column("sheet", "Sheet", 22, "temuan"),
         Column("sel", "Sel", 12, "temuan"), Column("kode", "Kode", 18, "temuan"),
         Column("pesan", "Pesan", 100, "temuan", wrap=True)),
    ),
    SheetSpec(
        "pengaturan", "Pengaturan Validasi", "PENGATURAN ATURAN VALIDASI",
        "Kosongkan kolom Tingkat untuk memakai tingkat bawaan; pilih Nonaktif untuk mematikan aturan.", "pengaturan",
        (Column("aturan", "Aturan", 26, "temuan"), Column("keterangan", "Keterangan", 80, "temuan", wrap=True),
         Column("bawaan", "Tingkat Bawaan", 14, "temuan"),
         Column("tingkat", "Tingkat", 14, choices="tingkat_aturan")),
        landscape=False,
    ),
    SheetSpec("daftar", "Daftar Pilihan", "DAFTAR PILIHAN", "Daftar untuk isian bertanda panah; boleh ditambah.",
              "daftar", landscape=False),
)

SHEET_BY_KEY = {s.key: s for s in SHEETS}
AGENCY_LAST_ROW = 1048576  # the agency totals reach to the sheet's last row, so a table of any length is summed


def summed_keys(spec: SheetSpec) -> list[str]:
    """The columns a parent row totals (and row 2 of a sheet with agency totals)."""
    return [c.key for c in spec.columns if c.role in ("jumlah", "total")]


def agency_total_formula(letter: str) -> str:
    """Row 2's total of a column: one SUBTOTAL over the whole column (the parents' own SUBTOTALs are skipped by
    SUBTOTAL, so this is the sum of the sub kegiatan rows)."""
    return f"=SUBTOTAL(9,{letter}{FIRST_DATA_ROW}:{letter}{AGENCY_LAST_ROW})"
YEAR_SHEETS = tuple(s.key for s in SHEETS if any(c.year is not None for c in s.columns))  # headers recalc writes

_YEAR_TOKEN = re.compile(r"\bTahun n([+-]\d)?\b", re.IGNORECASE)


def year_header(column: Column, plan_year: int | None) -> str:
    """A header as the sheet shows it for a plan year: "Realisasi Tahun n-2" -> "Realisasi Tahun 2022"."""
    if column.year is None or plan_year is None:
        return column.header
    return _YEAR_TOKEN.sub(f"Tahun {plan_year + column.year}", column.header)


def header_pattern(column: Column) -> re.Pattern[str]:
    """What a header cell may hold (lower case, spaces collapsed): as drawn ("tahun n") or with any year."""
    parts = _YEAR_TOKEN.split(column.header.lower())
    text = re.escape(parts[0]) + r"tahun (?:n(?:[+-]\d)?|(\d{4}))" + re.escape(parts[-1])
    return re.compile(text)
HIERARCHY_SHEETS = tuple(s for s in SHEETS if s.kind == "hierarki")


def sheet(key: str) -> SheetSpec:
    return SHEET_BY_KEY[key]


@dataclass
class ListRange:
    """Where a list of LISTS lives on the Daftar Pilihan sheet (column letter, first and last row)."""
    column: str
    first: int
    last: int
    extra_rows: int = field(default=30)

    @property
    def ref(self) -> str:
        return f"'Daftar Pilihan'!${self.column}${self.first}:${self.column}${self.last + self.extra_rows}"


def list_ranges() -> dict[str, ListRange]:
    out = {}
    for i, (name, values) in enumerate(LISTS.items(), start=1):
        out[name] = ListRange(column_letter(i), FIRST_DATA_ROW, FIRST_DATA_ROW + len(values) - 1)
    return out


# Printed row heights. A program that opens the file without laying text out (LibreOffice printing an .xlsx
# whose rows carry no height) draws wrapped lines over the next row; Excel lays them out itself. So recalc and
# the template give each row with wrapped text a height from an estimate of its lines: a column of width w holds
# about w characters of the default font per line (Excel's width unit is one digit; text averages narrower, so
# this errs towards a line too many, never towards overprinting).
LINE_POINTS = 15.0  # one line of the default 11 pt font
ROW_POINTS = 15.0  # a row of one line (Excel's default height)
MAX_ROW_POINTS = 409.0  # Excel's largest row height


def text_lines(value: Any, width: float) -> int:
    """Lines a wrapped cell of this column width needs for its text: words wrapped greedily, as a spreadsheet
    breaks them (a word longer than the line takes lines of its own)."""
    if value is None:
        return 1
    text = value if isinstance(value, str) else str(value)
    return _lines(text, max(1, int(width * 1.1)))


def _lines(text: str, per_line: int) -> int:
    if len(text) <= per_line and "\n" not in text:
        return 1  # the usual cell: no wrapping to work out
    lines = 0
    for part in text.split("\n"):
        used = 0
        lines += 1
        for word in part.split():
            n = len(word)
            if used and used + 1 + n <= per_line:
                used += 1 + n
            elif used == 0 and n <= per_line:
                used = n
            else:
                if used:
                    lines += 1
                extra, used = divmod(n, per_line)
                lines += extra - (1 if extra and not used else 0)
                used = used or (per_line if extra else 0)
    return lines


BOLD_WIDTH = 0.85  # bold text (parent rows, headers) is wider: fewer characters per line


def row_height(columns: tuple[Column, ...] | list[Column], cells: list[Any], bold: bool = False) -> float | None:
    """The printed height of a row (points) when a wrapped cell needs more than one line; None: the default."""
    return row_heights(columns, [cells], [bold])[0]


def row_heights(columns: tuple[Column, ...] | list[Column], rows: list[list[Any]],
                bold: list[bool] | None = None) -> list[float | None]:
    """row_height of every row (recalc: 100k rows). Column by column through C iterators: each distinct text of a
    column is wrapped once (a Renja repeats its names, indicators and lokasi), then the rows take the maximum."""
    n = len(rows)
    lines = [1] * n
    bold_rows = [i for i, b in enumerate(bold or ()) if b]
    narrowest = min(map(len, rows), default=0)
    for j, c in enumerate(columns):
        if not c.wrap:
            continue
        column = list(map(itemgetter(j), rows)) if j < narrowest else [r[j] if j < len(r) else None for r in rows]
        per_line = max(1, int(c.width * 1.1))
        heavy = max(1, int(c.width * BOLD_WIDTH * 1.1))
        shortest = heavy if bold_rows else per_line
        plain: dict[Any, int] = {}
        for v in set(column):
            if v is None:
                continue
            text = v if v.__class__ is str else str(v)
            if text[:1] == "=" or (len(text) <= shortest and "\n" not in text):
                continue  # a formula (its result is a number), or a text on one line at any weight
            plain[v] = _lines(text, per_line)
        if not plain:
            continue
        lines = list(map(max, lines, map(plain.get, column, repeat(1))))
        wrapped_bold: dict[Any, int] = {}
        for i in bold_rows:
            v = column[i]
            if v in plain:
                k = wrapped_bold.get(v)
                if k is None:
                    k = wrapped_bold[v] = _lines(v if v.__class__ is str else str(v), heavy)
                if k > lines[i]:
                    lines[i] = k
    return [None if k == 1 else min(MAX_ROW_POINTS, k * LINE_POINTS + 2) for k in lines]
