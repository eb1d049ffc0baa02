"""Grand-canonical lattice Monte Carlo of Sec. V: Sec. III limits, detailed balance, thermodynamics."""
import numpy as np
import pytest

from supercrystal.lattice import ewald, geometry
from supercrystal.semiconductor import energies
from supercrystal import montecarlo as mc
from supercrystal.montecarlo import thermo


@pytest.fixture(scope="module")
def octa2():
    return mc.mc_model(L=2, pore="octahedral")


@pytest.fixture(scope="module")
def tetra2():
    return mc.mc_model(L=2, pore="tetrahedral")


# ---- Sec. III: the filled states are the Madelung energies of Eqs. (5), (8), (11) ----------------

@pytest.mark.parametrize("L", [1, 2, 3])
def test_filled_rocksalt_energy_per_pair_is_eq5(L):
    m = mc.mc_model(L=L)
    n, c = mc.state(m, "full")
    # Ewald sums are converged to 1e-13 per pair; the supercell energy per NC equals the cell's.
    assert mc.energy(m, n, c) / m.lattice.n_nc == pytest.approx(m.levels.E_nu1 / m.unit_ev, abs=1e-10)


def test_filled_zincblende_energy_per_pair_is_eq8(tetra2):
    n, c = mc.state(tetra2, "zincblende")
    e = mc.energy(tetra2, n, c) / tetra2.lattice.n_nc
    assert e == pytest.approx(tetra2.levels.E_nu1 / tetra2.unit_ev, abs=1e-10)


def test_fluorite_energy_per_nc_is_eq11(tetra2):
    n, c = mc.state(tetra2, "fluorite")
    e = mc.energy(tetra2, n, c) / tetra2.lattice.n_nc
    assert e == pytest.approx(tetra2.levels.E_nu2 / tetra2.unit_ev, abs=1e-10)


def test_double_occupancy_costs_E_r_on_top_of_the_periodic_point_charge_energy(octa2):
    """Convention: U is the full Ewald energy of the periodic cell (own images included, no point
    self-energy), and a doubly occupied NC adds E_r once (not a point-charge self term)."""
    rng = np.random.default_rng(3)
    lat = octa2.lattice
    n = np.zeros(lat.n_nc, int)
    n[[0, 5]] = 2
    n[7] = 1
    c = np.zeros(lat.n_pore, int)
    c[rng.choice(lat.n_pore, 5, replace=False)] = 1
    q = mc.charges(octa2, n, c)
    side = geometry.cube_side() * lat.L
    u = ewald.ewald_energy(np.eye(3) * side, lat.positions, q)
    site = octa2.eq[0] * 5 + 2 * octa2.er[0] + 5 * octa2.e_ion
    assert mc.energy(octa2, n, c) == pytest.approx(u + site, abs=1e-10)
    assert octa2.er[0] * octa2.unit_ev == pytest.approx(octa2.levels.E_r, rel=1e-12)


def test_non_neutral_configuration_is_rejected(octa2):
    n, c = mc.state(octa2, "empty")
    n[0] = 1
    with pytest.raises(ValueError, match="neutral"):
        mc.energy(octa2, n, c)


def test_parameters_are_validated():
    with pytest.raises(ValueError, match="spread"):
        mc.mc_model(L=2, spread=-0.1)
    with pytest.raises(ValueError, match="L must"):
        mc.mc_model(L=0)
    with pytest.raises(ValueError, match="b_nm"):
        mc.mc_model(L=2, a_nm=3.0, b_nm=2.5)
    with pytest.raises(ValueError, match="kT"):
        mc.run(mc.mc_model(L=1), [1.0], 0.0)


# ---- detailed balance: MC histograms against exact enumeration -----------------------------------

def _histogram_z(model, mu, kT, sweeps, seed):
    """z-scores of the MC histogram of N_el against exact enumeration (block errors of the
    indicator series, 20 blocks)."""
    exact = mc.exact_distribution(model, mu, kT)
    ch = mc.run(model, [mu], kT, "empty", 500, sweeps, seed)
    ind = (ch.n_series[0][None, :] == np.arange(len(exact))[:, None]).astype(float)
    est = ind.mean(axis=1)
    err = mc.block_error(ind, 20)
    keep = exact > 1e-3
    return (est[keep] - exact[keep]) / np.maximum(err[keep], 1e-4), exact


