"""``make production``: the Monte Carlo chapter at its production scale (issue #13), distributed.

1. The end-point study of the chapter (:func:`supercrystal.book.tasks.fss_calls` at
   ``montecarlo.fss.SETTINGS["production"]``: every sample size x seed, largest first) is computed through
   :func:`supercrystal.engine.compute` on a Dask LocalCluster of ``--workers`` processes or an existing
   cluster (``--scheduler ADDRESS``); results go to the content-addressed cache, so an interrupted run
   resumes where it stopped and a cluster's results serve a laptop.  The study's results are then copied into
   the production archive ``data/production/`` (:func:`supercrystal.book.cache.archive`; commit it), which the
   committed chapter reads without ever computing it (a cold build stays minutes, not hours).  With it (not with
   ``--sizes``), the polar end points by finite-size scaling (:func:`polar_calls`; minutes).
2. The chapter ``sec5_monte_carlo`` is executed with ``production=True`` (papermill, through the same
   cache) into ``--out`` (default ``_build/production/``); the committed book is not touched.

``python -m supercrystal.book.production [--workers N | --scheduler ADDRESS] [--out DIR] [--study-only
[--sizes 3,4,5,6]]``.
Glue, not physics.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

CHAPTER = "sec5_monte_carlo"


def study_calls(T_room: float = 300.0, seed: int = 0, sizes=None) -> list:
    """The (task, kwargs) calls of the production end-point study on the chapter's default device (``sizes``:
    a subset of the production sizes, default all)."""
    from supercrystal import montecarlo as mc
    from supercrystal.book import tasks
    from supercrystal.units import kT_ev

    dev = mc.DeviceParams()
    cfg = mc.fss.SETTINGS["production"]
    kts = mc.fss.ladder(cfg["kT_range"], cfg["rungs"], [kT_ev(T_room) / dev.model().unit_ev])
    if sizes is not None and not set(sizes) <= set(cfg["sizes"]):
        raise ValueError(f"sizes must be among the production sizes {list(cfg['sizes'])} (got {sorted(sizes)})")
    return tasks.fss_calls(dev, kts, cfg["sizes"] if sizes is None else sorted(sizes), cfg["seeds"], cfg["n_equil"], cfg["n_measure"], cfg["sweeps"],
                           cfg["pilots"], seed)


def polar_calls(seed: int = 0) -> list:
    """The (task, kwargs) calls of the polar end points by finite-size scaling
    (:func:`supercrystal.book.claims.polar_end_point_calls`, every material of ``POLAR_FSS_MATERIALS``)."""
    from supercrystal.book import claims

    return [c for name in claims.POLAR_FSS_MATERIALS for c in claims.polar_end_point_calls(name, seed)[2]]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m supercrystal.book.production", description=__doc__.splitlines()[0])
    where = ap.add_mutually_exclusive_group()
    where.add_argument("--workers", type=int, default=None, help="local Dask worker processes (default: every core)")
    where.add_argument("--scheduler", default=None, help="address of an existing Dask scheduler (tcp://host:8786)")
    ap.add_argument("--out", type=Path, default=Path("_build/production"), help="where the executed chapter goes")
    ap.add_argument("--study-only", action="store_true", help="compute the end-point study, do not run the chapter")
    ap.add_argument("--sizes", default=None,
                    help="comma-separated subset of the production sizes (with --study-only), e.g. 3,4,5,6")
    args = ap.parse_args(argv)
    from supercrystal import engine
    from supercrystal.book import cache, runner, sources

    try:
        sizes = None if args.sizes is None else [int(x) for x in args.sizes.split(",")]
        if sizes is not None and not args.study_only:
            raise ValueError("--sizes computes part of the study: give --study-only too")
        calls = study_calls(sizes=sizes) + ([] if sizes is not None else polar_calls())
        with engine.client(args.workers, args.scheduler) as client:
            engine.compute(calls, client=client, progress=True)
        copied = cache.archive(calls)
        print(f"production: {len(calls)} results in {cache.archive_dir()} ({copied} copied there now)")
    except ValueError as exc:
        print(f"production: {exc}", file=sys.stderr)
        return 2
    if args.study_only:
        return 0
    runner.execute_one(sources.ROOT / "book" / f"{CHAPTER}.md", args.out / f"{CHAPTER}.ipynb",
                       parameters={"production": True})
    print(f"production: {args.out / (CHAPTER + '.ipynb')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
