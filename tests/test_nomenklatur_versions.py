"""Versions through the years: the built-in lists (rebuilt from nomenklatur_sumber/ and equal to the committed
package data, counts as the source states), the known versions in the Identitas dropdown, and decrees applied
as change lists to a base version."""
from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from renja_xl.build.nomenklatur import OUT_DIR, build
from renja_xl.domain.layout import LISTS
from renja_xl.domain.versi import KNOWN_VERSIONS, known_version
from renja_xl.frontends.cli import main
from renja_xl.nomenklatur import load_version
from renja_xl.nomenklatur.builtin import builtin_versions, load_builtin
from renja_xl.nomenklatur.changes import apply_changes, parse_changes_csv
from renja_xl.nomenklatur.versions import resolve_list
from renja_xl.workbook.validation import validate_grid

from conftest import ROOT
from test_nomenklatur import V2020, V2023, _with_versi, kabupaten_data
from test_validate import make_book, of_rule

SOURCE_README = ROOT / "nomenklatur_sumber" / "README_sumber.md"  # the source's README, verbatim
V2024 = "Kepmendagri 900.1.15.5-3406 Tahun 2024"


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("RENJA_XL_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


# ------------------------------------------------------------------ built-in lists

def test_committed_package_data_is_what_the_build_makes(tmp_path: Path) -> None:
    written = build(tmp_path / "out")
    assert sorted(p.name for p in written) == sorted(p.name for p in OUT_DIR.iterdir())
    for p in written:
        committed = OUT_DIR / p.name
        if p.suffix == ".gz":
            assert gzip.decompress(p.read_bytes()) == gzip.decompress(committed.read_bytes()), p.name
        else:
            assert json.loads(p.read_text(encoding="utf-8")) == json.loads(committed.read_text(encoding="utf-8"))


def _source_counts() -> dict[str, dict[str, int]]:
    """The counts the source's own README states (copied verbatim as nomenklatur_sumber/README_sumber.md)."""
    text = " ".join(SOURCE_README.read_text(encoding="utf-8").split())
    stated = text[text.index("Row counts:"):]
    stated = stated[:stated.index(").") + 1]

    def numbers(part: str) -> dict[str, int]:
        return {w.replace(" ", "_"): int(n.replace(",", "")) for n, w in
                re.findall(r"([\d,]+) (urusan|bidang|program|kegiatan|sub kegiatan)(?!\w)", part)}

    y2023, y2020 = stated.split("2020 list")
    views = re.search(r"provinsi view ([\d,]+), kab/kota view ([\d,]+)", y2020)
    counts_2020 = numbers(y2020.split("(")[0])
    return {"2023": numbers(y2023), "2020": counts_2020,
            "views": {"provinsi": int(views[1].replace(",", "")), "kabkota": int(views[2].replace(",", ""))}}


def test_builtin_counts_equal_those_of_the_source() -> None:
    stated = _source_counts()
    n2023, n2020 = load_builtin(V2023), load_builtin(V2020)
    assert n2023.counts() == stated["2023"] == {"urusan": 10, "bidang": 45, "program": 188, "kegiatan": 729,
                                                "sub_kegiatan": 3395}
    assert n2020.counts() == stated["2020"] and stated["2020"]["sub_kegiatan"] == 5026
    views = {j: n2020.view(j).counts()["sub_kegiatan"] for j in ("provinsi", "kabkota")}
    assert views == stated["views"] == {"provinsi": 2798, "kabkota": 2228}
    manifest = {m["versi"]: m for m in builtin_versions()}
    assert manifest[V2023]["jumlah"] == n2023.counts() and manifest[V2020]["sub_kegiatan_per_jenis"] == views
    assert manifest[V2020]["tanggal"] == "2020-10-05" and manifest[V2023]["tanggal"] == "2023-06-23"
    # the standard kinerja, indikator and satuan of the 2023 list are carried
    e = n2023.find("5.03.01.2.01.0001")
    assert (e.kinerja, e.indikator, e.satuan) == ("Tersusunnya Dokumen Perencanaan Perangkat Daerah",
                                                 "Jumlah Dokumen Perencanaan Perangkat Daerah", "Dokumen")


def test_a_kabupaten_workbook_validates_against_2023_without_any_import(home: Path) -> None:
    findings = validate_grid(make_book(kabupaten_data()))
    assert findings == [], [f.line() for f in findings]
    assert not (home / "nomenklatur").exists()  # nothing was imported
    data = kabupaten_data()
    data["tabel6"][4].update(kode="5.03.01.2.01.0099")
    assert [f.cell for f in of_rule(validate_grid(make_book(data)), "nomenklatur.kode")][:1] == ["B8"]


def test_the_provinsi_example_validates_against_2020_without_any_import(example_path: Path, tmp_path: Path) -> None:
    from renja_xl.engines.calamine_engine import CalamineBook

    findings = validate_grid(CalamineBook(_with_versi(example_path, tmp_path, V2020)))
    nomen = [f for f in findings if f.rule.startswith("nomenklatur.")]
    assert {f.rule for f in nomen} == {"nomenklatur.nama"}
    assert {f.code for f in nomen} == {"5.03.01.1.02.03", "5.03.01.1.06.05"}


def test_a_list_built_in_for_kabupaten_only_asks_a_provinsi_for_its_lampiran() -> None:
    data = kabupaten_data()
    data["identitas"]["jenis_pemda"] = "Provinsi"
    note = of_rule(validate_grid(make_book(data)), "nomenklatur.versi")
    assert len(note) == 1 and "hanya memuat lampiran kabupaten/kota" in note[0].message
    assert resolve_list(V2023, "provinsi").nomenklatur is None
    assert resolve_list(V2023, "kabkota").origin == "bawaan"


def test_loading_is_lazy_and_cached() -> None:
    assert load_builtin(V2023) is load_builtin("kepmendagri 900.1.15.5-1317 tahun 2023")
    assert load_builtin(V2024) is None


# ------------------------------------------------------------------ known versions

def test_known_versions_are_the_identitas_dropdown() -> None:
    assert LISTS["versi_nomenklatur"] == tuple(v.nama for v in KNOWN_VERSIONS)
    assert [v.nomor for v in KNOWN_VERSIONS] == ["050-3708", "050-5889", "900.1.15.5-1317", "900.1.15.5-3406",
                                                 "900.1-2850", "900.1-861"]
    assert known_version("Keputusan Mendagri Nomor 900.1-861 Tahun 2026").tanggal_teks == "7 Mei 2026"
    assert known_version("050-5889").sub_digits == 2 and known_version(V2023).standar
    assert known_version("Kepmendagri 123-4567") is None


def test_a_known_version_without_data_says_how_to_import_it() -> None:
    data = kabupaten_data()
    data["identitas"]["versi_nomenklatur"] = V2024
    note = of_rule(validate_grid(make_book(data)), "nomenklatur.versi")[0].message
    assert "27 Agustus 2024" in note and f"--dasar '{V2023}'" in note and "nomenklatur import" in note


def test_list_shows_builtin_and_imported_apart(tmp_path: Path) -> None:
    path = tmp_path / "perubahan.csv"
    path.write_text("aksi,kode,nama\nubah,5.03.02.2.01.0001,Perumusan Kebijakan Pengadaan ASN\n", encoding="utf-8")
    assert CliRunner().invoke(main, ["nomenklatur", "import", str(path), "--versi", V2024, "--dasar", V2023]).exit_code == 0
    out = CliRunner().invoke(main, ["nomenklatur", "list"]).output
    builtin, rest = out.split("Diimpor")
    imported, missing = rest.split("Belum ada daftarnya")
    assert V2020 in builtin and V2023 in builtin and "3.395 sub kegiatan" in builtin and V2024 not in builtin
    assert V2024 in imported and f"atas {V2023}" in imported
    assert "- Kepmendagri 900.1-2850 Tahun 2025 (31 Juli 2025)" in missing and f"- {V2024}" not in missing


# ------------------------------------------------------------------ decrees as changes

DECREE = """aksi,kode,level,nama,indikator,satuan,kinerja,jenis_pemda,kode_baru
tambah,5.03.02.2.05,kegiatan,Manajemen Talenta ASN,,,,,
tambah,5.03.02.2.05.0001,sub_kegiatan,Penyusunan Rencana Suksesi ASN,Jumlah Dokumen Rencana Suksesi,Dokumen,Tersusunnya Rencana Suksesi,,
ubah,5.03.02.2.01.0001,,Perumusan Kebijakan Pengadaan ASN,,,,,
ubah,5.03.02.2.01.0002,,,Jumlah Dokumen Rencana Kebutuhan ASN,Laporan,,,
hapus,5.03.02.2.01.0004,,,,,,,5.03.02.2.01.0003
hapus,5.03.02.2.04.0009,,,,,,,
"""


def _apply(text: str = DECREE):
    return apply_changes(load_builtin(V2023), parse_changes_csv(text, "uji.csv"), V2024, "uji.csv").nomenklatur


def test_a_change_list_applied_to_its_base_gives_the_full_list() -> None:
    base, new = load_builtin(V2023), _apply()
    c0, c1 = base.counts(), new.counts()
    assert c1 == {**c0, "kegiatan": c0["kegiatan"] + 1, "sub_kegiatan": c0["sub_kegiatan"] + 1 - 2}
    assert new.find("5.03.02.2.05.0001").kinerja == "Tersusunnya Rencana Suksesi"
    renamed = new.find("5.03.02.2.01.0001")
    assert renamed.nama == "Perumusan Kebijakan Pengadaan ASN" and renamed.indikator == base.find(renamed.kode).indikator
    changed = new.find("5.03.02.2.01.0002")
    assert (changed.nama, changed.indikator, changed.satuan) == (
        base.find(changed.kode).nama, "Jumlah Dokumen Rencana Kebutuhan ASN", "Laporan")
    assert new.find("5.03.02.2.01.0004") is None and new.find("5.03.02.2.04.0009") is None
    assert new.removal("5.03.02.2.01.0004").pengganti == "5.03.02.2.01.0003"
    assert new.removal("5.03.02.2.04.0009").versi == V2024
    assert base.find("5.03.02.2.01.0004") is not None  # the base is untouched
    # every code of the base not named in the decree is there unchanged
    named = {"5.03.02.2.01.0001", "5.03.02.2.01.0002", "5.03.02.2.01.0004", "5.03.02.2.04.0009"}
    assert all(new.entries[k] == v for k, v in base.entries.items() if k not in named)


def test_a_renumbering_records_the_old_code_as_replaced() -> None:
    new = _apply("aksi,kode,kode_baru,nama\nubah,5.03.02.2.01.0012,5.03.02.2.01.0013,Evaluasi Data ASN\n")
    assert new.find("5.03.02.2.01.0012") is None and new.find("5.03.02.2.01.0013").nama == "Evaluasi Data ASN"
    assert new.removal("5.03.02.2.01.0012").pengganti == "5.03.02.2.01.0013"


def test_deleting_a_kegiatan_takes_its_sub_kegiatan_along() -> None:
    new = _apply("aksi,kode\nhapus,5.03.02.2.04\n")
    assert not [k for k in new.entries if k.startswith("5.03.02.2.04")]
    assert len([k for k in new.removed if k.startswith("5.03.02.2.04.")]) == 10


@pytest.mark.parametrize("text,words", [
    ("aksi,kode,nama\ntambah,5.03.02.2.01.0001,Baru\n", ["sudah ada", "baris 2"]),
    ("aksi,kode,nama\nubah,5.03.02.2.01.0099,Baru\n", ["tidak ada", "5.03.02.2.01.0099"]),
    ("aksi,kode\nhapus,5.03.09\n", ["yang dihapus tidak ada"]),
    ("aksi,kode,nama\ntambah,5.03.09.2.01.0001,Yatim\n", ["induk 5.03.09.2.01"]),
    ("aksi,kode,nama\npindah,5.03.02,X\n", ["aksi 'pindah' tidak dikenal"]),
    ("kode,nama\n5.03,X\n", ["kolom 'aksi'"]),
])
def test_a_change_list_that_does_not_fit_its_base_is_refused(tmp_path: Path, text: str, words) -> None:
    path = tmp_path / "perubahan.csv"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["nomenklatur", "import", str(path), "--versi", V2024, "--dasar", V2023])
    assert result.exit_code == 2 and "Traceback" not in result.output, result.output
    for w in words:
        assert w in result.output
    assert load_version(V2024) is None


