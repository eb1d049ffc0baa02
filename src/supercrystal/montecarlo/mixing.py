"""Field mixing at the end point of the charging step (Sec. V, "cooperativity ends"): the scaling order parameter
of a liquid-gas-like critical point, after Wilding and Bruce, J. Phys.: Condens. Matter 4, 3087 (1992).

The step nu = 0 -> 1 ends at a critical point of the 3D Ising class, but the lattice "gas" of electrons and
cations has no particle-hole symmetry: the two phases differ in energy as well as in filling.  The scaling
fields are then mixtures of the thermodynamic ones, and the order parameter whose distribution at T_c is the
universal (symmetric) Ising one is not the filling rho = N_el / N_nc alone but

    M = rho - s u,    u = H / N_nc  (the energy density, H without the -mu N term),

with a non-universal mixing parameter s.  The Binder cumulant of rho alone (:mod:`supercrystal.montecarlo.fss`)
carries the asymmetry of P(rho): at the crossing of its curves it sits below the Ising value
:data:`U4_ISING`, and the crossings drift with L by the mixing as well as by the corrections to scaling.

Procedure (per sample size, seed and temperature rung of a replica-exchange run along the coexistence line):

1. the mixing parameter s: where the third cumulant of rho - s u vanishes at the rung nearest the crossing
   of the rho-only cumulants of the two largest sizes, at the equal-weight voltage (:func:`mixing_parameter`;
   the third cumulant is a cubic in s, the root nearest 0 is taken; averaged over the seeds of the largest
   size); it is refined once at the crossing of the mixed cumulants;
2. at every rung the voltage mu_M where P(M), reweighted in mu (exact: only -mu N changes), has no third
   cumulant, the root nearest the equal-weight voltage (:func:`symmetric_field`), and the Binder cumulant
   U_4(M) there;
3. the crossings of U_4(M) of successive sizes (:func:`supercrystal.montecarlo.scaling.end_point`), and the
   cumulant there against :data:`U4_ISING`.

The simulation is :func:`coexistence_run`: the procedure of :func:`supercrystal.montecarlo.fss.fss_run`
(pilots refine the line, then the measured run, the same seeds), returning the series that the cached
production runs of ``fss`` do not keep.  With the same arguments it retraces the same chains, so its rho-only
cumulants are those of ``fss`` exactly (a test).  This module is kept out of the package's ``__init__`` so
that the cached runs of ``fss`` do not depend on it.

Units: kT, mu, u in e^2/(eps b) (:mod:`supercrystal.montecarlo.lattice`).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq

from supercrystal.montecarlo.fss import equal_weight, refine_line, rung_statistics, coexistence_guess
from supercrystal.montecarlo.lattice import MCModel
from supercrystal.montecarlo.replicas import ReplicaRun, replica_exchange
from supercrystal.montecarlo.scaling import EndPoint, end_point, seed_stats

#: The Binder cumulant 1 - <m^4> / (3 <m^2>^2) of the 3D Ising universality class at T_c in a periodic cube
#: (Q = <m^2>^2 / <m^4> = 0.62341, M. Hasenbusch, Phys. Rev. B 82, 174433 (2010)).
U4_ISING = 1.0 - 1.0 / (3.0 * 0.62341)


def coexistence_run(model: MCModel, kTs, n_equil: int = 200, n_measure: int = 4000, sweeps: int = 2,
                    pilots: int = 2, pilot_fraction: float = 0.2, seed: int = 0) -> ReplicaRun:
    """The measured replica-exchange run of :func:`supercrystal.montecarlo.fss.fss_run` with the same
    arguments (the same pilots, line and seeds), returned whole: its per-sweep series n_series, e_series."""
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
        mus = refine_line(model, kTs, rung_statistics(r).mu_star)
        starts = [(r.n[k], r.c[k]) for k in range(K)]
    return replica_exchange(model, kTs, mus, list(starts), n_equil, n_measure, sweeps, seeds[-1])


def _weights(n, kT: float, dmu: float) -> np.ndarray:
    a = dmu * np.asarray(n, float) / kT
    w = np.exp(a - a.max())
    return w / w.sum()


def cumulants(x, w) -> tuple[float, float, float, float]:
    """(mean, second, third central moment, Binder cumulant 1 - m4 / (3 m2^2)) of samples ``x`` with weights
    ``w`` (summing to 1)."""
    mean = float(w @ x)
    m = x - mean
    m2, m3, m4 = float(w @ m ** 2), float(w @ m ** 3), float(w @ m ** 4)
    return mean, m2, m3, (1.0 - m4 / (3.0 * m2 ** 2)) if m2 > 0 else float("nan")


def mixing_parameter(n, e, kT: float, dmu: float, n_nc: int) -> float:
    """The s nearest 0 for which rho - s u (rho = n / n_nc, u = e / n_nc) has no third cumulant, with the samples
    reweighted to mu_sampled + ``dmu``; nan if the cubic has no real root."""
    w = _weights(n, kT, dmu)
    rho, u = np.asarray(n, float) / n_nc, np.asarray(e, float) / n_nc
    dr, du = rho - w @ rho, u - w @ u
    # third central moment of dr - s du: k_rrr - 3 s k_rru + 3 s^2 k_ruu - s^3 k_uuu
    coef = [-(w @ du ** 3), 3 * (w @ (dr * du ** 2)), -3 * (w @ (dr ** 2 * du)), w @ dr ** 3]
    roots = np.roots(coef)
    real = roots[np.abs(roots.imag) <= 1e-9 * max(1.0, np.abs(roots).max())].real
    return float(real[np.argmin(np.abs(real))]) if real.size else float("nan")


def symmetric_field(n, e, kT: float, n_nc: int, s: float, dmu0: float, span: float | None = None) -> float:
    """The shift dmu of the voltage from the sampled one, nearest ``dmu0``, at which M = rho - s u reweighted
    in mu has no third central moment (a root on a scan of +-``span`` around dmu0, default 4 kT per the range
    of n, refined by brentq); nan if the moment keeps its sign over the scan."""
    n = np.asarray(n, float)
    x = n / n_nc - s * np.asarray(e, float) / n_nc
    span = 4.0 * kT / max(1.0, np.ptp(n)) if span is None else float(span)

    def third(d):
        return cumulants(x, _weights(n, kT, d))[2]

    grid = dmu0 + span * np.linspace(-1.0, 1.0, 41)
    vals = np.array([third(d) for d in grid])
    ks = np.flatnonzero(np.sign(vals[:-1]) * np.sign(vals[1:]) <= 0)
    if not ks.size:
        return float("nan")
    k = ks[np.argmin(np.abs(0.5 * (grid[ks] + grid[ks + 1]) - dmu0))]
    if vals[k] == 0.0:
        return float(grid[k])
    return float(brentq(third, grid[k], grid[k + 1], xtol=1e-15))


def rung_binder(n, e, kT: float, mu: float, n_nc: int, s: float) -> tuple[float, float]:
    """(mu_M, U_4(M)) at one rung sampled at (kT, mu): mu_M where P(M) has no third cumulant (nearest the
    equal-weight voltage of rho); at s = 0 and the equal-weight voltage itself the cumulant is fss's."""
    n = np.asarray(n, float)
    mu_eq = equal_weight(n, kT, mu, n_nc)
    if not np.isfinite(mu_eq):
        return float("nan"), float("nan")
    d = symmetric_field(n, e, kT, n_nc, s, mu_eq - mu)
    if not np.isfinite(d):
        return float("nan"), float("nan")
    x = n / n_nc - s * np.asarray(e, float) / n_nc
    return float(mu + d), cumulants(x, _weights(n, kT, d))[3]