@pytest.mark.parametrize("pore,dmu,kT", [("octahedral", 0.0, 0.3), ("octahedral", -0.1, 0.1),
                                         ("tetrahedral", 0.0, 0.3), ("tetrahedral", 1.0, 0.2)])
def test_histogram_of_electron_number_matches_exact_enumeration(pore, dmu, kT):
    # One periodic conventional cell (4 NCs, 4 or 8 pores): 1296 or 20736 configurations.
    m = mc.mc_model(L=1, pore=pore)
    z, exact = _histogram_z(m, m.levels.V1 / m.unit_ev + dmu, kT, 60_000, seed=11)
    # Gaussian block errors: with <= 9 bins, |z| < 4.5 fails with probability < 1e-4 for a correct
    # sampler; a wrong acceptance (e.g. a missing spin weight) moves the bins by 10-50 sigma.
    assert np.all(np.abs(z) < 4.5), z


def test_histogram_matches_enumeration_on_random_pair_table_with_disorder():
    """An arbitrary symmetric table and unequal site energies (all-to-all hops)."""
    rng = np.random.default_rng(5)
    a = rng.normal(size=(7, 7))
    g = 0.3 * (a + a.T)
    m = mc.model_from_arrays(g, 3, eq=[0.1, 0.4, -0.2], er=[0.5, 0.2, 1.0], e_ion=0.05)
    z, _ = _histogram_z(m, 0.3, 0.5, 60_000, seed=2)
    assert np.all(np.abs(z) < 4.5), z


def test_spin_weight_matters_in_the_enumeration_check():
    """Control: the same check fails when the reference drops the spin degeneracy, so the test above
    has the power to see it."""
    m = mc.mc_model(L=1)
    mu, kT = m.levels.V1 / m.unit_ev, 0.3
    saved = mc.LOG_G.copy()
    try:
        mc.LOG_G[:] = 0.0
        wrong = mc.exact_distribution(m, mu, kT)
    finally:
        mc.LOG_G[:] = saved
    right = mc.exact_distribution(m, mu, kT)
    assert np.max(np.abs(wrong - right)) > 0.05


# ---- T -> 0: the step is Sec. III's e V1 (shifted by the spin entropy k_B T ln 2) -----------------

def test_low_temperature_step_is_V1_minus_spin_entropy(octa2):
    """At kT = 0.02 e^2/(eps b) (about 70 K here) excitations cost >= 0.5 e^2/(eps b) and are frozen
    out (exp(-25)); the filled branch keeps the spin entropy N k_B ln 2, so the grand potentials
    cross at mu* = E_(nu=1) - kT ln 2 (Eqs. 5, 6)."""
    kT = 0.02
    v1 = octa2.levels.V1 / octa2.unit_ev
    mus = v1 + np.linspace(-0.2, 0.2, 21)
    up = mc.sweep(octa2, mus, kT, "empty", 100, 300, seed=1)
    dn = mc.sweep(octa2, mus[::-1], kT, "full", 100, 300, seed=2, anchor="ground")
    tr = mc.transition(up, dn)
    assert tr.hysteresis and tr.jump == pytest.approx(1.0, abs=0.02)
    # frozen excitations: the branches are exactly linear in mu, so the crossing is exact to 1e-9
    assert tr.mu_star == pytest.approx(v1 - kT * np.log(2), abs=1e-6)