def test_import_of_a_decree_then_validate_reports_deleted_codes(tmp_path: Path) -> None:
    path = tmp_path / "perubahan_3406.csv"
    path.write_text(DECREE, encoding="utf-8")
    result = CliRunner().invoke(main, ["nomenklatur", "import", str(path), "--versi", V2024, "--dasar", V2023])
    assert result.exit_code == 0, result.output
    assert "6 baris perubahan" in result.output and "2 kode dihapus" in result.output
    data = kabupaten_data()
    data["identitas"]["versi_nomenklatur"] = V2024
    for t in ("tabel4", "tabel6", "sipd"):  # a kabupaten workbook still using a code 3406 deleted
        for row in data[t]:
            if row["kode"] == "5.03.02.2.01.0003":
                row["kode"] = "5.03.02.2.01.0004"
    found = [f for f in of_rule(validate_grid(make_book(data)), "nomenklatur.dihapus") if f.sheet.startswith("Tabel 6")]
    assert len(found) == 1 and found[0].cell == "B12"
    assert f"dihapus pada {V2024}" in found[0].message and "penggantinya 5.03.02.2.01.0003" in found[0].message
    # a later version based on it still knows where the code went
    later = tmp_path / "perubahan_2850.csv"
    later.write_text("aksi,kode,nama\nubah,5.03.02.2.01.0003,Koordinasi Pengadaan PNS dan PPPK\n", encoding="utf-8")
    assert CliRunner().invoke(main, ["nomenklatur", "import", str(later), "--versi", "Kepmendagri 900.1-2850 Tahun 2025",
                                     "--dasar", V2024]).exit_code == 0
    data["identitas"]["versi_nomenklatur"] = "Kepmendagri 900.1-2850 Tahun 2025"
    found = [f for f in of_rule(validate_grid(make_book(data)), "nomenklatur.dihapus") if f.sheet.startswith("Tabel 6")]
    assert len(found) == 1 and f"dihapus pada {V2024}" in found[0].message
    assert "'Koordinasi Pengadaan PNS dan PPPK'" in found[0].message


