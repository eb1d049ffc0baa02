"""The Monte Carlo pair table stored by translation symmetry (Sec. V): the same Ewald table as the dense one,
the exchange format for other Green's functions, and the kernel reading it."""
from dataclasses import replace

import numpy as np
import pytest

from supercrystal import montecarlo as mc
from supercrystal.lattice import ewald, geometry
from supercrystal.montecarlo import pairtable


def _dense_ewald(L, pore):
    """The dense table as mc_lattice built it before (supercell_pair_matrix, NCs first)."""
    basis = np.vstack([geometry.nc_sites("fcc"), geometry.pore_sites(pore, "fcc")])
    pos, g = ewald.supercell_pair_matrix(basis, np.eye(3) * geometry.cube_side("fcc"), L)
    b_index = np.tile(np.arange(len(basis)), L ** 3)
    order = np.concatenate([np.flatnonzero(b_index < 4), np.flatnonzero(b_index >= 4)])
    return pos[order], g[np.ix_(order, order)]


# ---- the table: the dense Ewald table, in O(N) memory --------------------------------------------------

@pytest.mark.parametrize("pore", ["octahedral", "tetrahedral"])
@pytest.mark.parametrize("L", [1, 2, 3, 4])
def test_compact_table_equals_the_dense_ewald_table(L, pore):
    """Same sums, same separations: equal except for separations of exactly half the box, which the dense
    table evaluated once per basis pair and the compact one once per sublattice pair (rounding only;
    measured <= 4e-17, identical bits at L = 3 and for octahedral pores at L = 4)."""
    lat = mc.mc_lattice(L, pore)
    pos, g = _dense_ewald(L, pore)
    assert np.array_equal(lat.positions, pos)
    assert np.max(np.abs(lat.G - g)) < 1e-15
    if L == 3:
        assert np.array_equal(lat.G, g)


def test_compact_table_agrees_with_the_all_pairs_ewald_matrix():
    """An independent route: Ewald over every pair of the supercell, no translation symmetry used
    (each sum converged to 1e-13)."""
    lat = mc.mc_lattice(2, "tetrahedral")
    box = np.eye(3) * geometry.cube_side("fcc") * 2
    assert np.max(np.abs(lat.G - ewald.ewald_pair_matrix(box, lat.positions))) < 1e-12


@pytest.mark.parametrize("pore", ["octahedral", "tetrahedral"])
def test_table_is_translation_invariant_and_symmetric(pore):
    """G[a, b] = G[b, a] and G[a + t, b + t] = G[a, b] for an fcc translation t (found by position)."""
    lat = mc.mc_lattice(3, pore)
    g = lat.G
    assert np.array_equal(g, g.T)
    side = geometry.cube_side("fcc")
    t = np.array([1.0, 1.5, 0.5]) * side  # an fcc translation
    moved = lat.positions + t
    key = lambda p: tuple(np.rint(p / (side / 4)).astype(int) % 12)  # quarter sides modulo the box
    where = {key(p): i for i, p in enumerate(lat.positions)}
    perm = np.array([where[key(p)] for p in moved])
    assert np.array_equal(lat.site_types[perm], lat.site_types)
    assert np.array_equal(g[np.ix_(perm, perm)], g)


def test_table_memory_at_L12_is_under_100_MB_and_a_short_run_works():
    """Issue 15: L = 12 (13,824 sites) fits: about 1 MB of table, 3 MB of the kernel's extended copy
    (dense: 1.5 GB).  The chain's running energy equals the energy recomputed from the final state."""
    m = mc.mc_model(L=12)
    tab = m.lattice.table
    assert tab.nbytes + tab.kernel_nbytes() < 100e6
    assert tab.nbytes < 2e6
    ch = mc.run(m, [m.levels.V1 / m.unit_ev + 0.3], 0.09, "empty", 0, 2, seed=1)
    assert ch.n.sum() > 100
    assert mc.energy(m, ch.n, ch.c) == pytest.approx(ch.e_series[0, -1], abs=1e-9)


def test_potential_by_fft_equals_the_dense_product():
    lat = mc.mc_lattice(3, "tetrahedral")
    q = np.random.default_rng(1).normal(size=lat.n_sites)
    saved = pairtable.DENSE_SITES
    try:
        pairtable.DENSE_SITES = 0  # force the FFT route
        phi = lat.table.potential(q)
    finally:
        pairtable.DENSE_SITES = saved
    assert np.max(np.abs(phi - lat.G @ q)) < 1e-12


def test_filled_rocksalt_on_a_large_lattice_is_eq5():
    """The FFT energy of L = 6 (1728 sites, beyond the dense size): the Madelung energy of Eq. (5) per NC."""
    m = mc.mc_model(L=6)
    assert m.lattice.n_sites > pairtable.DENSE_SITES
    n, c = mc.state(m, "full")
    assert mc.energy(m, n, c) / m.lattice.n_nc == pytest.approx(m.levels.E_nu1 / m.unit_ev, abs=1e-10)


