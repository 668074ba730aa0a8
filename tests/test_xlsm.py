"""Acceptance of issue 5 (macro workbook): templates_xlsx/*.xlsm rebuilt and compared, the VBA read by olevba,
every button bound to an existing Sub, and LibreOffice importing the module and running the diagnostic Sub.
"""
from __future__ import annotations

import io
import re
import shutil
import zipfile
from pathlib import Path

import olefile
import pytest
from oletools.olevba import VBA_Parser

import renja_xl
import renja_xl.frontends.excel
from renja_xl.build.xlsm import (BUTTONS, DIAGNOSTIC_NAME, MACROS, MODULE_FILE, MODULE_NAME, PETUNJUK, TARGETS,
                                 build_xlsm_bytes)
from renja_xl.engines.calamine_engine import CalamineBook
from renja_xl.fileio.libreoffice import PrivateOffice

from conftest import ROOT, libreoffice_convert

COMMITTED = {name: ROOT / "templates_xlsx" / name for name in TARGETS}
REBUILD = "bangun ulang dengan: renja-xl build-xlsm"


def parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n) for n in z.namelist()}


def ole_streams(data: bytes) -> dict[str, bytes]:
    ole = olefile.OleFileIO(io.BytesIO(data))
    try:
        return {"/".join(s): ole.openstream(s).read() for s in ole.listdir()}
    finally:
        ole.close()


