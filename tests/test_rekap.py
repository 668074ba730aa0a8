"""Bappeda's rekap (issue 16): 30 generated OPD workbooks plus the example and a damaged file, consolidated."""
from __future__ import annotations

import hashlib
import json
import os
import pty
import select
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from renja_xl.app.rekap import rekap, write_pagu_template
from renja_xl.build.synthetic_opd import agency_bidang, generate, load_parts, write_agency
from renja_xl.domain.layout import FIRST_DATA_ROW, IDENTITAS_FIELDS
from renja_xl.engines.openpyxl_engine import OpenpyxlBook
from renja_xl.frontends.cli import main
from renja_xl.rekap.checks import shared_allowed
from renja_xl.rekap.pagu import read_pagu

from conftest import libreoffice_convert

ROOT = Path(__file__).resolve().parents[1]
N_GENERATED = 30
N_SUB = 12
CROSS_RULES = ("rekap.sub_ganda_opd", "rekap.penunjang_bidang", "rekap.pagu_opd", "rekap.tahun_berbeda",
               "rekap.versi_berbeda", "rekap.opd_ganda")


def sheet_rows(path: Path, name: str) -> list[list]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name).to_python(skip_empty_area=False)


def own_total(path: Path) -> Decimal:
    """Tabel 6's total computed here, independently: pendanaan of every sub kegiatan row of a calamine read."""
    total = Decimal(0)
    for row in sheet_rows(path, "Tabel 6 Rencana Kerja")[FIRST_DATA_ROW - 1:]:
        kode, pendanaan = row[1], row[6]
        if isinstance(kode, str) and kode.count(".") == 5 and pendanaan != "":
            total += Decimal(repr(pendanaan)) if not float(pendanaan).is_integer() else Decimal(int(pendanaan))
    return total


def opd_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.xlsx") if not p.name.startswith("."))  # not the generator's bases


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def set_identitas(path: Path, **values) -> None:
    book = OpenpyxlBook(path)
    keys = [f.key for f in IDENTITAS_FIELDS]
    for key, value in values.items():
        book.write("Identitas", FIRST_DATA_ROW + keys.index(key), 2, [[value]])
    book.save(keep_backup=False)


def write_pagu(path: Path, rows: list[tuple[str, int]]) -> Path:
    write_pagu_template(path)
    wb = openpyxl.load_workbook(path)
    ws = wb["Pagu Indikatif"]
    for i, (name, pagu) in enumerate(rows):
        ws.cell(FIRST_DATA_ROW + i, 1, i + 1)
        ws.cell(FIRST_DATA_ROW + i, 2, name)
        ws.cell(FIRST_DATA_ROW + i, 4, pagu)
    wb.save(path)
    return path


@pytest.fixture(scope="session")
def opd_folder(tmp_path_factory, example_path) -> Path:
    folder = tmp_path_factory.mktemp("renja_opd")
    generate(folder, N_GENERATED, N_SUB)
    shutil.copy2(example_path, folder / "opd_contoh_bkd.xlsx")
    (folder / "opd_rusak.xlsx").write_bytes(b"PK\x03\x04 ini bukan buku kerja, terpotong")
    return folder


@pytest.fixture(scope="session")
def main_rekap(opd_folder, tmp_path_factory):
    out = tmp_path_factory.mktemp("rekap") / "rekap.xlsx"
    files = opd_files(opd_folder)
    before = {p: sha(p) for p in files}
    # ceilings above every total: the ceiling check passes
    pagu = write_pagu(out.parent / "pagu.xlsx", [(f"Dinas Sintetis {i + 1:04d}", 10**12) for i in range(N_GENERATED)]
                      + [("Badan Kepegawaian Daerah Provinsi Kalimantan Barat", 10**12)])
    outcome = rekap([str(opd_folder)], out, pagu=pagu, jobs=2, html=True)
    return outcome, before


