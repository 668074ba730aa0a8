"""The SIPD-RI print "RENCANA KERJA ORGANISASI PERANGKAT DAERAH (RENJA OPD)" rebuilt from its layout (issue 13):
`python tests/sipd_renja_print.py` writes tests/data/sipd/renja_opd_2027.xlsx, which is committed.

As people save it to Excel: three title lines; above every kegiatan block the two-row column header again
(KODE over five columns, RENCANA TAHUN 2027 over LOKASI / TARGET / three money columns, PRAKIRAAN MAJU over
target and kebutuhan dana) with its (1) .. (13) row and the agency, urusan, bidang and program rows with
their printed totals; indicators and "target satuan" one per line; a money cell printed as text; the third
block saved by Excel with its codes as numbers (5, 1, 3, 2.01; the sub kegiatan code stays text); a closing
JUMLAH row. Two printed totals do not add up (WRONG): a kegiatan's RKPD pagu, and the program's APBD pagu in
the header repeated above its second kegiatan.
"""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

FIXTURE = Path(__file__).resolve().parent / "data" / "sipd" / "renja_opd_2027.xlsx"
YEAR = 2027
M = Decimal(1_000_000)
MONEY = ("PAGU INDIKATIF RKPD (Rp)", "APBD (Rp)", "RKPD PERUBAHAN (Rp)")
AGENCY = ("5.01.0.00.0.00.01.0000", "BADAN PERENCANAAN PEMBANGUNAN DAERAH")
URUSAN = ("5", "UNSUR PENUNJANG URUSAN PEMERINTAHAN")
BIDANG = ("5.01", "PERENCANAAN")

