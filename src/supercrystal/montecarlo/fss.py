"""Finite-size scaling of the end point of the first-order charging step (Sec. V: "cooperativity ends").

The step nu = 0 -> 1 of the octahedral super-crystal is a first-order line mu*(T) in the (T, mu = eV)
plane that ends at a critical point, liquid-gas like (3D Ising class): the order parameter is the filling
nu = N_el / N_nc, the field conjugate to it the voltage.  Along the line the distribution P(nu) at
coexistence is double-peaked below T_c and single-peaked above; at T_c its shape is universal.

Method, per sample size L (N_nc = 4 L^3) and independent seed:

1. Replica exchange in T (:mod:`supercrystal.montecarlo.replicas`) on a ladder of temperatures kT_k shared
   by every L, each rung at a voltage mu_k on the coexistence line.  The line is found by the run itself:
   a first guess, the ordered filled state's energy per NC minus the spin entropy, E_0/N - kT ln 2
   (:func:`coexistence_guess`), then ``pilots`` short runs each of which measures mu*(kT_k) where both
   phases were seen and refits the offset from the guess as a quadratic in kT (:func:`refine_line`).  Near
   coexistence P(nu) at kT_k must show both phases: the weight of the other phase falls as
   exp(-N Delta nu Delta mu / kT), so at L = 8 the rungs must sit within ~1e-4 e^2/(eps b) of the line.
2. At each rung the samples are reweighted in mu alone (single-histogram reweighting, exact since only
   -mu N changes: w = exp(beta (mu - mu_k) N)) to the equal-weight voltage mu*: P(nu > nu_cut) = 1/2 with
   nu_cut = 1/2, the middle of the step (:func:`equal_weight`).
3. There, with m = nu - <nu>, the Binder cumulant U_4 = 1 - <m^4> / (3 <m^2>^2) (2/3 for two sharp peaks,
   0 for a Gaussian, about 0.47 at the 3D Ising critical point in a symmetric periodic cube) and the jump

       Delta nu(T, L) = 2 <|nu - <nu>|>  at mu*(T),

   the one definition of the jump this package uses at a given (T, L): for two sharp peaks it is their
   distance, at the end point it falls as L^(-beta/nu_corr) (finite-size rounding), and above T_c to the
   Gaussian 2 sigma sqrt(2/pi) ~ L^(-3/2) (:func:`rung_statistics`).  Each rung's integrated autocorrelation
   time of |m| (:mod:`supercrystal.montecarlo.autocorr`) is reported with it.
4. U_4(T) of successive sizes cross near T_c (the cumulant is scale invariant there); the crossings of the
   pairs (L, L') move with L by the corrections to scaling (and by field mixing: the true scaling order
   parameter is nu + s u, u the energy density, which this cumulant of nu alone omits).  The crossings and
   T_c with its errors are :mod:`supercrystal.montecarlo.scaling` (kept out of this module, so that the
   cached simulations do not depend on the analysis).

Units: kT, mu in e^2/(eps b) (:mod:`supercrystal.montecarlo.lattice`).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq

from supercrystal.montecarlo.autocorr import integrated_time
from supercrystal.montecarlo.lattice import MCModel, energy, state
from supercrystal.montecarlo.replicas import phase_crossings, replica_exchange

#: The middle of the step nu = 0 -> 1: the cut between the phases for the equal-weight voltage.
NU_CUT = 0.5
#: Fewest samples on either side of the cut for a rung to locate the equal-weight voltage.
MIN_SIDE = 10

#: The study's effort at the two scales of the chapter: sample sizes, independent seeds, the ladder (rungs
#: geometric in kT over kT_range, e^2/(eps b), plus the room temperature), segments of ``sweeps`` sweeps.
#: "book" is what a cold build computes (about 2 CPU-minutes); "production" (``make production``) hours.
SETTINGS = {
    "book": dict(sizes=(2, 3, 4, 5), seeds=3, rungs=11, kT_range=(0.08, 0.11), n_equil=100, n_measure=3000,
                 sweeps=2, pilots=2),
    "production": dict(sizes=(3, 4, 5, 6, 8), seeds=6, rungs=21, kT_range=(0.08, 0.11), n_equil=400,
                       n_measure=15000, sweeps=2, pilots=2),
}


def ladder(kT_range, rungs: int, extra=()) -> np.ndarray:
    """``rungs`` temperatures geometric over ``kT_range`` plus the ``extra`` ones, sorted and rounded to
    1e-6 (so a ladder is the same cache key wherever it is built)."""
    lo, hi = float(kT_range[0]), float(kT_range[1])
    if not 0 < lo < hi or int(rungs) < 2:
        raise ValueError(f"need 0 < kT_range[0] < kT_range[1] and rungs >= 2 (got {kT_range}, {rungs})")
    return np.unique(np.round(np.r_[np.geomspace(lo, hi, int(rungs)), np.asarray(extra, float)], 6))


def coexistence_guess(model: MCModel, kT) -> np.ndarray:
    """First guess of the coexistence voltage at kT: E_0 / N_nc - kT ln 2 (the filled ordered state against
    the empty one, each electron carrying its spin entropy; exact as kT -> 0)."""
    n0, c0 = state(model, "full")
    return energy(model, n0, c0) / model.lattice.n_nc - np.log(2.0) * np.asarray(kT, float)


def equal_weight(n_series, kT: float, mu0: float, n_nc: int, cut: float = NU_CUT) -> float:
    """The voltage mu* where the samples ``n_series`` (N_el, taken at (kT, mu0)), reweighted in mu, put equal
    weight on nu > cut and nu <= cut; nan when either side has fewer than :data:`MIN_SIDE` samples."""
    n = np.asarray(n_series, float)
    high = n / n_nc > cut
    if high.sum() < MIN_SIDE or (~high).sum() < MIN_SIDE:
        return float("nan")
    beta = 1.0 / kT

    def log_ratio(d):
        a = beta * d * n
        a -= a.max()
        w = np.exp(a)
        return np.log(w[high].sum()) - np.log(w[~high].sum())

    # start from a bracket of a few kT per electron of spread and widen until the sign changes
    d_max = 50.0 * kT / max(1.0, np.ptp(n))
    lo, hi = -d_max, d_max
    while log_ratio(lo) > 0:
        lo *= 2
    while log_ratio(hi) < 0:
        hi *= 2
    return float(mu0 + brentq(log_ratio, lo, hi, xtol=1e-14))


def _moments(nu, w):
    w = w / w.sum()
    mean = float(w @ nu)
    m = nu - mean
    m2, m4 = float(w @ m ** 2), float(w @ m ** 4)
    return mean, float(w @ np.abs(m)), (1.0 - m4 / (3.0 * m2 ** 2)) if m2 > 0 else float("nan")


@dataclass(frozen=True, eq=False)
class RungStats:
    """Per rung k of one run: kT (K,), mu_sampled (K,), mu_star (K,) the equal-weight voltage (nan where one
    phase was never seen), nu_mean, jump = 2 <|m|>, binder U_4 (all at mu_star), tau : integrated
    autocorrelation time of |nu - <nu>| (sweeps), jump_err : the jump's error from it, 2 sd(|m|)
    sqrt(2 tau / n) (n measured sweeps; the reweighting's unequal weights ignored), crossings : passages
    between nu <= 1/4 and >= 3/4,
    sweeps : measured sweeps per rung."""

    kT: np.ndarray
    mu_sampled: np.ndarray
    mu_star: np.ndarray
    nu_mean: np.ndarray
    jump: np.ndarray
    binder: np.ndarray
    tau: np.ndarray
    jump_err: np.ndarray
    crossings: np.ndarray
    sweeps: int


def rung_statistics(run, cut: float = NU_CUT) -> RungStats:
    """:class:`RungStats` of a :class:`~supercrystal.montecarlo.replicas.ReplicaRun` (module docstring)."""
    K, N = len(run.kT), run.n_nc
    out = {k: np.full(K, np.nan) for k in ("mu_star", "nu_mean", "jump", "binder", "tau", "jump_err")}
    for k in range(K):
        n = run.n_series[k].astype(float)
        mu_s = equal_weight(n, run.kT[k], run.mu[k], N, cut)
        out["mu_star"][k] = mu_s
        if np.isfinite(mu_s):
            a = (mu_s - run.mu[k]) * n / run.kT[k]
            w = np.exp(a - a.max())
            out["nu_mean"][k], half, out["binder"][k] = _moments(n / N, w)
            out["jump"][k] = 2 * half
        absm = np.abs(n / N - (out["nu_mean"][k] if np.isfinite(mu_s) else np.mean(n / N)))
        out["tau"][k] = integrated_time(absm)[0]
        out["jump_err"][k] = 2 * absm.std() * np.sqrt(2 * out["tau"][k] / len(n))
    return RungStats(kT=np.asarray(run.kT, float), mu_sampled=np.asarray(run.mu, float),
                     sweeps=int(run.n_series.shape[1]),
                     crossings=phase_crossings(run.nu_series), **out)


def refine_line(model: MCModel, kT, mu_star, degree: int = 2) -> np.ndarray:
    """The coexistence line on the ladder kT from measured equal-weight voltages ``mu_star`` (nan where
    not measured): the offset from :func:`coexistence_guess` fitted as a polynomial in kT of degree
    min(degree, measured - 1) (a constant offset from one point; the guess itself from none)."""
    kT, mu_star = np.asarray(kT, float), np.asarray(mu_star, float)
    guess = coexistence_guess(model, kT)
    ok = np.isfinite(mu_star)
    if not ok.any():
        return guess
    deg = int(min(degree, ok.sum() - 1))
    coef = np.polyfit(kT[ok], (mu_star - guess)[ok], deg)
    return guess + np.polyval(coef, kT)


def fss_run(model: MCModel, kTs, n_equil: int = 200, n_measure: int = 4000, sweeps: int = 2,
            pilots: int = 2, pilot_fraction: float = 0.2, seed: int = 0) -> tuple[RungStats, np.ndarray]:
    """Replica exchange along the coexistence line over the ladder ``kTs`` (ascending), the line refined by
    ``pilots`` short runs of ``pilot_fraction`` of the segments (module docstring), then the measured run
    of ``n_measure`` segments of ``sweeps`` sweeps after ``n_equil``.  Returns (:class:`RungStats` of the
    measured run, the swap acceptance (K - 1,)).  The replicas start alternately empty and filled."""
    kTs = np.asarray(kTs, float)
    if kTs.ndim != 1 or len(kTs) < 2 or not np.all(np.diff(kTs) > 0) or not np.all(kTs > 0):
        raise ValueError(f"kTs must be an ascending ladder of >= 2 positive temperatures (got {kTs.tolist()})")
    if int(pilots) < 0 or not 0 < pilot_fraction <= 1:
        raise ValueError(f"need pilots >= 0 and 0 < pilot_fraction <= 1 (got {pilots}, {pilot_fraction})")
    K = len(kTs)
    starts = ["empty" if k % 2 == 0 else "full" for k in range(K)]
    mus = coexistence_guess(model, kTs)
    ss = np.random.SeedSequence([int(seed), 13])
    seeds = [int(s.generate_state(1)[0]) for s in ss.spawn(int(pilots) + 1)]
    for p in range(int(pilots)):
        r = replica_exchange(model, kTs, mus, list(starts), n_equil, max(50, int(pilot_fraction * n_measure)),
                             sweeps, seeds[p])
        st = rung_statistics(r)
        mus = refine_line(model, kTs, st.mu_star)
        starts = [(r.n[k], r.c[k]) for k in range(K)]
    r = replica_exchange(model, kTs, mus, list(starts), n_equil, n_measure, sweeps, seeds[-1])
    return rung_statistics(r), r.acceptance
