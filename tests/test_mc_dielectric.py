"""The Monte Carlo with polarizable NCs (montecarlo.polar): eps_nc = eps_liquid is the uniform model, the same chain."""
import numpy as np
import pytest

from supercrystal import montecarlo
from supercrystal.montecarlo import lattice as ml
from supercrystal.montecarlo import polar
from supercrystal.montecarlo.kernel import mc_kernel
from supercrystal.semiconductor import polarization as pol


def chain(model, seed=3):
    lat = model.lattice
    n = np.zeros(lat.n_nc, np.int64)
    c = np.zeros(lat.n_pore, np.int64)
    mus = np.linspace(-0.9, 0.3, 4) + float(np.mean(model.eq))
    return mc_kernel(*lat.table.kernel_arrays(), lat.n_nc, lat.nc_neighbours, lat.pore_neighbours, lat.nc_pores, model.eq, model.er,
                     model.e_ion, mus, 12.0, n, c, 5, 20, seed, 0.2, 0.2, 0.3, 0, 10 ** 9)


@pytest.mark.parametrize("pore", ["octahedral", "tetrahedral"])
def test_kappa_one_gives_the_uniform_chain_bit_for_bit(pore):
    m0 = ml.mc_model(L=2, pore=pore, spread=0.1, disorder_seed=2)
    m1 = polar.polar_model(L=2, pore=pore, spread=0.1, disorder_seed=2, eps_nc=2.0)
    assert m1.kappa == 1.0 and m0.kappa is None
    assert np.array_equal(m0.lattice.G, m1.lattice.G)
    assert np.array_equal(m0.eq, m1.eq) and np.array_equal(m0.er, m1.er)
    for a, b in zip(chain(m0), chain(m1)):
        assert np.array_equal(a, b)


def test_dielectric_model_energies():
    m0 = ml.mc_model(L=2)
    m = polar.polar_model(L=2, eps_nc=9.6)
    assert m.kappa == pytest.approx(4.8)
    np.testing.assert_allclose(m.er, pol.repulsion(4.8, 0.8), rtol=1e-14)
    np.testing.assert_allclose(m.eq - m0.eq, pol.self_polarization(4.8, 0.8), rtol=1e-12)
    assert 0 < m.green_error < 1e-3
    np.testing.assert_allclose(m.lattice.G, m.lattice.G.T, rtol=0, atol=1e-15)
    # the rock-salt state is stabilised by the polarization of the filled lattice less than the empty one
    n, c = ml.state(m, "full")
    assert ml.energy(m, n, c) != ml.energy(m0, n, c)


def test_device_params_and_task_keys():
    from supercrystal.book import tasks
    d = montecarlo.DeviceParams(L=2)
    assert "eps_nc" not in d.as_dict() and "eps_nc" not in tasks._device(d)
    dd = polar.PolarDeviceParams(L=2, eps_nc=9.6)
    assert tasks._device(dd)["eps_nc"] == 9.6
    assert dd.model().kappa == pytest.approx(4.8)
    assert polar.PolarDeviceParams(**tasks._device(dd)) == dd
    assert tasks.curve_call(d, 300.0)[0] is tasks.mc_curve and tasks.curve_call(dd, 300.0)[0] is tasks.polar_mc_curve
    with pytest.raises(ValueError, match="eps_nc"):
        polar.PolarDeviceParams(L=2, eps_nc=-1.0).model()
    with pytest.raises(ValueError, match="eps_nc"):
        polar.PolarDeviceParams(L=2, pore="gate", eps_nc=9.6)
    with pytest.raises(ValueError, match="reference"):
        tasks.peak_width(dd, 300.0, reference=d)


def test_the_uniform_monte_carlo_does_not_import_the_sphere_solvers():
    """The uniform model's code closure (what its cached results are keyed by) holds no sphere solver and no
    polar module: a faster sphere solver leaves the uniform Monte Carlo's cache valid (tests/test_cache.py)."""
    from supercrystal.book import fingerprint
    closure = set(fingerprint.module_closure(["supercrystal.montecarlo"]))
    assert "supercrystal.montecarlo.lattice" in closure
    assert not {m for m in closure if m.startswith("supercrystal.spheres") or m.endswith(".polar")}
    assert "supercrystal.spheres.lattice_green" in fingerprint.module_closure(["supercrystal.montecarlo.polar"])


