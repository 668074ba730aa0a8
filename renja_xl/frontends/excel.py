"""Entry points for the buttons of the Excel workbook: the CLI commands, on the open workbook.

Each of ``recalc``, ``validate``, ``chapters`` and ``import_sipd`` takes an ``xw.Book`` (default:
``xw.Book.caller()``, the workbook whose button was clicked) and does what the command of the same name
does on a file, reading and writing whole blocks through ``XlwingsBook``. The same functions serve desktop
Excel (VBA button -> ``RunPython "import renja_xl.frontends.excel as x; x.recalc()"``) and xlwings' remote runtimes
(xlwings Lite passes its ``Book``; see ``macros/lite/main.py``).

What the user reads is Indonesian and never a traceback. The message is shown with ``book.app.alert``,
which is a message box in desktop Excel (Windows and macOS) and the ``alert`` action of xlwings Server;
xlwings Lite prints it in its output pane instead (``show=False``). Every function also returns the
message. A library error (``RenjaError``) is a plain message; anything else is a bug: the message names it
and, on desktop, the traceback goes to ``renja_xl_galat.log`` beside the workbook.
"""
from __future__ import annotations

import datetime as _dt
import sys
import traceback
from pathlib import Path
from typing import Callable

from renja_xl.domain.errors import InputErrors, RenjaError
from renja_xl.domain.findings import Finding

TITLE = "Renja XL"
MAX_LINES = 12  # findings listed in a message box; the rest are counted (Excel cuts a MsgBox at ~1024 chars)


class Result:
    """What an entry point did: the message shown, whether it failed, and what it wrote (for tests)."""

    def __init__(self, message: str, ok: bool = True, grid=None, findings: list[Finding] | None = None,
                 path: Path | None = None):
        self.message, self.ok, self.grid, self.findings, self.path = message, ok, grid, findings or [], path

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"Result(ok={self.ok}, message={self.message!r})"


# ---------------------------------------------------------------------------------------------- public API
def recalc(book=None, show: bool = True) -> Result:
    """Hitung Ulang: parent rows, code order, numbering and live SUBTOTAL formulas, written back in blocks."""
    return _run(book, _recalc, "Hitung Ulang", show)


def validate(book=None, show: bool = True) -> Result:
    """Validasi: every rule; findings to the Validasi sheet (when the workbook has one) and a summary."""
    return _run(book, _validate, "Validasi", show)


def chapters(book=None, show: bool = True) -> Result:
    """Buat Narasi: BAB I-V as a Word document saved next to the workbook; the path is shown."""
    return _run(book, _chapters, "Buat Narasi", show)


def import_sipd(book=None, show: bool = True, pagu: str | None = None) -> Result:
    """Impor SIPD: the SIPD-RI export into its sheet (Usulan SIPD, or Tabel 6 for the Renja OPD print); `pagu`
    names the money column of a Renja print that has several (else the user is asked)."""
    return _run(book, lambda b: _import_sipd(b, pagu), "Impor SIPD", show)


# ------------------------------------------------------------------------------------------------ plumbing
def _caller():
    import xlwings as xw

    return xw.Book.caller()


def _run(book, action: Callable, what: str, show: bool) -> Result:
    from renja_xl.engines.xlwings_engine import engine_kind

    if book is None:
        book = _caller()
    try:
        result = action(book)
    except InputErrors as exc:
        result = Result(f"{what} dibatalkan: {exc}\n\n" + _finding_lines(exc.findings), ok=False,
                        findings=exc.findings)
    except RenjaError as exc:
        result = Result(f"{what} gagal: {exc}", ok=False)
    except Exception as exc:  # a bug: a readable message, the traceback to a log (desktop) or stderr
        log = _log_traceback(book, engine_kind(book))
        result = Result(f"{what} gagal karena kesalahan tak terduga di Renja XL ({type(exc).__name__}: {exc}). "
                        + (f"Rincian teknis ditulis ke {log}; " if log else "")
                        + "laporkan ke pengelola Renja XL.", ok=False)
    if show:
        _show(book, result)
    return result


