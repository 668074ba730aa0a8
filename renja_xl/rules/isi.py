"""Content: missing fields, waktu pelaksanaan, satuan against the indicator's wording, NIP, IKU values."""
from __future__ import annotations

import re
from datetime import date
from typing import Any, Iterable

from renja_xl.domain.findings import Finding, Severity, declare, emits
from renja_xl.domain.kode import Level
from renja_xl.domain.layout import MONTHS
from renja_xl.rules.context import Context, blank, blank_positions, text


IDENTITAS_ISIAN = declare("identitas.isian", Severity.ERROR, "Isian Identitas tidak dapat dibaca")
IDENTITAS_NIP = declare("identitas.nip", Severity.ERROR, "NIP bukan 18 digit atau tanggal di dalamnya mustahil")
ISI_INDIKATOR = declare("isi.indikator", Severity.WARNING, "Indikator kinerja kosong")
ISI_SATUAN = declare("isi.satuan", Severity.WARNING, "Satuan kosong")
ISI_TARGET = declare("isi.target", Severity.WARNING, "Target kinerja kosong")
ISI_LOKASI = declare("isi.lokasi", Severity.WARNING, "Lokasi kosong")
ISI_WAKTU = declare("isi.waktu", Severity.WARNING, "Waktu pelaksanaan kosong")
ISI_WAKTU_FORMAT = declare("isi.waktu_format", Severity.ERROR,
                           "Waktu pelaksanaan bukan rentang bulan yang sah (Januari - Desember)")
ISI_SATUAN_INDIKATOR = declare("isi.satuan_indikator", Severity.WARNING, "Satuan tidak cocok dengan rumusan indikator")
IKU_TARGET = declare("iku.target", Severity.WARNING, "IKU tahun evaluasi tanpa target")
IKU_REALISASI = declare("iku.realisasi", Severity.WARNING, "IKU tahun evaluasi tanpa realisasi")

_FIELDS = (("indikator", ISI_INDIKATOR, "indikator kinerja"), ("satuan", ISI_SATUAN, "satuan"),
           ("target", ISI_TARGET, "target kinerja"), ("lokasi", ISI_LOKASI, "lokasi"),
           ("waktu", ISI_WAKTU, "waktu pelaksanaan"))


@emits(ISI_INDIKATOR, ISI_LOKASI, ISI_SATUAN, ISI_TARGET, ISI_WAKTU)
def missing_fields(ctx: Context) -> Iterable[Finding]:
    renja = ctx.renja
    plans = ((renja.tabel1, ("indikator", "satuan", "target")),
             (renja.tabel4, ("indikator", "satuan", "target", "lokasi", "waktu")),
             (renja.tabel6, ("indikator", "satuan", "target", "lokasi", "waktu")))
    leaf_only = {Level.SUB_KEGIATAN}
    with_parents = {Level.SUB_KEGIATAN, Level.PROGRAM, Level.KEGIATAN}
    for table, keys in plans:
        fields = [(key, rule, label) for key, rule, label in _FIELDS if key in keys]
        typed = ctx.typed_rows(table)
        hits: list[tuple[int, int]] = []  # (row, field): reported row by row, as a reader goes down the sheet
        for order, (key, rule, label) in enumerate(fields):
            # programs and kegiatan of Tabel 6 carry their own indicators
            levels = with_parents if table is renja.tabel6 and order < 3 else leaf_only
            hits.extend((i, order) for i in blank_positions(ctx.column(table, "typed", key))
                        if typed[i].kode.level in levels)
        hits.sort()
        for i, order in hits:
            r = typed[i]
            key, rule, label = fields[order]
            yield rule(table.spec.name, ctx.where(table, r, key), r.kode.text,
                          f"{label} {r.level.label.lower()} {r.kode.text} kosong.")


_MONTH_INDEX = {m.lower(): i for i, m in enumerate(MONTHS, start=1)}
_MONTH_INDEX.update({m.lower()[:3]: i for i, m in enumerate(MONTHS, start=1)})
_MONTH_INDEX.update({"agust": 8, "sept": 9, "nop": 11, "nopember": 11, "pebruari": 2})
_RANGE_SPLIT = re.compile(r"\s*(?:-|–|—|s\.?\s*d\.?|s/d|sampai(?: dengan)?|hingga)\s*", re.IGNORECASE)


