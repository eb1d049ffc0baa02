"""Charging curves in volts: the quantitative Fig. 4 (Sec. V).

One sample's filling nu(V) and differential capacitance C(V)/(eN) = d nu / dV on an up and a down
sweep through one charging step (Sec. III's e V1 or e V2, Eqs. 6 and 12), the equilibrium step voltage
V* where the two branches' grand potentials cross, the jump of nu there and the 10-90 % width
(:mod:`supercrystal.montecarlo.thermo`).  Units are converted here, once: volts = mu e^2/(eps b) / e,
temperatures k_B T from kelvin (:func:`supercrystal.units.kT_ev`).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from supercrystal.montecarlo.gate_layer import gate_onset
from supercrystal.montecarlo.lattice import MCModel, step_states
from supercrystal.montecarlo.thermo import anchored, sweep, transition
from supercrystal.units import kT_ev


@dataclass(frozen=True, eq=False)
class ChargingCurve:
    """nu(V) and C(V) of one sample on up and down sweeps through one step (Sec. V, Fig. 4).

    volts : (m,) gate voltages (ascending), V; nu_up/nu_down (+ _err) : filling per NC on the two
    sweeps; C_up/C_down (+ _err) : C/(e N) = d nu / dV from the fluctuation formula var(N)/(N kT), 1/V;
    omega_up/omega_down : grand potential per NC, eV; V_star, V_star_err : equilibrium step voltage
    (V); V_sec3 : Sec. III's e V1 or e V2 (V); jump : Delta nu at V_star; width_mV : 10-90 % rise of
    the equilibrium nu(V) (0 when the jump spans it) at the resolution of this grid only
    (:func:`~supercrystal.montecarlo.runs.run_peak_width` resolves it); hysteresis; height : largest
    equilibrium C/(eN) on the grid, 1/V (the continuous part; a jump adds a delta of weight ``jump``);
    T_kelvin, kT_unit : temperature in K and in e^2/(eps b); unit_ev : e^2/(eps b) in eV; step : 1 or 2;
    tau_up/tau_down : integrated autocorrelation times (sweeps) of N_el on the two sweeps, tau_h_up/
    tau_h_down : of H, nu_up_err_tau/nu_down_err_tau : the errors of nu from tau_up/tau_down
    (:mod:`~supercrystal.montecarlo.autocorr`; nu_up_err/nu_down_err keep the block errors).
    """

    volts: np.ndarray
    nu_up: np.ndarray
    nu_up_err: np.ndarray
    nu_down: np.ndarray
    nu_down_err: np.ndarray
    C_up: np.ndarray
    C_down: np.ndarray
    C_up_err: np.ndarray
    C_down_err: np.ndarray
    omega_up: np.ndarray
    omega_down: np.ndarray
    V_star: float
    V_star_err: float
    V_sec3: float
    jump: float
    width_mV: float
    hysteresis: bool
    height: float
    T_kelvin: float
    kT_unit: float
    unit_ev: float
    step: int
    tau_up: np.ndarray | None = None
    tau_down: np.ndarray | None = None
    tau_h_up: np.ndarray | None = None
    tau_h_down: np.ndarray | None = None
    nu_up_err_tau: np.ndarray | None = None
    nu_down_err_tau: np.ndarray | None = None


def charging_curve(model: MCModel, T_kelvin: float, step: int = 1, window: tuple = (-0.7, 0.5),
                   n_volts: int = 48, n_equil: int = 150, n_measure: int = 600,
                   seed: int = 0, anchor: bool = True) -> ChargingCurve:
    """Up and down sweeps through the ``step``-th charging step at temperature ``T_kelvin`` (Sec. V).

    The grid spans ``window`` (units of e^2/(eps b)) around the Sec. III step voltage (Eqs. 6, 12);
    for the gated layer of Fig. 3 (:func:`~supercrystal.montecarlo.gate_layer.gate_layer_model`)
    around the first electron's entry (:func:`~supercrystal.montecarlo.gate_layer.gate_onset`,
    reported as ``V_sec3``).  The up sweep starts from the lower plateau's state, the down sweep from
    the upper one's (octahedral: empty / rock salt; tetrahedral: empty / zinc blende, zinc blende /
    fluorite); the equilibrium step is where their grand potentials cross
    (:func:`~supercrystal.montecarlo.thermo.transition`).  The ordered branches are anchored
    (:func:`~supercrystal.montecarlo.thermo.anchor_cycle`) only when the sweeps show hysteresis;
    without it the step is where the mean filling crosses the middle of the step, and omega_down is
    only defined up to a constant (NaN errors).  ``anchor=False`` skips the anchors altogether (the step
    is then the middle of the loop: enough for the jump and the width, not for V*).
    """
    if not (np.isfinite(T_kelvin) and 0 < T_kelvin <= 5000):
        raise ValueError(f"T_kelvin must lie in (0, 5000] (got T_kelvin={T_kelvin!r})")
    lo_state, hi_state = step_states(model, step)
    if n_volts < 5:
        raise ValueError(f"n_volts must be >= 5 (got n_volts={n_volts!r})")
    unit = model.unit_ev
    lv = model.levels
    if model.lattice.pore == "gate":  # the window is relative to the first electron's entry
        v_sec3 = gate_onset(model) * unit
    else:
        v_sec3 = lv.V1 if step == 1 else lv.V2
    kT = kT_ev(T_kelvin) / unit
    mus = v_sec3 / unit + np.linspace(window[0], window[1], n_volts)
    up = sweep(model, mus, kT, lo_state, n_equil, n_measure, seed, anchor=lo_state == "empty")
    dn = sweep(model, mus[::-1], kT, hi_state, n_equil, n_measure, seed + 1, anchor=False)
    tr = transition(up, dn, step - 1.0, float(step))
    if tr.hysteresis and anchor:  # the grand potentials are needed: anchor the ordered branch(es)
        if lo_state != "empty":
            up = anchored(up, model, kT, seed + 2)
        dn = anchored(dn, model, kT, seed + 3)
        tr = transition(up, dn, step - 1.0, float(step))
    r = slice(None, None, -1)
    C_up, C_dn = up.dnu_dmu / unit, dn.dnu_dmu[r] / unit
    eq_C = np.where(mus < tr.mu_star, C_up, C_dn)
    return ChargingCurve(
        volts=mus * unit, nu_up=up.nu, nu_up_err=up.nu_err, nu_down=dn.nu[r], nu_down_err=dn.nu_err[r],
        C_up=C_up, C_down=C_dn, C_up_err=up.dnu_dmu_err / unit, C_down_err=dn.dnu_dmu_err[r] / unit,
        omega_up=up.omega * unit, omega_down=dn.omega[r] * unit,
        V_star=tr.mu_star * unit, V_star_err=tr.mu_star_err * unit, V_sec3=float(v_sec3),
        jump=tr.jump, width_mV=1e3 * tr.width * unit, hysteresis=tr.hysteresis,
        height=float(np.max(eq_C)), T_kelvin=float(T_kelvin), kT_unit=float(kT), unit_ev=float(unit),
        step=int(step), tau_up=up.tau_n, tau_down=dn.tau_n[r], tau_h_up=up.tau_h, tau_h_down=dn.tau_h[r],
        nu_up_err_tau=up.nu_err_tau, nu_down_err_tau=dn.nu_err_tau[r])
