"""Safe file handling shared by the file engines: sanity checks, atomic save, backups."""
from __future__ import annotations

import errno
import hashlib
import os
import re
import shutil
import time
import tempfile
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Callable, NamedTuple

from renja_xl.domain.errors import OutputError, WorkbookError

# What a Renja can hold, documented in README ("Batas ukuran"): every sheet the toolkit reads is bounded by
# these before a library holds it. The bench's Tabel 6 of 100,000 rows is half of MAX_ROWS.
MAX_ROWS = 200_000
# A sheet is read as one block from A1 to its last used cell: a stray entry in XFD1048576 would ask for 17
# billion cells. MAX_ROWS rows by 52 columns (A to AZ; the widest table, Tabel 6, ends at AF): 10.4 million.
MAX_CELLS = MAX_ROWS * 52
# Zip bombs are refused before a library inflates them: the inflated parts of a Renja at its limit, at a
# generous 48 bytes per cell (a filled 100k-row Tabel 6 takes 53 bytes per cell it holds, and no sheet fills its
# whole extent): 499 MB. A 6 MB file that inflates to 2 GB is refused here.
BYTES_PER_CELL = 48
MAX_UNCOMPRESSED = MAX_CELLS * BYTES_PER_CELL
BACKUP_DIR = "cadangan"


