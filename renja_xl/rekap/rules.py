"""The ids of Bappeda's rekap checks (renja_xl/rekap/checks.py, pagu.py, summary.py): across the workbooks of a
pemda, never inside one workbook, so they are not in an OPD's Pengaturan Validasi sheet."""
from __future__ import annotations

from renja_xl.domain.findings import RuleInfo, Severity, declare

REKAP_BERKAS = declare("rekap.berkas", Severity.ERROR,
                       "Berkas tidak dapat dibaca sebagai buku kerja Renja (rusak, bersandi, format lain)")
REKAP_SUB_GANDA_OPD = declare("rekap.sub_ganda_opd", Severity.ERROR,
                              "Sub kegiatan yang sama diusulkan lebih dari satu perangkat daerah")
REKAP_PENUNJANG_BIDANG = declare("rekap.penunjang_bidang", Severity.WARNING,
                                 "Program penunjang di bidang urusan yang tidak diampu perangkat daerah")
REKAP_PAGU_OPD = declare("rekap.pagu_opd", Severity.ERROR,
                         "Total rencana perangkat daerah melebihi pagu indikatif surat Bappeda")
REKAP_TAHUN_BERBEDA = declare("rekap.tahun_berbeda", Severity.ERROR,
                              "Tahun rencana berbeda dari buku kerja lain dalam rekap")
REKAP_VERSI_BERBEDA = declare("rekap.versi_berbeda", Severity.WARNING,
                              "Versi nomenklatur berbeda dari buku kerja lain dalam rekap")
REKAP_OPD_GANDA = declare("rekap.opd_ganda", Severity.ERROR,
                          "Perangkat daerah yang sama (atau berkas yang sama) lebih dari sekali")
REKAP_PAGU_TANPA_OPD = declare("rekap.pagu_tanpa_opd", Severity.INFO,
                               "Pagu indikatif tercantum untuk perangkat daerah tanpa buku kerja")
REKAP_PAGU_ISIAN = declare("rekap.pagu_isian", Severity.WARNING, "Baris berkas pagu indikatif tidak dapat dibaca")

REKAP_RULES: tuple[RuleInfo, ...] = (REKAP_BERKAS, REKAP_SUB_GANDA_OPD, REKAP_PENUNJANG_BIDANG, REKAP_PAGU_OPD,
                                     REKAP_TAHUN_BERBEDA, REKAP_VERSI_BERBEDA, REKAP_OPD_GANDA, REKAP_PAGU_TANPA_OPD,
                                     REKAP_PAGU_ISIAN)


def every_rule() -> dict[str, RuleInfo]:
    """Every id a finding of a rekap may carry: the workbook's catalogue and the rekap's own."""
    from renja_xl.workbook.catalogue import by_id

    return {**by_id(), **{r.rule: r for r in REKAP_RULES}}
