"""Build the macro workbooks templates_xlsx/*.xlsm from the template and macros/ (``renja-xl build-xlsm``).

Reproducible on Linux, without Excel:

1. The workbook is the template (or the filled example) exactly as ``build_templates`` makes it (openpyxl),
   plus, on *Petunjuk*, a line that introduces the buttons and the defined name ``RenjaXL_Diagnosa`` (the
   cell the diagnostic Sub writes).
2. The buttons are Excel form-control buttons as XlsxWriter's ``insert_button()`` writes them (a legacy VML
   drawing whose ``x:FmlaMacro`` names the Sub): XlsxWriter draws them on a scratch sheet of the same column
   widths, and that drawing is put on *Petunjuk* with its relationship and content type.
3. The workbook becomes macro-enabled and gets a VBA project through pyOpenVBA (``add_vba_project`` makes
   the project Excel makes for a first macro: ThisWorkbook and one document module per sheet, from a
   blank project Excel itself saved; ``add_module`` adds ``macros/RenjaXL.bas``).

Every zip entry gets a fixed time stamp, so two builds of the same sources are byte-identical; the test
rebuilds the committed files and compares them part by part (and the VBA module through olevba).
"""
from __future__ import annotations

import io
import re
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from renja_xl.build.reproducible import normalise_zip, workbook_parts, write_zip
from renja_xl.domain.errors import RenjaError
from renja_xl.fileio.resources import macros_dir, shipped_file, templates_dir

MACROS = macros_dir()  # in the installed package, or macros/ of the checkout
MODULE_FILE = "RenjaXL.bas"
MODULE_NAME = "RenjaXL"
DIAGNOSTIC_NAME = "RenjaXL_Diagnosa"
PETUNJUK = "Petunjuk"


@dataclass(frozen=True)
class Button:
    caption: str
    macro: str


BUTTONS: tuple[Button, ...] = (
    Button("Hitung Ulang", "HitungUlang"),
    Button("Validasi", "Validasi"),
    Button("Buat Narasi", "BuatNarasi"),
    Button("Impor SIPD", "ImporSIPD"),
    Button("Periksa Pemasangan", "PeriksaPemasangan"),
)
BUTTON_WIDTH, BUTTON_HEIGHT, BUTTON_GAP = 150, 32, 12  # pixels

TARGETS = {"renja_template.xlsm": "template", "renja_contoh_bkd_kalbar_2024.xlsm": "example"}

# openpyxl keeps, when it saves a macro workbook again (recalc), only the VML parts named vmlDrawing<digit>.vml
# (openpyxl.writer.excel._merge_vba); any other name loses the buttons.
VML_PART = "xl/drawings/vmlDrawing1.vml"
VML_TYPE = "application/vnd.openxmlformats-officedocument.vmlDrawing"
VML_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/vmlDrawing"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
XLSM_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
# Elements that follow legacyDrawing in a worksheet (CT_Worksheet order).
_AFTER_LEGACY = ("<legacyDrawingHF", "<drawingHF", "<picture", "<oleObjects", "<controls", "<webPublishItems",
                 "<tableParts", "<extLst", "</worksheet>")


def module_source(macros: Path = MACROS) -> str:
    text = shipped_file(macros, MODULE_FILE).read_text(encoding="utf-8")
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


# ------------------------------------------------------------------------------------------- the workbook
def _openpyxl_workbook(kind: str):
    from renja_xl.build.xlsx_template import build_template

    wb = build_template()
    if kind == "example":
        from renja_xl.engines.openpyxl_engine import OpenpyxlBook
        from renja_xl.workbook.example import fill_example
        from renja_xl.workbook.recalc import recalc

        book = OpenpyxlBook(Path("contoh.xlsx"), wb)
        fill_example(book)
        recalc(book)
    return wb


def _buttons_row(ws) -> int:
    last = max((c.row for row in ws.iter_rows() for c in row if c.value not in (None, "")), default=3)
    return last + 2


def _prepare_petunjuk(wb) -> int:
    """Introduce the buttons on Petunjuk, name the diagnostic cell; returns the buttons' row (1-based)."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.workbook.defined_name import DefinedName

    ws = wb[PETUNJUK]
    row = _buttons_row(ws)
    head = ws.cell(row, 1, "Tombol (Excel desktop dengan Python dan add-in xlwings; cara memasangnya ada di bagian "
                           "'Memasang Renja XL' di atas). Periksa Pemasangan bekerja tanpa Python dan menulis "
                           "hasilnya di bawah tombol:")
    head.font = Font(bold=True)
    head.alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[row + 1].height = 30  # the buttons' row
    diag = row + 2
    ref = f"'{PETUNJUK}'!$A${diag}"
    name = DefinedName(DIAGNOSTIC_NAME, attr_text=ref)
    if hasattr(wb.defined_names, "add"):
        wb.defined_names.add(name)
    else:  # openpyxl < 3.1
        wb.defined_names.append(name)
    return row + 1


def _button_vml(column_width: float, row: int) -> bytes:
    """The VML drawing of the buttons, as XlsxWriter writes it, on a sheet of Petunjuk's column A width."""
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet(PETUNJUK)
    ws.set_column(0, 0, column_width)
    ws.set_row(row - 1, 30)
    for i, b in enumerate(BUTTONS):
        ws.insert_button(row - 1, 0, {"macro": b.macro, "caption": b.caption, "width": BUTTON_WIDTH,
                                      "height": BUTTON_HEIGHT, "x_offset": 4 + i * (BUTTON_WIDTH + BUTTON_GAP),
                                      "y_offset": 4})
    wb.close()
    with zipfile.ZipFile(buf) as z:
        return z.read("xl/drawings/vmlDrawing1.vml")