def test_tetrahedral_shows_both_steps_V1_and_V2(tetra2):
    """Tetrahedral pores: nu = 0 -> 1 at e V1 - kT ln 2 and 1 -> 2 at e V2 + kT ln 2 (the singlet
    nu = 2 state has no spin entropy), Eqs. (6), (12)."""
    kT = 0.02
    lv, u = tetra2.levels, tetra2.unit_ev
    v1, v2 = lv.V1 / u, lv.V2 / u
    mid = 0.5 * (v1 + v2)
    g1 = np.linspace(v1 - 0.2, mid, 15)
    g2 = np.linspace(mid, v2 + 0.2, 15)
    up1 = mc.sweep(tetra2, g1, kT, "empty", 100, 200, seed=1)
    dn1 = mc.sweep(tetra2, g1[::-1], kT, "zincblende", 100, 200, seed=2, anchor="ground")
    up2 = mc.sweep(tetra2, g2, kT, "zincblende", 100, 200, seed=3, anchor="ground")
    dn2 = mc.sweep(tetra2, g2[::-1], kT, "fluorite", 100, 200, seed=4, anchor="ground")
    t1 = mc.transition(up1, dn1, 0.0, 1.0)
    t2 = mc.transition(up2, dn2, 1.0, 2.0)
    assert t1.mu_star == pytest.approx(v1 - kT * np.log(2), abs=1e-3)
    assert t2.mu_star == pytest.approx(v2 + kT * np.log(2), abs=1e-3)
    assert t1.jump == pytest.approx(1.0, abs=0.02) and t2.jump == pytest.approx(1.0, abs=0.02)


@pytest.mark.parametrize("kT", [0.03, 0.09])
def test_cycle_anchor_agrees_with_ground_state_anchor(octa2, kT):
    """Two independent routes to omega of the filled branch at mu = e V1 + 0.3 e^2/(eps b): from the
    ground state by integration in beta (exact spin entropy), and around the end of the first-order
    line (integration in mu at kT = 0.3, then cooling).  They agree within 4 combined errors
    (statistical plus the beta-ladder discretisation estimate)."""
    mu = octa2.levels.V1 / octa2.unit_ev + 0.3
    a, a_err = mc.anchor_omega(octa2, mu, kT, "full", seed=3)
    b, b_err, (n, c) = mc.anchor_cycle(octa2, mu, kT, seed=3)
    assert n.sum() == octa2.lattice.n_nc  # cooling reached the filled lattice
    assert b == pytest.approx(a, abs=4 * np.hypot(a_err, b_err) + 1e-5)


def test_finite_temperature_step_from_both_anchors_agrees(octa2):
    """The cycle-anchored equilibrium step equals the ground-state-anchored one within errors
    (kT = 0.06 e^2/(eps b), about 200 K here, where the small sample still shows hysteresis)."""
    kT = 0.06
    v1 = octa2.levels.V1 / octa2.unit_ev
    mus = v1 + np.linspace(-0.3, 0.2, 26)
    up = mc.sweep(octa2, mus, kT, "empty", 200, 800, seed=1)
    dn = mc.sweep(octa2, mus[::-1], kT, "full", 200, 800, seed=2, anchor=False)
    t_ground = mc.transition(up, mc.sweep(octa2, mus[::-1], kT, "full", 200, 800, seed=2,
                                          anchor="ground"))
    t_cycle = mc.transition(up, mc.anchored(dn, octa2, kT, seed=5))
    assert t_ground.hysteresis
    assert t_cycle.mu_star == pytest.approx(t_ground.mu_star,
                                            abs=4 * np.hypot(t_ground.mu_star_err, t_cycle.mu_star_err))


# ---- the fluctuation formula ----------------------------------------------------------------------

def test_fluctuation_capacitance_equals_derivative_of_filling():
    """C/(e^2 N) = var(N)/(N kT) = d nu / d mu in equilibrium.  Above the end of cooperativity
    (kT = 0.15 e^2/(eps b)) nu(mu) is smooth; the central difference on a 0.04 grid has a
    curvature error (h^2/6) nu''' ~ 0.02 (peak 3, width ~0.2), below the ~0.1 statistical error;
    checked at 3.5 sigma over 11 points."""
    m = mc.mc_model(L=3)
    kT = 0.15
    v1 = m.levels.V1 / m.unit_ev
    mus = v1 + np.arange(-0.40, 0.101, 0.04)
    br = mc.sweep(m, mus, kT, "empty", 300, 5000, seed=4, anchor=False)
    deriv = (br.nu[2:] - br.nu[:-2]) / (mus[2:] - mus[:-2])
    deriv_err = np.hypot(br.nu_err[2:], br.nu_err[:-2]) / (mus[2:] - mus[:-2])
    fluct = br.dnu_dmu[1:-1]
    # the fluctuation estimate's own error: ~ sqrt(2 tau / n) relative, from its blocks
    ser = br.chain.n_series[1:-1].astype(float)
    blocks = ser.reshape(len(ser), 10, -1)
    fl_err = blocks.var(axis=2).std(axis=1, ddof=1) / np.sqrt(10) / (m.lattice.n_nc * kT)
    z = (deriv - fluct) / np.hypot(deriv_err, fl_err)
    assert np.all(np.abs(z) < 3.5), z
    assert fluct.max() > 2.5 and fluct[0] < 1.0  # the peak is inside the window


