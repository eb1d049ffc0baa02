"""Madelung constants by Ewald summation (Eqs. 4, 8, 11) against an independent direct sum."""
import numpy as np
import pytest

from supercrystal.lattice import ewald, geometry

# Reference values from the literature, to 6 digits, used as a sanity check only (the tight check is
# Ewald against the independent direct summation below).
LITERATURE = {"rocksalt": 1.747565, "zincblende": 1.638055, "fluorite": 5.038785, "cscl": 1.762675}


@pytest.mark.parametrize("name", geometry.CRYSTALS)
def test_madelung_independent_of_ewald_splitting(name):
    # Both sums are truncated at 1e-13 absolute; the constant must not move beyond ~1e-12.
    ref = ewald.madelung(name)
    for scale in (0.5, 0.8, 1.7, 3.0):
        assert ewald.madelung(name, alpha_scale=scale) == pytest.approx(ref, abs=1e-11)


@pytest.mark.parametrize("name", geometry.CRYSTALS)
def test_madelung_agrees_with_direct_summation(name):
    # The smoothed-cube direct sum converges as n^-6: 12 cells give about 1e-9 (measured below).
    assert ewald.madelung_direct(name, 12) == pytest.approx(ewald.madelung(name), abs=1e-8)


def test_direct_summation_converges_as_inverse_sixth_power():
    ref = ewald.madelung("cscl")
    e4 = abs(ewald.madelung_direct("cscl", 4) - ref)
    e8 = abs(ewald.madelung_direct("cscl", 8) - ref)
    assert np.log2(e4 / e8) == pytest.approx(6.0, abs=0.3)


#: the constants of the previous (unvectorised, one translation at a time) implementation, to 10 digits
PREVIOUS = {"rocksalt": 1.7475645946, "zincblende": 1.6380550534, "fluorite": 5.0387848798,
            "cscl": 1.7626747731}


@pytest.mark.parametrize("name", geometry.CRYSTALS)
def test_madelung_unchanged_by_the_vectorised_sums(name):
    # 1e-10: the 10 digits quoted; the sums themselves agree to ~1e-14
    assert ewald.madelung(name) == pytest.approx(PREVIOUS[name], abs=1e-10)


def test_kernel_of_repeated_separations_equals_kernel_of_each():
    # separations equal modulo the lattice and sign are evaluated once and shared
    c = geometry.crystal("fluorite")
    v = np.array([[0.3, 0.1, -0.2], [-0.3, -0.1, 0.2], [0.3, 0.1, -0.2] + c.cell[0], [0.0, 0.0, 0.0]])
    g = ewald.ewald_kernel(c.cell, v)
    single = [ewald.ewald_kernel(c.cell, x[None])[0] for x in v]
    assert np.allclose(g, single, rtol=0, atol=1e-14)
    assert g[0] == g[1] == g[2]


@pytest.mark.parametrize("name", geometry.CRYSTALS)
def test_cell_energy_by_structure_factor_equals_pair_table_energy(name):
    # two groupings of the same Ewald sums, each truncated at 1e-13 per term
    c = geometry.crystal(name)
    table = 0.5 * c.charges @ ewald.ewald_pair_matrix(c.cell, c.positions) @ c.charges
    assert ewald.ewald_energy(c.cell, c.positions, c.charges) == pytest.approx(table, abs=1e-12)


@pytest.mark.parametrize("name", ["rocksalt", "fluorite"])
def test_crystal_potential_is_the_sum_of_pair_kernels(name):
    # the structure-factor form (and its larger default alpha) against sum_j q_j G(x - r_j)
    c = geometry.crystal(name)
    x = np.random.default_rng(4).uniform(0, c.cell[0, 0], size=(50, 3))
    ref = sum(q * ewald.ewald_kernel(c.cell, x - p) for p, q in zip(c.positions, c.charges))
    assert np.allclose(ewald.ewald_potential(c.cell, c.positions, c.charges, x), ref, rtol=0, atol=1e-12)


@pytest.mark.parametrize("name", geometry.CRYSTALS)
def test_madelung_matches_literature(name):
    assert ewald.madelung(name) == pytest.approx(LITERATURE[name], abs=1e-6)


def test_pair_matrix_is_symmetric_and_energy_is_translation_invariant():
    c = geometry.crystal("zincblende")
    g = ewald.ewald_pair_matrix(c.cell, c.positions)
    assert np.allclose(g, g.T, atol=1e-14)
    shifted = c.positions + np.array([0.3, -0.7, 1.1])
    e1 = ewald.ewald_energy(c.cell, c.positions, c.charges)
    e2 = ewald.ewald_energy(c.cell, shifted, c.charges)
    assert e2 == pytest.approx(e1, abs=1e-12)


def test_supercell_energy_is_extensive():
    """A 2x2x2 supercell holds 8 cells: its Ewald energy is 8 times the cell's."""
    c = geometry.crystal("rocksalt")
    side = c.cell[0, 0]
    shifts = np.array([[i, j, k] for i in range(2) for j in range(2) for k in range(2)]) * side
    pos = (shifts[:, None, :] + c.positions[None]).reshape(-1, 3)
    q = np.tile(c.charges, 8)
    e_big = ewald.ewald_energy(2 * c.cell, pos, q)
    assert e_big == pytest.approx(8 * ewald.ewald_energy(c.cell, c.positions, c.charges), rel=1e-12)


def test_supercell_table_equals_direct_pair_matrix():
    """Translation symmetry: the fast supercell table equals the all-pairs Ewald table."""
    c = geometry.crystal("zincblende")
    pos, g_fast = ewald.supercell_pair_matrix(c.positions, c.cell, 2)
    g = ewald.ewald_pair_matrix(2 * c.cell, pos)
    assert np.allclose(g_fast, g, atol=1e-12)


def test_self_term_is_the_madelung_self_potential_of_a_simple_cubic_lattice():
    """G_ii for one charge per cubic cell of side 1 is the Wigner/jellium constant -2.837297479."""
    g = ewald.ewald_pair_matrix(np.eye(3), np.zeros((1, 3)))
    assert g[0, 0] == pytest.approx(-2.837297479480620, abs=1e-11)
