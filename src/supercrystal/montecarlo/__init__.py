"""Grand-canonical lattice Monte Carlo of the gated super-crystal at finite temperature (Sec. V, Fig. 4).

The paper's Sec. V only *estimates* whether temperature and the size spread of the NCs destroy the delta
peaks of C(V) (Fig. 4 is a schematic).  This module computes it.

Model (Secs. III and V)
-----------------------
A periodic fcc super-crystal of L x L x L conventional cells: N = 4 L^3 NC sites (NN distance 2b) and
N octahedral or 2N tetrahedral pores.  NC i holds n_i in {0, 1, 2} electrons (the 1s shell; the one-electron
state has 2 spin states, the two-electron singlet 1: weight g(n) = 1, 2, 1, an entropy k_B ln g), pore p holds
c_p in {0, 1} cations.  The grand Hamiltonian, in units of e^2/(eps b) (eps uniform, Sec. III's model), is

    H - mu N_el = sum_i [E_q,i n_i + E_r,i delta(n_i, 2)] + E_ion N_cat - mu N_el + U,
    U = 1/2 sum_ab q_a q_b G_ab,   q = -n_i at NC i, +c_p at pore p,

mu = eV the electrochemical potential set by the gate, G the periodic Ewald pair table of
:func:`supercrystal.lattice.ewald.supercell_pair_matrix` (units 1/b).

Self and on-site convention.  G_aa is the interaction of a unit charge with its own periodic images (the
point charge's self energy at distance 0 is excluded), so U is the complete Ewald energy of the periodic
neutral cell and the filled lattices give the Madelung energies of Eqs. (5), (8) and (11) exactly.  The
repulsion of two electrons inside one NC is *not* a point-charge term: it is E_r (the 1s-1s integral,
Eq. 11), added once per doubly occupied NC.  Every move keeps the cell neutral (insert/remove an
electron-cation pair, hop an electron, hop a cation), so the neutralising-background constant of the
Ewald table multiplies (sum q)^2 = 0 and never enters.

Units: the engine is dimensionless (energies e^2/(eps b), lengths b); :func:`mc_model` converts from a
device (nm, eV) with :mod:`supercrystal.semiconductor.energies` and volts = mu * e^2/(eps b) / e at the edges.  The
Coulomb unit uses the uniform eps of the device; the chapter uses eps = eps_i = 2, the ionic liquid's
value of Sec. V, and E_r = 1.786 e^2/(eps a) with the same eps (Sec. III's uniform-dielectric model).

Moves and detailed balance: every proposal is symmetric (a random NC and a random pore, or a random NC
and one of its adjacent pores, for the pair move, insert or remove with probability 1/2 each; a random
site and one of its k neighbours, k the same for all sites, for the hops), and is accepted with
min(1, g'/g exp(-beta Delta(H - mu N))).  The tests compare the histograms with exact enumeration.

Thermodynamics.  The grand potential per NC omega(mu) follows from d omega / d mu = -nu along a sweep
(thermodynamic integration).  The empty branch is anchored in the dilute limit (omega -> 0 as
mu -> -inf); a filled branch by a reversible path around the end of the first-order line
(:func:`anchor_cycle`: integration in mu at a temperature above it, then cooling at fixed mu), or,
without disorder, from its ground state E_0 - k_B T ln g_0 (spin entropy) by integration in beta
(:func:`anchor_omega`); the tests check that the two agree.  The equilibrium transition voltage is
where the two branches' omega cross (:func:`transition`).

Width of the step.  The 10-90 % width of the equilibrium nu(V) (low phase below V*, high phase above)
is a bulk property with a thermodynamic limit; :func:`peak_width` resolves it on a fine grid from
phase-restricted branches (:func:`restricted_branch`: the electron number kept on one side of the
middle of the step), so that the finite-size rounding of the jump is not part of it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

try:  # numba compiles the inner loop; without it the same code runs (slowly) in Python
    from numba import njit
except ImportError:  # pragma: no cover
    def njit(*args, **kwargs):
        if args and callable(args[0]):
            return args[0]
        return lambda f: f

from supercrystal.lattice import geometry
from supercrystal.semiconductor import wavefunction
from supercrystal.semiconductor.energies import Levels, device, levels
from supercrystal.lattice.ewald import supercell_pair_matrix
from supercrystal.units import kT_ev

#: Version of the engine and of its protocols, part of every cache key (bump on any change that
#: alters the numbers, so that stale cached curves are never served).
ENGINE_VERSION = 3
#: ln g(n): spin degeneracy of n = 0, 1, 2 electrons in the 1s shell.
LOG_G = np.array([0.0, np.log(2.0), 0.0])
#: Probabilities of the global pair move, the local pair move (NC and adjacent pore), the electron
#: hop (the rest: cation hop).
MOVE_PROBS = (0.15, 0.25, 0.3)


# --------------------------------------------------------------------------------------------------
# lattice


@dataclass(frozen=True, eq=False)
class MCLattice:
    """Sites and pair table of the periodic super-crystal (Sec. III geometry).

    Attributes
    ----------
    L : conventional cells per edge; pore : "octahedral" or "tetrahedral".
    positions : (n_nc + n_pore, 3) site positions, units of b: NCs first, then pores.
    G : (n, n) periodic Ewald pair table in units of 1/b (diagonal: a charge's own images).
    n_nc, n_pore : numbers of NC and pore sites.
    nc_neighbours, pore_neighbours : (n, k) neighbour lists for the hops (all others if L < 3).
    nc_pores : (n_nc, k) the pores adjacent to each NC, for the local pair move (all pores if L < 3).
    sublattice : (n_pore,) 0 for T+ / octahedral pores, 1 for T- pores.
    """

    L: int
    pore: str
    positions: np.ndarray
    G: np.ndarray
    n_nc: int
    n_pore: int
    nc_neighbours: np.ndarray
    pore_neighbours: np.ndarray
    nc_pores: np.ndarray
    sublattice: np.ndarray


def _neighbour_lists(pos: np.ndarray, box: float, use_shell: bool) -> np.ndarray:
    """Nearest-neighbour shell by minimum image (uniform size), or all other sites."""
    n = len(pos)
    if use_shell:
        d = pos[:, None, :] - pos[None, :, :]
        d -= box * np.round(d / box)
        r = np.linalg.norm(d, axis=2)
        np.fill_diagonal(r, np.inf)
        rmin = r.min()
        near = r < rmin * (1 + 1e-6)
        counts = near.sum(axis=1)
        if np.all(counts == counts[0]) and np.array_equal(near, near.T):
            return np.array([np.flatnonzero(row) for row in near], dtype=np.int64)
    return np.array([[j for j in range(n) if j != i] for i in range(n)], dtype=np.int64).reshape(n, n - 1)


@lru_cache(maxsize=8)
def mc_lattice(L: int, pore: str = "octahedral") -> MCLattice:
    """Periodic L^3 fcc super-crystal with its pores and Ewald pair table (Sec. III, Eqs. 4, 8, 11).

    Raises ValueError for L outside [1, 12] or an unknown pore.
    """
    if not isinstance(L, (int, np.integer)) or not 1 <= L <= 12:
        raise ValueError(f"L must be an integer in [1, 12] (got L={L!r})")
    geometry.check_pore(pore)
    ncs = geometry.nc_sites("fcc")
    pores = geometry.pore_sites(pore, "fcc")
    basis = np.vstack([ncs, pores])
    nb = len(basis)
    side = geometry.cube_side("fcc")
    pos, g = supercell_pair_matrix(basis, np.eye(3) * side, int(L))
    b_index = np.tile(np.arange(nb), int(L) ** 3)
    order = np.concatenate([np.flatnonzero(b_index < len(ncs)), np.flatnonzero(b_index >= len(ncs))])
    pos, g = pos[order], np.ascontiguousarray(g[np.ix_(order, order)])
    n_nc = 4 * int(L) ** 3
    box = side * L
    shell = L >= 3
    sub = (b_index[order][n_nc:] - len(ncs) >= 4).astype(np.int64)
    n_pore = len(pos) - n_nc
    if shell:
        d = pos[:n_nc, None, :] - pos[None, n_nc:, :]
        d -= box * np.round(d / box)
        r = np.linalg.norm(d, axis=2)
        near = r < r.min() * (1 + 1e-6)
        nc_pores = np.array([np.flatnonzero(row) for row in near], dtype=np.int64)
    else:
        nc_pores = np.tile(np.arange(n_pore, dtype=np.int64), (n_nc, 1))
    return MCLattice(int(L), pore, pos, g, n_nc, n_pore,
                     _neighbour_lists(pos[:n_nc], box, shell),
                     _neighbour_lists(pos[n_nc:], box, shell), nc_pores, sub)


# --------------------------------------------------------------------------------------------------
# model: site energies in units of e^2/(eps b)


@dataclass(frozen=True, eq=False)
class MCModel:
    """Lattice plus site energies, all in units of e^2/(eps b) (module docstring).

    eq, er : (n_nc,) confinement energy E_q,i (Eq. 2) and 1s-1s repulsion E_r,i of each NC;
    e_ion : E_ion; unit_ev : e^2/(eps b) in eV; levels : the Sec. III levels of the mean device;
    spread : relative size spread delta a / a; radii_nm : (n_nc,) the NC radii a_i.
    """

    lattice: MCLattice
    eq: np.ndarray
    er: np.ndarray
    e_ion: float
    unit_ev: float
    levels: Levels | None = None
    spread: float = 0.0
    radii_nm: np.ndarray | None = field(default=None)


def mc_model(L: int = 4, a_nm: float = 2.0, b_nm: float = 2.5, material: str = "CdSe",
             epsilon: float = 2.0, pore: str = "octahedral", e_ion_ev: float = 0.0,
             spread: float = 0.0, disorder_seed: int = 0) -> MCModel:
    """Monte Carlo model of a device (Secs. III, V; Eq. 13 for the disorder).

    Quenched size disorder: a_i = a (1 + spread xi_i), xi_i standard normal (numpy generator seeded with
    ``disorder_seed``), clipped to [a/2, b) so that every NC fits its sphere; E_q,i = E_q(a_i) (Eq. 2) and
    E_r,i = 1.786 e^2/(eps a_i) (Eq. 11).  The lattice (b) is not disordered.

    Raises ValueError for spread outside [0, 0.3] and for an invalid device (see energies.device).
    """
    if not (np.isfinite(spread) and 0.0 <= spread <= 0.3):
        raise ValueError(f"spread must lie in [0, 0.3] (got spread={spread!r})")
    dev = device(a_nm, b_nm, material=material, epsilon=epsilon, pore=pore, e_ion_ev=e_ion_ev)
    lv = levels(dev)
    lat = mc_lattice(L, pore)
    unit = lv.coulomb
    if spread > 0:
        xi = np.random.default_rng(disorder_seed).standard_normal(lat.n_nc)
        radii = np.clip(a_nm * (1.0 + spread * xi), 0.5 * a_nm, np.nextafter(b_nm, 0))
    else:
        radii = np.full(lat.n_nc, float(a_nm))
    eq = np.array([wavefunction.confinement_energy_ev(r, dev.m_eff) for r in radii]) / unit
    er = wavefunction.coulomb_1s1s() * b_nm / radii
    return MCModel(lat, eq, er, e_ion_ev / unit, unit, lv, float(spread), radii)


def model_from_arrays(G: np.ndarray, n_nc: int, eq, er, e_ion: float = 0.0) -> MCModel:
    """A model on an arbitrary symmetric pair table (first ``n_nc`` sites NCs, the rest pores) with
    all-to-all hops: for exact-enumeration checks of the engine."""
    G = np.ascontiguousarray(G, dtype=float)
    n = len(G)
    if G.shape != (n, n) or not np.allclose(G, G.T):
        raise ValueError("G must be a symmetric square matrix")
    if not 1 <= n_nc < n:
        raise ValueError(f"n_nc must lie in [1, {n - 1}] (got n_nc={n_nc!r})")
    nb = _neighbour_lists(np.zeros((n_nc, 3)), 1.0, False)
    pb = _neighbour_lists(np.zeros((n - n_nc, 3)), 1.0, False) if n - n_nc > 1 else np.zeros((1, 0), np.int64)
    # local pair move: the first two pores of each NC (a non-uniform, asymmetric choice on purpose:
    # the move is balanced by construction, which the enumeration test then checks)
    k = min(2, n - n_nc)
    ncp = np.array([[(i + j) % (n - n_nc) for j in range(k)] for i in range(n_nc)], dtype=np.int64)
    lat = MCLattice(0, "custom", np.zeros((n, 3)), G, n_nc, n - n_nc, nb, pb, ncp,
                    np.zeros(n - n_nc, np.int64))
    eq = np.broadcast_to(np.asarray(eq, float), (n_nc,)).copy()
    er = np.broadcast_to(np.asarray(er, float), (n_nc,)).copy()
    return MCModel(lat, eq, er, float(e_ion), 1.0)


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
    return site + 0.5 * float(q @ model.lattice.G @ q)


def log_degeneracy(n: np.ndarray) -> float:
    """ln prod_i g(n_i): the spin entropy of a configuration in units of k_B."""
    return float(LOG_G[np.asarray(n)].sum())


# --------------------------------------------------------------------------------------------------
# the engine


@njit(cache=True)
def _mc_kernel(G, n_nc, nc_nb, pore_nb, nc_pores, eq, er, e_ion, mus, beta, n, c, n_equil,
               n_measure, seed, p_pair, p_local, p_hop, n_min, n_max):
    """Metropolis chain over the voltages ``mus`` (in order, state carried over); returns the
    per-sweep series of N_el and H (without -mu N), shape (len(mus), n_measure).  Moves that would
    take N_el outside [n_min, n_max] are rejected (a restricted ensemble; the check comes before any
    further random draw, so unrestricted bounds leave the random stream unchanged)."""
    np.random.seed(seed)
    n_pore = len(c)
    nsite = n_nc + n_pore
    log_g = np.array([0.0, np.log(2.0), 0.0])
    q = np.empty(nsite)
    n_series = np.empty((len(mus), n_measure), dtype=np.int64)
    e_series = np.empty((len(mus), n_measure))
    k_nc = nc_nb.shape[1]
    k_pore = pore_nb.shape[1]
    k_local = nc_pores.shape[1]
    p_pairs = p_pair + p_local
    for m in range(len(mus)):
        mu = mus[m]
        # fresh potentials and energy at each voltage (no drift of the incremental sums)
        for a in range(n_nc):
            q[a] = -n[a]
        for p in range(n_pore):
            q[n_nc + p] = c[p]
        phi = G @ q
        h = 0.0
        n_el = 0
        for a in range(n_nc):
            h += eq[a] * n[a] + (er[a] if n[a] == 2 else 0.0)
            n_el += n[a]
        for p in range(n_pore):
            h += e_ion * c[p]
        h += 0.5 * np.dot(q, phi)
        for sweep in range(n_equil + n_measure):
            for attempt in range(nsite):
                r = np.random.random()
                if r < p_pairs:
                    # global: a random NC and a random pore; local: a random NC and one of its
                    # adjacent pores.  Either way the reverse move draws the same (i, p) with the
                    # same probability, so the proposal is symmetric.
                    i = np.random.randint(0, n_nc)
                    if r < p_pair:
                        p = np.random.randint(0, n_pore)
                    else:
                        p = nc_pores[i, np.random.randint(0, k_local)]
                    s = n_nc + p
                    if np.random.random() < 0.5:  # insert
                        if n[i] == 2 or c[p] == 1 or n_el >= n_max:
                            continue
                        du = -phi[i] + phi[s] + 0.5 * (G[i, i] + G[s, s]) - G[i, s]
                        dsite = eq[i] + (er[i] if n[i] == 1 else 0.0) + e_ion
                        dh = dsite + du
                        arg = -beta * (dh - mu) + log_g[n[i] + 1] - log_g[n[i]]
                        if arg < 0.0 and np.random.random() >= np.exp(arg):
                            continue
                        n[i] += 1
                        c[p] = 1
                        n_el += 1
                        h += dh
                        for k in range(nsite):
                            phi[k] += G[s, k] - G[i, k]
                    else:  # remove
                        if n[i] == 0 or c[p] == 0 or n_el <= n_min:
                            continue
                        du = phi[i] - phi[s] + 0.5 * (G[i, i] + G[s, s]) - G[i, s]
                        dsite = -eq[i] - (er[i] if n[i] == 2 else 0.0) - e_ion
                        dh = dsite + du
                        arg = -beta * (dh + mu) + log_g[n[i] - 1] - log_g[n[i]]
                        if arg < 0.0 and np.random.random() >= np.exp(arg):
                            continue
                        n[i] -= 1
                        c[p] = 0
                        n_el -= 1
                        h += dh
                        for k in range(nsite):
                            phi[k] += G[i, k] - G[s, k]
                elif r < p_pairs + p_hop:  # electron hop i -> j
                    i = np.random.randint(0, n_nc)
                    j = nc_nb[i, np.random.randint(0, k_nc)]
                    if n[i] == 0 or n[j] == 2:
                        continue
                    du = phi[i] - phi[j] + 0.5 * (G[i, i] + G[j, j]) - G[i, j]
                    dsite = eq[j] - eq[i] + (er[j] if n[j] == 1 else 0.0) - (er[i] if n[i] == 2 else 0.0)
                    dh = dsite + du
                    arg = (-beta * dh + log_g[n[i] - 1] + log_g[n[j] + 1]
                           - log_g[n[i]] - log_g[n[j]])
                    if arg < 0.0 and np.random.random() >= np.exp(arg):
                        continue
                    n[i] -= 1
                    n[j] += 1
                    h += dh
                    for k in range(nsite):
                        phi[k] += G[i, k] - G[j, k]
                else:  # cation hop p -> t
                    if k_pore == 0:
                        continue
                    p = np.random.randint(0, n_pore)
                    t = pore_nb[p, np.random.randint(0, k_pore)]
                    if c[p] == 0 or c[t] == 1:
                        continue
                    s = n_nc + p
                    u = n_nc + t
                    dh = -phi[s] + phi[u] + 0.5 * (G[s, s] + G[u, u]) - G[s, u]
                    arg = -beta * dh
                    if arg < 0.0 and np.random.random() >= np.exp(arg):
                        continue
                    c[p] = 0
                    c[t] = 1
                    h += dh
                    for k in range(nsite):
                        phi[k] += G[u, k] - G[s, k]
            if sweep >= n_equil:
                n_series[m, sweep - n_equil] = n_el
                e_series[m, sweep - n_equil] = h
    return n_series, e_series


@dataclass(frozen=True, eq=False)
class Chain:
    """Raw output of :func:`run`: per-sweep series of N_el and H at each mu, and the final state."""

    mu: np.ndarray
    kT: float
    n_series: np.ndarray
    e_series: np.ndarray
    n: np.ndarray
    c: np.ndarray


def run(model: MCModel, mus, kT: float, start: str | tuple = "empty", n_equil: int = 200,
        n_measure: int = 1000, seed: int = 0, n_range: tuple | None = None) -> Chain:
    """Run one Markov chain through the voltages ``mus`` (units of e^2/(eps b)) in the given order.

    A sweep is n_nc + n_pore attempted moves.  ``start`` is a :func:`state` kind or an (n, c) pair.
    ``n_range = (n_min, n_max)`` restricts the electron number to that interval (a phase-restricted
    ensemble, :func:`restricted_branch`; the start must lie inside); None: unrestricted.
    kT in e^2/(eps b); raises ValueError for kT <= 0 or non-positive sweep counts.
    """
    if not (np.isfinite(kT) and kT > 0):
        raise ValueError(f"kT must be positive (got kT={kT!r})")
    if n_measure < 1 or n_equil < 0:
        raise ValueError(f"n_measure must be >= 1 and n_equil >= 0 (got {n_measure}, {n_equil})")
    n, c = state(model, start) if isinstance(start, str) else (np.array(start[0], np.int64),
                                                                np.array(start[1], np.int64))
    n, c = n.astype(np.int64).copy(), c.astype(np.int64).copy()
    if n.sum() != c.sum():
        raise ValueError("start configuration is not neutral")
    lat = model.lattice
    n_min, n_max = (0, 2 * lat.n_nc) if n_range is None else (int(n_range[0]), int(n_range[1]))
    if not n_min <= n.sum() <= n_max:
        raise ValueError(f"start has N_el = {n.sum()} outside n_range = ({n_min}, {n_max})")
    mus = np.atleast_1d(np.asarray(mus, dtype=float))
    ns, es = _mc_kernel(lat.G, lat.n_nc, lat.nc_neighbours, lat.pore_neighbours, lat.nc_pores,
                        model.eq, model.er, float(model.e_ion), mus, 1.0 / kT, n, c, int(n_equil),
                        int(n_measure), int(seed), MOVE_PROBS[0], MOVE_PROBS[1], MOVE_PROBS[2],
                        n_min, n_max)
    return Chain(mus, float(kT), ns, es, n, c)


# --------------------------------------------------------------------------------------------------
# statistics and thermodynamics


def block_error(series: np.ndarray, n_blocks: int = 10) -> np.ndarray:
    """Standard error of the mean of each row by the block (batch-means) method."""
    s = np.atleast_2d(series).astype(float)
    m = (s.shape[1] // n_blocks) * n_blocks
    blocks = s[:, :m].reshape(s.shape[0], n_blocks, -1).mean(axis=2)
    return blocks.std(axis=1, ddof=1) / np.sqrt(n_blocks)


@dataclass(frozen=True, eq=False)
class Branch:
    """One voltage sweep with its thermodynamics, per NC, energies in e^2/(eps b).

    mu : voltages in the order swept; nu, nu_err : mean filling <N_el>/N_nc and its block error;
    dnu_dmu : the grand-canonical fluctuation formula var(N_el) / (N_nc kT) (= C / (e^2 N_nc)), with
    dnu_dmu_err the scatter of the variances of 10 blocks over sqrt(10);
    omega, omega_err : grand potential per NC; chain : the raw series; n_nc : number of NCs.
    """

    mu: np.ndarray
    nu: np.ndarray
    nu_err: np.ndarray
    dnu_dmu: np.ndarray
    dnu_dmu_err: np.ndarray
    omega: np.ndarray
    omega_err: np.ndarray
    chain: Chain
    n_nc: int


def anchor_omega(model: MCModel, mu: float, kT: float, start: str, n_temps: int = 14,
                 ratio: float = 1.3, n_equil: int = 100, n_measure: int = 300,
                 seed: int = 0) -> tuple[float, float]:
    """Grand potential per NC of the branch that grows from an ordered ground state ``start`` at
    fixed mu, by thermodynamic integration in beta (Sec. V).

    d(beta Omega)/d beta = <H - mu N>.  From a temperature low enough that the chain sits in the
    ground state (Omega = E_0 - mu N_0 - kT ln g_0, g_0 the spin degeneracy) up to kT:

        Omega(beta) = h_0 - kT ln g_0 - kT int_beta^beta_max (<h> - h_0) d beta',

    on the ladder beta_k = beta ratio^k, the integrand taken piecewise exponential (it decays as
    exp(-beta Delta)).  Returns (omega, error) per NC; the error is the block error propagated.
    """
    n0, c0 = state(model, start)
    h0 = energy(model, n0, c0) - mu * n0.sum()
    lng0 = log_degeneracy(n0)
    betas = (1.0 / kT) * ratio ** np.arange(n_temps)
    excess, err = [], []
    st = (n0, c0)
    for k, beta in enumerate(betas[::-1]):  # cold to hot, carrying the state
        ch = run(model, [mu], 1.0 / beta, st, n_equil, n_measure, seed + 7919 * k)
        st = (ch.n, ch.c)
        h = ch.e_series[0] - mu * ch.n_series[0]
        excess.append(h.mean() - h0)
        err.append(block_error(h)[0])
    excess = np.array(excess[::-1])
    err = np.array(err[::-1])
    integral, var = 0.0, 0.0
    for k in range(n_temps - 1):
        y0, y1, db = excess[k], excess[k + 1], betas[k + 1] - betas[k]
        if y0 > 0 and y1 > 0 and y0 != y1:
            lam = np.log(y0 / y1) / db
            w = (1 - np.exp(-lam * db)) / lam / y0 if lam != 0 else db / y0
            integral += y0 * w
            var += (w * err[k]) ** 2  # dominant: the warmer end of each interval
        else:
            integral += 0.5 * db * (y0 + y1)
            var += (0.5 * db) ** 2 * (err[k] ** 2 + err[k + 1] ** 2)
    # beyond beta_max: exponential tail (negligible by construction)
    N = model.lattice.n_nc
    omega = (h0 - kT * lng0 - kT * integral) / N
    return float(omega), float(kT * np.sqrt(var) / N)


def anchor_cycle(model: MCModel, mu: float, kT: float, kT_high: float = 0.3,
                 mu_low: float | None = None, dmu: float = 0.05, n_temps: int = 25,
                 n_equil: int = 100, n_measure: int = 500,
                 seed: int = 0) -> tuple[float, float, tuple[np.ndarray, np.ndarray]]:
    """Grand potential per NC at (mu, kT) of the state reached by cooling at fixed mu, by a reversible
    path around the end of the first-order line (Sec. V).  No ground state is assumed, so it works
    with disorder (where the ordered lattice need not be the ground state).

    1. At kT_high (above the end of cooperativity, so nu(mu) is reversible) integrate
       d omega/d mu = -nu from the dilute limit mu_low (omega = -kT nu there, the dilute tail
       nu ~ exp(beta mu) integrated exactly) up to mu, by Simpson's rule on steps <= dmu.
    2. At fixed mu cool the chain from kT_high to kT (carrying its state) with
       d(beta omega)/d beta = <H - mu N>/N, trapezoid on a ladder uniform in ln beta.

    Returns (omega, error, final (n, c) state); the error adds the block errors and the difference
    between the beta integral on the full and on every other point of the ladder (its
    discretisation error).
    """
    N = model.lattice.n_nc
    if mu_low is None:  # dilute at kT_high: nu(mu_low) ~ 1e-3, where omega = -kT nu holds to O(nu^2)
        mu_low = float(np.mean(model.eq) + model.e_ion - 1.5 - 5.0 * kT_high)
    n_int = max(2, 2 * int(np.ceil((mu - mu_low) / (2 * dmu))))  # even number of Simpson intervals
    mus = np.linspace(mu_low, mu, n_int + 1)
    br = sweep(model, mus, kT_high, "empty", n_equil, n_measure, seed, anchor=False)
    wts = np.ones(n_int + 1)
    wts[1:-1:2], wts[2:-1:2] = 4.0, 2.0
    h = mus[1] - mus[0]
    om_hi = -kT_high * br.nu[0] - h / 3 * np.sum(wts * br.nu)
    om_hi_err = h / 3 * np.sqrt(np.sum((wts * br.nu_err) ** 2) + (kT_high * br.nu_err[0] * 3 / h) ** 2)
    betas = np.exp(np.linspace(np.log(1.0 / kT_high), np.log(1.0 / kT), n_temps))
    st = (br.chain.n, br.chain.c)
    hs, errs = [], []
    for k, beta in enumerate(betas):
        ch = run(model, [mu], 1.0 / beta, st, n_equil, n_measure, seed + 104729 * (k + 1))
        st = (ch.n, ch.c)
        h = (ch.e_series[0] - mu * ch.n_series[0]) / N
        hs.append(h.mean())
        errs.append(block_error(h)[0])
    hs, errs = np.array(hs), np.array(errs)
    integral = np.trapezoid(hs, betas)
    coarse = np.trapezoid(hs[::2], betas[::2]) if n_temps % 2 == 1 else np.trapezoid(
        np.r_[hs[:-1:2], hs[-1]], np.r_[betas[:-1:2], betas[-1]])
    w = np.gradient(betas) if n_temps > 1 else np.ones(1)
    stat = np.sqrt(np.sum((w * errs) ** 2))
    beta = 1.0 / kT
    omega = (om_hi / kT_high + integral) / beta
    # The block errors of the two legs underestimate the scatter of independent repeats by a factor
    # 1.8-2 (measured over 6 seeds at L = 2 and L = 4): the statistical part is doubled.
    err = np.sqrt(4 * (om_hi_err / kT_high) ** 2 + 4 * stat ** 2 + (integral - coarse) ** 2 / 9) / beta
    return float(omega), float(err), st


def sweep(model: MCModel, mus, kT: float, start: str = "empty", n_equil: int = 200,
          n_measure: int = 1000, seed: int = 0, anchor: bool | str = True) -> Branch:
    """A slow voltage sweep through ``mus`` (in the order given) starting from state ``start``, with
    the fluctuation capacitance and the grand potential by thermodynamic integration in mu.

    omega(mu) = omega(mu_0) - int_mu0^mu nu d mu' (trapezoid).  Anchors: "empty" (sweep upward from a
    dilute mu_0): omega(mu_0) = -kT nu(mu_0) (the dilute tail nu ~ exp(beta mu) integrated exactly);
    an ordered start: ``anchor=True`` (:func:`anchor_cycle`; the sweep then starts from the state
    reached by cooling at mu_0, ``start`` only labels the branch) or ``"ground"``
    (:func:`anchor_omega`, exact only when ``start`` is the ground state at mu_0); ``False``: none.
    """
    mus = np.asarray(mus, dtype=float)
    cycle = bool(anchor) and anchor != "ground" and start != "empty"
    if cycle:  # the branch starts from the state the anchor's cooling reached
        om0, om0_err, first = anchor_cycle(model, mus[0], kT, seed=seed + 1)
        ch = run(model, mus, kT, first, n_equil, n_measure, seed)
    else:
        ch = run(model, mus, kT, start, n_equil, n_measure, seed)
    N = model.lattice.n_nc
    nus = ch.n_series / N
    nu = nus.mean(axis=1)
    nu_err = block_error(nus)
    dnu = ch.n_series.var(axis=1) / (N * kT)
    m10 = (ch.n_series.shape[1] // 10) * 10
    if m10 >= 20:
        bvar = ch.n_series[:, :m10].astype(float).reshape(len(mus), 10, -1).var(axis=2)
        dnu_err = bvar.std(axis=1, ddof=1) / np.sqrt(10) / (N * kT)
    else:
        dnu_err = np.full(len(mus), np.nan)
    if not anchor:
        om0, om0_err = 0.0, np.nan
    elif start == "empty":
        om0, om0_err = -kT * nu[0], kT * nu_err[0]
    elif anchor == "ground":
        om0, om0_err = anchor_omega(model, mus[0], kT, start, seed=seed + 1)
    omega, omega_err = _integrate_omega(mus, nu, nu_err, om0, om0_err)
    return Branch(mus, nu, nu_err, dnu, dnu_err, omega, omega_err, ch, N)


def _integrate_omega(mus, nu, nu_err, om0, om0_err):
    """omega(mu) = omega(mu_0) - int nu d mu (trapezoid) with the propagated errors."""
    steps = np.diff(mus)
    inc = -0.5 * steps * (nu[1:] + nu[:-1])
    omega = om0 + np.concatenate([[0.0], np.cumsum(inc)])
    var_inc = (0.5 * steps) ** 2 * (nu_err[1:] ** 2 + nu_err[:-1] ** 2)
    omega_err = np.sqrt(om0_err ** 2 + np.concatenate([[0.0], np.cumsum(var_inc)]))
    return omega, omega_err


def anchored(branch: Branch, model: MCModel, kT: float, seed: int = 0) -> Branch:
    """The same branch with its grand potential anchored at its first voltage by
    :func:`anchor_cycle` (for a branch swept without an anchor)."""
    om0, om0_err, _ = anchor_cycle(model, branch.mu[0], kT, seed=seed)
    omega, omega_err = _integrate_omega(branch.mu, branch.nu, branch.nu_err, om0, om0_err)
    return Branch(branch.mu, branch.nu, branch.nu_err, branch.dnu_dmu, branch.dnu_dmu_err, omega,
                  omega_err, branch.chain, branch.n_nc)


@dataclass(frozen=True)
class Transition:
    """The first-order charging step from two branches (units e^2/(eps b) for mu).

    mu_star, mu_star_err : equilibrium transition voltage (omega_up = omega_down); hysteresis : whether
    the branches differ somewhere by more than 0.1 and 4 standard errors; jump : Delta nu at the
    transition (the pooled histogram of nu of both sweeps at the grid voltage nearest mu_star, split
    at the density minimum between its outer modes: difference of the two parts' means; 0 if
    unimodal);
    width : voltage over which the equilibrium nu(V) rises from 10 % to 90 % of the step (0 when the
    jump spans it); lo, hi : the plateaus the step connects.
    """

    mu_star: float
    mu_star_err: float
    hysteresis: bool
    jump: float
    width: float
    lo: float
    hi: float


def _modes(values: np.ndarray, bandwidth: float, min_weight: float = 0.05) -> tuple[np.ndarray, float]:
    """Modes of a Gaussian-kernel density of ``values`` (local maxima carrying at least
    ``min_weight`` of the samples within +-2 bandwidths) and the jump between the outermost two:
    the difference of the sample means on either side of the deepest density minimum between them
    (0 for a unimodal sample)."""
    v = np.asarray(values, float)
    grid = np.linspace(v.min() - 3 * bandwidth, v.max() + 3 * bandwidth, 801)
    dens = np.exp(-0.5 * ((grid[:, None] - v[None, :]) / bandwidth) ** 2).sum(axis=1)
    peaks = [k for k in range(1, len(grid) - 1) if dens[k] >= dens[k - 1] and dens[k] > dens[k + 1]]
    peaks = [k for k in peaks if np.mean(np.abs(v - grid[k]) < 2 * bandwidth) >= min_weight]
    if len(peaks) < 2:
        return grid[peaks], 0.0
    a, b = peaks[0], peaks[-1]
    cut = grid[a + int(np.argmin(dens[a:b + 1]))]
    return grid[peaks], float(v[v > cut].mean() - v[v <= cut].mean())


def transition(up: Branch, down: Branch, lo: float = 0.0, hi: float = 1.0,
               bandwidth: float = 0.04) -> Transition:
    """Equilibrium step between plateaus ``lo`` and ``hi`` from an up and a down sweep on the same
    voltage grid (Sec. V): omega crossing (thermodynamic integration), jump and 10-90 % width.

    Without hysteresis (the branches agree within 0.1 or 4 standard errors everywhere) the omega
    crossing is noise, and without grand potentials (a branch swept with ``anchor=False``) there is
    none: mu_star is then where the averaged nu crosses (lo + hi)/2, +- half a grid step.
    """
    order_u = np.argsort(up.mu)
    order_d = np.argsort(down.mu)
    mu = up.mu[order_u]
    if not np.allclose(mu, down.mu[order_d]):
        raise ValueError("up and down sweeps must share the voltage grid")
    nu_u, nu_d = up.nu[order_u], down.nu[order_d]
    eu, ed = up.nu_err[order_u], down.nu_err[order_d]
    diff = up.omega[order_u] - down.omega[order_d]
    diff_err = np.hypot(up.omega_err[order_u], down.omega_err[order_d])
    hysteresis = bool(np.any(np.abs(nu_d - nu_u) > np.maximum(4 * np.hypot(eu, ed), 0.1)))
    mid = 0.5 * (lo + hi)
    mu_star, mu_err = np.nan, np.nan
    have_omega = bool(np.all(np.isfinite(diff_err)))
    if hysteresis and have_omega:
        k = np.flatnonzero((diff[:-1] <= 0) & (diff[1:] > 0))
        if len(k):
            k = k[0]
            t = diff[k] / (diff[k] - diff[k + 1])
            mu_star = mu[k] + t * (mu[k + 1] - mu[k])
            dnu = max(np.interp(mu_star, mu, nu_d) - np.interp(mu_star, mu, nu_u), 1e-3)
            mu_err = float(np.interp(mu_star, mu, diff_err) / dnu)
    if not np.isfinite(mu_star):
        avg = 0.5 * (nu_u + nu_d)
        k = np.flatnonzero((avg[:-1] < mid) & (avg[1:] >= mid))
        k = k[0] if len(k) else int(np.argmin(np.abs(avg - mid)))
        k = min(k, len(mu) - 2)
        t = (mid - avg[k]) / (avg[k + 1] - avg[k]) if avg[k + 1] != avg[k] else 0.5
        mu_star = mu[k] + np.clip(t, 0, 1) * (mu[k + 1] - mu[k])
        mu_err = float(mu[1] - mu[0]) / 2
    # jump: modes of the pooled histogram at the grid point nearest mu_star
    j = int(np.argmin(np.abs(mu - mu_star)))
    pooled = np.concatenate([up.chain.n_series[order_u[j]], down.chain.n_series[order_d[j]]])
    scale = up.n_nc
    _, jump = _modes(pooled / scale, bandwidth)
    # 10-90 % width of the equilibrium curve (up below mu_star, down above)
    eq_nu = np.where(mu < mu_star, nu_u, nu_d)
    width = _rise_width(mu, eq_nu, mu_star, np.interp(mu_star, mu, nu_u), np.interp(mu_star, mu, nu_d),
                        lo + 0.1 * (hi - lo), lo + 0.9 * (hi - lo))
    return Transition(float(mu_star), float(mu_err), hysteresis, jump, float(width), lo, hi)


def _crossing(mu, nu, level):
    k = np.flatnonzero((nu[:-1] < level) & (nu[1:] >= level))
    if not len(k):
        return np.nan
    k = k[0]
    return mu[k] + (level - nu[k]) / (nu[k + 1] - nu[k]) * (mu[k + 1] - mu[k])


def _rise_width(mu, eq_nu, mu_star, nu_below, nu_above, level_lo, level_hi) -> float:
    """Distance between the 10 % and 90 % crossings of the equilibrium curve; a level spanned by the
    jump at mu_star is crossed at mu_star."""
    def cross(level):
        if nu_below < level <= nu_above:
            return mu_star
        return _crossing(mu, eq_nu, level)
    return float(cross(level_hi) - cross(level_lo))


# --------------------------------------------------------------------------------------------------
# exact enumeration (reference for the tests)


def exact_distribution(model: MCModel, mu: float, kT: float) -> np.ndarray:
    """Exact grand-canonical distribution P(N_el) of a small model by enumerating every neutral
    configuration with its spin weight prod g(n_i) (the reference for the engine's detailed balance).

    Feasible up to about 3^n_nc 2^n_pore = 10^5 configurations.
    """
    lat = model.lattice
    count = 3 ** lat.n_nc * 2 ** lat.n_pore
    if count > 2_000_000:
        raise ValueError(f"too many configurations to enumerate ({count})")
    n = np.array(np.meshgrid(*[np.arange(3)] * lat.n_nc, indexing="ij")).reshape(lat.n_nc, -1).T
    c = np.array(np.meshgrid(*[np.arange(2)] * lat.n_pore, indexing="ij")).reshape(lat.n_pore, -1).T
    out = np.zeros(2 * lat.n_nc + 1)
    log_w_all, n_all = [], []
    for ne in range(min(2 * lat.n_nc, lat.n_pore) + 1):
        nn = n[n.sum(axis=1) == ne]
        cc = c[c.sum(axis=1) == ne]
        q = np.concatenate([np.repeat(-nn, len(cc), axis=0),
                            np.tile(cc, (len(nn), 1))], axis=1).astype(float)
        nrep = np.repeat(nn, len(cc), axis=0)
        site = (nrep @ model.eq + (nrep == 2) @ model.er + model.e_ion * ne)
        u = 0.5 * np.einsum("ka,ab,kb->k", q, lat.G, q)
        log_w = -(site + u - mu * ne) / kT + LOG_G[nrep].sum(axis=1)
        log_w_all.append(log_w)
        n_all.append(np.full(len(log_w), ne))
    log_w = np.concatenate(log_w_all)
    ne = np.concatenate(n_all)
    w = np.exp(log_w - log_w.max())
    np.add.at(out, ne, w)
    return out / out.sum()


# --------------------------------------------------------------------------------------------------
# the contrast of Fig. 3: one layer of NCs under a planar metal gate


def gate_layer_model(side: int = 16, a_nm: float = 2.0, b_nm: float = 2.5, material: str = "CdSe",
                     epsilon: float = 2.0, gap_nm: float = 1.25, spread: float = 0.0,
                     disorder_seed: int = 0, replicas: int = 30) -> MCModel:
    """One triangular layer of side x side NCs (NN distance 2b, periodic) whose centres lie
    s = b + gap_nm below a grounded planar metal gate (Fig. 3 of the paper).

    Each electron makes a dipole with its image in the gate; the energy of charges q_i (units of e)
    is 1/2 q.G.q with, in units of e^2/(eps b),

        G_ij = sum_n [1/|r_ij + n| - 1/sqrt(|r_ij + n|^2 + 4 s^2)],
        G_ii = sum_(n != 0) [...] - 1/(2 s)   (the charge with its own image: -q^2/(4 s)),

    summed over the periodic replicas n with |n| <= ``replicas`` layer periods and the rest as a
    continuum, (2 pi / A)(sqrt(R^2 + 4 s^2) - R).  The gate supplies the electrons, so there are no
    cations: the engine's pore sites are dummies with no interaction (each NC's own dummy takes the
    local pair move), and E_q,i, E_r,i are those of :func:`mc_model`.  Raises ValueError for side < 2
    or gap_nm < 0.
    """
    if not isinstance(side, (int, np.integer)) or not 2 <= side <= 64:
        raise ValueError(f"side must be an integer in [2, 64] (got side={side!r})")
    if not (np.isfinite(gap_nm) and gap_nm >= 0):
        raise ValueError(f"gap_nm must be non-negative (got gap_nm={gap_nm!r})")
    base = mc_model(1, a_nm, b_nm, material, epsilon, "octahedral", 0.0, 0.0)
    lv, unit = base.levels, base.unit_ev
    s = 1.0 + gap_nm / b_nm
    a1, a2 = np.array([2.0, 0.0]), np.array([1.0, np.sqrt(3.0)])
    ij = np.array([(i, j) for i in range(side) for j in range(side)])
    pos2 = ij[:, :1] * a1 + ij[:, 1:] * a2
    A1, A2 = side * a1, side * a2
    area = abs(A1[0] * A2[1] - A1[1] * A2[0])
    R = replicas * side * 2.0
    m = int(np.ceil(R / (side * np.sqrt(3.0)))) + 1
    pq = np.array([(p, q) for p in range(-m, m + 1) for q in range(-m, m + 1)])
    reps = pq[:, :1] * A1 + pq[:, 1:] * A2
    reps = reps[np.linalg.norm(reps, axis=1) <= R]
    # G depends on r_i - r_j only: evaluate from site 0 to every site
    g0 = np.empty(len(pos2))
    for k, r0 in enumerate(pos2):
        d = np.linalg.norm(r0 + reps, axis=1)
        far = d > 1e-9
        g0[k] = np.sum(1.0 / d[far]) - np.sum(1.0 / np.sqrt(d ** 2 + 4 * s * s))
    g0 += 2 * np.pi / area * (np.sqrt(R * R + 4 * s * s) - R)
    # index of r_i - r_j on the periodic layer
    diff = (ij[:, None, :] - ij[None, :, :]) % side
    G_nc = g0[diff[..., 0] * side + diff[..., 1]]
    G_nc = 0.5 * (G_nc + G_nc.T)
    n = side * side
    G = np.zeros((2 * n, 2 * n))
    G[:n, :n] = G_nc
    positions = np.zeros((2 * n, 3))
    positions[:n, :2] = pos2
    positions[n:, :2] = pos2
    positions[n:, 2] = 2 * s  # the dummy of NC i sits at its image (for the record only)
    box_nb = []
    for i in range(n):
        d = pos2 - pos2[i]
        frac = d @ np.linalg.inv(np.array([A1, A2]))
        frac -= np.round(frac)
        d = frac @ np.array([A1, A2])
        r = np.linalg.norm(d, axis=1)
        box_nb.append(np.flatnonzero(np.abs(r - 2.0) < 1e-6))
    nb = np.array(box_nb, dtype=np.int64) if side >= 3 else _neighbour_lists(pos2, 1.0, False)
    lat = MCLattice(int(side), "gate", positions, np.ascontiguousarray(G), n, n, nb, nb,
                    np.arange(n, dtype=np.int64)[:, None], np.zeros(n, np.int64))
    if spread > 0:
        xi = np.random.default_rng(disorder_seed).standard_normal(n)
        radii = np.clip(a_nm * (1.0 + spread * xi), 0.5 * a_nm, np.nextafter(b_nm, 0))
    else:
        radii = np.full(n, float(a_nm))
    eq = np.array([wavefunction.confinement_energy_ev(r, lv.device.m_eff) for r in radii]) / unit
    er = wavefunction.coulomb_1s1s() * b_nm / radii
    return MCModel(lat, eq, er, 0.0, unit, lv, float(spread), radii)


def gate_onset(model: MCModel) -> float:
    """mu at which the first electron enters the empty gated layer, E_q + G_ii/2, e^2/(eps b)."""
    return float(np.mean(model.eq) + 0.5 * model.lattice.G[0, 0])


# --------------------------------------------------------------------------------------------------
# charging curves in volts: the quantitative Fig. 4


_STEP_STATES = {("octahedral", 1): ("empty", "full"), ("tetrahedral", 1): ("empty", "zincblende"),
                ("tetrahedral", 2): ("zincblende", "fluorite"), ("gate", 1): ("empty", "full")}


@dataclass(frozen=True, eq=False)
class ChargingCurve:
    """nu(V) and C(V) of one sample on up and down sweeps through one step (Sec. V, Fig. 4).

    volts : (m,) gate voltages (ascending), V; nu_up/nu_down (+ _err) : filling per NC on the two
    sweeps; C_up/C_down (+ _err) : C/(e N) = d nu / dV from the fluctuation formula var(N)/(N kT), 1/V;
    omega_up/omega_down : grand potential per NC, eV; V_star, V_star_err : equilibrium step voltage
    (V); V_sec3 : Sec. III's e V1 or e V2 (V); jump : Delta nu at V_star; width_mV : 10-90 % rise of
    the equilibrium nu(V) (0 when the jump spans it) at the resolution of this grid only
    (:func:`peak_width` resolves it); hysteresis; height : largest equilibrium C/(eN)
    on the grid, 1/V (the continuous part; a jump adds a delta of weight ``jump``); T_kelvin, kT_unit :
    temperature in K and in e^2/(eps b); unit_ev : e^2/(eps b) in eV; step : 1 or 2.
    """

    volts: np.ndarray
    nu_up: np.ndarray
    nu_up_err: np.ndarray
    nu_down: np.ndarray
    nu_down_err: np.ndarray
    C_up: np.ndarray
    C_down: np.ndarray
    C_up_err: np.ndarray
    C_down_err: np.ndarray
    omega_up: np.ndarray
    omega_down: np.ndarray
    V_star: float
    V_star_err: float
    V_sec3: float
    jump: float
    width_mV: float
    hysteresis: bool
    height: float
    T_kelvin: float
    kT_unit: float
    unit_ev: float
    step: int

    def as_arrays(self) -> dict[str, np.ndarray]:
        """All fields as numpy arrays (for :func:`supercrystal.book.datafiles.cached`)."""
        return {k: np.asarray(getattr(self, k)) for k in self.__dataclass_fields__}

    @classmethod
    def from_arrays(cls, d) -> "ChargingCurve":
        kw = {}
        for k, f in cls.__dataclass_fields__.items():
            v = np.asarray(d[k])
            kw[k] = v if v.ndim else (bool(v) if f.type == "bool" else
                                      int(v) if f.type == "int" else float(v))
        return cls(**kw)


def charging_curve(model: MCModel, T_kelvin: float, step: int = 1, window: tuple = (-0.7, 0.5),
                   n_volts: int = 48, n_equil: int = 150, n_measure: int = 600,
                   seed: int = 0, anchor: bool = True) -> ChargingCurve:
    """Up and down sweeps through the ``step``-th charging step at temperature ``T_kelvin`` (Sec. V).

    The grid spans ``window`` (units of e^2/(eps b)) around the Sec. III step voltage (Eqs. 6, 12);
    for the gated layer of Fig. 3 (:func:`gate_layer_model`) around the first electron's entry
    (:func:`gate_onset`, reported as ``V_sec3``).
    The up sweep starts from the lower plateau's state, the down sweep from the upper one's
    (octahedral: empty / rock salt; tetrahedral: empty / zinc blende, zinc blende / fluorite); the
    equilibrium step is where their grand potentials cross (:func:`transition`).  The ordered
    branches are anchored (:func:`anchor_cycle`) only when the sweeps show hysteresis; without it
    the step is where the mean filling crosses the middle of the step, and omega_down is only
    defined up to a constant (NaN errors).  ``anchor=False`` skips the anchors altogether (the step
    is then the middle of the loop: enough for the jump and the width, not for V*).
    """
    if not (np.isfinite(T_kelvin) and 0 < T_kelvin <= 5000):
        raise ValueError(f"T_kelvin must lie in (0, 5000] (got T_kelvin={T_kelvin!r})")
    key = (model.lattice.pore, step)
    if key not in _STEP_STATES:
        raise ValueError(f"step must be 1 (octahedral) or 1, 2 (tetrahedral) (got step={step!r})")
    if n_volts < 5:
        raise ValueError(f"n_volts must be >= 5 (got n_volts={n_volts!r})")
    unit = model.unit_ev
    lv = model.levels
    if model.lattice.pore == "gate":  # the window is relative to the first electron's entry
        v_sec3 = gate_onset(model) * unit
    else:
        v_sec3 = lv.V1 if step == 1 else lv.V2
    kT = kT_ev(T_kelvin) / unit
    mus = v_sec3 / unit + np.linspace(window[0], window[1], n_volts)
    lo_state, hi_state = _STEP_STATES[key]
    up = sweep(model, mus, kT, lo_state, n_equil, n_measure, seed, anchor=lo_state == "empty")
    dn = sweep(model, mus[::-1], kT, hi_state, n_equil, n_measure, seed + 1, anchor=False)
    tr = transition(up, dn, step - 1.0, float(step))
    if tr.hysteresis and anchor:  # the grand potentials are needed: anchor the ordered branch(es)
        if lo_state != "empty":
            up = anchored(up, model, kT, seed + 2)
        dn = anchored(dn, model, kT, seed + 3)
        tr = transition(up, dn, step - 1.0, float(step))
    r = slice(None, None, -1)
    C_up, C_dn = up.dnu_dmu / unit, dn.dnu_dmu[r] / unit
    eq_C = np.where(mus < tr.mu_star, C_up, C_dn)
    return ChargingCurve(
        volts=mus * unit, nu_up=up.nu, nu_up_err=up.nu_err, nu_down=dn.nu[r], nu_down_err=dn.nu_err[r],
        C_up=C_up, C_down=C_dn, C_up_err=up.dnu_dmu_err / unit, C_down_err=dn.dnu_dmu_err[r] / unit,
        omega_up=up.omega * unit, omega_down=dn.omega[r] * unit,
        V_star=tr.mu_star * unit, V_star_err=tr.mu_star_err * unit, V_sec3=float(v_sec3),
        jump=tr.jump, width_mV=1e3 * tr.width * unit, hysteresis=tr.hysteresis,
        height=float(np.max(eq_C)), T_kelvin=float(T_kelvin), kT_unit=float(kT), unit_ev=float(unit),
        step=int(step))


@dataclass(frozen=True)
class DeviceParams:
    """The physical inputs of a Monte Carlo run (Sec. V defaults: CdSe, a = 2 nm, b = 2.5 nm,
    eps = eps_i = 2, octahedral pores, E_ion = 0).  ``pore="gate"``: the single layer under a metal
    gate of Fig. 3, (4L)^2 NCs whose shells are ``gap_nm`` from the gate plane."""

    L: int = 4
    a_nm: float = 2.0
    b_nm: float = 2.5
    material: str = "CdSe"
    epsilon: float = 2.0
    pore: str = "octahedral"
    e_ion_ev: float = 0.0
    gap_nm: float = 1.25

    def model(self, spread: float = 0.0, disorder_seed: int = 0) -> MCModel:
        if self.pore == "gate":  # Fig. 3: a layer of (4L)^2 NCs (N = 256 for L = 4, as 4 L^3)
            return gate_layer_model(4 * self.L, self.a_nm, self.b_nm, self.material, self.epsilon,
                                    self.gap_nm, spread, disorder_seed)
        return mc_model(self.L, self.a_nm, self.b_nm, self.material, self.epsilon, self.pore,
                        self.e_ion_ev, spread, disorder_seed)

    def as_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass(frozen=True)
class RunParams:
    """Monte Carlo effort: voltages per sweep, sweeps to equilibrate and to measure per voltage,
    the voltage window around the Sec. III step in e^2/(eps b), and whether a hysteretic step is
    located by the grand-potential crossing (``anchor``; else the middle of the loop)."""

    n_volts: int = 48
    n_equil: int = 150
    n_measure: int = 600
    window: tuple = (-0.7, 0.5)
    anchor: bool = True

    def as_dict(self) -> dict:
        return dict(n_volts=self.n_volts, n_equil=self.n_equil, n_measure=self.n_measure,
                    window=list(self.window), anchor=self.anchor)


def curve(dev: DeviceParams, T_kelvin: float, spread: float = 0.0, realisation: int = 0,
          run: RunParams = RunParams(), seed: int = 0, step: int = 1,
          use_cache: bool = True) -> ChargingCurve:
    """:func:`charging_curve` of one disorder realisation, cached in ``data/cache`` under every
    parameter and the seed (realisation r uses disorder seed r and chain seed seed + 1000 r)."""
    params = dict(dev.as_dict(), T_kelvin=float(T_kelvin), spread=float(spread),
                  realisation=int(realisation), seed=int(seed), step=int(step), engine=ENGINE_VERSION,
                  **run.as_dict())

    def compute():
        m = dev.model(spread, realisation)
        return charging_curve(m, T_kelvin, step, tuple(run.window), run.n_volts, run.n_equil,
                              run.n_measure, seed + 1000 * realisation, run.anchor).as_arrays()

    if not use_cache:
        return ChargingCurve.from_arrays(compute())
    from supercrystal.book.datafiles import cached
    return ChargingCurve.from_arrays(cached("mc-curve", params, compute))


@dataclass(frozen=True)
class DisorderAverage:
    """Averages over quenched size-disorder realisations (Sec. V, Eq. 13): mean and standard error of
    the mean of the jump, the 10-90 % width (mV), the step voltage (V) and the peak height (1/V);
    ``curves`` the individual realisations."""

    spread: float
    T_kelvin: float
    jump: float
    jump_err: float
    width_mV: float
    width_mV_err: float
    V_star: float
    V_star_err: float
    height: float
    height_err: float
    curves: tuple


def disorder_average(dev: DeviceParams, T_kelvin: float, spread: float, realisations: int = 3,
                     run: RunParams = RunParams(), seed: int = 0) -> DisorderAverage:
    """Average :func:`curve` over ``realisations`` disorder samples (one sample when spread = 0)."""
    if realisations < 1:
        raise ValueError(f"realisations must be >= 1 (got realisations={realisations!r})")
    nreal = 1 if spread == 0 else int(realisations)
    cs = tuple(curve(dev, T_kelvin, spread, r, run, seed) for r in range(nreal))

    def ms(x):
        x = np.asarray(x, float)
        return float(np.mean(x)), float(np.std(x, ddof=1) / np.sqrt(len(x))) if len(x) > 1 else 0.0

    j, je = ms([c.jump for c in cs])
    w, we = ms([c.width_mV for c in cs])
    v, ve = ms([c.V_star for c in cs])
    if nreal == 1:
        ve = cs[0].V_star_err
    h, he = ms([c.height for c in cs])
    return DisorderAverage(float(spread), float(T_kelvin), j, je, w, we, v, ve, h, he, cs)


#: Order-parameter exponent of the 3D Ising universality class (liquid-gas and ionic criticality).
BETA_ISING = 0.326


@dataclass(frozen=True)
class CooperativityEnd:
    """Temperature at which the jump of nu(V) disappears (Sec. V's W ~ 5 k_B T, computed).

    T_kelvin, T_kelvin_err : end of the first-order line from the fit jump^(1/beta) linear in T
    (beta = 0.326, 3D Ising), on the temperatures whose jump exceeds ``fit_min``; the error is the
    fit's standard error of the intercept.  kT_unit : the same in e^2/(eps b); W_over_kT : the
    Sec. III collective gain W = (M - 1) e^2/(eps d) over k_B T_end; T_zero : the first temperature of
    the grid without a jump (finite-size rounding keeps a small jump above the true end);
    temperatures, jumps : the grid (K) and the jump at each temperature.
    """

    T_kelvin: float
    T_kelvin_err: float
    kT_unit: float
    W_over_kT: float
    T_zero: float
    temperatures: np.ndarray
    jumps: np.ndarray


def cooperativity_end(dev: DeviceParams, T_grid, spread: float = 0.0,
                      run: RunParams = RunParams(n_volts=28, window=(-0.45, 0.25), anchor=False),
                      seed: int = 0, fit_min: float = 0.25) -> CooperativityEnd:
    """End of cooperativity from the jump of nu at the step over ``T_grid`` (K), Sec. V.

    Near the end point the jump vanishes as (T_c - T)^beta; jump^(1/beta) is fitted linearly in T
    on the points with jump >= ``fit_min`` (smaller jumps are dominated by finite-size rounding).
    """
    from supercrystal.semiconductor.energies import collective_gain

    T_grid = np.sort(np.asarray(T_grid, float))
    js = np.array([curve(dev, T, spread, 0, run, seed).jump for T in T_grid])
    use = js >= fit_min
    if use.sum() < 2:
        raise ValueError(f"T_grid needs >= 2 temperatures with jump >= {fit_min} (got jumps "
                         f"{np.round(js, 3).tolist()})")
    x, y = T_grid[use], js[use] ** (1.0 / BETA_ISING)
    if use.sum() >= 3:
        (slope, icpt), cov = np.polyfit(x, y, 1, cov=True)
        t_c = -icpt / slope
        grad = np.array([icpt / slope**2, -1.0 / slope])
        err = float(np.sqrt(grad @ cov @ grad))
    else:
        slope, icpt = np.polyfit(x, y, 1)
        t_c = -icpt / slope
        err = float(np.diff(T_grid).max() / 2)
    zero = T_grid[js == 0.0]
    m = dev.model()
    kt = kT_ev(t_c) / m.unit_ev
    return CooperativityEnd(float(t_c), err, float(kt), float(collective_gain(dev.pore) / kt),
                            float(zero[0]) if len(zero) else float("nan"), T_grid, js)


@dataclass(frozen=True, eq=False)
class PeakMap:
    """Jump, 10-90 % width (mV) and continuous peak height of C/(eN) (1/V) over a grid of temperature
    (K) and size spread, each the mean over disorder realisations with its standard error (shape
    (len(T_kelvin), len(spreads)))."""

    T_kelvin: np.ndarray
    spreads: np.ndarray
    jump: np.ndarray
    jump_err: np.ndarray
    width_mV: np.ndarray
    width_mV_err: np.ndarray
    height: np.ndarray
    height_err: np.ndarray


def peak_map(dev: DeviceParams, T_kelvin, spreads, realisations: int = 2,
             run: RunParams = RunParams(), seed: int = 0, progress=None) -> PeakMap:
    """:func:`disorder_average` on every (T, spread) of the grid (Sec. V's two enemies together).
    ``progress`` wraps the iterator (e.g. tqdm)."""
    T_kelvin = np.asarray(T_kelvin, float)
    spreads = np.asarray(spreads, float)
    out = np.full((6, len(T_kelvin), len(spreads)), np.nan)
    grid = [(i, j) for i in range(len(T_kelvin)) for j in range(len(spreads))]
    for i, j in (progress(grid) if progress else grid):
        d = disorder_average(dev, T_kelvin[i], spreads[j], realisations, run, seed)
        out[:, i, j] = d.jump, d.jump_err, d.width_mV, d.width_mV_err, d.height, d.height_err
    return PeakMap(T_kelvin, spreads, *out)


# --------------------------------------------------------------------------------------------------
# the resolved width of the charging step: phase-restricted branches on a fine grid


def restricted_branch(model: MCModel, mus, kT: float, phase: str, step: int = 1, cut: float = 0.5,
                      n_equil: int = 200, n_measure: int = 2000, seed: int = 0) -> Branch:
    """One phase's branch of nu(mu) in the grand-canonical ensemble restricted to that phase (Sec. V).

    The electron number is confined to nu < lo + cut (hi - lo) (``phase="low"``, swept upward from the
    lower plateau's state) or nu >= lo + cut (hi - lo) (``"high"``, swept downward from the upper
    one's), lo, hi the plateaus of ``step``.  Near the first-order step of a finite sample the free
    chain flips between the two phases (the finite-size rounding of the jump, and metastable
    excursions past V*); the restricted chain samples one phase only, so its mean is the phase's own
    nu(mu), the quantity that has a thermodynamic limit (Penrose-Lebowitz restricted ensembles).
    ``cut`` = 1/2 puts the wall at the middle of the step, near the density minimum between the two
    coexisting fillings; the wall's position matters only through the rare states near it.
    ``mus`` in e^2/(eps b), any order (sorted ascending for "low", descending for "high").
    """
    if phase not in ("low", "high"):
        raise ValueError(f"phase must be 'low' or 'high' (got phase={phase!r})")
    if not 0.0 < cut < 1.0:
        raise ValueError(f"cut must lie in (0, 1) (got cut={cut!r})")
    key = (model.lattice.pore, step)
    if key not in _STEP_STATES:
        raise ValueError(f"step must be 1 (octahedral) or 1, 2 (tetrahedral) (got step={step!r})")
    N = model.lattice.n_nc
    n_wall = int(np.ceil((step - 1.0 + cut) * N))
    mus = np.sort(np.asarray(mus, float))
    lo_state, hi_state = _STEP_STATES[key]
    if phase == "low":
        rng, start = (0, n_wall - 1), lo_state
    else:
        rng, start, mus = (n_wall, 2 * N), hi_state, mus[::-1]
    ch = run(model, mus, kT, start, n_equil, n_measure, seed, n_range=rng)
    nus = ch.n_series / N
    nu = nus.mean(axis=1)
    dnu = ch.n_series.var(axis=1) / (N * kT)
    nan = np.full(len(mus), np.nan)
    order = np.argsort(mus)
    return Branch(mus[order], nu[order], block_error(nus)[order], dnu[order], nan, nan, nan, ch, N)


def _fit_crossing(mu: np.ndarray, nu: np.ndarray, level: float, half_window: float) -> float:
    """Where a rising curve sampled at ``mu`` crosses ``level``: the first crossing of the linear
    interpolation, refined by a least-squares quadratic through the points within +-``half_window``
    of it (at least the nearest 3).  The fit averages the statistical noise of neighbouring points
    and has no grid-spacing bias once the window holds several points.  NaN if never crossed."""
    k = np.flatnonzero((nu[:-1] < level) & (nu[1:] >= level))
    if not len(k):
        return np.nan
    k = k[0]
    x0 = mu[k] + (level - nu[k]) / (nu[k + 1] - nu[k]) * (mu[k + 1] - mu[k])
    use = np.abs(mu - x0) <= half_window
    if use.sum() < 3:
        use = np.zeros(len(mu), bool)
        use[np.argsort(np.abs(mu - x0))[:3]] = True
    x, y = mu[use] - x0, nu[use] - level
    a, b, c = np.polyfit(x, y, 2)
    if abs(a) < 1e-12 * max(abs(b), 1e-300):
        return float(x0 - c / b)
    disc = b * b - 4 * a * c
    if disc < 0:
        return float(x0)
    roots = (-b + np.array([1.0, -1.0]) * np.sqrt(disc)) / (2 * a)
    return float(x0 + roots[np.argmin(np.abs(roots))])


def _fit_value(mu: np.ndarray, nu: np.ndarray, at: float, half_window: float) -> float:
    """The local quadratic least-squares fit of nu(mu) within +-half_window of ``at``, at ``at``."""
    use = np.abs(mu - at) <= half_window
    if use.sum() < 3:
        use = np.zeros(len(mu), bool)
        use[np.argsort(np.abs(mu - at))[:3]] = True
    return float(np.polyval(np.polyfit(mu[use] - at, nu[use], 2), 0.0))


def equilibrium_width(mu_low, nu_low, mu_high, nu_high, mu_star: float, lo: float = 0.0,
                      hi: float = 1.0, half_window: float = 0.01) -> tuple[float, float, float, float, float]:
    """10-90 % width of the equilibrium nu(mu) built from the two phases' branches (Sec. V).

    Equilibrium: the low phase below the grand-potential crossing mu_star, the high phase above it.
    A level lo + f (hi - lo) is crossed on the low branch if nu_low(mu_star) >= that level, at mu_star
    if the jump spans it, else on the high branch (:func:`_fit_crossing`).  Only each branch's
    equilibrium side enters (low: mu <= mu_star, high: mu >= mu_star): past mu_star a restricted
    branch is metastable and bends sharply towards its wall, which would bias a fit window reaching
    into it.  Returns (width, mu_10, mu_90, nu_low(mu_star), nu_high(mu_star)), same units as mu.
    """
    mu_low, nu_low = np.asarray(mu_low, float), np.asarray(nu_low, float)
    mu_high, nu_high = np.asarray(mu_high, float), np.asarray(nu_high, float)
    tol = 1e-6 * half_window  # grid points at mu_star itself belong to both sides
    keep_l, keep_h = mu_low <= mu_star + tol, mu_high >= mu_star - tol
    mu_low, nu_low, mu_high, nu_high = mu_low[keep_l], nu_low[keep_l], mu_high[keep_h], nu_high[keep_h]
    nl = _fit_value(mu_low, nu_low, mu_star, half_window)
    nh = _fit_value(mu_high, nu_high, mu_star, half_window)

    def cross(level):
        if nl < level <= nh:
            return mu_star
        if level <= nl:
            return _fit_crossing(mu_low, nu_low, level, half_window)
        return _fit_crossing(mu_high, nu_high, level, half_window)

    m10, m90 = cross(lo + 0.1 * (hi - lo)), cross(lo + 0.9 * (hi - lo))
    return float(m90 - m10), float(m10), float(m90), nl, nh


def branch_width(model: MCModel, kT: float, mu_star: float, mu_low, mu_high, step: int = 1,
                 seeds: int = 4, n_equil: int = 200, n_measure: int = 2000, half_window: float = 0.01,
                 cut: float = 0.5, seed: int = 0) -> dict:
    """The engine of :func:`peak_width` in units of e^2/(eps b): ``seeds`` independent
    :func:`restricted_branch` chains of the low phase on ``mu_low`` and of the high phase on
    ``mu_high`` (chain seeds seed + 2s and seed + 2s + 1), the :func:`equilibrium_width` of the
    seed-averaged branches and its jackknife error over the chains.  Returns a dict: width,
    width_err, mu_10, mu_90, nu_low_star, nu_high_star, nu_low, nu_low_err, nu_high, nu_high_err
    (branch errors: seed scatter / sqrt(seeds))."""
    S = int(seeds)
    if S < 2:
        raise ValueError(f"seeds must be >= 2 for an error estimate (got seeds={seeds!r})")
    mu_low, mu_high = np.sort(np.asarray(mu_low, float)), np.sort(np.asarray(mu_high, float))
    nl = np.array([restricted_branch(model, mu_low, kT, "low", step, cut, n_equil, n_measure,
                                     seed + 2 * s).nu for s in range(S)])
    nh = np.array([restricted_branch(model, mu_high, kT, "high", step, cut, n_equil, n_measure,
                                     seed + 2 * s + 1).nu for s in range(S)])
    lo, hi = step - 1.0, float(step)

    def width(idx):
        return equilibrium_width(mu_low, nl[idx].mean(axis=0), mu_high, nh[idx].mean(axis=0), mu_star,
                                 lo, hi, half_window)

    w, m10, m90, ns_lo, ns_hi = width(np.arange(S))
    jk = np.array([width(np.delete(np.arange(S), j))[0] for j in range(S)])
    err = float(np.sqrt((S - 1) / S * np.sum((jk - jk.mean()) ** 2)))
    sem = lambda x: x.std(axis=0, ddof=1) / np.sqrt(S)
    return dict(width=w, width_err=err, mu_10=m10, mu_90=m90, nu_low_star=ns_lo, nu_high_star=ns_hi,
                nu_low=nl.mean(axis=0), nu_low_err=sem(nl), nu_high=nh.mean(axis=0), nu_high_err=sem(nh))


@dataclass(frozen=True, eq=False)
class PeakWidth:
    """Resolved 10-90 % width of the equilibrium charging step (Sec. V), from phase-restricted branches.

    width_mV, width_mV_err : the width and its jackknife error over the independent chains (seeds);
    V_10, V_90 : where the equilibrium nu(V) crosses 10 % and 90 % of the step (V); V_star : the
    grand-potential crossing used (V, from the coarse anchored :func:`curve`); nu_low_star,
    nu_high_star : the two phases' fillings at V_star (the jump is their difference); spacing_mV : grid
    step; fit_mV : half-window of the local fits; L, T_kelvin, seeds; volts_low, nu_low, nu_low_err
    and volts_high, nu_high, nu_high_err : the seed-averaged branches (errors: seed scatter / sqrt(S)).
    """

    width_mV: float
    width_mV_err: float
    V_10: float
    V_90: float
    V_star: float
    nu_low_star: float
    nu_high_star: float
    spacing_mV: float
    fit_mV: float
    L: int
    T_kelvin: float
    seeds: int
    volts_low: np.ndarray
    nu_low: np.ndarray
    nu_low_err: np.ndarray
    volts_high: np.ndarray
    nu_high: np.ndarray
    nu_high_err: np.ndarray

    as_arrays = ChargingCurve.as_arrays
    from_arrays = classmethod(ChargingCurve.from_arrays.__func__)


def peak_width(dev: DeviceParams, T_kelvin: float, spacing_mV: float = 1.0, seeds: int = 4,
               n_equil: int = 200, n_measure: int = 2000, fit_mV: float = 2.5, cut: float = 0.5,
               reference: DeviceParams | None = None, run: RunParams = RunParams(), seed: int = 0,
               use_cache: bool = True) -> PeakWidth:
    """The 10-90 % width of the equilibrium nu(V) at temperature ``T_kelvin``, resolved (Sec. V, Fig. 4).

    Definition (it has a thermodynamic limit): below the grand-potential crossing V* the equilibrium
    filling is the low phase's nu(V), above it the high phase's; the width is V_90 - V_10 on that
    curve.  Where the transition is still first order (a jump of nu at V*, about 0.5 at 300 K for the
    CdSe defaults) the jump contributes only if it spans a level; its finite-size rounding (a sample
    flipping between the phases over ~ k_BT / (N Delta nu) around V*, and metastable excursions past
    V*) is *not* part of the width: each phase's branch is computed in the ensemble restricted to it
    (:func:`restricted_branch`), so no mixture of phases enters.

    Method: ``seeds`` independent chains per branch on the grid V* + k ``spacing_mV`` (nested when the
    spacing is halved), for the low branch from ``fit_mV`` below the last voltage where the coarse
    equilibrium curve of ``reference`` (default: ``dev``; :func:`curve` with ``run``) is below 5 % of
    the step up to V* + 2 mV, and symmetrically for the high one (so the grid spans the rise from 5 %
    to 95 %, and every fit window is full; the points past V* are shown, not fitted); crossings by
    local quadratic fits over +-``fit_mV`` on each branch's equilibrium side of V*; the error is the jackknife over the chains.  V* is the coarse curve's; it enters only
    if the jump spans a level (nu_low_star, nu_high_star tell).  Cached in ``data/cache`` (mc-width).
    Raises ValueError for spacing_mV outside [0.05, 10] or seeds < 2.
    """
    if not (np.isfinite(spacing_mV) and 0.05 <= spacing_mV <= 10.0):
        raise ValueError(f"spacing_mV must lie in [0.05, 10] (got spacing_mV={spacing_mV!r})")
    if int(seeds) < 2:
        raise ValueError(f"seeds must be >= 2 for an error estimate (got seeds={seeds!r})")
    ref = dev if reference is None else reference
    params = dict(dev.as_dict(), T_kelvin=float(T_kelvin), spacing_mV=float(spacing_mV),
                  seeds=int(seeds), n_equil=int(n_equil), n_measure=int(n_measure),
                  fit_mV=float(fit_mV), cut=float(cut), reference=ref.as_dict(), run=run.as_dict(),
                  seed=int(seed), engine=ENGINE_VERSION)

    def compute():
        coarse = curve(ref, T_kelvin, 0.0, 0, run, seed)
        lo, hi = coarse.step - 1.0, float(coarse.step)
        v_star = coarse.V_star
        eq_nu = np.where(coarse.volts < v_star, coarse.nu_up, coarse.nu_down)
        below = np.flatnonzero((coarse.volts < v_star) & (eq_nu <= lo + 0.05 * (hi - lo)))
        above = np.flatnonzero((coarse.volts > v_star) & (eq_nu >= hi - 0.05 * (hi - lo)))
        v_a = (coarse.volts[below[-1]] if len(below) else coarse.volts[0]) - 1e-3 * fit_mV
        v_b = (coarse.volts[above[0]] if len(above) else coarse.volts[-1]) + 1e-3 * fit_mV
        h = 1e-3 * spacing_mV
        margin = int(np.ceil(2e-3 / h))
        k_low = np.arange(int(np.floor((v_a - v_star) / h)), margin + 1)
        k_high = np.arange(-margin, int(np.ceil((v_b - v_star) / h)) + 1)
        m = dev.model()
        unit = m.unit_ev
        v_low, v_high = v_star + h * k_low, v_star + h * k_high
        r = branch_width(m, kT_ev(T_kelvin) / unit, v_star / unit, v_low / unit, v_high / unit,
                         coarse.step, int(seeds), n_equil, n_measure, 1e-3 * fit_mV / unit, cut, seed)
        return PeakWidth(1e3 * r["width"] * unit, 1e3 * r["width_err"] * unit, r["mu_10"] * unit,
                         r["mu_90"] * unit, float(v_star), r["nu_low_star"], r["nu_high_star"],
                         float(spacing_mV), float(fit_mV), int(dev.L), float(T_kelvin), int(seeds),
                         v_low, r["nu_low"], r["nu_low_err"], v_high, r["nu_high"],
                         r["nu_high_err"]).as_arrays()

    if not use_cache:
        return PeakWidth.from_arrays(compute())
    from supercrystal.book.datafiles import cached
    return PeakWidth.from_arrays(cached("mc-width", params, compute))


#: Temperatures around the end of cooperativity, k_B T in e^2/(eps b) (lowest, highest, number):
#: k_B T_c is about 0.095 e^2/(eps b) for both pore kinds' gains, whatever E_q (260-400 K by default).
T_END_GRID_UNIT = (0.078, 0.12, 8)


def end_grid_kelvin(dev: "DeviceParams", lo: float = T_END_GRID_UNIT[0], hi: float = T_END_GRID_UNIT[1],
                    n: int = T_END_GRID_UNIT[2]) -> np.ndarray:
    """Temperatures (K, rounded to 0.1 K) whose k_B T spans [lo, hi] e^2/(eps b) for this device."""
    unit = dev.model().unit_ev
    return np.round(np.linspace(lo, hi, n) * unit / kT_ev(1.0), 1)
#: Cheaper sweeps for locating the end of cooperativity (only the jump is needed, no anchors).
T_END_RUN = RunParams(n_volts=28, window=(-0.45, 0.25), anchor=False)


#: Independent chains of the resolved room-temperature width (:func:`peak_width`): the chapter's and
#: the claims' default.
WIDTH_SEEDS = 8
