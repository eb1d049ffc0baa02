"""Replica exchange (parallel tempering) for the grand-canonical lattice Monte Carlo (Sec. V).

Below the end of the first-order line a single chain stays in the phase it starts in (empty or filled)
for longer than any run: the equilibrium between the phases then rests on thermodynamic integration
(:mod:`supercrystal.montecarlo.thermo`) alone.  Replica exchange lets the chains cross.  K replicas run
at states s_k = (kT_k, mu_k); after every segment of ``sweeps`` sweeps of :func:`~supercrystal.montecarlo.
chains.run` (the state handed over as start = (n, c)), neighbouring states i, j = i + 1 propose to swap
their configurations x (at i) and y (at j).  The grand-canonical weight of x at s_i is
g(x) exp[-beta_i (H(x) - mu_i N(x))] (g the spin degeneracy, the same at every state, so it cancels),
and the swap is accepted with min(1, exp Delta),

    Delta = (beta_i - beta_j) (H(x) - H(y)) - (beta_i mu_i - beta_j mu_j) (N(x) - N(y)),

which at a common mu is the textbook (beta_i - beta_j)(E_i - E_j) with E = H - mu N, and at a common
temperature -beta (mu_i - mu_j)(N(x) - N(y)).  Detailed balance holds for the product of the K
grand-canonical distributions, so each state's samples follow its own equilibrium distribution (the
tests compare the histograms with exact enumeration at every state).

Which ladder.  Tempering in T (:func:`temperature_ladder`, geometric in T up to above the end of
cooperativity, k_B T_c ~ 0.095 e^2/(eps b)), with mu following the coexistence line mu*(T) by the
Clausius-Clapeyron slope of the spin entropy (:func:`coexistence_ladder`): above T_c there is no
barrier between the phases, so the hot replicas decorrelate in a few sweeps, and a configuration that
walks down the ladder arrives in either phase with its equilibrium weight.  A ladder in mu at fixed
T < T_c does not remove the barrier at any rung (only past the spinodals, i.e. along the hysteresis loop),
and its swaps need |Delta mu| <~ kT / Delta N with Delta N ~ N_nc Delta nu, so the number of rungs grows
like N.  The states may also follow the coexistence line mu*(T) (any (kT_k, mu_k) list is accepted;
the formula above is the general one).

Determinism: the segment of state k number s runs with the seed SeedSequence([seed, s, k]) (numba's
random generator is reseeded at every call of the kernel), and the swap decisions draw from their own
stream SeedSequence([seed, K, 1]); the result is a function of the arguments only.

Units: energies, mu and kT in e^2/(eps b) (:mod:`supercrystal.montecarlo.lattice`).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from supercrystal.montecarlo.chains import run
from supercrystal.montecarlo.lattice import MCModel, state


@dataclass(frozen=True, eq=False)
class ReplicaRun:
    """Output of :func:`replica_exchange`, ordered by state (not by walker).

    kT, mu : (K,) the states; n_series, e_series : (K, n) N_el and H (without -mu N) after each measured
    sweep at each state; walker : (K, n_segments) the walker (replica identity) at each state after each
    measured segment; attempts, accepts : (K - 1,) swap proposals and acceptances between states k, k+1;
    acceptance : their ratio; round_trips : (K,) per walker, lowest state -> highest -> lowest (measured
    part); sweeps : sweeps per segment; n_nc : number of NCs; n, c : (K, n_nc), (K, n_pore) the final
    configurations by state.
    """

    kT: np.ndarray
    mu: np.ndarray
    n_series: np.ndarray
    e_series: np.ndarray
    walker: np.ndarray
    attempts: np.ndarray
    accepts: np.ndarray
    acceptance: np.ndarray
    round_trips: np.ndarray
    sweeps: int
    n_nc: int
    n: np.ndarray
    c: np.ndarray

    @property
    def nu_series(self) -> np.ndarray:
        """Filling per NC after each measured sweep, (K, n)."""
        return self.n_series / self.n_nc


def temperature_ladder(kT_low: float, kT_high: float, k: int) -> np.ndarray:
    """k temperatures from kT_low to kT_high in geometric progression (constant swap acceptance for a
    constant heat capacity)."""
    if not (np.isfinite(kT_low) and np.isfinite(kT_high) and 0 < kT_low <= kT_high):
        raise ValueError(f"need 0 < kT_low <= kT_high (got kT_low={kT_low!r}, kT_high={kT_high!r})")
    if int(k) < 1:
        raise ValueError(f"k must be >= 1 (got k={k!r})")
    if int(k) == 1:
        return np.array([float(kT_low)])
    return np.geomspace(kT_low, kT_high, int(k))


def coexistence_ladder(kT: float, kT_high: float, k: int, mu: float,
                       slope: float = -np.log(2.0)) -> tuple[np.ndarray, np.ndarray]:
    """States (kT_k, mu_k) along a line through (kT, mu) with d mu / d kT = ``slope``: the
    Clausius-Clapeyron slope -Delta s / Delta n of the step's coexistence line.  Default -ln 2: each
    electron added on the first step brings its spin entropy k_B ln 2 (Sec. V's V1 - k_B T ln 2); +ln 2 for
    the tetrahedral second step (the singlet loses it).  At a fixed mu the replicas above kT would sit
    deep in one phase (the spin entropy shifts the step by k_B T ln 2): measured on L = 2 at kT = 0.06,
    the fixed-mu ladder's hotter rungs were all filled, and the coldest replica's phase weight came out
    0.86 +- 0.11 where this ladder's replicas straddle the step."""
    kTs = temperature_ladder(kT, kT_high, k)
    return kTs, float(mu) + float(slope) * (kTs - float(kT))


def swap_log_ratio(beta_i: float, mu_i: float, beta_j: float, mu_j: float, h_x: float, n_x: float,
                   h_y: float, n_y: float) -> float:
    """ln of the acceptance ratio for exchanging configuration x (at state i) with y (at state j)."""
    return (beta_i - beta_j) * (h_x - h_y) - (beta_i * mu_i - beta_j * mu_j) * (n_x - n_y)


def segment_seed(seed: int, segment: int, k: int) -> int:
    """The kernel seed of state k's segment number ``segment`` (a 32-bit integer)."""
    return int(np.random.SeedSequence([int(seed), int(segment), int(k)]).generate_state(1)[0])


def replica_exchange(model: MCModel, kTs, mus, start: str | tuple = "empty", n_equil: int = 100,
                     n_measure: int = 1000, sweeps: int = 5, seed: int = 0) -> ReplicaRun:
    """Replica exchange over the states (kTs[k], mus[k]) (a scalar mu or kT is shared by all).

    ``n_equil`` and ``n_measure`` segments of ``sweeps`` sweeps each, with a round of neighbour swaps
    after every segment (pairs (0,1), (2,3), ... after even segments, (1,2), (3,4), ... after odd ones);
    every state starts from ``start`` (a :func:`state` kind or an (n, c) pair, or a list of K of them).
    Returns the per-sweep series of the measured segments by state, the walkers' paths, the swap
    acceptance rates and the round trips.  Raises ValueError for non-positive kT or counts.
    """
    kTs, mus = np.broadcast_arrays(np.atleast_1d(np.asarray(kTs, float)), np.atleast_1d(np.asarray(mus, float)))
    kTs, mus = kTs.copy(), mus.copy()
    K = len(kTs)
    if not np.all(np.isfinite(kTs) & (kTs > 0)) or not np.all(np.isfinite(mus)):
        raise ValueError(f"kTs must be positive and mus finite (got kTs={kTs.tolist()}, mus={mus.tolist()})")
    if int(n_measure) < 1 or int(n_equil) < 0 or int(sweeps) < 1:
        raise ValueError(f"need n_measure >= 1, n_equil >= 0, sweeps >= 1 (got {n_measure}, {n_equil}, {sweeps})")
    sweeps, n_equil, n_measure = int(sweeps), int(n_equil), int(n_measure)
    if isinstance(start, list) and len(start) == K:
        configs = [state(model, s) if isinstance(s, str) else (np.array(s[0]), np.array(s[1])) for s in start]
    else:
        s0 = state(model, start) if isinstance(start, str) else (np.array(start[0]), np.array(start[1]))
        configs = [(s0[0].copy(), s0[1].copy()) for _ in range(K)]
    betas = 1.0 / kTs
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), K, 1]))
    h = np.zeros(K)
    nel = np.zeros(K)
    walker = np.arange(K)  # walker at each state
    n_series = np.empty((K, n_measure * sweeps), np.int64)
    e_series = np.empty((K, n_measure * sweeps))
    path = np.empty((K, n_measure), np.int64)
    attempts = np.zeros(max(K - 1, 0), np.int64)
    accepts = np.zeros(max(K - 1, 0), np.int64)
    # round trips: last extreme state each walker visited (-1: none yet; 0: bottom; 1: top)
    last = np.full(K, -1)
    trips = np.zeros(K, np.int64)
    for seg in range(n_equil + n_measure):
        for k in range(K):
            ch = run(model, [mus[k]], kTs[k], configs[k], 0, sweeps, segment_seed(seed, seg, k))
            configs[k] = (ch.n, ch.c)
            h[k], nel[k] = ch.e_series[0, -1], ch.n_series[0, -1]
            if seg >= n_equil:
                m = seg - n_equil
                n_series[k, m * sweeps:(m + 1) * sweeps] = ch.n_series[0]
                e_series[k, m * sweeps:(m + 1) * sweeps] = ch.e_series[0]
        for i in range(seg % 2, K - 1, 2):
            j = i + 1
            arg = swap_log_ratio(betas[i], mus[i], betas[j], mus[j], h[i], nel[i], h[j], nel[j])
            u = rng.random()
            if seg >= n_equil:
                attempts[i] += 1
            if arg >= 0.0 or u < np.exp(arg):
                configs[i], configs[j] = configs[j], configs[i]
                h[i], h[j] = h[j], h[i]
                nel[i], nel[j] = nel[j], nel[i]
                walker[i], walker[j] = walker[j], walker[i]
                if seg >= n_equil:
                    accepts[i] += 1
        if seg >= n_equil:
            path[:, seg - n_equil] = walker
            if K > 1:
                w_bottom, w_top = walker[0], walker[K - 1]
                if last[w_bottom] == 1:
                    trips[w_bottom] += 1
                last[w_bottom] = 0
                last[w_top] = 1
    acc = np.divide(accepts, attempts, out=np.full(len(attempts), np.nan), where=attempts > 0)
    return ReplicaRun(kT=kTs, mu=mus, n_series=n_series, e_series=e_series, walker=path, attempts=attempts,
                      accepts=accepts, acceptance=acc, round_trips=trips, sweeps=sweeps,
                      n_nc=model.lattice.n_nc, n=np.array([c[0] for c in configs]),
                      c=np.array([c[1] for c in configs]))


def phase_crossings(nu_series, lo: float = 0.25, hi: float = 0.75) -> np.ndarray:
    """Number of passages between the phases in each row of a filling series: from nu <= lo to
    nu >= hi or back (the band between is ignored, so a fluctuation at one threshold is not counted)."""
    s = np.atleast_2d(np.asarray(nu_series, float))
    out = np.zeros(len(s), np.int64)
    for r, row in enumerate(s):
        side = 0
        for v in row:
            now = -1 if v <= lo else (1 if v >= hi else 0)
            if now and side and now != side:
                out[r] += 1
            if now:
                side = now
    return out
