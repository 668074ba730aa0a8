"""Migration of a workbook to another version: a kabupaten workbook typed from the 2020 list (kabupaten/kota
lampiran, 2-digit sub kegiatan) moved to 900.1.15.5-1317/2023. Figures asserted: how many codes moved exactly,
by name, and were left to the user; money and targets stay with their rows; nothing is guessed below the
threshold; the old file is untouched."""
from __future__ import annotations

import hashlib
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from renja_xl.app.nomenklatur import migrasi
from renja_xl.domain.layout import sheet
from renja_xl.engines.calamine_engine import CalamineBook
from renja_xl.frontends.cli import main
from renja_xl.nomenklatur.builtin import load_builtin
from renja_xl.nomenklatur.migrate import BY_NAME, MIGRASI_HEADERS, USER
from renja_xl.workbook.reader import read_renja
from renja_xl.workbook.recalc import recalc
from renja_xl.workbook.validation import validate_grid

from test_nomenklatur import V2020, V2023
from test_validate import IDENT, make_book, of_rule


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("RENJA_XL_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def subs_2020() -> list:
    """Every kabupaten/kota sub kegiatan of bidang 2.09 pangan and 3.27 pertanian (a Dinas Ketahanan Pangan dan
    Pertanian holds both) and of the penunjang kegiatan 2.01 and 2.02 (2020 list)."""
    nom = load_builtin(V2020).view("kabkota")
    out = []
    for e in sorted(nom.iter_entries(), key=lambda e: e.kode):
        if e.level != "sub_kegiatan":
            continue
        if e.kode.startswith(("2.09.", "3.27.")) and e.kode.split(".")[3] == "2":
            out.append((e.kode, e.nama))
        elif e.kode.startswith(("X.XX.01.2.01.", "X.XX.01.2.02.")):
            out.append(("2.09" + e.kode[4:], e.nama))
    return out


def kabupaten_2020(path: Path) -> Path:
    """Sub kegiatan typed with their money, targets and indicators; Hitung Ulang adds and names the parents."""
    ident = dict(IDENT, jenis_pemda="Kabupaten", versi_nomenklatur=V2020, pemerintah_daerah="Kabupaten Contoh",
                 kode_bidang_urusan="2.09; 3.27", nama_bidang_urusan="PANGAN; PERTANIAN")
    t4, t6, sipd = [], [], []
    for i, (kode, nama) in enumerate(subs_2020(), start=1):
        common = {"kode": kode, "uraian": nama, "satuan": "Dokumen", "target": i, "lokasi": "Kabupaten Contoh",
                  "waktu": "Januari - Desember"}
        t4.append({**common, "indikator": f"Indikator {kode}"})
        t6.append({**common, "indikator": "" if i % 5 == 0 else f"Indikator {kode}", "pendanaan": 1_000_000 * i + 7})
        sipd.append({"kode": kode, "uraian": nama, "usulan": nama, "lokasi": "Kabupaten Contoh", "volume": i,
                     "satuan": "Dokumen", "pagu": 1_000_000 * i + 7, "status": "Dalam Pembahasan"})
    book = make_book({"identitas": ident, "tabel4": t4, "tabel6": t6, "sipd": sipd}, path)
    recalc(book)
    book.save(keep_backup=False)
    return path


def _leaf_rows(path: Path, key: str) -> dict[str, list]:
    renja = read_renja(CalamineBook(path))
    table = getattr(renja, key)
    return {r.kode.text: r.cells for r in table.rows if r.is_leaf and r.source_row}


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    folder = tmp_path_factory.mktemp("migrasi")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("RENJA_XL_HOME", str(folder / "home"))
        old = kabupaten_2020(folder / "renja_2020.xlsx")
        digest = hashlib.sha256(old.read_bytes()).hexdigest()
        out = migrasi(old, V2023, folder / "renja_2023.xlsx")
    return old, digest, out


def test_figures_of_the_migration(migrated) -> None:
    old, digest, out = migrated
    assert hashlib.sha256(old.read_bytes()).hexdigest() == digest  # the old file is untouched
    subs = Counter(m.cara for m in out.mappings if m.level == 5)
    assert sum(subs.values()) == len(subs_2020()) == 111
    # exact (same number on 4 digits, same name) / renamed in place / by name / left to the user
    assert subs == {"padanan 4 digit": 73, "ganti nama": 2, "menurut nama": 9, "diputuskan pengguna": 27}
    assert out.counts == {"tetap": 41, "ganti nama": 4, "padanan 4 digit": 73, "pengganti resmi": 0,
                          "mengikuti isinya": 0, "menurut nama": 9, "diputuskan pengguna": 27}
    assert out.dari == V2020 and out.ke == V2023


def test_nothing_is_guessed_below_the_threshold(migrated) -> None:
    _, _, out = migrated
    for m in out.mappings:
        if m.cara == BY_NAME:
            assert m.skor >= 90, m
        if m.cara == USER:
            assert m.kode_baru == "" and m.keputusan, m
    # two old codes for one new one: neither takes it by name
    two = {m.kode_lama: m for m in out.mappings}["2.09.05.2.01.03"]
    assert two.cara == USER and "juga padanan 2.09.05.2.01.04" in two.keputusan
    t6 = _leaf_rows(out.output, "tabel6")
    users = [m.kode_lama for m in out.mappings if m.cara == USER and m.level == 5]
    assert all(k in t6 for k in users)  # still under the old code, not silently moved


def test_a_higher_threshold_moves_fewer_by_name(tmp_path: Path, migrated) -> None:
    old, _, out90 = migrated
    out = migrasi(old, V2023, tmp_path / "ketat.xlsx", threshold=95)
    by_name = {m.kode_lama for m in out.mappings if m.cara == BY_NAME}
    assert by_name == {m.kode_lama for m in out90.mappings if m.cara == BY_NAME and m.skor >= 95}
    assert len(by_name) == 2 and out.counts[USER] == 27 + 7


def test_money_and_targets_move_with_their_rows(migrated) -> None:
    old, _, out = migrated
    assert out.uang_sebelum and out.uang_sebelum == out.uang_sesudah
    pagu = sheet("tabel6").columns[sheet("tabel6").col("pendanaan")].header
    assert out.uang_sebelum[f"Tabel 6 Rencana Kerja: {pagu}"] == sum(
        Decimal(1_000_000 * i + 7) for i in range(1, 112))
    before, after = _leaf_rows(old, "tabel6"), _leaf_rows(out.output, "tabel6")
    spec = sheet("tabel6")
    moved = {m.kode_lama: m for m in out.mappings if m.level == 5 and m.kode_baru}
    for kode, cells in before.items():
        new = moved[kode].kode_baru if kode in moved else kode
        for key in ("pendanaan", "target", "lokasi", "waktu"):
            assert after[new][spec.col(key)] == cells[spec.col(key)], (kode, key)
    assert len(after) == len(before)


def test_moved_and_renamed_rows_take_the_new_name_and_the_standard_indicator(migrated) -> None:
    old, _, out = migrated
    t6 = _leaf_rows(out.output, "tabel6")
    spec = sheet("tabel6")
    target = load_builtin(V2023)
    moved = [m for m in out.mappings if m.level == 5 and m.kode_baru]
    for m in moved:
        cells = t6[m.kode_baru]
        assert cells[spec.col("uraian")] == (target.find(m.kode_baru).nama if m.cara != "tetap" else cells[spec.col("uraian")])
        indikator = cells[spec.col("indikator")]
        assert indikator == f"Indikator {m.kode_lama}" or indikator == target.find(m.kode_baru).indikator
    assert t6["2.09.03.2.01.0015"][spec.col("uraian")] == "Pemantauan Harga dan Pasokan Pangan"
    offered = [m for m in moved if t6[m.kode_baru][spec.col("indikator")] == m.indikator and m.indikator]
    assert len(offered) >= 15  # every fifth row had no indikator: the standard one is offered there


def test_the_migrasi_sheet_and_the_new_workbook_validate(migrated) -> None:
    _, _, out = migrated
    book = CalamineBook(out.output)
    rows = book.read("Migrasi")
    assert rows[2][:len(MIGRASI_HEADERS)] == list(MIGRASI_HEADERS)
    data = [r for r in rows[3:] if r and r[0]]
    assert len(data) == len(out.mappings) == 154
    first_user = next(r for r in data if r[4] == USER)
    assert first_user[2] in (None, "") and "pilih kodenya sendiri" in first_user[8]
    renja = read_renja(book)
    assert renja.identitas.get("versi_nomenklatur") == V2023
    findings = validate_grid(book)
    users = {m.kode_lama for m in out.mappings if m.cara == USER}
    assert {f.code for f in of_rule(findings, "nomenklatur.kode")} <= users  # only what the user must decide
    assert not of_rule(findings, "kode.bidang_lain")  # two bidang, 2.09 and 3.27, both the agency's
    assert not of_rule(findings, "hierarki.induk_tanpa_nama")
    assert not of_rule(findings, "nomenklatur.nama")  # moved rows carry the official names


def test_migrasi_cli(tmp_path: Path, migrated) -> None:
    old, _, _ = migrated
    out = tmp_path / "baru.xlsx"
    result = CliRunner().invoke(main, ["migrasi", str(old), "--ke", "900.1.15.5-1317", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "154 kode" in result.output and "9 menurut nama" in result.output and "27 diputuskan pengguna" in result.output
    assert "(sama)" in result.output and "BERBEDA" not in result.output and out.exists()
    same = CliRunner().invoke(main, ["migrasi", str(old), "--ke", V2020, "-o", str(tmp_path / "x.xlsx")])
    assert same.exit_code == 2 and "sudah memakai" in same.output
    onto_itself = CliRunner().invoke(main, ["migrasi", str(old), "--ke", V2023, "-o", str(old)])
    assert onto_itself.exit_code == 2 and "harus berbeda" in onto_itself.output


def test_a_provinsi_workbook_cannot_move_to_a_kabupaten_list(example_path: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["migrasi", str(example_path), "--ke", V2023, "-o", str(tmp_path / "x.xlsx")])
    assert result.exit_code == 2 and "hanya memuat lampiran kabupaten/kota" in result.output
    assert not (tmp_path / "x.xlsx").exists()


def test_the_example_moves_to_2020_with_names_from_the_workbook(example_path: Path, tmp_path: Path) -> None:
    """050-5889/2021 has no list here: the old names come from the workbook itself, and say so."""
    out = migrasi(example_path, V2020, tmp_path / "contoh_2020.xlsx")
    assert "050-5889" in out.dari and "tidak termasuk daftar bawaan" in out.dari_tanpa_daftar
    assert out.uang_sebelum == out.uang_sesudah
    assert out.counts["tetap"] + out.counts["ganti nama"] == len(out.mappings)  # the seed's codes are all in 2020


@pytest.mark.parametrize("args,words", [
    (["tidak_ada.xlsx", "--ke", V2023], ["tidak ditemukan"]),
    (["{old}", "--ke", "Kepmendagri 900.1-861 Tahun 2026"], ["belum diimpor", "--dasar"]),
    (["{old}", "--ke", V2023, "--ambang", "120"], ["ambang"]),
])
def test_migrasi_bad_input_is_a_message(tmp_path: Path, migrated, args, words) -> None:
    old, _, _ = migrated
    args = [a.replace("{old}", str(old)) for a in args]
    result = CliRunner().invoke(main, ["migrasi", *args, "-o", str(tmp_path / "x.xlsx")])
    assert result.exit_code == 2 and "Traceback" not in result.output, result.output
    for w in words:
        assert w in result.output


def test_a_decree_s_replacements_and_renames_are_followed(tmp_path: Path) -> None:
    """1317/2023 -> a hand-made 3406/2024 (change list): a deleted code goes to its official replacement, a
    renamed one keeps its code and takes the new name."""
    from test_nomenklatur import kabupaten_data
    from test_nomenklatur_versions import DECREE, V2024

    path = tmp_path / "perubahan.csv"
    path.write_text(DECREE, encoding="utf-8")
    assert CliRunner().invoke(main, ["nomenklatur", "import", str(path), "--versi", V2024, "--dasar", V2023]).exit_code == 0
    data = kabupaten_data()
    gone = load_builtin(V2023).find("5.03.02.2.01.0004")
    for key in ("tabel4", "tabel6", "sipd"):
        for row in data[key]:
            if row["kode"] == "5.03.02.2.01.0003":
                row.update(kode="5.03.02.2.01.0004", uraian=gone.nama)
    old = tmp_path / "renja_2023.xlsx"
    make_book(data, old).save(keep_backup=False)
    out = migrasi(old, V2024, tmp_path / "renja_2024.xlsx")
    maps = {m.kode_lama: m for m in out.mappings}
    assert (maps["5.03.02.2.01.0004"].cara, maps["5.03.02.2.01.0004"].kode_baru) == ("pengganti resmi",
                                                                                   "5.03.02.2.01.0003")
    renamed = maps["5.03.02.2.01.0001"]
    assert (renamed.cara, renamed.kode_baru, renamed.nama_baru) == ("ganti nama", "5.03.02.2.01.0001",
                                                                    "Perumusan Kebijakan Pengadaan ASN")
    assert out.counts[USER] == 0 and out.uang_sebelum == out.uang_sesudah
    t6 = _leaf_rows(out.output, "tabel6")
    assert t6["5.03.02.2.01.0001"][sheet("tabel6").col("uraian")] == "Perumusan Kebijakan Pengadaan ASN"
    assert "5.03.02.2.01.0004" not in t6 and "5.03.02.2.01.0003" in t6
    assert not of_rule(validate_grid(CalamineBook(out.output)), "nomenklatur.dihapus")
