"""Speed of `renja-xl rekap`, beside the floors it is measured against (issue 16).

    python bench/bench_rekap.py                 # all parts
    python bench/bench_rekap.py --bagian a      # only the 50 x 200 part
    python bench/bench_rekap.py --bagian bc --n 2000

The OPD workbooks are synthetic (renja_xl/build/synthetic_opd.py: the example's Identitas and IKU tables, N typed
sub kegiatan in Tabel 6, a distinct agency and bidang per file), generated once into bench/out/ (git-ignored).

  (a) 50 workbooks x 200 sub kegiatan, local process pool (one worker per core): wall time of the whole rekap
      (read, validate, merge, cross-OPD checks, write the rekap workbook) against the floor
      sum(calamine read of every sheet of each file) / cores.                          target <= 1,2
  (b) --n workbooks (2,000) x 100 sub kegiatan: throughput with the local pool and with a Dask LocalCluster of
      2 worker processes (cluster start included).                                     target Dask <= 1,5 x pool
  (c) peak RSS of the coordinating process (VmHWM: the merge and the writer; the workers are other processes) at
      200 and --n files, beside each other: it should not grow with the number of files.

Each rekap run is a fresh child process running the same app function as the CLI. With --basis DIR (a checkout
of an earlier commit, e.g. `git worktree add --detach ../rekap_base 7722334`) every run is made twice, that
checkout's and this one's alternately, so both are measured under the same load; the machine's load average
(`uptime`, 1 minute) is printed beside each figure.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "out"


def workbooks(n: int, n_sub: int) -> list[Path]:
    from renja_xl.build.synthetic_opd import generate

    folder = OUT / f"rekap_{n}x{n_sub}"
    have = sorted(p for p in folder.glob("opd_*.xlsx")) if folder.exists() else []
    if len(have) >= n:
        return have[:n]
    t = time.perf_counter()
    files = generate(folder, n, n_sub)
    print(f"  {n} buku kerja x {n_sub} sub kegiatan dibuat dalam {time.perf_counter() - t:.1f} s di {folder}")
    return files


def calamine_read(path: Path) -> None:
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    for name in wb.sheet_names:
        wb.get_sheet_by_name(name).to_python(skip_empty_area=False)


def floor(files: list[Path], repeat: int) -> float:
    """Sum over the files of the best of `repeat` calamine reads."""
    total = 0.0
    for p in files:
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            calamine_read(p)
            times.append(time.perf_counter() - t)
        total += min(times)
    return total


_CHILD = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
from renja_xl.app.rekap import rekap


def status(key):  # this process's own counters: ru_maxrss would carry the parent's peak across fork + exec
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) / 1024 for line in f if line.startswith(key + ":"))


args = json.loads(sys.argv[1])
imported = status("VmRSS")
t = time.perf_counter()
o = rekap(args["inputs"], args["out"], jobs=args["jobs"], dask=args["dask"])
wall = time.perf_counter() - t
me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({{"wall": wall, "write": o.write_seconds, "rss_mb": status("VmHWM"), "rss_import_mb": imported,
                  "cpu": me.ru_utime + me.ru_stime, "cpu_workers": kids.ru_utime + kids.ru_stime,
                  "files": len(o.records), "failed": len(o.failed), "runner": o.runner}}))
"""


def load() -> str:
    return f"beban {os.getloadavg()[0]:4.1f}"


def run_child(inputs: list[str], out: Path, jobs: int, dask: str | None = None, root: Path = ROOT) -> dict:
    code = _CHILD.format(root=str(root))
    arg = json.dumps({"inputs": inputs, "out": str(out), "jobs": jobs, "dask": dask})
    before = os.getloadavg()[0]
    proc = subprocess.run([sys.executable, "-c", code, arg], capture_output=True, text=True, check=False,
                          env=dict(os.environ, PYTHONPATH=str(root)), cwd=str(root))
    if proc.returncode != 0:
        sys.exit(proc.stderr)
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    out["load"] = max(before, os.getloadavg()[0])  # the 1-minute load average around the run
    return out


class Sides:
    """This checkout and, with --basis, the baseline checkout: runs alternate between them."""

    def __init__(self, basis: Path | None):
        self.roots = [("basis", basis)] if basis else []
        self.roots.append(("ini", ROOT))

    def run(self, inputs: list[str], out: Path, jobs: int, dask: str | None = None) -> dict[str, dict]:
        return {name: run_child(inputs, out.with_name(f"{out.stem}_{name}.xlsx"), jobs, dask, root)
                for name, root in self.roots}


def _fmt(r: dict) -> str:
    return (f"{r['wall']:7.2f} s (serial {r['write']:5.2f} s; CPU koordinator {r['cpu']:5.1f} s, pekerja "
            f"{r['cpu_workers']:5.1f} s; RSS {r['rss_mb']:4.0f} MB; beban {r['load']:4.1f})")


