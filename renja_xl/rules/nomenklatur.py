"""Against the nomenclature version the workbook declares: unknown codes, names, standard indicator and satuan."""
from __future__ import annotations

from itertools import compress, repeat
from typing import Iterable

from renja_xl.domain.findings import Finding, Severity, declare, emits
from renja_xl.nomenklatur import name_key, same_name
from renja_xl.rules.context import Context, text

NOMENKLATUR_VERSI = declare("nomenklatur.versi", Severity.INFO, "Versi nomenklatur belum diisi atau belum diimpor")
NOMENKLATUR_KODE = declare("nomenklatur.kode", Severity.ERROR, "Kode tidak ada dalam nomenklatur versi buku kerja")
NOMENKLATUR_DIHAPUS = declare("nomenklatur.dihapus", Severity.ERROR,
                              "Kode dihapus oleh Kepmendagri versi buku kerja atau versi sebelumnya (dengan penggantinya)")
NOMENKLATUR_NAMA = declare("nomenklatur.nama", Severity.WARNING, "Nama berbeda dari nama resmi nomenklatur")
NOMENKLATUR_INDIKATOR = declare("nomenklatur.indikator", Severity.WARNING,
                                "Indikator sub kegiatan berbeda dari indikator standar (nomenklatur 2023+)")
NOMENKLATUR_SATUAN = declare("nomenklatur.satuan", Severity.WARNING,
                             "Satuan sub kegiatan berbeda dari satuan standar (nomenklatur 2023+)")


@emits(NOMENKLATUR_VERSI)
def version_note(ctx: Context) -> Iterable[Finding]:
    if ctx.nomenklatur_note:
        yield NOMENKLATUR_VERSI(ctx.identitas_sheet, ctx.identitas_cell("versi_nomenklatur"), "",
                                ctx.nomenklatur_note)


@emits(NOMENKLATUR_DIHAPUS, NOMENKLATUR_KODE, NOMENKLATUR_NAMA)
def codes_and_names(ctx: Context) -> Iterable[Finding]:
    nom = ctx.nomenklatur
    if nom is None:
        return
    jenis = ctx.jenis
    name_cache: dict[tuple, bool] = {}
    for table in ctx.tables():
        j = ctx.col(table, "uraian")
        nodes = ctx.typed_nodes(table)
        entries = nom.find_all([r.kode for r in nodes], jenis)
        # a code missing from a partial list proves nothing: only the rows found there are looked at
        for r, entry in compress(zip(nodes, entries), entries if nom.partial else repeat(True)):
            segs = r.kode.segments
            if segs[0] == "X":
                continue  # reported by kode.format
            if entry is None:
                if not nom.partial:
                    yield _unknown(nom, table.spec.name, ctx.where(table, r, "kode"), r.kode.text, r.level.label,
                                   jenis)
                continue
            if len(segs) < 3:
                continue  # the bidang row often carries the agency's name, as in the printed Renja
            kode = r.kode.text
            raw = r.cells[j]
            key = (raw, entry.nama)
            ok = name_cache.get(key)
            if ok is None:
                name = text(raw)
                ok = name_cache[key] = not name or same_name(name, entry.nama)
            if not ok:
                name = text(raw)
                yield NOMENKLATUR_NAMA(table.spec.name, ctx.where(table, r, "uraian"), kode,
                                       f"nama '{name}' berbeda dari nomenklatur '{nom.versi}'; nama resmi: '{entry.nama}'.")


def _unknown(nom, sheet: str, cell: str, kode: str, label: str, jenis) -> Finding:
    """A code not in the list: deleted by a decree (with its replacement), or never in it."""
    gone = nom.removal(kode)
    if gone is None:
        return NOMENKLATUR_KODE(sheet, cell, kode, f"kode {kode} ({label}) tidak ada dalam nomenklatur '{nom.versi}'.")
    text = f"kode {kode} ({label}, '{gone.nama}') dihapus pada {gone.versi or nom.versi}"
    if gone.pengganti:
        pengganti = gone.pengganti
        if pengganti.startswith("X.XX.") and not kode.startswith("X."):
            pengganti = kode[:4] + pengganti[4:]  # the generic penunjang code read with the row's bidang
        entry = nom.find(pengganti, jenis)
        text += f"; penggantinya {pengganti}" + (f" '{entry.nama}'" if entry else "")
    else:
        text += "; tidak ada penggantinya dalam daftar"
    return NOMENKLATUR_DIHAPUS(sheet, cell, kode, text + ". Pindahkan buku kerja dengan renja-xl migrasi atau pilih kode lain.")


@emits(NOMENKLATUR_INDIKATOR, NOMENKLATUR_SATUAN)
def standard_indicator(ctx: Context) -> Iterable[Finding]:
    """2023+ lists carry each sub kegiatan's indikator and satuan: compare Tabel 4 and Tabel 6 with them."""
    nom = ctx.nomenklatur
    if nom is None or nom.partial:
        return
    jenis = ctx.jenis
    for table in (ctx.renja.tabel4, ctx.renja.tabel6):
        leaves = ctx.leaves(table)
        for r, entry in zip(leaves, nom.find_all([r.kode for r in leaves], jenis)):
            if entry is None:
                continue
            indikator = text(ctx.value(table, r, "indikator"))
            if entry.indikator and indikator and not same_name(indikator, entry.indikator, tolerance=2):
                yield NOMENKLATUR_INDIKATOR(table.spec.name, ctx.where(table, r, "indikator"),
                                            r.kode.text,
                                            f"indikator '{indikator}' berbeda dari indikator standar: '{entry.indikator}'.")
            satuan = text(ctx.value(table, r, "satuan"))
            if entry.satuan and satuan and name_key(satuan) != name_key(entry.satuan):
                yield NOMENKLATUR_SATUAN(table.spec.name, ctx.where(table, r, "satuan"),
                                         r.kode.text, f"satuan '{satuan}' berbeda dari satuan standar: '{entry.satuan}'.")


RULES = [version_note, codes_and_names, standard_indicator]
