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

    On the way out, what survived is moved to the oldest generation (`freeze` + `unfreeze`) rather than left
    in the youngest: otherwise the first allocation after the pause makes the collector scan all of it at once
    (0.1 s per million objects, bench/README.md). Cycles among them are still found by the next full
    collection.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.unfreeze()
        if enabled:
            gc.enable()
