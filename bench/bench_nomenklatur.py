"""Loading a built-in code list (target: <= 0,1 s) and validate on the example, printed beside their baselines.

    python bench/bench_nomenklatur.py             # 7 runs each, best / median / max
    python bench/bench_nomenklatur.py --repeat 15

- built-in list: gzip'd CSV from the package data into a Nomenklatur, cache emptied before each run;
  baseline: the budget (0,1 s) and reading the same list from its source CSV with the importer (what an
  import by the user costs);
- validate on the example: as shipped (050-5889/2021: no built-in list, none loaded), and with Identitas set
  to 050-3708/2020 (the built-in list loaded in each run, cache emptied): the difference is the list's cost.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from renja_xl.build.nomenklatur import SOURCES, SOURCES_DIR  # noqa: E402
from renja_xl.engines.openpyxl_template import build_template  # noqa: E402
from renja_xl.domain.layout import FIRST_DATA_ROW, IDENTITAS_FIELDS  # noqa: E402
from renja_xl.engines.calamine_engine import CalamineBook  # noqa: E402
from renja_xl.engines.openpyxl_engine import OpenpyxlBook  # noqa: E402
from renja_xl.nomenklatur import builtin  # noqa: E402
from renja_xl.nomenklatur.importers import parse_csv_text  # noqa: E402
from renja_xl.workbook.example import fill_example  # noqa: E402
from renja_xl.workbook.recalc import recalc  # noqa: E402
from renja_xl.workbook.validation import validate_grid  # noqa: E402

BUDGET = 0.1


def timed(fn, runs: int, before=None) -> list[float]:
    out = []
    for _ in range(runs):
        if before:
            before()
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def show(label: str, times: list[float], note: str = "") -> float:
    best = min(times)
    print(f"  {label:<44} terbaik {best:7.3f} s   median {statistics.median(times):7.3f} s   "
          f"maks {max(times):7.3f} s   {note}")
    return best


def example(folder: Path, versi: str | None) -> Path:
    path = folder / f"contoh_{'asli' if versi is None else 'v2020'}.xlsx"
    book = OpenpyxlBook(path, build_template())
    fill_example(book)
    recalc(book)
    if versi:
        row = FIRST_DATA_ROW + [f.key for f in IDENTITAS_FIELDS].index("versi_nomenklatur")
        book.write("Identitas", row, 2, [[versi]])
    book.save(keep_backup=False)
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    n = args.repeat
    budget = f"{BUDGET:.1f}".replace(".", ",")
    print(f"Daftar bawaan (target <= {budget} s per versi), {n} ulangan, cache dikosongkan tiap ulangan:")
    for source in SOURCES:
        best = show(f"{source.versi}", timed(lambda: builtin.load_builtin(source.versi), n, builtin._load.cache_clear),
                    "")
        print(f"  {'':<44} {'tercapai' if best <= BUDGET else 'TIDAK tercapai'} (target <= {budget} s)")
        text = (SOURCES_DIR / source.berkas).read_text(encoding="utf-8")
        show("  pembanding: CSV sumber lewat importir", timed(lambda: parse_csv_text(text, source.versi), n))
    print("Validate pada contoh bawaan:")
    with tempfile.TemporaryDirectory() as tmp:
        plain, v2020 = example(Path(tmp), None), example(Path(tmp), "Kepmendagri 050-3708 Tahun 2020")
        a = show("050-5889/2021 (tanpa daftar bawaan)", timed(lambda: validate_grid(CalamineBook(plain)), n))
        b = show("050-3708/2020 (daftar bawaan dimuat)", timed(lambda: validate_grid(CalamineBook(v2020)), n,
                                                                builtin._load.cache_clear))
        print(f"  {'selisih (biaya daftar + aturan kode lengkap)':<44} {b - a:7.3f} s")


if __name__ == "__main__":
    main()