def part_a(sides: Sides, cores: int, repeat: int) -> None:
    print(f"(a) 50 buku kerja x 200 sub kegiatan, pool lokal {cores} proses")
    files = workbooks(50, 200)
    fl = floor(files, repeat)
    print(f"  lantai: jumlah baca calamine {fl:.2f} s / {cores} inti = {fl / cores:.2f} s   ({load()})")
    costs = per_file([str(f) for f in files])
    read = costs["baca calamine semua sheet"]
    for what, sec in costs.items():
        print(f"  per berkas, satu proses: {what:<36} {sec * 1000:6.1f} ms   = {sec / read:5.2f} x baca")
    print(f"  lantai validate: 50 x check_grid / {cores} inti = {costs['check_grid (= renja-xl validate)'] * 50 / cores:.2f}"
          f" s   ({load()})")
    runs: dict[str, list[dict]] = {name: [] for name, _ in sides.roots}
    for _ in range(repeat):
        for name, r in sides.run([str(p) for p in files], OUT / "rekap_a.xlsx", cores).items():
            runs[name].append(r)
    for name, rs in runs.items():
        best = min(rs, key=lambda r: r["wall"])
        print(f"  rekap [{name:>5}] terbaik {_fmt(best)}   median {statistics.median(r['wall'] for r in rs):6.2f} s"
              f"   rekap / lantai = {best['wall'] / (fl / cores):5.2f}")
    print("  target rekap / lantai <= 1,2")


def per_file(files: list[str], k: int = 50) -> dict[str, float]:
    """Seconds per file in this one process (no pool), best of 2 passes over the first `k` files: the calamine read,
    `validate`'s own function, and the worker's `summarize` (validate + the summary)."""
    from renja_xl.engines.calamine_engine import CalamineBook
    from renja_xl.rekap.summary import summarize
    from renja_xl.workbook.validation import check_grid

    def validate(f: str) -> None:
        check_grid(CalamineBook(Path(f)))

    out = {}
    for what, fn in (("baca calamine semua sheet", lambda f: calamine_read(Path(f))),
                     ("check_grid (= renja-xl validate)", validate), ("summarize (validate + ringkasan)", summarize)):
        fn(files[0])
        best = float("inf")
        for _ in range(2):
            t = time.perf_counter()
            for f in files[:k]:
                fn(f)
            best = min(best, (time.perf_counter() - t) / min(k, len(files)))
        out[what] = best
    return out


def part_bc(sides: Sides, n: int, cores: int, parts: str) -> None:
    files = [str(p) for p in workbooks(n, 100)]
    pools: dict[str, dict] = {}
    if "b" in parts:
        print(f"(b) {n} buku kerja x 100 sub kegiatan")
        costs = per_file(files)
        print("  per berkas, satu proses: " + ", ".join(f"{w} {s * 1000:.0f} ms" for w, s in costs.items()))
        pools = sides.run(files, OUT / "rekap_b_pool.xlsx", cores)
        dasks = sides.run(files, OUT / "rekap_b_dask.xlsx", 2, "lokal")
        for name, _ in sides.roots:
            pool, dask = pools[name], dasks[name]
            print(f"  [{name:>5}] pool lokal {cores} proses       {_fmt(pool)}   {n / pool['wall']:5.1f} berkas/s")
            print(f"  [{name:>5}] Dask LocalCluster 2 pekerja {_fmt(dask)}   {n / dask['wall']:5.1f} berkas/s")
            print(f"  [{name:>5}] Dask / pool = {dask['wall'] / pool['wall']:.2f}   target <= 1,5; biaya per berkas "
                  f"(pool) {pool['wall'] * cores / n * 1000:.0f} ms-inti")
    if "c" in parts:
        print("(c) RSS puncak proses koordinator (pool lokal): 200 berkas di samping " + str(n))
        small = sides.run(files[:200], OUT / "rekap_c_200.xlsx", cores)
        large = pools or sides.run(files, OUT / f"rekap_c_{n}.xlsx", cores)
        for name, _ in sides.roots:
            a, b = small[name], large[name]
            print(f"  [{name:>5}] setelah impor {a['rss_import_mb']:3.0f} MB;"
                  f"   200 berkas: RSS {a['rss_mb']:4.0f} MB ({a['wall']:6.1f} s, beban {a['load']:4.1f})"
                  f"   {n} berkas: RSS {b['rss_mb']:4.0f} MB ({b['wall']:6.1f} s, beban {b['load']:4.1f})"
                  f"   selisih {b['rss_mb'] - a['rss_mb']:+.0f} MB")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bagian", default="abc", help="bagian yang dijalankan (bawaan abc)")
    ap.add_argument("--n", type=int, default=2000, help="jumlah buku kerja bagian (b) dan (c) (bawaan 2000)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="proses pool lokal (bawaan: inti)")
    ap.add_argument("--basis", type=Path, help="checkout pembanding (mis. ../rekap_base); diukur bergantian")
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    sides = Sides(args.basis.resolve() if args.basis else None)
    print(f"Mesin: {os.cpu_count()} inti; pool lokal {args.jobs} proses; {load()} saat mulai"
          + (f"; basis {args.basis}" if args.basis else "") + ".\n")
    if "a" in args.bagian:
        part_a(sides, args.jobs, args.repeat)
    if "b" in args.bagian or "c" in args.bagian:
        part_bc(sides, args.n, args.jobs, args.bagian)


if __name__ == "__main__":
    main()
