"""Monte Carlo engine speed: sweeps per second and the cost of a 40-voltage sweep vs L (not a test).

    .venv/bin/python benchmarks/bench_montecarlo.py [--Lmax 8] [--pore octahedral]

A sweep is one attempted move per site (NCs + pores).  The cost per attempt grows with L only through
the O(n_sites) potential update after an accepted move, so at fixed temperature the time per sweep
grows between n_sites and n_sites^2.  The pair table is a dense (n_sites)^2 array: 0.27 GB at L = 8
with octahedral pores.
"""
import argparse
import time

import numpy as np

from supercrystal import montecarlo as mc
from supercrystal.units import kT_ev


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--Lmin", type=int, default=3)
    ap.add_argument("--Lmax", type=int, default=8)
    ap.add_argument("--pore", default="octahedral")
    ap.add_argument("--T", type=float, default=300.0, help="temperature, K")
    args = ap.parse_args()
    mc.run(mc.mc_model(L=1, pore=args.pore), [1.0], 0.1, "empty", 1, 1)  # compile / load the kernel
    print(f"pore={args.pore}, T={args.T:g} K, default device (CdSe, a=2 nm, b=2.5 nm, eps=2)")
    print(f"{'L':>3} {'NCs':>6} {'sites':>6} {'table s':>8} {'sweeps/s':>10} {'us/attempt':>10} "
          f"{'40 V x 600 sweeps s':>20}")
    for L in range(args.Lmin, args.Lmax + 1):
        t0 = time.perf_counter()
        m = mc.mc_model(L=L, pore=args.pore)
        t_table = time.perf_counter() - t0
        kT = kT_ev(args.T) / m.unit_ev
        v1 = m.levels.V1 / m.unit_ev
        mus = v1 + np.linspace(-0.45, 0.3, 40)
        n_sweeps = 100
        t0 = time.perf_counter()
        mc.run(m, mus, kT, "empty", 0, n_sweeps, seed=1)
        dt = time.perf_counter() - t0
        sweeps = 40 * n_sweeps
        nsite = m.lattice.n_nc + m.lattice.n_pore
        print(f"{L:>3} {m.lattice.n_nc:>6} {nsite:>6} {t_table:8.2f} {sweeps / dt:10.1f} "
              f"{1e6 * dt / (sweeps * nsite):10.3f} {dt / sweeps * 40 * 600:20.1f}")


if __name__ == "__main__":
    main()
