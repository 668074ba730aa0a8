"""A corpus of hostile files, generated at test time from the embedded example (small on disk: the largest is a
few MB, most a few KB). Each entry: name -> function(folder) writing the file and returning its path.

Far cells (beyond a missing, stale or late <dimension>, without r, lowercase), honest and lying zip bombs,
entity expansion, XXE, truncated and garbage parts, encrypted and foreign containers (.xls, .ods renamed),
error-cell floods, a Tabel 6 of a million rows, CSV with bytes no code page knows, huge fields, a million lines.
"""
from __future__ import annotations

import os
import random
import re
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "templates_xlsx" / "renja_contoh_bkd_kalbar_2024.xlsx"
T6 = "Tabel 6 Rencana Kerja"
SECRET = "root:x:0:0"  # the first line of /etc/passwd: must never appear in any output


def _sheet_part(zf: zipfile.ZipFile, name: str) -> str:
    from renja_xl.fileio.sheet_extent import sheet_parts

    return sheet_parts(zf)[name]


def rewrite(dst: Path, edits: dict[str, Callable[[bytes], bytes]] | None = None, sheet_edits=None,
            extra: dict[str, bytes] | None = None, drop: tuple[str, ...] = (), level: int = 6) -> Path:
    """The example with some members changed (by name, or by sheet name in sheet_edits), added or dropped."""
    edits = dict(edits or {})
    with zipfile.ZipFile(EXAMPLE) as zin:
        for sheet, fn in (sheet_edits or {}).items():
            edits[_sheet_part(zin, sheet)] = fn
        with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in zin.infolist():
                if info.filename in drop:
                    continue
                data = zin.read(info.filename)
                if info.filename in edits:
                    data = edits[info.filename](data)
                zout.writestr(info.filename, data, compresslevel=level if info.filename in edits else 6)
            for name, data in (extra or {}).items():
                zout.writestr(name, data)
    return dst


def _append_rows(xml: bytes, rows: bytes, dimension: bytes | None = b"") -> bytes:
    """Rows added at the end of sheetData; dimension None drops it, b'' keeps it (stale), else replaces it."""
    if dimension is None:
        xml = re.sub(rb"<dimension [^>]*/>", b"", xml)
    elif dimension:
        xml = re.sub(rb"<dimension [^>]*/>", dimension, xml)
    if b"</sheetData>" in xml:
        return xml.replace(b"</sheetData>", rows + b"</sheetData>")
    return xml.replace(b"<sheetData/>", b"<sheetData>" + rows + b"</sheetData>")


FAR = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'


def far_no_dimension(folder: Path) -> Path:
    return rewrite(folder / "sel_jauh_tanpa_dimensi.xlsx", sheet_edits={T6: lambda x: _append_rows(x, FAR, None)})


def far_stale_dimension(folder: Path) -> Path:
    return rewrite(folder / "sel_jauh_dimensi_basi.xlsx", sheet_edits={T6: lambda x: _append_rows(x, FAR)})


def far_late_dimension(folder: Path) -> Path:
    def late(xml: bytes) -> bytes:
        xml = _append_rows(xml, FAR, None)
        return xml.replace(b"</worksheet>", b'<dimension ref="A1:B2"/></worksheet>')
    return rewrite(folder / "sel_jauh_dimensi_terlambat.xlsx", sheet_edits={T6: late})


def far_without_r(folder: Path) -> Path:
    rows = b'<row r="1">' + b"<c><v>1</v></c>" * 16384 + b'</row><row r="1048576"><c><v>1</v></c></row>'
    return rewrite(folder / "sel_tanpa_alamat.xlsx", sheet_edits={T6: lambda x: _append_rows(x, rows, None)})


def far_lowercase(folder: Path) -> Path:
    rows = b"<row r='1048576'><c r = 'xfd1048576'><v>1</v></c></row>"
    return rewrite(folder / "sel_jauh_huruf_kecil.xlsx", sheet_edits={T6: lambda x: _append_rows(x, rows, None)})


def far_in_sipd_sheet(folder: Path) -> Path:
    return rewrite(folder / "sel_jauh_usulan_sipd.xlsx",
                   sheet_edits={"Usulan SIPD": lambda x: _append_rows(x, FAR, None)})


def _repeated_stream(head: bytes, chunk: bytes, count: int, tail: bytes) -> bytes:
    """A raw deflate stream of head + chunk * count + tail, made in milliseconds: after a full flush the
    compressor forgets what came before, so every further copy of the chunk compresses to the same bytes."""
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = comp.compress(head + chunk) + comp.flush(zlib.Z_FULL_FLUSH)
    again = comp.compress(chunk) + comp.flush(zlib.Z_FULL_FLUSH)
    return start + again * (count - 1) + comp.compress(tail) + comp.flush()


