"""CSV files as people get them (UTF-8 or Windows-1252, comma, semicolon or tab), read in one place for every
command that takes one (import-sipd, nomenklatur import, the Impor SIPD button).

Bounded: the file's size, its rows (MAX_ROWS, the limit of every sheet) and a field's length (the csv module's
own limit, 131,072 characters, four times Excel's cell limit) each end in a one-line message naming the file and
the line, never in a traceback or a MemoryError.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

from renja_xl.domain.errors import WorkbookError
from renja_xl.fileio.files import MAX_ROWS, _n

MAX_CSV_BYTES = 128 * 1024**2  # a SIPD print of MAX_ROWS rows is about 60 MB
ENCODINGS = ("utf-8-sig", "cp1252")  # SIPD-RI and Excel on Windows write one of these


def read_csv_file(path: Path) -> list[list[str]]:
    """The rows of a CSV file (lists of strings)."""
    path = Path(path)
    return csv_rows(read_text_file(path), path.name)


def read_text_file(path: Path) -> str:
    """The text of a CSV file: bounded in size, UTF-8 or Windows-1252, else a message naming the file."""
    path = Path(path)
    if not path.exists():
        raise WorkbookError(f"berkas '{path}' tidak ditemukan.")
    if path.is_dir():
        raise WorkbookError(f"'{path}' adalah folder, bukan berkas CSV.")
    size = path.stat().st_size
    if size > MAX_CSV_BYTES:
        raise WorkbookError(f"berkas '{path.name}' terlalu besar ({_n(size)} bita; batas Renja XL "
                            f"{_n(MAX_CSV_BYTES)} bita).")
    return decode(path.read_bytes(), path.name)


def decode(data: bytes, name: str) -> str:
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as exc:
            error = exc
    raise WorkbookError(
        f"berkas '{name}' bukan teks UTF-8 maupun Windows-1252 (bita 0x{data[error.start]:02X} di posisi "
        f"{_n(error.start + 1)}); buka di Excel dan simpan sebagai 'CSV UTF-8'.")


def csv_rows(text: str, name: str = "CSV") -> list[list[str]]:
    """Rows of a CSV text; the delimiter is sniffed from its start (comma, semicolon or tab)."""
    text = text.lstrip("\ufeff")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    rows: list[list[str]] = []
    try:
        for row in reader:
            if len(rows) >= MAX_ROWS:
                raise WorkbookError(f"berkas '{name}' memuat lebih dari {_n(MAX_ROWS)} baris; Renja XL membaca "
                                    "paling banyak sebanyak itu. Pecah berkasnya, lalu coba lagi.")
            rows.append(row)
    except csv.Error as exc:  # a field over the module's limit, a NUL byte, a quote left open at the end
        raise WorkbookError(f"berkas '{name}' baris {reader.line_num}: CSV tidak terbaca ({exc}); periksa isinya "
                            "(sel lebih dari 131.072 karakter, karakter NUL, tanda kutip yang tidak ditutup).") from exc
    return rows
