"""Optical phonons (semiconductor/phonons.py): the unit conversions against known equivalences, and the phonon
table against the independent dielectric constants of materials.csv by the Lyddane-Sachs-Teller relation."""
import pytest

from supercrystal.semiconductor import phonons


def test_units():
    # 1 meV is 8.0655 cm^-1; a 1 THz oscillation (4.1357 meV) has a period of 1 ps
    assert phonons.energy_ev(8.0655) == pytest.approx(1e-3, rel=1e-4)
    assert phonons.period_ps(4.135667e-3) == pytest.approx(1.0, rel=1e-6)


@pytest.mark.parametrize("name", ["CdSe", "PbSe"])
def test_lyddane_sachs_teller_ties_the_phonons_to_the_dielectric_constants(name):
    """(omega_LO / omega_TO)^2 = epsilon / epsilon_inf; the tables come from different measurements (and
    PbSe's soft TO mode depends on temperature), so agreement within 10 % is what they can give."""
    ratio_phonons, ratio_eps = phonons.lst_check(name)
    assert ratio_phonons == pytest.approx(ratio_eps, rel=0.10)


def test_bad_input():
    with pytest.raises(ValueError, match="material"):
        phonons.phonons("Unobtainium")
    with pytest.raises(ValueError, match="energy"):
        phonons.period_ps(0.0)
    with pytest.raises(ValueError, match="wavenumber_cm"):
        phonons.energy_ev(-1.0)
