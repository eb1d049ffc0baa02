"""Monte Carlo engine against a minimal Metropolis with a precomputed pair table: the yardstick (issue 13).

    OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/bench_mc_yardstick.py [--Lmin 3] [--Lmax 12]
        [--yardstick-Lmax 8] [--attempts 3e6] [--repeats 3]

The yardstick (``yardstick`` below, written here and nowhere else) is the textbook implementation of the same
grand-canonical chain: the dense N x N pair table G computed once (``lattice.G``, the Ewald table expanded),
potentials phi = G q kept up to date after each accepted move (O(N)), the energy change of a move from phi and
three table entries (O(1)), the engine's move set and probabilities (global and local electron-cation pair
insertion/removal, electron hop, cation hop) and its spin weights.  Both run in this process, compiled by
numba, single-threaded, on the default device (CdSe, a = 2 nm, b = 2.5 nm) at 300 K on 40 voltages through the
charging step, the same number of attempted moves; CPU time, the fastest of --repeats.  Printed per L:
attempted moves per second per core of the engine, engine / yardstick time per move (target <= 1.5), the
acceptance rate, the CPU time per sweep, and the engine's time per move divided by that at the smallest L (the
growth with N: an accepted move updates phi in O(N), so the cost per attempted move is a + b * acc * N; the
last column is b * acc * N / a from a fit over the sizes).  The yardstick's dense table is built up to
--yardstick-Lmax only (8 bytes * N^2: 0.13 GB at L = 8).  First a check that the two chains sample the same
distribution: the mean filling of both at one voltage on L = 2, with their errors.
"""
import argparse
import time

import numpy as np
from numba import njit

from supercrystal import montecarlo as mc
from supercrystal.montecarlo.autocorr import autocorr
from supercrystal.units import kT_ev


@njit(cache=False)
def yardstick(G, n_nc, nc_nb, pore_nb, nc_pores, eq, er, e_ion, mus, beta, n, c, sweeps, seed,
              p_pair, p_local, p_hop):
    """Minimal Metropolis: returns (N_el after each sweep (len(mus), sweeps), accepted moves)."""
    np.random.seed(seed)
    n_pore = len(c)
    nsite = n_nc + n_pore
    log_g = np.array([0.0, np.log(2.0), 0.0])
    q = np.empty(nsite)
    for a in range(n_nc):
        q[a] = -n[a]
    for p in range(n_pore):
        q[n_nc + p] = c[p]
    phi = G @ q
    n_el = n.sum()
    out = np.empty((len(mus), sweeps), dtype=np.int64)
    accepted = 0
    for m in range(len(mus)):
        mu = mus[m]
        for sw in range(sweeps):
            for _ in range(nsite):
                r = np.random.random()
                if r < p_pair + p_local:
                    i = np.random.randint(0, n_nc)
                    if r < p_pair:
                        p = np.random.randint(0, n_pore)
                    else:
                        p = nc_pores[i, np.random.randint(0, nc_pores.shape[1])]
                    s = n_nc + p
                    cross = 0.5 * (G[i, i] + G[s, s]) - G[i, s]
                    if np.random.random() < 0.5:
                        if n[i] == 2 or c[p] == 1:
                            continue
                        dh = eq[i] + (er[i] if n[i] == 1 else 0.0) + e_ion - phi[i] + phi[s] + cross
                        arg = -beta * (dh - mu) + log_g[n[i] + 1] - log_g[n[i]]
                        if arg < 0.0 and np.random.random() >= np.exp(arg):
                            continue
                        n[i] += 1
                        c[p] = 1
                        n_el += 1
                        for k in range(nsite):
                            phi[k] += G[s, k] - G[i, k]
                    else:
                        if n[i] == 0 or c[p] == 0:
                            continue
                        dh = -eq[i] - (er[i] if n[i] == 2 else 0.0) - e_ion + phi[i] - phi[s] + cross
                        arg = -beta * (dh + mu) + log_g[n[i] - 1] - log_g[n[i]]
                        if arg < 0.0 and np.random.random() >= np.exp(arg):
                            continue
                        n[i] -= 1
                        c[p] = 0
                        n_el -= 1
                        for k in range(nsite):
                            phi[k] += G[i, k] - G[s, k]
                    accepted += 1
                elif r < p_pair + p_local + p_hop:
                    i = np.random.randint(0, n_nc)
                    j = nc_nb[i, np.random.randint(0, nc_nb.shape[1])]
                    if n[i] == 0 or n[j] == 2:
                        continue
                    dh = (eq[j] - eq[i] + (er[j] if n[j] == 1 else 0.0) - (er[i] if n[i] == 2 else 0.0)
                          + phi[i] - phi[j] + 0.5 * (G[i, i] + G[j, j]) - G[i, j])
                    arg = -beta * dh + log_g[n[i] - 1] + log_g[n[j] + 1] - log_g[n[i]] - log_g[n[j]]
                    if arg < 0.0 and np.random.random() >= np.exp(arg):
                        continue
                    n[i] -= 1
                    n[j] += 1
                    for k in range(nsite):
                        phi[k] += G[i, k] - G[j, k]
                    accepted += 1
                else:
                    p = np.random.randint(0, n_pore)
                    t = pore_nb[p, np.random.randint(0, pore_nb.shape[1])]
                    if c[p] == 0 or c[t] == 1:
                        continue
                    s, u = n_nc + p, n_nc + t
                    dh = -phi[s] + phi[u] + 0.5 * (G[s, s] + G[u, u]) - G[s, u]
                    if -beta * dh < 0.0 and np.random.random() >= np.exp(-beta * dh):
                        continue
                    c[p] = 0
                    c[t] = 1
                    for k in range(nsite):
                        phi[k] += G[u, k] - G[s, k]
                    accepted += 1
            out[m, sw] = n_el
    return out, accepted


