"""`--html`: the charts of the Grafik sheet as PNG in an HTML page beside the rekap workbook.

matplotlib (an extra of `renja-xl[skala]`) draws them: LibreOffice could render the native charts too, but a
headless office start costs seconds per run and its chart export cannot be sized per number of agencies.
"""
from __future__ import annotations

import base64
import html
import io
from pathlib import Path

from renja_xl.domain.errors import RenjaError
from renja_xl.domain.fmt import rupiah
from renja_xl.rekap.merge import Record

HINT = '--html memerlukan matplotlib: pip install "renja-xl[skala]"'


def _png(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    return base64.b64encode(buf.getvalue()).decode()


def charts(records: list[Record]) -> list[tuple[str, str]]:
    """(title, base64 PNG) of the two charts."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from matplotlib.ticker import FuncFormatter
    except ImportError as exc:
        raise RenjaError(HINT) from exc
    labels = [r.label() for r in records]
    y = list(range(len(records)))
    height = max(3.0, 0.32 * len(records) + 1.2)
    out = []
    fig, ax = plt.subplots(figsize=(10, height))
    ax.barh([v - 0.2 for v in y], [float(r.total) for r in records], height=0.4, label="Total Pagu Tabel 6")
    ax.barh([v + 0.2 for v in y], [float(r.ceiling or 0) for r in records], height=0.4, label="Pagu Indikatif")
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v / 1e9:,.1f} M".replace(".", ",")))
    ax.set_xlabel("miliar rupiah")
    ax.legend()
    out.append(("Pagu per perangkat daerah terhadap pagu indikatif", _png(fig)))
    plt.close(fig)
    fig, ax = plt.subplots(figsize=(10, height))
    left = [0] * len(records)
    for key, label in (("error", "Galat"), ("warning", "Peringatan"), ("info", "Info"), ("cross", "Lintas OPD")):
        values = [r.cross if key == "cross" else r.counts[key] for r in records]
        ax.barh(y, values, left=left, label=label)
        left = [a + b for a, b in zip(left, values)]
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.set_xlabel("jumlah temuan")
    ax.legend()
    out.append(("Temuan per perangkat daerah", _png(fig)))
    plt.close(fig)
    return out


def render(records: list[Record], title: str, workbook_name: str) -> str:
    parts = [f"<!DOCTYPE html><html lang='id'><head><meta charset='utf-8'><title>{html.escape(title)}</title>",
             "<style>body{font-family:sans-serif;margin:2em}td,th{border:1px solid #999;padding:2px 6px}"
             "table{border-collapse:collapse}td.n{text-align:right}</style></head><body>",
             f"<h1>{html.escape(title)}</h1><p>Buku kerja rekap: {html.escape(workbook_name)}; "
             f"{len(records)} berkas.</p>"]
    for chart_title, png in charts(records):
        parts.append(f"<h2>{html.escape(chart_title)}</h2><img alt='{html.escape(chart_title)}' "
                     f"src='data:image/png;base64,{png}'>")
    parts.append("<h2>Ringkasan</h2><table><tr><th>Perangkat Daerah</th><th>Total Pagu</th><th>Pagu Indikatif</th>"
                 "<th>Galat</th><th>Peringatan</th><th>Info</th><th>Lintas OPD</th><th>Skor</th></tr>")
    for r in records:
        parts.append(f"<tr><td>{html.escape(r.label())}</td><td class='n'>{rupiah(r.total)}</td>"
                     f"<td class='n'>{rupiah(r.ceiling) if r.ceiling is not None else '-'}</td>"
                     f"<td class='n'>{r.counts['error']}</td><td class='n'>{r.counts['warning']}</td>"
                     f"<td class='n'>{r.counts['info']}</td><td class='n'>{r.cross}</td>"
                     f"<td class='n'>{str(r.score).replace('.', ',')}%</td></tr>")
    parts.append("</table></body></html>")
    return "".join(parts)


def write_html(path: Path, records: list[Record], title: str, workbook_name: str) -> None:
    from renja_xl.fileio.files import atomic_save

    page = render(records, title, workbook_name)
    atomic_save(path, lambda tmp: tmp.write_text(page, encoding="utf-8"), keep_backup=False)
