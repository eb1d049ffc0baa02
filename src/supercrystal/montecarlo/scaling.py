"""Finite-size scaling analysis of the end point of the charging step (Sec. V): the crossings of the Binder
cumulants of successive sample sizes and T_c with its errors, from the per-rung statistics of
:mod:`supercrystal.montecarlo.fss` (the simulation).  Kept apart from it so that the cached simulations do not
depend on this cheap analysis (a change here recomputes nothing).

T_c is the crossing of the seed-averaged cumulants of the two largest sizes (linear interpolation between the
rungs of the common ladder).  Its statistical error is propagated from the standard errors of the two
cumulants over the independent seeds at the two rungs that bracket the crossing (added linearly: a common
shift of a curve moves the crossing fully); its systematic error is the
shift of the crossing from the previous pair of sizes (the corrections to scaling, field mixing included,
still present at the sizes computed); the two are added in quadrature.

Units: kT in e^2/(eps b).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: The band of U_4 in which a crossing is taken as the critical one: the curves also meet near 2/3 (both
#: samples ordered) and near 0 (both disordered), where their differences are noise.
CROSSING_BAND = (0.2, 0.65)


def crossing(kT, u_small, u_large, band=CROSSING_BAND, err_small=None, err_large=None):
    """The temperature where two Binder curves on the same ladder cross, by linear interpolation between
    rungs: where U_large - U_small changes sign from + (below T_c the larger sample is the more ordered)
    to -, at a value of U_4 inside ``band``; the lowest such temperature if several; nan if none.
    With the curves' errors ``err_small``, ``err_large`` it returns (crossing, its propagated error, U_4 there)."""
    kT = np.asarray(kT, float)
    us, ul = np.asarray(u_small, float), np.asarray(u_large, float)
    es = np.zeros_like(us) if err_small is None else np.asarray(err_small, float)
    el = np.zeros_like(ul) if err_large is None else np.asarray(err_large, float)
    d = ul - us
    ok = np.isfinite(d)
    kT, d, us, sd = kT[ok], d[ok], us[ok], np.hypot(es, el)[ok]
    x, dx, ux = np.nan, np.nan, np.nan
    for k in np.flatnonzero((d[:-1] > 0) & (d[1:] <= 0)):
        t = d[k] / (d[k] - d[k + 1])
        u = us[k] + t * (us[k + 1] - us[k])
        if band[0] <= u <= band[1]:
            h, den = kT[k + 1] - kT[k], (d[k] - d[k + 1]) ** 2
            x, ux = kT[k] + t * h, u
            # dt/dd_k = -d_k+1 / den, dt/dd_k+1 = d_k / den; the two rungs' errors added linearly (they come from
            # the same chains, so they are correlated: a common shift of the curve moves the crossing fully)
            dx = h * (abs(d[k + 1]) * sd[k] + abs(d[k]) * sd[k + 1]) / den
            break
    if err_small is None and err_large is None:
        return float(x)
    return float(x), float(dx), float(ux)


@dataclass(frozen=True, eq=False)
class EndPoint:
    """Finite-size scaling result (e^2/(eps b)).

    sizes (S,) ascending; pairs (P, 2) the successive sizes (L, L'); kT_cross (P,) each pair's crossing of
    the seed-averaged cumulants, kT_cross_err (P,) its error propagated from the cumulants' standard errors
    over the seeds; u_cross (P,) the cumulant there; kT_c = the last pair's crossing; stat_err : its
    error; sys_err : |last crossing - the one before| (scaling corrections; nan with one pair); err : hypot
    of the two; seeds : the number of seeds.
    """

    sizes: np.ndarray
    pairs: np.ndarray
    kT_cross: np.ndarray
    kT_cross_err: np.ndarray
    u_cross: np.ndarray
    kT_c: float
    stat_err: float
    sys_err: float
    err: float
    seeds: int


