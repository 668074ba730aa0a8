"""Settings from the environment, read in one place.

- ``RENJA_XL_HOME``: the folder of the toolkit's own data (imported nomenclature lists in ``nomenklatur/``);
  unset, the platform's user data folder (platformdirs). Tests point it at a temporary folder.
- ``RENJA_XL_SOFFICE``: the LibreOffice program to run; unset, ``soffice`` or ``libreoffice`` on the PATH.
- ``RENJA_XL_REQUIRE_LIBREOFFICE``: set by CI, so that tests needing LibreOffice fail instead of skipping.
"""
from __future__ import annotations

import os
from pathlib import Path

ENV_HOME = "RENJA_XL_HOME"
ENV_SOFFICE = "RENJA_XL_SOFFICE"
ENV_REQUIRE_LIBREOFFICE = "RENJA_XL_REQUIRE_LIBREOFFICE"


def home() -> Path | None:
    value = os.environ.get(ENV_HOME)
    return Path(value) if value else None


def soffice() -> str | None:
    return os.environ.get(ENV_SOFFICE) or None


def require_libreoffice() -> bool:
    return bool(os.environ.get(ENV_REQUIRE_LIBREOFFICE))