# ---- Fig. 3: one layer under a metal gate ----------------------------------------------------------

def test_gate_layer_histogram_matches_exact_enumeration():
    """The gated layer reuses the engine with dummy counter-charge sites; detailed balance still
    holds (2 x 2 periodic layer, 1296 configurations; same 4.5-sigma criterion as above)."""
    m = mc.gate_layer_model(2)
    z, exact = _histogram_z(m, mc.gate_onset(m) + 1.0, 0.3, 60_000, seed=3)
    assert exact[1:].sum() > 0.5 and np.all(np.abs(z) < 4.5), z


def test_gate_layer_pair_potential_is_a_dipole_interaction():
    """Two electrons s below a grounded plane interact by 1/r - 1/sqrt(r^2 + 4 s^2) (their images);
    in a 24 x 24 layer the periodic replicas change a nearest-neighbour pair by 4.5e-4 (measured; they
    fall as s^2 / r^3 and the nearest is 48 b away), so 1e-3 is allowed."""
    m = mc.gate_layer_model(24, gap_nm=1.25, b_nm=2.5)
    s = 1.5
    direct = 1 / 2.0 - 1 / np.sqrt(4.0 + 4 * s * s)
    assert m.lattice.G[0, 1] == pytest.approx(direct, abs=1e-3)
    assert m.lattice.G[0, 0] == pytest.approx(-1 / (2 * s), abs=1e-3)


def test_gate_layer_charges_smoothly_without_a_jump():
    """Fig. 3: repelling dipoles, no cooperativity: at 300 K the layer's nu(V) rises over a volt
    while the super-crystal's rises within tens of mV; no jump, no hysteresis."""
    dev = mc.DeviceParams(L=1, pore="gate")  # 4 x 4 layer
    c = mc.run_curve(dev, 300.0, run=mc.RunParams(n_volts=30, n_measure=300, window=(-0.5, 7.0),
                                                  anchor=False))
    assert c.jump == 0.0 and not c.hysteresis
    assert np.all(np.diff(0.5 * (c.nu_up + c.nu_down)) > -0.03)  # monotonic within noise
    assert c.width_mV > 500.0


def test_jump_is_the_distance_between_the_two_modes_and_zero_for_one():
    """The jump estimator: two Gaussian clusters at 0.1 and 0.8 (width 0.02) give 0.7 to within the
    standard error of the two cluster means (< 1e-3 here); one broad cluster gives 0."""
    rng = np.random.default_rng(0)
    two = np.r_[rng.normal(0.1, 0.02, 600), rng.normal(0.8, 0.02, 400)]
    _, jump = thermo._modes(two, 0.04)
    assert jump == pytest.approx(0.7, abs=5e-3)
    _, none = thermo._modes(rng.normal(0.5, 0.1, 1000), 0.04)
    assert none == 0.0


# ---- the resolved width of the step: phase-restricted branches ---------------------------------------

def test_restricted_ensemble_histogram_matches_enumeration_conditioned_on_the_range():
    """The electron-number wall (restricted ensemble of the width measurement) keeps detailed balance:
    the MC histogram equals the exact distribution conditioned on N_el in [1, 3] (one periodic cell,
    4 NCs; same 4.5-sigma criterion as the unrestricted check)."""
    m = mc.mc_model(L=1)
    mu, kT = m.levels.V1 / m.unit_ev, 0.3
    exact = mc.exact_distribution(m, mu, kT)
    cond = np.zeros_like(exact)
    cond[1:4] = exact[1:4] / exact[1:4].sum()
    n0, c0 = mc.state(m, "empty")
    n0[0], c0[0] = 1, 1
    ch = mc.run(m, [mu], kT, (n0, c0), 500, 60_000, seed=8, n_range=(1, 3))
    ind = (ch.n_series[0][None, :] == np.arange(len(exact))[:, None]).astype(float)
    assert ind[[0, 4, 5, 6, 7, 8]].sum() == 0  # never leaves the range
    est, err = ind.mean(axis=1), mc.block_error(ind, 20)
    z = (est[1:4] - cond[1:4]) / np.maximum(err[1:4], 1e-4)
    assert np.all(np.abs(z) < 4.5), z


