"""Which list a version name stands for: an imported one (the user's store) first, else the built-in one.

An import wins over the built-in list of the same version so that a user can correct or complete it
(for example with the provinsi lampiran of a version built in for kabupaten/kota only).
"""
from __future__ import annotations

from dataclasses import dataclass

from renja_xl.domain.versi import KNOWN_VERSIONS, known_version
from renja_xl.nomenklatur.builtin import builtin_meta, load_builtin
from renja_xl.nomenklatur.model import Nomenklatur
from renja_xl.nomenklatur.store import load_version

_JENIS_LABEL = {"provinsi": "provinsi", "kabkota": "kabupaten/kota"}


@dataclass
class ResolvedList:
    nomenklatur: Nomenklatur | None  # seen by the workbook's kind of pemda; None when there is no list
    origin: str = ""                 # "impor" | "bawaan" | ""
    note: str = ""                   # why there is no list, and how to get one


def how_to_import(versi: str) -> str:
    """The commands that give a version its list: the full lampiran, or the decree's changes to the one before."""
    known = known_version(versi)
    name = known.nama if known else versi
    full = f"renja-xl nomenklatur import LAMPIRAN.xlsx --versi '{name}'"
    if known is not None:
        i = KNOWN_VERSIONS.index(known)
        if i > 0:
            base = KNOWN_VERSIONS[i - 1].nama
            return (f"{full}, atau perubahannya atas versi sebelumnya: renja-xl nomenklatur import PERUBAHAN.csv "
                    f"--versi '{name}' --dasar '{base}'")
    return full


def resolve_list(versi: str, jenis_pemda: str | None = None) -> ResolvedList:
    """The list of a version for a kind of pemda (None: both lampiran)."""
    nom = load_version(versi)
    if nom is not None:
        return ResolvedList(nom.view(jenis_pemda), "impor")
    meta = builtin_meta(versi)
    if meta is None:
        known = known_version(versi)
        what = f"{known.nama} ({known.tanggal_teks})" if known else f"'{versi}'"
        return ResolvedList(None, "", f"nomenklatur {what} tidak termasuk daftar bawaan dan belum diimpor. "
                                      f"Impor daftarnya: {how_to_import(versi)}.")
    covered = meta.get("jenis_pemda") or ["provinsi", "kabkota"]
    if jenis_pemda and jenis_pemda not in covered:
        return ResolvedList(None, "", f"daftar bawaan '{meta['versi']}' hanya memuat lampiran "
                                      f"{' dan '.join(_JENIS_LABEL[j] for j in covered)}; impor lampiran "
                                      f"{_JENIS_LABEL[jenis_pemda]}: {how_to_import(versi)}.")
    return ResolvedList(load_builtin(versi).view(jenis_pemda), "bawaan")
