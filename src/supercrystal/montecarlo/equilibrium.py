"""The equilibrium filling at one gate voltage and temperature by replica exchange (Sec. V): the unit of
work of the distributed sweeps (:mod:`supercrystal.engine`).

At a gate voltage V and temperature T, K replicas run along the coexistence ladder through (T, eV)
(:func:`~supercrystal.montecarlo.replicas.coexistence_ladder`: temperatures geometric from T to T_max,
the voltage shifted by the Clausius-Clapeyron slope -k_B ln 2 per kelvin of k_B T, so every rung sits as
near the step as the target).  The coldest replica's per-sweep series gives nu(V) = <N_el>/N_nc, its
integrated autocorrelation times (N_el and H) and the error of nu from them
(:mod:`~supercrystal.montecarlo.autocorr`); the swap acceptance, the walkers' round trips and the
coldest replica's passages between nu <= 1/4 and nu >= 3/4 tell whether the replicas did their job.
K = 1 is a plain chain.  Everything is a function of the arguments (the seed included), so one voltage's
result does not depend on which other voltages are computed, where, or in which order.

Units: volts and kelvin here; inside, e^2/(eps b) (:mod:`supercrystal.montecarlo.lattice`).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from supercrystal.montecarlo.autocorr import autocorr
from supercrystal.montecarlo.replicas import coexistence_ladder, phase_crossings, replica_exchange
from supercrystal.units import kT_ev

#: The default top of the ladder, k_B T_max in e^2/(eps b): 1.6 times the end of cooperativity (~0.095).
KT_MAX_UNIT = 0.15


@dataclass(frozen=True, eq=False)
class EquilibriumPoint:
    """nu at one (V, T) from the coldest replica (module docstring).

    volts (V), T_kelvin; nu, nu_err (from tau); tau, tau_h : integrated autocorrelation times of N_el and
    H (sweeps) at T; reliable : whether the series is >= 50 * 2 tau long and not constant; T_ladder (K,) kelvin and
    volts_ladder (K,) the replicas' states; acceptance (K - 1,) swap acceptance rates; round_trips (K,)
    per walker; crossings : passages of the coldest replica between the phases; sweeps : measured sweeps
    at T; n_nc : NCs; seed : the seed the chains ran with.
    """

    volts: float
    T_kelvin: float
    nu: float
    nu_err: float
    tau: float
    tau_h: float
    reliable: bool
    T_ladder: np.ndarray
    volts_ladder: np.ndarray
    acceptance: np.ndarray
    round_trips: np.ndarray
    crossings: int
    sweeps: int
    n_nc: int
    seed: int


def equilibrium_point(model, volts: float, T_kelvin: float, replicas: int = 6,
                      T_max_kelvin: float | None = None, n_equil: int = 100, n_measure: int = 1000,
                      sweeps: int = 4, seed: int = 0, slope: float = -np.log(2.0),
                      start: str = "empty") -> EquilibriumPoint:
    """nu at gate voltage ``volts`` (V) and ``T_kelvin`` by replica exchange over ``replicas`` states up to
    ``T_max_kelvin`` (default: k_B T_max = :data:`KT_MAX_UNIT` e^2/(eps b), or T if that is higher);
    ``n_equil`` + ``n_measure`` segments of ``sweeps`` sweeps.  The replicas start alternately from
    ``start`` and from the filled state of the first step (so neither phase is favoured by the start).
    Raises ValueError for T or T_max out of range or replicas < 1."""
    if not (np.isfinite(T_kelvin) and T_kelvin > 0):
        raise ValueError(f"T_kelvin must be positive (got T_kelvin={T_kelvin!r})")
    if int(replicas) < 1:
        raise ValueError(f"replicas must be >= 1 (got replicas={replicas!r})")
    if not np.isfinite(volts):
        raise ValueError(f"volts must be finite (got volts={volts!r})")
    unit = model.unit_ev
    kT = kT_ev(T_kelvin) / unit
    kT_max = max(kT, KT_MAX_UNIT) if T_max_kelvin is None else kT_ev(T_max_kelvin) / unit
    if not (np.isfinite(kT_max) and kT_max >= kT):
        raise ValueError(f"T_max_kelvin must be >= T_kelvin (got T_max_kelvin={T_max_kelvin!r})")
    kTs, mus = coexistence_ladder(kT, kT_max, int(replicas), volts / unit, slope)
    other = "full" if model.lattice.pore in ("octahedral", "gate") else "zincblende"
    starts = [start if k % 2 == 0 else other for k in range(len(kTs))]
    r = replica_exchange(model, kTs, mus, starts, n_equil, n_measure, sweeps, seed)
    a_n = autocorr(r.n_series[:1])
    a_h = autocorr(r.e_series[:1])
    N = model.lattice.n_nc
    return EquilibriumPoint(
        volts=float(volts), T_kelvin=float(T_kelvin), nu=float(a_n.mean[0] / N), nu_err=float(a_n.err[0] / N),
        tau=float(a_n.tau[0]), tau_h=float(a_h.tau[0]), reliable=bool(a_n.reliable[0]),
        T_ladder=kTs * unit / kT_ev(1.0), volts_ladder=mus * unit, acceptance=r.acceptance,
        round_trips=r.round_trips, crossings=int(phase_crossings(r.nu_series[:1])[0]),
        sweeps=int(r.n_series.shape[1]), n_nc=int(N), seed=int(seed))