def _sheet_part(parts: dict[str, bytes], sheet_name: str) -> str:
    workbook = parts["xl/workbook.xml"].decode("utf-8")
    rels = parts["xl/_rels/workbook.xml.rels"].decode("utf-8")
    found = re.search(r'<sheet [^>]*name="%s"[^>]*r:id="(rId\d+)"' % re.escape(sheet_name), workbook)
    if not found:
        raise RenjaError(f"sheet '{sheet_name}' tidak ada di templat.")
    target = re.search(r'<Relationship[^>]*Id="%s"[^>]*Target="([^"]+)"' % found.group(1), rels) or \
        re.search(r'<Relationship[^>]*Target="([^"]+)"[^>]*Id="%s"' % found.group(1), rels)
    path = target.group(1).lstrip("/")
    return path if path.startswith("xl/") else "xl/" + path


def _add_buttons(parts: dict[str, bytes], vml: bytes) -> None:
    sheet = _sheet_part(parts, PETUNJUK)
    folder, name = sheet.rsplit("/", 1)
    rels_name = f"{folder}/_rels/{name}.rels"
    rels = parts.get(rels_name, b"").decode("utf-8") or (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>')
    numbers = [int(n) for n in re.findall(r'Id="rId(\d+)"', rels)]
    rid = f"rId{max(numbers, default=0) + 1}"
    vml_name = VML_PART
    rels = rels.replace("</Relationships>", f'<Relationship Id="{rid}" Type="{VML_REL}" '
                                            f'Target="../drawings/{VML_PART.rsplit("/", 1)[1]}"/></Relationships>')
    parts[rels_name] = rels.encode("utf-8")
    parts[vml_name] = vml
    xml = parts[sheet].decode("utf-8")
    if "<legacyDrawing " in xml:
        raise RenjaError("sheet Petunjuk sudah memiliki gambar VML; tombol tidak ditambahkan.")
    root = re.search(r"<worksheet\b[^>]*>", xml)
    if f'xmlns:r="{R_NS}"' not in root.group():
        xml = xml[:root.end() - 1] + f' xmlns:r="{R_NS}"' + xml[root.end() - 1:]
    at = min(i for i in (xml.find(tag) for tag in _AFTER_LEGACY) if i >= 0)
    xml = xml[:at] + f'<legacyDrawing r:id="{rid}"/>' + xml[at:]
    parts[sheet] = xml.encode("utf-8")
    types = parts["[Content_Types].xml"].decode("utf-8")
    if 'Extension="vml"' not in types:
        types = types.replace("<Override ", f'<Default Extension="vml" ContentType="{VML_TYPE}"/><Override ', 1)
    if XLSX_MAIN not in types:
        raise RenjaError("templat tidak memiliki bagian buku kerja yang dikenal.")
    parts["[Content_Types].xml"] = types.replace(XLSX_MAIN, XLSM_MAIN).encode("utf-8")


def build_xlsm_bytes(kind: str = "template", macros: Path = MACROS) -> bytes:
    try:
        from pyopenvba import ExcelFile
    except ImportError as exc:
        raise RenjaError("pyOpenVBA dan XlsxWriter diperlukan untuk membangun .xlsm: "
                         "pip install \"renja-xl[xlsm]\"") from exc
    wb = _openpyxl_workbook(kind)
    button_row = _prepare_petunjuk(wb)
    parts = workbook_parts(wb)
    order = list(parts)
    width = wb[PETUNJUK].column_dimensions["A"].width or 8.43
    _add_buttons(parts, _button_vml(width, button_row))
    with tempfile.TemporaryDirectory(prefix="renja-xlsm-") as tmp:
        plain = Path(tmp) / "tanpa_vba.xlsm"
        plain.write_bytes(write_zip(parts, order + [VML_PART]))
        out = Path(tmp) / "dengan_vba.xlsm"
        with ExcelFile(plain) as book:
            project = book.add_vba_project()
            project.add_module(MODULE_NAME, module_source(macros))
            book.save(out)
        return normalise_zip(out.read_bytes())


def build_xlsm(target: Path, kind: str = "template", macros: Path = MACROS) -> Path:
    from renja_xl.fileio.files import atomic_save

    data = build_xlsm_bytes(kind, macros)
    atomic_save(Path(target), lambda tmp: tmp.write_bytes(data), keep_backup=False)
    return Path(target)


def build_all(folder: Path, macros: Path = MACROS) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [build_xlsm(folder / name, kind, macros) for name, kind in TARGETS.items()]


if __name__ == "__main__":
    destination = Path(sys.argv[1]) if len(sys.argv) > 1 else templates_dir()
    for p in build_all(destination):
        print(p)
