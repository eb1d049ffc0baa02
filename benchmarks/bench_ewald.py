"""Ewald pair-table cost and Madelung accuracy (printed figures, not a timed test).

    .venv/bin/python benchmarks/bench_ewald.py
"""
import time

import numpy as np

from supercrystal.lattice import ewald, geometry


def main() -> None:
    print("Madelung constants: Ewald vs direct smoothed-cube sum")
    print(f"{'lattice':<11} {'Ewald':>16} {'n=4 err':>10} {'n=8 err':>10} {'n=12 err':>10} {'Ewald s':>8}")
    for name in geometry.CRYSTALS:
        t0 = time.perf_counter()
        m = ewald.madelung(name)
        t = time.perf_counter() - t0
        errs = [abs(ewald.madelung_direct(name, n) - m) for n in (4, 8, 12)]
        print(f"{name:<11} {m:16.12f} {errs[0]:10.1e} {errs[1]:10.1e} {errs[2]:10.1e} {t:8.3f}")
    print("\nPeriodic pair table G_ij for L^3 conventional cells (NCs + octahedral pores)")
    print(f"{'L':>3} {'sites':>6} {'all pairs s':>12} {'supercell s':>12}")
    for L in (1, 2, 3, 4):
        side = geometry.cube_side("fcc")
        shifts = np.array([[i, j, k] for i in range(L) for j in range(L) for k in range(L)]) * side
        basis = np.vstack([geometry.nc_sites("fcc"), geometry.pore_sites("octahedral")])
        pos = (shifts[:, None, :] + basis[None]).reshape(-1, 3)
        t0 = time.perf_counter()
        ewald.ewald_pair_matrix(np.eye(3) * side * L, pos)
        t1 = time.perf_counter()
        ewald.supercell_pair_matrix(basis, np.eye(3) * side, L)
        t2 = time.perf_counter()
        print(f"{L:3d} {len(pos):6d} {t1 - t0:12.2f} {t2 - t1:12.3f}")


if __name__ == "__main__":
    main()
