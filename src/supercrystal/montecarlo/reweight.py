"""Multistate reweighting (MBAR) of replica-exchange samples: the equilibrium nu(mu), the grand potential
and the coexistence voltage of the charging step at a target temperature (Sec. V).

Every sample x of every state s_k = (kT_k, mu_k) of one or several replica runs
(:mod:`supercrystal.montecarlo.replicas`) is kept with its H(x) and N(x); its reduced potential at any
state (kT, mu) is u(x) = (H(x) - mu N(x)) / kT (the spin degeneracy is the same at every state and
cancels).  MBAR (Shirts and Chodera, J. Chem. Phys. 129, 124105 (2008); pymbar, its reference
implementation) solves the self-consistent equations for the states' free energies f_k = -ln Xi_k and
gives every expectation at a new state with its asymptotic error:

    <A>_(kT, mu) = sum_n W_n A(x_n),   W_n ~ exp(-u(x_n)) / sum_k N_k exp(f_k - u_k(x_n)).

The grand potential is Omega = kT f (up to the common additive constant of the f_k, fixed here by
Omega(mu_0) = 0 at the first voltage of the grid).  The coexistence voltage mu* at kT is where the two
phases carry equal weight, P(nu > nu_cut) = 1/2 with nu_cut the middle of the step: the condition
Omega_low(mu*) = Omega_high(mu*) on the phase-restricted grand potentials, i.e. the crossing of the two
branches' grand potentials that thermodynamic integration locates
(:func:`supercrystal.montecarlo.thermo.transition`; the tests compare the two).  The jump is
<nu | high> - <nu | low> at mu*.

Samples are thinned to every g-th sweep per state, g = 2 tau_int of N_el or H (the larger;
:mod:`supercrystal.montecarlo.autocorr`), as MBAR's asymptotic errors assume independent samples.  Below
the end of the line that is not enough: the weight of each phase at the coldest state changes only as
walkers complete round trips through the hot states, a time no single state's series shows.  Measured on
L = 2 at kT = 0.06 (seven rungs, 6000 sweeps per run): MBAR's asymptotic error of mu* is 2-4 times
smaller than the scatter of mu* over independent seeds, and with 1-3 round trips per walker (segments of
4 sweeps, 6000 sweeps) that scatter is ~1e-3 with heavy tails (four runs once agreed to 1e-4 at a value
1e-3 off the true one): swap after every sweep and count the round trips.  The honest error is the scatter
over independent seeds: :func:`combine` averages independent runs' results and quotes their standard error.
Units: e^2/(eps b) for kT, mu and Omega (per NC).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq

from supercrystal.montecarlo.autocorr import integrated_time
from supercrystal.montecarlo.replicas import ReplicaRun


@dataclass(frozen=True, eq=False)
class Pooled:
    """Thinned samples of all states: kT, mu (K,) the states; h, n (N,) H and N_el of each sample;
    counts (K,) samples per state; stride (K,) the thinning; n_nc the number of NCs."""

    kT: np.ndarray
    mu: np.ndarray
    h: np.ndarray
    n: np.ndarray
    counts: np.ndarray
    stride: np.ndarray
    n_nc: int


def pool(runs, thin: bool = True) -> Pooled:
    """The samples of one :class:`~supercrystal.montecarlo.replicas.ReplicaRun` or a list of them (the
    same model), thinned to g = 2 tau_int per state."""
    runs = [runs] if isinstance(runs, ReplicaRun) else list(runs)
    if not runs:
        raise ValueError("runs must hold at least one replica run")
    kT, mu, h, n, counts, stride = [], [], [], [], [], []
    for r in runs:
        if r.n_nc != runs[0].n_nc:
            raise ValueError("runs of different models cannot be pooled")
        tau = (np.maximum(integrated_time(r.n_series), integrated_time(r.e_series)) if thin
               else np.full(len(r.kT), 0.5))
        for k in range(len(r.kT)):
            g = max(1, int(np.ceil(2 * tau[k])))
            kT.append(r.kT[k])
            mu.append(r.mu[k])
            h.append(r.e_series[k, ::g])
            n.append(r.n_series[k, ::g])
            counts.append(len(h[-1]))
            stride.append(g)
    return Pooled(kT=np.array(kT), mu=np.array(mu), h=np.concatenate(h), n=np.concatenate(n).astype(float),
                  counts=np.array(counts), stride=np.array(stride), n_nc=int(runs[0].n_nc))


def reduced(p: Pooled, kT, mu) -> np.ndarray:
    """u_ln = (H - mu_l N) / kT_l of every sample at the states (kT[l], mu[l]): shape (L, N)."""
    kT, mu = np.broadcast_arrays(np.atleast_1d(np.asarray(kT, float)), np.atleast_1d(np.asarray(mu, float)))
    return (p.h[None, :] - mu[:, None] * p.n[None, :]) / kT[:, None]


def _mbar(p: Pooled):
    """pymbar's MBAR on the pooled samples (states with identical (kT, mu) are one state for MBAR's
    purposes: pymbar handles repeated states)."""
    logging.getLogger("pymbar").setLevel(logging.ERROR)  # its import banner (no JAX) and timeseries notice
    from pymbar import MBAR

    return MBAR(reduced(p, p.kT, p.mu), p.counts)


@dataclass(frozen=True, eq=False)
class Reweighted:
    """Equilibrium results at kT from MBAR (units e^2/(eps b), per NC).

    kT; mu : the voltage grid; nu, nu_err : <N_el>/N_nc; omega, omega_err : grand potential per NC,
    Omega(mu_0) = 0 at the first grid voltage; p_high, p_high_err : weight of the upper phase
    (nu > nu_cut); nu_cut : the split between the phases; mu_star, mu_star_err : equal weight of the
    phases (nan if p_high does not cross 1/2 on the grid); jump : <nu | high> - <nu | low> at mu_star;
    n_eff : (K,) effective number of samples of each sampled state; f_k : the states' free energies.
    """

    kT: float
    mu: np.ndarray
    nu: np.ndarray
    nu_err: np.ndarray
    omega: np.ndarray
    omega_err: np.ndarray
    p_high: np.ndarray
    p_high_err: np.ndarray
    nu_cut: float
    mu_star: float
    mu_star_err: float
    jump: float
    n_eff: np.ndarray
    f_k: np.ndarray


def reweight(runs, kT: float, mus, nu_cut: float = 0.5, thin: bool = True) -> Reweighted:
    """MBAR estimates at temperature ``kT`` on the voltages ``mus`` from replica runs ``runs`` (module
    docstring).  The grid should lie where the samples overlap: near the sampled states' voltages, within
    a few kT / (N_nc Delta nu) of the coexistence voltage at temperatures below the end of the line."""
    if not (np.isfinite(kT) and kT > 0):
        raise ValueError(f"kT must be positive (got kT={kT!r})")
    mus = np.atleast_1d(np.asarray(mus, float))
    p = pool(runs, thin)
    m = _mbar(p)
    N = p.n_nc
    nu_n = p.n / N
    high = (nu_n > nu_cut).astype(float)
    u = reduced(p, kT, mus)
    nu, nu_err, ph, ph_err = (np.empty(len(mus)) for _ in range(4))
    for i in range(len(mus)):
        e = m.compute_expectations(nu_n, u_kn=u[i])
        nu[i], nu_err[i] = float(np.ravel(e["mu"])[0]), float(np.ravel(e["sigma"])[0])
        e = m.compute_expectations(high, u_kn=u[i])
        ph[i], ph_err[i] = float(np.ravel(e["mu"])[0]), float(np.ravel(e["sigma"])[0])
    fe = m.compute_perturbed_free_energies(u)
    omega = kT * np.asarray(fe["Delta_f"])[0] / N
    omega_err = kT * np.asarray(fe["dDelta_f"])[0] / N
    # equal weight of the phases: ln(P_high / P_low) is smooth (linear in mu for a sharp step)
    mu_star, mu_err, jump = np.nan, np.nan, np.nan
    logw = _log_weights(m, p, kT)

    def log_ratio(x):
        lw = logw - (-x * p.n / kT)  # log weight at voltage x (the -mu N part of u)
        lw = lw - lw.max()
        w = np.exp(lw)
        return np.log(w[high > 0].sum()) - np.log(w[high == 0].sum())

    inside = (ph > 0) & (ph < 1)
    k = np.flatnonzero(inside[:-1] & inside[1:] & ((ph[:-1] - 0.5) * (ph[1:] - 0.5) <= 0))
    if len(k):
        k = k[0]
        mu_star = brentq(log_ratio, mus[k], mus[k + 1], xtol=1e-12)
        slope = np.interp(mu_star, mus, np.gradient(ph, mus))
        mu_err = float(np.interp(mu_star, mus, ph_err) / max(slope, 1e-12))
        lw = logw + mu_star * p.n / kT
        w = np.exp(lw - lw.max())
        jump = float((w * nu_n * high).sum() / (w * high).sum()
                     - (w * nu_n * (1 - high)).sum() / (w * (1 - high)).sum())
    return Reweighted(kT=float(kT), mu=mus, nu=nu, nu_err=nu_err, omega=omega, omega_err=omega_err,
                      p_high=ph, p_high_err=ph_err, nu_cut=float(nu_cut), mu_star=float(mu_star),
                      mu_star_err=float(mu_err), jump=jump,
                      n_eff=np.asarray(m.compute_effective_sample_number()), f_k=np.asarray(m.f_k))


def _log_weights(m, p: Pooled, kT: float) -> np.ndarray:
    """ln of the unnormalised MBAR weight of each sample at (kT, mu = 0): -H/kT - ln sum_k N_k
    exp(f_k - u_k(x)); the weight at another mu multiplies by exp(mu N / kT)."""
    u_k = reduced(p, p.kT, p.mu)
    a = np.log(p.counts)[:, None] + np.asarray(m.f_k)[:, None] - u_k
    amax = a.max(axis=0)
    log_den = amax + np.log(np.exp(a - amax).sum(axis=0))
    return -p.h / kT - log_den


def combine(results) -> Reweighted:
    """Mean of the :class:`Reweighted` results of independent runs (the same kT and grid), each error
    the standard error of the mean over the runs (their scatter / sqrt(S), S >= 2); n_eff and f_k are
    summed / averaged.  mu_star and jump are averaged over the runs where they exist."""
    rs = list(results)
    if len(rs) < 2:
        raise ValueError(f"combine needs >= 2 independent runs (got {len(rs)})")
    if any(r.kT != rs[0].kT or not np.array_equal(r.mu, rs[0].mu) for r in rs):
        raise ValueError("results must share kT and the voltage grid")

    def ms(values):
        v = np.array(values, float)
        if v.ndim == 1:  # a scalar per run: the runs where it exists
            v = v[np.isfinite(v)]
            if len(v) < 2:
                return np.nan, np.nan
        return v.mean(axis=0), v.std(axis=0, ddof=1) / np.sqrt(len(v))

    nu, nu_err = ms([r.nu for r in rs])
    om, om_err = ms([r.omega for r in rs])
    ph, ph_err = ms([r.p_high for r in rs])
    mu_star, mu_err = ms([r.mu_star for r in rs])
    jump, _ = ms([r.jump for r in rs])
    return Reweighted(kT=rs[0].kT, mu=rs[0].mu, nu=nu, nu_err=nu_err, omega=om, omega_err=om_err, p_high=ph,
                      p_high_err=ph_err, nu_cut=rs[0].nu_cut, mu_star=float(mu_star), mu_star_err=float(mu_err),
                      jump=float(jump), n_eff=np.sum([r.n_eff for r in rs], axis=0),
                      f_k=np.mean([r.f_k for r in rs], axis=0))
