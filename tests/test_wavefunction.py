"""The spherical-well electron: Eqs. (1)-(2) and the 1s-1s repulsion of Eq. (11)."""
import numpy as np
import pytest
from scipy import integrate

from supercrystal.semiconductor import wavefunction as wf


def test_psi_1s_is_normalised():
    val, _ = integrate.quad(lambda r: 4 * np.pi * r**2 * wf.psi_1s(r, 2.0) ** 2, 0, 2.0)
    assert val == pytest.approx(1.0, abs=1e-12)


def test_psi_1s_solves_the_well():
    """-(1/r) d^2(r psi)/dr^2 = (pi/a)^2 psi inside, psi(a) = 0 (Eq. 2 from Eq. 1)."""
    a, r, h = 1.0, np.linspace(0.1, 0.9, 9), 1e-4
    u = lambda x: x * wf.psi_1s(x, a)
    second = (u(r + h) - 2 * u(r) + u(r - h)) / h**2
    assert np.allclose(-second / r, (np.pi / a) ** 2 * wf.psi_1s(r, a), rtol=1e-5)
    assert wf.psi_1s(np.array([a]), a)[0] == pytest.approx(0.0, abs=1e-15)


def test_bessel_zeros():
    assert wf.bessel_zero(0) == pytest.approx(np.pi)
    # j_1 zero: tan x = x, first root 4.493409457909064
    assert wf.bessel_zero(1) == pytest.approx(4.493409457909064, abs=1e-12)
    x = wf.bessel_zero(1)
    assert np.tan(x) == pytest.approx(x, rel=1e-10)


def test_confinement_energy_scales_as_inverse_mass_and_square_radius():
    e = wf.confinement_energy_ev(2.0, 0.13)
    assert wf.confinement_energy_ev(4.0, 0.13) == pytest.approx(e / 4, rel=1e-14)
    assert wf.confinement_energy_ev(2.0, 0.26) == pytest.approx(e / 2, rel=1e-14)
    assert e == pytest.approx(0.7231, abs=1e-4)  # hbar^2 pi^2/(2 m a^2), m = 0.13, a = 2 nm


def test_coulomb_1s1s_closed_form_matches_quadrature():
    assert wf.coulomb_1s1s() == pytest.approx(wf.coulomb_1s1s_quadrature(), abs=1e-12)


def test_coulomb_1s1s_exceeds_uniform_ball():
    """The 1s charge is more concentrated than a uniform ball (its cumulative charge Q(x) = x -
    sin(2 pi x)/2 pi dominates x^3), and 1/max(r, r') decreases, so J exceeds the ball's 6/5."""
    x = np.linspace(0, 1, 101)
    assert np.all(x - np.sin(2 * np.pi * x) / (2 * np.pi) >= x**3 - 1e-15)
    assert wf.coulomb_1s1s() > 6 / 5
    assert wf.assembly_energy() == pytest.approx((wf.coulomb_1s1s() - 1) / 2, rel=1e-15)


def test_bad_inputs_name_the_parameter():
    with pytest.raises(ValueError, match="a_nm"):
        wf.confinement_energy_ev(-1.0, 0.1)
    with pytest.raises(ValueError, match="m_eff"):
        wf.confinement_energy_ev(1.0, 0.0)
    with pytest.raises(ValueError, match="epsilon"):
        wf.coulomb_1s1s_ev(1.0, -2.0)


def test_assembly_energy_is_the_inside_field_energy():
    """E_as = int_0^a Q(r)^2 / (2 r^2) dr (the field energy inside the sphere, units e^2/a)."""
    from scipy import integrate

    q = lambda x: x - np.sin(2 * np.pi * x) / (2 * np.pi)
    inside, _ = integrate.quad(lambda x: q(x) ** 2 / (2 * x**2), 0, 1, epsabs=1e-14)
    assert wf.assembly_energy() == pytest.approx(inside, rel=1e-10)
    assert wf.assembly_energy_ev(2.0, 10.0) == pytest.approx(inside * 1.4399645 / 20.0, rel=1e-6)