def test_rekap_totals_equal_sum_of_each_workbooks_own_total(main_rekap, opd_folder):
    outcome, _ = main_rekap
    by_name = {r.name: r for r in outcome.records}
    assert len(outcome.records) == N_GENERATED + 2
    expected = Decimal(0)
    for path in opd_files(opd_folder):
        if path.name == "opd_rusak.xlsx":
            continue
        total = own_total(path)
        assert total > 0
        assert by_name[path.name].total == total, path.name
        expected += total
    ringkasan = sheet_rows(outcome.output, "Ringkasan per OPD")
    rows = ringkasan[FIRST_DATA_ROW - 1:]
    assert [r[19] for r in rows[:-1]] == [r.name for r in outcome.records]  # input order
    assert Decimal(int(rows[-1][7])) == expected == outcome.total  # JUMLAH, cached value of =SUM
    program = sheet_rows(outcome.output, "Rekap Program")
    assert program[-1][1] == "JUMLAH" and Decimal(int(program[-1][3])) == expected
    subs = [r for r in program[FIRST_DATA_ROW - 1:] if r[4] == "Sub Kegiatan"]
    assert len(subs) == sum(r.n_sub for r in outcome.records)
    assert sum(Decimal(int(r[3])) for r in subs) == expected
    urusan = [r for r in program[FIRST_DATA_ROW - 1:] if r[4] == "Urusan"]
    assert sum(Decimal(int(r[3])) for r in urusan) == expected


def test_rekap_program_hierarchy_has_live_subtotals(main_rekap):
    outcome, _ = main_rekap
    ws = openpyxl.load_workbook(outcome.output)["Rekap Program"]
    kode, first = ws["A4"].value, ws["D4"].value
    assert kode == "1" and first.startswith("=SUBTOTAL(9,D5:D")
    opd = [c.value for c in ws["C"][3:] if c.value]
    assert "DS0001" in opd and "BKD Prov. Kalbar" in opd and "30 perangkat daerah" in opd


@pytest.mark.libreoffice
def test_libreoffice_recomputation_equals_cached_values(main_rekap, soffice, tmp_path):
    outcome, _ = main_rekap
    recomputed = libreoffice_convert(soffice, outcome.output, "xlsx:Calc MS Excel 2007 XML", tmp_path / "lo")
    for name in ("Ringkasan per OPD", "Rekap Program"):
        ours, theirs = sheet_rows(outcome.output, name), sheet_rows(recomputed, name)
        assert len(ours) == len(theirs)
        for r, (a, b) in enumerate(zip(ours, theirs), start=1):
            assert [x if x != "" else None for x in a] == [x if x != "" else None for x in b][:len(a)], (name, r)


def test_finding_counts_equal_validate_json_of_each_file(main_rekap, opd_folder):
    outcome, _ = main_rekap
    ringkasan = {r[19]: r for r in sheet_rows(outcome.output, "Ringkasan per OPD")[FIRST_DATA_ROW - 1:-1]}
    runner = CliRunner()
    for path in opd_files(opd_folder):
        if path.name == "opd_rusak.xlsx":
            continue
        result = runner.invoke(main, ["validate", str(path), "--json"])
        findings = json.loads(result.output)
        want = [sum(1 for f in findings if f["severity"] == s) for s in ("error", "warning", "info")]
        assert [int(v) for v in ringkasan[path.name][14:17]] == want, path.name


def test_damaged_file_is_reported_and_the_rest_consolidated(main_rekap):
    outcome, before = main_rekap
    assert [r.name for r in outcome.failed] == ["opd_rusak.xlsx"]
    temuan = sheet_rows(outcome.output, "Temuan")[FIRST_DATA_ROW - 1:]
    damaged = [r for r in temuan if r[1] == "opd_rusak.xlsx"]
    assert len(damaged) == 1 and damaged[0][4] == "rekap.berkas" and "opd_rusak.xlsx" in damaged[0][8]
    assert sum(1 for r in outcome.records if r.ok and r.n_sub) == N_GENERATED + 1
    assert {p: sha(p) for p in before} == before  # nothing an OPD sent was modified
    assert not any(p.name == "cadangan" for p in outcome.output.parent.iterdir())


