"""What a fresh process pays for the multipole solver's set-up: ratios, not absolute times (issue 15).

    OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/bench_setup.py [--order L]

1. The filled fcc lattice at rho = 1 and the default order (32), solved twice in each of a few fresh
   processes: the first solve pays for the per-order tables (Gauss-Legendre nodes, quadrature grid,
   harmonics on it, Wigner matrices, cubic harmonics), the second finds them.  Printed: fresh / warm,
   for the working tree and for the package before the speed work (same machine, same run), and
   the working tree's time against the previous one.
2. Real Wigner matrices of one rotation: the recursion against the quadrature definition.

CPU time of the child process (time.process_time), so that a loaded machine distorts less; the median
of the repeats.
"""
import argparse
import statistics
import time

import numpy as np

from _previous import CURRENT, previous_src, run_child
from supercrystal.spheres import harmonics

CHILD = r'''
import json, sys, time
t0 = time.process_time()
from supercrystal.spheres import metal
t1 = time.process_time()
order = int(sys.argv[1])
e1 = metal.filled_lattice("fcc", 1.0, order).energy
t2 = time.process_time()
e2 = metal.filled_lattice("fcc", 1.0, order).energy
t3 = time.process_time()
json.dump({"import": t1 - t0, "fresh": t2 - t1, "warm": t3 - t2, "energy": e1}, sys.stdout)
'''


def filled_lattice_runs(src, order: int, repeats: int) -> dict:
    runs = [run_child(CHILD, src, str(order)) for _ in range(repeats)]
    return {k: statistics.median(r[k] for r in runs) for k in runs[0]}


def cpu_time(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.process_time()
        fn()
        times.append(time.process_time() - t0)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--order", type=int, default=32)
    parser.add_argument("--repeats", type=int, default=3)
    opts = parser.parse_args()

    print(f"1. Filled fcc lattice, rho = 1, order {opts.order}: first and second solve in a fresh process")
    now = filled_lattice_runs(CURRENT, opts.order, opts.repeats)
    before = filled_lattice_runs(previous_src(), opts.order, opts.repeats)
    print(f"{'package':<10} {'fresh/warm':>11} {'import (s)':>11}")
    for name, r in (("previous", before), ("current", now)):
        print(f"{name:<10} {r['fresh'] / r['warm']:11.2f} {r['import']:11.2f}")
    print(f"current / previous: fresh {now['fresh'] / before['fresh']:.3f}, "
          f"warm {now['warm'] / before['warm']:.3f}")
    print(f"energy difference: {abs(now['energy'] - before['energy']):.1e} e^2/b")

    print("\n2. Wigner matrices of one rotation: recursion against quadrature (current package)")
    rot = harmonics.rotation_to_z(np.array([0.3, -0.5, 0.8]))
    print(f"{'lmax':>4} {'quadrature/recursion':>21} {'max |difference|':>17}")
    for lmax in (8, 20, 32, 40):
        t_rec = cpu_time(lambda: harmonics.wigner_real(lmax, rot), 5)
        t_quad = cpu_time(lambda: harmonics.wigner_real_quadrature(lmax, rot), 3)
        diff = max(np.abs(a - b).max() for a, b in zip(harmonics.wigner_real(lmax, rot),
                                                        harmonics.wigner_real_quadrature(lmax, rot)))
        print(f"{lmax:4d} {t_quad / t_rec:21.1f} {diff:17.1e}")


if __name__ == "__main__":
    main()
