"""Finite-size scaling of the end point of the charging step (montecarlo/fss.py): the equal-weight voltage,
the Binder cumulant and the jump against exact enumeration of one cell, their known limits, and the
crossing analysis on curves of known crossing."""
import numpy as np
import pytest

from supercrystal import montecarlo as mc
from supercrystal.montecarlo import fss
from supercrystal.montecarlo import replicas as rx
from supercrystal.montecarlo import scaling


def test_equal_weight_voltage_of_two_sharp_phases_is_exact():
    """Samples N = 0 (weight p) and N = N_nc (weight 1 - p) at mu0: reweighting by exp(beta dmu N) equalises
    them at dmu = kT ln(p / (1 - p)) / N_nc, and the Binder cumulant of two equal delta peaks is 2/3."""
    N, kT, mu0, p = 32, 0.09, 1.2, 0.8
    n = np.r_[np.zeros(800), np.full(200, N)]
    assert fss.equal_weight(n, kT, mu0, N) == pytest.approx(mu0 + kT * np.log(p / (1 - p)) / N, abs=1e-12)
    assert np.isnan(fss.equal_weight(np.zeros(100), kT, mu0, N))  # one phase only: no equal weight
    mean, half, u4 = fss._moments(n / N, np.r_[np.full(800, 0.25), np.ones(200)])
    assert (mean, 2 * half, u4) == pytest.approx((0.5, 1.0, 2 / 3))


def test_binder_cumulant_of_a_gaussian_is_zero():
    x = np.random.default_rng(1).normal(0.5, 0.05, 400_000)
    _, half, u4 = fss._moments(x, np.ones_like(x))
    assert u4 == pytest.approx(0.0, abs=0.01)
    assert 2 * half == pytest.approx(2 * 0.05 * np.sqrt(2 / np.pi), rel=0.01)  # the jump of a Gaussian


def test_rung_statistics_match_exact_enumeration_on_one_cell():
    """One cell (4 NCs, 1296 configurations), replica exchange over four temperatures on the guessed
    coexistence line: at each rung the equal-weight voltage (P(N > 2) = 1/2), the jump 2<|nu - <nu>|> and
    U_4 there, against the exact distribution P(N) at the exact equal-weight voltage (live; 4.5 sigma of the
    autocorrelation-time errors, the U_4 and voltage errors from four independent runs' scatter)."""
    from scipy.optimize import brentq

    m = mc.mc_model(L=1)
    kts = np.array([0.06, 0.08, 0.1, 0.13])
    mus = fss.coexistence_guess(m, kts)
    runs = [fss.rung_statistics(rx.replica_exchange(m, kts, mus, ["empty", "full"] * 2, 50, 1500, 4, seed=s))
            for s in range(4)]
    N = m.lattice.n_nc
    nu = np.arange(2 * N + 1) / N
    for k, kT in enumerate(kts):
        p0 = mc.exact_distribution(m, mus[k], kT)  # P(N) at another voltage: times exp((x - mu) N / kT)

        def exact(x):
            lw = np.log(np.maximum(p0, 1e-300)) + (x - mus[k]) * np.arange(len(p0)) / kT
            p = np.exp(lw - lw.max())
            return p / p.sum()

        mu_exact = brentq(lambda x: np.log(exact(x)[nu > 0.5].sum() / exact(x)[nu <= 0.5].sum()),
                          mus[k] - 1, mus[k] + 1, xtol=1e-12)
        p = exact(mu_exact)
        mean, half, u4 = fss._moments(nu, p)
        for name, exact in (("mu_star", mu_exact), ("jump", 2 * half), ("binder", u4)):
            vals = np.array([getattr(r, name)[k] for r in runs])
            err = vals.std(ddof=1) / 2
            assert abs(vals.mean() - exact) < 4.5 * err, (kT, name, vals, exact)
        tau_err = np.sqrt(np.mean([r.jump_err[k] ** 2 for r in runs])) / 2
        assert abs(np.mean([r.jump[k] for r in runs]) - 2 * half) < 4.5 * tau_err


def test_a_small_sample_orders_below_and_disorders_above_the_end():
    """L = 2 over kT = 0.07 ... 0.14 along the refined coexistence line: two phases (U_4 near 2/3, jump near
    1) at the coldest rung, one (U_4 near 0) at the hottest; every rung finds its equal-weight voltage."""
    m = mc.mc_model(L=2)
    st, acc = fss.fss_run(m, fss.ladder((0.07, 0.14), 6), n_equil=50, n_measure=1500, sweeps=2, pilots=1, seed=3)
    assert np.all(np.isfinite(st.mu_star)) and np.all(acc > 0.3)
    assert st.binder[0] > 0.6 and st.jump[0] > 0.85
    assert abs(st.binder[-1]) < 0.15
    assert st.sweeps == 3000


