"""Code names by nomenclature version. The package embeds the codes and names of its own example."""
from __future__ import annotations

import csv
from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=1)
def default_names() -> dict[str, str]:
    """kode -> official name, from the codes that occur in the embedded example (the seed)."""
    with resources.files("renja_xl").joinpath("data/nomenklatur_contoh.csv").open(encoding="utf-8") as fh:
        return {row["kode"]: row["nama"] for row in csv.DictReader(fh)}