# program / kegiatan: (kode, name, [(indikator, target, target n+1)])
PROGRAMS = {
    "5.01.02": ("PROGRAM PERENCANAAN, PENGENDALIAN DAN EVALUASI PEMBANGUNAN DAERAH",
                [("Persentase Dokumen Perencanaan yang Ditetapkan Tepat Waktu", "100 Persen", "100 Persen"),
                 ("Persentase Keselarasan Program RKPD dengan RPJMD", "95,5 Persen", "96 Persen")]),
    "5.01.03": ("PROGRAM KOORDINASI DAN SINKRONISASI PERENCANAAN PEMBANGUNAN DAERAH",
                [("Persentase Program Prioritas yang Terkoordinasi", "90 Persen", "92 Persen")]),
}
KEGIATAN = {
    "5.01.02.2.01": ("Penyusunan Perencanaan dan Pendanaan",
                     [("Jumlah Dokumen Perencanaan yang Disusun", "3 Dokumen", "3 Dokumen")]),
    "5.01.02.2.02": ("Analisis Data dan Informasi Pemerintahan Daerah Bidang Perencanaan Pembangunan Daerah",
                     [("Jumlah Dokumen Hasil Analisis Data", "2 Dokumen", "2 Dokumen")]),
    "5.01.03.2.01": ("Koordinasi Perencanaan Bidang Pemerintahan dan Pembangunan Manusia",
                     [("Jumlah Dokumen yang Dikoordinasikan", "4 Dokumen", "4 Dokumen")]),
}
# sub kegiatan: kode, name, [(indikator, target, target n+1)], lokasi, (RKPD, APBD, RKPD Perubahan), sumber dana
# as printed and as Tabel 6 holds it, kelompok sasaran, catatan, prakiraan maju pagu
SUBS = [
    dict(kode="5.01.02.2.01.0001",
         uraian="Analisis Kondisi Daerah, Permasalahan, dan Isu Strategis Pembangunan Daerah",
         indikator=[("Jumlah Dokumen Rancangan Awal RPJMD/RKPD", "1 Dokumen", "1 Dokumen")],
         lokasi="Kab. Contoh, Kec. Kota", money=(250 * M, 240 * M, 245 * M),
         sumber="Pendapatan Asli Daerah (PAD)", sd={"sd_pad": None},
         kelompok="Perangkat Daerah", catatan="", pagu_n1=275 * M),
    dict(kode="5.01.02.2.01.0005", uraian="Pelaksanaan Musrenbang Kabupaten/Kota",
         indikator=[("Jumlah Berita Acara Musrenbang Kabupaten/Kota", "1 Berita Acara", "1 Berita Acara"),
                    ("Jumlah Peserta Musrenbang", "350 Orang", "400 Orang")],
         lokasi="Kab. Contoh", money=(400 * M, 380 * M, 390 * M),
         sumber="DAU: 300.000.000,00\nPAD: 100.000.000,00", sd={"sd_dau": 300 * M, "sd_pad": 100 * M},
         kelompok="Masyarakat, Perangkat Daerah", catatan="Musrenbang bulan Maret", pagu_n1=420 * M),
    dict(kode="5.01.02.2.01.0007",
         uraian="Koordinasi Penyusunan dan Penetapan Dokumen Perencanaan Pembangunan Daerah Kabupaten/Kota",
         indikator=[("Jumlah Dokumen Perencanaan Pembangunan Daerah yang Ditetapkan", "1 Dokumen", "1 Dokumen")],
         lokasi="Kab. Contoh, Kec. Kota", money=(Decimal("175500000"), 170 * M, Decimal("175500000")),
         sumber="Dana Transfer Umum-Dana Alokasi Umum", sd={"sd_dau": None},
         kelompok="Perangkat Daerah", catatan="", pagu_n1=180 * M, text_money=True),
    dict(kode="5.01.02.2.02.0001", uraian="Analisis Data dan Informasi Perencanaan Pembangunan Daerah",
         indikator=[("Jumlah Dokumen Hasil Analisis Data", "1 Dokumen", "1 Dokumen")],
         lokasi="Kab. Contoh", money=(120 * M, 110 * M, 115 * M), sumber="DAK Non Fisik", sd={"sd_dak_non_fisik": None},
         kelompok="Perangkat Daerah", catatan="", pagu_n1=130 * M),
    dict(kode="5.01.02.2.02.0003", uraian="Penyusunan Profil Pembangunan Daerah Kabupaten/Kota",
         indikator=[("Jumlah Buku Profil Pembangunan Daerah yang Diterbitkan", "1 Buku", "1 Buku")],
         lokasi="Kab. Contoh", money=(80 * M, 75 * M, 80 * M), sumber="Dana Bagi Hasil", sd={"sd_dbh": None},
         kelompok="Masyarakat", catatan="", pagu_n1=85 * M),
    dict(kode="5.01.03.2.01.0001",
         uraian="Koordinasi Penyusunan Dokumen Perencanaan Pembangunan Daerah Bidang Pemerintahan (RPJPD, RPJMD dan RKPD)",
         indikator=[("Jumlah Dokumen yang Dikoordinir Penyusunannya", "2 Dokumen", "2 Dokumen")],
         lokasi="Kab. Contoh, Kec. Kota", money=(90 * M, 90 * M, 90 * M), sumber="PAD", sd={"sd_pad": None},
         kelompok="Perangkat Daerah Bidang Pemerintahan", catatan="", pagu_n1=95 * M),
    dict(kode="5.01.03.2.01.0005",
         uraian="Koordinasi Penyusunan Dokumen Perencanaan Pembangunan Daerah Bidang Pembangunan Manusia (RPJPD, RPJMD dan RKPD)",
         indikator=[("Jumlah Dokumen yang Dikoordinir Penyusunannya", "2 Dokumen", "2 Dokumen")],
         lokasi="Kab. Contoh, Kec. Kota", money=(110 * M, 100 * M, 105 * M), sumber="PAD", sd={"sd_pad": None},
         kelompok="Perangkat Daerah Bidang Pembangunan Manusia", catatan="", pagu_n1=115 * M),
]
# printed totals that do not add up: (kode, money column index (3 = prakiraan maju), block number) -> printed
WRONG = {("5.01.02.2.02", 0, 1): 210 * M, ("5.01.02", 1, 1): 965 * M}

TOP = (["KODE", None, None, None, None,
        "URUSAN/BIDANG URUSAN PEMERINTAHAN DAERAH DAN PROGRAM/KEGIATAN/SUB KEGIATAN",
        "INDIKATOR KINERJA PROGRAM (OUTCOME)/KEGIATAN (OUTPUT)/SUB KEGIATAN (KELUARAN)",
        f"RENCANA TAHUN {YEAR}", None, None, None, None, "SUMBER DANA", "KELOMPOK SASARAN", "CATATAN PENTING",
        f"PRAKIRAAN MAJU RENCANA TAHUN {YEAR + 1}", None])
SUB = ([None] * 7 + ["LOKASI", "TARGET CAPAIAN KINERJA", *MONEY] + [None] * 3
       + ["TARGET CAPAIAN KINERJA", "KEBUTUHAN DANA/PAGU INDIKATIF (Rp)"])
NUMBERING = ["(1)", None, None, None, None] + [f"({n})" for n in range(2, 14)]
WIDTH = len(TOP)


