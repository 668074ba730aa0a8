"""The CLI: every command documented with an example (walked, so a new command is covered automatically),
both entry points, and `example` followed by `validate --json`."""
from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from renja_xl.frontends.cli import main

from conftest import SEED

ROOT = Path(__file__).resolve().parents[1]


def walk(group: click.Group, prefix: tuple[str, ...] = ()):
    for name, command in sorted(group.commands.items()):
        path = prefix + (name,)
        yield path, command
        if isinstance(command, click.Group):
            yield from walk(command, path)


COMMANDS = list(walk(main))


def test_the_cli_has_the_commands_of_issue_2() -> None:
    names = {" ".join(p) for p, _ in COMMANDS}
    assert {"new", "example", "recalc", "validate"} <= names


@pytest.mark.parametrize("path", [p for p, _ in COMMANDS], ids=[" ".join(p) for p, _ in COMMANDS])
def test_every_command_has_help_with_an_example(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Contoh:" in out, f"bantuan 'renja-xl {' '.join(path)}' tanpa Contoh"
    examples = out.split("Contoh:", 1)[1]
    assert f"renja-xl {' '.join(path)}" in examples
    # the short help shown in the command list is not empty either
    command = dict(COMMANDS)[path]
    assert command.get_short_help_str().strip()


@pytest.mark.parametrize("path", [p for p, _ in COMMANDS], ids=[" ".join(p) for p, _ in COMMANDS])
def test_every_option_is_explained(path: tuple[str, ...]) -> None:
    command = dict(COMMANDS)[path]
    for param in command.params:
        if isinstance(param, click.Option) and param.name != "help":
            assert (param.help or "").strip(), f"opsi {param.opts} dari '{' '.join(path)}' tanpa penjelasan"


def test_group_help_lists_every_command() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    assert "Contoh:" in result.output
    for name in main.commands:
        assert name in result.output


def test_unknown_command_is_a_usage_error() -> None:
    result = CliRunner().invoke(main, ["hitung"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output


@pytest.mark.parametrize("argv", [["renja-xl"], [sys.executable, "-m", "renja_xl"]], ids=["script", "module"])
def test_entry_points_help(argv: list[str]) -> None:
    if argv[0] == "renja-xl":
        exe = shutil.which("renja-xl")
        if exe is None:
            pytest.fail("skrip 'renja-xl' tidak terpasang; jalankan pip install -e .")
        argv = [exe]
    proc = subprocess.run(argv + ["--help"], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert "Renja XL" in proc.stdout and "Contoh:" in proc.stdout
    for name in ("example", "recalc", "validate", "new"):
        assert name in proc.stdout
    version = subprocess.run(argv + ["--versi"], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert version.returncode == 0 and version.stdout.startswith("renja-xl ")


def _seed_inconsistent_parents() -> set[str]:
    """Tabel 6 parents whose printed shares do not add up to their sub kegiatan (computed from the seed CSV)."""
    with open(SEED / "tabel6_rencana_kerja_pendanaan_2024.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    leaves = {r["kode"]: Decimal(r["pendanaan"] or 0) for r in rows if r["kode"].count(".") == 5}
    stated: dict[str, Decimal] = {}
    for r in rows:
        if r["kode"].count(".") < 5 and r["pendanaan"]:
            stated[r["kode"]] = stated.get(r["kode"], Decimal(0)) + Decimal(r["pendanaan"])
    return {code for code, value in stated.items()
            if value != sum((v for k, v in leaves.items() if k.startswith(code + ".")), Decimal(0))}


def test_example_then_validate_json(tmp_path: Path) -> None:
    out = tmp_path / "keluaran" / "contoh.xlsx"
    runner = CliRunner()
    made = runner.invoke(main, ["example", str(out)])
    assert made.exit_code == 0, made.output
    assert out.exists() and "63 sub kegiatan" in made.output

    result = runner.invoke(main, ["validate", str(out), "--json"])
    assert result.exit_code == 1, result.output
    findings = json.loads(result.stdout)
    assert isinstance(findings, list) and findings
    for f in findings:
        assert set(f) == {"rule", "severity", "sheet", "cell", "code", "message"}
        assert f["severity"] in ("error", "warning", "info")
        assert all(isinstance(v, str) for v in f.values())
        assert f["message"].strip()
    errors = [f for f in findings if f["severity"] == "error"]
    # the seed's Tabel 6 has money that does not add up: every such parent is an error naming its cell
    inconsistent = _seed_inconsistent_parents()
    assert inconsistent, "seed berubah?"
    flagged = {f["code"] for f in errors if f["sheet"] == "Tabel 6 Rencana Kerja" and f["cell"].startswith("G")}
    assert inconsistent <= flagged
    bidang = next(f for f in errors if f["code"] == "5.03" and f["sheet"] == "Tabel 6 Rencana Kerja")
    assert bidang["cell"] == "G4" and "Rp 2.000.000" in bidang["message"]

    # the plain form: one line per finding and a count, same exit status
    plain = runner.invoke(main, ["validate", str(out)])
    assert plain.exit_code == 1
    assert "Tabel 6 Rencana Kerja!G4" in plain.output and f"{len(errors)} galat" in plain.output


def test_new_writes_a_blank_template(tmp_path: Path) -> None:
    out = tmp_path / "kosong.xlsx"
    result = CliRunner().invoke(main, ["new", str(out)])
    assert result.exit_code == 0, result.output
    from python_calamine import CalamineWorkbook

    from renja_xl.domain.layout import SHEETS

    assert CalamineWorkbook.from_path(str(out)).sheet_names == [s.name for s in SHEETS]
    checked = CliRunner().invoke(main, ["validate", str(out)])
    assert checked.exit_code == 0, checked.output
