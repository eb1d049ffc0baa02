"""The distributed engine of the Monte Carlo sweeps (Sec. V): cached tasks run through Dask.

A sweep (temperatures x spreads x sample sizes x seeds x voltages) is a list of *calls* of cached tasks
(:mod:`supercrystal.book.tasks`, e.g. :func:`~supercrystal.book.tasks.mc_equilibrium_point`), each a pure
function of its parameters, seeded from them (:func:`~supercrystal.book.tasks.point_seed`).
:func:`compute` looks every call up in the content-addressed cache (:mod:`supercrystal.book.cache`), sends
the missing ones to Dask workers, checks that each worker ran the same code (the task's fingerprint),
stores the results in this machine's cache and returns all results in the order of the calls.  So

* a result depends only on its parameters, never on the number of workers or the order they finish in
  (``supercrystal mc ... --workers 1`` and ``--workers 2`` print the same JSON);
* a rerun on a cluster and a rerun on a laptop share results: the cluster's results land in the cache of
  the machine that asked for them (and in the workers' own caches when they share a file system), keyed
  by parameters and code.

Where the work runs (:func:`client`): a ``dask.distributed.LocalCluster`` of ``workers`` single-threaded
processes (default: every core), or an existing cluster given by its scheduler address
(``tcp://host:8786``; start one with ``dask scheduler`` and ``dask worker ADDRESS --nthreads 1`` on each
machine, every worker with this package installed at the same commit).  On a batch system (SLURM, PBS,
SGE, LSF, HTCondor) ``dask-jobqueue`` starts the workers as batch jobs; pass its scheduler address, or
build the client in Python::

    from dask_jobqueue import SLURMCluster
    from dask.distributed import Client
    cluster = SLURMCluster(cores=1, processes=1, memory="2GB", walltime="04:00:00")
    cluster.scale(jobs=64)
    results = engine.compute(calls, client=Client(cluster))

This module is glue, outside the physics packages (which never import the cache or Dask).
"""
from __future__ import annotations

import logging
import os
import sys
from contextlib import contextmanager
from typing import Iterator

from supercrystal.book import cache


def _work(name: str, kwargs: dict):
    """Worker side: the task call's (result, fingerprint of the code that computed it, compute seconds)."""
    from supercrystal.book import tasks  # noqa: F401 - defines every task in the worker process

    t = cache.registry()[name]
    result, prov = t.run(**kwargs)
    return result, prov.fingerprint, prov.compute_seconds


@contextmanager
def client(workers: int | None = None, scheduler: str | None = None) -> Iterator:
    """A dask.distributed Client: on an existing cluster (``scheduler`` address) or on a LocalCluster of
    ``workers`` single-threaded processes (default: the machine's cores).  Closed on exit."""
    from dask.distributed import Client, LocalCluster

    if scheduler is not None and workers is not None:
        raise ValueError("give either workers or scheduler, not both")
    if scheduler is not None:
        try:
            c = Client(scheduler, timeout="10s")
        except (OSError, TimeoutError, ValueError) as exc:
            raise ValueError(f"scheduler {scheduler!r} cannot be reached ({type(exc).__name__}: {exc})") from None
        try:
            yield c
        finally:
            c.close()
        return
    n = int(workers) if workers is not None else (os.cpu_count() or 1)
    if n < 1:
        raise ValueError(f"workers must be >= 1 (got workers={workers!r})")
    cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None,
                           silence_logs=logging.ERROR)
    try:
        c = Client(cluster)
        try:
            yield c
        finally:
            c.close()
    finally:
        cluster.close()


def compute(calls, client=None, progress: bool = False, cached_only: bool = False) -> list:
    """Results of the task ``calls`` ((task, kwargs) pairs) in their order: from the cache where held, the
    rest computed on the Dask ``client`` (None: in this process, one after the other), stored in the
    cache, then read back.  ``progress``: a tqdm bar on stderr over the computed calls.  ``cached_only``:
    compute nothing; raise :class:`supercrystal.book.cache.NotArchived` (saying how many are missing) unless
    every result is held (a production run read by a book build).  Raises RuntimeError when a worker ran
    other code (another fingerprint)."""
    calls = [(t, dict(kw)) for t, kw in calls]
    todo = [(t, kw) for t, kw in calls if not t.available(**kw)]
    if todo and cached_only:
        names = sorted({t.name for t, _ in todo})
        raise cache.NotArchived(f"{len(todo)} of {len(calls)} results ({', '.join(names)}) are not held for the current "
                          f"code: compute them with `{cache.ARCHIVE_COMMAND}` (hours) or drop cached_only")
    seen, unique = set(), []
    for t, kw in todo:  # the same call twice is computed once
        k = t.key(t.params(**kw), t.fingerprint())
        if k not in seen:
            seen.add(k)
            unique.append((k, t, kw))
    if unique and client is not None:
        from dask.distributed import as_completed

        futures = {client.submit(_work, t.name, kw, key=k, pure=False): (t, kw) for k, t, kw in unique}
        done = as_completed(futures)
        if progress:
            from tqdm import tqdm

            done = tqdm(done, total=len(futures), file=sys.stderr, desc="Monte Carlo tasks")
        for fut in done:
            t, kw = futures[fut]
            result, fp, seconds = fut.result()
            if fp != t.fingerprint():
                raise RuntimeError(f"a worker computed {t.name} with other code (fingerprint {fp}, here "
                                   f"{t.fingerprint()}): install the same commit on every worker")
            if not t.available(**kw):
                t.store(result, **kw, seconds=seconds)
    elif unique:
        it = unique
        if progress:
            from tqdm import tqdm

            it = tqdm(unique, file=sys.stderr, desc="Monte Carlo tasks")
        for _, t, kw in it:
            t(**kw)
    return [t(**kw) for t, kw in calls]
