"""The periodic Green's function of the Monte Carlo supercell with dielectric NC cores."""
import numpy as np
import pytest

from supercrystal.montecarlo.lattice import mc_lattice
from supercrystal.spheres import dielectric, lattice_green as lg, metal

RHO = 0.8  # CdSe of Sec. V: a = 2 nm, b = 2.5 nm


@pytest.fixture(scope="module")
def cell1():
    lat = mc_lattice(1, "octahedral")
    return lat, lg.supercell_geometry(lat), lg.supercell_coupling(lat, RHO, order=12)


@pytest.fixture(scope="module")
def tetra2():
    lat = mc_lattice(2, "tetrahedral")
    return lat, lg.supercell_geometry(lat), lg.supercell_coupling(lat, RHO, order=6)


def dense(lat, geom, sc, kappa, order=None):
    return lat.G + lg.expand_rows(geom, lg.induced_rows(sc, kappa, order, geom=geom))


def test_rows_expand_to_the_ewald_table():
    """The translation maps: the Ewald rows of the reference sites rebuild the whole Ewald table."""
    lat = mc_lattice(2, "tetrahedral")
    geom = lg.supercell_geometry(lat)
    assert len(geom.refs) == 3
    np.testing.assert_allclose(lg.expand_rows(geom, lat.G[geom.refs]), lat.G, rtol=0, atol=1e-13)


def test_kappa_one_is_the_ewald_table_exactly(tetra2):
    lat, geom, sc = tetra2
    assert np.all(lg.induced_rows(sc, 1.0, geom=geom) == 0.0)
    g = lg.lattice_green(lat, RHO, 1.0)
    assert np.array_equal(g.rows, lat.G[geom.refs])
    assert np.array_equal(dense(lat, geom, sc, 1.0), lat.G)


@pytest.mark.parametrize("kappa", [0.4, 4.8, np.inf])
def test_reciprocity(tetra2, kappa):
    lat, geom, sc = tetra2
    g = dense(lat, geom, sc, kappa)
    assert np.max(np.abs(g - lat.G)) > 1e-3  # polarization is there
    np.testing.assert_allclose(g, g.T, rtol=0, atol=1e-12)


def test_bloch_solve_equals_the_dense_supercell_solve(cell1):
    """The 4 Bloch blocks against the full (4 spheres x unknowns) system with K(c_i - c_j)."""
    lat, geom, sc = cell1
    kappa = 4.8
    n, m = len(sc.translations), len(sc.degrees)
    grid = 4 * lat.L
    ij = np.round(sc.translations / (geom.box / grid)).astype(int)
    key = {tuple(k % grid): i for i, k in enumerate(ij)}
    big = np.zeros((n * m, n * m))
    for i in range(n):
        for j in range(n):
            big[i * m:(i + 1) * m, j * m:(j + 1) * m] = sc.coupling[key[tuple((ij[i] - ij[j]) % grid)]]
    chi = np.tile(dielectric.susceptibility(kappa, sc.degrees), n)
    w = np.tile((2 * sc.degrees + 1) * RHO / (4 * np.pi), n)
    a = np.eye(n * m) + chi[:, None] * big
    # projections of every site on every sphere from the reference rows
    p = np.stack([sc.projections[geom.types[b]][geom.shift_index[b, :geom.n_nc]].ravel()
                  for b in range(len(geom.positions))], axis=1)
    g_ind = -(p * w[:, None]).T @ np.linalg.solve(a, chi[:, None] * p)
    np.testing.assert_allclose(lg.expand_rows(geom, lg.induced_rows(sc, kappa, geom=geom)), g_ind,
                               rtol=0, atol=1e-12)