def test_neighbour_shells_of_the_fcc_lattice():
    """12 NC neighbours at 2b; octahedral pores: 12 pore neighbours, 6 adjacent pores per NC; tetrahedral
    pores: 6 pore neighbours (the other sublattice), 8 adjacent pores per NC; each list sorted and equal
    to a brute-force minimum-image search."""
    for pore, k_pore, k_local in (("octahedral", 12, 6), ("tetrahedral", 6, 8)):
        lat = mc.mc_lattice(3, pore)
        box = 3 * geometry.cube_side("fcc")
        assert lat.nc_neighbours.shape == (lat.n_nc, 12)
        assert lat.pore_neighbours.shape == (lat.n_pore, k_pore)
        assert lat.nc_pores.shape == (lat.n_nc, k_local)
        for nb, a, b in ((lat.nc_neighbours, lat.positions[:lat.n_nc], lat.positions[:lat.n_nc]),
                         (lat.pore_neighbours, lat.positions[lat.n_nc:], lat.positions[lat.n_nc:]),
                         (lat.nc_pores, lat.positions[:lat.n_nc], lat.positions[lat.n_nc:])):
            d = a[:, None, :] - b[None, :, :]
            d -= box * np.round(d / box)
            r = np.linalg.norm(d, axis=2)
            r[r < 1e-9] = np.inf
            near = r < r.min() * (1 + 1e-6)
            assert np.array_equal(nb, np.array([np.flatnonzero(row) for row in near]))
        if pore == "tetrahedral":
            assert np.all(lat.sublattice[lat.pore_neighbours] != lat.sublattice[:, None])


# ---- the exchange format: rows of the reference sites, or a pair function ---------------------------------

@pytest.mark.parametrize("pore", ["octahedral", "tetrahedral"])
@pytest.mark.parametrize("L", [1, 2, 3])
def test_rows_of_the_ewald_table_rebuild_it_exactly(L, pore):
    """The format of a Green's function computed elsewhere: G from the reference site of each type to every
    site (mc_lattice's order) gives back the whole table, bit for bit."""
    lat = mc.mc_lattice(L, pore)
    rows = lat.table.rows(lat.reference_sites)
    assert rows.shape == (len(lat.reference_sites), lat.n_sites)
    assert np.array_equal(lat.site_types[lat.reference_sites], np.arange(len(lat.reference_sites)))
    rebuilt = mc.pair_table_from_rows(L, pore, rows)
    assert np.array_equal(rebuilt.values, lat.table.values)
    assert np.array_equal(rebuilt.dense(), lat.G)
    other = lat.with_table(rebuilt)
    assert other.table is rebuilt and other.n_nc == lat.n_nc


@pytest.mark.parametrize("pore", ["octahedral", "tetrahedral"])
def test_pair_function_gives_the_ewald_table(pore):
    """G as a function of (type a, type b, separation): Ewald's kernel reproduces the table to rounding
    (the same sums in other batches)."""
    L = 3
    box = np.eye(3) * L * geometry.cube_side("fcc")
    calls = []

    def ewald_g(ta, tb, r):
        calls.append((ta, tb, len(r)))
        assert np.all(np.abs(r) <= box[0, 0] / 2 + 1e-9)
        return ewald.ewald_kernel(box, r)

    tab = mc.pair_table_from_function(L, pore, ewald_g)
    lat = mc.mc_lattice(L, pore)
    n_types = len(lat.reference_sites)
    assert len(calls) == n_types ** 2 and all(m == 4 * L ** 3 for _, _, m in calls)
    assert np.max(np.abs(tab.values - lat.table.values)) < 1e-13


def test_bad_rows_are_refused():
    lat = mc.mc_lattice(2, "tetrahedral")
    rows = lat.table.rows(lat.reference_sites)
    with pytest.raises(ValueError, match="rows must have shape"):
        mc.pair_table_from_rows(2, "tetrahedral", rows[:2])
    bad = rows.copy()
    bad[0, 5] = np.nan
    with pytest.raises(ValueError, match="finite"):
        mc.pair_table_from_rows(2, "tetrahedral", bad)
    bad = rows.copy()
    bad[0, lat.reference_sites[1]] += 1e-3  # G(NC -> pore) no longer G(pore -> NC)
    with pytest.raises(ValueError, match="symmetric"):
        mc.pair_table_from_rows(2, "tetrahedral", bad)
    with pytest.raises(ValueError, match="L must"):
        mc.pair_table_from_rows(13, "octahedral", rows)
    with pytest.raises(ValueError, match="PairTable of"):
        lat.with_table(mc.mc_lattice(1, "tetrahedral").table)


def test_dense_table_is_the_one_cell_case():
    g = np.array([[1.0, 0.2, -0.3], [0.2, 2.0, 0.5], [-0.3, 0.5, 0.7]])
    tab = mc.PairTable.from_dense(g)
    assert tab.grid == (1, 1, 1) and tab.n_basis == 3
    assert np.array_equal(tab.dense(), g)
    assert tab.pair(2, 1) == 0.5
    with pytest.raises(ValueError, match="symmetric"):
        mc.PairTable.from_dense(g + np.triu(g, 1))


# ---- the kernel reads the compact table ------------------------------------------------------------------

