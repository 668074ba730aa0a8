"""Bappeda's rekap: consolidate the Renja workbooks of a pemda's perangkat daerah (issue 16).

summary (one workbook -> picklable Summary, runs in workers), runners (inline, process pool, Dask), merge
(in input order into SQLite), checks (cross-OPD, readiness), program / report (the sheets), pagu (ceilings),
html (charts as PNG). The command is renja_xl.app.rekap.
"""