def _show(book, result: Result) -> None:
    try:
        book.app.alert(result.message[:1000], title=TITLE, mode="info" if result.ok else "critical")
    except Exception:  # no message box (e.g. a runtime without alerts): the message is still returned
        print(result.message, file=sys.stderr)


def _log_traceback(book, kind: str) -> Path | None:
    text = traceback.format_exc()
    if kind != "remote":
        folder = _book_folder(book)
        if folder is not None:
            log = folder / "renja_xl_galat.log"
            try:
                with log.open("a", encoding="utf-8") as fh:
                    fh.write(f"--- {_dt.datetime.now():%Y-%m-%d %H:%M:%S}\n{text}\n")
                return log
            except OSError:
                pass
    print(text, file=sys.stderr)
    return None


def _book_folder(book) -> Path | None:
    """The folder of a workbook saved on disk (None for a new, unsaved workbook or one on SharePoint)."""
    try:
        full = Path(book.fullname)
    except Exception:
        return None
    return full.parent if full.is_absolute() and full.parent.is_dir() else None


def _finding_lines(findings: list[Finding], limit: int = MAX_LINES) -> str:
    lines = [f.line() for f in findings[:limit]]
    if len(findings) > limit:
        lines.append(f"... dan {len(findings) - limit} temuan lain.")
    return "\n".join(lines)


def _backup(book) -> Path | None:
    """Desktop Excel: a copy of the workbook as it is now, in 'cadangan/' beside it (as the CLI keeps one)."""
    from renja_xl.fileio.files import backup_path

    folder = _book_folder(book)
    if folder is None:
        return None
    target = backup_path(Path(book.fullname))
    target.parent.mkdir(exist_ok=True)
    try:
        if sys.platform.startswith("win"):
            book.api.SaveCopyAs(str(target))  # the workbook as it is in Excel now, saved or not
        else:  # Excel for Mac has no SaveCopyAs: the last saved version of the file
            import shutil

            shutil.copy2(book.fullname, target)
    except Exception:
        return None
    return target if target.exists() else None


# ----------------------------------------------------------------------------------------------- commands
def _recalc(book) -> Result:
    from renja_xl.app.recalc import recalc_grid
    from renja_xl.domain.layout import HIERARCHY_SHEETS, sheet
    from renja_xl.engines.xlwings_engine import XlwingsBook

    grid = XlwingsBook(book, formulas=True)
    backup = None if grid.remote else _backup(book)
    try:
        grid.prepare([s.name for s in HIERARCHY_SHEETS] + [sheet(k).name for k in ("tabel2", "tabel3", "tc30")])
        outcome = recalc_grid(grid)
    finally:
        grid.finish()
    message = outcome.summary()
    if outcome.changed and backup:
        message += f"\nSalinan sebelum Hitung Ulang: {backup}"
    if outcome.notes:
        message += "\n\n" + _finding_lines(outcome.notes)
    return Result(message, grid=grid, findings=outcome.notes)


def _validate(book) -> Result:
    from renja_xl.app.validate import validate_on_grid
    from renja_xl.engines.xlwings_engine import XlwingsBook

    grid = XlwingsBook(book, formulas=False)  # values, as calamine reads a file: stored subtotals are checked
    try:
        outcome = validate_on_grid(grid, write_sheet=True)  # the sheet is added when the workbook lacks it
    finally:
        grid.finish()
    message = f"Validasi selesai: {outcome.count_text()}. Daftar lengkap ada di sheet Validasi."
    if outcome.findings:
        message += "\n\n" + _finding_lines(outcome.findings)
    return Result(message, ok=not outcome.has_errors, grid=grid, findings=outcome.findings)


