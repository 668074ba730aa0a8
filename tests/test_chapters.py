"""Chapters (issue 4): the narrative of the seed as Word, Markdown, HTML and PDF; templates; filters; golden file."""
from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from docx.oxml.ns import qn
from num2words import num2words

from renja_xl.chapters import TemplateError, copy_templates, render_docx, render_pdf, render_text
from renja_xl.chapters import filters as f
from renja_xl.frontends.cli import main
from renja_xl.engines.calamine_engine import CalamineBook
from renja_xl.engines.openpyxl_engine import OpenpyxlBook
from renja_xl.engines.openpyxl_template import build_template
from renja_xl.domain.layout import FIRST_DATA_ROW, IDENTITAS_FIELDS, sheet
from renja_xl.workbook.reader import read_renja
from renja_xl.workbook.recalc import recalc

from conftest import ROOT, libreoffice_convert

CONTOH = ROOT / "renja_xl" / "data" / "contoh"
GOLDEN = ROOT / "tests" / "golden" / "narasi_kecil_contoh.docx"  # also compared in test_chapters_outline
BAB = ["BAB I PENDAHULUAN", "BAB II EVALUASI PELAKSANAAN RENJA TAHUN LALU",
       "BAB III TUJUAN DAN SASARAN PERANGKAT DAERAH", "BAB IV RENCANA KERJA DAN PENDANAAN PERANGKAT DAERAH",
       "BAB V PENUTUP"]