def _zip_with_raw_member(dst: Path, name: str, raw: bytes, crc: int, size: int, real_size: int) -> Path:
    """The example plus one deflated member written from its raw stream; `size` is what the entry declares."""
    rewrite(dst, drop=(name,))
    with open(dst, "r+b") as fh:
        data = fh.read()
        end = data.rfind(b"PK\x05\x06")
        cd_size, cd_offset = struct.unpack("<II", data[end + 12:end + 20])
        count = struct.unpack("<H", data[end + 10:end + 12])[0]
        central = data[cd_offset:cd_offset + cd_size]
        fname = name.encode()
        local = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(raw), size, len(fname), 0) + fname
        new_central = struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, crc, len(raw), size,
                                  len(fname), 0, 0, 0, 0, 0, cd_offset) + fname
        central += new_central
        eocd = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count + 1, count + 1, len(central),
                           cd_offset + len(local) + len(raw), 0)
        fh.seek(cd_offset)
        fh.write(local + raw + central + eocd)
        fh.truncate()
    return dst


_SST = b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>'
_MB = b"A" * (1 << 20)


def bomb_honest(folder: Path) -> Path:
    """Shared strings that inflate to just under 2 GiB, and say so (the CRC is left out: the sizes are refused
    before anything is inflated): a 2 MB file."""
    count = 2047
    body = _repeated_stream(_SST, _MB, count, b"</t></si></sst>")
    size = len(_SST) + len(_MB) * count + len(b"</t></si></sst>")
    return _zip_with_raw_member(folder / "bom_zip_jujur.xlsx", "xl/sharedStrings.xml", body, 0, size, size)


def bomb_lying(folder: Path) -> Path:
    """Shared strings whose entry declares 200 bytes (with their CRC) but whose stream inflates to 1 GiB."""
    body = _repeated_stream(_SST, _MB, 1024, b"</t></si></sst>")
    declared = 200
    first = (_SST + _MB)[:declared]
    return _zip_with_raw_member(folder / "bom_zip_berbohong.xlsx", "xl/sharedStrings.xml", body,
                                zlib.crc32(first), declared, 0)


LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "AAAAAAAAAA">'
          + b"".join(b'<!ENTITY %s "%s">' % (bytes([98 + i]), b"&%s;" % bytes([97 + i]) * 10) for i in range(9))
          + b']><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
            b"<si><t>&j;</t></si></sst>")


def entity_expansion(folder: Path) -> Path:
    return rewrite(folder / "ekspansi_entitas.xlsx", extra={"xl/sharedStrings.xml": LAUGHS},
                   drop=("xl/sharedStrings.xml",))


def entity_in_sheet(folder: Path) -> Path:
    def laughs(xml: bytes) -> bytes:
        decl, _, rest = xml.partition(b"?>")
        doctype = LAUGHS.split(b"]>")[0].split(b"?>")[1] + b"]>"
        rest = rest.replace(b"</sheetData>", b'<row r="40"><c r="C40" t="inlineStr"><is><t>&j;</t></is></c></row>'
                            b"</sheetData>")
        return decl + b"?>" + doctype.replace(b"<!DOCTYPE sst", b"<!DOCTYPE worksheet") + rest
    return rewrite(folder / "ekspansi_entitas_sheet.xlsx", sheet_edits={T6: laughs})


def xxe(folder: Path) -> Path:
    sst = (b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
           b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
           b"<si><t>&x;</t></si></sst>")
    return rewrite(folder / "xxe.xlsx", extra={"xl/sharedStrings.xml": sst}, drop=("xl/sharedStrings.xml",))


def xxe_in_sheet(folder: Path) -> Path:
    def inject(xml: bytes) -> bytes:
        decl, _, rest = xml.partition(b"?>")
        rest = rest.replace(b"</sheetData>", b'<row r="40"><c r="C40" t="inlineStr"><is><t>&x;</t></is></c></row>'
                            b"</sheetData>")
        return decl + b'?><!DOCTYPE worksheet [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + rest
    return rewrite(folder / "xxe_sheet.xlsx", sheet_edits={"Identitas": inject})