# ------------------------------------------------------------------ diff

def test_diff_names_every_kind_of_change() -> None:
    from renja_xl.nomenklatur.diff import diff

    new = _apply(DECREE + "ubah,5.03.02.2.01.0012,,,,,,,5.03.02.2.01.0013\n")
    d = diff(load_builtin(V2023), new)
    by_kind = {}
    for r in d.rows:
        by_kind.setdefault(r.jenis, []).append(r)
    assert d.counts() == {"ditambah": 2, "dihapus": 2, "ganti_nama": 1, "pindah": 1, "indikator": 1, "satuan": 1}
    assert [r.kode_baru for r in by_kind["ditambah"]] == ["5.03.02.2.05", "5.03.02.2.05.0001"]
    assert [r.kode_lama for r in by_kind["dihapus"]] == ["5.03.02.2.01.0004", "5.03.02.2.04.0009"]
    assert by_kind["ganti_nama"][0].nama_baru == "Perumusan Kebijakan Pengadaan ASN"
    assert (by_kind["pindah"][0].kode_lama, by_kind["pindah"][0].kode_baru) == ("5.03.02.2.01.0012", "5.03.02.2.01.0013")
    assert by_kind["indikator"][0].baru == "Jumlah Dokumen Rencana Kebutuhan ASN"
    assert (by_kind["satuan"][0].lama, by_kind["satuan"][0].baru) == ("Dokumen", "Laporan")
    assert diff(new, new).rows == []


