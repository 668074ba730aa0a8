"""What the document says about itself: a DRAF while validation finds errors (a mark in every page header, a
closing appendix *Catatan Validasi*), one sentence where a table has no data, a signature without blank lines.

Shared by the Word, Markdown and HTML writers, so each says the same.
"""
from __future__ import annotations

from renja_xl.domain.findings import Finding
from renja_xl.domain.fmt import angka
from renja_xl.domain.model import Renja
from renja_xl.chapters.blocks import Block
from renja_xl.chapters.filters import tanggal


def draft_mark(errors: list[Finding]) -> str:
    """The header line of a DRAF ('' for a document validation passes)."""
    if not errors:
        return ""
    return f"DRAF - belum lulus validasi ({len(errors)} galat; lihat Catatan Validasi)"


def finding_line(f: Finding) -> str:
    where = f"sheet '{f.sheet}'" + (f" sel {f.cell}" if f.cell else "") if f.sheet else (f.cell or "buku kerja")
    code = f" [{f.code}]" if f.code else ""
    return f"{where}{code}: {f.message}"


MAX_LISTED = 200  # errors listed in the appendix; a workbook with thousands is a DRAF for the same reason


def draft_blocks(errors: list[Finding]) -> list[Block]:
    """The closing appendix listing the errors with their sheet and cell (the first MAX_LISTED, then a count)."""
    if not errors:
        return []
    out = [Block("page_break"), Block("heading", "CATATAN VALIDASI", level=1),
           Block("paragraph", f"Dokumen ini **DRAF**: validasi buku kerja menemukan {len(errors)} galat berikut. "
                              "Perbaiki isiannya (renja-xl validate menunjukkan hal yang sama), lalu buat ulang "
                              "narasi; catatan ini hilang bila validasi lulus.")]
    out += [Block("item", finding_line(f), label=f"{i}.") for i, f in enumerate(errors[:MAX_LISTED], 1)]
    if len(errors) > MAX_LISTED:
        out.append(Block("paragraph", f"... dan {angka(len(errors) - MAX_LISTED)} galat lainnya; daftar lengkapnya: "
                                      "renja-xl validate BERKAS --tulis (sheet Validasi) atau --json."))
    return out


def missing_sentence(b: Block) -> str:
    """In place of a table the workbook has no data (or no sheet yet) for."""
    number = b.data.get("number")
    what = f"Tabel {number}" if number else "Tabel ini"
    where = b.data.get("sheet")
    if where:
        return f"Data {what} belum diisi pada sheet '{where}'."
    return f"Data {what} belum diisi: formulir ini belum tersedia di buku kerja."


def signature_lines(renja: Renja, spacer: int = 1) -> list[tuple[str, bool]]:
    """Place and date, position, room to sign, name (bold), rank, NIP; lines without a value are left out."""
    ident = renja.identitas

    def value(key: str) -> str:
        v = ident.get(key)
        return "" if v is None else str(v).strip()

    when = tanggal(ident.get("tanggal_penandatanganan")) or value("tahun_penyusunan")
    place = ", ".join(x for x in (value("tempat_penandatanganan"), when) if x)
    lines: list[tuple[str, bool]] = []
    if place:
        lines.append((place, False))
    if value("jabatan_kepala"):
        lines.append((value("jabatan_kepala") + ",", False))
    if value("nama_kepala"):
        lines += [("", False)] * spacer + [(value("nama_kepala"), True)]
    if value("pangkat_kepala"):
        lines.append((value("pangkat_kepala"), False))
    if value("nip_kepala"):
        lines.append(("NIP. " + value("nip_kepala"), False))
    return lines
