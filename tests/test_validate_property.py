"""Property: on any workbook built from the template with random cell values, validation never raises -
it only reports, every finding well formed and catalogued - and the Validasi sheet can always be written."""
from __future__ import annotations

import math
from datetime import datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from renja_xl.engines.openpyxl_engine import OpenpyxlBook
from renja_xl.build.xlsx_template import build_template
from renja_xl.domain.findings import SEVERITIES, Finding
from renja_xl.workbook.catalogue import by_id

RULES = by_id()
from renja_xl.domain.layout import FIRST_DATA_ROW, IDENTITAS_FIELDS, sheet
from renja_xl.workbook.validation import validate_grid, write_validasi

CODES = ["5", "5.03", "5.03.01", "5.03.02", "5.03.01.1.01", "5.03.02.1.01", "5.03.02.2.01", "5.03.01.1.01.01",
         "5.03.02.1.01.02", "5.03.02.2.01.0001", "X.XX.01", "X.XX.01.1.02.01", "4.01.01", " 5.03.02 ", "5..03",
         "5.03.02.1.01.001", "abc", "=A1"]
WORDS = ["Januari - Desember", "Maret - Januari", "Dokumen", "Orang / Bulan", "Persen", "Jumlah ASN", "BB",
         "Persentase", "1.000.000", "5.000.000,00 5.000.000,00", "#REF!", "#DIV/0!", "=SUM(A1:A3)", "Galat",
         "Nonaktif", "19650206 198603 1 018", "Kepmendagri 900.1.15.5-1317 Tahun 2023", "Provinsi", "Kota", "'"]

values = st.one_of(
    st.none(),
    st.sampled_from(CODES + WORDS),
    st.text(max_size=12),
    st.integers(min_value=-10**13, max_value=10**13),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.datetimes(min_value=datetime(1900, 1, 2), max_value=datetime(2100, 1, 1)),
)
TABLES = ["tabel1", "tabel2", "tabel3", "tabel4", "tabel5", "tabel6", "sipd", "pengaturan"]


def _cell_text_ok(v) -> bool:
    return not (isinstance(v, float) and (math.isnan(v) or math.isinf(v)))


@st.composite
def workbooks(draw):
    edits = []
    ident = draw(st.lists(st.tuples(st.integers(0, len(IDENTITAS_FIELDS) - 1), values), max_size=8))
    for i, v in ident:
        edits.append(("identitas", FIRST_DATA_ROW + i, 2, v))
    for key in draw(st.lists(st.sampled_from(TABLES), min_size=1, max_size=4)):
        spec = sheet(key)
        n = draw(st.integers(1, 6))
        for r in range(n):
            row = draw(st.lists(values, min_size=len(spec.columns), max_size=len(spec.columns)))
            if key != "pengaturan" and spec.has("kode"):
                row[spec.col("kode")] = draw(st.one_of(st.sampled_from(CODES), values))
            for j, v in enumerate(row):
                edits.append((key, FIRST_DATA_ROW + r, j + 1, v))
    return edits


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(workbooks())
def test_validation_never_raises(edits) -> None:
    book = OpenpyxlBook(Path("acak.xlsx"), build_template())
    for key, row, col, value in edits:
        if isinstance(value, float) and not _cell_text_ok(value):
            value = str(value)  # a spreadsheet cell cannot hold nan/inf; a file can hold the text
        try:
            book.write(sheet(key).name, row, col, [[value]])
        except Exception as exc:  # openpyxl refuses control characters: no workbook file can hold them
            assert type(exc).__name__ == "IllegalCharacterError", exc
            continue
    findings = validate_grid(book)
    for f in findings:
        assert isinstance(f, Finding)
        assert f.rule in RULES, f.rule
        assert f.severity in SEVERITIES and f.message.strip()
    write_validasi(book, findings)
    assert len(book.read("Validasi")) >= FIRST_DATA_ROW - 1 + len(findings)
