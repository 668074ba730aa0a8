"""The cyclic garbage collector, paused around the steps that build millions of objects."""
from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while a library builds or walks millions of objects.

    Loading a 100k-row sheet with openpyxl creates millions of objects; every full collection then walks
    all of them, which costs seconds per load or save. Reference counting still frees everything as usual;
    only cycles wait until the collector is back on (its previous state is restored).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
