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

The corrections to scaling are also fitted (:func:`extrapolate`): with U_4(t, L) = U* + a t L^(1/nu) + c L^(-omega)
near T_c (t = T - T_c; Binder, Z. Phys. B 43, 119 (1981)), the sizes L and L' = bL cross at

    T*(L, bL) = T_c + c' L^(-(omega + 1/nu)) (1 - b^(-omega)) / (b^(1/nu) - 1),

linear in T_c and c' for fixed exponents (the 3D Ising ones, :data:`NU_ISING`, :data:`OMEGA_ISING`: the end of a
liquid-gas line is in that class).  The weighted fit of every pair's crossing gives T_c at L -> infinity; its
error is the jackknife over the seeds (seed s left out of every size at once), which also accounts for the
correlation of two pairs that share a size.

Units: kT in e^2/(eps b).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: 3D Ising exponents (Pelissetto and Vicari, Phys. Rep. 368, 549 (2002)): the correlation-length exponent nu and
#: the leading correction-to-scaling exponent omega
NU_ISING = 0.6301
OMEGA_ISING = 0.84

#: The band of U_4 in which a crossing is taken as the critical one: the curves also meet near 2/3 (both
#: samples ordered) and near 0 (both disordered), where their differences are noise.
CROSSING_BAND = (0.2, 0.65)