def totals(prefix: str) -> list[Decimal]:
    """RKPD, APBD, Perubahan, prakiraan maju of every sub kegiatan under a code ('' = all)."""
    out = [Decimal(0)] * 4
    for s in SUBS:
        if not prefix or s["kode"].startswith(prefix + "."):
            out = [a + b for a, b in zip(out, [*s["money"], s["pagu_n1"]])]
    return out


def _code_cells(kode: str, as_numbers: bool) -> list:
    parts = kode.split(".")
    cells = [parts[0]] + parts[1:3] + ([".".join(parts[3:5])] if len(parts) >= 5 else []) + parts[5:]
    if as_numbers:  # what Excel makes of them; a 4-digit sub kegiatan code is kept as text by its cell format
        conv = [int, int, int, float]
        cells = [conv[i](c) if i < 4 else c for i, c in enumerate(cells)]
    return cells + [None] * (5 - len(cells))


def _row(kode_cells: list, name: str, indikator: list[tuple[str, str, str]], amounts: list[Decimal | None],
         **extra) -> list:
    row = kode_cells + [name, "\n".join(i for i, _, _ in indikator) or None, extra.get("lokasi"),
                        "\n".join(t for _, t, _ in indikator) or None]
    money = [None if a is None else (_printed(a) if extra.get("text_money") else int(a)) for a in amounts]
    row += money[:3] + [extra.get("sumber"), extra.get("kelompok"), extra.get("catatan") or None,
                        "\n".join(t for _, _, t in indikator) or None, money[3]]
    return row


def _printed(d: Decimal) -> str:
    whole, frac = f"{d:.2f}".split(".")
    return f"{int(whole):,}".replace(",", ".") + "," + frac


def rows() -> list[tuple[list, bool]]:
    """(cells, bold) of the print."""
    out: list[tuple[list, bool]] = [
        (["RENCANA KERJA ORGANISASI PERANGKAT DAERAH (RENJA OPD)"] + [None] * (WIDTH - 1), True),
        (["PEMERINTAH KABUPATEN CONTOH"] + [None] * (WIDTH - 1), True),
        ([f"TAHUN ANGGARAN {YEAR}"] + [None] * (WIDTH - 1), True),
        ([None] * WIDTH, False),
    ]
    for block, kegiatan in enumerate(KEGIATAN):
        numbers = block == 2
        program = kegiatan.rsplit(".", 2)[0]
        out += [(list(TOP), True), (list(SUB), True), (list(NUMBERING), False)]
        out.append(([AGENCY[0], None, None, None, None, AGENCY[1]] + [None] * 3 + totals("")[:3] + [None] * 4
                    + [int(totals("")[3])], True))
        for kode, name in (URUSAN, BIDANG):
            out.append((_row(_code_cells(kode, numbers), name, [], totals(kode)), True))
        for kode, (name, ind) in ((program, PROGRAMS[program]), (kegiatan, KEGIATAN[kegiatan])):
            amounts = totals(kode)
            for k in range(4):
                amounts[k] = WRONG.get((kode, k, block), amounts[k])
            out.append((_row(_code_cells(kode, numbers), name, ind, amounts), True))
        for s in SUBS:
            if s["kode"].startswith(kegiatan + "."):
                out.append((_row(_code_cells(s["kode"], numbers), s["uraian"], s["indikator"],
                                 [*s["money"], s["pagu_n1"]], lokasi=s["lokasi"], sumber=s["sumber"],
                                 kelompok=s["kelompok"], catatan=s["catatan"], text_money=s.get("text_money")),
                            False))
        out.append(([None] * WIDTH, False))
    out.append(([None] * 5 + ["JUMLAH"] + [None] * 3 + [int(a) for a in totals("")[:3]] + [None] * 4
                + [int(totals("")[3])], True))
    return out


def write(path: Path = FIXTURE) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Renja OPD"
    for cells, bold in rows():
        ws.append(cells)
        r = ws.max_row
        for c in ws[r]:
            c.alignment = Alignment(wrap_text=True, vertical="top")
            if bold:
                c.font = Font(bold=True)
        if cells[:1] == ["KODE"]:
            for a, b in (("A", "E"), ("H", "L"), ("P", "Q")):
                ws.merge_cells(f"{a}{r}:{b}{r}")
        if cells[:1] == ["(1)"]:
            ws.merge_cells(f"A{r}:E{r}")
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.properties.creator = "SIPD-RI (tiruan)"
    wb.save(path)
    return path


if __name__ == "__main__":
    print(write())
