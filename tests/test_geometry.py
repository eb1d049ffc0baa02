"""Geometry of the super-lattice (Sec. III): distances and pore radii from coordinates."""
import numpy as np
import pytest

from supercrystal.lattice import geometry


def test_fcc_nearest_neighbour_distance_is_2b():
    ncs = geometry.nc_cluster("fcc", 1)
    d = np.linalg.norm(ncs - ncs[len(ncs) // 2], axis=1)
    d = d[d > 1e-12]
    assert d.min() == pytest.approx(2.0, abs=1e-14)
    assert np.sum(np.isclose(d, 2.0)) == 12  # fcc coordination


@pytest.mark.parametrize("pore, lattice, distance, coordination", [
    ("octahedral", "fcc", np.sqrt(2.0), 6),
    ("tetrahedral", "fcc", np.sqrt(6.0) / 2, 4),
    ("cubic", "sc", np.sqrt(3.0), 8),
])
def test_pore_neighbours_match_closed_form(pore, lattice, distance, coordination):
    g = geometry.pore_geometry(pore, lattice)
    assert g.nn_distance == pytest.approx(distance, rel=1e-14)
    assert g.coordination == coordination
    assert g.radius == pytest.approx(distance - 1.0, rel=1e-13)


def test_pore_counts_per_nc():
    """One octahedral and two tetrahedral pores per NC (Sec. III)."""
    n = len(geometry.nc_sites("fcc"))
    assert len(geometry.pore_sites("octahedral")) == n
    assert len(geometry.pore_sites("tetrahedral")) == 2 * n


def test_octahedral_pore_admits_larger_cation_than_tetrahedral():
    assert geometry.pore_radius("octahedral") > geometry.pore_radius("tetrahedral")


def test_nc_density_fcc():
    assert geometry.nc_density("fcc") == pytest.approx(1 / (4 * np.sqrt(2)), rel=1e-14)


@pytest.mark.parametrize("call, word", [
    (lambda: geometry.check_pore("cubic", "fcc"), "pore"),
    (lambda: geometry.check_lattice("bcc"), "lattice"),
    (lambda: geometry.crystal("perovskite"), "crystal"),
    (lambda: geometry.check_cation_fits("tetrahedral", 0.3), "tetrahedral"),
])
def test_bad_geometry_input_names_the_parameter(call, word):
    with pytest.raises(ValueError, match=word):
        call()


def test_crystals_are_neutral():
    for name in geometry.CRYSTALS:
        assert geometry.crystal(name).charges.sum() == 0.0
