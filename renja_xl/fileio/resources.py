"""Where the files that ship beside the code are: the workbooks of templates_xlsx/ and the VBA and xlwings Lite
sources of macros/.

Their canonical place is the top of the repository; the wheel carries them inside the package
(renja_xl/templates_xlsx, renja_xl/macros; see pyproject.toml). Both places are looked at, the installed one
first, so the same code works from a wheel, an editable install and a checkout on PYTHONPATH.
"""
from __future__ import annotations

from pathlib import Path

from renja_xl.domain.errors import RenjaError

PACKAGE = Path(__file__).resolve().parents[1]
CHECKOUT = PACKAGE.parent


def _folder(name: str, probe: str) -> Path:
    for base in (PACKAGE / name, CHECKOUT / name):
        if (base / probe).is_file():
            return base
    return PACKAGE / name


def templates_dir() -> Path:
    return _folder("templates_xlsx", "renja_template.xlsx")


def macros_dir() -> Path:
    return _folder("macros", "RenjaXL.bas")


def in_checkout() -> bool:
    """Running from the repository (its pyproject.toml and templates_xlsx/ beside the package)."""
    return (CHECKOUT / "pyproject.toml").is_file() and (CHECKOUT / "templates_xlsx").is_dir()


def shipped_file(folder: Path, name: str) -> Path:
    """A file that belongs to the installation; missing means a damaged install, said in one line."""
    path = folder / name
    if not path.is_file():
        raise RenjaError(f"berkas bawaan '{path}' tidak ada; pasang ulang Renja XL (pip install --force-reinstall "
                         "renja-xl).")
    return path


def copy_shipped(name: str, target: Path) -> Path | None:
    """Write a copy of a shipped workbook (templates_xlsx/NAME) to `target`, atomically; returns the backup path."""
    import shutil

    from renja_xl.fileio.files import atomic_save

    source = shipped_file(templates_dir(), name)
    return atomic_save(Path(target), lambda tmp: shutil.copyfile(source, tmp))
