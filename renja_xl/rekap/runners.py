"""Where `summarize` runs: in this process, in a local process pool, or on a Dask cluster.

Every runner yields (index, Summary) as results complete; `in_order` hands them to the merge in input order,
holding only those that finished early. Submission is windowed (a few tasks per worker in flight), so neither the
pool's queue nor the results waiting for their turn grow with the number of files. The scheduling itself is
concurrent.futures' or Dask's.
"""
from __future__ import annotations

import logging
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from typing import Iterable, Iterator, Sequence

from renja_xl.domain.errors import RenjaError
from renja_xl.rekap.summary import Summary, summarize

WINDOW_PER_WORKER = 4
DASK_HINT = ('--dask memerlukan paket tambahan Dask: pip install "renja-xl[skala]" '
             '(memasang dask[distributed] dan fsspec).')


def run_inline(sources: Sequence[str]) -> Iterator[tuple[int, Summary]]:
    for i, source in enumerate(sources):
        yield i, summarize(source)


def run_pool(sources: Sequence[str], jobs: int) -> Iterator[tuple[int, Summary]]:
    """A local process pool of `jobs` workers (fork on Linux: workers inherit the imported toolkit)."""
    window = max(1, jobs * WINDOW_PER_WORKER)
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        pending: dict = {}
        todo = iter(enumerate(sources))
        for i, source in todo:
            pending[pool.submit(summarize, source)] = i
            if len(pending) >= window:
                break
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                i = pending.pop(fut)
                yield i, fut.result()
                nxt = next(todo, None)
                if nxt is not None:
                    pending[pool.submit(summarize, nxt[1])] = nxt[0]


def dask_client(address: str, jobs: int):
    """A distributed Client on an existing scheduler, or on a LocalCluster ('lokal') of `jobs` processes."""
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise RenjaError(DASK_HINT) from exc
    if address.strip().lower() in ("lokal", "local"):
        cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address=None,
                               silence_logs=logging.ERROR)
        return Client(cluster), cluster
    try:
        return Client(address, timeout="20s"), None
    except (OSError, TimeoutError) as exc:
        raise RenjaError(f"scheduler Dask '{address}' tidak dapat dihubungi ({exc}). Periksa alamatnya "
                         "(misalnya tcp://10.0.0.5:8786) dan bahwa dask-scheduler berjalan.") from exc


def run_dask(sources: Sequence[str], address: str, jobs: int) -> Iterator[tuple[int, Summary]]:
    """The same `summarize` on Dask workers; inputs must be readable there (shared paths or fsspec URLs)."""
    client, cluster = dask_client(address, jobs)  # first: says how to install Dask when it is missing
    from distributed import as_completed

    try:
        workers = max(1, len(client.scheduler_info().get("workers", {})) or jobs)
        window = workers * WINDOW_PER_WORKER
        todo = iter(enumerate(sources))
        index = {}
        first = []
        for i, source in todo:
            fut = client.submit(summarize, source, pure=False)
            index[fut.key] = i
            first.append(fut)
            if len(first) >= window:
                break
        stream = as_completed(first)
        for fut in stream:
            i = index.pop(fut.key)
            result = fut.result()
            fut.release()
            yield i, result
            nxt = next(todo, None)
            if nxt is not None:
                new = client.submit(summarize, nxt[1], pure=False)
                index[new.key] = nxt[0]
                stream.add(new)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def in_order(results: Iterable[tuple[int, Summary]]) -> Iterator[Summary]:
    """Completion order -> input order; only results that finished before their turn wait here."""
    waiting: dict[int, Summary] = {}
    turn = 0
    for i, s in results:
        waiting[i] = s
        while turn in waiting:
            yield waiting.pop(turn)
            turn += 1