def test_crossings_and_end_point_of_curves_of_known_crossing():
    """Binder-like straight lines U_L(kT) = 1/3 + 20 L (x_L - kT) with x_L = 0.09 + 0.01 / L^2 (a scaling
    correction), shifted by +-0.001 in kT for two "seeds": the pair (a, b) crosses at
    (a x_a - b x_b) / (a - b) exactly (linear interpolation is exact for lines); T_c is the last pair's
    crossing, the statistical error the seeds' 0.001, the systematic error the shift between the pairs."""
    kT = np.linspace(0.08, 0.1, 41)
    sizes = (2, 3, 4)
    x = {L: 0.09 + 0.01 / L ** 2 for L in sizes}

    def u(L, shift=0.0):
        return 1 / 3 + 20 * L * (x[L] + shift - kT)

    def pair(a, b):
        return (a * x[a] - b * x[b]) / (a - b)

    assert scaling.crossing(kT, u(2), u(3)) == pytest.approx(pair(2, 3), abs=1e-12)
    assert np.isnan(scaling.crossing(kT, u(2), u(2, 0.05)))  # parallel within the ladder: no crossing
    binder = {L: np.array([u(L, 0.001 * s) for s in (-1, 1)]) for L in sizes}
    e = scaling.end_point(kT, binder)
    assert e.kT_cross == pytest.approx([pair(2, 3), pair(3, 4)], abs=1e-12)
    assert e.kT_c == pytest.approx(pair(3, 4), abs=1e-12)
    assert e.sys_err == pytest.approx(abs(pair(3, 4) - pair(2, 3)), abs=1e-12)
    # the seeds' U_4 differ by 20 L 0.002: standard error 0.02 L, through a difference of slope 20: 0.001 * 5
    assert e.stat_err == pytest.approx(0.001 * np.hypot(3, 4), rel=1e-6) and e.seeds == 2
    assert e.err == pytest.approx(np.hypot(e.stat_err, e.sys_err))
    with pytest.raises(ValueError, match="sizes"):
        scaling.end_point(kT, {2: binder[2]})
    with pytest.raises(ValueError, match="seeds"):
        scaling.end_point(kT, {2: binder[2][:1], 3: binder[3][:1]})


def _corrected_binder(kT, sizes, kT_c, seeds_noise, rng=None):
    """U_L(kT) = U* - a (kT - kT_c) L^(1/nu) + c L^(-omega) (3D Ising exponents), linear in kT, so the linear
    interpolation of a crossing is exact; each seed shifts every curve by its own noise (seeds_noise)."""
    nu, om = scaling.NU_ISING, scaling.OMEGA_ISING
    out = {}
    for L in sizes:
        clean = 0.47 - 5.0 * (kT - kT_c) * L ** (1 / nu) + 0.15 * L ** (-om)
        noise = np.zeros((len(seeds_noise), 1)) if rng is None else rng.normal(0, 1, (len(seeds_noise), 1))
        out[L] = clean[None, :] + np.asarray(seeds_noise)[:, None] * noise
    return out


def test_the_extrapolation_removes_the_corrections_to_scaling_exactly():
    """On curves of the Binder form with a correction L^-omega the crossings drift with L (so the last pair's
    crossing misses T_c), but their fit to T_c + c' x(L, L') returns T_c to rounding, with chi2 = 0."""
    kT, kT_c = np.linspace(0.08, 0.11, 61), 0.0957
    sizes = (3, 4, 5, 6, 8)
    b = _corrected_binder(kT, sizes, kT_c, np.zeros(4))
    ex = scaling.extrapolate(kT, b)
    e = scaling.end_point(kT, b)
    assert abs(e.kT_c - kT_c) > 1e-4  # the last crossing is off by the corrections
    assert np.all(np.diff(e.kT_cross) > 0)  # the crossings rise toward T_c (as in the production study)
    assert ex.kT_c == pytest.approx(kT_c, abs=1e-12) and ex.chi2 < 1e-20 and ex.dof == len(sizes) - 3
    assert ex.err == pytest.approx(0.0, abs=1e-12)  # identical seeds: no scatter
    # chi2 has mean dof and standard deviation sqrt(2 dof): three of them past the mean, the form fails
    import dataclasses
    limit = ex.dof + 3 * np.sqrt(2 * ex.dof)
    assert ex.fits and dataclasses.replace(ex, chi2=0.99 * limit).fits and not dataclasses.replace(ex, chi2=1.01 * limit).fits
    # the Study carries the seeds, and its method is the same fit
    st = scaling.study(kT, {L: [dict(binder=u, jump=u, tau=u, mu_star=u, jump_err=u, acceptance=u[:-1],
                                     sweeps=10) for u in b[L]] for L in sizes})
    assert st.extrapolate().kT_c == pytest.approx(kT_c, abs=1e-12)
    with pytest.raises(ValueError, match="0 < L < L'"):
        scaling.correction_variable(4, 3)
    with pytest.raises(ValueError, match="3 sizes"):
        scaling.extrapolate(kT, {L: b[L] for L in (3, 4)})


