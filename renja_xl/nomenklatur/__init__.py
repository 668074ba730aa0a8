"""Code lists (klasifikasi, kodefikasi dan nomenklatur) by version.

- ``model``     a list of one version and lookup (the generic penunjang program read with the agency's bidang)
- ``matching``  names compared as people type them
- ``importers`` the lampiran layout and the clean CSV read into a list
- ``store``     the embedded example list and the user-level store of imported versions

The names below are the package's public face; modules inside import from the module itself.
"""
from renja_xl.nomenklatur.importers import ImportResult, parse_csv_rows, parse_csv_text, parse_lampiran_block
from renja_xl.nomenklatur.matching import clean_text, name_key, same_name
from renja_xl.nomenklatur.model import LEVEL_BY_KEY, LEVEL_KEYS, STORE_FIELDS, Entry, Nomenklatur, NomenklaturError, jenis_key
from renja_xl.nomenklatur.store import (EMBEDDED_VERSI, ENV_HOME, default_names, embedded, list_versions, load_version,
                                        same_version, save_version, slug, store_dir)

__all__ = ["ImportResult", "parse_csv_rows", "parse_csv_text", "parse_lampiran_block", "clean_text", "name_key", "same_name",
           "LEVEL_BY_KEY", "LEVEL_KEYS", "STORE_FIELDS", "Entry", "Nomenklatur", "NomenklaturError", "jenis_key",
           "EMBEDDED_VERSI", "ENV_HOME", "default_names", "embedded", "list_versions", "load_version", "same_version",
           "save_version", "slug", "store_dir"]