def test_no_cross_opd_finding_in_a_clean_rekap(main_rekap):
    """The passing case of every cross-OPD check: distinct agencies, bidang, one year and version, ceilings kept."""
    outcome, _ = main_rekap
    assert [(name, f.rule) for name, f in outcome.cross] == []
    temuan = sheet_rows(outcome.output, "Temuan")[FIRST_DATA_ROW - 1:]
    assert not [r for r in temuan if r[4] in CROSS_RULES]


def test_charts_and_html(main_rekap):
    outcome, _ = main_rekap
    wb = openpyxl.load_workbook(outcome.output)
    assert wb.sheetnames == ["Ringkasan per OPD", "Rekap Program", "Temuan", "Grafik"]
    import zipfile

    with zipfile.ZipFile(outcome.output) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) == 2
        pagu, temuan = (z.read(c).decode() for c in sorted(charts))
    assert "<c:barChart>" in pagu and pagu.count("<c:ser>") == 2 and "Grafik!$B$3:$B$34" in pagu
    assert temuan.count("<c:ser>") == 4 and '<c:grouping val="stacked"/>' in temuan
    page = outcome.html.read_text(encoding="utf-8")
    assert page.count("data:image/png;base64,") == 2 and "DS0030" in page


# ---------------------------------------------------------------- the cross-OPD checks, failing

@pytest.fixture(scope="session")
def crossing(tmp_path_factory, opd_folder):
    """A small rekap where each cross-OPD check fails on one known file."""
    folder = tmp_path_factory.mktemp("lintas")
    base = load_parts(next(opd_folder.glob(".base_*")))
    files = {}

    def agency(name: str, i: int, nama: str | None = None) -> Path:
        path = folder / f"{name}.xlsx"
        write_agency(path, base, i, nama)
        files[name] = path
        return path

    agency("a_asli", 0)
    agency("b_klaim_sama", 0, nama="Dinas Lain Bidang Sama")  # the same codes under another agency
    shutil.copy2(files["a_asli"], folder / "c_salinan.xlsx")
    files["c_salinan"] = folder / "c_salinan.xlsx"
    agency("d_nama_sama", 1, nama="Dinas Sintetis 0001")  # another file of agency 1's name
    set_identitas(agency("e_tahun", 4), tahun_rencana=2025)
    set_identitas(agency("f_versi", 5), versi_nomenklatur="Kepmendagri 900.1.15.5-1317 Tahun 2023")
    penunjang = agency("g_penunjang", 6)
    book = OpenpyxlBook(penunjang)
    foreign, _ = agency_bidang(8)  # the bidang of h_pagu
    book.write("Tabel 6 Rencana Kerja", FIRST_DATA_ROW + N_SUB, 2, [[f"{foreign}.01.1.01.01", "Penunjang lain"]])
    book.save(keep_backup=False)
    agency("h_pagu", 8)
    agency("i_biasa", 9)
    agency("k_rumus", 10, nama="=cmd|' /C calc'!A0")  # a hostile name: must stay text in the rekap
    (folder / "j_bersandi.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512
                                            + "EncryptedPackage".encode("utf-16-le") + b"\0" * 64)
    pagu = write_pagu(folder / "pagu.xlsx", [("Dinas Sintetis 0009", 1_000), ("Dinas Sintetis 0010", 10**12),
                                             ("Dinas Tanpa Berkas", 5)])
    outcome = rekap([str(folder)], folder / "keluar" / "rekap.xlsx", pagu=pagu, jobs=1)
    return outcome