def _args(m):
    lat = m.lattice
    return lat.n_nc, lat.nc_neighbours, lat.pore_neighbours, lat.nc_pores, m.eq, m.er, float(m.e_ion)


def run_yardstick(m, G, mus, kT, sweeps, seed):
    n, c = mc.state(m, "empty")
    out, acc = yardstick(G, *_args(m), np.asarray(mus, float), 1.0 / kT, n.astype(np.int64),
                         c.astype(np.int64), int(sweeps), int(seed), *mc.MOVE_PROBS)
    return out, acc


def check_same_distribution() -> None:
    """Mean filling of the engine and of the yardstick at the Sec. III step voltage, L = 2, 500 K (above the
    end of cooperativity, where the chains decorrelate fast)."""
    m = mc.mc_model(L=2)
    kT = kT_ev(500.0) / m.unit_ev
    mu = [m.levels.V1 / m.unit_ev]
    eng = mc.run(m, mu, kT, "empty", 2000, 40000, seed=3).n_series[0] / m.lattice.n_nc
    yard = run_yardstick(m, m.lattice.G, mu, kT, 42000, 4)[0][0, 2000:] / m.lattice.n_nc
    a, b = autocorr(eng), autocorr(yard)
    z = (a.mean[0] - b.mean[0]) / np.hypot(a.err[0], b.err[0])
    print(f"same distribution (L = 2, 500 K, V = V1): engine nu = {a.mean[0]:.4f} +- "
          f"{a.err[0]:.4f} (tau {a.tau[0]:.1f}), yardstick {b.mean[0]:.4f} +- {b.err[0]:.4f} (tau {b.tau[0]:.1f}); "
          f"difference {z:+.1f} standard errors")


def _best(fn, repeats):
    times = []
    for _ in range(repeats):
        t0 = time.process_time()
        res = fn()
        times.append(time.process_time() - t0)
    return min(times), res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--Lmin", type=int, default=3)
    ap.add_argument("--Lmax", type=int, default=12)
    ap.add_argument("--yardstick-Lmax", type=int, default=8)
    ap.add_argument("--attempts", type=float, default=3e6, help="attempted moves per timed run")
    ap.add_argument("--repeats", type=int, default=3, help="timed runs (the fastest counts)")
    args = ap.parse_args()
    m1 = mc.mc_model(L=2)
    mc.run(m1, [1.0], 0.1, "empty", 1, 1)  # compile both
    run_yardstick(m1, m1.lattice.G, [1.0], 0.1, 1, 0)
    check_same_distribution()
    print("CdSe default device, 300 K, 40 voltages through the step; CPU time per attempted move")
    print(f"{'L':>3} {'sites':>6} | {'engine':>10} {'engine/':>9} {'accept':>7} | {'ms/sweep':>9} | "
          f"{'per move /':>10}")
    print(f"{'':>3} {'':>6} | {'M moves/s':>10} {'yardstick':>9} {'rate':>7} | {'engine':>9} | "
          f"{'smallest L':>10}")
    rows = []
    for L in range(args.Lmin, args.Lmax + 1):
        m = mc.mc_model(L=L)
        lat = m.lattice
        sites = lat.n_nc + lat.n_pore
        kT = kT_ev(300.0) / m.unit_ev
        mus = m.levels.V1 / m.unit_ev + np.linspace(-0.45, 0.3, 40)
        sweeps = max(2, round(args.attempts / (40 * sites)))
        moves = 40 * sweeps * sites
        t_eng, _ = _best(lambda: mc.run(m, mus, kT, "empty", 0, sweeps, seed=1), args.repeats)
        ratio, rate = "-", "-"
        if L <= args.yardstick_Lmax:
            G = np.ascontiguousarray(lat.G)
            t_y, (_, acc) = _best(lambda: run_yardstick(m, G, mus, kT, sweeps, 1), args.repeats)
            ratio, rate = f"{t_eng / t_y:9.2f}", f"{acc / moves:7.3f}"
            del G
        us = 1e6 * t_eng / moves
        rows.append((sites, us))
        print(f"{L:>3} {sites:>6} | {moves / t_eng / 1e6:10.2f} {ratio:>9} {rate:>7} | "
              f"{1e3 * t_eng / (40 * sweeps):9.3f} | {us / rows[0][1]:10.2f}", flush=True)
    n_sites, us = np.array(rows).T
    b, a = np.polyfit(n_sites, us, 1)
    print(f"engine time per attempted move ~ {a:.3f} us + {1e3 * b:.3f} ns * N_sites "
          f"(the O(N) update after accepted moves is {b * n_sites[-1] / a:.1f}x the O(1) part at the largest L)")


if __name__ == "__main__":
    main()
