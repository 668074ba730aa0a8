"""The hostile-file corpus (tests/hostile_files.py) through every command that reads a file, each in a child
process with a time and a memory bound: no traceback, no abort (a signal), no internal failure (status 3),
within the bounds, the input byte-identical afterwards, and no secret of the machine in any output (XXE).

Every run is a fork of one server process (tests/hostile_runner.py) that has the toolkit imported, so the
whole matrix takes seconds of start-up instead of minutes.
"""
from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from hostile_files import CORPUS, EXAMPLE, SECRET  # noqa: E402

TIMEOUT_S = 60  # per run; the slowest honest refusal (a Tabel 6 of a million rows, counted) takes a few s
MEMORY_BYTES = 2 * 1024**3  # RLIMIT_DATA of each run: heap and anonymous mappings together
MAX_RSS_BYTES = 1536 * 1024**2  # peak resident memory of a run (the fork server alone is ~120 MB)

COMMANDS = {
    "validate": lambda f, w: ["validate", str(f)],
    "recalc": lambda f, w: ["recalc", str(f), "-o", str(w / "hasil.xlsx")],
    "chapters": lambda f, w: ["chapters", str(f), "-o", str(w / "narasi.docx")],
    "import_sipd_source": lambda f, w: ["import-sipd", str(f), str(w / "target.xlsx")],
    "import_sipd_target": lambda f, w: ["import-sipd", str(w / "cetakan_sipd.csv"), str(f)],
    "nomenklatur_import": lambda f, w: ["nomenklatur", "import", str(f), "--versi", "Uji Bermusuhan"],
}


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _sipd_print(path: Path) -> Path:
    """A sound SIPD print (CSV) of the embedded example's usulan, for the runs that take a hostile target."""
    from test_sipd import print_rows, write_csv

    source = Path(__file__).resolve().parents[1] / "renja_xl" / "data" / "contoh" / "lampiran_usulan_sipd_2024.csv"
    with open(source, encoding="utf-8") as fh:
        return write_csv(print_rows(list(csv.DictReader(fh))), path)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("hostile")
    return {name: make(folder) for name, make in CORPUS.items()}