@pytest.mark.parametrize("rule, failing", [
    ("rekap.sub_ganda_opd", {"b_klaim_sama.xlsx"}),
    ("rekap.opd_ganda", {"c_salinan.xlsx", "d_nama_sama.xlsx"}),
    ("rekap.tahun_berbeda", {"e_tahun.xlsx"}),
    ("rekap.versi_berbeda", {"f_versi.xlsx"}),
    ("rekap.penunjang_bidang", {"g_penunjang.xlsx"}),
    ("rekap.pagu_opd", {"h_pagu.xlsx"}),
    ("rekap.pagu_tanpa_opd", {"(rekap)"}),
])
def test_cross_opd_check_fails_on_its_file(crossing, rule, failing):
    assert {name for name, f in crossing.cross if f.rule == rule} == failing
    rec = {r.name: r for r in crossing.records}
    for name in failing - {"(rekap)"}:
        assert rule in rec[name].rules and rec[name].cross >= 1
    assert rec["i_biasa.xlsx"].cross == 0 and rec["a_asli.xlsx"].cross == 0


def test_cross_findings_name_sheet_and_cell(crossing):
    by_rule: dict = {}
    for _, f in crossing.cross:
        by_rule.setdefault(f.rule, f)
    claimed = by_rule["rekap.sub_ganda_opd"]
    assert claimed.sheet == "Tabel 6 Rencana Kerja" and claimed.cell == f"B{FIRST_DATA_ROW}"
    assert "Dinas Sintetis 0001" in claimed.message or "DS0001" in claimed.message
    penunjang = by_rule["rekap.penunjang_bidang"]
    assert penunjang.cell == f"B{FIRST_DATA_ROW + N_SUB}" and "diampu DS0009 (h_pagu.xlsx)" in penunjang.message


def test_password_protected_file_is_a_finding(crossing):
    rec = {r.name: r for r in crossing.records}["j_bersandi.xlsx"]
    assert not rec.ok and rec.score == 0 and "rekap.berkas" in rec.rules
    temuan = sheet_rows(crossing.output, "Temuan")
    assert any(r[1] == "j_bersandi.xlsx" and "kata sandi" in r[8] for r in temuan)


def test_hostile_text_stays_text(crossing):
    ws = openpyxl.load_workbook(crossing.output)["Ringkasan per OPD"]
    cells = [c for c in ws["B"] if isinstance(c.value, str) and "cmd|" in c.value]
    assert len(cells) == 1 and cells[0].data_type == "s" and not cells[0].value.startswith("=")


def test_readiness_score_is_weighted_share_of_rules_passed(crossing):
    rec = {r.name: r for r in crossing.records}
    assert Decimal(0) < rec["b_klaim_sama.xlsx"].score < rec["i_biasa.xlsx"].score <= Decimal(100)


def test_shared_codes_the_nomenclature_allows():
    assert shared_allowed("1.02.01.2.01.01")  # penunjang
    assert shared_allowed("7.01.02.2.01.01")  # kewilayahan: every kecamatan
    assert not shared_allowed("1.02.02.2.01.01")


def test_pagu_template_round_trip(tmp_path):
    result = CliRunner().invoke(main, ["rekap", "--templat-pagu", str(tmp_path / "pagu.xlsx")])
    assert result.exit_code == 0, result.output
    write_pagu(tmp_path / "pagu.xlsx", [("Dinas A", 1_500_000_000)])
    ceilings, notes = read_pagu(tmp_path / "pagu.xlsx")
    assert [(c.name, c.pagu) for c in ceilings] == [("Dinas A", Decimal(1_500_000_000))] and notes == []


# ---------------------------------------------------------------- Dask, progress, JSON

def _values(path: Path) -> dict[str, list]:
    wb = CalamineWorkbook.from_path(str(path))
    return {n: wb.get_sheet_by_name(n).to_python(skip_empty_area=False) for n in wb.sheet_names}


def test_dask_lokal_gives_the_same_rekap(main_rekap, opd_folder, tmp_path):
    pytest.importorskip("distributed")
    outcome, _ = main_rekap
    pagu = outcome.output.parent / "pagu.xlsx"
    dask = rekap([str(opd_folder)], tmp_path / "rekap_dask.xlsx", pagu=pagu, jobs=2, dask="lokal")
    assert dask.runner == "dask lokal"
    assert _values(dask.output) == _values(outcome.output)