def test_dielectric_levels():
    """kappa = 1: the Sec. III levels bit for bit; CdSe: V1 = E_q + Sigma_1 + the filled dielectric lattice."""
    from supercrystal.spheres import dielectric
    for pore in ("octahedral", "tetrahedral"):
        assert polar.polar_model(L=2, pore=pore, eps_nc=2.0).levels == ml.mc_model(L=2, pore=pore).levels
    m = polar.polar_model(L=2, eps_nc=9.6)
    lv = m.levels
    u = lv.coulomb
    v1 = lv.E_q + (pol.self_polarization(4.8, 0.8) + dielectric.filled_lattice("fcc", 0.8, 4.8).energy) * u
    assert lv.V1 == pytest.approx(v1, abs=1e-4 * u)
    assert lv.E_r == pytest.approx(pol.repulsion_ev(2.0, 2.0, 9.6), rel=1e-12)
    assert 0 < lv.gain < ml.mc_model(L=2).levels.gain  # polarization weakens the collective gain


def test_polar_curve_task_reaches_the_dielectric_model(tmp_path, monkeypatch):
    """A task call with eps_nc runs the dielectric model: the step sits near its own Sec. III level."""
    monkeypatch.setenv("SUPERCRYSTAL_CACHE_DIR", str(tmp_path))
    from supercrystal.book import tasks
    run = montecarlo.RunParams(n_volts=9, n_equil=5, n_measure=20, window=(-0.4, 0.4), anchor=False)
    dev = polar.PolarDeviceParams(L=2, eps_nc=9.6)
    params = tasks.polar_mc_curve.params(**tasks._device(dev), T_kelvin=300.0, spread=0.0, realisation=0, seed=0,
                                   step=1, **tasks._run(run))
    assert params["eps_nc"] == 9.6
    c = tasks.curve(dev, 300.0, run=run)
    v1 = dev.model().levels.V1
    assert abs(c.V_sec3 - v1) < 1e-12 and abs(v1 - montecarlo.DeviceParams(L=2).model().levels.V1) > 0.05


def test_green_rows_through_the_cache_give_the_same_model(tmp_path, monkeypatch):
    """tasks sets polar.GREEN_ROWS to its cached dielectric_green_rows: the same pair table, bit for bit."""
    monkeypatch.setenv("SUPERCRYSTAL_CACHE_DIR", str(tmp_path))
    from supercrystal.book import tasks
    from supercrystal.montecarlo import polar
    assert polar.GREEN_ROWS is tasks.dielectric_green_rows
    polar.dielectric_lattice.cache_clear()
    cached, err = polar.dielectric_lattice(2, "octahedral", 0.8, 4.8)
    monkeypatch.setattr(polar, "GREEN_ROWS", None)
    polar.dielectric_lattice.cache_clear()
    direct, err2 = polar.dielectric_lattice(2, "octahedral", 0.8, 4.8)
    polar.dielectric_lattice.cache_clear()
    assert err == err2 and np.array_equal(cached.G, direct.G)


def test_polar_tc_at_kappa_one_is_sec5s_computation():
    """The polar chapter's T_c curve at kappa = 1 makes Sec. V's calls: the uniform device, Sec. V's grid
    (end_grid_kelvin), the same cheap sweeps, hence the same cached results and the same T_c."""
    from supercrystal.book import claims, tasks
    dev = claims.polar_mc_device(claims.SEC5_EPS_I)
    assert type(dev) is montecarlo.DeviceParams
    sec5 = montecarlo.DeviceParams(L=4, a_nm=2.0, b_nm=2.5, material="CdSe", eps_liquid=2.0)
    assert dev == sec5
    grid = montecarlo.end_grid_kelvin(sec5, n=8)
    assert np.array_equal(claims.polar_end_grid(claims.SEC5_EPS_I), grid)
    green, sweeps = claims.polar_mc_calls((claims.SEC5_EPS_I,))
    assert green == [] and sweeps == [tasks.curve_call(sec5, float(T), 0.0, 0, montecarlo.T_END_RUN, 0) for T in grid]
    assert type(claims.polar_mc_device(9.6)) is polar.PolarDeviceParams


def test_polar_tc_grid_follows_the_gain():
    """Away from kappa = 1 the T_c grid is Sec. V's scaled by gain(kappa)/gain(1) of the chapter's table
    (fcc, rho = 0.8): CdSe's kappa = 4.8 lowers it by about 0.6, kappa = inf (POLAR_MC_INF) by about 0.43."""
    from supercrystal.book import claims
    sec5 = montecarlo.DeviceParams(L=4, a_nm=2.0, b_nm=2.5, material="CdSe", eps_liquid=2.0)
    lo, hi, n = montecarlo.T_END_GRID_UNIT
    for eps, expect in ((9.6, 0.611), (2.0 * claims.POLAR_MC_INF, 0.425)):
        s = claims.polar_gain_scale(eps)
        assert s == pytest.approx(expect, abs=0.005)
        assert np.array_equal(claims.polar_end_grid(eps), montecarlo.end_grid_kelvin(sec5, lo * s, hi * s, n))