def month_range(value: str) -> tuple[int, int] | str:
    """'Januari - Desember' -> (1, 12); a single month -> (m, m); else the reason (Indonesian)."""
    parts = [p for p in _RANGE_SPLIT.split(value.strip()) if p != ""]
    if not 1 <= len(parts) <= 2:
        return "tulis dua nama bulan, misalnya 'Januari - Desember'"
    months = []
    for p in parts:
        m = _MONTH_INDEX.get(p.strip().rstrip(".").lower())
        if m is None:
            return f"'{p}' bukan nama bulan"
        months.append(m)
    start, end = months[0], months[-1]
    if start > end:
        return f"bulan awal ({MONTHS[start - 1]}) sesudah bulan akhir ({MONTHS[end - 1]})"
    return start, end


@emits(ISI_WAKTU_FORMAT)
def waktu_format(ctx: Context) -> Iterable[Finding]:
    for table in (ctx.renja.tabel4, ctx.renja.tabel6):
        column = ctx.column(table, "typed", "waktu")
        bad: dict[Any, str] = {}  # each distinct value is judged once
        for raw in set(column):
            if blank(raw):
                continue
            parsed = month_range(text(raw)) if isinstance(raw, str) else "bukan teks nama bulan"
            if isinstance(parsed, str):
                bad[raw] = parsed
        if not bad:
            continue
        for r, raw in zip(ctx.typed_rows(table), column):
            if raw in bad:
                yield ISI_WAKTU_FORMAT(table.spec.name, ctx.where(table, r, "waktu"), r.kode.text,
                                       f"waktu pelaksanaan '{text(raw)}' tidak sah: {bad[raw]}.")


# The thing an indicator counts ("Jumlah <noun> ...") and the satuan kinds that may count it.
_PERSON = {"orang", "asn", "pns", "pegawai", "pejabat", "peserta", "aparatur", "cpns", "pppk", "guru", "siswa",
           "penerima", "jabatan"}
_KIND_OF_NOUN = {"dokumen": "dokumen", "laporan": "dokumen", "rencana": "dokumen", "paket": "paket",
                 "unit": "unit", "kendaraan": "unit", "mebel": "unit", "peralatan": "unit", "gedung": "unit",
                 "sistem": "sistem", "aplikasi": "sistem", "kegiatan": "kegiatan", "kali": "kegiatan"}
_KIND_OF_SATUAN = {"orang": "orang", "jiwa": "orang", "dokumen": "dokumen", "laporan": "dokumen", "buku": "dokumen",
                   "naskah": "dokumen", "paket": "paket", "unit": "unit", "buah": "unit", "stel": "unit",
                   "set": "unit", "sistem": "sistem", "aplikasi": "sistem", "persen": "persen", "%": "persen",
                   "kegiatan": "kegiatan", "kali": "kegiatan"}
_WORD = re.compile(r"[\w%]+")


def satuan_kind(satuan: str) -> str | None:
    words = _WORD.findall(satuan.lower())
    return _KIND_OF_SATUAN.get(words[0]) if words else None


def indicator_kind(indikator: str) -> str | None:
    words = _WORD.findall(indikator.lower())
    if not words:
        return None
    if words[0] in ("persentase", "prosentase", "presentase"):
        return "persen"
    if words[0] != "jumlah" or len(words) < 2:
        return None
    noun = words[1]
    if noun in _PERSON:
        return "orang"
    return _KIND_OF_NOUN.get(noun)


@emits(ISI_SATUAN_INDIKATOR)
def satuan_fits_indicator(ctx: Context) -> Iterable[Finding]:
    renja = ctx.renja
    for table in (renja.tabel1, renja.tabel4, renja.tabel6):
        indikator_col, satuan_col = ctx.column(table, "typed", "indikator"), ctx.column(table, "typed", "satuan")
        wrong: dict[tuple, str] = {}  # (indikator, satuan) -> what the indicator counts, for the pairs that differ
        for pair in set(zip(indikator_col, satuan_col)):
            indikator, satuan = text(pair[0]), text(pair[1])
            if indikator and satuan:
                want, got = indicator_kind(indikator), satuan_kind(satuan)
                if want and got and want != got:
                    wrong[pair] = want
        if not wrong:
            continue
        for r, pair in zip(ctx.typed_rows(table), zip(indikator_col, satuan_col)):
            if pair in wrong:
                indikator, satuan = text(pair[0]), text(pair[1])
                yield ISI_SATUAN_INDIKATOR(table.spec.name, ctx.where(table, r, "satuan"),
                                           r.kode.text,
                                           f"satuan '{satuan}' tidak cocok dengan indikator '{indikator}' "
                                           f"(yang dihitung: {wrong[pair]}).")