def test_compact_and_dense_kernel_paths_give_the_same_chain():
    """A random translation-invariant table (3 basis sites, grid 2 x 2 x 3, so every branch of the index
    arithmetic) read as the dense matrix and as the compact table: the same moves accepted, energies equal
    to rounding (the starting potentials are summed in another order).  Random values and site energies
    leave no exact ties (dh = 0), whose rounding could otherwise split two correct chains."""
    rng = np.random.default_rng(4)
    nb, grid = 3, (2, 2, 3)
    cells = np.array(np.meshgrid(*[np.arange(g) for g in grid], indexing="ij")).reshape(3, -1).T
    basis = np.repeat(np.arange(nb), len(cells))
    raw = rng.normal(size=(nb, nb) + grid) * 0.2
    raw[0, 0, 0, 0, 0] += 1.0
    sym = 0.5 * (raw + np.roll(raw[:, :, ::-1, ::-1, ::-1], 1, axis=(2, 3, 4)).transpose(1, 0, 2, 3, 4))
    tab = mc.PairTable.from_values(sym, basis, np.tile(cells, (nb, 1)), sym_tol=0.0)
    n_nc = len(cells)
    dense = mc.model_from_arrays(tab.dense(), n_nc, eq=rng.normal(size=n_nc) * 0.1,
                                 er=0.5 + rng.random(n_nc), e_ion=0.05)
    compact = replace(dense, lattice=dense.lattice.with_table(tab))
    assert compact.lattice.table.grid == grid and dense.lattice.table.grid == (1, 1, 1)
    mus = np.linspace(-0.5, 1.5, 5)
    a = mc.run(dense, mus, 0.2, "empty", 10, 400, seed=7)
    b = mc.run(compact, mus, 0.2, "empty", 10, 400, seed=7)
    assert np.array_equal(a.n_series, b.n_series)
    assert np.array_equal(a.n, b.n) and np.array_equal(a.c, b.c)
    assert np.max(np.abs(a.e_series - b.e_series)) < 1e-12
    assert len(np.unique(a.n_series)) > 5


@pytest.mark.parametrize("pore", ["octahedral", "tetrahedral", "gate"])
def test_compact_and_dense_paths_agree_on_the_lattices(pore):
    """On the Ewald lattices (L = 2, the gated 8 x 8 layer) the two paths give the same chain through the
    onset of charging.  Near the filled lattice exact ties (a cation hop between equivalent pores, dh = 0
    up to rounding) may split them into two equally correct chains: there the fillings agree to 5 %."""
    m = mc.DeviceParams(L=2, pore=pore).model()
    mu0 = mc.gate_onset(m) if pore == "gate" else m.levels.V1 / m.unit_ev
    mus = mu0 + np.linspace(-0.3, 0.4, 5)
    a = mc.run(m, mus, 0.09, "empty", 10, 200, seed=7, dense=True)
    b = mc.run(m, mus, 0.09, "empty", 10, 200, seed=7, dense=False)
    assert np.array_equal(a.n_series[:3], b.n_series[:3])
    assert a.n_series[2].mean() > 5
    assert np.allclose(a.n_series.mean(axis=1), b.n_series.mean(axis=1), atol=0.05 * m.lattice.n_nc)


def test_compact_kernel_histogram_matches_exact_enumeration():
    """Detailed balance on the compact path: the 2 x 2 gated layer (grid (1, 2, 2) of cells with two basis
    sites) against exact enumeration, the 4.5-sigma criterion of test_montecarlo."""
    m = mc.gate_layer_model(2)
    assert m.lattice.table.grid == (1, 2, 2)
    mu, kT = mc.gate_onset(m) + 1.0, 0.3
    exact = mc.exact_distribution(m, mu, kT)
    ch = mc.run(m, [mu], kT, "empty", 500, 60_000, seed=3, dense=False)
    ind = (ch.n_series[0][None, :] == np.arange(len(exact))[:, None]).astype(float)
    est, err = ind.mean(axis=1), mc.block_error(ind, 20)
    keep = exact > 1e-3
    z = (est[keep] - exact[keep]) / np.maximum(err[keep], 1e-4)
    assert exact[1:].sum() > 0.5 and np.all(np.abs(z) < 4.5), z


@pytest.mark.parametrize("pore", ["octahedral", "tetrahedral"])
def test_running_energy_of_a_large_lattice_matches_the_recomputed_energy(pore):
    """L = 5 (beyond the dense size): after many accepted moves of every kind, H summed move by move
    equals H recomputed from the state (FFT potentials), so every G the kernel read was right."""
    m = mc.mc_model(L=5, pore=pore)
    assert m.lattice.n_sites > pairtable.DENSE_SITES
    mu = m.levels.V1 / m.unit_ev
    ch = mc.run(m, [mu - 0.1, mu + 0.2], 0.15, "empty", 0, 20, seed=2)
    assert 0.2 < ch.n.sum() / m.lattice.n_nc < 1.5
    assert mc.energy(m, ch.n, ch.c) == pytest.approx(ch.e_series[-1, -1], abs=1e-9)
