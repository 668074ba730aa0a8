"""PDF through LibreOffice, with the table of contents, the list of tables and the fields updated.

A plain ``soffice --convert-to pdf`` leaves TOC fields as they were saved. Here LibreOffice runs a small
Basic macro from a fresh, private profile: load the document hidden, update every index and field (twice,
so page numbers settle after the indexes grow), export to PDF, quit. One profile per run, so several
conversions never share (and silently break) one LibreOffice instance.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import RenjaError
from ..engines.files import atomic_save

MACRO = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="RenjaXL" script:language="StarBasic">
Sub ExportPdf(inUrl As String, outUrl As String)
  Dim args(0) As New com.sun.star.beans.PropertyValue
  args(0).Name = &quot;Hidden&quot;
  args(0).Value = True
  doc = StarDesktop.loadComponentFromURL(inUrl, &quot;_blank&quot;, 0, args())
  For pass = 1 To 2
    idx = doc.getDocumentIndexes()
    For i = 0 To idx.getCount() - 1
      idx.getByIndex(i).update()
    Next
    doc.getTextFields().refresh()
  Next
  Dim f(0) As New com.sun.star.beans.PropertyValue
  f(0).Name = &quot;FilterName&quot;
  f(0).Value = &quot;writer_pdf_Export&quot;
  doc.storeToURL(outUrl, f())
  doc.close(True)
  StarDesktop.terminate()
End Sub
</script:module>
"""

LIBRARY = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE library:library PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "library.dtd">
<library:library xmlns:library="http://openoffice.org/2000/library" library:name="Standard" library:readonly="false" library:passwordprotected="false">
 <library:element library:name="Module1"/>
 <library:element library:name="RenjaXL"/>
</library:library>
"""


def find_soffice() -> str | None:
    return os.environ.get("RENJA_XL_SOFFICE") or shutil.which("soffice") or shutil.which("libreoffice")


def _run(cmd: list[str], timeout: int) -> None:
    try:
        subprocess.run(cmd, check=True, capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as exc:
        raise RenjaError(f"LibreOffice tidak selesai dalam {timeout} detik saat membuat PDF.") from exc
    except subprocess.CalledProcessError as exc:
        err = (exc.stderr or b"").decode("utf-8", "replace").strip()[-400:]
        raise RenjaError(f"LibreOffice gagal membuat PDF (status {exc.returncode}): {err}") from exc


def docx_to_pdf(docx_path: Path, pdf_path: Path | None = None, timeout: int = 300) -> Path:
    soffice = find_soffice()
    if soffice is None:
        raise RenjaError("LibreOffice (soffice) tidak ditemukan, PDF tidak dibuat (dokumen Word tetap ditulis). "
                         "Pasang LibreOffice Writer, atau buka .docx di Word lalu Simpan Sebagai PDF.")
    docx_path = Path(docx_path).resolve()
    pdf_path = Path(pdf_path or docx_path.with_suffix(".pdf")).resolve()
    work = Path(tempfile.mkdtemp(prefix="renja-pdf-"))
    try:
        profile = work / "profil"
        base = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", "--invisible"]
        _run(base + ["--terminate_after_init"], timeout)  # create the profile (it replaces basic/ on first start)
        lib = profile / "user" / "basic" / "Standard"
        lib.mkdir(parents=True, exist_ok=True)
        (lib / "RenjaXL.xba").write_text(MACRO, encoding="utf-8")
        (lib / "script.xlb").write_text(LIBRARY, encoding="utf-8")
        source = work / "dokumen.docx"
        shutil.copyfile(docx_path, source)
        produced = work / "dokumen.pdf"
        _run(base + [f'macro:///Standard.RenjaXL.ExportPdf("{source.as_uri()}","{produced.as_uri()}")'], timeout)
        if not produced.exists():  # the macro could not run: a plain conversion (indexes left as saved)
            _run(base + ["--convert-to", "pdf", "--outdir", str(work), str(source)], timeout)
        if not produced.exists():
            raise RenjaError(f"LibreOffice tidak menghasilkan PDF untuk '{docx_path.name}'.")
        atomic_save(pdf_path, lambda tmp: shutil.copyfile(produced, tmp), keep_backup=False)
        return pdf_path
    finally:
        shutil.rmtree(work, ignore_errors=True)
