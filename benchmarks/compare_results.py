"""Results of the sphere solvers and Ewald sums before and after a change: the largest differences.

    OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/compare_results.py [--rev REV] [--clusters]

Computes the same list of numbers (filled-lattice and single-pair energies, capacitance matrices of
:func:`~supercrystal.spheres.multipole.solve`, Madelung constants, App. C's patch; with ``--clusters``
also a full :func:`~supercrystal.spheres.metal.cluster_energies`) once with the package of the git
revision REV (default: the one before the speed work) and once with the working tree, each in its own
process, and prints every difference.  Nothing is cached (the physics is called directly) or written
outside a temporary folder.
"""
import argparse

from _previous import CURRENT, PREVIOUS, previous_src, run_child

CASES = r'''
import json, sys
import numpy as np
from supercrystal.lattice import ewald
from supercrystal.spheres import metal, multipole
try:
    from supercrystal.spheres import patch
except ImportError:  # before App. C moved out of metal
    patch = metal
out = {}
for lat, rho, order in [("fcc", 1.0, None), ("fcc", 0.8, None), ("fcc", 0.5, 12), ("sc", 1.0, None),
                        ("sc", 0.9, None), ("sc", 0.3, 8)]:
    f = metal.filled_lattice(lat, rho, order)
    out[f"filled {lat} rho={rho} L={f.order}"] = [f.energy]
for lat, rho, shells, order, far in [("fcc", 1.0, 1, None, None), ("fcc", 0.8, 1, None, None),
                                      ("sc", 0.9, 1, None, None), ("fcc", 0.9, 2, 12, 8), ("sc", 1.0, 2, 10, 6)]:
    s = metal.single_pair(lat, rho, shells, order, far)
    out[f"single_pair {lat} rho={rho} shells={shells} L={s.order}"] = [s.consistent, s.paper, s.error]
out["connected_pair fcc rho=0.9"] = list(metal.connected_pair("fcc", 0.9))
rng = np.random.default_rng(3)
centres = np.array([[0, 0, 0], [2.3, 0.1, -0.2], [0.4, 2.6, 0.3], [-1.1, -0.9, 2.4]], float)
sol = multipole.solve(centres, [1.0, 0.9, 1.1, 0.7], 14, [[1.2, 1.3, 1.4]], [1.0])
out["solve 4 spheres L=14: capacitance"] = sol.capacitance.ravel().tolist()
out["solve 4 spheres L=14: energy"] = [sol.energy]
touch = multipole.solve([[0, 0, 0], [2, 0, 0]], 1.0, 24, [[1.0, 1.5, 0.0]], [1.0],
                        [multipole.Conductor((0, 1), charge=-1.0)])
out["solve touching pair L=24: capacitance"] = touch.capacitance.ravel().tolist()
out["solve touching pair L=24: energy"] = [touch.energy]
for name in ("rocksalt", "zincblende", "fluorite", "cscl"):
    out[f"madelung {name}"] = [ewald.madelung(name)]
a = patch.appendix_c(patch.patch_capacitance("sc", 0.8, 0.1, 2, order=4, cation_order=1))
out["appendix_c sc"] = [a.u_s, a.cross, a.u_full, a.swap_max]
if "--clusters" in sys.argv:
    c = metal.cluster_energies("fcc", 0.5)
    out["cluster_energies fcc rho=0.5"] = c.consistent.tolist() + c.paper.tolist() + c.far_delta.tolist()
json.dump(out, sys.stdout)
'''


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rev", default=PREVIOUS)
    parser.add_argument("--clusters", action="store_true")
    opts = parser.parse_args()
    extra = ["--clusters"] if opts.clusters else []
    before = run_child(CASES, previous_src(opts.rev), *extra)
    after = run_child(CASES, CURRENT, *extra)
    worst = 0.0
    print(f"{'quantity':<48} {'n':>3} {'max |after - before|':>21}  value")
    for key, old in before.items():
        diff = max(abs(a - b) for a, b in zip(after[key], old))
        worst = max(worst, diff)
        print(f"{key:<48} {len(old):3d} {diff:21.2e}  {after[key][0]:.12g}")
    print(f"\nlargest difference against {opts.rev}: {worst:.2e}")


if __name__ == "__main__":
    main()
