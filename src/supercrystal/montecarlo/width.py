"""The resolved width of the charging step: phase-restricted branches on a fine grid (Sec. V, Fig. 4).

The 10-90 % width of the equilibrium nu(V) (low phase below V*, high phase above) is a bulk property with
a thermodynamic limit.  Near the first-order step a finite sample flips between the two phases (the
finite-size rounding of the jump, and metastable excursions past V*), which would widen a free chain's
nu(V); :func:`restricted_branch` samples one phase only, the grand-canonical ensemble restricted to
electron numbers on one side of the middle of the step (Penrose-Lebowitz restricted ensembles).
:func:`equilibrium_width` reads the 10 % and 90 % crossings of the equilibrium curve built from the two
phases' branches by local quadratic fits, and :func:`branch_width` averages independent chains and
gives the jackknife error (:func:`supercrystal.montecarlo.runs.peak_width` in volts).  Units: mu and
widths in e^2/(eps b).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from supercrystal.montecarlo.chains import Branch, block_error, run
from supercrystal.montecarlo.lattice import MCModel, step_states


def restricted_branch(model: MCModel, mus, kT: float, phase: str, step: int = 1, cut: float = 0.5,
                      n_equil: int = 200, n_measure: int = 2000, seed: int = 0) -> Branch:
    """One phase's branch of nu(mu) in the grand-canonical ensemble restricted to that phase (Sec. V).

    The electron number is confined to nu < lo + cut (hi - lo) (``phase="low"``, swept upward from the
    lower plateau's state) or nu >= lo + cut (hi - lo) (``"high"``, swept downward from the upper
    one's), lo, hi the plateaus of ``step``.  Near the first-order step of a finite sample the free
    chain flips between the two phases (the finite-size rounding of the jump, and metastable
    excursions past V*); the restricted chain samples one phase only, so its mean is the phase's own
    nu(mu), the quantity that has a thermodynamic limit (Penrose-Lebowitz restricted ensembles).
    ``cut`` = 1/2 puts the wall at the middle of the step, near the density minimum between the two
    coexisting fillings; the wall's position matters only through the rare states near it.
    ``mus`` in e^2/(eps b), any order (sorted ascending for "low", descending for "high").
    """
    if phase not in ("low", "high"):
        raise ValueError(f"phase must be 'low' or 'high' (got phase={phase!r})")
    if not 0.0 < cut < 1.0:
        raise ValueError(f"cut must lie in (0, 1) (got cut={cut!r})")
    lo_state, hi_state = step_states(model, step)
    N = model.lattice.n_nc
    n_wall = int(np.ceil((step - 1.0 + cut) * N))
    mus = np.sort(np.asarray(mus, float))
    if phase == "low":
        rng, start = (0, n_wall - 1), lo_state
    else:
        rng, start, mus = (n_wall, 2 * N), hi_state, mus[::-1]
    ch = run(model, mus, kT, start, n_equil, n_measure, seed, n_range=rng)
    nus = ch.n_series / N
    nu = nus.mean(axis=1)
    dnu = ch.n_series.var(axis=1) / (N * kT)
    nan = np.full(len(mus), np.nan)
    order = np.argsort(mus)
    return Branch(mu=mus[order], nu=nu[order], nu_err=block_error(nus)[order], dnu_dmu=dnu[order],
                  dnu_dmu_err=nan, omega=nan, omega_err=nan, chain=ch, n_nc=N)


def _fit_crossing(mu: np.ndarray, nu: np.ndarray, level: float, half_window: float) -> float:
    """Where a rising curve sampled at ``mu`` crosses ``level``: the first crossing of the linear
    interpolation, refined by a least-squares quadratic through the points within +-``half_window``
    of it (at least the nearest 3).  The fit averages the statistical noise of neighbouring points
    and has no grid-spacing bias once the window holds several points.  NaN if never crossed."""
    k = np.flatnonzero((nu[:-1] < level) & (nu[1:] >= level))
    if not len(k):
        return np.nan
    k = k[0]
    x0 = mu[k] + (level - nu[k]) / (nu[k + 1] - nu[k]) * (mu[k + 1] - mu[k])
    use = np.abs(mu - x0) <= half_window
    if use.sum() < 3:
        use = np.zeros(len(mu), bool)
        use[np.argsort(np.abs(mu - x0))[:3]] = True
    x, y = mu[use] - x0, nu[use] - level
    a, b, c = np.polyfit(x, y, 2)
    if abs(a) < 1e-12 * max(abs(b), 1e-300):
        return float(x0 - c / b)
    disc = b * b - 4 * a * c
    if disc < 0:
        return float(x0)
    roots = (-b + np.array([1.0, -1.0]) * np.sqrt(disc)) / (2 * a)
    return float(x0 + roots[np.argmin(np.abs(roots))])


def _fit_value(mu: np.ndarray, nu: np.ndarray, at: float, half_window: float) -> float:
    """The local quadratic least-squares fit of nu(mu) within +-half_window of ``at``, at ``at``."""
    use = np.abs(mu - at) <= half_window
    if use.sum() < 3:
        use = np.zeros(len(mu), bool)
        use[np.argsort(np.abs(mu - at))[:3]] = True
    return float(np.polyval(np.polyfit(mu[use] - at, nu[use], 2), 0.0))


def equilibrium_width(mu_low, nu_low, mu_high, nu_high, mu_star: float, lo: float = 0.0,
                      hi: float = 1.0, half_window: float = 0.01) -> tuple[float, float, float, float, float]:
    """10-90 % width of the equilibrium nu(mu) built from the two phases' branches (Sec. V).

    Equilibrium: the low phase below the grand-potential crossing mu_star, the high phase above it.
    A level lo + f (hi - lo) is crossed on the low branch if nu_low(mu_star) >= that level, at mu_star
    if the jump spans it, else on the high branch (:func:`_fit_crossing`).  Only each branch's
    equilibrium side enters (low: mu <= mu_star, high: mu >= mu_star): past mu_star a restricted
    branch is metastable and bends sharply towards its wall, which would bias a fit window reaching
    into it.  Returns (width, mu_10, mu_90, nu_low(mu_star), nu_high(mu_star)), same units as mu.
    """
    mu_low, nu_low = np.asarray(mu_low, float), np.asarray(nu_low, float)
    mu_high, nu_high = np.asarray(mu_high, float), np.asarray(nu_high, float)
    tol = 1e-6 * half_window  # grid points at mu_star itself belong to both sides
    keep_l, keep_h = mu_low <= mu_star + tol, mu_high >= mu_star - tol
    mu_low, nu_low, mu_high, nu_high = mu_low[keep_l], nu_low[keep_l], mu_high[keep_h], nu_high[keep_h]
    nl = _fit_value(mu_low, nu_low, mu_star, half_window)
    nh = _fit_value(mu_high, nu_high, mu_star, half_window)

    def cross(level):
        if nl < level <= nh:
            return mu_star
        if level <= nl:
            return _fit_crossing(mu_low, nu_low, level, half_window)
        return _fit_crossing(mu_high, nu_high, level, half_window)

    m10, m90 = cross(lo + 0.1 * (hi - lo)), cross(lo + 0.9 * (hi - lo))
    return float(m90 - m10), float(m10), float(m90), nl, nh


@dataclass(frozen=True, eq=False)
class BranchWidth:
    """Result of :func:`branch_width`, units of e^2/(eps b) for mu.

    width, width_err : 10-90 % width of the equilibrium nu(mu) and its jackknife error over the chains;
    mu_10, mu_90 : its 10 % and 90 % crossings; nu_low_star, nu_high_star : the two phases' fillings at
    mu_star; nu_low, nu_low_err and nu_high, nu_high_err : the seed-averaged branches on the sorted
    grids (errors: seed scatter / sqrt(seeds)).
    """

    width: float
    width_err: float
    mu_10: float
    mu_90: float
    nu_low_star: float
    nu_high_star: float
    nu_low: np.ndarray
    nu_low_err: np.ndarray
    nu_high: np.ndarray
    nu_high_err: np.ndarray


def branch_width(model: MCModel, kT: float, mu_star: float, mu_low, mu_high, step: int = 1,
                 seeds: int = 4, n_equil: int = 200, n_measure: int = 2000, half_window: float = 0.01,
                 cut: float = 0.5, seed: int = 0) -> BranchWidth:
    """The engine of :func:`~supercrystal.montecarlo.runs.peak_width` in units of e^2/(eps b):
    ``seeds`` independent :func:`restricted_branch` chains of the low phase on ``mu_low`` and of the
    high phase on ``mu_high`` (chain seeds seed + 2s and seed + 2s + 1), the :func:`equilibrium_width`
    of the seed-averaged branches and its jackknife error over the chains (:class:`BranchWidth`)."""
    S = int(seeds)
    if S < 2:
        raise ValueError(f"seeds must be >= 2 for an error estimate (got seeds={seeds!r})")
    mu_low, mu_high = np.sort(np.asarray(mu_low, float)), np.sort(np.asarray(mu_high, float))
    nl = np.array([restricted_branch(model, mu_low, kT, "low", step, cut, n_equil, n_measure,
                                     seed + 2 * s).nu for s in range(S)])
    nh = np.array([restricted_branch(model, mu_high, kT, "high", step, cut, n_equil, n_measure,
                                     seed + 2 * s + 1).nu for s in range(S)])
    lo, hi = step - 1.0, float(step)

    def width(idx):
        return equilibrium_width(mu_low, nl[idx].mean(axis=0), mu_high, nh[idx].mean(axis=0), mu_star,
                                 lo, hi, half_window)

    w, m10, m90, ns_lo, ns_hi = width(np.arange(S))
    jk = np.array([width(np.delete(np.arange(S), j))[0] for j in range(S)])
    err = float(np.sqrt((S - 1) / S * np.sum((jk - jk.mean()) ** 2)))
    sem = lambda x: x.std(axis=0, ddof=1) / np.sqrt(S)
    return BranchWidth(width=w, width_err=err, mu_10=m10, mu_90=m90, nu_low_star=ns_lo,
                       nu_high_star=ns_hi, nu_low=nl.mean(axis=0), nu_low_err=sem(nl),
                       nu_high=nh.mean(axis=0), nu_high_err=sem(nh))
