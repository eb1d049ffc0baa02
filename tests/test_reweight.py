"""MBAR reweighting of replica-exchange samples (Sec. V): exact enumeration on one cell, and the coexistence
voltage against thermodynamic integration on L = 2 below the end of the first-order line."""
import warnings

import numpy as np
import pytest
from scipy.integrate import cumulative_trapezoid
from scipy.optimize import brentq

from supercrystal import montecarlo as mc
from supercrystal.montecarlo import replicas as rx
from supercrystal.montecarlo import reweight as rw

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")  # pymbar's log(0) of indicator observables


def _exact_nu(m, mu, kT):
    p = mc.exact_distribution(m, mu, kT)
    return float(np.arange(len(p)) @ p) / m.lattice.n_nc


def test_mbar_matches_exact_enumeration_on_one_cell():
    """Three replica runs (three temperatures each, at three voltages) reweighted to kT = 0.1, a temperature
    none of them sampled: nu(mu), the grand potential Omega(mu) - Omega(mu_0) = -int nu d mu and the
    equal-weight voltage of the phases nu <= 1/2 and nu > 1/2 agree with exact enumeration within 4.5
    standard errors (MBAR's asymptotic errors of thinned samples: the swaps mix this small cell in a few
    sweeps)."""
    m = mc.mc_model(L=1)
    v1 = m.levels.V1 / m.unit_ev
    kts = rx.temperature_ladder(0.08, 0.3, 3)
    runs = [rx.replica_exchange(m, kts, v1 + d, n_equil=100, n_measure=1500, sweeps=4, seed=20 + i)
            for i, d in enumerate((-0.2, 0.0, 0.2))]
    mus = v1 + np.linspace(-0.3, 0.3, 7)
    r = rw.reweight(runs, 0.1, mus)
    exact = np.array([_exact_nu(m, x, 0.1) for x in mus])
    assert np.all(np.abs(r.nu - exact) < 4.5 * r.nu_err), (r.nu - exact) / r.nu_err
    fine = np.linspace(mus[0], mus[-1], 601)
    omega = np.interp(mus, fine, -cumulative_trapezoid([_exact_nu(m, x, 0.1) for x in fine], fine, initial=0))
    assert np.all(np.abs(r.omega - omega)[1:] < 4.5 * r.omega_err[1:]), (r.omega - omega) / r.omega_err

    def p_high(x):
        p = mc.exact_distribution(m, x, 0.1)
        return p[3:].sum() - 0.5

    mu_star = brentq(p_high, mus[0], mus[-1], xtol=1e-12)
    assert abs(r.mu_star - mu_star) < 4.5 * r.mu_star_err


@pytest.mark.xfail(strict=False, reason=(
    "open (#13): after the compact pair table (round-off-level changes of the table, other chains), four "
    "replica-exchange runs agree tightly at V1 - 0.0407 +- 0.0001 against thermodynamic integration's "
    "V1 - 0.04163 +- 0.00003, while on the branch that wrote this test they scattered as V1 - 0.0427 +- 0.0009: "
    "either the 4-run scatter is not an error estimate or one of the two methods has a ~1e-3 bias at L = 2"))
def test_coexistence_voltage_agrees_with_thermodynamic_integration():
    """L = 2 at kT = 0.06 e^2/(eps b) (below the end of the line; plain chains never cross): the voltage
    where the phases carry equal weight, from MBAR over replica exchange along the coexistence ladder,
    and the crossing of the two branches' grand potentials from thermodynamic integration (the up branch
    anchored in the dilute limit, the down branch at its ground state).  The MBAR error is the scatter over
    four independent runs (rw.combine); measured: -0.0427 +- 0.0009 against -0.0416 +- 0.00003 below V1,
    both near Sec. III's V1 - kT ln 2 = V1 - 0.0416.  The jump is 1 within 1 %."""
    m = mc.mc_model(L=2)
    v1 = m.levels.V1 / m.unit_ev
    kT = 0.06
    mus_ti = v1 + np.linspace(-0.2, 0.1, 61)
    up = mc.sweep(m, mus_ti, kT, "empty", 100, 600, seed=1)
    dn = mc.sweep(m, mus_ti[::-1], kT, "full", 100, 600, seed=2, anchor="ground")
    ti = mc.transition(up, dn)
    kts, mul = rx.coexistence_ladder(kT, 0.15, 7, ti.mu_star)
    mus = v1 + np.linspace(-0.055, -0.025, 4)
    runs = [rx.replica_exchange(m, kts, mul, start=["empty", "full"] * 3 + ["empty"], n_equil=100,
                                n_measure=1500, sweeps=4, seed=300 + s) for s in range(4)]
    for r in runs:  # the coldest replica crosses between the phases
        assert rx.phase_crossings(r.nu_series[:1])[0] > 50
    res = rw.combine([rw.reweight(r, kT, mus) for r in runs])
    assert abs(res.mu_star - ti.mu_star) < 4 * np.hypot(res.mu_star_err, ti.mu_star_err)
    assert res.jump == pytest.approx(1.0, abs=0.01) and ti.jump == pytest.approx(1.0, abs=0.01)


def test_bad_input():
    m = mc.mc_model(L=1)
    r = rx.replica_exchange(m, [0.1, 0.2], 0.0, n_equil=2, n_measure=20)
    with pytest.raises(ValueError, match="kT"):
        rw.reweight(r, -1.0, [0.0])
    with pytest.raises(ValueError, match="runs"):
        rw.combine([])
