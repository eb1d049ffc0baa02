"""Monte Carlo runs of a device, in volts and kelvin: the computations behind Sec. V's figures.

The physical inputs (:class:`DeviceParams`) and the Monte Carlo effort (:class:`RunParams`) of a run;
one disorder realisation's charging curve (:func:`run_curve`, Fig. 4; the statistics over many
realisations and sample sizes are :mod:`supercrystal.montecarlo.disorder`'s); the end of cooperativity, Sec. V's
W ~ 5 k_B T computed from the jump versus temperature (:func:`cooperativity_end_fit`); the resolved width
of the room-temperature step (:func:`run_peak_width`).  Everything here computes; the cached runs the
chapters and claims share (and the loops over temperatures, spreads and realisations) are the tasks of
:mod:`supercrystal.book.tasks`.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from supercrystal.montecarlo.curves import ChargingCurve, charging_curve
from supercrystal.montecarlo.gate_layer import gate_layer_model
from supercrystal.montecarlo.lattice import MCModel, mc_model
from supercrystal.montecarlo.thermo import first_order_end
from supercrystal.montecarlo.width import branch_width
from supercrystal.semiconductor.energies import collective_gain
from supercrystal.units import kT_ev

@dataclass(frozen=True)
class DeviceParams:
    """The physical inputs of a Monte Carlo run (Sec. V defaults: CdSe, a = 2 nm, b = 2.5 nm,
    eps = eps_i = 2, octahedral pores, E_ion = 0).  ``pore="gate"``: the single layer under a metal
    gate of Fig. 3, (4L)^2 NCs whose shells are ``gap_nm`` from the gate plane."""

    L: int = 4
    a_nm: float = 2.0
    b_nm: float = 2.5
    material: str = "CdSe"
    eps_liquid: float = 2.0
    pore: str = "octahedral"
    e_ion_ev: float = 0.0
    gap_nm: float = 1.25

    def model(self, spread: float = 0.0, disorder_seed: int = 0) -> MCModel:
        if self.pore == "gate":  # Fig. 3: a layer of (4L)^2 NCs (N = 256 for L = 4, as 4 L^3)
            return gate_layer_model(4 * self.L, self.a_nm, self.b_nm, self.material, self.eps_liquid,
                                    self.gap_nm, spread, disorder_seed)
        return mc_model(self.L, self.a_nm, self.b_nm, self.material, self.eps_liquid, self.pore,
                        self.e_ion_ev, spread, disorder_seed)

    def as_dict(self) -> dict:
        """The fields (a subclass's too: :class:`supercrystal.montecarlo.polar.PolarDeviceParams`)."""
        return dict(self.__dict__)


@dataclass(frozen=True)
class RunParams:
    """Monte Carlo effort: voltages per sweep, sweeps to equilibrate and to measure per voltage,
    the voltage window around the Sec. III step in e^2/(eps b), and whether a hysteretic step is
    located by the grand-potential crossing (``anchor``; else the middle of the loop)."""

    n_volts: int = 48
    n_equil: int = 150
    n_measure: int = 600
    window: tuple = (-0.7, 0.5)
    anchor: bool = True

    def as_dict(self) -> dict:
        return dict(n_volts=self.n_volts, n_equil=self.n_equil, n_measure=self.n_measure,
                    window=list(self.window), anchor=self.anchor)


def run_curve(dev: DeviceParams, T_kelvin: float, spread: float = 0.0, realisation: int = 0,
              run: RunParams = RunParams(), seed: int = 0, step: int = 1) -> ChargingCurve:
    """:func:`~supercrystal.montecarlo.curves.charging_curve` of one disorder realisation (realisation r
    uses disorder seed r and chain seed seed + 1000 r).  Seconds to minutes; the cached call is
    :func:`supercrystal.book.tasks.curve`."""
    m = dev.model(spread, realisation)
    return charging_curve(m, T_kelvin, step, tuple(run.window), run.n_volts, run.n_equil,
                          run.n_measure, seed + 1000 * realisation, run.anchor)


#: Temperatures around the end of cooperativity, k_B T in e^2/(eps b) (lowest, highest, number):
#: k_B T_c is about 0.095 e^2/(eps b) for both pore kinds' gains, whatever E_q (260-400 K by default).
T_END_GRID_UNIT = (0.078, 0.12, 8)


def end_grid_kelvin(dev: DeviceParams, lo: float = T_END_GRID_UNIT[0], hi: float = T_END_GRID_UNIT[1],
                    n: int = T_END_GRID_UNIT[2]) -> np.ndarray:
    """Temperatures (K, rounded to 0.1 K) whose k_B T spans [lo, hi] e^2/(eps b) for this device."""
    unit = dev.model().unit_ev
    return np.round(np.linspace(lo, hi, n) * unit / kT_ev(1.0), 1)


#: Cheaper sweeps for locating the end of cooperativity (only the jump is needed, no anchors).
T_END_RUN = RunParams(n_volts=28, window=(-0.45, 0.25), anchor=False)


@dataclass(frozen=True)
class CooperativityEnd:
    """Temperature at which the jump of nu(V) disappears (Sec. V's W ~ 5 k_B T, computed).

    T_kelvin, T_kelvin_err : end of the first-order line from the fit jump^(1/beta) linear in T
    (beta = 0.326, 3D Ising), on the temperatures whose jump exceeds ``fit_min``; the error is the
    fit's standard error of the intercept.  kT_unit : the same in e^2/(eps b); W_over_kT : the
    Sec. III collective gain W = (M - 1) e^2/(eps d) over k_B T_end; T_zero : the first temperature of
    the grid without a jump (finite-size rounding keeps a small jump above the true end);
    temperatures, jumps : the grid (K) and the jump at each temperature.
    """

    T_kelvin: float
    T_kelvin_err: float
    kT_unit: float
    W_over_kT: float
    T_zero: float
    temperatures: np.ndarray
    jumps: np.ndarray


def cooperativity_end_fit(dev: DeviceParams, T_grid, jumps, fit_min: float = 0.25) -> CooperativityEnd:
    """End of cooperativity from the jump of nu at the step measured at the temperatures ``T_grid`` (K).

    Near the end point the jump vanishes as (T_c - T)^beta; jump^(1/beta) is fitted linearly in T
    on the points with jump >= ``fit_min`` (smaller jumps are dominated by finite-size rounding;
    :func:`supercrystal.montecarlo.thermo.first_order_end`).
    """
    T_grid = np.asarray(T_grid, float)
    order = np.argsort(T_grid)
    T_grid, js = T_grid[order], np.asarray(jumps, float)[order]
    t_c, err = first_order_end(T_grid, js, fit_min)
    zero = T_grid[js == 0.0]
    kt = kT_ev(t_c) / dev.model().unit_ev
    return CooperativityEnd(T_kelvin=float(t_c), T_kelvin_err=err, kT_unit=float(kt),
                            W_over_kT=float(collective_gain(dev.pore) / kt),
                            T_zero=float(zero[0]) if len(zero) else float("nan"), temperatures=T_grid,
                            jumps=js)


#: Independent chains of the resolved room-temperature width (:func:`peak_width`): the chapter's and
#: the claims' default.
WIDTH_SEEDS = 8


@dataclass(frozen=True, eq=False)
class PeakWidth:
    """Resolved 10-90 % width of the equilibrium charging step (Sec. V), from phase-restricted branches.

    width_mV, width_mV_err : the width and its jackknife error over the independent chains (seeds);
    V_10, V_90 : where the equilibrium nu(V) crosses 10 % and 90 % of the step (V); V_star : the
    grand-potential crossing used (V, from the coarse anchored :func:`curve`); nu_low_star,
    nu_high_star : the two phases' fillings at V_star (the jump is their difference); spacing_mV : grid
    step; fit_mV : half-window of the local fits; L, T_kelvin, seeds; volts_low, nu_low, nu_low_err
    and volts_high, nu_high, nu_high_err : the seed-averaged branches (errors: seed scatter / sqrt(S)).
    """

    width_mV: float
    width_mV_err: float
    V_10: float
    V_90: float
    V_star: float
    nu_low_star: float
    nu_high_star: float
    spacing_mV: float
    fit_mV: float
    L: int
    T_kelvin: float
    seeds: int
    volts_low: np.ndarray
    nu_low: np.ndarray
    nu_low_err: np.ndarray
    volts_high: np.ndarray
    nu_high: np.ndarray
    nu_high_err: np.ndarray


def run_peak_width(dev: DeviceParams, T_kelvin: float, coarse: ChargingCurve, spacing_mV: float = 1.0,
                   seeds: int = 4, n_equil: int = 200, n_measure: int = 2000, fit_mV: float = 2.5,
                   cut: float = 0.5, seed: int = 0) -> PeakWidth:
    """The 10-90 % width of the equilibrium nu(V) at temperature ``T_kelvin``, resolved (Sec. V, Fig. 4).

    Definition (it has a thermodynamic limit): below the grand-potential crossing V* the equilibrium
    filling is the low phase's nu(V), above it the high phase's; the width is V_90 - V_10 on that
    curve.  Where the transition is still first order (a jump of nu at V*, about 0.5 at 300 K for the
    CdSe defaults) the jump contributes only if it spans a level; its finite-size rounding (a sample
    flipping between the phases over ~ k_BT / (N Delta nu) around V*, and metastable excursions past
    V*) is *not* part of the width: each phase's branch is computed in the ensemble restricted to it
    (:func:`~supercrystal.montecarlo.width.restricted_branch`), so no mixture of phases enters.

    Method: ``seeds`` independent chains per branch on the grid V* + k ``spacing_mV`` (nested when the
    spacing is halved), for the low branch from ``fit_mV`` below the last voltage where the coarse
    equilibrium curve ``coarse`` (a :func:`run_curve`, possibly of another sample size) is below 5 % of
    the step up to V* + 2 mV, and symmetrically for the high one (so the grid spans the rise from 5 %
    to 95 %, and every fit window is full; the points past V* are shown, not fitted); crossings by
    local quadratic fits over +-``fit_mV`` on each branch's equilibrium side of V*
    (:func:`~supercrystal.montecarlo.width.branch_width`); the error is the jackknife over the
    chains.  V* is the coarse curve's; it enters only if the jump spans a level (nu_low_star,
    nu_high_star tell).  Minutes; the cached call is :func:`supercrystal.book.tasks.peak_width`.
    Raises ValueError for spacing_mV outside [0.05, 10] or seeds < 2.
    """
    if not (np.isfinite(spacing_mV) and 0.05 <= spacing_mV <= 10.0):
        raise ValueError(f"spacing_mV must lie in [0.05, 10] (got spacing_mV={spacing_mV!r})")
    if int(seeds) < 2:
        raise ValueError(f"seeds must be >= 2 for an error estimate (got seeds={seeds!r})")
    lo, hi = coarse.step - 1.0, float(coarse.step)
    v_star = coarse.V_star
    eq_nu = np.where(coarse.volts < v_star, coarse.nu_up, coarse.nu_down)
    below = np.flatnonzero((coarse.volts < v_star) & (eq_nu <= lo + 0.05 * (hi - lo)))
    above = np.flatnonzero((coarse.volts > v_star) & (eq_nu >= hi - 0.05 * (hi - lo)))
    v_a = (coarse.volts[below[-1]] if len(below) else coarse.volts[0]) - 1e-3 * fit_mV
    v_b = (coarse.volts[above[0]] if len(above) else coarse.volts[-1]) + 1e-3 * fit_mV
    h = 1e-3 * spacing_mV
    margin = int(np.ceil(2e-3 / h))
    k_low = np.arange(int(np.floor((v_a - v_star) / h)), margin + 1)
    k_high = np.arange(-margin, int(np.ceil((v_b - v_star) / h)) + 1)
    m = dev.model()
    unit = m.unit_ev
    v_low, v_high = v_star + h * k_low, v_star + h * k_high
    r = branch_width(m, kT_ev(T_kelvin) / unit, v_star / unit, v_low / unit, v_high / unit,
                     coarse.step, int(seeds), n_equil, n_measure, 1e-3 * fit_mV / unit, cut, seed)
    return PeakWidth(width_mV=1e3 * r.width * unit, width_mV_err=1e3 * r.width_err * unit,
                     V_10=r.mu_10 * unit, V_90=r.mu_90 * unit, V_star=float(v_star),
                     nu_low_star=r.nu_low_star, nu_high_star=r.nu_high_star,
                     spacing_mV=float(spacing_mV), fit_mV=float(fit_mV), L=int(dev.L),
                     T_kelvin=float(T_kelvin), seeds=int(seeds), volts_low=v_low, nu_low=r.nu_low,
                     nu_low_err=r.nu_low_err, volts_high=v_high, nu_high=r.nu_high,
                     nu_high_err=r.nu_high_err)
