"""Render time of the chapters for the seed (target: <= 2 s for the .docx), printed as figures.

    python bench/bench_chapters.py            # docx, md, html; 5 runs each
    python bench/bench_chapters.py --pdf      # also the PDF through LibreOffice

Reading the workbook is timed apart (calamine), so the figure is the rendering on the in-memory model,
which is what the Excel button calls.
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

from renja_xl.chapters import render_docx, render_pdf, render_text  # noqa: E402
from renja_xl.chapters.render import render_blocks  # noqa: E402
from renja_xl.engines.calamine_engine import CalamineBook  # noqa: E402
from renja_xl.engines.openpyxl_engine import OpenpyxlBook  # noqa: E402
from renja_xl.engines.openpyxl_template import build_template  # noqa: E402
from renja_xl.workbook.example import fill_example  # noqa: E402
from renja_xl.workbook.reader import read_renja  # noqa: E402
from renja_xl.workbook.recalc import recalc  # noqa: E402


BASELINE_DOCX = 1.09  # s, median of 3 at dec1338 (before outlines), measured beside this branch on the shared 2-core machine


def timed(fn, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def show(label: str, times: list[float]) -> None:
    print(f"{label:<34} median {statistics.median(times):6.3f} s   min {min(times):6.3f} s   max {max(times):6.3f} s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--pdf", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        book = OpenpyxlBook(tmp / "contoh.xlsx", build_template())
        fill_example(book)
        recalc(book)
        book.save()
        show("baca buku kerja (calamine)", timed(lambda: read_renja(CalamineBook(tmp / "contoh.xlsx")), args.runs))
        renja = read_renja(CalamineBook(tmp / "contoh.xlsx"))
        show("templat -> blok", timed(lambda: render_blocks(renja), args.runs))
        docx_times = timed(lambda: render_docx(renja, tmp / "renja.docx"), args.runs)
        show("render_docx (seluruh dokumen)", docx_times)
        show("render_text md", timed(lambda: render_text(renja, "md"), args.runs))
        show("render_text html", timed(lambda: render_text(renja, "html"), args.runs))
        print(f"ukuran .docx: {(tmp / 'renja.docx').stat().st_size / 1024:.0f} KiB; "
              f"target render_docx <= 2 s: {'tercapai' if statistics.median(docx_times) <= 2 else 'TIDAK tercapai'}")
        for name in ("permendagri_86_2017", "pedoman_2026"):
            show(f"render_docx ({name})", timed(lambda: render_docx(renja, tmp / "o.docx", outline=name), args.runs))
        print(f"baseline render_docx sebelum sistematika (issue 14): {BASELINE_DOCX:.2f} s")
        if args.pdf:
            show("render_docx + nomor halaman (LO)", timed(lambda: render_docx(renja, tmp / "renja.docx",
                                                                              learn_pages=True), 1))
            show("PDF melalui LibreOffice", timed(lambda: render_pdf(tmp / "renja.docx", update_indexes=False), 1))


if __name__ == "__main__":
    main()
