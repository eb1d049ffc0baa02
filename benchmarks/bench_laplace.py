"""Finite-difference Laplace solver (Appendix B): time, CG iterations and energy against grid size.

    .venv/bin/python benchmarks/bench_laplace.py [n_max]

Prints, for the filled fcc lattice at rho = 1 (cation radius a_c = 0.3 b) and for the small-sphere
check rho = a_c = 0.3 (exact answer: the rock-salt Madelung energy, up to O(0.3^9)), the grid
nodes per octant side n, the spacing h, unknowns, CG iterations, wall time and E in e^2/b.
"""
import sys
import time

from supercrystal.spheres import laplace


def main(n_max: int = 128) -> None:
    em = laplace.point_charge_limit("fcc")
    for rho, a_c, ref in ((1.0, 0.3, None), (0.3, 0.3, em)):
        print(f"\nfcc, rho = {rho}, a_c = {a_c}" + (f"  (reference -M/sqrt2 = {ref:.6f})" if ref else ""))
        print(f"{'n':>5} {'h':>8} {'unknowns':>10} {'CG it':>6} {'time s':>7} {'E (e^2/b)':>12}"
              + (f" {'E - ref':>10}" if ref else ""))
        n = 16
        while n <= n_max:
            t0 = time.perf_counter()
            s = laplace.solve_cell("fcc", rho, a_c, n)
            t = time.perf_counter() - t0
            line = f"{n:5d} {s.h:8.5f} {n**3:10d} {s.iterations:6d} {t:7.2f} {s.energy:12.6f}"
            if ref:
                line += f" {s.energy - ref:10.2e}"
            print(line, flush=True)
            n *= 2 if n < 64 else 1.5
            n = int(n)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 128)
