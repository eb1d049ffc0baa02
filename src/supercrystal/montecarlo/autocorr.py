"""Integrated autocorrelation times of the Monte Carlo series and the errors of means they give (Sec. V).

A Markov chain's successive sweeps are correlated, so the error of a mean over n sweeps is not
sigma / sqrt(n) but

    err^2 = sigma^2 * 2 tau_int / n,   tau_int = 1/2 + sum_{t >= 1} rho(t),

rho(t) the normalised autocorrelation function of the series (Sokal's convention: tau_int = 1/2 for
uncorrelated samples; 2 tau_int is the statistical inefficiency g, the number of sweeps per independent
sample).  The estimator is emcee's (:func:`emcee.autocorr.integrated_time`: the FFT autocorrelation
summed up to Sokal's automatic window M, the smallest M >= c tau(M), c = 5), not a home-made one; emcee
returns g = 2 tau_int.  It is reliable when the series is much longer than tau (emcee asks for
n >= 50 g; :func:`autocorr` reports whether that holds).  A constant series (a chain frozen in an ordered
state) has no fluctuations to correlate: tau_int = 1/2 and error 0 by convention, flagged not reliable.

For an AR(1) process x_t = phi x_{t-1} + noise, rho(t) = phi^t and tau_int = (1 + phi) / (2 (1 - phi))
exactly: the tests check the estimator against it, and the errors against the block (batch-means)
errors of :func:`supercrystal.montecarlo.chains.block_error` on a real chain.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

#: Sokal's window constant (emcee's default) and the length, in units of g = 2 tau_int, emcee asks for.
WINDOW_C = 5.0
RELIABLE_LENGTH = 50.0


@dataclass(frozen=True, eq=False)
class Autocorr:
    """Per row of a (m, n) series: mean, variance (ddof 1), tau_int (Sokal, >= 1/2), the error of the
    mean sqrt(var 2 tau_int / n), and whether n >= 50 * 2 tau_int (emcee's reliability rule)."""

    mean: np.ndarray
    var: np.ndarray
    tau: np.ndarray
    err: np.ndarray
    reliable: np.ndarray
    n: int


def _tau_row(x: np.ndarray, c: float) -> float:
    from emcee.autocorr import integrated_time

    if x.size < 2 or np.ptp(x) == 0:
        return 0.5
    log = logging.getLogger("emcee.autocorr")
    level = log.level
    log.setLevel(logging.ERROR)  # quiet=True logs a warning for short series: reported as `reliable`
    try:
        g = float(integrated_time(np.asarray(x, float), c=c, tol=RELIABLE_LENGTH, quiet=True)[0])
    finally:
        log.setLevel(level)
    return max(0.5, 0.5 * g)


def integrated_time(series, c: float = WINDOW_C) -> np.ndarray:
    """tau_int (Sokal's convention, in sweeps) of each row of ``series`` ((n,) or (m, n)), by emcee's
    automatic-window estimator (module docstring)."""
    s = np.atleast_2d(np.asarray(series, float))
    return np.array([_tau_row(row, c) for row in s])


def autocorr(series, c: float = WINDOW_C) -> Autocorr:
    """Means, tau_int and the errors of the means of each row of ``series`` ((n,) or (m, n))."""
    s = np.atleast_2d(np.asarray(series, float))
    n = s.shape[1]
    if n < 2:
        raise ValueError(f"series must hold at least 2 samples per row (got {n})")
    tau = integrated_time(s, c)
    var = s.var(axis=1, ddof=1)
    frozen = np.ptp(s, axis=1) == 0
    return Autocorr(mean=s.mean(axis=1), var=var, tau=tau, err=np.sqrt(var * 2 * tau / n),
                    reliable=(n >= RELIABLE_LENGTH * 2 * tau) & ~frozen, n=int(n))


def error_of_mean(series, c: float = WINDOW_C) -> np.ndarray:
    """sqrt(sigma^2 2 tau_int / n) of each row of ``series``."""
    return autocorr(series, c).err


def ar1_tau(phi: float) -> float:
    """Exact tau_int of an AR(1) process with coefficient phi in (-1, 1): (1 + phi) / (2 (1 - phi))."""
    if not -1.0 < phi < 1.0:
        raise ValueError(f"phi must lie in (-1, 1) (got phi={phi!r})")
    return (1.0 + phi) / (2.0 * (1.0 - phi))