@pytest.fixture(scope="module")
def runner():
    root = Path(__file__).resolve().parents[1]
    proc = subprocess.Popen([sys.executable, str(Path(__file__).with_name("hostile_runner.py"))], cwd=root,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert json.loads(proc.stdout.readline()) == {"ready": True}

    def run(batch: list[tuple[list[str], Path, dict[str, str]]]) -> list[dict]:
        jobs = [{"args": args, "cwd": str(cwd), "stdout": str(cwd / "keluaran.txt"), "timeout": TIMEOUT_S,
                 "memory_bytes": MEMORY_BYTES, "env": env} for args, cwd, env in batch]
        proc.stdin.write(json.dumps({"jobs": jobs, "parallel": os.cpu_count() or 1}) + "\n")
        proc.stdin.flush()
        return json.loads(proc.stdout.readline())

    yield run
    proc.stdin.close()
    proc.wait(timeout=30)


# A CSV goes through the commands that read CSV, and through validate (which must say it is no workbook).
CSV_COMMANDS = ("validate", "import_sipd_source", "nomenklatur_import")


def _secret_in_outputs(work: Path) -> list[str]:
    """Outputs that carry /etc/passwd (an external entity resolved and written back)."""
    import zipfile

    found = []
    for out in ("hasil.xlsx", "narasi.docx", "target.xlsx"):
        path = work / out
        if path.exists() and zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as zf:
                if any(SECRET.encode() in zf.read(n) for n in zf.namelist()):
                    found.append(out)
    return found


def test_every_hostile_file_through_every_command(corpus, runner, tmp_path) -> None:
    cases = []
    for name, path in sorted(corpus.items()):
        for command, make_args in COMMANDS.items():
            if path.suffix == ".csv" and command not in CSV_COMMANDS:
                continue
            work = tmp_path / f"{name}-{command}"
            work.mkdir()
            shutil.copy(EXAMPLE, work / "target.xlsx")
            _sipd_print(work / "cetakan_sipd.csv")
            subject = work / path.name
            shutil.copy(path, subject)
            cases.append((name, command, work, subject, _digest(subject), _digest(work / "target.xlsx"),
                          make_args(subject, work)))
    results = runner([(args, work, {"RENJA_XL_HOME": str(work / "home")}) for _, _, work, _, _, _, args in cases])
    failures = []
    for (name, command, work, subject, before, target_before, _), r in zip(cases, results):
        problems = []
        if r["signal"] is not None:
            problems.append(f"signal {r['signal']}" + (" (timeout)" if r["timed_out"] else ""))
        if r["exit"] == 3:
            problems.append("status 3 (internal failure)")
        if "Traceback" in r["output"]:
            problems.append("traceback")
        if SECRET in r["output"] or _secret_in_outputs(work):
            problems.append("XXE: /etc/passwd in the output")
        if r["max_rss_bytes"] > MAX_RSS_BYTES:
            problems.append(f"peak RSS {r['max_rss_bytes'] / 1e6:.0f} MB")
        if command != "import_sipd_target" and _digest(subject) != before:
            problems.append("input changed")
        if command == "import_sipd_target" and r["exit"] != 0 and _digest(subject) != before:
            problems.append("refused target changed")
        if command == "import_sipd_source" and r["exit"] != 0 and _digest(work / "target.xlsx") != target_before:
            problems.append("target changed although the source was refused")
        if r["exit"] not in (0, 1, 2, None):
            problems.append(f"exit {r['exit']}")
        if r["exit"] != 0 and "Galat" not in r["output"] and command != "validate":
            problems.append("no message")
        if problems:
            failures.append(f"{name} / {command}: {', '.join(problems)}\n    {r['output'][-600:]}")
    summary = (f"{len(corpus)} files x {len(COMMANDS)} commands ({len(CSV_COMMANDS)} for a CSV) = {len(results)} "
               f"runs; slowest {max(r['seconds'] for r in results):.1f} s, "
               f"peak RSS {max(r['max_rss_bytes'] for r in results) / 1e6:.0f} MB")
    print(summary)
    report = os.environ.get("RENJA_XL_CORPUS_REPORT")  # a file to keep every run's figures in
    if report:
        Path(report).write_text(json.dumps([[c[0], c[1], {k: v for k, v in r.items() if k != "output"}]
                                            for c, r in zip(cases, results)], indent=0))
    assert not failures, summary + "\n" + "\n".join(failures)


def test_hostile_files_are_refused_with_a_reason(corpus, runner, tmp_path) -> None:
    """The ones that must be refused (not merely survived) by validate, with the reason a user can act on."""
    expected = {
        "far_no_dimension": "XFD1048576", "far_stale_dimension": "XFD1048576", "far_late_dimension": "XFD1048576",
        "far_without_r": "XFD1048576", "far_lowercase": "XFD1048576", "far_in_sipd_sheet": "Usulan SIPD",
        "bomb_honest": "terlalu besar", "bomb_lying": "bom zip", "million_rows": "200.000 baris",
        "encrypted": "bukan buku kerja", "xls_renamed": "bukan buku kerja", "ods_renamed": "bukan buku kerja",
        "truncated_zip": "bukan buku kerja",
    }
    for name, needle in expected.items():
        work = tmp_path / name
        work.mkdir()
        (r,) = runner([(["validate", str(corpus[name])], work, {"RENJA_XL_HOME": str(work / "home")})])
        assert r["exit"] == 2, (name, r)
        assert needle in r["output"] and corpus[name].name in r["output"], (name, r["output"])
        assert len(r["output"].strip().splitlines()) == 1, (name, r["output"])
