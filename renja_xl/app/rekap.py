"""`renja-xl rekap`: consolidate OPD workbooks into one rekap workbook (and an HTML page of its charts)."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

from renja_xl.domain.errors import RenjaError
from renja_xl.domain.findings import Finding
from renja_xl.rekap.rules import REKAP_PAGU_TANPA_OPD
from renja_xl.rekap import checks, pagu as pagu_file, report
from renja_xl.rekap.inputs import expand
from renja_xl.rekap.merge import Merge, Record
from renja_xl.rekap.runners import in_order, run_dask, run_inline, run_pool
from renja_xl.rekap.summary import Summary, default_jobs

Progress = Callable[[int, int, Summary], None]  # (done, total, the summary just merged)


@dataclass
class RekapOutcome:
    output: Path
    html: Path | None
    records: list[Record]
    total: Decimal
    cross: list[tuple[str, Finding]]  # (file name or '(rekap)', finding) of the cross-OPD checks
    backup: Path | None = None
    seconds: float = 0.0
    runner: str = ""
    write_seconds: float = 0.0  # of `seconds`: the coordinator's checks and the writing of the rekap (serial)
    pagu_notes: list[Finding] = field(default_factory=list)

    @property
    def failed(self) -> list[Record]:
        return [r for r in self.records if not r.ok]


def rekap(inputs: Sequence[str], output: Path, pagu: Path | None = None, jobs: int | None = None,
          dask: str | None = None, html: bool = False, on_progress: Progress | None = None) -> RekapOutcome:
    start = time.perf_counter()
    output = Path(output)
    if output.suffix.lower() != ".xlsx":
        raise RenjaError(f"berkas rekap '{output.name}' harus berakhiran .xlsx.")
    sources = expand(inputs, exclude=[output] + ([pagu] if pagu else []))
    ceilings, notes = pagu_file.read_pagu(Path(pagu)) if pagu else ([], [])
    jobs = jobs or default_jobs()
    if dask:
        results, runner = run_dask(sources, dask, jobs), f"dask {dask}"
    elif jobs == 1 or len(sources) == 1:
        results, runner = run_inline(sources), "satu proses"
    else:
        results, runner = run_pool(sources, jobs), f"{jobs} proses"
    with Merge(output.parent if output.parent.exists() else None) as merge:
        state: dict = {}

        def build(tmp: Path) -> None:
            """Merge each result as it arrives (its findings go to the Temuan sheet at once, overlapping the
            writing with the workers), then the cross-OPD checks and the sheets that need every workbook."""
            from renja_xl.engines.rekap_xlsx import RekapBook

            book = RekapBook(tmp)
            try:
                sheet_ringkasan, sheet_program = book.sheet(report.RINGKASAN), book.sheet(report.REKAP_PROGRAM)
                temuan = report.TemuanSheet(book.sheet(report.TEMUAN))
                for n, summary in enumerate(in_order(_arrivals(results, runner)), start=1):
                    rec = merge.add(summary)
                    _ceiling(rec, ceilings)
                    temuan.add(rec, ((f.severity, f.rule, f.sheet, f.cell, f.code, f.message)
                                     for f in summary.findings))
                    if on_progress is not None:
                        on_progress(n, len(sources), summary)
                state["merged"] = time.perf_counter()
                _cross_checks(merge, ceilings, notes, pagu is not None)
                temuan.finish(merge)
                pemda = _title(merge.records)[len("Rekap Renja Perangkat Daerah "):].upper()
                for sheet, spec in ((sheet_ringkasan, report.ringkasan(merge.records, pemda)),
                                    (sheet_program, report.rekap_program(merge, pemda))):
                    sheet.start(spec).write(spec.rows)
                book.grafik(report.grafik(merge.records))
            finally:
                book.close()

        backup = _save(output, build)
        cross = [(merge.records[idx].name if idx >= 0 else "(rekap)", Finding(rule, sev, sh, cell, code, msg))
                 for idx, sev, rule, sh, cell, code, msg in merge.temuan() if rule.startswith("rekap.")
                 and rule != "rekap.berkas"]
        html_path = None
        if html:
            from renja_xl.rekap.html import write_html

            html_path = output.with_suffix(".html")
            write_html(html_path, merge.records, _title(merge.records), output.name)
        records = merge.records
    end = time.perf_counter()
    return RekapOutcome(output, html_path, records, sum((r.total for r in records), Decimal(0)), cross, backup,
                        end - start, runner, end - state["merged"], notes)


def _arrivals(results: Iterable[tuple[int, Summary]], runner: str) -> Iterator[tuple[int, Summary]]:
    """The runner's results; its connection failing (an OSError, e.g. a Dask worker lost) is not the rekap file
    failing to be written, which is what atomic_save would make of an OSError raised inside it."""
    try:
        yield from results
    except OSError as exc:
        raise RenjaError(f"pelaksana rekap ({runner}) terputus: {exc}. Ulangi; bila berulang, periksa klaster "
                         "atau jalankan tanpa --dask.") from exc


def _cross_checks(merge: Merge, ceilings: list[pagu_file.Ceiling], notes: list[Finding], ceilings_given: bool) -> None:
    checks.run_checks(merge, ceilings_given=ceilings_given)
    for c in ceilings:
        if not c.used:
            merge.add_cross(None, REKAP_PAGU_TANPA_OPD(
                pagu_file.SHEET, f"B{c.row}", "",
                f"pagu indikatif {c.name or c.short} tercantum, tetapi buku kerjanya tidak ada dalam rekap."))
    for n in notes:
        merge.add_cross(None, n)
    for rec in merge.records:
        rec.score = checks.readiness(rec)


def _ceiling(rec: Record, ceilings: list[pagu_file.Ceiling]) -> None:
    found = pagu_file.match(ceilings, rec.identitas.get("nama_perangkat_daerah"), rec.identitas.get("singkatan"))
    if found is not None and rec.ok:
        found.used = True
        rec.ceiling, rec.ceiling_source = found.pagu, "surat"
    elif isinstance(rec.identitas.get("pagu_indikatif"), Decimal):
        rec.ceiling, rec.ceiling_source = rec.identitas["pagu_indikatif"], "identitas"


def _title(records: list[Record]) -> str:
    pemda = next((str(r.identitas.get("pemerintah_daerah")) for r in records if r.identitas.get("pemerintah_daerah")),
                 "")
    return f"Rekap Renja Perangkat Daerah {pemda}".strip()


def _save(output: Path, build: Callable[[Path], None]) -> Path | None:
    from renja_xl.fileio.files import atomic_save

    try:
        return atomic_save(output, build)
    except PermissionError as exc:
        raise RenjaError(f"berkas '{output.name}' tidak dapat ditulis ({exc.strerror}); tutup dulu di Excel, lalu "
                         "ulangi.") from exc


def write_pagu_template(out: Path) -> Path:
    from renja_xl.engines.rekap_xlsx import write_pagu_template as draw
    from renja_xl.fileio.files import atomic_save

    out = Path(out)
    p = pagu_file
    atomic_save(out, lambda tmp: draw(tmp, p.SHEET, p.TITLE, p.NOTE, p.HEADERS, p.WIDTHS, p.PETUNJUK))
    return out
