"""Multipole solver: time and error against expansion order and cluster size (printed, not a test).

    OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/bench_multipole.py

(Single-threaded BLAS is much faster here: the solver multiplies many small blocks.)
"""
import time

import numpy as np

from supercrystal.spheres import metal
from supercrystal.spheres import multipole as mp


def image_series(a, b, c, terms=5000):
    q, z, q1 = a, 0.0, a
    for _ in range(terms):
        s = c - z
        qp, zp = -q * b / s, c - b * b / s
        q, z = -qp * a / zp, a * a / zp
        q1 += q
        if abs(q) < 1e-18:
            break
    return q1


def main() -> None:
    print("Two spheres a = 1 at centre distance 2.2: C11 against the image series")
    ref = image_series(1.0, 1.0, 2.2)
    print(f"{'L':>3} {'error':>10} {'s':>7}")
    for L in (4, 8, 16, 24, 32, 40):
        t0 = time.perf_counter()
        c = mp.capacitance_matrix([[0, 0, 0], [0, 0, 2.2]], 1.0, L)[0, 0]
        print(f"{L:3d} {abs(c - ref):10.1e} {time.perf_counter() - t0:7.2f}")

    print("\nfcc single pair, six spheres, consistent energy (e^2/b): change with order")
    for rho in (0.8, 0.95, 1.0):
        prev = None
        for L in (8, 12, 16, 20, 24, 28):
            t0 = time.perf_counter()
            s = metal.single_pair("fcc", rho, 1, L)
            dt = time.perf_counter() - t0
            d = "" if prev is None else f"{abs(s.consistent - prev):.1e}"
            print(f"rho={rho:<5} L={L:3d} E={s.consistent:.12f} change={d:>8} {dt:6.2f} s")
            prev = s.consistent

    print("\nfcc single pair at rho = 0.9: growing clusters (near order 16, outer order 8)")
    for shells in (1, 2, 3, 4):
        t0 = time.perf_counter()
        s = metal.single_pair("fcc", 0.9, shells, 16, far_order=8)
        print(f"shells={shells} spheres={s.n_spheres:3d} E={s.consistent:.8f} paper={s.paper:.8f} "
              f"{time.perf_counter() - t0:6.1f} s")

    print("\nfilled fcc lattice at rho = 1: order and lattice-sum cut-off")
    for L, rc in ((16, 20.0), (24, 20.0), (32, 20.0), (32, 28.0)):
        t0 = time.perf_counter()
        f = metal.filled_lattice("fcc", 1.0, L, rc)
        print(f"L={L:3d} r_cut={rc:5.1f} E={f.energy:.12f} {time.perf_counter() - t0:6.2f} s")


if __name__ == "__main__":
    np.set_printoptions(precision=6)
    main()
