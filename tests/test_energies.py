"""Eqs. (3)-(12): single pair versus filled lattice, V1, V2 and the T = 0 staircase."""
import numpy as np
import pytest

from supercrystal.lattice import ewald, geometry
from supercrystal.semiconductor import energies
from supercrystal.units import COULOMB_EV_NM


def test_gain_is_madelung_minus_one_over_distance():
    for pore, name in energies.NU1_CRYSTAL.items():
        d = geometry.electron_cation_distance(pore)
        assert energies.collective_gain(pore) == pytest.approx((ewald.madelung(name) - 1) / d, rel=1e-13)


def test_filled_lattice_is_cooperative_for_both_pores():
    for pore in ("octahedral", "tetrahedral"):
        assert energies.collective_gain(pore) > 0


def test_tetrahedral_filled_lattice_beats_octahedral():
    """Sec. III: a cation prefers the tetrahedral pore (closer to its electron)."""
    assert energies.filled_coulomb("tetrahedral") < energies.filled_coulomb("octahedral")


def test_second_step_gain_equals_first_step_gain():
    """Eq. (9) minus Eq. (10) with E_c from the Ewald potentials equals (M2 - 1)/d exactly."""
    assert energies.nu2_collective_gain() == pytest.approx(energies.collective_gain("tetrahedral"), abs=1e-12)


def test_nu2_interaction_is_the_cscl_constant():
    d = geometry.electron_cation_distance("tetrahedral")
    assert energies.nu2_interaction_energy() * d == pytest.approx(-ewald.madelung("cscl"), abs=1e-10)


def _dev(**kw):
    base = dict(a_nm=2.0, b_nm=2.5, epsilon=10.0, m_eff=0.1, e_ion_ev=0.05, pore="tetrahedral")
    base.update(kw)
    return energies.device(**base)


def test_voltages_follow_eqs_6_and_12():
    lv = energies.levels(_dev())
    unit = COULOMB_EV_NM / (10.0 * 2.5)
    d = np.sqrt(6) / 2
    assert lv.V1 == pytest.approx(lv.E_q - ewald.madelung("zincblende") / d * unit + 0.05, rel=1e-12)
    v2 = lv.E_q + lv.E_r - (ewald.madelung("fluorite") - ewald.madelung("zincblende")) / d * unit + 0.05
    assert lv.V2 == pytest.approx(v2, rel=1e-12)
    assert lv.E_s - lv.E_nu1 == pytest.approx(energies.collective_gain("tetrahedral") * unit, rel=1e-12)


def test_octahedral_has_no_v2():
    assert energies.levels(_dev(pore="octahedral", a_nm=1.0)).V2 is None


def test_staircase_steps_at_v1_and_v2():
    lv = energies.levels(_dev())
    e = energies.state_energies(lv)
    steps = energies.steps(e)
    assert [s[1] for s in steps] == [1, 1]
    assert steps[0][0] == pytest.approx(lv.V1) and steps[1][0] == pytest.approx(lv.V2)
    v = np.array([lv.V1 - 1e-6, lv.V1 + 1e-6, lv.V2 + 1e-6])
    assert list(energies.staircase(e, v)) == [0, 1, 2]


def test_staircase_merges_steps_when_middle_state_is_never_stable():
    """If E_1 lies above the chord from E_0 to E_2, both electrons enter at once (one step of 2)."""
    e = np.array([0.0, 1.0, 1.5])
    assert energies.steps(e) == [(0.75, 2)]


@pytest.mark.parametrize("kw, word", [
    (dict(a_nm=-1.0), "a_nm"),
    (dict(a_nm=3.0), "b_nm must exceed a_nm"),
    (dict(epsilon=0.0, material=None), "epsilon"),
    (dict(pore="hexagonal"), "pore"),
    (dict(cation_radius_nm=0.7), "cation_radius_nm"),
    (dict(material="unobtainium"), "material"),
])
def test_bad_device_input_names_the_parameter(kw, word):
    with pytest.raises(ValueError, match=word):
        _dev(**kw)


def test_material_supplies_defaults_and_explicit_values_win():
    d = energies.device(2.0, 2.5, material="CdSe")
    assert d.m_eff > 0 and d.epsilon > 1
    d2 = energies.device(2.0, 2.5, material="CdSe", epsilon=2.0)
    assert d2.epsilon == 2.0 and d2.m_eff == d.m_eff


def test_octahedral_pore_admits_cation_that_tetrahedral_refuses():
    r = 0.3 * 2.5  # 0.3 b: between the two pore radii
    energies.device(2.0, 2.5, epsilon=5, m_eff=0.1, pore="octahedral", cation_radius_nm=r)
    with pytest.raises(ValueError, match="tetrahedral"):
        energies.device(2.0, 2.5, epsilon=5, m_eff=0.1, pore="tetrahedral", cation_radius_nm=r)