def truncated_zip(folder: Path) -> Path:
    path = folder / "zip_terpotong.xlsx"
    data = EXAMPLE.read_bytes()
    path.write_bytes(data[: len(data) * 2 // 3])
    return path


def garbage_sheet(folder: Path) -> Path:
    rnd = random.Random(12)
    return rewrite(folder / "sheet_sampah.xlsx", sheet_edits={T6: lambda x: bytes(rnd.randrange(256) for _ in x[:4000])})


def truncated_sheet(folder: Path) -> Path:
    return rewrite(folder / "sheet_terpotong.xlsx", sheet_edits={T6: lambda x: x[: len(x) // 2]})


def garbage_workbook_xml(folder: Path) -> Path:
    return rewrite(folder / "workbook_xml_sampah.xlsx", edits={"xl/workbook.xml": lambda x: b"<workbook><sheets><"})


def garbage_shared_strings(folder: Path) -> Path:
    return rewrite(folder / "sharedstrings_sampah.xlsx", extra={"xl/sharedStrings.xml": os.urandom(3000)},
                   drop=("xl/sharedStrings.xml",))


def missing_rels(folder: Path) -> Path:
    return rewrite(folder / "tanpa_rels.xlsx", drop=("xl/_rels/workbook.xml.rels",))


OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def encrypted(folder: Path) -> Path:
    """What Excel writes for a workbook with a password to open: an OLE2 container (EncryptionInfo, ...)."""
    path = folder / "terenkripsi.xlsx"
    rnd = random.Random(3)
    path.write_bytes(OLE_MAGIC + b"\x00" * 16 + b"\x3e\x00\x03\x00\xfe\xff" + bytes(rnd.randrange(256) for _ in range(8000)))
    return path


def zip_encrypted(folder: Path) -> Path:
    """A zip whose members carry the 'encrypted' flag (a password-protected zip renamed .xlsx)."""
    path = rewrite(folder / "zip_berkata_sandi.xlsx")
    data = bytearray(path.read_bytes())
    for sig, off in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(sig)
        while at != -1:
            data[at + off] |= 1
            at = data.find(sig, at + 4)
    path.write_bytes(bytes(data))
    return path


def xls_renamed(folder: Path) -> Path:
    path = folder / "lama_xls.xlsx"
    path.write_bytes(OLE_MAGIC + bytes(504) + b"\x09\x08\x10\x00\x00\x06\x05\x00" + bytes(3000))
    return path


def ods_renamed(folder: Path) -> Path:
    path = folder / "calc_ods.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:'
                    'office:1.0"><office:body><office:spreadsheet/></office:body></office:document-content>')
        zf.writestr("META-INF/manifest.xml", "<manifest/>")
    return path


def _error_rows(n: int, self_closing: bool) -> bytes:
    cell = (lambda r: b'<c r="G%d" t="e"/>' % r) if self_closing else (lambda r: b'<c r="G%d" t="e"><v>#REF!</v></c>' % r)
    return b"".join(b'<row r="%d">%s</row>' % (r, cell(r)) for r in range(200, 200 + n))


def error_flood_self_closing(folder: Path) -> Path:
    return rewrite(folder / "galat_banjir_tertutup.xlsx",
                   sheet_edits={T6: lambda x: _append_rows(x, _error_rows(20_000, True), None)})


def error_flood_values(folder: Path) -> Path:
    return rewrite(folder / "galat_banjir_nilai.xlsx",
                   sheet_edits={T6: lambda x: _append_rows(x, _error_rows(20_000, False), None)})


def million_rows(folder: Path) -> Path:
    """Tabel 6 with 1,000,000 more sub kegiatan rows (the XML is 75 MB; the file 4 MB)."""
    def rows(xml: bytes) -> bytes:
        body = b"".join([b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>5.03.01.1.01.0001</t></is></c></row>'
                         % (r, r) for r in range(40, 1_000_040)])
        return _append_rows(xml, body, None)
    return rewrite(folder / "tabel6_sejuta_baris.xlsx", sheet_edits={T6: rows}, level=1)


# ---------------------------------------------------------------- CSV

def _write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def csv_bad_bytes(folder: Path) -> Path:
    return _write(folder, "csv_bita_asing.csv", b"NO;KODE;URAIAN\n1;5.03;Penunjang \x81\x8d\x8f\x90\x9d urusan\n")


def csv_huge_field(folder: Path) -> Path:
    return _write(folder, "csv_sel_raksasa.csv", b'kode,level,nama\n5.03,bidang,"' + b"A" * 200_000 + b'"\n')


def csv_million_lines(folder: Path) -> Path:
    return _write(folder, "csv_sejuta_baris.csv",
                  b"kode,level,nama\n" + b"5.03.01.1.01.0001,sub_kegiatan,Nama\n" * 1_000_000)


def csv_nul(folder: Path) -> Path:
    return _write(folder, "csv_nul.csv", b"kode,level,nama\n5.03,bidang,\x00\x00\x00\n")


def csv_open_quote(folder: Path) -> Path:
    return _write(folder, "csv_kutip_terbuka.csv", b'kode,level,nama\n5.03,bidang,"tidak ditutup\n' + b"x" * 1000)


CORPUS: dict[str, Callable[[Path], Path]] = {f.__name__: f for f in (
    far_no_dimension, far_stale_dimension, far_late_dimension, far_without_r, far_lowercase, far_in_sipd_sheet,
    bomb_honest, bomb_lying, entity_expansion, entity_in_sheet, xxe, xxe_in_sheet, truncated_zip, garbage_sheet,
    truncated_sheet, garbage_workbook_xml, garbage_shared_strings, missing_rels, encrypted, zip_encrypted,
    xls_renamed, ods_renamed, error_flood_self_closing, error_flood_values, million_rows, csv_bad_bytes,
    csv_huge_field, csv_million_lines, csv_nul, csv_open_quote)}
