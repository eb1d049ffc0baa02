"""The cold build's slow tasks after the point-group reduction: ratios against the previous code (issue 15).

    OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/bench_symmetry.py [--full] [--only NAME ...]

Each case runs twice in fresh interpreters, with the package of revision BEFORE (the code before the
reduction: full systems, LU up to 3000 unknowns then GMRES) and with the working tree, and prints the ratio
of their CPU times (time.process_time) and the largest difference of the results:

* ``dielectric``: :func:`~supercrystal.spheres.dielectric.pair_clusters` (the task dielectric_pair_clusters),
  solved in the symmetric subspace of the pair's point group (C4v fcc, C3v sc; spheres/symmetry.py);
* ``metal``: :func:`~supercrystal.spheres.metal.cluster_energies` (the task pair_clusters), the conductors'
  system reduced the same way;
* ``nearest``: :func:`~supercrystal.spheres.metal.single_pair`, the nearest shell at its default order (the
  task nearest_shell_pair);
* ``sweep``: App. A's spectral radius versus rho for three variants (the task spectral_radius_sweep): the
  eight mirror blocks of the generation map, the geometry shared by the variants;
* ``laplace``: App. B's finite-difference cell (the task laplace_study is nine of them), the octant solved
  on its wedge i >= j >= k.

By default smaller cases (a minute in all); ``--full`` runs the book's own parameters (the dielectric case
alone takes a minute or two with the previous code).
"""
import argparse
import json

import numpy as np

from _previous import CURRENT, previous_src, run_child

BEFORE = "c9c8111"  # the last revision before the symmetry reduction

CHILD = r'''
import json, sys, time
import numpy as np
case, args = sys.argv[1], json.loads(sys.argv[2])
t0 = time.process_time()
if case == "dielectric":
    from supercrystal.spheres import dielectric
    c = dielectric.pair_clusters(args["lattice"], args["rho"], tuple(args["kappas"]))
    out = np.concatenate([c.energy.ravel(), c.far.ravel(), c.near.ravel(), c.near_step.ravel()])
elif case == "metal":
    from supercrystal.spheres import metal
    c = metal.cluster_energies(args["lattice"], args["rho"])
    out = np.concatenate([c.consistent, c.paper, c.far_delta])
elif case == "nearest":
    from supercrystal.spheres import metal
    s = metal.single_pair(args["lattice"], args["rho"], 1, metal.default_order(args["rho"]))
    out = np.array([s.consistent, s.paper, s.error])
elif case == "laplace":
    from supercrystal.spheres import laplace
    if "n" in args:
        r = laplace.solve_cell(args["lattice"], args["rho"], args["a_c"], args["n"])
        out = np.array([r.energy, r.capacitance_energy])
    else:
        out = laplace.study(args["lattice"], args["rho"])["energy"]
else:
    from supercrystal.spheres import images
    grid = np.round(np.linspace(args["rho_min"], 1.0, int(round((1.0 - args["rho_min"]) / 0.025)) + 1), 6)
    out = np.array([[images.spectral_radius(float(x), 12, **kw) for kw in
                     ({}, {"compensate": False}, {"order": "sequential"})] for x in grid]).ravel()
json.dump({"cpu": time.process_time() - t0, "values": out.tolist()}, sys.stdout)
'''

KAPPAS = [1.0, 1.5, 2.0, 3.0, 4.8, 8.0, 30.0, 113.5]
CASES = {
    "dielectric": ({"lattice": "fcc", "rho": 0.8, "kappas": [1.5, 8.0, float("inf")]},
                   {"lattice": "fcc", "rho": 0.85, "kappas": KAPPAS + [float("inf")]}),
    "metal": ({"lattice": "fcc", "rho": 0.5}, {"lattice": "sc", "rho": 0.9}),
    "nearest": ({"lattice": "fcc", "rho": 0.9}, {"lattice": "sc", "rho": 0.95}),
    "sweep": ({"rho_min": 0.8}, {"rho_min": 0.4}),
    "laplace": ({"lattice": "fcc", "rho": 1.0, "a_c": 0.2, "n": 128}, {"lattice": "fcc", "rho": 1.0}),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="the book's parameters (slower)")
    parser.add_argument("--only", nargs="*", choices=sorted(CASES), default=sorted(CASES))
    opts = parser.parse_args()
    prev = previous_src(BEFORE)
    print(f"CPU time of revision {BEFORE} / the working tree (fresh process each), max |difference| of the results")
    for name in opts.only:
        args = CASES[name][1 if opts.full else 0]
        spec = json.dumps(args)
        old = run_child(CHILD, prev, name, spec)
        new = run_child(CHILD, CURRENT, name, spec)
        diff = float(np.max(np.abs(np.array(old["values"]) - np.array(new["values"]))))
        print(f"{name:11s} {spec:72s} {old['cpu'] / new['cpu']:7.1f}x   {diff:.1e}", flush=True)


if __name__ == "__main__":
    main()