def end_point(kT, binder) -> EndPoint:
    """T_c from ``binder``: a dict {L: (seeds, K) array of U_4 on the common ladder ``kT``} (module
    docstring).  Raises ValueError with fewer than two sizes or seeds."""
    kT = np.asarray(kT, float)
    sizes = np.array(sorted(binder))
    if len(sizes) < 2:
        raise ValueError(f"binder needs >= 2 sample sizes (got {sizes.tolist()})")
    b = {L: np.atleast_2d(np.asarray(binder[L], float)) for L in sizes}
    n_seeds = min(b[L].shape[0] for L in sizes)
    if n_seeds < 2:
        raise ValueError("binder needs >= 2 independent seeds per size")
    pairs, mean, err, ucross = [], [], [], []
    sem = {L: np.nanstd(b[L][:n_seeds], 0, ddof=1) / np.sqrt(n_seeds) for L in sizes}
    for a, c in zip(sizes[:-1], sizes[1:]):
        x, dx, ux = crossing(kT, np.nanmean(b[a][:n_seeds], 0), np.nanmean(b[c][:n_seeds], 0),
                             err_small=sem[a], err_large=sem[c])
        pairs.append((a, c))
        mean.append(x)
        err.append(dx)
        ucross.append(ux)
    mean, err = np.array(mean), np.array(err)
    sys = abs(mean[-1] - mean[-2]) if len(mean) >= 2 else float("nan")
    total = float(np.hypot(err[-1], sys)) if np.isfinite(sys) else float(err[-1])
    return EndPoint(sizes=sizes, pairs=np.array(pairs), kT_cross=mean, kT_cross_err=err, u_cross=np.array(ucross),
                    kT_c=float(mean[-1]), stat_err=float(err[-1]), sys_err=float(sys), err=total,
                    seeds=int(n_seeds))


@dataclass(frozen=True, eq=False)
class Study:
    """Every size and seed of an end-point study on the ladder kT (K,) (e^2/(eps b)).

    sizes (S,); binder, jump, tau, mu_star : (S, K) means over the seeds; binder_err, jump_err : (S, K) their
    standard errors over the seeds (scatter / sqrt(seeds)); jump_err_tau : (S, K) the same from the runs'
    autocorrelation times (:class:`RungStats` jump_err, combined over the seeds: the cross-check of the
    scatter); acceptance : (S, K - 1) mean swap acceptance; seeds : seeds per size; sweeps : measured
    sweeps per rung and run; end : the :class:`EndPoint`.
    """

    kT: np.ndarray
    sizes: np.ndarray
    binder: np.ndarray
    binder_err: np.ndarray
    jump: np.ndarray
    jump_err: np.ndarray
    jump_err_tau: np.ndarray
    tau: np.ndarray
    mu_star: np.ndarray
    acceptance: np.ndarray
    seeds: int
    sweeps: int
    end: EndPoint


def study(kT, runs: dict) -> Study:
    """:class:`Study` from ``runs``: {L: list over seeds of :class:`RungStats` or their dicts (the cached
    task results)}."""
    kT = np.asarray(kT, float)
    sizes = np.array(sorted(runs))
    get = lambda r, name: np.asarray(r[name] if isinstance(r, dict) else getattr(r, name), float)  # noqa: E731
    seeds = min(len(runs[L]) for L in sizes)
    if seeds < 2:
        raise ValueError(f"a study needs >= 2 seeds per size (got {seeds})")

    def stack(name):
        return np.array([[get(r, name) for r in runs[L][:seeds]] for L in sizes])  # (S, seeds, K)

    b, j, t, m, je = stack("binder"), stack("jump"), stack("tau"), stack("mu_star"), stack("jump_err")
    sem = lambda a: np.nanstd(a, axis=1, ddof=1) / np.sqrt(np.sum(np.isfinite(a), axis=1))  # noqa: E731
    acc = np.array([np.mean([get(r, "acceptance") for r in runs[L][:seeds]], axis=0) for L in sizes])
    sweeps = int(get(runs[sizes[0]][0], "sweeps"))
    return Study(kT=kT, sizes=sizes, binder=np.nanmean(b, axis=1), binder_err=sem(b), jump=np.nanmean(j, axis=1),
                 jump_err=sem(j), jump_err_tau=np.sqrt(np.nanmean(je ** 2, axis=1) / seeds),
                 tau=np.nanmean(t, axis=1), mu_star=np.nanmean(m, axis=1), acceptance=acc,
                 seeds=int(seeds), sweeps=sweeps, end=end_point(kT, {L: b[i] for i, L in enumerate(sizes)}))
