"""Monte Carlo engine: the translation-symmetric pair table against the dense one, as ratios (issue 15).

    OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/bench_montecarlo.py [--Lmin 3] [--Lmax 12]
        [--dense-Lmax 8] [--pore octahedral]

Each implementation runs in a fresh process: the working tree, and ``src/`` of revision DENSE_REV (the
last with the dense N x N table, unpacked by ``_previous``).  For each L: the time to build the lattice
(pair table and neighbour lists), the memory of the table (the dense matrix; the compact table plus the
kernel's extended copy) and the peak memory of the process, and the CPU time per attempted move of a
40-voltage sweep through the charging step at 300 K (default device), the same seed on both sides.
Printed as ratios dense / compact (> 1: the compact table is faster), and whether the two chains are
the same (electron numbers at every sweep; largest energy difference).  CPU times of the child (the
fastest of --repeats runs in each of --rounds processes, the two implementations alternating), so that
a loaded machine distorts less; "dense/compact" for the moves is the
ratio of the CPU times per attempted move.  The dense table is built up
to --dense-Lmax only (L^6 time, 0.27 GB at L = 8).
"""
import argparse
import os

from _previous import CURRENT, ROOT, previous_src, run_child

DENSE_REV = "21b9df6"  # the last revision with the dense pair table

CHILD = r'''
import json, resource, sys, time
import numpy as np
from supercrystal import montecarlo as mc
from supercrystal.units import kT_ev
L, pore, sweeps = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
mc.run(mc.mc_model(L=1, pore=pore), [1.0], 0.1, "empty", 1, 1)  # compile / load the kernel
t0 = time.process_time()
m = mc.mc_model(L=L, pore=pore)
build = time.process_time() - t0
lat = m.lattice
if hasattr(lat, "table"):
    table = lat.table.nbytes + lat.table.kernel_nbytes()
else:
    table = lat.G.nbytes
kT = kT_ev(300.0) / m.unit_ev
mus = m.levels.V1 / m.unit_ev + np.linspace(-0.45, 0.3, 40)
mc.run(m, mus[:1], kT, "empty", 0, 1, seed=0)
cpu = []
for _ in range(int(sys.argv[4])):  # the fastest of the repeats: the least disturbed by other work
    t0 = time.process_time()
    ch = mc.run(m, mus, kT, "empty", 0, sweeps, seed=1)
    cpu.append(time.process_time() - t0)
cpu = min(cpu)
json.dump({"build": build, "table": table, "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
           "us": 1e6 * cpu / (len(mus) * sweeps * (lat.n_nc + lat.n_pore)), "sites": lat.n_nc + lat.n_pore,
           "n_series": ch.n_series.tolist(), "e_series": ch.e_series.tolist()}, sys.stdout)
'''


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--Lmin", type=int, default=3)
    ap.add_argument("--Lmax", type=int, default=12)
    ap.add_argument("--dense-Lmax", type=int, default=8)
    ap.add_argument("--pore", default="octahedral")
    ap.add_argument("--attempts", type=float, default=2e6, help="attempted moves per timed run")
    ap.add_argument("--repeats", type=int, default=3, help="timed runs per process (the fastest counts)")
    ap.add_argument("--rounds", type=int, default=2,
                    help="fresh processes per implementation and L, alternating (the fastest counts)")
    args = ap.parse_args()
    os.environ.setdefault("SUPERCRYSTAL_DATA_DIR", str(ROOT / "data"))  # the unpacked src/ has no data/
    dense_src = previous_src(DENSE_REV)
    print(f"pore={args.pore}, T=300 K, 40 voltages through the step, default device; dense = {DENSE_REV}")
    print(f"{'L':>3} {'sites':>6} | {'build s':>8} {'dense/':>7} | {'table MB':>9} {'dense/':>7} | "
          f"{'peak MB':>8} | {'M moves/s':>9} {'dense/':>7} | same chain")
    print(f"{'':>3} {'':>6} | {'compact':>8} {'compact':>7} | {'compact':>9} {'compact':>7} | "
          f"{'compact':>8} | {'compact':>9} {'compact':>7} |")
    for L in range(args.Lmin, args.Lmax + 1):
        sites = (8 if args.pore == "octahedral" else 12) * L ** 3
        sweeps = max(2, round(args.attempts / (40 * sites)))
        child = (str(L), args.pore, str(sweeps), str(args.repeats))
        now = run_child(CHILD, CURRENT, *child)
        if L > args.dense_Lmax:
            print(_row(L, now, "-", "-", "-", "(dense not built)"))
            continue
        old = run_child(CHILD, dense_src, *child)
        for _ in range(args.rounds - 1):  # alternate the two, keep the fastest of each
            for best, src in ((old, dense_src), (now, CURRENT)):
                again = run_child(CHILD, src, *child)
                for key in ("build", "us"):
                    best[key] = min(best[key], again[key])
        same = old["n_series"] == now["n_series"]
        de = max(abs(a - b) for ra, rb in zip(old["e_series"], now["e_series"]) for a, b in zip(ra, rb))
        print(_row(L, now, f"{old['build'] / now['build']:.1f}", f"{old['table'] / now['table']:.0f}",
                   f"{old['us'] / now['us']:.2f}", ("yes" if same else "no") + f", max |dE| {de:.1e}"))


def _row(L, now, build, table, moves, same) -> str:
    return (f"{L:>3} {now['sites']:>6} | {now['build']:8.2f} {build:>7} | {now['table'] / 1e6:9.2f} "
            f"{table:>7} | {now['rss'] / 1e6:8.0f} | {1 / now['us']:9.1f} {moves:>7} | {same}")


if __name__ == "__main__":
    main()
