"""`renja-xl rekap`: consolidate OPD workbooks into one rekap workbook (and an HTML page of its charts)."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Callable, Sequence

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
        for n, summary in enumerate(in_order(results), start=1):
            rec = merge.add(summary)
            _ceiling(rec, ceilings)
            if on_progress is not None:
                on_progress(n, len(sources), summary)
        merged = time.perf_counter()
        checks.run_checks(merge, ceilings_given=pagu is not None)
        for c in ceilings:
            if not c.used:
                merge.add_cross(None, REKAP_PAGU_TANPA_OPD(
                    pagu_file.SHEET, f"B{c.row}", "",
                    f"pagu indikatif {c.name or c.short} tercantum, tetapi buku kerjanya tidak ada dalam rekap."))
        for n in notes:
            merge.add_cross(None, n)
        for rec in merge.records:
            rec.score = checks.readiness(rec)
        cross = [(merge.records[idx].name if idx >= 0 else "(rekap)", Finding(rule, sev, sh, cell, code, msg))
                 for idx, sev, rule, sh, cell, code, msg in merge.temuan() if rule.startswith("rekap.")
                 and rule != "rekap.berkas"]
        backup = _write(merge, output)
        html_path = None
        if html:
            from renja_xl.rekap.html import write_html

            html_path = output.with_suffix(".html")
            write_html(html_path, merge.records, _title(merge.records), output.name)
        records = merge.records
    end = time.perf_counter()
    return RekapOutcome(output, html_path, records, sum((r.total for r in records), Decimal(0)), cross, backup,
                        end - start, runner, end - merged, notes)


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


def _write(merge: Merge, output: Path) -> Path | None:
    from renja_xl.engines.rekap_xlsx import write_rekap
    from renja_xl.fileio.files import atomic_save

    pemda = _title(merge.records)[len("Rekap Renja Perangkat Daerah "):].upper()
    try:
        return atomic_save(output, lambda tmp: write_rekap(tmp, report.sheets(merge, pemda),
                                                           report.grafik(merge.records)))
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
