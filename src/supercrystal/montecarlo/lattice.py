"""The Monte Carlo lattice and its model: sites, Ewald pair table, site energies (Secs. III and V).

A periodic fcc super-crystal of L x L x L conventional cells: N = 4 L^3 NC sites (NN distance 2b) and
N octahedral or 2N tetrahedral pores.  NC i holds n_i in {0, 1, 2} electrons (the 1s shell; the one-electron
state has 2 spin states, the two-electron singlet 1: weight g(n) = 1, 2, 1, an entropy k_B ln g), pore p holds
c_p in {0, 1} cations.  The grand Hamiltonian, in units of e^2/(eps b) (eps uniform, Sec. III's model), is

    H - mu N_el = sum_i [E_q,i n_i + E_r,i delta(n_i, 2)] + E_ion N_cat - mu N_el + U,
    U = 1/2 sum_ab q_a q_b G_ab,   q = -n_i at NC i, +c_p at pore p,

mu = eV the electrochemical potential set by the gate, G the periodic Ewald pair table (units 1/b) of
:func:`ewald_pair_table`: the sums of :func:`supercrystal.lattice.ewald.ewald_kernel`, stored by the
translation symmetry of the lattice (:class:`~supercrystal.montecarlo.pairtable.PairTable`, O(N) memory,
so that L = 12, 13,824 sites with octahedral pores, takes 1 MB instead of 1.5 GB).  The paper's Sec. V
estimates, without computing it, how temperature and the size spread of the NCs broaden the steps of
Fig. 4; this lattice is where the package computes it.

Another Green's function of the same lattice (a dielectric one, say) enters through
:func:`pair_table_from_rows` (G from one reference site per sublattice type to every site) or
:func:`pair_table_from_function`, and ``mc_lattice(L, pore).with_table(table)``.

Self and on-site convention.  G_aa is the interaction of a unit charge with its own periodic images (the
point charge's self energy at distance 0 is excluded), so U is the complete Ewald energy of the periodic
neutral cell and the filled lattices give the Madelung energies of Eqs. (5), (8) and (11) exactly.  The
repulsion of two electrons inside one NC is *not* a point-charge term: it is E_r (the 1s-1s integral,
Eq. 11), added once per doubly occupied NC.  Every move keeps the cell neutral, so the neutralising-
background constant of the Ewald table multiplies (sum q)^2 = 0 and never enters.

Units: the model is dimensionless (energies e^2/(eps b), lengths b); :func:`mc_model` converts from a
device (nm, eV) with :mod:`supercrystal.semiconductor.energies`.  The Coulomb unit uses the uniform eps
of the device; the chapter uses eps = eps_i = 2, the ionic liquid's value of Sec. V, and
E_r = 1.786 e^2/(eps a) with the same eps (Sec. III's uniform-dielectric model).  Quenched size disorder
(Sec. V, Eq. 13) enters through the site energies E_q,i and E_r,i only.

Polarizable NCs (beyond the paper) live in :mod:`supercrystal.montecarlo.polar`, which builds on this module; this
module never imports the sphere solvers.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache

import numpy as np
from scipy.spatial import cKDTree

from supercrystal.lattice import geometry
from supercrystal.lattice.ewald import EWALD_TOL, ewald_kernel
from supercrystal.montecarlo.pairtable import PairTable
from supercrystal.semiconductor import wavefunction
from supercrystal.semiconductor.energies import Levels, device, levels

#: ln g(n): spin degeneracy of n = 0, 1, 2 electrons in the 1s shell.
LOG_G = np.array([0.0, np.log(2.0), 0.0])

#: The ordered states on either side of each charging step, by (pore, step): the lower and the upper
#: plateau (octahedral: empty / rock salt, Eq. 5; tetrahedral: empty / zinc blende, Eq. 8, and zinc
#: blende / fluorite, Eq. 11; the gated layer of Fig. 3: empty / full).
STEP_STATES = {("octahedral", 1): ("empty", "full"), ("tetrahedral", 1): ("empty", "zincblende"),
               ("tetrahedral", 2): ("zincblende", "fluorite"), ("gate", 1): ("empty", "full")}


@dataclass(frozen=True, eq=False)
class MCLattice:
    """Sites and pair table of the periodic super-crystal (Sec. III geometry).

    Attributes
    ----------
    L : conventional cells per edge; pore : "octahedral" or "tetrahedral" ("custom", "gate" for the
        models of :func:`model_from_arrays` and :mod:`~supercrystal.montecarlo.gate_layer`).
    positions : (n_nc + n_pore, 3) site positions, units of b: NCs first, then pores.
    table : the periodic Ewald pair table in units of 1/b, stored by translation symmetry
        (:class:`~supercrystal.montecarlo.pairtable.PairTable`; diagonal: a charge's own images);
        ``G`` is its dense matrix (small lattices only).
    n_nc, n_pore : numbers of NC and pore sites.
    nc_neighbours, pore_neighbours : (n, k) neighbour lists for the hops (all others if L < 3).
    nc_pores : (n_nc, k) the pores adjacent to each NC, for the local pair move (all pores if L < 3).
    sublattice : (n_pore,) 0 for T+ / octahedral pores, 1 for T- pores.
    site_types : (n,) sublattice type of each site: 0 NC, 1 octahedral or T+ pore, 2 T- pore.
    reference_sites : (n_types,) the first site of each type (in the origin cell), the reference of
        :meth:`PairTable.rows` and :func:`pair_table_from_rows`.
    """

    L: int
    pore: str
    positions: np.ndarray
    table: PairTable
    n_nc: int
    n_pore: int
    nc_neighbours: np.ndarray
    pore_neighbours: np.ndarray
    nc_pores: np.ndarray
    sublattice: np.ndarray
    site_types: np.ndarray
    reference_sites: np.ndarray

    @property
    def G(self) -> np.ndarray:
        """The dense (n, n) pair table (:meth:`PairTable.dense`: refused for very large lattices)."""
        return self.table.dense()

    @property
    def n_sites(self) -> int:
        return self.n_nc + self.n_pore

    def with_table(self, table: PairTable) -> MCLattice:
        """The same lattice with another pair table of the same sites (e.g. a dielectric Green's
        function, :func:`pair_table_from_rows`).  Raises ValueError for another number of sites."""
        if not isinstance(table, PairTable) or table.n_sites != self.n_sites:
            raise ValueError(f"table must be a PairTable of {self.n_sites} sites")
        return replace(self, table=table)


def neighbour_lists(pos: np.ndarray, box: float, use_shell: bool) -> np.ndarray:
    """Nearest-neighbour shell by minimum image in a cubic box of side ``box`` (when every site has
    the same number of neighbours and the relation is symmetric), else all other sites: (n, k),
    each row in increasing site order.  The shell is found with a periodic k-d tree (O(n log n))."""
    n = len(pos)
    if use_shell:
        shell = _shell(np.asarray(pos, float), np.asarray(pos, float), box, exclude_self=True)
        if shell is not None:
            near = shell
            counts = np.array([len(r) for r in near])
            pairs = {(i, j) for i, row in enumerate(near) for j in row}
            if np.all(counts == counts[0]) and all((j, i) in pairs for i, j in pairs):
                return np.array(near, dtype=np.int64)
    return np.array([[j for j in range(n) if j != i] for i in range(n)], dtype=np.int64).reshape(n, n - 1)


def _shell(query: np.ndarray, data: np.ndarray, box: float, exclude_self: bool):
    """For each query point the data points within (1 + 1e-6) of the smallest query-data distance
    (minimum image in the cubic box), each list sorted; None if that distance is zero."""
    def wrap(x):  # into [0, box): a tiny negative coordinate must not round up to box itself
        x = np.mod(x, box)
        return np.where(x >= box, 0.0, x)

    tree = cKDTree(wrap(data), boxsize=box)
    q = wrap(query)
    dist, _ = tree.query(q, k=2 if exclude_self else 1)
    rmin = float(np.min(dist[:, 1] if exclude_self else dist))
    if not rmin > 0:
        return None
    out = tree.query_ball_point(q, rmin * (1 + 1e-6), return_sorted=True)
    return [[j for j in row if not (exclude_self and j == i)] for i, row in enumerate(out)]


def _fcc_sites(L: int, pore: str) -> dict:
    """The sites of the L^3 supercell in the Monte Carlo order (NCs cell by cell, then pores cell by
    cell), with their basis index, cell, type and position in quarter cube sides."""
    ncs = geometry.nc_sites("fcc")
    pores = geometry.pore_sites(pore, "fcc")
    basis = np.vstack([ncs, pores])
    n_b_nc, nb = len(ncs), len(basis)
    side = geometry.cube_side("fcc")
    cells = np.array([[i, j, k] for i in range(L) for j in range(L) for k in range(L)], dtype=np.int64)
    b_index = np.tile(np.arange(nb), L ** 3)
    c_index = np.repeat(np.arange(L ** 3), nb)
    order = np.concatenate([np.flatnonzero(b_index < n_b_nc), np.flatnonzero(b_index >= n_b_nc)])
    sb, sc = b_index[order].astype(np.int64), cells[c_index[order]]
    basis_type = np.zeros(nb, np.int64)
    basis_type[n_b_nc:] = 1
    if pore == "tetrahedral":
        basis_type[n_b_nc + 4:] = 2  # T- pores (the second half of geometry.pore_sites)
    types = basis_type[sb]
    quarter = np.rint(basis / (side / 4)).astype(np.int64)  # every fcc site and pore: quarter sides
    return dict(basis=basis, side=side, cells=cells, sb=sb, sc=sc, types=types,
                positions=sc * side + basis[sb], qpos=(4 * sc + quarter[sb]) % (4 * L),
                reference=np.array([np.flatnonzero(types == t)[0] for t in range(types.max() + 1)]),
                basis_type=basis_type)


def ewald_pair_table(L: int, pore: str = "octahedral") -> PairTable:
    """The periodic Ewald pair table of the L^3 supercell (units 1/b), by translation symmetry.

    G between basis site b1 of a cube and b2 of the cube displaced by d is the Ewald potential
    (:func:`supercrystal.lattice.ewald.ewald_kernel`) of the separation, evaluated for the nb^2 L^3
    (basis pair, cube offset) separations (the kernel evaluates separations equal modulo the box and
    sign once): O(N) work and memory, since alpha scales as 1/box and the number of image and
    reciprocal terms per separation does not grow with L.  The separations and the call are those of
    :func:`~supercrystal.lattice.ewald.supercell_pair_matrix`; the table is then made exactly invariant
    under every fcc translation by taking G from the reference site of each type
    (:func:`pair_table_from_rows`).  It equals the dense table bit for bit except for separations of
    exactly half the box, which the dense table evaluates once per basis pair (differences <= 1e-16).
    """
    L = _check_L(L)
    geometry.check_pore(pore)
    st = _fcc_sites(L, pore)
    basis, cells, nb = st["basis"], st["cells"], len(st["basis"])
    cell = np.eye(3) * st["side"]
    sep = (cells @ cell)[:, None, None, :] + basis[None, :, None, :] - basis[None, None, :, :]
    table = ewald_kernel(L * cell, sep.reshape(-1, 3), None, EWALD_TOL).reshape(len(cells), nb, nb)
    # table[o, b1, b2] = G(r(b1, c + o) - r(b2, c)): the row of reference site (b_r, cell 0) to site
    # (b, c) is table[(-c) mod L, b_r, b]
    neg = (-st["sc"]) % L
    lin = (neg[:, 0] * L + neg[:, 1]) * L + neg[:, 2]
    rows = np.array([table[lin, st["sb"][r], st["sb"]] for r in st["reference"]])
    return pair_table_from_rows(L, pore, rows, sym_tol=1e-12)


def pair_table_from_rows(L: int, pore: str, rows: np.ndarray, sym_tol: float = 1e-8) -> PairTable:
    """A translation-symmetric pair table of :func:`mc_lattice` ``(L, pore)`` from one row per site type.

    ``rows[t, j]`` (shape (n_types, n_sites)) is G from the reference site of type t
    (``mc_lattice(L, pore).reference_sites[t]``: the first NC, the first octahedral or T+ pore, the
    first T- pore, all in the origin cube) to site j, sites in mc_lattice's order; types are those of
    ``mc_lattice(L, pore).site_types`` (0 NC, 1 octahedral or T+ pore, 2 T- pore).  G between any two
    sites follows by the fcc translation that takes one of them to its type's reference.  The diagonal
    entries rows[t, reference_sites[t]] are a charge's interaction with its own periodic images (and
    its polarisation of the surroundings, for a dielectric G), without the point self energy.  G must
    be symmetric to ``sym_tol`` times max |G| (G[a, b] = G[b, a] between sites of different types
    compares two rows); the table stores the symmetrised values.  This is how a Green's function
    other than Ewald's (e.g. a dielectric one) enters: ``mc_lattice(L, pore).with_table(table)``.

    Raises ValueError for rows of the wrong shape, non-finite or asymmetric.
    """
    L = _check_L(L)
    geometry.check_pore(pore)
    st = _fcc_sites(L, pore)
    n, types, ref = len(st["sb"]), st["types"], st["reference"]
    rows = np.asarray(rows, dtype=float)
    if rows.shape != (len(ref), n):
        raise ValueError(f"rows must have shape (n_types, n_sites) = ({len(ref)}, {n}) (got {rows.shape})")
    if not np.all(np.isfinite(rows)):
        raise ValueError("rows must be finite")
    m4 = 4 * L
    qpos = st["qpos"]
    lookup = np.full(m4 ** 3, -1, np.int64)
    lookup[(qpos[:, 0] * m4 + qpos[:, 1]) * m4 + qpos[:, 2]] = np.arange(n)
    nb = len(st["basis"])
    values = np.full((nb, nb, L, L, L), np.nan)
    first = np.array([np.flatnonzero(st["sb"] == b)[0] for b in range(nb)])  # basis b in the origin cube
    for b1 in range(nb):
        t = st["basis_type"][b1]
        shift = qpos[first[b1]] - qpos[ref[t]]  # the translation from the reference to (b1, origin)
        src = (qpos - shift) % m4
        j = lookup[(src[:, 0] * m4 + src[:, 1]) * m4 + src[:, 2]]
        if np.any(j < 0) or np.any(types[j] != types):
            raise ValueError("internal: a translation does not map the lattice onto itself")
        values[b1, st["sb"], st["sc"][:, 0], st["sc"][:, 1], st["sc"][:, 2]] = rows[t, j]
    return PairTable.from_values(values, st["sb"], st["sc"], sym_tol)


def pair_table_from_function(L: int, pore: str, pair_function, sym_tol: float = 1e-8) -> PairTable:
    """A translation-symmetric pair table from ``pair_function(type_a, type_b, r)``: G between a site of
    type a and the sites of type b at separations r (shape (m, 3), units of b, r = r_b - r_a reduced to
    the minimum image in the box of side L * 2 sqrt(2) b; r = 0 for a site and itself), returning (m,).
    It is called once per type pair with the 4 L^3 separations from the reference site
    (:func:`pair_table_from_rows`, which then builds the table).  Example, the Ewald table:
    ``pair_table_from_function(L, pore, lambda a, b, r: ewald_kernel(box * np.eye(3), r))``.
    """
    L = _check_L(L)
    geometry.check_pore(pore)
    st = _fcc_sites(L, pore)
    pos, types, ref = st["positions"], st["types"], st["reference"]
    box = L * st["side"]
    rows = np.empty((len(ref), len(pos)))
    for ta in range(len(ref)):
        for tb in range(len(ref)):
            j = np.flatnonzero(types == tb)
            r = pos[j] - pos[ref[ta]]
            r -= box * np.round(r / box)
            val = np.asarray(pair_function(ta, tb, r), dtype=float)
            if val.shape != (len(j),):
                raise ValueError(f"pair_function must return shape ({len(j)},) (got {val.shape})")
            rows[ta, j] = val
    return pair_table_from_rows(L, pore, rows, sym_tol)


def _check_L(L) -> int:
    if not isinstance(L, (int, np.integer)) or isinstance(L, bool) or not 1 <= L <= 12:
        raise ValueError(f"L must be an integer in [1, 12] (got L={L!r})")
    return int(L)


@lru_cache(maxsize=8)
def mc_lattice(L: int, pore: str = "octahedral") -> MCLattice:
    """Periodic L^3 fcc super-crystal with its pores and Ewald pair table (Sec. III, Eqs. 4, 8, 11).

    The table is stored by translation symmetry (:func:`ewald_pair_table`): at L = 12, 0.9 MB
    (octahedral) or 2 MB (tetrahedral) instead of 1.5 or 3.4 GB, built in seconds.
    Raises ValueError for L outside [1, 12] or an unknown pore.
    """
    L = _check_L(L)
    geometry.check_pore(pore)
    st = _fcc_sites(L, pore)
    pos, types = st["positions"], st["types"]
    n_nc = 4 * L ** 3
    n_pore = len(pos) - n_nc
    box = st["side"] * L
    shell = L >= 3
    sub = np.clip(types[n_nc:] - 1, 0, 1).astype(np.int64)
    if shell:
        nc_pores = np.array(_shell(pos[:n_nc], pos[n_nc:], box, exclude_self=False), dtype=np.int64)
    else:
        nc_pores = np.tile(np.arange(n_pore, dtype=np.int64), (n_nc, 1))
    return MCLattice(L=L, pore=pore, positions=pos, table=ewald_pair_table(L, pore), n_nc=n_nc,
                     n_pore=n_pore, nc_neighbours=neighbour_lists(pos[:n_nc], box, shell),
                     pore_neighbours=neighbour_lists(pos[n_nc:], box, shell), nc_pores=nc_pores,
                     sublattice=sub, site_types=types, reference_sites=st["reference"])


# --------------------------------------------------------------------------------------------------
# model: site energies in units of e^2/(eps b)


@dataclass(frozen=True, eq=False)
class MCModel:
    """Lattice plus site energies, all in units of e^2/(eps b) (module docstring).

    eq, er : (n_nc,) confinement energy E_q,i (Eq. 2) and 1s-1s repulsion E_r,i of each NC;
    e_ion : E_ion; unit_ev : e^2/(eps b) in eV; levels : the Sec. III levels of the mean device;
    spread : relative size spread delta a / a; radii_nm : (n_nc,) the NC radii a_i; kappa :
    eps_nc / eps_liquid of the dielectric model (None: uniform eps, Sec. III); green_error : estimated
    truncation error of its G (1/b), 0 for the uniform model.
    """

    lattice: MCLattice
    eq: np.ndarray
    er: np.ndarray
    e_ion: float
    unit_ev: float
    levels: Levels | None = None
    spread: float = 0.0
    radii_nm: np.ndarray | None = field(default=None)
    kappa: float | None = None
    green_error: float = 0.0


def disordered_radii(n: int, a_nm: float, b_nm: float, spread: float, disorder_seed: int) -> np.ndarray:
    """Quenched NC radii a_i = a (1 + spread xi_i), nm (Sec. V, Eq. 13).

    xi_i standard normal (numpy generator seeded with ``disorder_seed``), clipped to [a/2, b) so that
    every NC fits its sphere; all a_i = a when spread = 0.
    """
    if spread > 0:
        xi = np.random.default_rng(disorder_seed).standard_normal(n)
        return np.clip(a_nm * (1.0 + spread * xi), 0.5 * a_nm, np.nextafter(b_nm, 0))
    return np.full(n, float(a_nm))


def site_energies(radii_nm: np.ndarray, b_nm: float, m_eff: float,
                  unit_ev: float) -> tuple[np.ndarray, np.ndarray]:
    """(E_q,i, E_r,i) of NCs of radii a_i in units of e^2/(eps b): the confinement energy E_q(a_i)
    (Eq. 2) and the 1s-1s repulsion 1.786 e^2/(eps a_i) (Eq. 11)."""
    eq = np.array([wavefunction.confinement_energy_ev(r, m_eff) for r in radii_nm]) / unit_ev
    er = wavefunction.coulomb_1s1s() * b_nm / radii_nm
    return eq, er


def mc_model(L: int = 4, a_nm: float = 2.0, b_nm: float = 2.5, material: str = "CdSe",
             eps_liquid: float = 2.0, pore: str = "octahedral", e_ion_ev: float = 0.0,
             spread: float = 0.0, disorder_seed: int = 0) -> MCModel:
    """Monte Carlo model of a device (Secs. III, V; Eq. 13 for the disorder).

    Quenched size disorder (:func:`disordered_radii`): a_i = a (1 + spread xi_i), clipped to [a/2, b);
    E_q,i = E_q(a_i) (Eq. 2) and E_r,i = 1.786 e^2/(eps a_i) (Eq. 11).  The lattice (b) is not
    disordered.

    Polarizable cores: :func:`supercrystal.montecarlo.polar.polar_model`.

    Raises ValueError for spread outside [0, 0.3] and for an invalid device
    (see energies.device).
    """
    if not (np.isfinite(spread) and 0.0 <= spread <= 0.3):
        raise ValueError(f"spread must lie in [0, 0.3] (got spread={spread!r})")
    dev = device(a_nm, b_nm, material=material, epsilon=eps_liquid, pore=pore, e_ion_ev=e_ion_ev)
    lv = levels(dev)
    lat = mc_lattice(L, pore)
    unit = lv.coulomb
    radii = disordered_radii(lat.n_nc, a_nm, b_nm, spread, disorder_seed)
    eq, er = site_energies(radii, b_nm, dev.m_eff, unit)
    return MCModel(lattice=lat, eq=eq, er=er, e_ion=e_ion_ev / unit, unit_ev=unit, levels=lv,
                   spread=float(spread), radii_nm=radii)


def model_from_arrays(G: np.ndarray, n_nc: int, eq, er, e_ion: float = 0.0) -> MCModel:
    """A model on an arbitrary symmetric pair table (first ``n_nc`` sites NCs, the rest pores) with
    all-to-all hops: for exact-enumeration checks of the engine."""
    table = PairTable.from_dense(G)
    n = table.n_sites
    if not 1 <= n_nc < n:
        raise ValueError(f"n_nc must lie in [1, {n - 1}] (got n_nc={n_nc!r})")
    nb = neighbour_lists(np.zeros((n_nc, 3)), 1.0, False)
    pb = neighbour_lists(np.zeros((n - n_nc, 3)), 1.0, False) if n - n_nc > 1 else np.zeros((1, 0), np.int64)
    # local pair move: the first two pores of each NC (a non-uniform, asymmetric choice on purpose:
    # the move is balanced by construction, which the enumeration test then checks)
    k = min(2, n - n_nc)
    ncp = np.array([[(i + j) % (n - n_nc) for j in range(k)] for i in range(n_nc)], dtype=np.int64)
    lat = MCLattice(L=0, pore="custom", positions=np.zeros((n, 3)), table=table, n_nc=n_nc,
                    n_pore=n - n_nc, nc_neighbours=nb, pore_neighbours=pb, nc_pores=ncp,
                    sublattice=np.zeros(n - n_nc, np.int64),
                    site_types=(np.arange(n) >= n_nc).astype(np.int64),
                    reference_sites=np.array([0, n_nc], np.int64))
    eq = np.broadcast_to(np.asarray(eq, float), (n_nc,)).copy()
    er = np.broadcast_to(np.asarray(er, float), (n_nc,)).copy()
    return MCModel(lattice=lat, eq=eq, er=er, e_ion=float(e_ion), unit_ev=1.0)


# --------------------------------------------------------------------------------------------------
# states and energies


def state(model: MCModel, kind: str) -> tuple[np.ndarray, np.ndarray]:
    """A reference configuration (n, c): "empty"; "full" (octahedral nu = 1, rock salt, Eq. 5);
    "zincblende" (tetrahedral nu = 1, cations in T+ pores, Eq. 8); "fluorite" (nu = 2, Eq. 11)."""
    lat = model.lattice
    n = np.zeros(lat.n_nc, np.int64)
    c = np.zeros(lat.n_pore, np.int64)
    if kind == "empty":
        pass
    elif kind == "full" and lat.pore in ("octahedral", "gate"):
        n[:], c[:] = 1, 1
    elif kind == "zincblende" and lat.pore == "tetrahedral":
        n[:] = 1
        c[lat.sublattice == 0] = 1
    elif kind == "fluorite" and lat.pore == "tetrahedral":
        n[:], c[:] = 2, 1
    else:
        raise ValueError(f"state kind {kind!r} is not defined for {lat.pore} pores")
    return n, c


def step_states(model: MCModel, step: int) -> tuple[str, str]:
    """The :func:`state` kinds of the lower and the upper plateau of charging step ``step``
    (:data:`STEP_STATES`).  Raises ValueError for a step the model's pores do not have."""
    key = (model.lattice.pore, step)
    if key not in STEP_STATES:
        raise ValueError(f"step must be 1 (octahedral) or 1, 2 (tetrahedral) (got step={step!r})")
    return STEP_STATES[key]


def charges(model: MCModel, n: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Point charges (units of e) of all sites: -n_i at NCs, +c_p at pores."""
    return np.concatenate([-np.asarray(n, float), np.asarray(c, float)])


def energy(model: MCModel, n: np.ndarray, c: np.ndarray) -> float:
    """H of a neutral configuration in e^2/(eps b), without the -mu N term (module docstring)."""
    n = np.asarray(n)
    c = np.asarray(c)
    if n.sum() != c.sum():
        raise ValueError("configuration is not neutral")
    q = charges(model, n, c)
    site = float(np.sum(model.eq * n + model.er * (n == 2)) + model.e_ion * c.sum())
    return site + model.lattice.table.energy(q)


def log_degeneracy(n: np.ndarray) -> float:
    """ln prod_i g(n_i): the spin entropy of a configuration in units of k_B."""
    return float(LOG_G[np.asarray(n)].sum())
