"""Findings as data: every check yields rows, reported together (rule, severity, sheet, cell, code, message).

`RULES` is the catalogue of stable rule ids with their default severity and an
Indonesian description; the template's *Pengaturan Validasi* sheet lists it so a
user can turn a rule off or change its severity (`apply_settings`).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, replace

SEVERITIES = ("error", "warning", "info")
SEVERITY_LABELS = {"error": "Galat", "warning": "Peringatan", "info": "Info"}
OFF_LABEL = "Nonaktif"
SETTING_CHOICES = (*SEVERITY_LABELS.values(), OFF_LABEL)


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    sheet: str
    cell: str
    code: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)

    def line(self) -> str:
        where = f"{self.sheet}!{self.cell}" if self.cell else self.sheet
        code = f" [{self.code}]" if self.code else ""
        return f"{SEVERITY_LABELS[self.severity]} {where}{code}: {self.message}"


@dataclass(frozen=True)
class RuleInfo:
    rule: str
    severity: str
    description: str


def _r(rule: str, severity: str, description: str) -> RuleInfo:
    return RuleInfo(rule, severity, description)


# Stable ids. Order = the order of the settings table in the workbook.
RULE_LIST: tuple[RuleInfo, ...] = (
    # reading the cells (reader.py, kode.py, money.py)
    _r("kode.format", "error", "Kode tidak sesuai format tingkatnya (2 atau 4 digit sub kegiatan), karakter tidak sah"),
    _r("kode.angka", "error", "Kode tersimpan sebagai angka (5.10 menjadi 5.1)"),
    _r("kode.kosong", "error", "Baris berisi data tetapi kodenya kosong"),
    _r("kode.spasi", "warning", "Kode memuat spasi"),
    _r("kode.ganda", "warning", "Sub kegiatan tercantum lebih dari sekali dalam satu tabel"),
    _r("kode.digit_versi", "error", "Jumlah digit sub kegiatan tidak sesuai versi nomenklatur (2 digit s.d. 2021, 4 digit sejak 2023)"),
    _r("kode.bidang_lain", "warning", "Kode di luar bidang urusan perangkat daerah (Identitas)"),
    _r("kode.kewenangan", "error", "Digit kewenangan kegiatan tidak sesuai jenis pemerintah daerah (1 provinsi, 2 kabupaten/kota)"),
    _r("kode.tingkat_tabel", "warning", "Tingkat kode tidak cocok dengan tabel atau isian barisnya"),
    _r("hierarki.induk_hilang", "warning", "Baris induk (program/kegiatan) belum ada"),
    _r("tabel.sel_gabung", "error", "Sel tergabung (merge) di area data"),
    _r("identitas.hilang", "warning", "Baris Identitas tidak ditemukan"),
    _r("identitas.isian", "error", "Isian Identitas tidak dapat dibaca"),
    _r("identitas.nip", "error", "NIP bukan 18 digit atau tanggal di dalamnya mustahil"),
    _r("nomenklatur.versi", "info", "Versi nomenklatur belum diisi atau belum diimpor"),
    _r("nomenklatur.kode", "error", "Kode tidak ada dalam nomenklatur versi buku kerja"),
    _r("nomenklatur.nama", "warning", "Nama berbeda dari nama resmi nomenklatur"),
    _r("nomenklatur.indikator", "warning", "Indikator sub kegiatan berbeda dari indikator standar (nomenklatur 2023+)"),
    _r("nomenklatur.satuan", "warning", "Satuan sub kegiatan berbeda dari satuan standar (nomenklatur 2023+)"),
    _r("isi.indikator", "warning", "Indikator kinerja kosong"),
    _r("isi.satuan", "warning", "Satuan kosong"),
    _r("isi.target", "warning", "Target kinerja kosong"),
    _r("isi.lokasi", "warning", "Lokasi kosong"),
    _r("isi.waktu", "warning", "Waktu pelaksanaan kosong"),
    _r("isi.waktu_format", "error", "Waktu pelaksanaan bukan rentang bulan yang sah (Januari - Desember)"),
    _r("isi.satuan_indikator", "warning", "Satuan tidak cocok dengan rumusan indikator"),
    _r("angka.bukan_angka", "error", "Sel uang/angka berisi teks"),
    _r("angka.teks", "error", "Angka diketik sebagai teks (17.914.888.161)"),
    _r("angka.rumus", "error", "Rumus di kolom isian angka"),
    _r("angka.galat", "error", "Sel berisi galat Excel (#REF!, #VALUE!, ...)"),
    _r("uang.negatif", "error", "Uang bernilai negatif"),
    _r("uang.pecahan", "warning", "Uang dengan sen di kolom rupiah utuh"),
    _r("uang.kosong", "warning", "Sub kegiatan tanpa uang"),
    _r("uang.alokasi_induk", "error", "Pendanaan induk (jumlah indikatornya) berbeda dari jumlah sub kegiatan"),
    _r("uang.subtotal_tersimpan", "error", "Nilai subtotal tersimpan berbeda dari jumlah sub kegiatan"),
    _r("uang.pagu_indikatif", "error", "Total rencana melebihi pagu indikatif Identitas"),
    _r("silang.rancangan_rencana", "warning", "Sub kegiatan ada di Tabel 4 tetapi tidak di Tabel 6, atau sebaliknya"),
    _r("silang.rancangan_sipd", "warning", "Sub kegiatan ada di Tabel 4 tetapi tidak di Usulan SIPD, atau sebaliknya"),
    _r("silang.rencana_sipd", "warning", "Sub kegiatan ada di Tabel 6 tetapi tidak di Usulan SIPD, atau sebaliknya"),
    _r("silang.target", "info", "Target sub kegiatan berubah antara Tabel 4, Tabel 6 dan Usulan SIPD"),
    _r("silang.satuan", "info", "Satuan sub kegiatan berubah antara Tabel 4, Tabel 6 dan Usulan SIPD"),
    _r("iku.target", "warning", "IKU tahun evaluasi tanpa target"),
    _r("iku.realisasi", "warning", "IKU tahun evaluasi tanpa realisasi"),
    _r("pengaturan.isian", "warning", "Baris Pengaturan Validasi tidak dapat dibaca"),
)
# Checks of Bappeda's rekap (renja_xl/rekap): across the workbooks of a pemda, never inside one workbook, so they
# are kept out of RULE_LIST (the Pengaturan Validasi sheet of every OPD template lists that one).
REKAP_RULE_LIST: tuple[RuleInfo, ...] = (
    _r("rekap.berkas", "error", "Berkas tidak dapat dibaca sebagai buku kerja Renja (rusak, bersandi, format lain)"),
    _r("rekap.sub_ganda_opd", "error", "Sub kegiatan yang sama diusulkan lebih dari satu perangkat daerah"),
    _r("rekap.penunjang_bidang", "warning", "Program penunjang di bidang urusan yang tidak diampu perangkat daerah"),
    _r("rekap.pagu_opd", "error", "Total rencana perangkat daerah melebihi pagu indikatif surat Bappeda"),
    _r("rekap.tahun_berbeda", "error", "Tahun rencana berbeda dari buku kerja lain dalam rekap"),
    _r("rekap.versi_berbeda", "warning", "Versi nomenklatur berbeda dari buku kerja lain dalam rekap"),
    _r("rekap.opd_ganda", "error", "Perangkat daerah yang sama (atau berkas yang sama) lebih dari sekali"),
    _r("rekap.pagu_tanpa_opd", "info", "Pagu indikatif tercantum untuk perangkat daerah tanpa buku kerja"),
    _r("rekap.pagu_isian", "warning", "Baris berkas pagu indikatif tidak dapat dibaca"),
)
RULES: dict[str, RuleInfo] = {r.rule: r for r in RULE_LIST}  # what a workbook's Pengaturan Validasi may set
REKAP_RULES: dict[str, RuleInfo] = {r.rule: r for r in REKAP_RULE_LIST}
CATALOGUE: dict[str, RuleInfo] = {**RULES, **REKAP_RULES}  # every id a finding may carry


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity == "error" for f in findings)


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """By severity (errors first); within a severity the order the rules found them (stable)."""
    order = {s: i for i, s in enumerate(SEVERITIES)}
    return sorted(findings, key=lambda f: order[f.severity])


def severity_from_label(label: str) -> str | None:
    """'Galat' / 'error' -> 'error'; 'Nonaktif' -> 'off'; anything else -> None."""
    text = (label or "").strip().lower()
    for key, name in SEVERITY_LABELS.items():
        if text in (key, name.lower()):
            return key
    if text in ("nonaktif", "off", "mati", "tidak aktif"):
        return "off"
    return None


def apply_settings(findings: list[Finding], settings: dict[str, str]) -> list[Finding]:
    """Drop the findings of rules turned off; give the others the severity the user chose."""
    out = []
    for f in findings:
        chosen = settings.get(f.rule)
        if chosen == "off":
            continue
        out.append(replace(f, severity=chosen) if chosen and chosen != f.severity else f)
    return out


def counts(findings: list[Finding]) -> dict[str, int]:
    return {s: sum(1 for f in findings if f.severity == s) for s in SEVERITIES}
