"""Checks of an output path before a command does its work: one place for the extension and folder rules."""
from __future__ import annotations

from pathlib import Path

from renja_xl.domain.errors import OutputError


def _choices(suffixes: tuple[str, ...]) -> str:
    return suffixes[0] if len(suffixes) == 1 else ", ".join(suffixes[:-1]) + " atau " + suffixes[-1]


def check_output(path: Path, suffixes: tuple[str, ...], hint: str = "") -> Path | None:
    """Refuse an output a command cannot write; create its missing folders.

    `suffixes` are the extensions the command writes (".xlsx", ".xlsm"); `hint` completes the message for a wrong
    one (e.g. how to get a PDF). Returns the topmost folder that was created, so the caller can say so, or None.
    """
    path = Path(path)
    if path.suffix.lower() not in suffixes:
        raise OutputError(f"berkas keluaran '{path}': akhiran harus {_choices(suffixes)}"
                          + (f"; {hint}" if hint else "") + ". Tidak ada yang ditulis.")
    if path.is_dir():
        raise OutputError(f"'{path}' adalah folder; sebutkan nama berkas, misalnya '{path / ('renja' + suffixes[0])}'.")
    missing = None
    for parent in path.parents:
        if parent.exists():
            break
        missing = parent
    if missing is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            from renja_xl.fileio.files import os_reason

            raise OutputError(f"folder '{path.parent}' tidak dapat dibuat ({os_reason(exc)}); "
                              "pilih folder lain. Tidak ada yang ditulis.") from exc
    elif not path.parent.is_dir():
        raise OutputError(f"'{path.parent}' bukan folder; berkas '{path.name}' tidak dapat ditulis di sana.")
    return missing


def created_note(folder: Path | None) -> str:
    """The sentence a command prints when check_output made folders for it ("" when it made none)."""
    return f"Folder '{folder}' belum ada dan telah dibuat." if folder is not None else ""