@dataclass(frozen=True, eq=False)
class MixedStudy:
    """The end point with field mixing (e^2/(eps b)).

    kT (K,); sizes (S,); s : the mixing parameter; s_seeds : its values over the seeds of the largest size;
    binder_rho, binder (S, K) : U_4 of rho at the equal-weight voltage and of M at its symmetric voltage, means
    over the seeds; binder_err (S, K) : the standard error of the latter; end_rho, end : the
    :class:`~supercrystal.montecarlo.scaling.EndPoint` of the two cumulants; seeds : per size.
    """

    kT: np.ndarray
    sizes: np.ndarray
    s: float
    s_seeds: np.ndarray
    binder_rho: np.ndarray
    binder: np.ndarray
    binder_err: np.ndarray
    end_rho: EndPoint
    end: EndPoint
    seeds: int


def _rho_binder(r) -> np.ndarray:
    n, mu, kT = np.asarray(r["n"], float), np.asarray(r["mu_sampled"], float), np.asarray(r["kT"], float)
    N = int(r["n_nc"])
    out = np.full(len(kT), np.nan)
    for k in range(len(kT)):
        mu_eq = equal_weight(n[k], kT[k], mu[k], N)
        if np.isfinite(mu_eq):
            x = n[k] / N
            out[k] = cumulants(x, _weights(n[k], kT[k], mu_eq - mu[k]))[3]
    return out