def seed_stats(x, axis: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Mean over the seeds (``axis``) of ``x`` and its standard error, counting only the finite seeds; nan (without
    a warning) where none (mean) or fewer than two (error) are finite, e.g. a rung where a seed's cumulant is
    undefined."""
    x = np.moveaxis(np.asarray(x, float), axis, 0)
    ok = np.isfinite(x)
    n = ok.sum(0)
    mean = np.where(n > 0, np.where(ok, x, 0.0).sum(0) / np.maximum(n, 1), np.nan)
    ss = np.where(ok, (x - mean) ** 2, 0.0).sum(0)
    return mean, np.where(n >= 2, np.sqrt(ss / np.maximum(n - 1, 1) / np.maximum(n, 1)), np.nan)


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
    stats = {L: seed_stats(b[L][:n_seeds]) for L in sizes}  # (mean, standard error) over the seeds
    for a, c in zip(sizes[:-1], sizes[1:]):
        x, dx, ux = crossing(kT, stats[a][0], stats[c][0], err_small=stats[a][1], err_large=stats[c][1])
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


def correction_variable(L, L_next, omega: float = OMEGA_ISING, nu: float = NU_ISING):
    """x(L, bL) = L^(-(omega + 1/nu)) (1 - b^(-omega)) / (b^(1/nu) - 1), b = L'/L: the crossing of sizes L and L'
    lies at T_c + c' x (module docstring)."""
    L, Lp = np.asarray(L, float), np.asarray(L_next, float)
    if np.any(L <= 0) or np.any(Lp <= L):
        raise ValueError(f"the sizes of a pair need 0 < L < L' (got L = {L}, L' = {Lp})")
    b = Lp / L
    return L ** (-(omega + 1.0 / nu)) * (1.0 - b ** (-omega)) / (b ** (1.0 / nu) - 1.0)


@dataclass(frozen=True, eq=False)
class Extrapolation:
    """T_c at L -> infinity from every pair's crossing (e^2/(eps b); :func:`extrapolate`).

    kT_c and err (jackknife over the seeds); slope : c' of the fit; x (P,) the correction variable of each pair;
    kT_cross, kT_cross_err (P,) the crossings fitted; chi2 and dof of the weighted fit; omega, nu : the exponents.
    """

    kT_c: float
    err: float
    slope: float
    x: np.ndarray
    kT_cross: np.ndarray
    kT_cross_err: np.ndarray
    chi2: float
    dof: int
    omega: float
    nu: float

    @property
    def fits(self) -> bool:
        """Whether the form describes the crossings: chi2 within three of its standard deviations (sqrt(2 dof))
        of its mean dof."""
        return bool(self.chi2 <= self.dof + 3.0 * np.sqrt(2.0 * max(self.dof, 1)))


def _fit_crossings(x, y, w) -> tuple[float, float, float]:
    """Weighted straight-line fit y = t + c x (weights w): (t, c, chi2); nan with fewer than two points."""
    ok = np.isfinite(y)
    if ok.sum() < 2:
        return np.nan, np.nan, np.nan
    A = np.vstack([np.ones(ok.sum()), x[ok]]).T
    coef = np.linalg.solve(A.T @ (A * w[ok, None]), A.T @ (w[ok] * y[ok]))
    return float(coef[0]), float(coef[1]), float(np.sum(w[ok] * (y[ok] - A @ coef) ** 2))


def extrapolate(kT, binder_seeds, omega: float = OMEGA_ISING, nu: float = NU_ISING) -> Extrapolation:
    """T_c at L -> infinity from ``binder_seeds``: {L: (seeds, K) array of U_4 on the common ladder ``kT``}, by the
    weighted fit of the crossings of successive sizes to T_c + c' x(L, L') (module docstring); needs >= 3 sizes
    and >= 3 seeds (the jackknife).  The weights are the inverse squared errors of the crossings of all seeds,
    kept fixed in the jackknife (equal weights if the seeds do not scatter); the error is nan if leaving a seed out
    loses a crossing that the fit uses."""
    sizes = np.array(sorted(binder_seeds))
    b = {L: np.atleast_2d(np.asarray(binder_seeds[L], float)) for L in sizes}
    n = min(b[L].shape[0] for L in sizes)
    if len(sizes) < 3 or n < 3:
        raise ValueError(f"an extrapolation needs >= 3 sizes and >= 3 seeds (got sizes {sizes.tolist()}, {n} seeds)")
    e = end_point(kT, {L: b[L][:n] for L in sizes})
    x = correction_variable(e.pairs[:, 0], e.pairs[:, 1], omega, nu)
    se = e.kT_cross_err
    w = 1.0 / se ** 2 if np.all(np.isfinite(se) & (se > 0)) else np.ones_like(se)
    t, slope, chi2 = _fit_crossings(x, e.kT_cross, w)
    used = np.isfinite(e.kT_cross)
    jack = []
    for s in range(n):  # a replicate that loses a pair of the fit would change the estimator: no error then
        y = end_point(kT, {L: np.delete(b[L][:n], s, 0) for L in sizes}).kT_cross
        jack.append(_fit_crossings(x, y, w)[0] if np.all(np.isfinite(y[used])) else np.nan)
    jack = np.array(jack)
    err = float(np.sqrt((n - 1) / n * np.sum((jack - jack.mean()) ** 2))) if np.all(np.isfinite(jack)) else np.nan
    return Extrapolation(kT_c=t, err=err, slope=slope, x=x, kT_cross=e.kT_cross, kT_cross_err=se, chi2=chi2,
                         dof=int(np.sum(np.isfinite(e.kT_cross)) - 2), omega=float(omega), nu=float(nu))


@dataclass(frozen=True, eq=False)
class Study:
    """Every size and seed of an end-point study on the ladder kT (K,) (e^2/(eps b)).

    sizes (S,); binder, jump, tau, mu_star : (S, K) means over the seeds; binder_err, jump_err : (S, K) their
    standard errors over the seeds (scatter / sqrt(seeds)); jump_err_tau : (S, K) the same from the runs'
    autocorrelation times (:class:`RungStats` jump_err, combined over the seeds: the cross-check of the
    scatter); acceptance : (S, K - 1) mean swap acceptance; seeds : seeds per size; sweeps : measured
    sweeps per rung and run; end : the :class:`EndPoint`; binder_seeds : (S, seeds, K) the cumulant of every seed
    (for :func:`extrapolate`).
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
    binder_seeds: np.ndarray

    def extrapolate(self, omega: float = OMEGA_ISING, nu: float = NU_ISING) -> Extrapolation:
        """:func:`extrapolate` on this study's seeds."""
        return extrapolate(self.kT, {L: self.binder_seeds[i] for i, L in enumerate(self.sizes)}, omega, nu)


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
    (bm, be), (jm, jerr) = seed_stats(b, axis=1), seed_stats(j, axis=1)
    acc = np.array([np.mean([get(r, "acceptance") for r in runs[L][:seeds]], axis=0) for L in sizes])
    sweeps = int(get(runs[sizes[0]][0], "sweeps"))
    return Study(kT=kT, sizes=sizes, binder=bm, binder_err=be, jump=jm,
                 jump_err=jerr, jump_err_tau=np.sqrt(np.nanmean(je ** 2, axis=1) / seeds),
                 tau=np.nanmean(t, axis=1), mu_star=np.nanmean(m, axis=1), acceptance=acc,
                 seeds=int(seeds), sweeps=sweeps, end=end_point(kT, {L: b[i] for i, L in enumerate(sizes)}),
                 binder_seeds=b)
