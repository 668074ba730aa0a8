"""The per-workbook job of the rekap: one OPD workbook in, one small picklable summary out.

`summarize(source)` runs in a worker process (local pool or a Dask worker): it reads and validates the workbook
with the same functions as `renja-xl validate` and keeps only plain data (identity, totals, counts, findings and
the sub kegiatan rows of Tabel 6), so no Grid or model object travels back to the coordinator. Whatever the file
is — damaged, password-protected, hostile, not a workbook — it comes back as a summary with a `rekap.berkas`
finding; the rest of the rekap continues. Nothing is written to the source.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import traceback
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from renja_xl.domain.errors import RenjaError
from renja_xl.domain.findings import Finding, counts
from renja_xl.rekap.rules import REKAP_BERKAS
from renja_xl.domain.kode import Level

TABEL6 = "Tabel 6 Rencana Kerja"
# OLE compound file (an encrypted xlsx is one; so is an old .xls)
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")


@dataclass(frozen=True)
class SubRow:
    """One sub kegiatan of Tabel 6 as the Rekap Program needs it."""
    kode: str
    sort_key: str
    uraian: str
    pagu: Decimal
    row: int | None  # the sheet row in the OPD's workbook (findings name it)


@dataclass
class Summary:
    source: str  # path or URL as given
    name: str  # file name shown in the rekap
    ok: bool = True
    sha256: str = ""
    identitas: dict[str, object] = field(default_factory=dict)
    total: Decimal = Decimal(0)
    n_program: int = 0
    n_kegiatan: int = 0
    n_sub: int = 0
    findings: list[Finding] = field(default_factory=list)
    subs: list[SubRow] = field(default_factory=list)
    parent_names: dict[str, str] = field(default_factory=dict)  # program/kegiatan/bidang code -> its uraian
    penunjang: list[tuple[str, int | None]] = field(default_factory=list)  # (program code, row) outside held bidang
    held_bidang: tuple[str, ...] = ()
    trace: str = ""  # the traceback when a library failed on the file (kept for the JSON report)

    @property
    def counts(self) -> dict[str, int]:
        return counts(self.findings)


_IDENTITAS_KEPT = ("nama_perangkat_daerah", "singkatan", "pemerintah_daerah", "jenis_pemda", "tahun_rencana",
                   "kode_bidang_urusan", "nama_bidang_urusan", "versi_nomenklatur", "pagu_indikatif")


def summarize(source: str) -> Summary:
    """Read and validate one workbook (path or fsspec URL) into its Summary; never raises for a bad file."""
    name = source.rstrip("/").rsplit("/", 1)[-1]
    out = Summary(source=source, name=name)
    tmp = None
    try:
        path, tmp = _local_copy(source)
        out.sha256 = _sha256(path)
        _refuse_encrypted(path)
        _fill(out, path)
    except RenjaError as exc:
        _failed(out, str(exc))
    except Exception as exc:  # noqa: BLE001 - a hostile file can trip any library; one file must not stop 22,000
        _failed(out, f"berkas '{name}' tidak dapat dibaca ({type(exc).__name__}: {exc}).")
        out.trace = traceback.format_exc()
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    return out


def _failed(out: Summary, message: str) -> None:
    out.ok = False
    out.findings = [REKAP_BERKAS("", "", "", message)]
    out.subs, out.parent_names, out.penunjang = [], {}, []


def _local_copy(source: str) -> tuple[Path, str | None]:
    """A local path for calamine: the file itself, or a private copy of a remote (fsspec) object."""
    if source.startswith("file://"):
        return Path(source[len("file://"):]), None
    if "://" not in source:
        return Path(source), None
    try:
        import fsspec
    except ImportError as exc:
        raise RenjaError("membaca URL memerlukan fsspec: pip install \"renja-xl[skala]\"") from exc
    tmp = tempfile.mkdtemp(prefix="renja-xl-rekap-")
    local = Path(tmp) / (source.rstrip("/").rsplit("/", 1)[-1] or "buku.xlsx")
    try:
        with fsspec.open(source, "rb") as src, open(local, "wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
    except (OSError, ValueError) as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise RenjaError(f"'{source}' tidak dapat diunduh ({exc}).") from exc
    return local, tmp


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    try:
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
    except FileNotFoundError as exc:
        raise RenjaError(f"berkas '{path}' tidak ditemukan.") from exc
    except IsADirectoryError as exc:
        raise RenjaError(f"'{path}' adalah folder, bukan buku kerja.") from exc
    return h.hexdigest()


def _refuse_encrypted(path: Path) -> None:
    """A password-protected xlsx is an OLE container with an EncryptedPackage stream: say so, not 'damaged'."""
    with open(path, "rb") as f:
        head = f.read(8)
        if head != _OLE_MAGIC:
            return
        data = f.read(4 << 20)
    if _ENCRYPTED in data:
        raise RenjaError(f"berkas '{path.name}' dilindungi kata sandi; minta perangkat daerah mengirim salinan "
                         "tanpa sandi (File > Info > Protect Workbook > Encrypt with Password: kosongkan).")
    raise RenjaError(f"berkas '{path.name}' adalah buku kerja Excel lama (.xls); simpan sebagai .xlsx.")


def _fill(out: Summary, path: Path) -> None:
    from renja_xl.engines.calamine_engine import CalamineBook
    from renja_xl.workbook.validation import check_grid

    renja, findings = check_grid(CalamineBook(path))
    out.findings = findings
    out.identitas = {k: renja.identitas.values.get(k) for k in _IDENTITAS_KEPT}
    t6 = renja.tabel6
    sub, program, kegiatan = Level.SUB_KEGIATAN, Level.PROGRAM, Level.KEGIATAN
    col_uraian = t6.spec.col("uraian")
    total = Decimal(0)
    held = set()
    bidang = str(out.identitas.get("kode_bidang_urusan") or "").strip()
    if bidang:
        held.add(bidang)
    programs = []
    for r in t6.rows:
        level = r.kode.level
        if level is sub:
            money = t6.money(r, "jumlah")
            total += money
            out.subs.append(SubRow(r.kode.text, r.kode.sort_key, _text(r.cells[col_uraian]), money, r.source_row))
            continue
        if not r.is_first:
            continue
        name = _text(r.cells[col_uraian])
        if name:
            out.parent_names.setdefault(r.kode.text, name)
        if level is program:
            programs.append(r)
            if r.kode.segments[-1] != "01":
                held.add(r.kode.parent.text)
    out.n_program = len(programs)
    out.n_kegiatan = sum(1 for r in t6.rows if r.is_first and r.kode.level is kegiatan)
    out.n_sub = len({s.kode for s in out.subs})
    out.total = total
    out.held_bidang = tuple(sorted(held))
    out.penunjang = [(r.kode.text, r.source_row or _first_row_under(r.kode.text, out.subs)) for r in programs
                     if r.kode.segments[-1] == "01" and r.kode.parent.text not in held]


def _first_row_under(kode: str, subs: list[SubRow]) -> int | None:
    """A program row inserted by the reader has no sheet row: the finding names its first typed sub kegiatan."""
    prefix = kode + "."
    return min((s.row for s in subs if s.kode.startswith(prefix) and s.row), default=None)


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def default_jobs() -> int:
    """The cores this process may use (a container's limit, not the host's count, where the OS tells it)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1
