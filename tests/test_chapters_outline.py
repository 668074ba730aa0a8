"""Issue 14 (outlines, a document that cannot contradict itself) and issue 12 items 11-12 (hostile chapters input).

The PDFs are rendered by LibreOffice and read back with pdftotext / pdfinfo: the pages as a reader sees them.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner

from renja_xl.app.chapters import validated_renja, write_chapters
from renja_xl.engines.openpyxl_template import build_template
from renja_xl.chapters import TemplateError, copy_templates, load_outline, render_docx, render_text
from renja_xl.chapters.outline import OutlineError
from renja_xl.domain.errors import RenjaError
from renja_xl.domain.layout import FIRST_DATA_ROW, IDENTITAS_FIELDS, sheet
from renja_xl.engines.calamine_engine import CalamineBook
from renja_xl.engines.openpyxl_engine import OpenpyxlBook
from renja_xl.frontends.cli import main
from renja_xl.workbook.reader import read_renja

from conftest import ROOT

OUTLINES = ["contoh", "permendagri_86_2017", "pedoman_2026"]
GOLDEN = ROOT / "tests" / "golden"


def _pdf_pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1]


def _landscape_pages(pdf: Path, n: int) -> list[bool]:
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", str(n), str(pdf)], capture_output=True, text=True,
                          check=True).stdout
    sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)
    return [float(w) > float(h) for w, h in sizes]


def _footer(page: str) -> str:
    lines = [ln.strip() for ln in page.splitlines() if ln.strip()]
    return lines[-1] if lines else ""


def _headings(outline) -> list[str]:
    out = []

    def walk(items, level):
        for s in items:
            out.append(s["judul"])
            walk(s["bagian"], level + 1)

    walk(outline.bab, 1)
    return out


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module", params=OUTLINES)
def rendered(request, soffice, example_path, tmp_path_factory):
    out = tmp_path_factory.mktemp(request.param) / "renja.docx"
    outcome = write_chapters(CalamineBook(example_path), out, pdf=True, outline=request.param)
    return request.param, outcome, out.with_suffix(".pdf")


@pytest.mark.libreoffice
def test_each_outline_renders_as_its_outline_says(rendered):
    name, outcome, pdf = rendered
    outline = load_outline(name)
    pages = _pdf_pages(pdf)
    flat = [_squash(p) for p in pages]
    body_start = next(i for i, p in enumerate(flat) if "BAB I PENDAHULUAN" in p and "...." not in p)
    # headings in order, after the Daftar Isi
    position = (body_start, 0)
    for title in _headings(outline):
        found = None
        for i in range(position[0], len(flat)):
            at = flat[i].find(title, position[1] if i == position[0] else 0)
            if at != -1:
                found = (i, at + len(title))
                break
        assert found, (name, title)
        position = found
    # every table of the outline under its number and caption (a caption may wrap: compare squashed text)
    body = " ".join(flat[body_start:])
    for key in outline.table_keys():
        number = outline.tabel[key].nomor
        assert f"Tabel {number}. " in body, (name, key, number)
    # the Daftar Isi: entries with page numbers, the front matter in roman numerals, BAB I page 1
    toc = next(p for p in pages if "DAFTAR ISI" in p and "...." in p)
    assert re.search(r"KATA PENGANTAR\.{3,}\s*i\b", toc)
    assert re.search(r"BAB I PENDAHULUAN\.{3,}\s*1\b", toc)
    assert re.search(r"DAFTAR TABEL\.{3,}\s*iii\b", toc)
    assert "Indeks Profesionalitas ASN" not in toc  # the IKU analyses are not TOC entries
    assert [_footer(p) for p in pages[1:4]] == ["i", "ii", "iii"]
    assert _footer(pages[body_start]) == "1"
    entry = re.search(r"BAB II [A-Z ]+?\.{3,}\s*(\d+)", toc)
    bab2 = next(i for i in range(body_start, len(flat)) if flat[i].lstrip().startswith(
        outline.bab[1]["judul"]) or f" {outline.bab[1]['judul']}" in flat[i][:200])
    assert _footer(pages[bab2]) == entry.group(1), "the Daftar Isi's page number is the page's own"
    # no landscape page that holds chapter text only: each one carries a table's column numbers
    for i, landscape in enumerate(_landscape_pages(pdf, len(pages))):
        if landscape:
            assert "(1)" in pages[i] and "(2)" in pages[i], (name, i + 1, pages[i][:300])
    assert outcome.draft and "Catatan Validasi" in pages[0] and "CATATAN VALIDASI" in pages[-1]


@pytest.mark.libreoffice
def test_the_agency_total_is_one_amount(rendered):
    name, _, pdf = rendered
    text = "".join(_pdf_pages(pdf))
    document = text[:text.rindex("CATATAN VALIDASI")]  # the appendix quotes the typed figure it reports
    amounts = set(re.findall(r"17\.01\d\.469\.070", document))
    assert amounts == {"17.017.469.070"}, amounts  # the sentence and Tabel 6's first row: the computed total


def test_the_example_is_a_draft_listing_its_money_errors(example_path, tmp_path):
    result = CliRunner().invoke(main, ["chapters", str(example_path), "-o",
                                                       str(tmp_path / "r.md")])
    assert result.exit_code == 0 and "DRAF" in result.output
    md = (tmp_path / "r.md").read_text(encoding="utf-8")
    assert md.startswith("**DRAF")
    notes = md[md.index("# CATATAN VALIDASI"):]
    assert "sheet 'Tabel 6 Rencana Kerja' sel G4 [5.03]" in notes and "17.019.469.070" in notes
    assert notes.count("\n1. ") + notes.count("\n5. ") == 2  # the seed's five money errors, numbered


def test_final_refuses_and_lists_the_errors(example_path, tmp_path):
    out = tmp_path / "r.docx"
    result = CliRunner().invoke(main, ["chapters", str(example_path), "-o", str(out), "--final"])
    assert result.exit_code == 1
    assert not out.exists()
    assert "TIDAK ditulis" in result.stderr and "sheet 'Tabel 6 Rencana Kerja' sel G4 [5.03]" in result.stderr
    assert result.stderr.count("Tabel 6 Rencana Kerja") == 5


def _workbook(path: Path, ident: dict, **tables) -> Path:
    book = OpenpyxlBook(path, build_template())
    book.write(sheet("identitas").name, FIRST_DATA_ROW, 2, [[ident.get(f.key)] for f in IDENTITAS_FIELDS])
    for key, dicts in tables.items():
        spec = sheet(key)
        book.write(spec.name, FIRST_DATA_ROW, 1, [spec.make_row(**d) for d in dicts])
    book.save()
    return path


IDENT = {"nama_perangkat_daerah": "Dinas Baru", "tahun_rencana": 2027, "tahun_evaluasi": 2025,
         "versi_nomenklatur": "Kepmendagri 050-5889 Tahun 2021"}
TABEL6 = [{"kode": "5.03.02.1.01.01", "uraian": "Perumusan Bahan Kebijakan Pengadaan ASN", "indikator": "Jumlah",
           "satuan": "Dokumen", "target": 1, "pendanaan": 2500000}]


def test_only_tabel6_renders_without_zero_sentences_or_blank_signature(tmp_path):
    renja = read_renja(CalamineBook(_workbook(tmp_path / "baru.xlsx", IDENT, tabel6=TABEL6)))
    for name in OUTLINES:
        md = render_text(renja, "md", outline=name)
        assert "0 (nol)" not in md and "Rp 0" not in md and "-%" not in md, name
        assert "NIP." not in md and "\n,  \n" not in md
        assert "Data Tabel 1 belum diisi pada sheet 'Tabel 1 Evaluasi'." in md or \
            "Data Tabel T-C.29 belum diisi pada sheet 'Tabel 1 Evaluasi'." in md
        assert "Rp 2.500.000" in md  # what is filled is stated
    out = tmp_path / "baru.docx"
    render_docx(renja, out)
    texts = [p.text for p in docx.Document(str(out)).paragraphs]
    assert not any(t.strip() in (",", "NIP.") for t in texts)


def test_a_consistent_workbook_gives_a_document_without_the_mark(tmp_path):
    path = _workbook(tmp_path / "rapi.xlsx", dict(IDENT, nama_kepala="Dra. A", nip_kepala="19700101 199503 2 001"),
                     tabel6=TABEL6)
    from renja_xl.workbook.recalc import recalc

    book = OpenpyxlBook(path)
    recalc(book)
    book.save()
    _, findings = validated_renja(CalamineBook(path))
    assert not [f for f in findings if f.severity == "error"], findings
    outcome = write_chapters(CalamineBook(path), tmp_path / "rapi.md", fmt="md")
    md = (tmp_path / "rapi.md").read_text(encoding="utf-8")
    assert not outcome.draft and "DRAF" not in md and "CATATAN VALIDASI" not in md
    result = CliRunner().invoke(main, ["chapters", str(path), "-o", str(tmp_path / "f.docx"), "--final",
                                       "--outline", "permendagri_86_2017"])
    assert result.exit_code == 0, result.output
    assert "DRAF" not in result.output and "Permendagri 86/2017" in result.output
    assert "Tabel T-C.29: sheet 'Tabel 1 Evaluasi' kosong" in result.output  # what is printed 'belum diisi'
    assert "Tabel T-C.30: sheet 'T-C.30 Kinerja Pelayanan' kosong" in result.output
    assert "Tabel T-C.32: sheet 'T-C.32 Usulan Pemangku' kosong" in result.output
    assert "1.2 Landasan Hukum: Teks Bab bagian 'Landasan Hukum' kosong" in result.output


def test_identitas_chooses_the_outline_and_a_copied_file_is_used(tmp_path, example_path):
    renja = read_renja(CalamineBook(_workbook(tmp_path / "b.xlsx", dict(IDENT, sistematika="Pedoman 2026 (enam bab)"),
                                              tabel6=TABEL6)))
    from renja_xl.app.chapters import outline_choice

    assert load_outline(outline_choice(renja, None)).nama == "Pedoman 2026 (enam bab)"
    md = render_text(renja, "md", outline=outline_choice(renja, None))
    assert "# BAB VI PENUTUP" in md and "# BAB V KINERJA PENYELENGGARAAN BIDANG URUSAN" in md
    folder = tmp_path / "templat"
    copy_templates(folder)
    data = json.loads((folder / "pedoman_2026.json").read_text(encoding="utf-8"))
    data["bab"][4]["judul"] = "BAB V KINERJA BIDANG URUSAN KEPEGAWAIAN"
    data["tabel"]["tabel6"]["nomor"] = "IV.A"
    (folder / "saya.json").write_text(json.dumps(data), encoding="utf-8")
    md = render_text(renja, "md", folder, outline=folder / "saya.json")
    assert "# BAB V KINERJA BIDANG URUSAN KEPEGAWAIAN" in md and "**Tabel IV.A. " in md
    (folder / "rusak.json").write_text('{"bab": [', encoding="utf-8")
    with pytest.raises(OutlineError, match="rusak.json' baris 1"):
        load_outline(folder / "rusak.json")
    with pytest.raises(OutlineError, match="tidak dikenal"):
        load_outline("Permendagri 99")


# --- golden documents per outline (structure, as test_chapters' golden file) ------------------------------


@pytest.mark.parametrize("name", OUTLINES)
def test_golden_per_outline(name, tmp_path):
    from test_chapters import _small_workbook, structure

    renja = read_renja(CalamineBook(_small_workbook(tmp_path / "kecil.xlsx")))
    out = tmp_path / "kecil.docx"
    render_docx(renja, out, outline=name)
    golden = GOLDEN / f"narasi_kecil_{name}.docx"
    if os.environ.get("RENJA_XL_UPDATE_GOLDEN"):
        golden.write_bytes(out.read_bytes())
    got, want = structure(out), structure(golden)
    assert len(got) == len(want)
    for a, b in zip(got, want):
        assert a == b


# --- issue 12, items 11 and 12: hostile cells and templates -------------------------------------------------


def test_a_text_cell_over_excels_limit_is_named_not_a_traceback(tmp_path):
    path = _workbook(tmp_path / "panjang.xlsx", IDENT, tabel6=TABEL6,
                     teks=[{"bagian": "Penutup", "jenis": "Paragraf", "teks": "x" * 40_000}])
    renja = read_renja(CalamineBook(path))
    renja.blocks["teks"][FIRST_DATA_ROW - 1][3] = "y" * 11_000_000  # beyond what lxml holds in one text node
    with pytest.raises(RenjaError, match=r"sheet 'Teks Bab' sel D4: teks 11\.000\.000 karakter"):
        render_docx(renja, tmp_path / "x.docx")
    assert not (tmp_path / "x.docx").exists()


def test_a_private_use_character_in_identitas_is_text(tmp_path):
    fake = '\ue000{"kind": "page_break"}\ue000'
    ident = dict(IDENT, nama_perangkat_daerah="Dinas \ue000Baru", singkatan=fake, tempat_penandatanganan="\ue000")
    renja = read_renja(CalamineBook(_workbook(tmp_path / "pua.xlsx", ident, tabel6=TABEL6)))
    md = render_text(renja, "md")
    assert "Dinas Baru" in md and '{"kind": "page_break"}' in md  # a typed fake directive stays text
    render_docx(renja, tmp_path / "pua.docx")


def _templates(tmp_path: Path, name: str, text: str) -> Path:
    folder = tmp_path / "templat"
    copy_templates(folder)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.mark.parametrize("text, words", [
    ("{% include 'bagian_tanda_tangan.j2' %}", "dirinya sendiri"),
    ("{{ 'x' * 10**10 }}", "terlalu panjang"),
    ("{{ 10**(10**10) }}", "pangkat"),
    ("{{ [0] * 10**9 }}", "terlalu panjang"),
    ("{% for i in range(10**6) %}{{ i }}{% endfor %}", "range"),
])
def test_hostile_templates_are_stopped_with_a_message(seed_renja, tmp_path, text, words):
    import time

    folder = _templates(tmp_path, "bagian_tanda_tangan.j2", text)
    start = time.monotonic()
    with pytest.raises(TemplateError, match=words):
        render_docx(seed_renja, tmp_path / "x.docx", folder)
    assert time.monotonic() - start < 30
    assert not (tmp_path / "x.docx").exists()


def test_a_template_running_too_long_is_stopped(seed_renja, tmp_path):
    from renja_xl.chapters.render import render_markup

    folder = _templates(tmp_path, "bagian_tanda_tangan.j2",
                        "{% for i in range(90000) %}{% for j in range(90000) %}{% endfor %}{% endfor %}")
    with pytest.raises(TemplateError, match="lebih dari 2 detik"):
        render_markup(seed_renja, folder, seconds=2)


def test_a_symlink_leaving_the_templates_folder_is_refused(seed_renja, tmp_path):
    secret = tmp_path / "rahasia.txt"
    secret.write_text("kata sandi", encoding="utf-8")
    folder = tmp_path / "templat"
    copy_templates(folder)
    (folder / "bagian_tanda_tangan.j2").unlink()
    (folder / "bagian_tanda_tangan.j2").symlink_to(secret)
    with pytest.raises(TemplateError, match="ke luar folder templat"):
        render_text(seed_renja, "md", folder)
    (folder / "dalam.j2").write_text("di dalam", encoding="utf-8")
    (folder / "bagian_tanda_tangan.j2").unlink()
    (folder / "bagian_tanda_tangan.j2").symlink_to(folder / "dalam.j2")  # inside the folder: followed
    assert "di dalam" in render_text(seed_renja, "md", folder)


def test_markdown_escapes_raw_html_from_the_workbook(tmp_path):
    path = _workbook(tmp_path / "html.xlsx", dict(IDENT, singkatan="<b>Dinas</b>"), tabel6=[
        dict(TABEL6[0], indikator="<script>alert(1)</script>")],
        teks=[{"bagian": "Penutup", "jenis": "Paragraf", "teks": "<img src=x onerror=alert(1)> & **tebal**"}])
    md = render_text(read_renja(CalamineBook(path)), "md")
    assert "<script>" not in md and "<img" not in md and "<b>" not in md
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in md and "&lt;img src=x onerror=alert(1)&gt; &amp; **tebal**" in md


@pytest.fixture(scope="module")
def seed_renja(example_path):
    return read_renja(CalamineBook(example_path))


def test_chapters_validate_as_validate_does(example_path):
    from renja_xl.workbook.validation import validate_grid

    def key(f):
        return (f.rule, f.severity, f.sheet, f.cell, f.message)

    _, findings = validated_renja(CalamineBook(example_path))
    assert sorted(map(key, findings)) == sorted(map(key, validate_grid(CalamineBook(example_path))))
    assert len([f for f in findings if f.severity == "error"]) == 5