def vba_modules(path: Path) -> dict[str, str]:
    parser = VBA_Parser(str(path))
    try:
        return {Path(name).stem: code for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()


def body(code: str) -> str:
    lines = code.replace("\r\n", "\n").split("\n")
    return "\n".join(l for l in lines if not l.startswith("Attribute ")).strip()


def public_subs(code: str) -> set[str]:
    return set(re.findall(r"^Public Sub (\w+)\(\)", code, flags=re.M))


def sub_body(code: str, name: str) -> str:
    found = re.search(rf"^Public Sub {name}\(\)\n(.*?)^End Sub", code.replace("\r\n", "\n"), flags=re.M | re.S)
    assert found, name
    return found.group(1)


def button_macros(data: bytes) -> dict[str, str]:
    """caption -> macro of every form-control button in the workbook's VML drawings."""
    out = {}
    for name, xml in parts(data).items():
        if name.endswith(".vml"):
            text = xml.decode("utf-8")
            for shape in re.findall(r"<v:shape .*?</v:shape>", text, flags=re.S):
                if 'ObjectType="Button"' in shape:
                    caption = re.sub(r"<[^>]+>", "", re.search(r"<v:textbox.*?</v:textbox>", shape, re.S).group())
                    macro = re.search(r"<x:FmlaMacro>(.*?)</x:FmlaMacro>", shape).group(1)
                    out[caption.strip()] = macro
    return out


@pytest.mark.parametrize("name", list(TARGETS))
def test_committed_xlsm_is_what_the_build_makes(name):
    committed = COMMITTED[name].read_bytes()
    rebuilt = build_xlsm_bytes(TARGETS[name])
    old, new = parts(committed), parts(rebuilt)
    assert list(old) == list(new), REBUILD
    for part in new:
        if part == "xl/vbaProject.bin":
            assert ole_streams(old[part]) == ole_streams(new[part]), f"{part}: {REBUILD}"
        else:
            assert old[part] == new[part], f"{part}: {REBUILD}"
    assert rebuilt == build_xlsm_bytes(TARGETS[name])  # reproducible: the same bytes twice


@pytest.mark.parametrize("name", list(TARGETS))
def test_olevba_reads_the_module_and_every_button_calls_an_existing_sub(name):
    path = COMMITTED[name]
    modules = vba_modules(path)
    assert MODULE_NAME in modules and "ThisWorkbook" in modules
    code = modules[MODULE_NAME]
    assert body(code) == body((MACROS / MODULE_FILE).read_text(encoding="utf-8"))
    subs = public_subs(code)
    bound = button_macros(path.read_bytes())
    assert bound == {b.caption: f"[0]!{b.macro}" for b in BUTTONS}
    for caption, macro in bound.items():
        assert macro.split("!")[1] in subs, caption
    # Each Python button runs one entry point of renja_xl.frontends.excel through the add-in, late-bound.
    for sub, fn in (("HitungUlang", "recalc"), ("Validasi", "validate"), ("BuatNarasi", "chapters"),
                    ("ImporSIPD", "import_sipd")):
        assert f'JalankanPython "import renja_xl.frontends.excel as x; x.{fn}()"' in sub_body(code, sub)
        assert callable(getattr(renja_xl.frontends.excel, fn))
    assert "Application.Run \"'\" & ADDIN & \"'!RunPython\", perintah" in code
    assert 'Private Const ADDIN As String = "xlwings.xlam"' in code
    assert "RunPython" not in sub_body(code, "PeriksaPemasangan")  # the diagnostic needs no Python
    assert f'Public Const RENJA_XL_VERSI As String = "{renja_xl.__version__}"' in code


def test_the_xlsm_is_still_a_renja_workbook():
    from renja_xl.workbook.reader import read_renja

    example = CalamineBook(COMMITTED["renja_contoh_bkd_kalbar_2024.xlsm"])
    renja = read_renja(example)
    assert not [f for f in renja.findings if f.severity == "error"]
    assert len([r for r in renja.tabel6.rows if r.is_leaf]) > 50
    xml = parts(COMMITTED["renja_template.xlsm"].read_bytes())
    assert b"macroEnabled.main+xml" in xml["[Content_Types].xml"]
    assert DIAGNOSTIC_NAME.encode() in xml["xl/workbook.xml"]


# --------------------------------------------------------------------------------------------- LibreOffice
DIAGNOSTIC_RUNNER = """\
Sub JalankanDiagnosa(inUrl As String, outUrl As String)
  Dim args(1) As New com.sun.star.beans.PropertyValue
  args(0).Name = "Hidden"
  args(0).Value = True
  args(1).Name = "MacroExecutionMode"
  args(1).Value = 4
  doc = StarDesktop.loadComponentFromURL(inUrl, "_blank", 0, args())
  oScript = doc.getScriptProvider().getScript("vnd.sun.star.script:VBAProject.RenjaXL.PeriksaPemasangan?language=Basic&location=document")
  oScript.invoke(Array(), Array(), Array())
  Dim f(0) As New com.sun.star.beans.PropertyValue
  f(0).Name = "FilterName"
  f(0).Value = "calc8"
  doc.storeToURL(outUrl, f())
  doc.close(True)
  StarDesktop.terminate()
End Sub
"""


def run_diagnostic(soffice: str, xlsm: Path, out: Path) -> Path:
    """LibreOffice, headless, own profile: load the .xlsm with macros allowed, run the workbook's own
    PeriksaPemasangan (imported from VBA), save as .ods. The runner is a Basic Sub in the private profile."""
    with PrivateOffice(soffice, "menjalankan diagnosa", timeout=180) as office:
        source = office.work / xlsm.name
        shutil.copyfile(xlsm, source)
        produced = office.work / "hasil.ods"
        office.run_sub("Uji", DIAGNOSTIC_RUNNER, "JalankanDiagnosa", source.as_uri(), produced.as_uri())
        assert produced.exists(), "LibreOffice tidak menjalankan PeriksaPemasangan"
        shutil.copyfile(produced, out)
        return out


def diagnostic_row(path: Path) -> int:
    workbook = parts(path.read_bytes())["xl/workbook.xml"].decode("utf-8")
    ref = re.search(rf'<definedName name="{DIAGNOSTIC_NAME}">[^<]*\$A\$(\d+)</definedName>', workbook)
    return int(ref.group(1))


@pytest.mark.libreoffice
def test_libreoffice_imports_the_module_under_basic(soffice, tmp_path):
    ods = libreoffice_convert(soffice, COMMITTED["renja_template.xlsm"], "ods", tmp_path)
    with zipfile.ZipFile(ods) as z:
        basic = {n: z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("Basic/")}
        content = z.read("content.xml").decode("utf-8")
    module = next(text for name, text in basic.items() if name.endswith(f"/{MODULE_NAME}.xml"))
    for b in BUTTONS:
        assert f"Public Sub {b.macro}()" in module
    assert "RENJA_XL_VERSI" in module
    # LibreOffice, reading the buttons on its own, binds each caption to the Sub of the imported module.
    bound = {}
    for button in re.findall(r"<form:button .*?</form:button>", content, flags=re.S):
        label = re.search(r'form:label="([^"]*)"', button).group(1)
        bound[label] = re.search(r'xlink:href="vnd\.sun\.star\.script:VBAProject\.RenjaXL\.(\w+)\?', button).group(1)
    assert bound == {b.caption: b.macro for b in BUTTONS}


@pytest.mark.libreoffice
def test_libreoffice_runs_the_diagnostic_sub_headless(soffice, tmp_path):
    xlsm = COMMITTED["renja_template.xlsm"]
    row = diagnostic_row(xlsm)
    before = CalamineBook(xlsm).read(PETUNJUK)
    assert len(before) < row or before[row - 1][0] in (None, "")
    ods = run_diagnostic(soffice, xlsm, tmp_path / "hasil.ods")
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(ods)).get_sheet_by_name(PETUNJUK).to_python()
    assert rows[row - 1][0] == f"Renja XL {renja_xl.__version__}; add-in xlwings tidak ditemukan"
    with zipfile.ZipFile(ods) as z:
        content = z.read("content.xml").decode("utf-8")
    table = re.search(rf'<table:table table:name="{PETUNJUK}"[^>]*>', content).group()
    assert 'table:protected="true"' in table  # protected again after writing