def _chapters(book) -> Result:
    from renja_xl.engines.xlwings_engine import XlwingsBook

    grid = XlwingsBook(book, formulas=False)
    if grid.remote:
        raise RenjaError("narasi Word tidak dapat disimpan dari Excel di web (tidak ada folder untuk berkasnya). "
                         "Buka buku kerja di Excel desktop, atau jalankan: renja-xl chapters BERKAS.xlsx -o renja.docx")
    folder = _book_folder(book)
    if folder is None:
        raise RenjaError("simpan buku kerja ke sebuah folder lebih dulu; narasi disimpan di samping buku kerja.")
    try:
        from renja_xl.app.chapters import write_chapters
    except ImportError as exc:
        raise RenjaError(f"modul narasi belum terpasang di Python ini ({exc}); pasang ulang renja-xl.") from exc
    out = folder / f"{Path(book.fullname).stem}_narasi.docx"
    outcome = write_chapters(grid, out)
    message = f"Narasi ({outcome.outline}) disimpan ke:\n{out}"
    if outcome.missing:
        message += "\n\nDicetak 'belum diisi': " + "; ".join(outcome.missing) + "."
    if outcome.draft:
        message += (f"\n\nDokumen ini DRAF: validasi menemukan {len(outcome.errors)} galat (tercantum di Catatan "
                    "Validasi di akhir dokumen). Perbaiki lalu buat ulang narasi.")
    return Result(message, ok=not outcome.draft, grid=grid, path=out, findings=outcome.errors)


def _import_sipd(book, pagu: str | None = None) -> Result:
    from renja_xl.engines.xlwings_engine import XlwingsBook, engine_kind

    if engine_kind(book) == "remote":
        raise RenjaError("Impor SIPD membaca berkas ekspor SIPD-RI dari komputer, yang tidak dapat dibuka dari "
                         "Excel di web. Gunakan Excel desktop, atau: renja-xl import-sipd CETAKAN.xlsx BERKAS.xlsx")
    from renja_xl.app.sipd import import_into, read_print, target_sheet
    from renja_xl.sipd.renja import PaguChoiceError

    path = _ask_file(book)
    if path is None:
        return Result("Impor SIPD dibatalkan: tidak ada berkas yang dipilih.")
    try:  # the same reader as the command line: the print may be on any sheet
        printed = read_print(Path(path), pagu)
    except PaguChoiceError as exc:
        pagu = _ask_pagu(book, exc)
        if pagu is None:
            return Result("Impor SIPD dibatalkan: kolom pagu tidak dipilih.")
        printed = read_print(Path(path), pagu)
    grid = XlwingsBook(book, formulas=True)
    backup = _backup(book)
    try:
        grid.prepare([target_sheet(printed)])
        outcome = import_into(grid, Path(path), printed)
    finally:
        grid.finish()
    message = f"Impor SIPD selesai: {outcome.summary()} dari {Path(path).name}."
    if backup:
        message += f"\nSalinan sebelum impor: {backup}"
    if outcome.result.notes:
        message += "\n\n" + _finding_lines(outcome.result.notes)
    return Result(message, grid=grid, findings=list(outcome.result.notes), path=Path(path))


def _ask_pagu(book, exc) -> str | None:
    """Which money column of a Renja print is the pagu: Excel's InputBox lists them by number."""
    choices = "\n".join(f"{i}. {name}" for i, name in enumerate(exc.names, 1))
    answer = book.app.api.InputBox(f"Cetakan memuat beberapa kolom uang:\n{choices}\n\nKetik nomor kolom pagu:",
                                   "Impor SIPD: kolom pagu")
    text = str(answer).strip() if answer not in (None, False) else ""
    if text.isdigit() and 1 <= int(text) <= len(exc.names):
        return exc.names[int(text) - 1]
    return text or None


def _ask_file(book) -> str | None:
    """Desktop Excel's own file dialog (GetOpenFilename), so the user picks the SIPD export."""
    try:
        if sys.platform.startswith("win"):
            chosen = book.app.api.GetOpenFilename("Cetakan SIPD (*.xlsx;*.csv),*.xlsx;*.csv", 1,
                                                  "Pilih berkas cetakan SIPD-RI")
        else:  # Excel for Mac (AppleScript)
            chosen = book.app.api.get_open_filename()
    except Exception:
        return None
    return chosen if isinstance(chosen, str) and chosen and chosen != "False" else None