def test_equilibrium_width_of_analytic_branches_and_the_jump_rule():
    """equilibrium_width on known curves: logistic branches nu = 1/(1 + exp(-(mu - m0)/s)) cross
    10 % at m0 - s ln 9 and 90 % at m0 + s ln 9.  The local quadratic fit over +-s/2 recovers the
    width on grids of 0.2 s and 0.1 s to 2e-3 s: its bias, from the curve's higher derivatives
    inside the window, is measured at <= 1e-3 s for these grids (for the Monte Carlo branches,
    s ~ 3 mV, that is ~0.01 mV, far below the statistical error).  A jump spanning a level puts
    that crossing at mu*."""
    s = 0.01
    f = lambda mu, m0: 1 / (1 + np.exp(-(mu - m0) / s))
    for h in (0.2 * s, 0.1 * s):
        mu = np.arange(-0.1, 0.1 + h / 2, h)
        # two branches of the same curve, mu* between the crossings: the width is 2 s ln 9
        w, m10, m90, nl, nh = mc.equilibrium_width(mu, f(mu, 0.0), mu, f(mu, 0.0), 0.0, half_window=0.5 * s)
        assert w == pytest.approx(2 * s * np.log(9), abs=2e-3 * s)
        assert nl == pytest.approx(0.5, abs=1e-3) and nh == pytest.approx(0.5, abs=1e-3)
    # a jump from 0.2 to 0.95 at mu* = 0: the 90 % level is inside the jump, crossed at mu*
    mu = np.arange(-0.1, 0.1001, 0.001)
    low = 0.2 * np.exp(mu / s)
    high = 1 - 0.05 * np.exp(-mu / s)
    w, m10, m90, nl, nh = mc.equilibrium_width(mu, low, mu, high, 0.0, half_window=0.003)
    assert m90 == 0.0 and m10 == pytest.approx(s * np.log(0.5), abs=2e-3 * s)
    assert nl == pytest.approx(0.2, abs=1e-3) and nh == pytest.approx(0.95, abs=1e-3)


def test_peak_width_is_grid_converged_on_a_small_lattice():
    """The resolved width does not depend on the voltage grid: on L = 2 (32 NCs) at k_B T = 0.09
    e^2/(eps b) (about 300 K here), the restricted branches on a grid of 0.004 and on the nested
    grid of 0.002 e^2/(eps b) (about 1.2 and 0.6 mV; the width is ~0.027, 7-14 grid steps) give
    widths equal within 3 combined jackknife errors (independent chains, 6 per branch, errors ~8 %;
    with 6 chains the error estimate is itself uncertain by ~30 %, hence 3 and not 2 sigma; these
    seeds give 1.4 sigma).  A grid bias of the crossing fits would show as a systematic shift."""
    m = mc.mc_model(L=2)
    kT = 0.09
    mu_star = m.levels.V1 / m.unit_ev - kT * np.log(2)  # near the step; enters only via the jump rule
    res = []
    for h, seed in ((0.004, 0), (0.002, 100)):
        k = np.arange(-int(round(0.06 / h)), int(round(0.06 / h)) + 1)
        grid = mu_star + h * k
        res.append(mc.branch_width(m, kT, mu_star, grid, grid, seeds=6, n_equil=100, n_measure=2000,
                                   half_window=0.01, seed=seed))
    a, b = res
    assert 0.015 < a.width and a.width_err < 0.2 * a.width  # resolved: several grid steps
    assert b.width == pytest.approx(a.width, abs=3 * np.hypot(a.width_err, b.width_err))
    # both levels are crossed on the phases' own branches, not inside the jump
    assert a.nu_low_star > 0.1 and a.nu_high_star < 0.9
