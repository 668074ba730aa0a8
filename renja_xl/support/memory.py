"""The cyclic garbage collector, paused around the steps that build millions of objects, and the garbage of
those steps reclaimed before the next one in a long-lived process (xlwings keeps Python alive between button
presses; the Excel functions live in one process all day)."""
from __future__ import annotations

import gc
import threading
from contextlib import contextmanager
from typing import Callable, Iterator

# A full collection is due when the objects that came out of pauses since the last one outnumber a quarter of
# the heap it left (CPython's own rule for its oldest generation, which never sees those objects counted),
# and at least this many: a small Excel function call does not pay for a collection.
MIN_SURVIVORS = 20_000

_lock = threading.Lock()
_depth = 0  # pauses open in this process (nested steps, other threads)
_survivors = 0  # objects moved to the oldest generation by pauses since the last full collection
_heap_after_collection = 0
_full_collections = 0  # gc's own count, to notice a collection made by someone else
_reclaim_hooks: list[Callable[[], object]] = []


def on_reclaim(hook: Callable[[], object]) -> None:
    """Run `hook` after each full collection made here (the code intern table drops codes nobody holds)."""
    _reclaim_hooks.append(hook)


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while a library builds or walks millions of objects.

    Loading a 100k-row sheet with openpyxl creates millions of objects; every full collection then walks
    all of them, which costs seconds per load or save. Reference counting still frees everything as usual;
    only cycles wait until the collector is back on (its previous state is restored).

    On the way out, what survived is moved to the oldest generation (`freeze` + `unfreeze`) rather than left
    in the youngest: otherwise the first allocation after the pause makes the collector scan all of it at once
    (0.1 s per million objects, bench/README.md). CPython does not count objects moved there, so it would never
    collect the oldest generation again and the cycles of every load (an openpyxl workbook is one) would stay
    for good: they are counted here, and the first pause of the next step collects them when they are due.
    A command-line run is one pause (the CLI holds one around the whole command) and never pays for that.
    """
    global _depth, _survivors
    with _lock:
        outermost = _depth == 0
        _depth += 1
    if outermost:
        _reclaim_if_due()
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        with _lock:
            _survivors += gc.get_count()[0]  # net objects made since the last freeze (freeze resets the count)
            gc.freeze()
            gc.unfreeze()
            _depth -= 1
        if enabled:
            gc.enable()


def _reclaim_if_due() -> None:
    global _survivors, _heap_after_collection, _full_collections
    done = gc.get_stats()[2]["collections"]
    if done != _full_collections:  # a collection ran since (the interpreter's own, or a caller's gc.collect())
        _full_collections = done
        _survivors = 0
        return
    if _survivors < max(MIN_SURVIVORS, _heap_after_collection // 4):
        return
    gc.collect()
    for hook in _reclaim_hooks:
        hook()
    gc.freeze()  # the size of the heap left, counted by the interpreter
    _heap_after_collection = gc.get_freeze_count()
    gc.unfreeze()
    _survivors = 0
    _full_collections = gc.get_stats()[2]["collections"]
