"""MBAR reweighting of replica-exchange samples (Sec. V): exact enumeration on one cell, and the coexistence
voltage against thermodynamic integration on L = 2 below the end of the first-order line, TI against the
low-temperature expansion, and TI's ground-state anchor against exact enumeration."""
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


@pytest.fixture(scope="module")
def ti_l2():
    """L = 2 at kT = 0.06: the step by thermodynamic integration (the up branch anchored in the dilute limit,
    the down branch at its ground state), computed live."""
    m = mc.mc_model(L=2)
    v1 = m.levels.V1 / m.unit_ev
    mus_ti = v1 + np.linspace(-0.2, 0.1, 61)
    up = mc.sweep(m, mus_ti, 0.06, "empty", 100, 600, seed=1)
    dn = mc.sweep(m, mus_ti[::-1], 0.06, "full", 100, 600, seed=2, anchor="ground")
    return m, mc.transition(up, dn)


def test_thermodynamic_integration_agrees_with_the_low_temperature_expansion(ti_l2):
    """L = 2 at kT = 0.06 (below the end of the line): the crossing of the two branches' grand potentials
    (thermodynamic integration) against the low-temperature expansion of the coexistence voltage,
    independent of both TI and MBAR.  Each phase is its ordered state (energies 0 and E_0 = N_nc V1 at
    L = 2, spin degeneracy 2^N_nc for the filled one) dressed by dilute defects: ln Xi_phase = ln of the
    ordered state's weight + the mean number of defects, so equal weight of the phases gives

        mu* = E_0 / N_nc - kT ln 2 - kT (h_f - x_e),

    x_e the electrons per NC of the empty phase and h_f the holes per NC of the filled one, measured by
    plain chains at mu* (which never cross at this temperature).  The expansion counts a defect as one
    electron (or hole): bound pairs would change it by up to kT max(x_e, h_f) / 2, the tolerance with 4
    standard errors of TI.  Measured: TI V1 - 0.04163 +- 0.00003, the expansion V1 - 0.04168 (x_e = 0.0012,
    h_f = 0.0027); the naive V1 - kT ln 2 = V1 - 0.04159."""
    m, ti = ti_l2
    N = m.lattice.n_nc
    v1 = m.levels.V1 / m.unit_ev
    kT = 0.06
    n0, c0 = mc.state(m, "full")
    e0 = mc.energy(m, n0, c0)
    x_e = mc.run(m, [ti.mu_star], kT, "empty", 200, 20000, seed=5).n_series.mean() / N
    h_f = 1.0 - mc.run(m, [ti.mu_star], kT, "full", 200, 20000, seed=6).n_series.mean() / N
    assert 0 < x_e < 0.01 and 0 < h_f < 0.01  # dilute defects: the expansion applies
    expansion = e0 / N - kT * np.log(2.0) - kT * (h_f - x_e)
    assert abs(ti.mu_star - expansion) < kT * max(x_e, h_f) / 2 + 4 * ti.mu_star_err, (ti.mu_star - v1, expansion - v1)