def test_the_jackknife_error_of_the_extrapolation_is_the_actual_scatter():
    """Seeds that shift each curve by independent Gaussian noise: over many independent studies the jackknife
    error of the extrapolated T_c matches the standard deviation of the estimates, and they scatter around the
    true T_c (no bias beyond the error)."""
    kT, kT_c = np.linspace(0.08, 0.11, 61), 0.0957
    sizes = (3, 4, 5, 6, 8)
    rng = np.random.default_rng(7)
    est, errs = [], []
    for _ in range(300):
        ex = scaling.extrapolate(kT, _corrected_binder(kT, sizes, kT_c, np.full(6, 0.01), rng))
        est.append(ex.kT_c)
        errs.append(ex.err)
    est, errs = np.array(est), np.array(errs)
    spread = est.std(ddof=1)
    # 300 studies of 6 seeds: the rms of the errors and the spread are each known to ~4 %, their ratio to ~5 %
    assert np.sqrt(np.mean(errs ** 2)) == pytest.approx(spread, rel=0.15)
    assert abs(est.mean() - kT_c) < 4 * spread / np.sqrt(len(est))


def test_bad_input():
    m = mc.mc_model(L=1)
    with pytest.raises(ValueError, match="kTs"):
        fss.fss_run(m, [0.1, 0.09])
    with pytest.raises(ValueError, match="kT_range"):
        fss.ladder((0.1, 0.05), 5)


def test_production_calls_and_bad_input(capsys):
    """`make production`'s study: every size x seed once, largest sizes first, each call's ladder the same
    (room temperature among its rungs); a bad worker count is refused in one line with exit status 2."""
    from supercrystal.book import production
    from supercrystal.units import kT_ev

    cfg = fss.SETTINGS["production"]
    calls = production.study_calls()
    assert len(calls) == len(cfg["sizes"]) * cfg["seeds"]
    Ls = [kw["L"] for _, kw in calls]
    assert Ls == sorted(Ls, reverse=True) and max(cfg["sizes"]) >= 8 and min(cfg["sizes"]) <= 3
    assert len({tuple(kw["kTs"]) for _, kw in calls}) == 1 and len({(kw["L"], kw["seed"]) for _, kw in calls}) == len(calls)
    room = kT_ev(300.0) / mc.DeviceParams().model().unit_ev
    assert min(abs(np.array(calls[0][1]["kTs"]) - room)) < 1e-6
    assert production.main(["--workers", "0", "--study-only"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "workers" in err[0]
    assert production.main(["--sizes", "3,7", "--study-only"]) == 2  # not a production size
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "sizes" in err[0]
    assert [kw["L"] for _, kw in production.study_calls(sizes=[3, 4])] == [4] * cfg["seeds"] + [3] * cfg["seeds"]


def test_the_committed_chapter_shows_the_production_study_exactly_when_it_is_archived():
    """Sec. V's end-point figure is the production study when the archive holds all of it for the current code,
    else the book scale (its figure data record which): a chapter not re-executed after `make production`, or
    an archive gone stale, fails here."""
    import json

    from supercrystal.book import claims
    from supercrystal.paths import data_dir

    head = (data_dir() / "figures" / "sec5_monte_carlo" / "cooperativity_end.csv").read_text().splitlines()
    params = json.loads(next(line for line in head if line.startswith("# params: "))[len("# params: "):])
    assert params["scale"] == claims.mc_end_point_scale()
    cfg = fss.SETTINGS[params["scale"]]
    assert params["n_measure"] == cfg["n_measure"] and params["sizes"] == list(cfg["sizes"])


def test_the_polar_end_point_study_is_archived_not_computed_and_runs_on_a_small_sample(tmp_path, monkeypatch):
    """The polar end point (claims.polar_end_point) is a production result: its calls are polar_fss_run's on the
    material's static eps_nc, its ladder scaled by the gain; a book build never computes it (NotArchived without
    the archive). One polar run on the one-cell sample gives cumulants inside their bounds."""
    from supercrystal.book import cache, claims, production, tasks

    monkeypatch.setenv("SUPERCRYSTAL_CACHE_DIR", str(tmp_path))
    dev, kts, calls = claims.polar_end_point_calls("CdSe")
    assert {t for t, _ in calls} == {tasks.polar_fss_run} and dev.eps_nc == 9.6
    cfg = fss.SETTINGS["book"]
    assert len(calls) == len(claims.POLAR_FSS_SIZES) * claims.POLAR_FSS_SEEDS and kts[-1] < cfg["kT_range"][1]
    assert claims.POLAR_FSS_SEEDS >= 3  # the jackknife of the extrapolation needs three
    assert production.polar_calls() == calls
    if not all(t.available(**kw) for t, kw in calls):
        with pytest.raises(cache.NotArchived, match="make production"):
            claims.polar_end_point("CdSe")
    with pytest.raises(ValueError, match="material"):
        claims.polar_end_point_calls("ZnO")
    kw = dict(calls[0][1], L=1, kTs=[float(kts[3]), float(kts[-1])], n_equil=10, n_measure=80, pilots=1)
    out = tasks.polar_fss_run.fn(**kw)
    ok = np.isfinite(out["binder"])
    assert np.all((out["binder"][ok] > -0.5) & (out["binder"][ok] <= 2 / 3 + 1e-12))
    assert out["acceptance"].shape == (1,) and np.all(out["tau"] >= 0.5)