def nip_problem(raw: str, today: date | None = None) -> str | None:
    """Why a NIP is not valid (Indonesian), or None. 18 digits: birth date, appointment month, sex, serial."""
    digits = re.sub(r"\s+", "", raw)
    if not digits.isdigit():
        return f"NIP '{raw}' memuat karakter selain angka dan spasi."
    if len(digits) != 18:
        return f"NIP '{raw}' terdiri atas {len(digits)} digit; seharusnya 18."
    today = today or date.today()
    try:
        born = date(int(digits[0:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return f"NIP '{raw}': tanggal lahir {digits[6:8]}-{digits[4:6]}-{digits[0:4]} (digit 1-8) tidak ada."
    if not 1900 <= born.year <= today.year - 15:
        return f"NIP '{raw}': tahun lahir {born.year} (digit 1-4) tidak mungkin."
    year, month = int(digits[8:12]), int(digits[12:14])
    if not 1 <= month <= 12:
        return f"NIP '{raw}': bulan pengangkatan {month:02d} (digit 13-14) tidak ada."
    if not born.year + 15 <= year <= today.year + 1:
        return f"NIP '{raw}': tahun pengangkatan {year} (digit 9-12) tidak mungkin untuk kelahiran {born.year}."
    if digits[14] not in "12":
        return f"NIP '{raw}': digit jenis kelamin (ke-15) '{digits[14]}' harus 1 atau 2."
    return None


@emits(IDENTITAS_NIP)
def nip(ctx: Context) -> Iterable[Finding]:
    raw = ctx.renja.identitas.get("nip_kepala")
    if blank(raw):
        return
    problem = nip_problem(text(raw))
    if problem:
        yield IDENTITAS_NIP(ctx.identitas_sheet, ctx.identitas_cell("nip_kepala"), "", problem)


@emits(IDENTITAS_ISIAN)
def bidang_code(ctx: Context) -> Iterable[Finding]:
    """Identitas' Kode Bidang Urusan: text of the form 5.03 (the code checks lean on it)."""
    raw = ctx.renja.identitas.get("kode_bidang_urusan")
    if blank(raw) or ctx.bidang is not None:
        return
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        why = "tersimpan sebagai angka (5.10 menjadi 5.1); ketik sebagai teks"
    else:
        why = "bukan kode bidang urusan (dua bagian, misalnya 5.03; beberapa bidang dipisah titik koma: 5.01; 5.05)"
    yield IDENTITAS_ISIAN(ctx.identitas_sheet, ctx.identitas_cell("kode_bidang_urusan"), text(raw),
                          f"Kode Bidang Urusan '{text(raw)}' {why}; pemeriksaan bidang dilewati.")


@emits(IKU_REALISASI, IKU_TARGET)
def iku_values(ctx: Context) -> Iterable[Finding]:
    spec = ctx.renja.tabel2.spec
    from renja_xl.domain.cells import cell_ref

    for r in ctx.renja.tabel2.rows:
        if r.source_row is None:
            continue
        iku = text(r.cells[spec.col("iku")]) or text(r.cells[spec.col("no_iku")])
        for key, rule, value in (("target", IKU_TARGET, r.target), ("realisasi", IKU_REALISASI, r.realisasi)):
            if value is None:
                yield rule(spec.name, cell_ref(r.source_row, spec.col(key) + 1),
                              text(r.cells[spec.col("no_iku")]),
                              f"IKU '{iku}' tanpa {key}; tingkat kemajuannya tidak dapat dihitung.")


RULES = [missing_fields, waktu_format, satuan_fits_indicator, nip, bidang_code, iku_values]
