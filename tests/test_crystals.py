"""Filled crystals of dielectric spheres (rock salt, zinc blende, fluorite, CsCl) and Sec. III's levels with them."""
import numpy as np
import pytest

from supercrystal.lattice.ewald import madelung
from supercrystal.lattice import geometry
from supercrystal.semiconductor import energies, polar_levels as pl, polarization as pol
from supercrystal.spheres import crystals, dielectric, metal

RHO = 0.8  # CdSe of Sec. V: a = 2 nm, b = 2.5 nm


def test_site_bases():
    """O_h: the cubic harmonics of Sec. IV (l = 4, 6, 8, ...); T_d adds the odd ones, xyz first; no l = 1, 2."""
    u, ls = crystals.site_basis("Oh", 12)
    uc, lc = metal.cubic_basis(12)
    assert list(ls) == list(lc[lc >= 1])
    uc = uc[:, lc >= 1]
    np.testing.assert_allclose(u @ u.T, uc @ uc.T, atol=1e-12)  # the same invariant subspaces
    u, ls = crystals.site_basis("Td", 9)
    assert list(ls) == [3, 4, 6, 7, 8, 9]
    np.testing.assert_allclose(u.T @ u, np.eye(len(ls)), atol=1e-12)
    # xyz is invariant under S4 about z: (x, y, z) -> (-y, x, -z), and under C3 about (1, 1, 1)
    from supercrystal.spheres.multipole import real_sph_harm
    x = np.random.default_rng(0).standard_normal((5, 3))
    for g in (np.array([[0, -1, 0], [1, 0, 0], [0, 0, -1]]), np.array([[0, 0, 1], [1, 0, 0], [0, 1, 0]])):
        f = real_sph_harm(9, x) @ u
        np.testing.assert_allclose(real_sph_harm(9, x @ g.T) @ u, f, atol=1e-12)
    with pytest.raises(ValueError, match="group"):
        crystals.site_basis("D4h", 4)


@pytest.mark.parametrize("name", ["rocksalt", "zincblende", "fluorite", "cscl"])
def test_kappa_one_is_the_madelung_energy_exactly(name):
    c = geometry.crystal(name)
    e = crystals.crystal_energy(name, RHO, 1.0, order=8)
    assert e.induced == 0.0 and e.energy == -madelung(c) / c.distance


@pytest.mark.parametrize("lattice,name", [("fcc", "rocksalt"), ("sc", "cscl")])
def test_rock_salt_and_cscl_are_the_filled_lattices(lattice, name):
    """The O_h case is dielectric.filled_lattice (its cubic basis and orbit sums)."""
    for kappa in (4.8, np.inf):
        a = crystals.crystal_energy(name, RHO, kappa, order=16).energy
        assert a == pytest.approx(dielectric.filled_lattice(lattice, RHO, kappa, order=16).energy, abs=1e-12)
    # kappa = inf: Sec. IV's conductors, bit for bit at the same order (metal's default order 15 at rho = 0.8
    # is 4.5e-8 short of the converged value; the crystals' default order 25 is within 1e-12)
    assert crystals.crystal_energy(name, RHO, np.inf, order=14).energy == metal.filled_lattice(lattice, RHO, 14).energy


@pytest.fixture(scope="module")
def tetra1():
    from supercrystal.montecarlo.lattice import mc_lattice
    from supercrystal.spheres import lattice_green as lg
    lat = mc_lattice(1, "tetrahedral")
    return lat, lg.supercell_geometry(lat), lg.supercell_coupling(lat, RHO, order=12)


@pytest.mark.parametrize("kappa", [4.8, 113.5])
def test_tetrahedral_crystals_agree_with_the_supercell_green_function(tetra1, kappa):
    """Second method: the Monte Carlo's periodic Green's function (Bloch/Ewald code, full harmonic basis) at
    L = 1, whose zinc-blende and fluorite states are these crystals; its order-12 truncation is ~4e-5
    (6e-7 at order 16, measured), the crystals' ~1e-11."""
    from supercrystal.spheres import lattice_green as lg
    lat, geom, sc = tetra1
    g = lat.G + lg.expand_rows(geom, lg.induced_rows(sc, kappa, geom=geom))
    zb = np.concatenate([-np.ones(lat.n_nc), (lat.sublattice == 0).astype(float)])
    fl = np.concatenate([-2 * np.ones(lat.n_nc), np.ones(lat.n_pore)])
    for q, name in ((zb, "zincblende"), (fl, "fluorite")):
        e = crystals.crystal_energy(name, RHO, kappa)
        assert abs(e.induced) > 0.05 and e.error < 1e-9
        assert 0.5 * q @ g @ q / lat.n_nc == pytest.approx(e.energy, abs=1e-4)