def _n(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def check_extent(sheet: str, rows: int, cols: int, path: Path | None = None, exact: bool = True) -> None:
    """Refuse a sheet whose used range reaches far beyond any table (read from A1, it would not fit in memory).
    `exact=False`: `cols` is only a bound (the cell is then not named)."""
    from renja_xl.domain.cells import cell_ref

    where = f" di berkas '{Path(path).name}'" if path is not None else ""
    reach = f"sampai sel {cell_ref(rows, cols)} ({_n(rows)} baris × {_n(cols)} kolom)" if exact else (
        f"sampai baris {_n(rows)}")
    if rows > MAX_ROWS:
        raise WorkbookError(
            f"sheet '{sheet}'{where} terpakai {reach}; Renja XL membaca paling banyak {_n(MAX_ROWS)} baris per "
            "sheet. Hapus baris di bawah tabel (pilih, klik kanan, Hapus) atau pecah tabelnya, simpan, lalu coba lagi."
        )
    if rows * cols > MAX_CELLS:
        raise WorkbookError(
            f"sheet '{sheet}'{where} terpakai {reach}: ada isian atau format jauh di luar tabel. Hapus baris di "
            "bawah dan kolom di kanan tabel (pilih, klik kanan, Hapus), simpan, lalu coba lagi."
        )


def check_cells(sheet: str, cells: int, path: Path | None = None) -> None:
    """Refuse a sheet holding more cells than a Renja can (counted in its XML before a library builds them)."""
    if cells > MAX_CELLS:
        where = f" di berkas '{Path(path).name}'" if path is not None else ""
        raise WorkbookError(
            f"sheet '{sheet}'{where} memuat {_n(cells)} sel; Renja XL membaca paling banyak {_n(MAX_CELLS)} sel per "
            "sheet. Hapus isian di luar tabel, lalu coba lagi.")


def check_workbook_file(path: Path) -> None:
    """Fail with a clear message for a missing, non-xlsx, damaged or hostile file."""
    if not path.exists():
        raise WorkbookError(f"berkas '{path}' tidak ditemukan.")
    if path.is_dir():
        raise WorkbookError(f"'{path}' adalah folder, bukan buku kerja.")
    with open(path, "rb") as fh:
        magic = fh.read(8)
    if magic == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":  # OLE2: an .xls, or an .xlsx with a password to open
        raise WorkbookError(
            f"berkas '{path.name}' bukan buku kerja Excel .xlsx/.xlsm: berkas .xls lama atau buku kerja yang "
            "dilindungi sandi. Buka di Excel, hapus sandinya bila ada, lalu Simpan Sebagai 'Buku Kerja Excel (.xlsx)'."
        )
    if not zipfile.is_zipfile(path):
        raise WorkbookError(
            f"berkas '{path.name}' bukan buku kerja Excel .xlsx/.xlsm (mungkin .xls lama, CSV, atau rusak). "
            "Buka di Excel lalu Simpan Sebagai 'Buku Kerja Excel (.xlsx)'."
        )
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
            total = sum(i.file_size for i in zf.infolist())
            encrypted = any(i.flag_bits & 0x1 for i in zf.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise WorkbookError(f"berkas '{path.name}' rusak dan tidak dapat dibuka ({exc}).") from exc
    if encrypted:  # zipfile would raise RuntimeError ("password required") on the first read
        raise WorkbookError(f"berkas '{path.name}' adalah arsip zip bersandi, bukan buku kerja Excel yang dapat "
                            "dibaca; buka di Excel, hapus sandinya, lalu simpan sebagai .xlsx.")
    if "xl/workbook.xml" not in names and "xl/workbook.bin" not in names:
        raise WorkbookError(f"berkas '{path.name}' adalah arsip zip, tetapi bukan buku kerja Excel.")
    if total > MAX_UNCOMPRESSED:
        raise WorkbookError(
            f"berkas '{path.name}' terlalu besar setelah diekstrak ({_n(total)} bita; batas Renja XL "
            f"{_n(MAX_UNCOMPRESSED)} bita); ditolak.")


def backup_path(path: Path, when: datetime | None = None) -> Path:
    """cadangan/NAME-YYYYmmdd-HHMMSS.ext beside the file; -1, -2 ... (one counter, not piled up) when taken."""
    stamp = (when or datetime.now()).strftime("%Y%m%d-%H%M%S")
    folder = path.parent / BACKUP_DIR
    candidate = folder / f"{path.stem}-{stamp}{path.suffix}"
    n = 1
    while candidate.exists():
        candidate = folder / f"{path.stem}-{stamp}-{n}{path.suffix}"
        n += 1
    return candidate


_REASONS = {  # what the system said, for an Indonesian reader (errno names; strerror is English)
    errno.EACCES: "izin ditolak", errno.EPERM: "izin ditolak", errno.ENOENT: "folder atau berkas tidak ada",
    errno.EROFS: "sistem berkas hanya-baca", errno.ENOSPC: "disk penuh", errno.EISDIR: "itu sebuah folder",
    errno.ENOTDIR: "bagian jalurnya bukan folder", errno.ENAMETOOLONG: "nama terlalu panjang",
    errno.EEXIST: "sudah ada", errno.EBUSY: "sedang dipakai", errno.EINVAL: "nama atau jalur tidak sah",
}


def os_reason(exc: OSError) -> str:
    return _REASONS.get(exc.errno, exc.strerror or str(exc))


def cannot_write(target: Path, exc: OSError) -> OutputError:
    """The one-line message for an output the system refuses (the file's old content is untouched)."""
    if isinstance(exc, PermissionError):
        return OutputError(f"berkas '{target}' tidak dapat ditulis ({os_reason(exc)}): bila terbuka di Excel atau "
                           "Word, tutup dulu lalu ulangi; bila foldernya hanya-baca, pilih folder lain. "
                           "Tidak ada yang ditulis.")
    return OutputError(f"berkas '{target}' tidak dapat ditulis ({os_reason(exc)}); pilih folder lain. "
                       "Tidak ada yang ditulis.")


class FileStamp(NamedTuple):
    """What a command read: size, modification time and a hash of the bytes. A file whose stamp differs at save
    time was changed by another program meanwhile (issue 12, item 4)."""
    size: int
    mtime_ns: int
    digest: bytes


def file_stamp(path: Path) -> FileStamp | None:
    """The stamp of a file as it is now; None when there is no file (nothing to overwrite)."""
    try:
        st = os.stat(path)
        digest = hashlib.sha1(usedforsecurity=False)  # change detection, not security: the fastest here (SHA-NI)
        with open(path, "rb") as fh:
            while chunk := fh.read(1 << 20):
                digest.update(chunk)
    except FileNotFoundError:
        return None
    except OSError:
        return None  # unreadable now: the save itself will say why
    return FileStamp(st.st_size, st.st_mtime_ns, digest.digest())


def same_file(a: Path, b: Path) -> bool:
    try:
        return Path(a).resolve() == Path(b).resolve()
    except OSError:
        return False


def check_unchanged(target: Path, expected: FileStamp | None) -> None:
    """Refuse (OutputError, nothing written) when `target` is no longer the file that was read."""
    if expected is None:
        return
    try:
        size = os.stat(target).st_size
    except OSError:
        size = None
    # the bytes decide: a file saved again with the same content (a new mtime) loses nothing, and an edit within
    # one tick of the file system's clock keeps size and mtime but not the hash
    now = file_stamp(target) if size == expected.size else None
    same = now is not None and now.digest == expected.digest
    if not same:
        raise OutputError(
            f"berkas '{target}' diubah program lain sejak dibaca Renja XL; tidak ada yang ditulis supaya "
            "perubahan itu tidak hilang. Simpan dan tutup berkas di program lain, lalu ulangi.")


# The temporary file of a save: '.NAME-' + mkstemp's 8 random characters + '.ext', beside the target. One left
# by a save that was killed (power cut, Task Manager) is removed by the next save of that file, once it is older
# than any save takes; younger ones may belong to a save still running in another process.
TEMP_RANDOM = re.compile(r"[a-z0-9_]{8}")
STALE_TEMP_SECONDS = 15 * 60


def stale_temps(target: Path, now: float | None = None) -> list[Path]:
    """The toolkit's own temporary files of `target` older than STALE_TEMP_SECONDS (exactly its pattern)."""
    prefix, suffix = f".{target.stem}-", target.suffix
    limit = (time.time() if now is None else now) - STALE_TEMP_SECONDS
    out = []
    try:
        entries = list(os.scandir(target.parent))
    except OSError:
        return []
    for e in entries:
        name = e.name
        if not (name.startswith(prefix) and name.endswith(suffix)
                and len(name) == len(prefix) + 8 + len(suffix)
                and TEMP_RANDOM.fullmatch(name[len(prefix):len(name) - len(suffix)])):
            continue
        try:
            if e.is_file(follow_symlinks=False) and e.stat(follow_symlinks=False).st_mtime < limit:
                out.append(Path(e.path))
        except OSError:
            continue
    return out


def remove_stale_temps(target: Path) -> list[Path]:
    removed = []
    for tmp in stale_temps(target):
        try:
            tmp.unlink()
            removed.append(tmp)
        except OSError:
            pass  # another save removed it, or the folder refuses: the save below says so if it matters
    return removed


def save_book(source: Path, stamp: FileStamp | None, target: str | Path | None, save: Callable[[Path], None],
              keep_backup: bool = True) -> tuple[Path | None, FileStamp | None]:
    """Save a book read from `source` atomically to `target` (default: `source`); over its own file, refused when
    another program changed it since `stamp` was taken. Returns the backup and the stamp the book keeps: after
    a save over its own file the file is what the book wrote, so a second save may follow."""
    target = Path(target or source)
    own = same_file(target, source)
    backup = atomic_save(target, save, keep_backup, stamp if own else None)
    return backup, file_stamp(target) if own else stamp


def atomic_save(target: Path, save: Callable[[Path], None], keep_backup: bool = True,
                expect: FileStamp | None = None) -> Path | None:
    """Save through a temporary file in the same folder, keeping a backup of what is replaced.

    Returns the backup's path when a file was replaced. A folder or file the system refuses becomes an
    OutputError (one Indonesian line); the temporary file never stays behind. `expect`: the stamp of the
    target when it was read; a target changed since is refused, nothing written.
    """
    target = Path(target)
    remove_stale_temps(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=target.suffix, dir=target.parent)
    except OSError as exc:
        raise cannot_write(target, exc) from exc
    os.close(fd)
    tmp = Path(tmp_name)
    backup = None
    try:
        save(tmp)
        # checked again as late as possible: an edit saved while this one was written is not overwritten (a
        # window of microseconds remains between this check and the replace; no portable lock closes it)
        check_unchanged(target, expect)
        if keep_backup and target.exists():
            backup = backup_path(target)
            backup.parent.mkdir(exist_ok=True)
            shutil.copy2(target, backup)
        _give_mode(tmp, target)
        os.replace(tmp, target)
        return backup
    except OSError as exc:
        _drop_backup(backup)  # nothing was replaced: a backup would only puzzle the user
        raise cannot_write(target, exc) from exc
    finally:
        if tmp.exists():
            tmp.unlink()


def _drop_backup(backup: Path | None) -> None:
    if backup is None or not backup.exists():
        return
    backup.unlink()
    try:
        backup.parent.rmdir()  # only when empty
    except OSError:
        pass


def _give_mode(tmp: Path, target: Path) -> None:
    """mkstemp makes 0600 files; keep the replaced file's mode, or the user's umask default for a new one."""
    if target.exists():
        shutil.copymode(target, tmp)
    else:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)