def _mixing_at(runs_large, k: int) -> np.ndarray:
    out = []
    for r in runs_large:
        n, e = np.asarray(r["n"][k], float), np.asarray(r["e"][k], float)
        mu_eq = equal_weight(n, float(r["kT"][k]), float(r["mu_sampled"][k]), int(r["n_nc"]))
        out.append(mixing_parameter(n, e, float(r["kT"][k]), mu_eq - float(r["mu_sampled"][k]), int(r["n_nc"]))
                   if np.isfinite(mu_eq) else np.nan)
    return np.array(out)


def mixed_study(runs: dict) -> MixedStudy:
    """:class:`MixedStudy` from ``runs``: {L: list over seeds of dicts with kT (K,), mu_sampled (K,) the sampled
    voltages, n, e (K, n) the series of N_el and H, n_nc} on a common ladder (module docstring; the results of
    :func:`supercrystal.book.tasks.mc_mixing_run`)."""
    sizes = np.array(sorted(runs))
    seeds = min(len(runs[L]) for L in sizes)
    if len(sizes) < 2 or seeds < 2:
        raise ValueError(f"a mixed study needs >= 2 sizes and >= 2 seeds (got sizes {sizes.tolist()}, {seeds} seeds)")
    kT = np.asarray(runs[sizes[0]][0]["kT"], float)
    rho = {L: np.array([_rho_binder(r) for r in runs[L][:seeds]]) for L in sizes}
    end_rho = end_point(kT, rho)
    large = runs[sizes[-1]][:seeds]

    def mixed(s):
        b = {}
        for L in sizes:
            rows = []
            for r in runs[L][:seeds]:
                rows.append([rung_binder(r["n"][k], r["e"][k], float(r["kT"][k]), float(r["mu_sampled"][k]),
                                         int(r["n_nc"]), s)[1] for k in range(len(kT))])
            b[L] = np.array(rows)
        return b

    T0 = end_rho.kT_c if np.isfinite(end_rho.kT_c) else float(np.median(kT))
    s_seeds = _mixing_at(large, int(np.argmin(np.abs(kT - T0))))
    s = float(np.nanmean(s_seeds))
    b = mixed(s)
    end = end_point(kT, b)
    if np.isfinite(end.kT_c):  # refine s once, at the crossing of the mixed cumulants
        s_seeds = _mixing_at(large, int(np.argmin(np.abs(kT - end.kT_c))))
        s = float(np.nanmean(s_seeds))
        b = mixed(s)
        end = end_point(kT, b)
    mean, err = (np.array(v) for v in zip(*(seed_stats(b[L]) for L in sizes)))
    return MixedStudy(kT=kT, sizes=sizes, s=s, s_seeds=s_seeds,
                      binder_rho=np.array([seed_stats(rho[L])[0] for L in sizes]), binder=mean, binder_err=err,
                      end_rho=end_rho, end=end, seeds=int(seeds))


__all__ = ["U4_ISING", "MixedStudy", "coexistence_run", "cumulants", "mixed_study", "mixing_parameter",
           "rung_binder", "symmetric_field"]