def test_polarization_lowers_every_crystal_monotonically():
    """More polarizable cores screen more: the energy falls with kappa towards the conductors'."""
    for name in ("zincblende", "fluorite"):
        fc = crystals.crystal_coupling(name, RHO, 16)
        e = [dielectric.filled_energy(fc, k).energy for k in (1.0, 2.0, 4.8, 30.0, np.inf)]
        assert np.all(np.diff(e) < 0)


def test_bad_input():
    with pytest.raises(ValueError, match="crystal"):
        crystals.crystal_energy("perovskite", RHO, 2.0)
    with pytest.raises(ValueError, match="kappa"):
        crystals.crystal_energy("fluorite", RHO, -1.0)
    with pytest.raises(ValueError, match="rho"):
        crystals.crystal_energy("fluorite", 1.5, 2.0)


# --------------------------------------------------------------------------- Sec. III's levels
@pytest.mark.parametrize("pore", ["octahedral", "tetrahedral"])
@pytest.mark.parametrize("material", ["CdSe", "PbSe"])
def test_kappa_one_gives_sec3_exactly(material, pore):
    dev = energies.device(2.0, 2.5, material, 2.0, pore=pore, e_ion_ev=-0.1)
    p = pl.levels(dev, 2.0, crystal=lambda n, r, k: crystals.crystal_energy(n, r, k, order=8))
    lv = energies.levels(dev)
    assert p.kappa == 1.0 and p.Sigma_1 == 0.0
    assert (p.V1, p.V2, p.E_r, p.E_nu1, p.E_nu2) == (lv.V1, lv.V2, lv.E_r, lv.E_nu1, lv.E_nu2)


def test_levels_against_the_monte_carlo_levels():
    """Second method: the Monte Carlo's polar.dielectric_levels (supercell Green's function at L = 2, its own
    order-10/12 truncation ~1e-4 e^2/(eps_liquid b)) for CdSe in the liquid, both pore kinds."""
    from supercrystal.montecarlo import polar
    for pore in ("octahedral", "tetrahedral"):
        p = pl.levels(energies.device(2.0, 2.5, "CdSe", 2.0, pore=pore), 9.6)
        m = polar.polar_model(L=2, pore=pore, eps_nc=9.6).levels
        assert p.V1 == pytest.approx(m.V1, abs=3e-4 * p.coulomb)
        assert p.E_r == pytest.approx(m.E_r, rel=1e-13)
        if pore == "tetrahedral":
            assert p.V2 == pytest.approx(m.V2, abs=5e-4 * p.coulomb)


def test_levels_decomposition():
    """V1 = E_q + Sigma_1 + u_1 + E_ion, V2 = E_q + E_r + Sigma_1 + u_2 - u_1 + E_ion, each term separately."""
    dev = energies.device(2.0, 2.5, "CdSe", 2.0, pore="tetrahedral", e_ion_ev=0.05)
    p = pl.levels(dev, 9.6)
    u = p.coulomb
    zb, fl = (crystals.crystal_energy(n, 0.8, 4.8).energy for n in ("zincblende", "fluorite"))
    assert p.Sigma_1 == pytest.approx(pol.self_polarization_ev(2.0, 2.0, 9.6), rel=1e-13)
    assert p.E_r == pytest.approx(pol.repulsion_ev(2.0, 2.0, 9.6), rel=1e-13)
    assert p.V1 == pytest.approx(p.E_q + p.Sigma_1 + zb * u + 0.05, abs=1e-12)
    assert p.V2 == pytest.approx(p.E_q + p.E_r + p.Sigma_1 + (fl - zb) * u + 0.05, abs=1e-12)
    assert 0 < p.V1_err < 1e-9 and 0 < p.V2_err < 1e-9
    with pytest.raises(ValueError, match="eps_nc"):
        pl.levels(dev, 0.0)


def test_point_charge_gain():
    """(M - 1)/d: rock salt is Sec. III's octahedral gain; CsCl by a direct real-space sum (madelung_direct);
    both the kappa = 1 limit of the dielectric gain (single pair -1/d, no images)."""
    from supercrystal.lattice.ewald import madelung_direct
    assert crystals.point_charge_gain("fcc") == pytest.approx(energies.collective_gain("octahedral"), abs=1e-14)
    d = geometry.crystal("cscl").distance
    assert crystals.point_charge_gain("sc") == pytest.approx((madelung_direct("cscl") - 1.0) / d, abs=1e-8)
    assert crystals.point_charge_gain("sc") == pytest.approx((1.76267477 - 1.0) / d, abs=1e-8)
    for lattice in ("fcc", "sc"):
        single = -1.0 / d if lattice == "sc" else -1.0 / geometry.crystal("rocksalt").distance
        filled = dielectric.filled_lattice(lattice, RHO, 1.0, order=8).energy
        assert crystals.point_charge_gain(lattice) == pytest.approx(single - filled, abs=1e-13)
    with pytest.raises(ValueError, match="lattice"):
        crystals.point_charge_gain("hcp")