def test_diff_2020_to_2023_reads_two_digits_as_four() -> None:
    from renja_xl.nomenklatur.diff import diff

    d = diff(load_builtin(V2020), load_builtin(V2023), "kabkota")
    assert d.widened == 1320  # same number, same name: not reported as a change
    moved = {r.kode_lama: r.kode_baru for r in d.rows if r.jenis == "pindah"}
    assert moved["5.03.02.2.04"] == "5.03.02.2.03"  # 'Pengembangan Kompetensi ASN' moved up one number
    # never across authority digits (the 2023 list also prints Papua's kegiatan, digit 3 and 4)
    assert all(k.split(".")[3:4] == v.split(".")[3:4] for k, v in moved.items())


def test_diff_cli_terminal_json_and_workbook(tmp_path: Path) -> None:
    from renja_xl.engines.calamine_engine import CalamineBook

    path = tmp_path / "perubahan.csv"
    path.write_text(DECREE, encoding="utf-8")
    assert CliRunner().invoke(main, ["nomenklatur", "import", str(path), "--versi", V2024, "--dasar", V2023]).exit_code == 0
    text = CliRunner().invoke(main, ["nomenklatur", "diff", "900.1.15.5-1317", "900.1.15.5-3406"])
    assert text.exit_code == 0 and "Ditambah: 2" in text.output and "Dihapus: 2" in text.output
    assert "5.03.02.2.01.0004 Evaluasi Pengadaan ASN dan Pengadaan ASN -> -" in text.output
    js = json.loads(CliRunner().invoke(main, ["nomenklatur", "diff", V2023, V2024, "--json"]).output)
    assert js["jumlah"]["ganti_nama"] == 1 and len(js["perbedaan"]) == 7
    out = tmp_path / "beda.xlsx"
    assert CliRunner().invoke(main, ["nomenklatur", "diff", V2023, V2024, "-o", str(out)]).exit_code == 0
    book = CalamineBook(out)
    rows = book.read("Perbedaan")
    assert rows[0][:3] == ["Jenis", "Tingkat", "Kode Lama"] and len(rows) == 8
    assert ["Dihapus", "sub kegiatan", "5.03.02.2.01.0004"] == rows[3][:3]
    bad = CliRunner().invoke(main, ["nomenklatur", "diff", V2023, "Kepmendagri 900.1-861 Tahun 2026"])
    assert bad.exit_code == 2 and "belum diimpor" in bad.output and "Traceback" not in bad.output
