"""The sheets of the rekap workbook as rows for the writer (renja_xl/engines/rekap_xlsx.py)."""
from __future__ import annotations

from decimal import Decimal
from itertools import groupby
from typing import Any, Iterable, Iterator

from renja_xl.domain.findings import SEVERITY_LABELS
from renja_xl.domain.layout import FIRST_DATA_ROW, MONEY_FORMAT, PERCENT_FORMAT
from renja_xl.domain.formula import Formula
from renja_xl.engines.rekap_xlsx import ChartOut, SheetOut, SheetWriter
from renja_xl.rekap import program
from renja_xl.rekap.merge import Merge, Record
from renja_xl.workbook.validation import plain_text

RINGKASAN = "Ringkasan per OPD"
REKAP_PROGRAM = "Rekap Program"
TEMUAN = "Temuan"
GRAFIK = "Grafik"

_R_COLS = [  # header, width, format
    ("No", 6, None), ("Perangkat Daerah", 40, None), ("Nama Singkat", 20, None), ("Pemerintah Daerah", 28, None),
    ("Bidang Urusan", 34, None), ("Tahun Rencana", 9, None), ("Versi Nomenklatur", 30, None),
    ("Total Pagu Tabel 6 (Rp)", 20, MONEY_FORMAT), ("Pagu Indikatif (Rp)", 20, MONEY_FORMAT),
    ("Sumber Pagu", 14, None), ("Selisih Pagu - Total (Rp)", 20, MONEY_FORMAT), ("Program", 9, "0"),
    ("Kegiatan", 9, "0"), ("Sub Kegiatan", 9, "0"), ("Galat", 8, "0"), ("Peringatan", 10, "0"), ("Info", 8, "0"),
    ("Temuan Lintas OPD", 10, "0"), ("Skor Kesiapan (%)", 10, PERCENT_FORMAT), ("Berkas", 34, None),
]
TOTAL_COL, CEILING_COL = "H", "I"
SUM_COLS = "HIKLMNOPQR"


def text(value: Any) -> Any:
    return plain_text(value) if isinstance(value, str) else value


def _ringkasan_rows(records: list[Record]) -> Iterator[tuple[list[Any], bool]]:
    for i, rec in enumerate(records):
        r = FIRST_DATA_ROW + i
        ident = rec.identitas
        bidang = " ".join(str(v) for v in (ident.get("kode_bidang_urusan"), ident.get("nama_bidang_urusan")) if v)
        diff = Formula(f"={CEILING_COL}{r}-{TOTAL_COL}{r}", rec.ceiling - rec.total) if rec.ceiling is not None \
            else None
        c = rec.counts
        yield [i + 1, text(ident.get("nama_perangkat_daerah") or ("(tidak terbaca)" if not rec.ok else "")),
               text(ident.get("singkatan")), text(ident.get("pemerintah_daerah")), text(bidang),
               ident.get("tahun_rencana"), text(ident.get("versi_nomenklatur")), rec.total, rec.ceiling,
               rec.ceiling_source and {"surat": "berkas pagu", "identitas": "Identitas"}[rec.ceiling_source],
               diff, rec.n_program, rec.n_kegiatan, rec.n_sub, c["error"], c["warning"], c["info"], rec.cross,
               rec.score, text(rec.name)], False
    if not records:
        return
    last = FIRST_DATA_ROW + len(records) - 1
    letters = [chr(ord("A") + j) for j in range(len(_R_COLS))]
    sums: dict[str, Decimal] = {
        "H": sum((r.total for r in records), Decimal(0)),
        "I": sum((r.ceiling for r in records if r.ceiling is not None), Decimal(0)),
        "K": sum((r.ceiling - r.total for r in records if r.ceiling is not None), Decimal(0)),
        "L": sum(r.n_program for r in records), "M": sum(r.n_kegiatan for r in records),
        "N": sum(r.n_sub for r in records), "O": sum(r.counts["error"] for r in records),
        "P": sum(r.counts["warning"] for r in records), "Q": sum(r.counts["info"] for r in records),
        "R": sum(r.cross for r in records),
    }
    row: list[Any] = [None] * len(_R_COLS)
    row[1] = "JUMLAH"
    for j, letter in enumerate(letters):
        if letter in sums:
            row[j] = Formula(f"=SUM({letter}{FIRST_DATA_ROW}:{letter}{last})", sums[letter])
    yield row, True


