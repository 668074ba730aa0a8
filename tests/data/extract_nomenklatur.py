"""One-off tool (not a test): cut the small nomenclature extracts of tests/data/nomenklatur/ from the public
transcriptions (tests/data/README.md). Run from the repository: python tests/data/extract_nomenklatur.py SOURCE_DIR

The extracts keep the national lists' own form (the lampiran's layout with its PDF noise; the cleaned CSVs'
columns) for the codes the tests use: the generic penunjang program X.XX.01, bidang 5.03 (Kepegawaian, the
seed's agency), and in the 2020 list also 4.01.01 (a real program ending in .01) and 2.08.02 (a program whose
provinsi and kabupaten/kota names differ).
"""
from __future__ import annotations

import csv
import sys
from pathlib import Path

import openpyxl

OUT = Path(__file__).resolve().parent / "nomenklatur"
EXTRA_2020 = {"2", "2.08", "2.08.02", "4", "4.01", "4.01.01", "5"}


def keep(kode: str, extra: set[str]) -> bool:
    return kode.startswith("X") or kode == "5" or kode.startswith("5.03") or kode in extra


def cut_csv(source: Path, target: Path, extra: set[str]) -> None:
    with open(source, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        rows = [r for r in reader if keep(r["kode"], extra)]
        fields = reader.fieldnames
    with open(target, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def cut_lampiran(source: Path, target: Path) -> None:
    wb = openpyxl.load_workbook(source)
    ws = wb.worksheets[0]
    out = openpyxl.Workbook()
    dest = out.active
    dest.title = ws.title
    for i, row in enumerate(ws.iter_rows(values_only=True)):
        a, b = row[0], row[1]
        if i == 0 or a == "X" or (str(a) == "5" and b in (None, 3, "03")):  # integers, as transcribed
            dest.append(row)
    out.save(target)


def main(source_dir: Path) -> None:
    OUT.mkdir(exist_ok=True)
    cut_lampiran(source_dir / "sumber_900-1317-2023_kabkota.xlsx", OUT / "sumber_900-1317-2023_kabkota_cuplikan.xlsx")
    cut_csv(source_dir / "nomenklatur_kabkota_900-1317-2023.csv", OUT / "nomenklatur_kabkota_900-1317-2023_cuplikan.csv",
            set())
    cut_csv(source_dir / "nomenklatur_050-3708-2020.csv", OUT / "nomenklatur_050-3708-2020_cuplikan.csv", EXTRA_2020)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
