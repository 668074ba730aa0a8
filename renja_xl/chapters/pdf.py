"""PDF through LibreOffice, with the table of contents, the list of tables and the fields updated.

A plain ``soffice --convert-to pdf`` leaves TOC fields as they were saved. Here LibreOffice runs a small
Basic macro (the Daftar Isi is rebuilt from the headings; the Daftar Tabel, collected by paragraph style, is
kept as written - LibreOffice's update of such a field empties it) from a fresh, private profile: load the document hidden, update every index and field (twice,
so page numbers settle after the indexes grow), export to PDF, quit. One profile per run, so several
conversions never share (and silently break) one LibreOffice instance.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from renja_xl.fileio.files import atomic_save
from renja_xl.domain.errors import RenjaError
from renja_xl.fileio.libreoffice import PrivateOffice, find_soffice

EXPORT_PDF = """\
Sub ExportPdf(inUrl As String, outUrl As String)
  Dim args(0) As New com.sun.star.beans.PropertyValue
  args(0).Name = "Hidden"
  args(0).Value = True
  doc = StarDesktop.loadComponentFromURL(inUrl, "_blank", 0, args())
  For pass = 1 To 2
    idx = doc.getDocumentIndexes()
    For i = 0 To idx.getCount() - 1
      If idx.getByIndex(i).CreateFromOutline Then idx.getByIndex(i).update()
    Next
    doc.getTextFields().refresh()
  Next
  Dim f(0) As New com.sun.star.beans.PropertyValue
  f(0).Name = "FilterName"
  f(0).Value = "writer_pdf_Export"
  doc.storeToURL(outUrl, f())
  doc.close(True)
  StarDesktop.terminate()
End Sub
"""


def docx_to_pdf(docx_path: Path, pdf_path: Path | None = None, timeout: int = 300,
                update_indexes: bool = True) -> Path:
    """`update_indexes=False` keeps the Daftar Isi as written (its page numbers already learned)."""
    soffice = find_soffice()
    if soffice is None:
        raise RenjaError("LibreOffice (soffice) tidak ditemukan, PDF tidak dibuat (dokumen Word tetap ditulis). "
                         "Pasang LibreOffice Writer, atau buka .docx di Word lalu Simpan Sebagai PDF.")
    docx_path = Path(docx_path).resolve()
    pdf_path = Path(pdf_path or docx_path.with_suffix(".pdf")).resolve()
    with PrivateOffice(soffice, "membuat PDF", timeout) as office:
        source = office.work / "dokumen.docx"
        shutil.copyfile(docx_path, source)
        produced = office.work / "dokumen.pdf"
        if update_indexes:
            office.run_sub("RenjaXL", EXPORT_PDF, "ExportPdf", source.as_uri(), produced.as_uri())
        if not produced.exists():  # the macro could not run: a plain conversion (indexes left as saved)
            office.convert(source, "pdf")
        if not produced.exists():
            raise RenjaError(f"LibreOffice tidak menghasilkan PDF untuk '{docx_path.name}'.")
        atomic_save(pdf_path, lambda tmp: shutil.copyfile(produced, tmp), keep_backup=False)
        return pdf_path
