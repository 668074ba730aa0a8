"""The seed example: validate finds every place where its Tabel 6 money does not add up, and nothing else
about money. Expected places are computed here from the seed's CSV, independently of the toolkit."""
from __future__ import annotations

import csv
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from renja_xl.engines.calamine_engine import CalamineBook
from renja_xl.engines.openpyxl_engine import OpenpyxlBook
from renja_xl.domain.fmt import rupiah
from renja_xl.domain.layout import FIRST_DATA_ROW, sheet
from renja_xl.workbook.validation import validate_grid

from conftest import SEED

T6 = "Tabel 6 Rencana Kerja"


@pytest.fixture(autouse=True)
def empty_store(tmp_path, monkeypatch):
    monkeypatch.setenv("RENJA_XL_HOME", str(tmp_path / "home"))


def _rows(name: str) -> list[dict[str, str]]:
    with open(SEED / name, encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _is_leaf(kode: str) -> bool:
    return len(kode.split(".")) == 6


def seed_tabel6_mismatches() -> dict[str, tuple[str, Decimal, Decimal]]:
    """kode -> (cell range of its Pendanaan, stated = sum of its indicator rows, computed = sum of its sub kegiatan)."""
    rows = _rows("tabel6_rencana_kerja_pendanaan_2024.csv")
    leaves = [(r["kode"], Decimal(r["pendanaan"])) for r in rows if _is_leaf(r["kode"])]
    out = {}
    for kode in dict.fromkeys(r["kode"] for r in rows if not _is_leaf(r["kode"])):
        idx = [i for i, r in enumerate(rows) if r["kode"] == kode]
        stated = sum((Decimal(rows[i]["pendanaan"]) for i in idx), Decimal(0))
        computed = sum((v for k, v in leaves if k.startswith(kode + ".")), Decimal(0))
        if stated != computed:
            first, last = FIRST_DATA_ROW + idx[0], FIRST_DATA_ROW + idx[-1]
            cell = f"G{first}" if first == last else f"G{first}:G{last}"
            out[kode] = (cell, stated, computed)
    return out


def test_seed_tabel6_money_findings(example_path: Path) -> None:
    expected = seed_tabel6_mismatches()
    assert len(expected) == 5 and "5.03" in expected  # the seed as published; the bidang row is one of them
    findings = validate_grid(CalamineBook(example_path))
    money = [f for f in findings if f.rule.startswith(("uang.", "angka."))]
    got = {f.code: f for f in money}
    assert len(money) == len(got) == len(expected), [f.line() for f in money]
    for kode, (cell, stated, computed) in expected.items():
        f = got[kode]
        assert (f.rule, f.severity, f.sheet, f.cell) == ("uang.alokasi_induk", "error", T6, cell)
        assert rupiah(computed) in f.message and rupiah(stated) in f.message
        assert f"selisih {rupiah(stated - computed)}" in f.message
    # the only errors of the seed are these
    assert {f.code for f in findings if f.severity == "error"} == set(expected)


def test_seed_printed_totals_of_tabel1_and_lampiran_are_consistent(example_path: Path, tmp_path: Path) -> None:
    """Typed over the live subtotals, the seed's printed totals (Tabel 1, lampiran) raise no money error;
    one rupiah off is found at its cell."""
    path = tmp_path / "tercetak.xlsx"
    shutil.copy(example_path, path)
    book = OpenpyxlBook(path)
    t1, sipd = sheet("tabel1"), sheet("sipd")
    printed_t1 = {r["kode"]: r for r in _rows("tabel1_evaluasi_renja_2022.csv") if not _is_leaf(r["kode"])}
    printed_sipd = {r["kode"]: r for r in _rows("lampiran_usulan_sipd_2024.csv") if not _is_leaf(r["kode"])}
    typed = 0
    for spec, printed, cols in ((t1, printed_t1, {"anggaran": "anggaran", "realisasi": "realisasi"}),
                                (sipd, printed_sipd, {"pagu": "jumlah_pagu"})):
        block = book.read(spec.name)
        for i in range(FIRST_DATA_ROW - 1, len(block)):
            kode = block[i][spec.col("kode")]
            if kode in printed:
                for key, csv_key in cols.items():
                    book.write(spec.name, i + 1, spec.col(key) + 1, [[int(Decimal(printed[kode][csv_key]))]])
                    typed += 1
    assert typed == 2 * len(printed_t1) + len(printed_sipd)
    book.save()
    findings = validate_grid(CalamineBook(path))
    assert not [f for f in findings if f.sheet in (t1.name, sipd.name) and f.rule.startswith("uang.")]

    block = book.read(sipd.name)
    row = next(i + 1 for i in range(len(block)) if block[i][sipd.col("kode")] == "5.03.01.1.05")
    book.write(sipd.name, row, sipd.col("pagu") + 1, [[225_000_001]])
    book.save()
    off = [f for f in validate_grid(CalamineBook(path)) if f.rule == "uang.subtotal_tersimpan"]
    assert [(f.sheet, f.cell, f.code) for f in off] == [(sipd.name, f"H{row}", "5.03.01.1.05")]
    assert "Rp 225.000.001" in off[0].message and "Rp 225.000.000" in off[0].message


def test_seed_other_findings_name_real_differences(example_path: Path) -> None:
    findings = validate_grid(CalamineBook(example_path))
    satuan = [f for f in findings if f.rule == "isi.satuan_indikator"]
    # Tabel 1 counts ASN (people) in 'Laporan' at 5.03.02.1.03.10 - the example the issue gives
    assert any(f.code == "5.03.02.1.03.10" and "'Laporan'" in f.message for f in satuan)
    # Tabel 4 and the lampiran list the same sub kegiatan; Tabel 6 differs from both
    assert not [f for f in findings if f.rule == "silang.rancangan_sipd"]
    t4 = {r["kode"] for r in _rows("tabel4_rancangan_renja_2024.csv") if _is_leaf(r["kode"])}
    t6 = {r["kode"] for r in _rows("tabel6_rencana_kerja_pendanaan_2024.csv") if _is_leaf(r["kode"])}
    pairs = {(f.sheet, f.code) for f in findings if f.rule == "silang.rancangan_rencana"}
    assert pairs == {("Tabel 4 Rancangan", k) for k in t4 - t6} | {(T6, k) for k in t6 - t4}
