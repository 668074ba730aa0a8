"""The known versions of the national code list (Kepmendagri), with their metadata.

Pure data: the Identitas dropdown (layout LISTS) offers these names; validation matches what a user typed to
one of them by the decree's number (`050-5889`), so "Kepmendagri Nomor 050-5889 Tahun 2021" is the same
version. Whether a version's list is built in, imported or missing is decided in `renja_xl.nomenklatur`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class KnownVersion:
    nomor: str        # the decree's number: 050-3708, 900.1.15.5-1317
    nama: str         # the name offered in Identitas
    tanggal: date     # date of the decree
    sub_digits: int   # digits of the sub kegiatan number
    standar: bool     # carries the standard kinerja / indikator / satuan of every sub kegiatan
    keterangan: str

    @property
    def tanggal_teks(self) -> str:
        return f"{self.tanggal.day} {_MONTHS[self.tanggal.month - 1]} {self.tanggal.year}"


_MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
           "November", "Desember")

KNOWN_VERSIONS: tuple[KnownVersion, ...] = (
    KnownVersion("050-3708", "Kepmendagri 050-3708 Tahun 2020", date(2020, 10, 5), 2, False,
                 "pemutakhiran Permendagri 90/2019; daftar lengkap, lampiran provinsi dan kabupaten/kota"),
    KnownVersion("050-5889", "Kepmendagri 050-5889 Tahun 2021", date(2021, 12, 27), 2, False,
                 "pemutakhiran kedua; sub kegiatan 2 digit"),
    KnownVersion("900.1.15.5-1317", "Kepmendagri 900.1.15.5-1317 Tahun 2023", date(2023, 6, 23), 4, True,
                 "sub kegiatan 4 digit; kinerja, indikator dan satuan standar per sub kegiatan"),
    KnownVersion("900.1.15.5-3406", "Kepmendagri 900.1.15.5-3406 Tahun 2024", date(2024, 8, 27), 4, True,
                 "perubahan atas daftar 2023"),
    KnownVersion("900.1-2850", "Kepmendagri 900.1-2850 Tahun 2025", date(2025, 7, 31), 4, True,
                 "perubahan atas daftar 2024"),
    KnownVersion("900.1-861", "Kepmendagri 900.1-861 Tahun 2026", date(2026, 5, 7), 4, True,
                 "perubahan atas daftar 2025"),
)

VERSION_NAMES: tuple[str, ...] = tuple(v.nama for v in KNOWN_VERSIONS)

# A decree number: "050-3708", "900.1.15.5-1317", "900.1-861".
REG_NUMBER = re.compile(r"\d{3}(?:\.\d+)*-\d{3,5}")


def decree_number(text: str) -> str | None:
    m = REG_NUMBER.search(text or "")
    return m.group(0) if m else None


def known_version(text: str) -> KnownVersion | None:
    """The known version a name refers to, matched by its decree number."""
    number = decree_number(text)
    if number is None:
        return None
    for v in KNOWN_VERSIONS:
        if v.nomor == number:
            return v
    return None
