"""Sec. III with polarizable NCs: Sigma_1 and E_r of the 1s electrons in a dielectric sphere."""
import numpy as np
import pytest

from supercrystal.semiconductor import polarization as pol
from supercrystal.semiconductor import wavefunction
from supercrystal.units import COULOMB_EV_NM


def test_uniform_dielectric_gives_eq11_exactly():
    assert pol.repulsion(1.0) == wavefunction.coulomb_1s1s()
    assert pol.self_polarization(1.0) == 0.0
    # eV: E_r = 1.786 e^2/(eps a) with eps = eps_liquid = eps_nc
    assert pol.repulsion_ev(2.0, 2.0, 2.0) == pytest.approx(wavefunction.coulomb_1s1s_ev(2.0, 2.0), rel=1e-14)


@pytest.mark.parametrize("kappa", [0.5, 1.0, 4.8, 113.5, 1e6])
def test_field_energy_quadrature_agrees(kappa):
    """Second method: the radial field-energy integral of the 1s clouds in eps(r)."""
    assert pol.field_energy(kappa) == pytest.approx(pol.repulsion(kappa), rel=1e-12)
    assert pol.field_energy(kappa, pair=False) == pytest.approx(pol.self_polarization(kappa), rel=1e-12, abs=1e-15)


def test_repulsion_is_direct_plus_twice_self_polarization():
    for kappa in (2.0, 4.8, 50.0):
        direct = wavefunction.coulomb_1s1s_quadrature() / kappa
        assert pol.repulsion(kappa) == pytest.approx(direct + 2 * pol.self_polarization(kappa), rel=1e-12)


def test_metallic_limit_is_the_conductor_charging_energy():
    """kappa -> inf: E_r -> e^2/(eps_liquid a) (two charges on a conducting sphere), Sigma_1 -> e^2/(2a)."""
    assert pol.repulsion(1e12) == pytest.approx(1.0, rel=1e-11)
    assert pol.self_polarization(1e12) == pytest.approx(0.5, rel=1e-11)


def test_cdse_numbers_and_units():
    eps_nc = pol.nc_epsilon("CdSe")
    assert eps_nc == 9.6 and pol.nc_epsilon("CdSe", "high-frequency") == 6.2
    er = pol.repulsion_ev(2.0, 2.0, eps_nc)
    assert er == pytest.approx(COULOMB_EV_NM / 2.0 * (1.786 / 9.6 + 0.5 - 1 / 9.6), rel=1e-3)
    assert er == pytest.approx(pol.repulsion(4.8, 2.0 / 2.5) * COULOMB_EV_NM / (2.0 * 2.5), rel=1e-13)
    assert pol.self_polarization_ev(2.0, 2.0, eps_nc) == pytest.approx(
        pol.self_polarization(4.8, 0.8) * COULOMB_EV_NM / (2.0 * 2.5), rel=1e-13)


def test_bad_input():
    with pytest.raises(ValueError, match="eps_nc"):
        pol.repulsion_ev(2.0, 2.0, -1.0)
    with pytest.raises(ValueError, match="kappa"):
        pol.repulsion(float("nan"))
    with pytest.raises(ValueError, match="kind"):
        pol.nc_epsilon("CdSe", "optical")