@pytest.mark.parametrize("kappa", [4.8, 113.5])
def test_rock_salt_energy_equals_the_periodic_filled_lattice(cell1, kappa):
    """Independent path: dielectric.filled_lattice (cubic harmonics, real-space orbit sums, Ewald source)."""
    lat, geom, sc = cell1
    q = np.concatenate([-np.ones(lat.n_nc), np.ones(lat.n_pore)])
    e = 0.5 * q @ dense(lat, geom, sc, kappa) @ q / lat.n_nc
    f = dielectric.filled_lattice("fcc", RHO, kappa)
    assert abs(f.induced_energy) > 1e-2
    assert e == pytest.approx(f.energy, abs=1e-6)


def test_large_kappa_is_the_metal(cell1):
    """kappa -> inf: the filled lattice of Sec. IV's conductors, and G(kappa) - G(inf) ~ 1/kappa."""
    lat, geom, sc = cell1
    q = np.concatenate([-np.ones(lat.n_nc), np.ones(lat.n_pore)])
    g_inf = dense(lat, geom, sc, np.inf)
    assert 0.5 * q @ g_inf @ q / lat.n_nc == pytest.approx(metal.filled_lattice("fcc", RHO).energy, abs=1e-6)
    d3 = np.max(np.abs(dense(lat, geom, sc, 1e3) - g_inf))
    d4 = np.max(np.abs(dense(lat, geom, sc, 1e4) - g_inf))
    assert d4 == pytest.approx(d3 / 10, rel=0.05)


def test_convergence_in_order(cell1):
    lat, geom, sc = cell1
    rows = {p: lg.induced_rows(sc, 4.8, p, geom=geom) for p in (4, 6, 8, 10, 12)}
    steps = [np.max(np.abs(rows[p] - rows[p - 2])) for p in (6, 8, 10, 12)]
    assert all(b < 0.5 * a for a, b in zip(steps, steps[1:])), steps
    assert steps[-1] < 1e-5


def test_error_estimate_bounds_the_next_order():
    """The estimate at order 10 (order step 8 -> 10 plus far step) exceeds the actual change to order 12."""
    lat = mc_lattice(2, "octahedral")
    geom = lg.supercell_geometry(lat)
    sc = lg.supercell_coupling(lat, RHO, order=12)
    sc10 = lg.supercell_coupling(lat, RHO, order=10)
    o, f = lg.truncation_estimate(sc10, 4.8, lat)
    actual = np.max(np.abs(lg.induced_rows(sc, 4.8, geom=geom) - lg.induced_rows(sc10, 4.8, geom=geom)))
    assert 0 < f < o < 1e-3
    assert actual < o + f


def nearest_pair(lat, g):
    """Energy to insert one electron-cation pair on a nearest NC-pore pair into the empty supercell."""
    d = np.linalg.norm(lat.positions[lat.n_nc:] - lat.positions[0], axis=1)
    s = lat.n_nc + int(np.argmin(d))
    return 0.5 * (g[0, 0] + g[s, s]) - g[0, s]


def test_single_pair_polarization_agrees_with_the_converged_clusters():
    """The pair's polarization energy in supercells L = 2, 3, 4, extrapolated in the dipole-image law
    1/L^3, against dielectric.converged_pair (clusters of 92 spheres in the empty infinite lattice)."""
    kappa = 4.8
    e = {}
    for L in (2, 3, 4):
        lat = mc_lattice(L, "octahedral")
        geom = lg.supercell_geometry(lat)
        sc = lg.supercell_coupling(lat, RHO)
        e[L] = nearest_pair(lat, dense(lat, geom, sc, kappa)) - nearest_pair(lat, lat.G)

    def extrapolate(l1, l2):
        return e[l2] - (e[l1] - e[l2]) / (l1 ** -3 - l2 ** -3) * l2 ** -3

    lim, lim_low = extrapolate(3, 4), extrapolate(2, 3)
    p = dielectric.converged_pair(dielectric.pair_clusters("fcc", RHO, (kappa,)), kappa)
    induced = p.energy + 1 / np.sqrt(2)
    assert abs(e[4] - induced) > 2 * (p.error + abs(lim - lim_low))  # the finite-size effect is resolved
    assert lim == pytest.approx(induced, abs=p.error + abs(lim - lim_low))