_TEMUAN_HEADERS = ["No", "Berkas", "Perangkat Daerah", "Tingkat", "Aturan", "Sheet", "Sel", "Kode", "Pesan",
                   "Lintas OPD"]
_TEMUAN_WIDTHS = [6, 30, 24, 11, 24, 22, 10, 20, 90, 10]


class TemuanSheet:
    """The Temuan sheet, written while the results arrive: each workbook's own findings as it is merged (so they
    are never held or stored by the coordinator), then the cross-OPD findings once the checks have run."""

    def __init__(self, sheet: SheetWriter):
        self.sheet = sheet.start(SheetOut(
            TEMUAN, "TEMUAN SELURUH BUKU KERJA DAN PEMERIKSAAN LINTAS PERANGKAT DAERAH",
            "Temuan tiap berkas (seperti renja-xl validate) urut seperti masukan, lalu temuan lintas perangkat daerah "
            "(kolom Lintas OPD: Ya).", _TEMUAN_HEADERS, _TEMUAN_WIDTHS, [], (), freeze=(3, 0)))
        self.n = 0
        self.room = program.EXCEL_ROWS - FIRST_DATA_ROW  # the last row says how many did not fit

    def add(self, rec: Record | None, findings: Iterable[tuple[str, str, str, str, str, str]]) -> None:
        """(severity, rule, sheet, cell, code, message) of one workbook (None: of the rekap as a whole)."""
        name, label = (text(rec.name), text(rec.label())) if rec is not None else ("(rekap)", "")
        rows = []
        for severity, rule, sheet, cell, code, message in findings:
            self.n += 1
            if self.n <= self.room:
                rows.append(([self.n, name, label, SEVERITY_LABELS[severity], rule, text(sheet), text(cell),
                              text(code), text(message), "Ya" if rule.startswith("rekap.") else ""], False))
        self.sheet.write(rows)

    def finish(self, merge: Merge) -> None:
        """The cross-OPD findings (per workbook in input order, the rekap's own last), then the overflow line."""
        records = merge.records
        for idx, group in groupby(merge.temuan(), key=lambda t: t[0]):
            self.add(records[idx] if idx >= 0 else None, (t[1:] for t in group))
        if self.n > self.room:
            self.sheet.write([([None] * 8 + [
                f"... {self.n - self.room} temuan lainnya tidak muat di lembar ini; lihat keluaran --json per berkas "
                "atau buat rekap per pemerintah daerah.", None], True)])


def ringkasan(records: list[Record], pemda: str) -> SheetOut:
    return SheetOut(RINGKASAN, f"RINGKASAN RENJA PER PERANGKAT DAERAH {pemda}".strip(),
                    f"{len(records)} buku kerja; satu baris per berkas, urut seperti masukan. Skor kesiapan: bagian "
                    "aturan yang lolos, berbobot tingkat (galat 3, peringatan 2, info 1).",
                    [c[0] for c in _R_COLS], [c[1] for c in _R_COLS], [c[2] for c in _R_COLS],
                    _ringkasan_rows(records), freeze=(3, 2))


def rekap_program(merge: Merge, pemda: str) -> SheetOut:
    return SheetOut(REKAP_PROGRAM, f"REKAP PROGRAM, KEGIATAN DAN SUB KEGIATAN {pemda}".strip(),
                    "Urusan, bidang, program dan kegiatan menjumlahkan sub kegiatan di bawahnya dengan SUBTOTAL.",
                    program.HEADERS, program.WIDTHS, [None, None, None, MONEY_FORMAT, None, None, "0"],
                    program.rows(merge), freeze=(3, 2))


def grafik(records: list[Record]) -> ChartOut:
    rows = [[r.label(), r.total, r.ceiling if r.ceiling is not None else 0, r.counts["error"],
             r.counts["warning"], r.counts["info"], r.cross] for r in records]
    return ChartOut(GRAFIK, "GRAFIK PAGU DAN TEMUAN PER PERANGKAT DAERAH",
                    ["Perangkat Daerah", "Total Pagu (Rp)", "Pagu Indikatif (Rp)", "Galat", "Peringatan",
                     "Info", "Lintas OPD"], rows,
                    [("Pagu per perangkat daerah terhadap pagu indikatif", [1, 2], False),
                     ("Temuan per perangkat daerah", [3, 4, 5, 6], True)])
