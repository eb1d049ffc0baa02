"""Madelung constants: the vectorised Ewald sums against the previous loop, as ratios (issue 15).

    OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/bench_madelung.py

The yardstick is the previous :func:`~supercrystal.lattice.ewald.ewald_kernel` (one real-space
translation at a time, every pair separation evaluated), copied below unchanged and run on the same
crystals in the same process.  Printed: previous / current CPU time per constant (median of repeats)
and the difference of the constants.
"""
import statistics
import time

import numpy as np
from scipy.special import erfc

from supercrystal.lattice import ewald, geometry


# ----------------------------------------------------------------- the previous implementation (copy)
def _translations_previous(cell, radius):
    inv = np.linalg.inv(cell)
    nmax = np.ceil(radius * np.linalg.norm(inv, axis=0)).astype(int) + 1
    ranges = [np.arange(-m, m + 1) for m in nmax]
    grid = np.stack(np.meshgrid(*ranges, indexing="ij"), axis=-1).reshape(-1, 3)
    vecs = grid @ cell
    return vecs[np.linalg.norm(vecs, axis=1) <= radius]


def _kernel_previous(cell, vectors, alpha, tol=ewald.EWALD_TOL):
    volume = abs(np.linalg.det(cell))
    s = np.sqrt(-np.log(tol))
    r_cut, k_cut = s / alpha, 2.0 * alpha * s
    vec = np.asarray(vectors, dtype=float).reshape(-1, 3)
    frac = vec @ np.linalg.inv(cell)
    frac -= np.round(frac)
    vec = frac @ cell
    self_term = np.all(np.abs(frac) < 1e-12, axis=1)
    reach = np.max(np.linalg.norm(vec, axis=1), initial=0.0)
    real = np.zeros(len(vec))
    for t in _translations_previous(cell, r_cut + reach):
        r = np.linalg.norm(vec + t, axis=1)
        mask = r > 1e-12 * (1 + reach)
        real[mask] += erfc(alpha * r[mask]) / r[mask]
    recip_cell = 2.0 * np.pi * np.linalg.inv(cell).T
    ks = _translations_previous(recip_cell, k_cut)
    ks = ks[np.linalg.norm(ks, axis=1) > 0]
    first = (ks[:, 0] > 0) | ((ks[:, 0] == 0) & ((ks[:, 1] > 0) | ((ks[:, 1] == 0) & (ks[:, 2] > 0))))
    ks = ks[first]
    k2 = np.sum(ks**2, axis=1)
    weight = 2.0 * (4.0 * np.pi / volume) * np.exp(-k2 / (4 * alpha**2)) / k2
    recip = np.zeros(len(vec))
    for start in range(0, len(ks), 256):
        recip += np.cos(vec @ ks[start : start + 256].T) @ weight[start : start + 256]
    g = real + recip - np.pi / (alpha**2 * volume)
    g[self_term] -= 2.0 * alpha / np.sqrt(np.pi)
    return g


def madelung_previous(name: str) -> float:
    c = geometry.crystal(name)
    alpha = float(np.sqrt(np.pi) / abs(np.linalg.det(c.cell)) ** (1.0 / 3.0))
    n = len(c.positions)
    iu = np.triu_indices(n)
    upper = _kernel_previous(c.cell, c.positions[iu[0]] - c.positions[iu[1]], alpha)
    g = np.empty((n, n))
    g[iu] = upper
    g[(iu[1], iu[0])] = upper
    return -0.5 * c.charges @ g @ c.charges / c.formula_units * c.distance


# ----------------------------------------------------------------- timing
def cpu_per_call(fn, calls: int = 40, repeats: int = 5) -> float:
    fn()  # first call outside the timing: both sides then run warm
    times = []
    for _ in range(repeats):
        t0 = time.process_time()
        for _ in range(calls):
            fn()
        times.append((time.process_time() - t0) / calls)
    return statistics.median(times)


def main() -> None:
    print(f"{'crystal':<11} {'M (current)':>15} {'|difference|':>13} {'previous/current':>17}")
    for name in geometry.CRYSTALS:
        m_now, m_prev = ewald.madelung(name), madelung_previous(name)
        ratio = cpu_per_call(lambda: madelung_previous(name)) / cpu_per_call(lambda: ewald.madelung(name))
        print(f"{name:<11} {m_now:15.12f} {abs(m_now - m_prev):13.1e} {ratio:17.1f}")


if __name__ == "__main__":
    main()
