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

Each step runs right after its floor (paired), so that a shared machine's changing load hits both alike; the
ratio of the best pair is printed beside the ratio of the best times, and CPU seconds beside wall seconds.

Targets (issue 11): (p) <= 3 x (a), (q) <= 1.5 x (a), peak memory <= 2 x that of the calamine read.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_renja import build_workbook, calamine_read, print_ratio, show  # noqa: E402

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


def paired(floor, step, repeat: int, prepare=None) -> tuple[list[float], list[float], list[float], list[float]]:
    """The floor and the step one right after the other, `repeat` times: on a shared machine the load changes
    from minute to minute, so each step is compared with the floor measured beside it. Wall and CPU seconds
    (CPU counts every thread of the process: the readers' second thread too)."""
    import gc

    walls: tuple[list[float], list[float]] = ([], [])
    cpus: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for i, fn in enumerate((floor, step)):
            if prepare and i == 1:
                prepare()
            gc.collect()
            w, c = time.perf_counter(), time.process_time()
            fn()
            walls[i].append(time.perf_counter() - w)
            cpus[i].append(time.process_time() - c)
    return walls[0], walls[1], cpus[0], cpus[1]


def _rss_kb(field: str = "VmRSS") -> int:
    """This process's resident memory (VmRSS) or its peak (VmHWM), in KB. Not ru_maxrss: Linux keeps that
    across exec, so a child started by a large parent reports the parent's peak."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def measure_memory(step: str, path: Path, out: Path) -> int:
    """Peak RSS growth (KB) of one step in a fresh child process."""
    code = (
        "import sys; sys.path.insert(0, %r); sys.path.insert(0, %r)\n"
        "from bench_writer import _rss_kb, calamine_read, recalc_package\n"
        "from pathlib import Path\n"
        "import python_calamine, renja_xl.engines.package_engine, renja_xl.workbook.recalc\n"
        "before = _rss_kb()\n"
        "step, path, out = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])\n"
        "if step == 'a': calamine_read(path)\n"
        "elif step == 'p': recalc_package(path, out)\n"
        "else: recalc_package(path)\n"
        "print(_rss_kb('VmHWM') - before)\n"
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
        print("(a)+(p) baca calamine berkas diketik, lalu recalc-nya dengan penulis paket (induk disisipkan, tabel "
              "ditulis ulang)")
        fa, fp, ca, cp = paired(lambda: calamine_read(typed), lambda: recalc_package(typed, out), args.repeat,
                                lambda: out.unlink(missing_ok=True))
        best["a"], best["p"] = show("(a) baca calamine, berkas diketik", fa), show("(p) recalc FILE -o OUT", fp)
        best["ca"], best["cp"] = min(ca), min(cp)
        best["rp"] = min(p / a for p, a in zip(fp, fa))
        print("(a1)+(q) baca calamine berkas mutakhir, lalu recalc-nya (tidak ada yang berubah, tidak disimpan)")
        shutil.copy2(current, copy)
        writes = recalc_package(copy)
        fa1, fq, ca1, cq = paired(lambda: calamine_read(current), lambda: recalc_package(copy), args.repeat)
        best["a1"], best["q"] = show("(a1) baca calamine, berkas mutakhir", fa1), show("(q) recalc FILE", fq)
        best["ca1"], best["cq"] = min(ca1), min(cq)
        best["rq"] = min(q / a for q, a in zip(fq, fa1))
        print(f"  blok ditulis pada berkas mutakhir: {writes}")
        print(f"  waktu CPU terbaik (semua thread): (a) {best['ca']:.2f} s, (p) {best['cp']:.2f} s, "
              f"(a1) {best['ca1']:.2f} s, (q) {best['cq']:.2f} s")
        print("(m) puncak memori (RSS, proses anak baru per langkah)")
        mem = {k: measure_memory(k, f, out) for k, f in (("a", typed), ("p", typed), ("q", current))}
        mem["a1"] = measure_memory("a", current, out)
        for k, label in (("a", "baca calamine, berkas diketik"), ("a1", "baca calamine, berkas mutakhir"),
                         ("p", "recalc berkas diketik"), ("q", "recalc berkas mutakhir")):
            print(f"  {label:<52} {mem[k] / 1024:7.0f} MB")
        print("\nRasio (dari waktu terbaik)")
        print_ratio(best, "p", "a", "recalc (p) / baca calamine", target=3.0)
        print(f"  {'  terbaik per pasangan':<33} = {best['rp']:5.2f}")
        print_ratio(best, "cp", "ca", "  waktu CPU (p) / (a)", note="")
        print_ratio(best, "q", "a1", "recalc (q) / baca calamine", target=1.5)
        print(f"  {'  terbaik per pasangan':<33} = {best['rq']:5.2f}")
        print_ratio(best, "cq", "ca1", "  waktu CPU (q) / (a1)", note="")
        memory = {k: float(v) for k, v in mem.items()}
        print_ratio(memory, "p", "a", "memori (p) / baca calamine", target=2.0)
        print_ratio(memory, "q", "a1", "memori (q) / baca calamine", target=2.0)
        if args.simpan:
            args.simpan.mkdir(parents=True, exist_ok=True)
            for f in (typed, current):
                shutil.copy2(f, args.simpan / f.name)


if __name__ == "__main__":
    main()
