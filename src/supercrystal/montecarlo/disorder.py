"""Quenched size disorder at the scale it needs (Sec. V, Eq. 13): many realisations, several sample sizes.

The size spread delta a / a of the NCs spreads their confinement energies, delta E_q = 2 (delta a / a) E_q
(Eq. 13): for the electrons a quenched *random field* on the sites.  Whether the first-order charging step
(the jump of nu at V*) survives it is a question about the thermodynamic limit, so one sample of one size
cannot answer it.  This module turns one realisation's charging curve
(:func:`~supercrystal.montecarlo.curves.charging_curve`, run by the caller for each realisation and size)
into the statistics a referee asks for:

* the voltage window widens with the spread of E_q (:func:`disorder_window`: the base window plus
  ``sigmas`` standard deviations sigma_Eq = 2 (delta a / a) E_q on both sides, in e^2/(eps b)), so the rise
  of nu(V), about 2.6 sigma_Eq wide for strong disorder, lies inside it whatever the material (PbSe's lighter
  electron has a larger E_q, hence a wider spread than CdSe's);
* per realisation (:func:`sample_step`): the jump at the step, the integrated autocorrelation time of
  N_el on both sweeps at the voltage nearest V* (:mod:`~supercrystal.montecarlo.autocorr`), the 10-90 %
  width, and the *detection floor* of the jump: the histogram of nu there is split into two phases only
  if it has two modes; two modes of equal weight and width sigma merge into one when their distance
  is below 2 sigma, and the kernel density of bandwidth h adds h^2 to sigma^2, so a unimodal histogram
  of variance s^2 hides a jump of at most sqrt(2 (s^2 + h^2)) (s^2 = sigma^2 + d^2 / 4);
* over realisations (:func:`disorder_point`): means with the error of the mean over the realisations
  (sample to sample; every realisation has its own chain, so the thermal noise of each is inside this
  scatter), the fraction of realisations with a jump, and, where none shows one, an upper bound in
  place of a mean of zeros: the mean floor plus two standard errors of the floors;
* over sample sizes (:func:`size_trend`): the jump against L with its errors and the verdict on the
  thermodynamic limit (the module docstring of :class:`SizeTrend` says what each verdict needs).

Energies in e^2/(eps b) inside, volts, mV and kelvin at the edges.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from supercrystal.montecarlo.runs import RunParams

#: Standard deviations of E_q added to each side of the base window (:func:`disorder_window`).
WINDOW_SIGMAS = 3.0
#: Monte Carlo effort of one disorder realisation at the book's scale (the base window, e^2/(eps b) around
#: Sec. III's step, is widened by :func:`disorder_window`; only the jump and the width are needed, so no anchors).
DISORDER_RUN = RunParams(n_volts=24, n_equil=50, n_measure=200, window=(-0.45, 0.3), anchor=False)
#: Kernel bandwidth (in nu) of the histogram whose modes give the jump (:func:`supercrystal.montecarlo.thermo.transition`).
BANDWIDTH = 0.04


def eq_spread(e_q_unit: float, spread: float) -> float:
    """sigma_Eq = 2 (delta a / a) E_q (Eq. 13 linearised; E_q in e^2/(eps b)), the width of the random field."""
    if not (np.isfinite(spread) and 0.0 <= spread <= 0.3):
        raise ValueError(f"spread must lie in [0, 0.3] (got spread={spread!r})")
    return 2.0 * float(spread) * float(e_q_unit)


def disorder_window(window, sigma_eq: float, sigmas: float = WINDOW_SIGMAS) -> tuple[float, float]:
    """The voltage window (e^2/(eps b), relative to Sec. III's step) widened by ``sigmas`` sigma_Eq on both
    sides; the base window without disorder."""
    if not (np.isfinite(sigma_eq) and sigma_eq >= 0):
        raise ValueError(f"sigma_eq must be >= 0 (got sigma_eq={sigma_eq!r})")
    lo, hi = float(window[0]), float(window[1])
    if not lo < hi:
        raise ValueError(f"window must be (lo, hi) with lo < hi (got window={window!r})")
    return (lo - sigmas * sigma_eq, hi + sigmas * sigma_eq)


@dataclass(frozen=True)
class SampleStep:
    """One realisation's step: jump (Delta nu at V*, 0 when the histogram there is unimodal), floor (the
    largest jump a unimodal histogram there can hide), width_mV (10-90 %), V_star (V), tau (the larger
    integrated autocorrelation time of N_el on the two sweeps at the voltage nearest V*, sweeps), n_measure
    (sweeps measured per voltage), reliable (n_measure >= 50 * 2 tau, emcee's rule)."""

    jump: float
    floor: float
    width_mV: float
    V_star: float
    tau: float
    n_measure: int
    reliable: bool


def sample_step(curve, n_nc: int, n_measure: int, bandwidth: float = BANDWIDTH) -> SampleStep:
    """:class:`SampleStep` of one realisation's :class:`~supercrystal.montecarlo.curves.ChargingCurve`
    (``n_nc`` NCs, ``n_measure`` sweeps per voltage).  The variance of nu on each sweep at the voltage
    nearest V* is the fluctuation formula's, var(nu) = (C/eN) e kT / N (:func:`charging_curve`); the pooled
    one adds the squared half-distance of the two sweeps' means."""
    j = int(np.argmin(np.abs(curve.volts - curve.V_star)))
    kt_v = curve.kT_unit * curve.unit_ev  # k_B T in eV, i.e. kT/e in V
    var_u = max(float(curve.C_up[j]), 0.0) * kt_v / n_nc
    var_d = max(float(curve.C_down[j]), 0.0) * kt_v / n_nc
    pooled = 0.5 * (var_u + var_d) + 0.25 * float(curve.nu_up[j] - curve.nu_down[j]) ** 2
    floor = float(np.sqrt(2.0 * (pooled + bandwidth ** 2)))
    tau = float(max(curve.tau_up[j], curve.tau_down[j])) if curve.tau_up is not None else float("nan")
    return SampleStep(jump=float(curve.jump), floor=floor, width_mV=float(curve.width_mV),
                      V_star=float(curve.V_star), tau=tau, n_measure=int(n_measure),
                      reliable=bool(n_measure >= 100.0 * tau))


def bound_up(bound: float, decimals: int = 2) -> float:
    """An upper bound rounded *up* to ``decimals`` places (0.0628 -> 0.07), as it is printed."""
    return float(np.ceil(bound * 10 ** decimals - 1e-9) / 10 ** decimals)


def value_error_text(value: float, error: float) -> str:
    """"value ± error" with the error to two significant digits (at least two decimals), never "± 0.00"."""
    digits = max(2, int(-np.floor(np.log10(error))) + 1) if error > 0 and np.isfinite(error) else 3
    return f"{value:.{digits}f} ± {error:.{digits}f}" if error > 0 else f"{value:.{digits}f} (no scatter)"


def _mean_err(x) -> tuple[float, float]:
    x = np.asarray(x, float)
    return float(np.mean(x)), (float(np.std(x, ddof=1) / np.sqrt(len(x))) if len(x) > 1 else float("nan"))


@dataclass(frozen=True, eq=False)
class DisorderPoint:
    """Disorder statistics at one (L, T, spread) over ``realisations`` samples (module docstring).

    jump, jump_err : mean jump and its error over the realisations; detected : how many show a jump;
    jump_bound : upper bound of the mean jump (mean over realisations of the jump where one is seen and
    of the floor where none is, plus two standard errors): the number to quote when ``detected`` is 0;
    width_mV, width_mV_err; V_star, V_star_err (V); tau_max, tau_median : of N_el at the step over the
    realisations (sweeps), reliable : all realisations satisfy emcee's length rule; sigma_eq_mV : the
    spread of E_q (mV); window : the voltage window (e^2/(eps b) around Sec. III's step); samples : the
    :class:`SampleStep` of each; volts, nu_up, nu_down, C_eq : the realisations' mean curves (V, 1/V),
    nu_err : the error of the mean equilibrium nu over the realisations.
    """

    L: int
    n_nc: int
    T_kelvin: float
    spread: float
    realisations: int
    jump: float
    jump_err: float
    detected: int
    jump_bound: float
    width_mV: float
    width_mV_err: float
    V_star: float
    V_star_err: float
    tau_max: float
    tau_median: float
    reliable: bool
    sigma_eq_mV: float
    window: tuple
    samples: tuple
    volts: np.ndarray
    nu_up: np.ndarray
    nu_down: np.ndarray
    C_eq: np.ndarray
    nu_err: np.ndarray

    @property
    def jump_text(self) -> str:
        """The jump as the prose quotes it: mean +- error, or an upper bound when no realisation shows one."""
        if self.detected == 0:
            return f"< {bound_up(self.jump_bound):.2f}"
        return value_error_text(self.jump, self.jump_err)


def disorder_point(curves, L: int, n_nc: int, T_kelvin: float, spread: float, n_measure: int,
                   window: tuple, sigma_eq_mV: float) -> DisorderPoint:
    """:class:`DisorderPoint` from the realisations' charging curves (at least two, on one voltage grid)."""
    cs = tuple(curves)
    if len(cs) < 2:
        raise ValueError(f"curves must hold at least 2 realisations for an error (got {len(cs)})")
    volts = cs[0].volts
    if any(len(c.volts) != len(volts) or not np.allclose(c.volts, volts) for c in cs):
        raise ValueError("the realisations' curves must share one voltage grid")
    steps = tuple(sample_step(c, n_nc, n_measure) for c in cs)
    jumps = np.array([s.jump for s in steps])
    seen = np.where(jumps > 0, jumps, [s.floor for s in steps])
    j, je = _mean_err(jumps)
    b, be = _mean_err(seen)
    widths = np.array([s.width_mV for s in steps])
    if not np.all(np.isfinite(widths)):
        raise ValueError(f"a 10-90 % level lies outside the window {window!r}: widen it (spread={spread!r})")
    w, we = _mean_err(widths)
    v, ve = _mean_err([s.V_star for s in steps])
    eq_nu = np.array([np.where(c.volts < c.V_star, c.nu_up, c.nu_down) for c in cs])
    taus = np.array([s.tau for s in steps])
    return DisorderPoint(
        L=int(L), n_nc=int(n_nc), T_kelvin=float(T_kelvin), spread=float(spread), realisations=len(cs),
        jump=j, jump_err=je, detected=int(np.sum(jumps > 0)), jump_bound=b + 2 * be, width_mV=w,
        width_mV_err=we, V_star=v, V_star_err=ve, tau_max=float(np.max(taus)),
        tau_median=float(np.median(taus)), reliable=all(s.reliable for s in steps),
        sigma_eq_mV=float(sigma_eq_mV), window=tuple(float(x) for x in window), samples=steps, volts=volts,
        nu_up=np.mean([c.nu_up for c in cs], axis=0), nu_down=np.mean([c.nu_down for c in cs], axis=0),
        C_eq=np.mean([np.where(c.volts < c.V_star, c.C_up, c.C_down) for c in cs], axis=0),
        nu_err=eq_nu.std(axis=0, ddof=1) / np.sqrt(len(cs)))


#: Verdicts of :func:`size_trend`.
VERDICTS = ("survives", "absent at every size", "absent on the largest sample", "vanishing with L", "undecided")


@dataclass(frozen=True, eq=False)
class SizeTrend:
    """The jump against the sample size at one (T, spread) and what it says about L -> infinity.

    L, jump, jump_err, bound, detected (each per size, ascending L); slope, slope_err : least-squares
    slope of the jump in 1/L (weights 1/err^2; the errors of undetected jumps are their bounds);
    verdict (one of :data:`VERDICTS`):

    * "survives": a jump at every size, each more than 3 errors above 0, and no decrease with L
      beyond 2 errors of the slope (d jump / d(1/L) <= 2 slope_err);
    * "absent at every size": no realisation of any size shows a jump; the largest size's bound is
      the number to quote;
    * "absent on the largest sample": some realisations of a smaller size jump, none of the largest;
    * "vanishing with L": the jump decreases with L (slope in 1/L more than 2 errors above 0) and at
      the largest size it is within 2 errors of 0;
    * "undecided": anything else (the sizes reached cannot decide).
    """

    T_kelvin: float
    spread: float
    L: np.ndarray
    jump: np.ndarray
    jump_err: np.ndarray
    bound: np.ndarray
    detected: np.ndarray
    slope: float
    slope_err: float
    verdict: str


def size_trend(points) -> SizeTrend:
    """:class:`SizeTrend` of :class:`DisorderPoint` s at one (T, spread) and at least two sizes."""
    ps = sorted(points, key=lambda p: p.L)
    if len(ps) < 2 or len({p.L for p in ps}) != len(ps):
        raise ValueError("points must hold at least two distinct sample sizes")
    if len({(p.T_kelvin, p.spread) for p in ps}) != 1:
        raise ValueError("points must share T_kelvin and spread")
    L = np.array([p.L for p in ps])
    jump = np.array([p.jump for p in ps])
    err = np.array([p.jump_err if p.detected else p.jump_bound for p in ps])
    err = np.where(np.isfinite(err) & (err > 0), err, np.array([p.jump_bound for p in ps]))
    det = np.array([p.detected for p in ps])
    x = 1.0 / L
    w = 1.0 / err ** 2
    xm, ym = np.sum(w * x) / np.sum(w), np.sum(w * jump) / np.sum(w)
    sxx = np.sum(w * (x - xm) ** 2)
    slope = float(np.sum(w * (x - xm) * (jump - ym)) / sxx)
    slope_err = float(1.0 / np.sqrt(sxx))
    if np.all(det == 0):
        verdict = VERDICTS[1]
    elif np.all(det > 0) and np.all(jump > 3 * err) and slope <= 2 * slope_err:
        verdict = VERDICTS[0]
    elif det[-1] == 0:
        verdict = VERDICTS[2]
    elif slope > 2 * slope_err and jump[-1] < 2 * err[-1]:
        verdict = VERDICTS[3]
    else:
        verdict = VERDICTS[4]
    return SizeTrend(T_kelvin=ps[0].T_kelvin, spread=ps[0].spread, L=L, jump=jump, jump_err=err,
                     bound=np.array([p.jump_bound for p in ps]), detected=det, slope=slope,
                     slope_err=slope_err, verdict=verdict)