def _csv(name: str) -> list[dict[str, str]]:
    with open(CONTOH / name, encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def seed(example_path):
    return read_renja(CalamineBook(example_path))


@pytest.fixture(scope="module")
def seed_docx(seed, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("narasi") / "renja.docx"
    render_docx(seed, out, learn_pages=bool(shutil.which("soffice") or shutil.which("libreoffice")))
    return out


@pytest.fixture(scope="module")
def document(seed_docx):
    return docx.Document(str(seed_docx))


def _texts(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for t in document.tables:
        for row in t.rows:
            parts += [c.text for c in row.cells]
    return "\n".join(parts)


# --- the seed's document -------------------------------------------------------------------------------


def test_bab_headings_are_heading_1_and_sections_heading_2(document):
    h1 = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    h2 = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert [h for h in h1 if h.startswith("BAB")] == BAB
    assert "KATA PENGANTAR" in h1 and "LAMPIRAN" in h1
    for title in ("I.1 Latar Belakang", "I.2 Landasan Hukum", "II.1 Evaluasi Pelaksanaan Renja Tahun Lalu dan "
                  "Capaian Renstra Perangkat Daerah", "II.3 Isu-Isu Penting Penyelenggaraan Tugas dan Fungsi "
                  "Perangkat Daerah", "III.2 Tujuan dan Sasaran Renja Perangkat Daerah"):
        assert title in h2
    h3 = [p.text for p in document.paragraphs if p.style.name == "Heading 3"]
    h4 = [p.text for p in document.paragraphs if p.style.name == "Heading 4"]
    assert "1.1 Indeks Profesionalitas ASN" in h4 and "I.3.1 Maksud" in h3  # IKU analyses stay out of the TOC


def test_tables_a4_and_landscape_sections(document):
    assert len(document.tables) >= 7
    sizes = {(round(s.page_width.cm, 1), round(s.page_height.cm, 1)) for s in document.sections}
    assert (21.0, 29.7) in sizes, sizes
    assert (29.7, 21.0) in sizes, "no landscape section for the wide tables"
    assert sizes <= {(21.0, 29.7), (29.7, 21.0)}
    for s in document.sections:
        assert (s.orientation == 1) == (s.page_width > s.page_height)


def test_facts_come_from_the_data(seed, document):
    text = _texts(document)
    body = "\n".join(p.text for p in document.paragraphs)
    programs = {r["kode"] for r in _csv("tabel6_rencana_kerja_pendanaan_2024.csv") if r["kode"].count(".") == 2}
    kegiatan = {r["kode"] for r in _csv("tabel6_rencana_kerja_pendanaan_2024.csv") if r["kode"].count(".") == 4}
    subs = {r["kode"] for r in _csv("tabel6_rencana_kerja_pendanaan_2024.csv") if r["kode"].count(".") == 5}
    assert f"{len(programs)} ({num2words(len(programs), lang='id')}) Program" in body
    assert f"{len(kegiatan)} ({num2words(len(kegiatan), lang='id')}) Kegiatan" in body
    assert "2 (dua) Program" in body and "12 (dua belas) Kegiatan" in body
    # the seed's sentence says 61; its table lists more: the document states the count of the data
    assert len(subs) != 61
    assert f"{len(subs)} ({num2words(len(subs), lang='id')}) sub kegiatan" in body
    assert "61 (enam puluh satu) sub kegiatan" not in body
    assert "98,34%" in body
    anggaran = sum(Decimal(r["anggaran"]) for r in _csv("tabel1_evaluasi_renja_2022.csv") if r["kode"].count(".") == 5)
    assert f"{anggaran:,.0f}".replace(",", ".") == "17.914.888.161"
    assert "Rp 17.914.888.161" in body and "17.914.888.161" in text


def test_program_list_lettered_with_dan(document):
    items = [p.text for p in document.paragraphs if p.style.name == "Butir"]
    start = items.index("1.\tProgram Penunjang Urusan Pemerintahan Daerah Provinsi, dengan kegiatan antara lain:")
    assert items[start + 1] == "a.\tPerencanaan, Penganggaran, dan Evaluasi Kinerja Perangkat Daerah;"
    assert items[start + 7] == "g.\tPenyediaan Jasa Penunjang Urusan Pemerintahan Daerah; dan"
    assert items[start + 8] == "h.\tPemeliharaan Barang Milik Daerah Penunjang Urusan Pemerintahan Daerah."
    assert items[start + 9] == "2.\tProgram Kepegawaian Daerah, dengan kegiatan antara lain:"
    assert items[start + 13] == "d.\tPenilaian dan Evaluasi Kinerja Aparatur."


def test_isu_strategis_and_signatory_from_the_workbook(seed, document):
    body = "\n".join(p.text for p in document.paragraphs)
    isu = [r.teks for r in seed.teks_bagian("Isu Strategis") if r.jenis == "Butir Huruf"]
    assert len(isu) == 4
    for i, item in enumerate(isu):
        assert f"{'abcd'[i]}.\t{item}" in body
    ident = {r["kunci"]: r["isian"] for r in _csv("identitas.csv")}
    assert body.count(ident["nama_kepala"]) == 2  # Kata Pengantar and Penutup
    assert body.count(f"NIP. {ident['nip_kepala']}") == 2
    name = next(p for p in document.paragraphs if p.text == ident["nama_kepala"])
    assert name.runs[0].bold and name.runs[0].underline


def test_word_tables_like_the_seed(document):
    t1 = document.tables[0]
    header_rows = [r for r in t1.rows if r._tr.trPr is not None and r._tr.trPr.find(qn("w:tblHeader")) is not None]
    assert len(header_rows) == 3  # two header rows and the column numbers, repeated on every page
    first = t1.rows[3]
    assert [c.text for c in first.cells][:2] == ["5.03", "KEPEGAWAIAN"]
    assert first.cells[4].text == "17.914.888.161"
    assert all(r.bold for c in first.cells for p in c.paragraphs for r in p.runs)
    assert first.cells[4].paragraphs[0].alignment == 2  # right
    leaf = next(r for r in t1.rows if r.cells[0].text == "5.03.01.1.01.01")
    assert not any(r.bold for c in leaf.cells for p in c.paragraphs for r in p.runs)
    assert leaf.cells[4].text == "18.241.400" and leaf.cells[6].text == "99,40"


def test_toc_and_captions_are_fields(seed_docx, document):
    xml = document.element.xml
    instr = re.findall(r"<w:instrText[^>]*>([^<]*)</w:instrText>", xml)
    assert any(i.strip().startswith('TOC \\o "1-3"') for i in instr)  # kept for Word
    assert any('TOC \\h \\z \\t "Caption,1"' in i for i in instr)
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    assert captions[0] == "Tabel 1. Evaluasi Hasil Pelaksanaan Renja Tahun 2022"
    assert len(captions) == 6 and len(document.tables) == 7  # the lampiran has a title block, not "Tabel 7"
    assert not any(c.startswith("Tabel 7") for c in captions)
    assert document.settings.element.find(qn("w:updateFields")) is not None
    # the field's result is written: its entries show before any update (no page numbers without LibreOffice)
    texts = [p.text for p in document.paragraphs]
    start = texts.index("DAFTAR ISI")
    assert [t.split("\t")[0] for t in texts[start + 1:start + 5]] == ["KATA PENGANTAR", "DAFTAR ISI",
                                                                        "DAFTAR TABEL", "BAB I PENDAHULUAN"]
    assert "1.1 Indeks Profesionalitas ASN" not in texts[start:texts.index("DAFTAR TABEL", start + 4)]


@pytest.mark.libreoffice
def test_libreoffice_renders_pdf_with_updated_indexes(soffice, seed_docx, tmp_path):
    pdf = render_pdf(seed_docx, tmp_path / "renja.pdf")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert 30 <= pages <= 80, pages
    assert "595.3 x 841.89" in info.replace("595.304", "595.3")  # A4
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for title in BAB:
        assert title in text
    assert "Klik kanan" not in text  # the TOC fields were updated, not left as saved
    toc = text[text.index("DAFTAR ISI"):text.index("DAFTAR TABEL\n")]
    assert re.search(r"BAB I PENDAHULUAN\.{3,}\s*\d+", toc)
    tables_list = text[re.search(r"^\s*DAFTAR TABEL\s*$", text, re.M).end():]
    assert re.search(r"Tabel 6\. Rencana Kerja Tahun 2024 BKD Prov\. Kalbar\.{3,}\s*\d+", tables_list)


# --- the conventional LibreOffice conversion, as the independent client ---------------------------------


@pytest.mark.libreoffice
def test_plain_libreoffice_conversion_opens_the_docx(soffice, seed_docx, tmp_path):


    pdf = libreoffice_convert(soffice, seed_docx, "pdf", tmp_path)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "KATA PENGANTAR" in text and "17.914.888.161" in text


# --- Markdown and HTML ------------------------------------------------------------------------------------


def test_markdown_and_html(seed):
    md = render_text(seed, "md")
    assert "# BAB I PENDAHULUAN" in md and "## I.1 Latar Belakang" in md
    assert "| **5.03** | **KEPEGAWAIAN** |  |  | **17.914.888.161** | **17.242.465.892** | **96,25** |" in md
    assert "    h. Pemeliharaan Barang Milik Daerah Penunjang Urusan Pemerintahan Daerah." in md
    html = render_text(seed, "html")
    assert html.count("<table>") == 7 and html.count("<h1>") == 7
    assert '<td class="right">17.914.888.161</td>' in html
    assert "<caption>Tabel 6. " in html and "<caption>Tabel 7. " not in html
    assert "<caption>USULAN BADAN KEPEGAWAIAN DAERAH PROVINSI KALIMANTAN BARAT<br>" in html
    with pytest.raises(ValueError):
        render_text(seed, "rtf")


# --- templates: user copies, errors, sandbox -------------------------------------------------------------


def _user_templates(tmp_path: Path, name: str, text: str) -> Path:
    folder = tmp_path / "templat"
    copy_templates(folder)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_user_template_overrides_the_package(seed, tmp_path):
    folder = _user_templates(tmp_path, "bagian_tanda_tangan.j2",
                             "Disusun oleh {{ identitas.singkatan }} dengan "
                             "{{ jumlah_sub_kegiatan | sebut }} sub kegiatan.\n")
    md = render_text(seed, "md", folder)
    n = len([r for r in seed.tabel6.rows if r.is_first and r.is_leaf])
    assert f"Disusun oleh BKD Prov. Kalbar dengan {n} ({num2words(n, lang='id')}) sub kegiatan." in md
    assert "# BAB IV RENCANA KERJA DAN PENDANAAN PERANGKAT DAERAH" in md  # the others from the package


@pytest.mark.parametrize("text, line, words", [
    ("# BAB V\n\n{% for p in program %}\n{{ p.nama }\n{% endfor %}\n", 4, "sintaks: tanda '}'"),
    ("# BAB V\n\n{% for p in program %}\n{{ p.nama }}\n", 4, "endfor"),
    ("# BAB V\n{{ 3 | uangg }}\n", 2, "filter 'uangg' tidak dikenal"),
    ("# BAB V\n\n\n{{ jumlah_programm }}\n", 4, "jumlah_programm"),
    ("# BAB V\n{{ identitas.nama_kpala }}\n", 2, "nama_kpala"),
    ("# BAB V\n\n{{ teks('Penutupan') }}\n", 3, "Penutupan"),
    ("# BAB V\n\n{{ tabel('tabel9', 'x') }}\n", 3, "tabel9"),
    ("# BAB V\n{{ ''.__class__.__mro__ }}\n", 2, "sandbox"),
    ("# BAB V\n\n{{ program.append(1) }}\n", 3, "sandbox"),
])
def test_broken_template_names_file_and_line_and_writes_nothing(seed, tmp_path, text, line, words):
    folder = _user_templates(tmp_path, "bagian_tanda_tangan.j2", text)
    out = tmp_path / "renja.docx"
    with pytest.raises(TemplateError) as info:
        render_docx(seed, out, folder)
    message = str(info.value)
    assert "bagian_tanda_tangan.j2" in message and f"baris {line}" in message and words in message
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["templat"]  # no temporary file left behind


def test_broken_template_leaves_the_previous_document_untouched(seed, tmp_path):
    out = tmp_path / "renja.docx"
    render_docx(seed, out)
    before = out.read_bytes()
    folder = _user_templates(tmp_path, "bagian_sistematika.j2", "{{ tidak_ada }}\n")
    with pytest.raises(TemplateError):
        render_docx(seed, out, folder)
    assert out.read_bytes() == before
    assert not (tmp_path / "cadangan").exists()


def test_cli_chapters(example_path, tmp_path):
    runner = CliRunner()
    out = tmp_path / "renja.md"
    result = runner.invoke(main, ["chapters", str(example_path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "DRAF" in result.output  # the example's money errors
    assert out.read_text(encoding="utf-8").startswith("**DRAF - belum lulus validasi")
    folder = _user_templates(tmp_path, "renja.j2", "{% include 'sampul.j2' %}\n{{ 1 / 0 }}\n")
    result = runner.invoke(main, ["chapters", str(example_path), "-o", str(tmp_path / "x.docx"),
                                  "--templates", str(folder)])
    assert result.exit_code == 2
    assert "renja.j2' baris 2" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "x.docx").exists()
    help_text = runner.invoke(main, ["chapters", "--help"]).output
    assert "Contoh:" in help_text and "--templates" in help_text


def test_cli_example_writes_the_chapters_beside_the_workbook(tmp_path):
    result = CliRunner().invoke(main, ["example", str(tmp_path / "contoh.xlsx")])
    assert result.exit_code == 0, result.output
    document = docx.Document(str(tmp_path / "contoh.docx"))
    assert [p.text for p in document.paragraphs if p.style.name == "Heading 1"][3] == "BAB I PENDAHULUAN"


# --- filters --------------------------------------------------------------------------------------------


def test_filters_write_indonesian():
    assert f.uang(Decimal("17914888161")) == "17.914.888.161"
    assert f.rp(17914888161) == "Rp 17.914.888.161"
    assert f.persen(Decimal("96.25")) == "96,25"
    assert f.persen(Decimal("0.125")) == "0,13"  # half-up as Excel; Babel alone would print 0,12
    assert f.uang(Decimal("2.5")) == "3" and f.uang(Decimal("3.5")) == "4"
    assert f.uang(Decimal("19171000000"), 2) == "19.171.000.000,00"
    assert f.nilai(Decimal("50.0")) == "50" and f.nilai(47.07) == "47,07" and f.nilai("BB") == "BB"
    assert f.sebut(12) == "12 (dua belas)" and f.sebut(61) == "61 (enam puluh satu)"
    assert f.tanggal(date(2023, 5, 15)) == "15 Mei 2023"
    assert f.gabung(["a", "b", "c"]) == "a, b, dan c" and f.gabung(["a", "b"]) == "a dan b"
    assert f.daftar(["x", "y", "z"]) == "a. x;\nb. y; dan\nc. z."
    assert f.daftar(["x"], "angka", tingkat=1) == "    1. x."
    assert f.judul("PROGRAM PENUNJANG URUSAN PEMERINTAHAN DAERAH PROVINSI") == \
        "Program Penunjang Urusan Pemerintahan Daerah Provinsi"
    assert f.judul("Mutasi dan Promosi ASN") == "Mutasi dan Promosi ASN"
    assert f.huruf(27) == "aa"


# --- golden file: a small workbook built through the Grid ----------------------------------------------


def _small_workbook(path: Path) -> Path:
    book = OpenpyxlBook(path, build_template())
    ident = {"nama_perangkat_daerah": "Dinas Contoh Kabupaten Kecil", "singkatan": "Dinas Contoh",
             "pemerintah_daerah": "Kabupaten Kecil", "jenis_pemda": "Kabupaten", "kepala_daerah": "Bupati",
             "tahun_rencana": 2026, "tahun_evaluasi": 2024, "periode_renstra": "2025-2029",
             "dokumen_rpjmd": "RPJMD", "periode_rpjmd": "2025-2029", "kode_bidang_urusan": "5.03",
             "nama_bidang_urusan": "KEPEGAWAIAN", "tempat_penandatanganan": "Kecil", "tahun_penyusunan": 2025,
             "jabatan_kepala": "Kepala Dinas Contoh", "nama_kepala": "Dra. CONTOH, M.Si",
             "pangkat_kepala": "Pembina", "nip_kepala": "19700101 199503 2 001"}
    book.write(sheet("identitas").name, FIRST_DATA_ROW, 2, [[ident.get(fl.key)] for fl in IDENTITAS_FIELDS])

    def rows(key: str, *dicts: dict) -> None:
        spec = sheet(key)
        block = []
        for d in dicts:
            line = [None] * len(spec.columns)
            for k, v in d.items():
                line[spec.col(k)] = v
            block.append(line)
        book.write(spec.name, FIRST_DATA_ROW, 1, block)

    rows("teks", {"bagian": "Kata Pengantar", "jenis": "Paragraf", "teks": "Puji syukur."},
         {"bagian": "Isu Strategis", "jenis": "Paragraf", "teks": "Isu strategisnya adalah:"},
         {"bagian": "Isu Strategis", "jenis": "Butir Huruf", "teks": "Isu pertama"},
         {"bagian": "Isu Strategis", "jenis": "Butir Huruf", "teks": "# Isu kedua, bukan judul"},
         {"bagian": "Analisis IKU", "jenis": "Paragraf", "rujukan": "1.1", "teks": "Analisis indeks."},
         {"bagian": "Penutup", "jenis": "Paragraf", "teks": "Demikian."})
    rows("tabel1", {"kode": "5.03.02.2.01.0001", "uraian": "Sub A", "indikator": "Jumlah A", "target": 2,
                    "satuan": "Dokumen", "anggaran": 1000000, "realisasi": 962500},
         {"kode": "5.03.02.2.01.0002", "uraian": "Sub B", "indikator": "Jumlah B", "target": 1,
          "satuan": "Laporan", "anggaran": 500000})
    rows("tabel2", {"no_sasaran": 1, "sasaran": "Meningkatnya Kinerja", "no_iku": "1.1", "iku": "Indeks X",
                    "satuan": "Indeks", "target": 80, "realisasi": 85.5},
         {"no_sasaran": 1, "sasaran": "Meningkatnya Kinerja", "no_iku": "1.2", "iku": "Predikat Y",
          "satuan": "Predikat", "target": "BB", "realisasi": "B"})
    rows("tabel3", {"no_sasaran": 1, "sasaran": "Meningkatnya Kinerja", "no_iku": "1.1", "iku": "Indeks X",
                    "satuan": "Indeks", "target_3": 80, "realisasi_3": 85.5})
    rows("tabel4", {"kode": "5.03.02.2.01.0001", "uraian": "Sub A", "indikator": "Jumlah A", "satuan": "Dokumen",
                    "target": 1, "lokasi": "Kabupaten Kecil", "waktu": "Januari - Desember"})
    rows("tabel5", {"tujuan": "Tujuan 1", "sasaran": "Sasaran 1", "indikator": "Indeks X", "satuan": "Indeks",
                    "target": 82},
         {"tujuan": "Tujuan 1", "sasaran": "Sasaran 1", "indikator": "Predikat Y", "satuan": "Predikat",
          "target": "BB"})
    rows("tabel6", {"kode": "5.03.02", "uraian": "PROGRAM KEPEGAWAIAN DAERAH", "indikator": "Persentase ASN",
                    "satuan": "Persen", "target": 90, "pendanaan": 1500000},
         {"kode": "5.03.02", "indikator": "Persentase Mutasi", "satuan": "Persen", "target": 95,
          "pendanaan": 2500000.5},
         {"kode": "5.03.02.2.01", "uraian": "Pengadaan ASN"},
         {"kode": "5.03.02.2.01.0001", "uraian": "Sub A", "indikator": "Jumlah A", "satuan": "Dokumen", "target": 1,
          "pendanaan": 1500000, "lokasi": "Kabupaten Kecil", "waktu": "Januari - Desember"},
         {"kode": "5.03.02.2.02", "uraian": "Mutasi ASN"},
         {"kode": "5.03.02.2.02.0001", "uraian": "Sub C", "indikator": "Jumlah C", "satuan": "Orang", "target": 5,
          "pendanaan": 2500000.5, "lokasi": "Kabupaten Kecil", "waktu": "Maret - Mei"})
    rows("sipd", {"kode": "5.03.02.2.01.0001", "uraian": "Sub A", "usulan": "Usulan A", "lokasi": "Kecil",
                  "volume": 1, "satuan": "Dokumen", "pagu": 1500000, "status": "Dalam Pembahasan"})
    recalc(book)
    book.save()
    return path


def structure(path: Path) -> list:
    """What a reader sees, without what changes on every save (dates, rsids, ids, zip order)."""
    d = docx.Document(str(path))
    out: list = []
    for child in d.element.body.iterchildren():
        if child.tag == qn("w:p"):
            p = docx.text.paragraph.Paragraph(child, d._body)
            instr = " ".join(i.text.strip() for i in child.iter(qn("w:instrText")))
            bold = [r.text for r in p.runs if r.bold]
            out.append(["p", p.style.name, p.text, instr, bold])
            sect = child.find(qn("w:pPr") + "/" + qn("w:sectPr"))
            if sect is not None:
                size = sect.find(qn("w:pgSz"))
                out.append(["section", size.get(qn("w:w")), size.get(qn("w:h")), size.get(qn("w:orient"))])
        elif child.tag == qn("w:tbl"):
            t = docx.table.Table(child, d._body)
            out.append(["table", [[c.text for c in r.cells] for r in t.rows],
                        [any(run.bold for c in r.cells for para in c.paragraphs for run in para.runs)
                         for r in t.rows]])
        elif child.tag == qn("w:sectPr"):
            size = child.find(qn("w:pgSz"))
            out.append(["section", size.get(qn("w:w")), size.get(qn("w:h")), size.get(qn("w:orient"))])
    return out


def test_golden_small_workbook(tmp_path):
    renja = read_renja(CalamineBook(_small_workbook(tmp_path / "kecil.xlsx")))
    assert not [x for x in renja.findings if x.severity == "error"], renja.findings
    out = tmp_path / "kecil.docx"
    render_docx(renja, out)
    got, want = structure(out), structure(GOLDEN)
    assert len(got) == len(want)
    for a, b in zip(got, want):
        assert a == b
    body = "\n".join(x[2] for x in got if x[0] == "p")
    assert "1 (satu) Program dan 2 (dua) Kegiatan" in body
    assert "2 (dua) sub kegiatan dengan pendanaan sebesar Rp 4.000.001" in body  # 2.500.000,5 rounds half-up
    assert "\\#" not in body and "b.\t# Isu kedua, bukan judul" in body  # a user's '#' is text, not a heading
    d = docx.Document(str(out))
    t6 = d.tables[5]._tbl
    second_indicator = t6.tr_lst[5]  # 2 header rows, numbers, 5.03, the program's first and second indicator
    merges = [tc.tcPr.find(qn("w:vMerge")) for tc in second_indicator.tc_lst[:3]]
    assert all(m is not None and m.get(qn("w:val")) is None for m in merges)  # No, Kode, Uraian merged upwards


def test_identitas_missing_is_named(tmp_path):
    from renja_xl.domain.errors import RenjaError

    book = OpenpyxlBook(tmp_path / "kosong.xlsx", build_template())
    book.save()
    renja = read_renja(CalamineBook(tmp_path / "kosong.xlsx"))
    with pytest.raises(RenjaError, match="'Tahun Rencana'"):
        render_docx(renja, tmp_path / "kosong.docx")
    assert not (tmp_path / "kosong.docx").exists()


def test_chapters_import_neither_openpyxl_nor_xlwings():
    code = ("import sys, renja_xl.chapters, renja_xl.chapters.docx_writer, renja_xl.chapters.text_writer, "
            "renja_xl.chapters.pdf; bad = [m for m in ('openpyxl', 'xlwings') if m in sys.modules]; "
            "print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([os.sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_analysis_with_unknown_iku_number_is_still_printed(seed):
    import copy

    from renja_xl.domain.model import TeksRow

    renja = copy.copy(seed)
    renja.teks = list(seed.teks) + [TeksRow("Analisis IKU", "Paragraf", "9.9", "Analisis tanpa IKU yang cocok.")]
    md = render_text(renja, "md")
    assert "Analisis tanpa IKU yang cocok." in md
    assert md.index("Analisis tanpa IKU yang cocok.") < md.index("**Tabel 3.")
    assert md.count("Indikator tersebut merupakan penjabaran dari misi ke 2") == 1  # 1.1 printed once


def test_every_section_of_teks_bab_is_printed_in_row_order(seed):
    from renja_xl.domain.layout import TEKS_BAGIAN

    md = render_text(seed, "md")
    other_outlines = {"Usulan Masyarakat", "Kinerja Bidang Urusan", "Catatan Penting", "Kaidah Pelaksanaan",
                      "Rencana Tindak Lanjut"}  # sections of the Permendagri / 2026 outlines the seed lacks
    for bagian, _ in TEKS_BAGIAN:
        rows = seed.teks_bagian(bagian)
        assert bool(rows) != (bagian in other_outlines), bagian
        if not rows:
            continue
        position = md.find(rows[0].teks[:60])
        for r in rows:  # each row after the one before it
            position = md.find(r.teks[:60], position)
            assert position != -1, (bagian, r.teks[:60])


@pytest.mark.libreoffice
def test_cli_chapters_pdf(soffice, example_path, tmp_path):
    runner = CliRunner()
    out = tmp_path / "renja.docx"
    result = runner.invoke(main, ["chapters", str(example_path), "-o", str(out), "--pdf"])
    assert result.exit_code == 0, result.output
    assert out.exists() and (tmp_path / "renja.pdf").read_bytes().startswith(b"%PDF")
    result = runner.invoke(main, ["chapters", str(example_path), "-o", str(tmp_path / "r.md"), "--pdf"])
    assert result.exit_code == 2 and "--pdf" in result.output