def _run_pty(args: list[str], cwd: Path) -> str:
    """Run the CLI with stdout and stderr on a pseudo-terminal; everything it printed."""
    master, slave = pty.openpty()
    env = dict(os.environ, PYTHONPATH=str(ROOT), COLUMNS="120", TERM="xterm")
    proc = subprocess.Popen([sys.executable, "-m", "renja_xl", *args], stdin=slave, stdout=slave, stderr=slave,
                            cwd=cwd, env=env, close_fds=True)
    os.close(slave)
    out = b""
    while True:
        ready, _, _ = select.select([master], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    proc.wait(timeout=60)
    os.close(master)
    return out.decode("utf-8", "replace")


def test_progress_bar_on_a_terminal_and_not_in_json(opd_folder, tmp_path):
    inputs = [str(p) for p in sorted(opd_folder.glob("opd_000*.xlsx"))[:4]]
    shown = _run_pty(["rekap", *inputs, "-o", str(tmp_path / "r.xlsx"), "-j", "2"], tmp_path)
    assert "Rekap" in shown and "4/4" in shown and "berkas/s" in shown and "━" in shown
    machine = _run_pty(["rekap", *inputs, "-o", str(tmp_path / "r2.xlsx"), "--json"], tmp_path)
    assert "━" not in machine and "berkas/s" not in machine
    data = json.loads(machine)
    assert data["jumlah_berkas"] == 4 and len(data["berkas"]) == 4


def test_plain_line_per_file_when_not_a_terminal(opd_folder, tmp_path):
    inputs = [str(p) for p in sorted(opd_folder.glob("opd_000*.xlsx"))[:3]]
    proc = subprocess.run([sys.executable, "-m", "renja_xl", "rekap", *inputs, "-o", str(tmp_path / "r.xlsx")],
                          capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    lines = [line for line in proc.stderr.splitlines() if line.startswith("[")]
    assert lines == [f"[{i}/3] opd_000{i}.xlsx: 0 galat, {lines[i - 1].split(', ')[1].split()[0]} peringatan"
                     for i in range(1, 4)]
    assert "━" not in proc.stderr


def test_dask_missing_says_how_to_install(opd_folder, tmp_path):
    code = ("import sys; sys.modules['distributed'] = None; from renja_xl.frontends.cli import main; "
            f"main(['rekap', {str(next(opd_folder.glob('opd_0001.xlsx')))!r}, '-o', 'r.xlsx', '--dask', 'lokal'])")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert proc.returncode == 2
    assert 'pip install "renja-xl[skala]"' in proc.stderr and "Traceback" not in proc.stderr


def test_rekap_package_keeps_the_import_boundary():
    for path in (ROOT / "renja_xl" / "rekap").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        for lib in ("import openpyxl", "from openpyxl", "python_calamine", "import xlwings"):
            assert lib not in text, (path.name, lib)


def test_dask_existing_scheduler_by_address(opd_folder, tmp_path):
    distributed = pytest.importorskip("distributed")
    inputs = [str(p) for p in opd_files(opd_folder)[:3]]
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, dashboard_address=None) as cluster:
        result = CliRunner().invoke(main, ["rekap", *inputs, "-o", str(tmp_path / "r.xlsx"), "--json",
                                           "--dask", cluster.scheduler_address])
    data = json.loads(result.output)
    assert data["pelaksana"] == f"dask {cluster.scheduler_address}" and data["jumlah_berkas"] == 3
    assert [b["berkas"] for b in data["berkas"]] == inputs


def test_fsspec_urls_are_read_through_fsspec(opd_folder, tmp_path):
    fsspec = pytest.importorskip("fsspec")
    fs = fsspec.filesystem("memory")
    files = opd_files(opd_folder)[:2]
    for p in files:
        fs.pipe(f"/renja_uji/{p.name}", p.read_bytes())
    outcome = rekap(["memory://renja_uji/"], tmp_path / "r.xlsx", jobs=1)
    assert [r.source for r in outcome.records] == [f"memory:///renja_uji/{p.name}" for p in files]
    assert [r.total for r in outcome.records] == [own_total(p) for p in files]
