"""The point-group reduction of the cluster systems (spheres/symmetry.py): the symmetric subspace gives the
full solve's energies (an independent second method: the unreduced multipole/dielectric solvers)."""
import numpy as np
import pytest

from supercrystal.spheres import dielectric as de
from supercrystal.spheres import metal, multipole, symmetry


@pytest.mark.parametrize("lattice, size", [("fcc", 8), ("sc", 6)])
def test_the_pair_keeps_c4v_on_fcc_and_c3v_on_sc(lattice, size):
    centres, _ = metal.cluster(lattice, 3)
    ops, perm = symmetry.point_group(centres, de.pair_sites(lattice))
    assert len(ops) == size
    for g, p in zip(ops, perm):  # every operation maps the cluster onto itself
        assert np.allclose(centres @ g.T, centres[p])


def test_reduced_basis_is_orthonormal_and_about_one_group_order_smaller():
    centres, _ = metal.cluster("fcc", 3)
    red = symmetry.reduce(centres, 0.8, 6, de.pair_sites("fcc"))
    for v in red.bases:
        assert np.allclose(v.T @ v, np.eye(v.shape[1]), atol=1e-12)
    full = len(centres) * 49
    assert full / red.offsets[-1] > 6  # |G| = 8, less what the stabilisers fix


@pytest.mark.parametrize("lattice, rho, kappa", [("fcc", 0.9, 3.0), ("sc", 0.8, 30.0), ("fcc", 1.0, 8.0)])
def test_reduced_dielectric_energy_equals_the_full_solve(lattice, rho, kappa):
    centres, _ = metal.cluster(lattice, 2)
    sites = de.pair_sites(lattice)
    full = de.solve(centres, rho, 6, kappa, sites, de.PAIR)
    sys = de._PairSystem(centres, rho, 6, sites)
    direct = float(0.5 * de.PAIR @ de.coulomb_matrix(sites) @ de.PAIR)
    keep = sys.select(len(centres), 6)
    assert direct + sys.energy(kappa, keep) == pytest.approx(full.energy, abs=1e-13)


@pytest.mark.parametrize("lattice, rho, merge", [("fcc", 0.8, False), ("sc", 1.0, False), ("fcc", 0.9, True)])
def test_symmetric_conductors_equal_the_full_solve(lattice, rho, merge):
    centres, orders, conductors = metal._pair_setup(lattice, rho, 2, 8, 5, merge)
    full = multipole.solve(centres, rho, orders, [[0.0, 0.0, 0.0]], [1.0], conductors)
    sol, = symmetry.solve_conductors(centres, rho, orders, [len(centres)], [[0.0, 0.0, 0.0]], [1.0], [conductors])
    assert sol.energy == pytest.approx(full.energy, abs=1e-12)
    assert sol.point_potentials[0] == pytest.approx(full.point_potentials[0], abs=1e-12)
    assert sol.n_conductors == len(conductors)


def test_conductors_that_break_the_symmetry_leave_it():
    """A charge on a sphere that the cation's group moves: the group shrinks to what keeps it, and the
    answer is still the full solve's."""
    centres, orders, _ = metal._pair_setup("fcc", 0.8, 1, 8, None)
    conductors = [multipole.Conductor((0,), charge=-1.0), multipole.Conductor((1,), charge=0.5)]
    full = multipole.solve(centres, 0.8, orders, [[0.0, 0.0, 0.0]], [1.0], conductors)
    sol, = symmetry.solve_conductors(centres, 0.8, orders, [6], [[0.0, 0.0, 0.0]], [1.0], [conductors])
    assert sol.energy == pytest.approx(full.energy, abs=1e-12)