def test_coexistence_voltage_agrees_with_thermodynamic_integration(ti_l2):
    """L = 2 at kT = 0.06 e^2/(eps b) (below the end of the line; plain chains never cross): the voltage
    where the phases carry equal weight, from MBAR over replica exchange along the coexistence ladder,
    and the crossing of the two branches' grand potentials from thermodynamic integration (the up branch
    anchored in the dilute limit, the down branch at its ground state).  The MBAR error is the scatter over
    four independent runs (rw.combine).

    Resolution of the finding of #13 (four short runs at V1 - 0.0407 +- 0.0001 against TI's
    V1 - 0.04163 +- 0.00003): TI is right (it agrees with the low-temperature expansion, test above, to
    5e-5); MBAR is unbiased but its run-to-run scatter at 6000 sweeps was ~1e-3, not 1e-4: the phase weight
    of the coldest state moves only when walkers complete round trips through the hot states, and they made
    1-3 each.  The four "tight" runs were a chance draw of a heavy-tailed estimator (nine further such runs
    spread from -0.0391 to -0.0418).  Here the swaps come after every sweep and the runs are longer
    (round trips 2-6 per walker); measured: V1 - 0.0412 +- 0.0005 against V1 - 0.04163.  The jump is 1
    within 1 %."""
    m, ti = ti_l2
    v1 = m.levels.V1 / m.unit_ev
    kT = 0.06
    kts, mul = rx.coexistence_ladder(kT, 0.15, 7, ti.mu_star)
    mus = v1 + np.linspace(-0.055, -0.025, 4)
    runs = [rx.replica_exchange(m, kts, mul, start=["empty", "full"] * 3 + ["empty"], n_equil=200,
                                n_measure=6000, sweeps=1, seed=300 + s) for s in range(4)]
    for r in runs:  # the coldest replica crosses between the phases
        assert rx.phase_crossings(r.nu_series[:1])[0] > 200
    res = rw.combine([rw.reweight(r, kT, mus) for r in runs])
    assert abs(res.mu_star - ti.mu_star) < 4 * np.hypot(res.mu_star_err, ti.mu_star_err), (
        res.mu_star - v1, res.mu_star_err, ti.mu_star - v1)
    assert res.jump == pytest.approx(1.0, abs=0.01) and ti.jump == pytest.approx(1.0, abs=0.01)


def test_ground_state_anchor_matches_exact_enumeration():
    """thermo.anchor_omega (integration in beta from the filled ground state) against the exact grand
    potential of one cell (1296 configurations), deep in the filled phase where the other phase weighs
    < 2e-3, at a temperature where the excitations matter (Omega differs from the ground state's
    E_0/N - mu - kT ln 2 by 2e-3).  Before the fix the piecewise-exponential rule divided each interval's
    integral by the integrand at its end: -0.288 here against the exact -0.2558, and -7.8e7 on L = 2 when
    a frozen chain's round-off excess (4e-14) met one excitation."""
    m = mc.mc_model(L=1)
    v1 = m.levels.V1 / m.unit_ev
    mu, kT = v1 + 0.2, 0.08
    om, err = mc.anchor_omega(m, mu, kT, "full", n_temps=20, ratio=1.25, n_measure=3000, seed=1)
    assert abs(om - mc.exact_omega(m, mu, kT)) < 4 * err, (om, err, mc.exact_omega(m, mu, kT))
    # the L = 2 case of the finding: finite, and within the excitations' few 1e-4 of the ground state's value
    m2 = mc.mc_model(L=2)
    v1 = m2.levels.V1 / m2.unit_ev
    n0, c0 = mc.state(m2, "full")
    ground = (mc.energy(m2, n0, c0) - (v1 + 0.1) * n0.sum()) / m2.lattice.n_nc - 0.06 * np.log(2.0)
    om2, err2 = mc.anchor_omega(m2, v1 + 0.1, 0.06, "full", n_temps=30, ratio=1.12, n_measure=600, seed=6)
    assert -1e-3 < om2 - ground <= 0.0


def test_ground_state_anchor_refuses_a_start_that_is_not_the_ground_state():
    m = mc.mc_model(L=1)
    v1 = m.levels.V1 / m.unit_ev
    with pytest.raises(ValueError, match="not the ground state"):
        mc.anchor_omega(m, v1 - 0.3, 0.08, "full", n_temps=20, ratio=1.25, n_measure=300, seed=1)


def test_bad_input():
    m = mc.mc_model(L=1)
    r = rx.replica_exchange(m, [0.1, 0.2], 0.0, n_equil=2, n_measure=20)
    with pytest.raises(ValueError, match="kT"):
        rw.reweight(r, -1.0, [0.0])
    with pytest.raises(ValueError, match="runs"):
        rw.combine([])
