"""INPUT... of `renja-xl rekap` to a list of workbooks: files, folders, glob patterns, fsspec URLs."""
from __future__ import annotations

import glob
from pathlib import Path
from typing import Iterable

from renja_xl.domain.errors import RenjaError

SUFFIXES = (".xlsx", ".xlsm")
_SKIP_DIRS = {"cadangan"}  # the toolkit's own backups of earlier versions


def _wanted(path: Path) -> bool:
    return (path.suffix.lower() in SUFFIXES and not path.name.startswith(("~$", ".~lock", "."))
            and not _SKIP_DIRS.intersection(p.name for p in path.parents))


def expand(inputs: Iterable[str], exclude: Iterable[Path] = ()) -> list[str]:
    """Workbooks in the order given (a folder's and a pattern's in name order), each once; `exclude` (the rekap
    itself, its pagu file) left out. A file named directly is taken whatever its suffix: it is checked."""
    skip = {Path(p).resolve() for p in exclude}
    out: list[str] = []
    seen: set[str] = set()

    def add(item: str) -> None:
        key = item if "://" in item else str(Path(item).resolve())
        if key not in seen and ("://" in item or Path(item).resolve() not in skip):
            seen.add(key)
            out.append(item)

    for raw in inputs:
        if "://" in raw and not raw.startswith("file://"):
            for url in _remote(raw):
                add(url)
            continue
        text = raw[len("file://"):] if raw.startswith("file://") else raw
        path = Path(text)
        if path.is_dir():
            for p in sorted(path.rglob("*")):
                if p.is_file() and _wanted(p.relative_to(path)):
                    add(str(p))
        elif glob.has_magic(text):
            matches = [Path(p) for p in sorted(glob.glob(text, recursive=True))]
            for p in matches:
                if p.is_file() and _wanted(p):
                    add(str(p))
        else:
            add(text)  # missing or not a workbook: becomes that file's finding
    if not out:
        raise RenjaError("tidak ada buku kerja (.xlsx/.xlsm) pada masukan " + ", ".join(f"'{i}'" for i in inputs)
                         + ".")
    return out


def _remote(url: str) -> list[str]:
    try:
        import fsspec
    except ImportError as exc:
        raise RenjaError('masukan URL memerlukan fsspec: pip install "renja-xl[skala]"') from exc
    fs, _, paths = fsspec.core.get_fs_token_paths(url)
    protocol = fs.protocol[0] if isinstance(fs.protocol, (tuple, list)) else fs.protocol
    found = []
    for p in sorted(paths):
        if fs.isdir(p):
            found += sorted(q for q in fs.find(p) if q.lower().endswith(SUFFIXES))
        elif p.lower().endswith(SUFFIXES) or not glob.has_magic(url):
            found.append(p)
    return [p if "://" in p else f"{protocol}://{p}" for p in found]
