"""Metallic nanocrystals: single-pair and filled-lattice energies solved exactly (Sec. IV, App. A, B).

The NCs are conducting spheres of radius a_m = rho b (0 < rho <= 1; the paper's case is rho = 1,
touching spheres) on the fcc lattice (NN distance 2b, cations at the octahedral pores) or the
simple cubic lattice (NN distance 2b, cation at the cube centre).  Lengths are in units of b,
energies in e^2/b (epsilon = 1 outside the metal), cations are point charges +e.

Energies (the self-energy e^2/(2 a_m) of the charged NC is always subtracted):

* ``consistent``: total electrostatic energy minus the isolated self-energies,
  U = 1/2 e phi_s(r_c) + 1/2 sum_i Q_i V_i - sum_i Q_i^2/(2 a_m).  This is the definition that the
  filled-lattice energy per pair uses (Sec. IV, App. B), so it is the one that decides
  cooperativity.
* ``paper``: 1/2 e phi_s(r_c) only, phi_s the potential of all the sphere charges at the cation
  (App. A: "1/2 times the interaction of the cation with all induced images").  Since
  V_i - Q_i/a_m is the average over sphere i of the potential of everything else,
  U_consistent = U_paper + 1/2 sum_i Q_i <phi_others>_i: the paper's definition halves the direct
  Coulomb attraction between the electron's charge and the cation, which is not an image
  interaction.  At rho -> 0 the consistent energy tends to -e^2/d (d the NC-cation distance), the
  paper's to -e^2/(2d).

The filled lattice (every NC at -e, every pore at +e) is solved periodically: by the Oh site
symmetry each sphere carries only the cubic harmonics l = 0, 4, 6, 8, ...; the point charges and
the sphere monopoles act through the Ewald potential, the induced multipoles through absolutely
convergent lattice sums (coupling of orders l, l' >= 4 falls as R^-(l+l'+1)), and the energy per
pair is

    u_full = -M / d + 1/2 sum_{l>=4, m} (2l+1) a_m / (4 pi) A_lm phi0_lm ,

M the rock-salt (fcc) or CsCl (sc) Madelung constant, A_lm the induced multipoles and phi0_lm the
projection on the sphere of the potential of the point charges and the other spheres' monopoles
(derivation in the chapter).  At rho -> 0 it reduces to the Madelung energy.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from supercrystal.lattice import geometry
from supercrystal.lattice.geometry import check_rho
from supercrystal.lattice.ewald import ewald_potential, madelung
from supercrystal.spheres.harmonics import sphere_projection, sphere_quadrature, wigner_real_batch
from supercrystal.spheres.multipole import Conductor, axial_coupling, rotation_to_z
from supercrystal.spheres.symmetry import solve_conductors

STATES = ("single", "filled")
SPHERES = ("six", "converged")
DEFINITIONS = ("consistent", "paper")


def check_choice(name: str, value, allowed) -> str:
    """Return ``value`` if it is one of ``allowed``, else raise ``ValueError`` naming ``name``."""
    if value not in allowed:
        raise ValueError(f"{name} must be one of {allowed} (got {name}={value!r})")
    return value


# --------------------------------------------------------------------------- geometry
def pore_centre(lattice: str) -> np.ndarray:
    """Position of the pore whose cation forms the single pair (units of b)."""
    return geometry.pore_sites(geometry.CATION_PORE[geometry.check_lattice(lattice)], lattice)[0]


def cluster(lattice: str, n_shells: int) -> tuple[np.ndarray, np.ndarray]:
    """NC centres of the first ``n_shells`` shells around the pore centre (cation at the origin).

    Returns (centres (n, 3) relative to the cation, shell radii).  The first centre is the NC that
    carries the electron: the nearest one along +x (fcc) or along (+,+,+) (sc).
    """
    c = pore_centre(lattice)
    ncs = geometry.nc_cluster(lattice, n_shells + 1) - c
    d = np.linalg.norm(ncs, axis=1)
    radii = np.unique(np.round(d, 9))
    keep = d <= radii[n_shells - 1] + 1e-9
    pts, d = ncs[keep], d[keep]
    # order: by distance, the charged NC first (largest x, then y, then z among the nearest)
    key = np.lexsort((-pts[:, 2], -pts[:, 1], -pts[:, 0], np.round(d, 9)))
    return pts[key], radii[:n_shells]


def touching_groups(centres: np.ndarray, radius: float) -> list[list[int]]:
    """Connected components of spheres that touch (centre distance <= 2 radius)."""
    n = len(centres)
    parent = list(range(n))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    d = np.linalg.norm(centres[:, None] - centres[None], axis=-1)
    for i, j in zip(*np.nonzero(np.triu(d <= 2 * radius * (1 + 1e-12), 1))):
        parent[find(i)] = find(j)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(i)
    return sorted(groups.values())


# --------------------------------------------------------------------------- single pair
@dataclass(frozen=True)
class SinglePair:
    """One cation (+e at the pore centre) and one electron (-e on a nearest NC) in an empty lattice.

    Attributes
    ----------
    lattice, rho, n_shells, n_spheres, order : what was solved.
    consistent : total energy minus the isolated self-energy e^2/(2 a_m), e^2/b.
    paper : 1/2 e phi_s(r_c), the paper's App. A definition, e^2/b.
    error : |change| of the consistent energy from order - 4 to order (truncation estimate).
    connected : True if touching spheres were merged into conductors (rho = 1).
    """

    lattice: str
    rho: float
    n_shells: int
    n_spheres: int
    order: int
    consistent: float
    paper: float
    error: float
    connected: bool


def _pair_setup(lattice: str, rho: float, n_shells: int, order: int, far_order: int | None,
                merge: bool = False):
    """Centres, per-sphere orders and conductors of the single pair among ``n_shells`` shells."""
    centres, _ = cluster(lattice, n_shells)
    d = np.linalg.norm(centres, axis=1)
    orders = np.full(len(centres), order)
    if far_order is not None:
        orders[d > d.min() + 1e-9] = np.minimum(order, far_order)
    if merge:
        groups = [list(range(len(centres)))]
    elif rho >= 1.0 - 1e-12:
        groups = touching_groups(centres, rho)
    else:
        groups = [[i] for i in range(len(centres))]
    conductors = [Conductor(tuple(g), charge=-1.0 if 0 in g else 0.0) for g in groups]
    return centres, orders, conductors


def _pair_energies(sol, rho: float) -> tuple[float, float, int, bool]:
    """(consistent, paper, spheres, connected) of a solved single pair (module docstring)."""
    consistent = sol.energy - 1.0 / (2 * rho)
    paper = 0.5 * float(sol.point_potentials[0])
    return consistent, paper, sol.n_spheres, sol.n_conductors < sol.n_spheres


def _pair_solution(lattice: str, rho: float, n_shells: int, order: int, far_order: int | None,
                   merge: bool = False):
    centres, orders, conductors = _pair_setup(lattice, rho, n_shells, order, far_order, merge)
    sol, = solve_conductors(centres, rho, orders, [len(centres)], [[0.0, 0.0, 0.0]], [1.0], [conductors])
    return _pair_energies(sol, rho)


def _nested_pair_solutions(lattice: str, rho: float, n_shells: int, order: int, far_order: int | None):
    """:func:`_pair_solution` for 1 .. n_shells shells at once: the smaller clusters are leading
    sub-blocks of the largest (same spheres first, same orders), solved with one factorisation.

    The pair is left unchanged by the cubic operations that fix the cation and the electron (C4v fcc, C3v
    sc), so every system is solved in their symmetric subspace (:func:`.symmetry.solve_conductors`, about
    1/8 or 1/6 of the unknowns), with the same energies to rounding.
    """
    centres, orders, _ = _pair_setup(lattice, rho, n_shells, order, far_order)
    setups = [_pair_setup(lattice, rho, ns, order, far_order) for ns in range(1, n_shells + 1)]
    for c, o, _ in setups:  # the nesting that the block elimination relies on
        assert np.array_equal(c, centres[:len(c)]) and np.array_equal(o, orders[:len(c)])
    sols = solve_conductors(centres, rho, orders, [len(c) for c, _, _ in setups], [[0.0, 0.0, 0.0]], [1.0],
                            [cond for _, _, cond in setups])
    return [_pair_energies(sol, rho) for sol in sols]


def connected_pair(lattice: str, rho: float, order: int | None = None) -> tuple[float, float]:
    """Nearest-shell single pair with all its spheres joined into one conductor of charge -e.

    The lower bound of the isolated-sphere energy (the minimum over all ways of sharing the
    electron among the shell) and its limit as rho -> 1, where the charge-transfer capacitances of
    nearly touching spheres diverge like ln(1/gap) (Sec. IV).  Returns (consistent, paper), e^2/b.
    """
    geometry.check_lattice(lattice)
    rho = check_rho(rho)
    c, p, _, _ = _pair_solution(lattice, rho, 1, order or default_order(rho), None, merge=True)
    return c, p


def single_pair(
    lattice: str, rho: float, n_shells: int = 1, order: int | None = None,
    far_order: int | None = None,
) -> SinglePair:
    """Energy of one electron-cation pair among the first ``n_shells`` NC shells (Sec. IV, App. A).

    n_shells = 1 is the paper's approximation (the six NN spheres of the octahedral pore; eight for
    sc).  At rho = 1 touching spheres form one conductor (the limit rho -> 1 of isolated spheres,
    see the chapter).  ``order`` defaults to a value that converges the energy to ~1e-9 (checked
    against order - 4, reported as ``error``); ``far_order`` caps the order of the outer shells.
    """
    geometry.check_lattice(lattice)
    rho = check_rho(rho)
    if n_shells < 1:
        raise ValueError(f"n_shells must be >= 1 (got n_shells={n_shells})")
    if order is None:
        order = default_order(rho)
    c, p, n, conn = _pair_solution(lattice, rho, n_shells, order, far_order)
    c0, _, _, _ = _pair_solution(lattice, rho, n_shells, max(order - 4, 1), far_order)
    return SinglePair(lattice, rho, n_shells, n, order, c, p, abs(c - c0), conn)


def default_order(rho: float) -> int:
    """Expansion order that converges the energies to ~1e-9 at this rho (measured, see tests).

    The truncation error falls like exp(-2 L arccosh(1/rho)) for isolated spheres; touching
    spheres at one potential (rho = 1) converge about as fast as rho = 0.9.
    """
    if rho >= 1.0 - 1e-12:
        return 28
    k = np.arccosh(1.0 / rho)
    return int(min(40, max(12, np.ceil(10.0 / k))))


# --------------------------------------------------------------------------- filled lattice
#: generators of the rotations of O_h: C4 about z and C3 about (1, 1, 1); the inversion keeps even l.
_OH_GENERATORS = ((((0, -1, 0), (1, 0, 0), (0, 0, 1))), (((0, 0, 1), (1, 0, 0), (0, 1, 0))))


@lru_cache(maxsize=4)
def _cubic_invariants(lmax: int) -> tuple:
    """For each degree l <= lmax, an orthonormal basis (2l+1, k_l) of its O_h-invariant harmonics."""
    gens = wigner_real_batch(lmax, np.array(_OH_GENERATORS, dtype=float))
    out = []
    for l, d in enumerate(gens):
        if l % 2:
            out.append(np.zeros((2 * l + 1, 0)))
            continue
        e = d - np.eye(2 * l + 1)
        w, v = np.linalg.eigh(np.einsum("gji,gjk->ik", e, e))  # sum_g (D_g - 1)^T (D_g - 1)
        v = v[:, w < 0.5]  # fixed by both generators (the other eigenvalues are >= 1)
        out.append(v * np.sign(v[np.argmax(np.abs(v), axis=0), np.arange(v.shape[1])]))
    return tuple(out)


def cubic_basis(lmax: int) -> tuple[np.ndarray, np.ndarray]:
    """Orthonormal basis of the O_h-invariant real harmonics up to lmax (cubic harmonics).

    Returns (U, ls): U is ((lmax+1)^2, n) with orthonormal columns spanning the invariant
    functions of each degree (l = 0, 4, 6, 8, 10, 12, 12, ...), ls the degree of each column.
    Built as the common fixed vectors of the Wigner blocks of two generators of the rotation group
    (odd l are odd under the inversion); computed once up to degree 40 (or lmax) and sliced.
    """
    per_l = _cubic_invariants(max(lmax, 40))[:lmax + 1]
    ls = np.concatenate([np.full(v.shape[1], l) for l, v in enumerate(per_l)]).astype(int)
    u = np.zeros(((lmax + 1) ** 2, len(ls)))
    col = 0
    for l, v in enumerate(per_l):
        u[l * l:(l + 1) ** 2, col:col + v.shape[1]] = v
        col += v.shape[1]
    return u, ls


@dataclass(frozen=True)
class FilledLattice:
    """Periodic filled lattice of metal spheres (-e each) and point cations (+e), Sec. IV / App. B.

    Attributes
    ----------
    lattice, rho, order, r_cut : what was solved (r_cut: lattice-sum radius, units of b).
    energy : energy per electron-cation pair, e^2/b, self-energy e^2/(2 a_m) subtracted.
    madelung_energy : -M/d, the point-charge limit (rho -> 0), e^2/b.
    induced_energy : energy - madelung_energy (the images' share), e^2/b.
    coefficients : cubic-harmonic coefficients of the induced multipoles (l >= 4).
    degrees : the degree l of each coefficient.
    """

    lattice: str
    rho: float
    order: int
    r_cut: float
    energy: float
    madelung_energy: float
    induced_energy: float
    coefficients: np.ndarray
    degrees: np.ndarray


def _shell_orbits(lattice: str, r_cut: float) -> tuple[np.ndarray, np.ndarray]:
    """Representatives of the O_h orbits of NC sites 0 < |R| <= r_cut and their multiplicities."""
    n = int(np.ceil(r_cut / geometry.cube_side(lattice))) + 1
    sites = geometry.nc_cluster(lattice, n)
    d = np.linalg.norm(sites, axis=1)
    sites = sites[(d > 1e-9) & (d <= r_cut + 1e-9)]
    keys = np.round(-np.sort(-np.abs(sites), axis=1), 9)
    uniq, counts = np.unique(keys, axis=0, return_counts=True)
    return uniq, counts


def _source_order(dist: float, rho: float, order: int) -> int:
    """Order beyond which a sphere at ``dist`` contributes < 1e-15 (relative) to sphere 0."""
    ratio = rho / max(dist - rho, rho)
    if ratio >= 1.0 - 1e-12:
        return order
    return int(min(order, max(4, np.ceil(15 * np.log(10) / -np.log(ratio)))))


def _orbit_coupling(u: np.ndarray, reps: np.ndarray, mult: np.ndarray, rho: float, lmax: int) -> np.ndarray:
    """sum_k mult_k U^T K(0 <- R_k) U: coupling of spheres at R_k projected on the cubic basis U.

    K = D^T kz D (:func:`~supercrystal.spheres.multipole.coupling_block`, D the rotation taking
    -R_k to z, kz the axial coupling), so U^T K U = (D U)^T kz (D U), evaluated for all R_k at once
    through the m-blocks of kz (rotating the few columns of U, not the whole block).
    """
    d = np.linalg.norm(reps, axis=1)
    rots = np.array([rotation_to_z(np.round(-r / n, 14)) for r, n in zip(reps, d)])
    blocks = wigner_real_batch(lmax, rots)
    w = np.zeros((len(reps), (lmax + 1) ** 2, u.shape[1]))
    for l in range(lmax + 1):
        sl = slice(l * l, (l + 1) ** 2)
        if np.any(u[sl]):
            w[:, sl] = blocks[l] @ u[sl]
    t = axial_coupling(lmax, rho, lmax, rho, d)  # (k, m, l, l')
    ls, ms = np.arange(lmax + 1)[None, :], np.arange(lmax + 1)[:, None]
    valid = (ls >= ms)[None, :, :, None]
    out = np.zeros((u.shape[1], u.shape[1]))
    for sign in (1, -1):  # cos (m >= 0) and sin (m < 0) harmonics couple with the same T[m]
        idx = np.where(ls >= ms, ls * ls + ls + sign * ms, 0)
        wm = np.where(valid, w[:, idx], 0.0)  # (k, m, l, basis)
        if sign < 0:
            wm[:, 0] = 0.0
        weighted = (wm * mult[:, None, None, None]).reshape(-1, wm.shape[-1])
        out += weighted.T @ (t @ wm).reshape(-1, wm.shape[-1])
    return out


def _filled_arrays(lattice: str, rho: float, order: int, r_cut: float) -> dict:
    u, ls = cubic_basis(order)
    keep = ls >= 1
    u, ls = u[:, keep], ls[keep]
    nb = u.shape[1]
    # coupling: lattice sum over the other spheres, by O_h orbits
    reps, mult = _shell_orbits(lattice, r_cut)
    dist = np.linalg.norm(reps, axis=1)
    lsrc = np.array([_source_order(float(r), rho, order) for r in dist])
    k_cub = np.zeros((nb, nb))
    for ls_ in np.unique(lsrc):
        pick = lsrc == ls_
        k_cub += _orbit_coupling(u[:(ls_ + 1) ** 2], reps[pick], mult[pick], rho, int(ls_))
    # Ewald potential of point cations and monopoles, projected on sphere 0
    c = geometry.crystal(geometry.FILLED_CRYSTAL[lattice])
    n_theta = order + 16
    pts = sphere_quadrature(n_theta)[0]
    x = rho * pts
    phi0 = ewald_potential(c.cell, c.positions, c.charges, x)
    phi0_lm = sphere_projection(phi0, order, n_theta)
    rhs = -(u.T @ phi0_lm)
    coef = np.linalg.solve(np.eye(nb) + k_cub, rhs)
    a_lm = u @ coef
    lvec = np.concatenate([np.full(2 * l + 1, l) for l in range(order + 1)])
    induced = 0.5 * rho / (4 * np.pi) * float(np.sum((2 * lvec + 1) * a_lm * phi0_lm))
    return {"induced": np.array(induced), "coefficients": coef, "degrees": ls}


def filled_lattice(lattice: str, rho: float, order: int | None = None, r_cut: float = 20.0) -> FilledLattice:
    """Energy per pair of the filled lattice of metal spheres with point cations (Sec. IV, App. B).

    Parameters
    ----------
    lattice : "fcc" (rock salt: cations in the octahedral pores) or "sc" (CsCl: cube centres).
    rho : sphere radius a_m / b in (0, 1].
    order : highest harmonic degree (default :func:`filled_default_order`).
    r_cut : radius of the direct lattice sum of multipole couplings, units of b.

    Returns
    -------
    :class:`FilledLattice`; ``energy`` in e^2/b with e^2/(2 a_m) subtracted.
    """
    geometry.check_lattice(lattice)
    rho = check_rho(rho)
    if order is None:
        order = filled_default_order(rho)
    if order < 4:
        raise ValueError(f"order must be >= 4 (got order={order})")
    if r_cut < 2.0:
        raise ValueError(f"r_cut must be >= 2 b (got r_cut={r_cut})")
    arr = _filled_arrays(lattice, rho, order, r_cut)
    crystal = geometry.crystal(geometry.FILLED_CRYSTAL[lattice])
    e_mad = -madelung(crystal) / crystal.distance
    induced = float(arr["induced"])
    return FilledLattice(lattice, rho, int(order), float(r_cut), e_mad + induced, e_mad, induced,
                         arr["coefficients"], arr["degrees"])


def truncation_error(result: FilledLattice, lower: FilledLattice) -> float:
    """Error of a filled-lattice energy: its change from a lower order (1e-12 added: round-off floor)."""
    return abs(result.energy - lower.energy) + 1e-12


def filled_default_order(rho: float) -> int:
    """Order that converges the filled-lattice energy to 1e-7 e^2/b or better: measured against ten orders more,
    fcc, 2e-13 (rho = 0.5), 4e-9 (0.7), 4.5e-8 (0.8, the worst: the order steps from 12 to 15 there), 1.4e-9
    (0.9), 4e-11 (0.95), 4e-10 (1.0); tests/test_metal.py checks the bound."""
    if rho >= 1.0 - 1e-12:
        return 32
    k = np.arccosh(1.0 / rho)
    return int(min(40, max(12, np.ceil(10.0 / k))))


# --------------------------------------------------------------------------- clusters, metal_energy
@dataclass(frozen=True)
class ConvergedPair:
    """Single-pair energy extrapolated over growing clusters of NC shells (Sec. IV).

    Attributes
    ----------
    lattice, rho : what was solved.
    shell_radii : (n,) radius of the outermost shell of each cluster (distance from the cation, b).
    n_spheres : (n,) spheres in each cluster.
    consistent, paper : (n,) energies of each cluster, e^2/b.
    consistent_limit, paper_limit : extrapolated to the infinite lattice (in the lattice sum of the
        pair's squared dipole field over the spheres left out) and corrected by the nearest shell solved
        at the default (higher) order, e^2/b.
    error : estimated error of consistent_limit (extrapolation + truncation of the outer orders + the
        nearest shell's truncation; see :func:`converged_pair`).
    paper_error : the same for paper_limit.
    """

    lattice: str
    rho: float
    shell_radii: np.ndarray
    n_spheres: np.ndarray
    consistent: np.ndarray
    paper: np.ndarray
    consistent_limit: float
    paper_limit: float
    error: float
    paper_error: float


#: shells used for the converged single pair (fcc: up to 92 spheres, sc: up to 88).
CLUSTER_SHELLS = {"fcc": 5, "sc": 4}
NEAR_ORDER_CAP, FAR_ORDER = 20, 8


def _extrapolate(lattice: str, r: np.ndarray, e: np.ndarray) -> tuple[float, float]:
    """E_inf and its error from cluster energies ``e`` with outer radii ``r`` (units of b).

    The spheres left out of a cluster are polarised by the pair's dipole field, so their energy is
    proportional to the lattice sum T of the squared dipole field over them
    (:func:`supercrystal.spheres.dielectric.dipole_tail`): E_n = E_inf + c T_n, fitted through the last two
    clusters with the dipole at the pair's midpoint.  A fit in R^-3 (the continuum of that sum) ignores the
    discreteness of the shells: through the last two fcc clusters at rho = 0.9 it moves by 2e-3 from one
    pair of clusters to the next and lies 5e-4 below clusters of seven shells.  The error is the change of
    the fit when it goes through the previous two clusters plus its change when the dipole sits at the
    cation instead (the two ends of where the pair's dipole can be placed).
    """
    from supercrystal.spheres.dielectric import _fit, dipole_tail, pair_sites  # dielectric imports metal

    sites = pair_sites(lattice)
    t_mid = dipole_tail(lattice, r, 0.5 * sites[1], sites[1])
    t_cat = dipole_tail(lattice, r, sites[0], sites[1])
    n = len(e) - 1
    lim = _fit(t_mid, e, n)
    return lim, abs(lim - _fit(t_mid, e, n - 1)) + abs(lim - _fit(t_cat, e, n))


@dataclass(frozen=True)
class ClusterEnergies:
    """Single-pair energies of clusters of 1 .. n NC shells around the cation (the raw data of
    :func:`converged_pair`), e^2/b.

    order, far_order : expansion order of the nearest shell and of the outer shells.
    radii : (n,) radius of the outermost shell of each cluster, b.  n_spheres : (n,) spheres.
    consistent, paper : (n,) energies of each cluster (see the module docstring).
    far_delta : (2,) change of (consistent, paper) on the 3-shell cluster when the outer shells'
        order drops by 2: the truncation error of the outer orders.
    """

    lattice: str
    rho: float
    order: int
    far_order: int
    radii: np.ndarray
    n_spheres: np.ndarray
    consistent: np.ndarray
    paper: np.ndarray
    far_delta: np.ndarray


def cluster_order(rho: float) -> int:
    """Order of the nearest shell in the clusters: ceil(12 / arccosh(1/rho)), between 8 and 20."""
    if rho >= 1.0 - 1e-12:
        return NEAR_ORDER_CAP
    return int(min(NEAR_ORDER_CAP, max(8, np.ceil(12.0 / np.arccosh(1.0 / rho)))))


def cluster_energies(lattice: str, rho: float) -> ClusterEnergies:
    """Solve the clusters of 1 .. CLUSTER_SHELLS[lattice] shells (Sec. IV; minutes at rho near 1)."""
    geometry.check_lattice(lattice)
    rho = check_rho(rho)
    order, far, n_max = cluster_order(rho), FAR_ORDER, CLUSTER_SHELLS[lattice]
    # the 1 .. n_max shell clusters are leading sub-blocks of the largest: one assembly, one elimination
    cons, pap, nsph, _ = (list(x) for x in zip(*_nested_pair_solutions(lattice, rho, n_max, order, far)))
    radii = list(cluster(lattice, n_max)[1])
    # truncation of the outer orders, measured on the 3-shell cluster (its full-order value is above)
    k = min(3, n_max) - 1
    c_lo, p_lo, _, _ = _pair_solution(lattice, rho, k + 1, order, far - 2)
    return ClusterEnergies(lattice=lattice, rho=rho, order=order, far_order=far, radii=np.array(radii),
                           n_spheres=np.array(nsph), consistent=np.array(cons), paper=np.array(pap),
                           far_delta=np.array([abs(cons[k] - c_lo), abs(pap[k] - p_lo)]))


def converged_pair(clusters: ClusterEnergies, nearest: SinglePair) -> ConvergedPair:
    """Single-pair energy of the infinite lattice from growing clusters (Sec. IV).

    Extrapolated in the dipole tail of the spheres left out (:func:`_extrapolate`) and corrected by
    ``nearest``, the nearest shell solved at the default (higher) order (:func:`single_pair` with one
    shell), which fixes the clusters' near-order truncation.  Both definitions are computed directly on
    every cluster (the paper's as 1/2 e phi_s(r_c), the consistent one as the total energy minus the
    self-energy) and extrapolated separately.  The error is the sum of what is not converged: the
    extrapolation (:func:`_extrapolate`), the outer shells' orders (their change from far_order - 2, an
    upper bound for a geometric convergence) and the nearest shell's order (``nearest.error``, its change
    from order - 4, measured on the consistent energy and used for both).  The near-order correction itself is
    applied, not counted as an error.

    At rho = 1 on the simple cubic lattice every sphere touches its neighbours and the whole cluster is one
    conductor of charge -e around the cation; its potential V vanishes as the cluster grows (the cation's
    field is screened), so consistent = paper - 1/2 (-1/2 the subtracted self-energy e^2/2b) holds to
    V/2 ~ 1e-8 for two shells or more.  The nearest shell of eight spheres alone is not yet screened: its
    1/2 e phi_s(r_c) lies 5e-5 below the converged one (the field leaks through the square windows).
    """
    r = clusters.radii
    c_lim, c_err = _extrapolate(clusters.lattice, r, clusters.consistent)
    p_lim, p_err = _extrapolate(clusters.lattice, r, clusters.paper)
    fd = clusters.far_delta
    dc = nearest.consistent - float(clusters.consistent[0])
    dp = nearest.paper - float(clusters.paper[0])
    return ConvergedPair(clusters.lattice, clusters.rho, r, clusters.n_spheres, clusters.consistent,
                         clusters.paper, c_lim + dc, p_lim + dp, c_err + float(fd[0]) + nearest.error + 1e-12,
                         p_err + float(fd[1]) + nearest.error + 1e-12)


@dataclass(frozen=True)
class MetalEnergy:
    """Answer of :func:`metal_energy` (the ``supercrystal metal`` command).

    energy, error : e^2/b (self-energy e^2/(2 a_m) subtracted); the remaining fields say what was
    computed.
    """

    lattice: str
    rho: float
    state: str
    spheres: str
    definition: str
    energy: float
    error: float
    unit: str = "e^2/b"


@dataclass(frozen=True)
class EnergyCurves:
    """Energies versus rho for one lattice (the figure of the Sec. IV chapter), e^2/b.

    six_*: nearest shell of isolated spheres (fixed charges); connected: the same shell joined into
    one conductor (its rho -> 1 limit); filled: periodic filled lattice (consistent definition).
    """

    lattice: str
    rho: np.ndarray
    six_consistent: np.ndarray
    six_paper: np.ndarray
    six_error: np.ndarray
    connected: np.ndarray
    filled: np.ndarray
    filled_error: np.ndarray
