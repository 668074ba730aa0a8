"""validate beside its floor (the calamine read of every sheet), this checkout against another, alternating.

    python bench/ab_validate.py FILE.xlsx --basis ../base --putaran 4

Each round runs, in fresh child processes, first the other checkout (`--basis`, a git worktree of the commit
compared with) and then this one, on the same file: in each, the best of --repeat runs of (a) reading every
sheet with python-calamine and (e) `validate_grid(CalamineBook(FILE))`, as `renja-xl validate` does without
printing. A shared machine's load changes from minute to minute, so the pairs alternate and the load is printed
beside each line; compare the ratios (e)/(a) of neighbouring lines, not seconds across rounds.

A big file to try: `python bench/bench_renja.py --langkah c --simpan DIR` leaves DIR/renja_dihitung.xlsx.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import gc, sys, time
from python_calamine import CalamineWorkbook
from renja_xl.engines.calamine_engine import CalamineBook
from renja_xl.workbook.validation import validate_grid
path, repeat = sys.argv[1], int(sys.argv[2])

def read():
    wb = CalamineWorkbook.from_path(path)
    for name in wb.sheet_names:
        wb.get_sheet_by_name(name).to_python()

floor, check, found = [], [], 0
for _ in range(repeat):
    t = time.perf_counter(); read(); floor.append(time.perf_counter() - t)
    t = time.perf_counter(); found = len(validate_grid(CalamineBook(path))); check.append(time.perf_counter() - t)
    gc.collect()
print(f"{min(floor):.3f} {min(check):.3f} {found}")
"""


def run(checkout: Path, path: Path, repeat: int) -> tuple[float, float, int]:
    env = dict(os.environ, PYTHONPATH=str(checkout))
    out = subprocess.run([sys.executable, "-c", CHILD, str(path), str(repeat)], env=env, check=True,
                         capture_output=True, text=True, cwd=checkout).stdout.split()
    return float(out[0]), float(out[1]), int(out[2])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("file", type=Path)
    ap.add_argument("--basis", type=Path, required=True, help="checkout pembanding (git worktree)")
    ap.add_argument("--putaran", type=int, default=3, help="jumlah putaran bergantian")
    ap.add_argument("--repeat", type=int, default=3, help="ulangan per langkah di tiap proses")
    args = ap.parse_args()
    print(f"{'':>6} {'beban':>6} {'baca (a)':>9} {'validate (e)':>13} {'(e)/(a)':>8} temuan")
    for i in range(1, args.putaran + 1):
        for label, checkout in (("basis", args.basis.resolve()), ("ini", ROOT)):
            load = os.getloadavg()[0]
            a, e, n = run(checkout, args.file.resolve(), args.repeat)
            print(f"{label:>6} {load:6.2f} {a:8.3f}s {e:12.3f}s {e / a:8.2f} {n}", flush=True)
    print("target issue 9: (e)/(a) <= 1,5")


if __name__ == "__main__":
    main()
