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
  (c) peak RSS of the coordinating process (the merge and the writer; the workers are other processes) at 200 and
      --n files: it should not grow with the number of files beyond the rekap workbook's own rows.

Each run of (b) and (c) is a fresh child process running the same app function as the CLI.
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
args = json.loads(sys.argv[1])
t = time.perf_counter()
o = rekap(args["inputs"], args["out"], jobs=args["jobs"], dask=args["dask"])
wall = time.perf_counter() - t
print(json.dumps({{"wall": wall, "write": o.write_seconds, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "files": len(o.records), "failed": len(o.failed), "runner": o.runner}}))
"""


def run_child(inputs: list[str], out: Path, jobs: int, dask: str | None = None) -> dict:
    code = _CHILD.format(root=str(ROOT))
    arg = json.dumps({"inputs": inputs, "out": str(out), "jobs": jobs, "dask": dask})
    proc = subprocess.run([sys.executable, "-c", code, arg], capture_output=True, text=True, check=False,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)))
    if proc.returncode != 0:
        sys.exit(proc.stderr)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def part_a(cores: int, repeat: int) -> None:
    print(f"(a) 50 buku kerja x 200 sub kegiatan, pool lokal {cores} proses")
    files = workbooks(50, 200)
    fl = floor(files, repeat)
    print(f"  lantai: jumlah baca calamine {fl:.2f} s / {cores} inti = {fl / cores:.2f} s")
    walls, writes = [], []
    for i in range(repeat):
        r = run_child([str(p) for p in files], OUT / "rekap_a.xlsx", cores)
        walls.append(r["wall"])
        writes.append(r["write"])
    best = min(walls)
    print(f"  rekap (dalam proses anak, setelah impor)          terbaik {best:6.2f} s   median "
          f"{statistics.median(walls):6.2f} s")
    print(f"  dari itu: pemeriksaan lintas OPD + tulis rekap (koordinator, serial) terbaik {min(writes):6.2f} s")
    ratio = best / (fl / cores)
    print(f"  rekap / lantai = {ratio:.2f}   target <= 1,2   {'tercapai' if ratio <= 1.2 else 'TIDAK tercapai'}")


def per_file(files: list[str], k: int = 50) -> float:
    """Seconds of `summarize` per file in this one process (the worker's cost, no pool): best of 2 passes."""
    from renja_xl.rekap.summary import summarize

    summarize(files[0])
    best = float("inf")
    for _ in range(2):
        t = time.perf_counter()
        for f in files[:k]:
            summarize(f)
        best = min(best, (time.perf_counter() - t) / min(k, len(files)))
    return best


def part_b(n: int, cores: int) -> None:
    print(f"(b) {n} buku kerja x 100 sub kegiatan")
    files = [str(p) for p in workbooks(n, 100)]
    cost = per_file(files)
    print(f"  summarize (baca + validasi + ringkasan) satu proses: {cost * 1000:.0f} ms per berkas "
          f"(baca calamine saja: {floor([Path(f) for f in files[:50]], 2) / 50 * 1000:.0f} ms)")
    pool = run_child(files, OUT / "rekap_b_pool.xlsx", cores)
    print(f"  pool lokal {cores} proses     {pool['wall']:7.1f} s   {n / pool['wall']:6.1f} berkas/s   "
          f"RSS koordinator {pool['rss_mb']:.0f} MB; tulis rekap {pool.get('write', 0):.1f} s")
    dask = run_child(files, OUT / "rekap_b_dask.xlsx", 2, "lokal")
    print(f"  Dask LocalCluster 2 pekerja {dask['wall']:7.1f} s   {n / dask['wall']:6.1f} berkas/s   "
          f"RSS koordinator {dask['rss_mb']:.0f} MB (termasuk start klaster)")
    ratio = dask["wall"] / pool["wall"]
    print(f"  Dask / pool = {ratio:.2f}   target <= 1,5   {'tercapai' if ratio <= 1.5 else 'TIDAK tercapai'}")
    print(f"  biaya per berkas (pool): {pool['wall'] * cores / n * 1000:.0f} ms-inti")


def part_c(n: int, cores: int) -> None:
    print("(c) RSS puncak proses koordinator (pool lokal)")
    all_files = [str(p) for p in workbooks(n, 100)]
    for k in (200, n):
        r = run_child(all_files[:k], OUT / f"rekap_c_{k}.xlsx", cores)
        print(f"  {k:>5} berkas: RSS {r['rss_mb']:6.0f} MB   {r['wall']:6.1f} s (tulis rekap {r['write']:.1f} s)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bagian", default="abc", help="bagian yang dijalankan (bawaan abc)")
    ap.add_argument("--n", type=int, default=2000, help="jumlah buku kerja bagian (b) dan (c) (bawaan 2000)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="proses pool lokal (bawaan: inti)")
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    print(f"Mesin: {os.cpu_count()} inti; pool lokal {args.jobs} proses.\n")
    if "a" in args.bagian:
        part_a(args.jobs, args.repeat)
    if "b" in args.bagian:
        part_b(args.n, args.jobs)
    if "c" in args.bagian:
        part_c(args.n, args.jobs)


if __name__ == "__main__":
    main()
