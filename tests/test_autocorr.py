"""Integrated autocorrelation times of the Monte Carlo series (Sec. V): an AR(1) process with the exact
tau_int, the errors of means they give, and agreement with the block errors on a real chain."""
import numpy as np
import pytest
from scipy.signal import lfilter

from supercrystal import montecarlo as mc
from supercrystal.montecarlo import autocorr as ac


def _ar1(phi, m, n, seed):
    """m independent stationary AR(1) series of length n with unit variance."""
    rng = np.random.default_rng(seed)
    x = lfilter([np.sqrt(1 - phi ** 2)], [1, -phi], rng.standard_normal((m, n + 2000)), axis=1)
    return x[:, 2000:]  # drop the start (the filter starts from 0, not from the stationary law)


@pytest.mark.parametrize("phi", [0.0, 0.5, 0.9])
def test_tau_of_an_ar1_process_is_the_exact_one(phi):
    """rho(t) = phi^t: tau_int = (1 + phi) / (2 (1 - phi)).  The mean estimate over 40 series lies within
    4 standard errors of the mean (plus 1 % for the window's truncation bias) of the exact value."""
    tau = ac.integrated_time(_ar1(phi, 40, 50_000, seed=1))
    exact = ac.ar1_tau(phi)
    assert abs(tau.mean() - exact) < 4 * tau.std(ddof=1) / np.sqrt(len(tau)) + 0.01 * exact


def test_error_of_the_mean_from_tau_matches_the_scatter_of_independent_means():
    """sqrt(sigma^2 2 tau / n) against the scatter of 400 independent means (its relative standard error is
    1/sqrt(2 * 399) = 3.5 %: 4 of them allowed); the naive sigma/sqrt(n) is 4.4 times smaller."""
    x = _ar1(0.9, 400, 20_000, seed=2)
    pred = ac.autocorr(x).err.mean()
    scatter = x.mean(axis=1).std(ddof=1)
    assert pred / scatter == pytest.approx(1.0, abs=0.14)
    assert np.sqrt(1.0 / x.shape[1]) < scatter / 4


def test_a_constant_series_has_tau_one_half_and_no_error():
    a = ac.autocorr(np.ones((2, 100)))
    assert np.all(a.tau == 0.5) and np.all(a.err == 0) and not a.reliable.any()
    with pytest.raises(ValueError, match="phi"):
        ac.ar1_tau(1.0)


def test_tau_errors_agree_with_block_errors_on_a_real_chain():
    """On an L = 2 chain above the end of the first-order line (kT = 0.15 e^2/(eps b), three voltages on the
    rise of nu, 40000 sweeps each, tau_int ~ 20 sweeps) the errors from tau agree with 50-block batch means
    (blocks of 800 sweeps >> tau): the mean ratio within 20 % (each estimate scatters by ~10 %)."""
    m = mc.mc_model(L=2)
    mu = m.levels.V1 / m.unit_ev + np.array([-0.3, -0.2, -0.1])
    ch = mc.run(m, mu, 0.15, "empty", 500, 40_000, seed=3)
    a = ac.autocorr(ch.n_series)
    ratio = a.err / mc.block_error(ch.n_series, 50)
    assert np.all(a.reliable) and np.all(a.tau > 3)
    assert ratio.mean() == pytest.approx(1.0, abs=0.2)


def test_branch_reports_tau_and_the_curve_carries_it():
    """Branch.tau_n / nu_err_tau come from the chain; a ChargingCurve carries tau per voltage (the block
    errors it reports are unchanged)."""
    m = mc.mc_model(L=1)
    br = mc.sweep(m, m.levels.V1 / m.unit_ev + np.linspace(-0.3, 0.3, 4), 0.15, "empty", 50, 400, seed=1)
    assert br.tau_n.shape == (4,) and np.all(br.tau_n >= 0.5)
    assert np.allclose(br.nu_err_tau, ac.autocorr(br.chain.n_series).err / m.lattice.n_nc)
    c = mc.charging_curve(m, 600.0, n_volts=5, n_equil=20, n_measure=200, anchor=False)
    assert c.tau_up.shape == c.tau_down.shape == c.volts.shape == c.nu_up_err_tau.shape
    assert np.all(c.tau_h_up >= 0.5)
