"""The embedded example: the Renja 2024 of BKD Provinsi Kalimantan Barat, typed into the template.

The seed's tables are entered as a user would: sub kegiatan rows with their
money, parent rows with their names (and, in Tabel 6, their indicators and the
shares printed beside them, kept as printed even where they do not add up).
Totals are left to recalc.
"""
from __future__ import annotations

import csv
import io
from datetime import datetime
from decimal import Decimal
from importlib import resources
from typing import Any

from renja_xl.workbook.grid import Grid
from renja_xl.domain.kode import Level, parse_kode
from renja_xl.domain.layout import FIRST_DATA_ROW, IDENTITAS_FIELDS, SheetSpec, sheet


def seed_rows(name: str) -> list[dict[str, str]]:
    text = resources.files("renja_xl").joinpath(f"data/contoh/{name}").read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def _number(text: str) -> Any:
    """A seed value as a user would type it: a number when it is one, else the text."""
    t = (text or "").strip()
    if t == "":
        return None
    try:
        d = Decimal(t)
    except ArithmeticError:
        return t
    return int(d) if d == d.to_integral_value() else float(t)


def _row(spec: SheetSpec, **values: Any) -> list[Any]:
    """An empty CSV field is an empty cell."""
    return spec.make_row(**{k: None if v == "" else v for k, v in values.items()})


def _is_leaf(kode: str) -> bool:
    return parse_kode(kode).kode.level == Level.SUB_KEGIATAN


def fill_example(grid: Grid) -> None:
    """Type the seed into a grid opened on a fresh template."""
    ident = {r["kunci"]: r["isian"] for r in seed_rows("identitas.csv")}
    kinds = {f.key: f.kind for f in IDENTITAS_FIELDS}
    values = []
    for f in IDENTITAS_FIELDS:
        v = ident.get(f.key, "")
        if v and kinds[f.key] in ("year", "money"):
            v = int(v)
        elif v and kinds[f.key] == "date":
            v = datetime.strptime(v, "%Y-%m-%d")
        values.append([v or None])
    grid.write(sheet("identitas").name, FIRST_DATA_ROW, 2, values)

    teks = sheet("teks")
    grid.write(teks.name, FIRST_DATA_ROW, 1,
               [_row(teks, bagian=r["bagian"], jenis=r["jenis"], rujukan=r["rujukan"], teks=r["teks"])
                for r in seed_rows("teks_bab.csv")])

    t1 = sheet("tabel1")
    rows = []
    for r in seed_rows("tabel1_evaluasi_renja_2022.csv"):
        if _is_leaf(r["kode"]):
            rows.append(_row(t1, kode=r["kode"], uraian=r["uraian"], indikator=r["indikator"],
                             target=_number(r["target_volume"]), satuan=r["target_satuan"],
                             anggaran=_number(r["anggaran"]), realisasi=_number(r["realisasi"])))
        else:
            rows.append(_row(t1, kode=r["kode"], uraian=r["uraian"]))
    grid.write(t1.name, FIRST_DATA_ROW, 1, rows)

    t3_rows = seed_rows("tabel3_tren_iku_2020_2022.csv")
    satuan = {r["no_iku"]: r["satuan"] for r in t3_rows}
    t2 = sheet("tabel2")
    rows = []
    for r in seed_rows("tabel2_capaian_iku_2022.csv"):
        target = _number(r["target"])
        rows.append(_row(t2, no_sasaran=_number(r["no_sasaran"]), sasaran=r["sasaran_strategis"], no_iku=r["no_iku"],
                         iku=r["indikator_kinerja_utama"], satuan=satuan.get(r["no_iku"], ""),
                         polaritas="Predikat" if isinstance(target, str) else "Positif",
                         target=target, realisasi=_number(r["realisasi"])))
    grid.write(t2.name, FIRST_DATA_ROW, 1, rows)

    t3 = sheet("tabel3")
    grid.write(t3.name, FIRST_DATA_ROW, 1, [
        _row(t3, no_sasaran=_number(r["no_sasaran"]), sasaran=r["sasaran_strategis"], no_iku=r["no_iku"],
             iku=r["indikator_kinerja_utama"], satuan=r["satuan"],
             target_1=_number(r["target_2020"]), realisasi_1=_number(r["realisasi_2020"]),
             target_2=_number(r["target_2021"]), realisasi_2=_number(r["realisasi_2021"]),
             target_3=_number(r["target_2022"]), realisasi_3=_number(r["realisasi_2022"]))
        for r in t3_rows])

    t4 = sheet("tabel4")
    grid.write(t4.name, FIRST_DATA_ROW, 1, [
        _row(t4, kode=r["kode"], uraian=r["uraian"], indikator=r["indikator"], satuan=r["satuan"],
             target=_number(r["target"]), lokasi=r["lokasi"], waktu=r["waktu_pelaksanaan"])
        for r in seed_rows("tabel4_rancangan_renja_2024.csv")])

    t5 = sheet("tabel5")
    grid.write(t5.name, FIRST_DATA_ROW, 1, [
        _row(t5, tujuan=r["tujuan"], sasaran=r["sasaran"], indikator=r["indikator_sasaran"], satuan=r["satuan"],
             target=_number(r["target_2024"]))
        for r in seed_rows("tabel5_target_indikator_2024.csv")])

    t6 = sheet("tabel6")
    rows, previous = [], None
    for r in seed_rows("tabel6_rencana_kerja_pendanaan_2024.csv"):
        repeat = r["kode"] == previous  # further indicators of the same program or kegiatan
        previous = r["kode"]
        rows.append(_row(t6, kode=r["kode"], uraian="" if repeat else r["uraian"], indikator=r["indikator"],
                         satuan=r["satuan"], target=_number(r["target_kinerja"]), pendanaan=_number(r["pendanaan"]),
                         lokasi=r["lokasi"], waktu=r["waktu_pelaksanaan"]))
    grid.write(t6.name, FIRST_DATA_ROW, 1, rows)

    sipd = sheet("sipd")
    rows = []
    for r in seed_rows("lampiran_usulan_sipd_2024.csv"):
        leaf = _is_leaf(r["kode"])
        rows.append(_row(sipd, kode=r["kode"], uraian=r["uraian"], usulan=r["usulan"], lokasi=r["lokasi"],
                         volume=_number(r["volume"]), satuan=r["satuan"],
                         pagu=_number(r["jumlah_pagu"]) if leaf else None, status=r["status"],
                         catatan=r["catatan"]))
    grid.write(sipd.name, FIRST_DATA_ROW, 1, rows)
