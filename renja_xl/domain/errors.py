"""One exception root, split by audience.

RenjaError and its children carry a plain Indonesian message for the user
(the CLI prints it and exits non-zero); anything else is a bug and keeps its
traceback.
"""
from __future__ import annotations


class RenjaError(Exception):
    """Root of every error the user can act on."""


class WorkbookError(RenjaError):
    """The file cannot be used as a Renja workbook (not a workbook, damaged, wrong layout)."""


class InputErrors(RenjaError):
    """The workbook holds input that cannot be processed; `findings` names every cell."""

    def __init__(self, findings):
        self.findings = list(findings)
        n = sum(1 for f in self.findings if f.severity == "error")
        super().__init__(f"{n} isian harus diperbaiki lebih dulu; tidak ada yang diubah.")


class OutputError(RenjaError):
    """An output cannot be written where the user asked (wrong extension, read-only folder, file held open)."""
