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

WINDOW_PER_WORKER = 2  # tasks in flight per worker: one running, one queued behind it
AHEAD_PER_WINDOW = 4
MAX_BATCH = 8  # files per task: 8 x 30-60 ms = a task of 0.2-0.5 s, long beside a task's scheduling cost
DASK_HINT = ('--dask memerlukan paket tambahan Dask: pip install "renja-xl[skala]" '
             '(memasang dask[distributed] dan fsspec).')


def summarize_batch(sources: Sequence[str]) -> list[Summary]:
    """Several files per task: a Dask task or a pool round trip costs about a millisecond on the coordinator
    (and on a shared 2-core machine competes with the workers), a 100-row workbook ~30 ms."""
    return [summarize(s) for s in sources]


def batch_size(n: int, workers: int) -> int:
    """About 8 tasks per worker, so the last tasks are short and no core waits long at the end."""
    return max(1, min(MAX_BATCH, n // (max(1, workers) * 8)))


def run_inline(sources: Sequence[str]) -> Iterator[tuple[int, Summary]]:
    for i, source in enumerate(sources):
        yield i, summarize(source)


class _Window:
    """Which task to submit next: at most `width` in flight, and none more than 4 x width past the first task
    not yet finished, so the results waiting for their turn in `in_order` stay bounded even behind a slow file."""

    def __init__(self, n: int, width: int):
        self.n, self.width = n, max(1, width)
        self.next = self.pending = self.frontier = 0
        self.done: set[int] = set()

    def ready(self) -> bool:
        return (self.next < self.n and self.pending < self.width
                and self.next < self.frontier + AHEAD_PER_WINDOW * self.width)

    def take(self) -> int:
        self.next += 1
        self.pending += 1
        return self.next - 1

    def finished(self, i: int) -> None:
        self.pending -= 1
        self.done.add(i)
        while self.frontier in self.done:
            self.done.remove(self.frontier)
            self.frontier += 1


def _tasks(n: int, workers: int) -> list[range]:
    size = batch_size(n, workers)
    return [range(a, min(n, a + size)) for a in range(0, n, size)]


def run_pool(sources: Sequence[str], jobs: int) -> Iterator[tuple[int, Summary]]:
    """A local process pool of `jobs` workers (fork on Linux: workers inherit the imported toolkit)."""
    tasks = _tasks(len(sources), jobs)
    window = _Window(len(tasks), jobs * WINDOW_PER_WORKER)
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        pending: dict = {}
        while True:
            while window.ready():
                t = window.take()
                pending[pool.submit(summarize_batch, [sources[i] for i in tasks[t]])] = t
            if not pending:
                return
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                t = pending.pop(fut)
                window.finished(t)
                yield from zip(tasks[t], fut.result())


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
        tasks = _tasks(len(sources), workers)
        window = _Window(len(tasks), workers * WINDOW_PER_WORKER)
        index: dict = {}
        stream = as_completed(with_results=True)  # the result comes with the future: no second round trip
        while True:
            while window.ready():
                t = window.take()
                fut = client.submit(summarize_batch, [sources[i] for i in tasks[t]], pure=False)
                index[fut.key] = t
                stream.add(fut)
            if not index:
                return
            fut, result = next(stream)
            t = index.pop(fut.key)
            fut.release()  # its result leaves the cluster's memory now
            window.finished(t)
            yield from zip(tasks[t], result)
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
