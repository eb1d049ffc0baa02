"""Field mixing at the end point (montecarlo/mixing.py): the mixing parameter and the symmetric field on
distributions whose answer is known by construction, the identity with fss's cumulant at s = 0 on the same
chains, and the study on a small live run."""
import numpy as np
import pytest

from supercrystal import montecarlo as mc
from supercrystal.montecarlo import fss, mixing, scaling


def test_the_mixing_parameter_that_makes_the_order_parameter_symmetric_is_found():
    """rho = M + s u with M symmetric and u = y + c M + q (q skewed and growing with M^2, as the energy of a
    configuration far from the middle of the step does): built from pairs (M, y, q), (-M, -y, q), so the third
    moment of M is zero in the sample itself; rho - s' u then has no third cumulant at s' = s and only there
    (the cubic's other roots are complex).  The asymmetric rho alone (s' = 0) is recognised."""
    rng = np.random.default_rng(3)
    size = 20000
    M0 = rng.choice([-1.0, 1.0], size) + 0.3 * rng.normal(size=size)
    y0 = rng.normal(size=size)
    q0 = 0.5 * M0 ** 2 + 0.3 * rng.exponential(size=size)  # skewed, and growing with |M| (no second root near s)
    M, y, q = np.r_[M0, -M0], np.r_[y0, -y0], np.r_[q0, q0]
    N, s_true, c = 100, 0.07, 0.4
    u = y + c * M + q
    rho = M + s_true * u
    n, e = rho * N, u * N  # the function takes N_el and H; only the ratios rho, u enter
    assert mixing.mixing_parameter(n, e, kT=1.0, dmu=0.0, n_nc=N) == pytest.approx(s_true, abs=1e-9)
    w = np.full(len(rho), 1 / len(rho))
    assert abs(mixing.cumulants(rho, w)[2]) > 1e-4  # rho alone is skewed
    assert abs(mixing.cumulants(rho - s_true * u, w)[2]) < 1e-12


def test_the_symmetric_field_equalises_two_gaussian_phases():
    """Two Gaussian peaks of equal width at N = 20 and 80 with weights 0.3 and 0.7: tilting by exp(beta dmu N)
    keeps them Gaussian of equal width and multiplies their weights' ratio by exp(beta dmu 60), so the
    distribution is symmetric at beta dmu = ln(0.3 / 0.7) / 60 (up to the sample's noise, here ~1 %)."""
    rng = np.random.default_rng(5)
    n = np.r_[rng.normal(20, 4, 60000), rng.normal(80, 4, 140000)]
    kT = 0.5
    d = mixing.symmetric_field(n, np.zeros_like(n), kT, 100, 0.0, dmu0=0.0)
    assert d == pytest.approx(kT * np.log(0.3 / 0.7) / 60, rel=0.02)


def test_at_zero_mixing_the_cumulant_is_fss_s_on_the_same_chains():
    """coexistence_run retraces fss_run's chains (same pilots, line and seeds); at s = 0 the cumulant is taken at
    the equal-weight voltage of rho when that is where rho's third cumulant vanishes, so rung_binder with s = 0
    reproduces fss's U_4 where the two voltages coincide, and the equal-weight voltage exactly."""
    m = mc.mc_model(L=2)
    kts = np.array([0.085, 0.095, 0.105])
    kw = dict(n_equil=30, n_measure=400, sweeps=2, pilots=1, seed=11)
    st, _ = fss.fss_run(m, kts, **kw)
    run = mixing.coexistence_run(m, kts, **kw)
    again = fss.rung_statistics(run)
    np.testing.assert_array_equal(again.binder, st.binder)  # the same chains, bit for bit
    np.testing.assert_array_equal(again.mu_star, st.mu_star)
    N = run.n_nc
    for k in range(len(kts)):
        if not np.isfinite(st.mu_star[k]):
            continue
        n = run.n_series[k].astype(float)
        w = mixing._weights(n, kts[k], st.mu_star[k] - run.mu[k])
        assert mixing.cumulants(n / N, w)[3] == pytest.approx(st.binder[k], abs=1e-12)
        mu_m, u4 = mixing.rung_binder(n, run.e_series[k], kts[k], run.mu[k], N, 0.0)
        # the symmetric voltage of rho sits within a fraction of kT / N_nc of the equal-weight one
        assert abs(mu_m - st.mu_star[k]) < kts[k] / N
        assert np.isfinite(u4) and -0.5 < u4 <= 2 / 3 + 1e-12


def test_bad_input_is_refused():
    m = mc.mc_model(L=1)
    with pytest.raises(ValueError, match="kTs"):
        mixing.coexistence_run(m, [0.1, 0.09])
    with pytest.raises(ValueError, match="2 sizes"):
        mixing.mixed_study({3: [{}, {}]})


def test_ising_cumulant_value():
    """Hasenbusch's Q = 0.62341 gives U_4* = 1 - 1 / (3 Q) = 0.4653."""
    assert mixing.U4_ISING == pytest.approx(0.4653, abs=1e-4)


def test_the_task_with_series_holds_the_fss_task_s_statistics_bit_for_bit():
    """mc_mixing_run (the book scale's runs) and mc_fss_run with the same parameters run the same chains: the
    same rung statistics, so the end-point study is the same whichever the book reads."""
    from supercrystal.book import tasks

    kw = tasks.fss_calls(mc.DeviceParams(), [0.09, 0.1], [1], 1, n_equil=10, n_measure=60, sweeps=2, pilots=1)[0][1]
    a, b = tasks.mc_fss_run.fn(**kw), tasks.mc_mixing_run.fn(**kw)
    for name in a:
        np.testing.assert_array_equal(np.asarray(a[name]), np.asarray(b[name]), err_msg=name)
    assert b["n"].shape == (2, 60) and b["e"].dtype == np.float32 and int(b["n_nc"]) == 4


def test_the_seed_error_counts_only_the_finite_seeds_and_never_warns():
    import warnings

    x = np.array([[1.0, 2.0, np.nan, np.nan], [3.0, np.nan, np.nan, 5.0], [5.0, 4.0, np.nan, np.nan]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the chapter must not need to silence numpy
        mean, err = scaling.seed_stats(x)
    assert mean[0] == pytest.approx(3.0) and err[0] == pytest.approx(np.std([1, 3, 5], ddof=1) / np.sqrt(3))
    assert mean[1] == pytest.approx(3.0) and err[1] == pytest.approx(np.std([2, 4], ddof=1) / np.sqrt(2))
    assert np.isnan(mean[2]) and np.isnan(err[2])  # no finite seed
    assert mean[3] == pytest.approx(5.0) and np.isnan(err[3])  # one finite seed: no error
    m2, e2 = scaling.seed_stats(x.T, axis=1)  # the seeds on another axis
    assert np.array_equal(m2, mean, equal_nan=True) and np.array_equal(e2, err, equal_nan=True)
