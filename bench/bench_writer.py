"""Issue 11: recalc through the package writer (PackageBook) beside the calamine read floor, time and memory.

    python bench/bench_writer.py                    # N = 100.000 sub kegiatan in Tabel 6, best of 3
    python bench/bench_writer.py --n 20000 --repeat 5
    python bench/bench_writer.py --dari FOLDER      # reuse renja_diketik.xlsx / renja_mutakhir.xlsx in FOLDER

The typed workbook is bench_renja.py's (fresh template, N sub kegiatan typed in random order, no parents, no
owned cells). Steps, each the best of --repeat runs in this process:

  (a)  calamine read of every sheet of the typed file, and of the current file (the floors)
  (p)  recalc FILE -o OUT on the typed file: parents inserted, rows sorted, the table rewritten in the package
  (q)  recalc FILE on the current file (the output of (p)): nothing changes, nothing is saved (as the CLI)
  (m)  peak memory of (a), (p) and (q), each in a fresh child process: its peak RSS less its RSS before the step

Targets (issue 11): (p) <= 3 x (a), (q) <= 1.5 x (a), peak memory <= 2 x that of the calamine read.
"""
from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_renja import build_workbook, calamine_read, print_ratio, show, timed  # noqa: E402

from renja_xl.engines.package_engine import PackageBook  # noqa: E402
from renja_xl.workbook.recalc import recalc  # noqa: E402


def recalc_package(path: Path, output: Path | None = None) -> int:
    """What `renja-xl recalc FILE [-o OUTPUT]` does with the package writer (without printing)."""
    book = PackageBook(path)
    report = recalc(book)
    if report.writes == 0 and output is None:
        return 0
    book.save(output or path, keep_backup=False)
    return report.writes


def _rss_kb() -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def measure_memory(step: str, path: Path, out: Path) -> int:
    """Peak RSS growth (KB) of one step in a fresh child process."""
    code = (
        "import resource, sys; sys.path.insert(0, %r); sys.path.insert(0, %r)\n"
        "from bench_writer import _rss_kb, calamine_read, recalc_package\n"
        "from pathlib import Path\n"
        "import python_calamine, renja_xl.engines.package_engine, renja_xl.workbook.recalc\n"
        "before = _rss_kb()\n"
        "step, path, out = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])\n"
        "if step == 'a': calamine_read(path)\n"
        "elif step == 'p': recalc_package(path, out)\n"
        "else: recalc_package(path)\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)\n"
    ) % (str(ROOT), str(ROOT / "bench"))
    done = subprocess.run([sys.executable, "-c", code, step, str(path), str(out)], check=True, capture_output=True,
                          text=True)
    return int(done.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--dari", type=Path, help="folder with renja_diketik.xlsx and renja_mutakhir.xlsx to reuse")
    ap.add_argument("--simpan", type=Path, help="folder to keep the workbooks in")
    ap.add_argument("--siapkan", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.siapkan:
        build_workbook(args.siapkan / "renja_diketik.xlsx", args.n, False)
        recalc_package(args.siapkan / "renja_diketik.xlsx", args.siapkan / "renja_mutakhir.xlsx")
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.dari) if args.dari else Path(tmp)
        typed, current = folder / "renja_diketik.xlsx", folder / "renja_mutakhir.xlsx"
        if not args.dari:
            t = time.perf_counter()
            subprocess.run([sys.executable, __file__, "--siapkan", str(folder), "--n", str(args.n)], check=True)
            print(f"Buku kerja sintetis: {args.n:,} sub kegiatan di Tabel 6".replace(",", ".")
                  + f", {typed.stat().st_size / 1e6:.1f} MB; dibuat dalam {time.perf_counter() - t:.1f} s.")
        work = Path(tmp) / "kerja"
        work.mkdir(exist_ok=True)
        out, copy = work / "hasil.xlsx", work / "salinan.xlsx"
        print(f"Berkas mutakhir: {current.stat().st_size / 1e6:.1f} MB. Ulangan per langkah: {args.repeat}.\n")
        best: dict[str, float] = {}
        print("(a) baca calamine, semua sheet")
        best["a"] = show("berkas diketik", timed(lambda: calamine_read(typed), args.repeat))
        best["a1"] = show("berkas mutakhir", timed(lambda: calamine_read(current), args.repeat))
        print("(p) recalc berkas diketik dengan penulis paket (induk disisipkan, tabel ditulis ulang)")
        best["p"] = show("recalc FILE -o OUT", timed(lambda: recalc_package(typed, out), args.repeat,
                                                     lambda: out.unlink(missing_ok=True)))
        print("(q) recalc berkas mutakhir (tidak ada yang berubah, tidak disimpan)")
        shutil.copy2(current, copy)
        writes = recalc_package(copy)
        best["q"] = show("recalc FILE (di tempat)", timed(lambda: recalc_package(copy), args.repeat))
        print(f"  blok ditulis: {writes}")
        print("(m) puncak memori (RSS, proses anak baru per langkah)")
        mem = {k: measure_memory(k, f, out) for k, f in (("a", typed), ("p", typed), ("q", current))}
        mem["a1"] = measure_memory("a", current, out)
        for k, label in (("a", "baca calamine, berkas diketik"), ("a1", "baca calamine, berkas mutakhir"),
                         ("p", "recalc berkas diketik"), ("q", "recalc berkas mutakhir")):
            print(f"  {label:<52} {mem[k] / 1024:7.0f} MB")
        print("\nRasio (dari waktu terbaik)")
        print_ratio(best, "p", "a", "recalc (p) / baca calamine", target=3.0)
        print_ratio(best, "q", "a1", "recalc (q) / baca calamine", target=1.5)
        memory = {k: float(v) for k, v in mem.items()}
        print_ratio(memory, "p", "a", "memori (p) / baca calamine", target=2.0)
        print_ratio(memory, "q", "a1", "memori (q) / baca calamine", target=2.0)
        if args.simpan:
            args.simpan.mkdir(parents=True, exist_ok=True)
            for f in (typed, current):
                shutil.copy2(f, args.simpan / f.name)


if __name__ == "__main__":
    main()
