"""Clusters of 1..n NC shells solved as nested sub-blocks: ratios against rebuilding each (issue 15).

    OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/bench_clusters.py [--lattice fcc] [--rho 0.5]
        [--no-previous]

:func:`~supercrystal.spheres.metal.cluster_energies` (one assembly of the largest cluster, couplings once
per distinct separation, one block elimination for all the clusters) against two yardsticks measured in
the same run:

* one by one: the loop the previous ``cluster_energies`` ran (each cluster assembled and factorised
  from scratch, copied below), with today's solver: the gain of the nesting alone;
* previous: ``cluster_energies`` of the package before the speed work, in a subprocess: the whole gain.

CPU time (time.process_time) of each; the energies must agree to rounding.
"""
import argparse
import time

import numpy as np

from _previous import previous_src, run_child
from supercrystal.spheres import metal

CHILD = r'''
import json, sys, time
from supercrystal.spheres import metal
t0 = time.process_time()
c = metal.cluster_energies(sys.argv[1], float(sys.argv[2]))
json.dump({"cpu": time.process_time() - t0, "energies": c.consistent.tolist() + c.paper.tolist()
           + c.far_delta.tolist()}, sys.stdout)
'''


def one_by_one(lattice: str, rho: float) -> list:
    """The previous cluster_energies' solves: every cluster (and the 3-shell check) from scratch."""
    order, far, n_max = metal.cluster_order(rho), metal.FAR_ORDER, metal.CLUSTER_SHELLS[lattice]
    cons, pap = [], []
    for ns in range(1, n_max + 1):
        c, p, _, _ = metal._pair_solution(lattice, rho, ns, order, far)
        cons.append(c)
        pap.append(p)
    k = min(3, n_max) - 1
    c_lo, p_lo, _, _ = metal._pair_solution(lattice, rho, k + 1, order, far - 2)
    return cons + pap + [abs(cons[k] - c_lo), abs(pap[k] - p_lo)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lattice", default="fcc")
    parser.add_argument("--rho", type=float, default=0.5)
    parser.add_argument("--no-previous", action="store_true")
    opts = parser.parse_args()
    lat, rho = opts.lattice, opts.rho
    n = len(metal.cluster(lat, metal.CLUSTER_SHELLS[lat])[0])
    print(f"{lat}, rho = {rho}: clusters of 1..{metal.CLUSTER_SHELLS[lat]} shells (up to {n} spheres), "
          f"near order {metal.cluster_order(rho)}, outer order {metal.FAR_ORDER}")

    t0 = time.process_time()
    c = metal.cluster_energies(lat, rho)
    t_nested = time.process_time() - t0
    now = np.concatenate([c.consistent, c.paper, c.far_delta])
    t0 = time.process_time()
    ref = np.array(one_by_one(lat, rho))
    t_single = time.process_time() - t0
    print(f"one by one / nested     {t_single / t_nested:6.2f}   max |difference| {np.abs(ref - now).max():.1e}")
    if not opts.no_previous:
        prev = run_child(CHILD, previous_src(), lat, str(rho))
        diff = np.abs(np.array(prev["energies"]) - now).max()
        print(f"previous / nested       {prev['cpu'] / t_nested:6.2f}   max |difference| {diff:.1e}")


if __name__ == "__main__":
    main()
