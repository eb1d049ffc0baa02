"""Tests of the finite-difference Laplace solver of Appendix B (supercrystal.spheres.laplace)."""
import numpy as np
import pytest

from supercrystal.spheres import laplace as lp


@pytest.mark.parametrize("lattice, rho, a_c", [("fcc", 1.0, 0.2), ("sc", 0.8, 0.3)])
def test_octant_with_mirror_walls_equals_the_periodic_cell(lattice, rho, a_c):
    """The mirror planes of rock salt / CsCl make the octant solve exact: same nodes, same solution."""
    a = lp.solve_cell(lattice, rho, a_c, 8, domain="octant", rtol=1e-13)
    b = lp.solve_cell(lattice, rho, a_c, 16, domain="periodic", rtol=1e-13)
    assert a.capacitance == pytest.approx(b.capacitance, rel=1e-10)   # CG tolerance only


def test_flux_charge_equals_discrete_dirichlet_energy():
    """Summation by parts: the charge from the cut-link flux equals the discrete energy (at CG rtol)."""
    s = lp.solve_cell("fcc", 1.0, 0.25, 16, rtol=1e-12)
    assert s.capacitance == pytest.approx(s.capacitance_energy, rel=1e-9)


def test_cell_holds_the_right_number_of_pairs():
    g = lp.cell_geometry("fcc", 1.0, 0.2, "periodic")
    assert g.pairs == pytest.approx(4.0)
    assert lp.cell_geometry("fcc", 1.0, 0.2, "octant").pairs == pytest.approx(0.5)
    assert lp.cell_geometry("sc", 1.0, 0.2, "octant").pairs == pytest.approx(0.125)


def test_small_spheres_give_the_rocksalt_madelung_energy_with_second_order_error():
    """rho = a_c = 0.3: the exact E differs from -M/sqrt(2) only by O(0.3^9) ~ 1e-5 (cubic sites
    polarise at l >= 4), so E(h) - E_M is the discretisation error; it falls as h^2.

    Measured: 6.8e-3 at n = 24 and 1.73e-3 at n = 48 (ratio 3.9), i.e. |error| ~ 1.8 h^2; the test
    allows 2.5 h^2 and an observed order in [1.7, 2.3].
    """
    em = lp.point_charge_limit("fcc")
    assert em == pytest.approx(-1.747565 / np.sqrt(2), rel=1e-6)
    errs, hs = [], []
    for n in (24, 48):
        s = lp.solve_cell("fcc", 0.3, 0.3, n)
        errs.append(abs(s.energy - em))
        hs.append(s.h)
        assert errs[-1] < 2.5 * s.h**2
    order = np.log(errs[0] / errs[1]) / np.log(hs[0] / hs[1])
    assert 1.7 < order < 2.3


def test_cation_radius_enters_as_a_high_power_not_linearly():
    """At a cubic site E(a_c) = E_0 + A a_c^9 + ...: successive differences for a_c = 0.25, 0.3, 0.35
    grow by (0.35^9 - 0.3^9)/(0.3^9 - 0.25^9) = 3.7, against 1.0 (linear) or 1.2 (quadratic).

    n = 64 leaves grid errors of ~2e-4 (a_c = 0.35) to ~7e-4 (a_c = 0.25) on differences of 2e-3
    and 7e-3, so the measured ratio (3.2) is required only to exceed 2.5.
    """
    e = [lp.solve_cell("fcc", 1.0, a, 64).energy for a in (0.25, 0.3, 0.35)]
    d1, d2 = e[1] - e[0], e[2] - e[1]
    assert d1 < 0 and d2 < 0          # polarisation of the cation sphere lowers the energy
    assert d2 / d1 > 2.5


def test_richardson_recovers_a_quadratic_model():
    h = np.array([0.1, 0.05, 0.025])
    r = lp.richardson(h, -1.5 + 3.0 * h**2)
    assert r.value == pytest.approx(-1.5, abs=1e-13)
    assert r.slope == pytest.approx(3.0)


@pytest.mark.parametrize("kwargs", [dict(rho=0.0), dict(rho=1.5), dict(a_c=0.0), dict(a_c=0.5),
                                    dict(lattice="bcc"), dict(n=2)])
def test_bad_parameters_raise(kwargs):
    args = dict(lattice="fcc", rho=1.0, a_c=0.2, n=8) | kwargs
    with pytest.raises(ValueError):
        lp.solve_cell(**args)


def test_filled_fcc_energy_converges_under_refinement():
    """rho = 1, a_c = 0.3: n = 96 and 128 agree to 1e-4 (second-order tail)."""
    a = lp.solve_cell("fcc", 1.0, 0.3, 96).energy
    b = lp.solve_cell("fcc", 1.0, 0.3, 128).energy
    assert a == pytest.approx(b, abs=1e-4)


def test_small_spheres_give_the_cscl_madelung_energy():
    """Simple cubic (CsCl): rho = a_c = 0.3 at n = 32 (h = b/32) is within 3 h^2 of -M_CsCl/sqrt(3)
    (measured 2.7 h^2; the O(0.3^9) physical correction is ~1e-5)."""
    s = lp.solve_cell("sc", 0.3, 0.3, 32)
    assert abs(s.energy - lp.point_charge_limit("sc")) < 3 * s.h**2


@pytest.mark.parametrize("lattice, rho", [("fcc", 1.0), ("fcc", 0.8), ("sc", 1.0)])
def test_finite_differences_agree_with_the_multipole_solution(lattice, rho):
    """Two independent methods for the filled lattice (App. B) at the book's grids (the cached tasks the
    chapter uses): FD grid study + a_c^9 extrapolation against the periodic multipole solution.  Measured
    differences 2e-5 (fcc, rho = 1), 6e-6, 7e-6; the FD error estimate is 2e-5 or less, so 5e-5 is allowed."""
    from supercrystal.book import tasks

    fd = lp.point_cation_limit(tasks.laplace_study(lattice, rho))
    mp = tasks.filled_lattice(lattice, rho).energy
    assert fd.value == pytest.approx(mp, abs=5e-5)


@pytest.mark.parametrize("lattice", ["fcc", "sc"])
def test_finite_differences_agree_with_the_multipole_solution_live(lattice):
    """The same two-method check computed now (no cache), on coarse grids (h = b/32 .. b/64) and a low
    multipole order: the difference must lie within the FD error estimate plus the multipole truncation
    (order 12 against 8).  Measured at rho = 0.8: fcc 8.7e-5 against an estimate of 3.3e-4, sc 3.8e-6
    against 1.5e-5 (a few seconds each)."""
    from supercrystal.spheres import metal

    fd = lp.point_cation_limit(lp.study(lattice, 0.8, ns=(32, 48, 64)))
    mp, mp_low = (metal.filled_lattice(lattice, 0.8, order=k).energy for k in (12, 8))
    assert abs(fd.value - mp) <= fd.error + abs(mp - mp_low)
