"""Dielectric spheres and point charges by a multipole expansion: polarizable NCs between Secs. III and IV.

Each NC core is a sphere of radius a = rho b with dielectric constant eps_nc inside, in a liquid of
dielectric constant eps_liquid; kappa = eps_nc / eps_liquid.  kappa = 1 is Sec. III's uniform medium
(point charges, Madelung energies), kappa -> infinity Sec. IV's conductors with fixed charges.  Units:
lengths in b, charges in e, energies in e^2/(eps_liquid b); eps_liquid is scaled out, so the liquid
has dielectric constant 1 and the spheres kappa.

Boundary condition (the only change from the conducting solver of :mod:`.multipole`)
------------------------------------------------------------------------------------
Near sphere i (centre at the origin), write the potential of everything except sphere i's own
polarization and its own free charge as the regular expansion sum_lm E_lm (r/a)^l Y_lm (its sources
lie outside the sphere, so this converges up to the surface and E_lm is the projection on Y_lm of that
potential over the surface r = a).  Sphere i adds sum_lm A_lm (a/r)^(l+1) Y_lm outside and
sum_lm B_lm (r/a)^l Y_lm inside.  Continuity of the potential and of the normal displacement at r = a,

    E_lm + A_lm = B_lm ,        l E_lm - (l + 1) A_lm = kappa l B_lm ,

give for every l >= 1

    A_lm = -chi_l E_lm ,        chi_l = (kappa - 1) l / (kappa l + l + 1) .

With the external potential written as e_lm r^l and the induced one as A'_lm r^-(l+1) (the usual
normalisation) this reads A'_lm = -(kappa - 1) l / (kappa l + l + 1) a^(2l+1) e_lm, the classic
dielectric-sphere response (Jackson Sec. 4.4 for l = 1: the polarizability (kappa - 1)/(kappa + 2) a^3).
chi_l = 0 at kappa = 1 (no polarization), chi_l -> 1 as kappa -> infinity, where the surface becomes an
equipotential for l >= 1 (the conductor's A_lm = -E_lm), and chi_l < 0 for kappa < 1.  For l = 0 the
condition is Gauss's law instead: polarization carries no net charge, so the exterior monopole is the
sphere's free charge, fixed.

The free charges
----------------
Cations are point charges in the liquid.  An electron in the 1s state is spherically symmetric about
its NC's centre: its own field, D = q r / r^3, is radial everywhere, so it satisfies both boundary
conditions of its own sphere by itself, and outside it is the field of a point charge q at the centre.
By superposition the electron therefore acts on every *other* sphere as a point charge at its centre,
and on its own sphere only through the l = 0 part (which polarization cannot change).  Its energy in
the field phi' of everything else (harmonic inside its sphere: all sources are outside) is
q phi'(centre), by the mean-value property, whatever the radial shape of the 1s density.  The energy
of the isolated NC holding its electron (the Brus-type self-energy, which depends on that shape and on
kappa) is the convention's subtracted constant, as is the infinite self-energy of a point cation.

So with the Galerkin system of :mod:`.multipole`, (A_i)_lm + chi_l [sum_{j != i} K_ij A_j + P_i]_lm = 0
for l >= 1 and A_i,00 = 0 (P_i the projection of the free charges outside sphere i; a charge at the
centre of sphere i is not outside it and drops out of P_i), and the energy of free charges q_a at r_a is

    U = sum_{a < b} q_a q_b / r_ab + 1/2 sum_a q_a phi_ind(r_a) = 1/2 sum_ab q_a q_b G_ab ,

phi_ind the potential of the induced multipoles of every sphere but the one that holds charge a, and
G the Green's function of the whole set of spheres with 1/r_aa (the isolated self-energy) left out of
its diagonal.  Since the potential of multipole A_lm of sphere j at r_a is
(2l+1) a_j / (4 pi) A_lm times the projection on sphere j of a unit charge at r_a,

    G_ind = -P^T W (1 + chi K)^-1 chi P ,   W = diag((2l+1) a_j / (4 pi)) ,

which is symmetric (reciprocity) because the exact multipole coupling K W^-1 is: truncating the
orders removes rows and columns of it symmetrically.

The lattices (Sec. IV's geometry)
---------------------------------
* single pair: a cation at the pore centre and an electron on a nearest NC in the empty lattice, in
  clusters of 1 .. 5 shells (fcc, 92 spheres; sc 4 shells, 88) like :func:`.metal.converged_pair`,
  extrapolated in the lattice sum of the pair's squared dipole field over the spheres left out
  (:func:`dipole_tail`), with every error measured (:class:`ConvergedPair`);
* filled lattice: every NC holds an electron, every pore a cation, solved periodically as
  :func:`.metal.filled_lattice` does, with the dielectric response: u_full = -M/d +
  1/2 sum_lm (2l+1) a/(4 pi) A_lm phi0_lm.

The gain u_s - u_full tends to Sec. III's (M - 1)/d at kappa = 1 and to Sec. IV's consistent gain as
kappa -> infinity.

Contact (rho = 1).  For finite kappa the touching spheres stay separate dielectrics: no charge passes
between them, the energies are finite and continuous at rho -> 1, and they are computed at rho = 1 itself.
The potential is not analytic at the contact points, so the expansion converges more slowly there, the
slower the larger kappa (nearest shell, step of 4 orders at L = 36: 7e-11 at kappa = 1.5, 6e-9 at 3,
2e-6 at 8, 1.4e-4 at 30); the nearest shell alone is therefore solved up to order NEAR_ORDER_CONTACT = 36
and the outer shells up to FAR_ORDER_CONTACT = 12 (measured on 3 shells at kappa = 8: steps of 2.6e-3,
6.7e-4, 2.6e-4, 1.3e-4, 8.7e-5 from order 4 to 14), and each truncation error is the tail of a power law
fitted through three orders (:func:`remainder`).  The local power falls with the order there (p ~ 2.9 from
orders 8-12, ~ 1.5 from 12-14 at kappa = 8), so at contact and kappa >~ 8 the outer shells' truncation
error may be underestimated by up to a factor of 2 (2e-4 of the 7e-4 quoted for the fcc pair at kappa = 8).  At
kappa = infinity and rho = 1 the fixed-charge problem has no limit in the order (the capacitance between
touching conductors diverges); touching metal spheres share their charge, which is Sec. IV's connected
conductors: the tasks take that case from :mod:`.metal` (the filled lattice needs no such care: by symmetry
no charge flows there).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.linalg import lu_factor, lu_solve
from scipy.optimize import brentq
from scipy.sparse.linalg import LinearOperator, gmres

from supercrystal.lattice import geometry
from supercrystal.lattice.ewald import ewald_kernel, madelung
from supercrystal.spheres import metal, multipole, symmetry
from supercrystal.spheres.response import check_kappa, susceptibility  # noqa: F401  (the module's vocabulary)

STATES = ("single", "filled")
UNIT = "e^2/(eps_liquid b)"


def _degrees(orders) -> np.ndarray:
    """Degree l of every unknown of a block-by-sphere coefficient vector."""
    return np.concatenate([np.repeat(np.arange(L + 1), 2 * np.arange(L + 1) + 1) for L in orders])


def _unit_projections(center, a: float, lmax: int, positions) -> np.ndarray:
    """((lmax+1)^2, n): projection on Y_lm of sphere (center, a) of a unit charge at each position.

    4 pi/(2l+1) a^l / s^(l+1) Y_lm(s-hat) (Legendre expansion of 1/|x - s|, |x| = a < s).
    """
    v = np.asarray(positions, float).reshape(-1, 3) - np.asarray(center, float)
    s = np.linalg.norm(v, axis=1)
    y = multipole.real_sph_harm(lmax, v)  # (n, nlm)
    lv = _degrees([lmax])
    fac = 4 * np.pi / (2 * lv[None, :] + 1) * a ** lv[None, :] / s[:, None] ** (lv[None, :] + 1)
    return (y * fac).T


# --------------------------------------------------------------------------- spheres + point charges
@dataclass(frozen=True)
class Spheres:
    """A set of dielectric spheres with the kappa-independent parts of the problem (module docstring).

    centres (N, 3), radii (N,), orders (N,); offsets (N+1,) of each sphere's block; degrees: l of
    every unknown; coupling: K (all spheres, l = 0 rows included), ``None`` when not built (kappa = 1
    needs none); weights: W = (2l+1) a / (4 pi) of every unknown.
    """

    centres: np.ndarray
    radii: np.ndarray
    orders: np.ndarray
    offsets: np.ndarray
    degrees: np.ndarray
    weights: np.ndarray
    coupling: np.ndarray | None


def spheres(centres, radii, order, n_mu: int | None = None, build: bool = True) -> Spheres:
    """Set up N spheres (no overlap; touching allowed) and their coupling matrix K (:mod:`.multipole`)."""
    centres = np.asarray(centres, float).reshape(-1, 3)
    n = len(centres)
    radii = np.broadcast_to(np.asarray(radii, float), (n,)).copy()
    orders = np.broadcast_to(np.asarray(order, int), (n,)).copy()
    if np.any(orders < 1):
        raise ValueError(f"order must be >= 1 (got order={order})")
    if np.any(~np.isfinite(radii)) or np.any(radii <= 0):
        raise ValueError(f"radii must be positive (got radii={radii})")
    gap = np.linalg.norm(centres[:, None] - centres[None], axis=-1) - (radii[:, None] + radii[None])
    np.fill_diagonal(gap, np.inf)
    if np.any(gap < -1e-12 * radii.max()):
        raise ValueError("spheres must not overlap (they may touch)")
    offs = np.concatenate([[0], np.cumsum((orders + 1) ** 2)])
    deg = _degrees(orders)
    w = (2 * deg + 1) * np.repeat(radii, (orders + 1) ** 2) / (4 * np.pi)
    k = None
    if build:
        k = multipole.system_matrix(centres, radii, orders, n_mu)
        k[np.diag_indices_from(k)] -= 1.0
    return Spheres(centres, radii, orders, offs, deg, w, k)


def hosts(s: Spheres, positions) -> np.ndarray:
    """For each position: the index of the sphere whose centre it is (an electron), or -1 (a charge in
    the liquid).  ``ValueError`` for a point inside a sphere but off its centre."""
    pos = np.asarray(positions, float).reshape(-1, 3)
    out = np.full(len(pos), -1)
    for k, p in enumerate(pos):
        d = np.linalg.norm(s.centres - p, axis=1)
        at = np.nonzero(d < 1e-9)[0]
        if len(at):
            out[k] = at[0]
        elif np.any(d <= s.radii):
            raise ValueError(f"charge {k} at {p} lies inside a sphere but not at its centre")
    return out


def projections(s: Spheres, positions) -> np.ndarray:
    """P: (unknowns, n) projection of a unit charge at each position on every sphere that does not hold it."""
    pos = np.asarray(positions, float).reshape(-1, 3)
    h = hosts(s, pos)
    p = np.zeros((s.offsets[-1], len(pos)))
    for i in range(len(s.centres)):
        out = np.nonzero(h != i)[0]
        p[s.offsets[i]:s.offsets[i + 1], out] = _unit_projections(s.centres[i], s.radii[i], s.orders[i], pos[out])
    return p


def _select(s: Spheres, n_spheres: int, orders) -> np.ndarray:
    """Indices of the unknowns of the first ``n_spheres`` spheres truncated at ``orders`` (<= built)."""
    idx = []
    for i in range(n_spheres):
        idx.append(s.offsets[i] + np.arange((int(orders[i]) + 1) ** 2))
    return np.concatenate(idx)


#: systems larger than this (unknowns) are solved by GMRES, preconditioned by the leading spheres' block
DIRECT_MAX = 3000


def response(s: Spheres, rhs: np.ndarray, kappa: float, keep: np.ndarray | None = None) -> np.ndarray:
    """X = (1 + chi K)^-1 chi rhs on the unknowns ``keep`` (default all): the induced multipoles are -X.

    Up to DIRECT_MAX unknowns by LU; beyond, by GMRES (relative residual 1e-13) preconditioned with the
    exact inverse of the block of the first spheres (the nearest shell, which carries the strong
    coupling to the charges), typically 20-40 iterations.  ``rhs`` is (m,) or (m, n) on ``keep``.
    """
    m_all = s.offsets[-1]
    prefix = keep is None or (len(keep) == keep[-1] + 1 and keep[0] == 0)
    m = m_all if keep is None else len(keep)
    chi = susceptibility(kappa, s.degrees[:m] if prefix else s.degrees[keep])
    k = s.coupling[:m, :m] if prefix else s.coupling[np.ix_(keep, keep)]
    b = chi[:, None] * rhs.reshape(m, -1)
    if m <= DIRECT_MAX:
        a = chi[:, None] * k
        a[np.diag_indices_from(a)] += 1.0
        return lu_solve(lu_factor(a, overwrite_a=True), b).reshape(rhs.shape)
    n_pre = int(s.offsets[max(1, np.searchsorted(s.offsets, DIRECT_MAX, side="right") - 1)])
    a = chi[:n_pre, None] * k[:n_pre, :n_pre]
    a[np.diag_indices_from(a)] += 1.0
    lu = lu_factor(a, overwrite_a=True)

    def precondition(v):
        v = np.array(v, float)
        v[:n_pre] = lu_solve(lu, v[:n_pre])
        return v

    op = LinearOperator((m, m), matvec=lambda v: v + chi * (k @ v))
    pre = LinearOperator((m, m), matvec=precondition)
    out = np.empty_like(b)
    for c in range(b.shape[1]):
        x, info = gmres(op, b[:, c], M=pre, rtol=1e-13, atol=0.0, restart=200, maxiter=20)
        if info != 0:
            raise ArithmeticError(f"GMRES did not converge ({m} unknowns, kappa={kappa})")
        out[:, c] = x
    return out.reshape(rhs.shape)


def induced_green(s: Spheres, p: np.ndarray, kappa: float, keep: np.ndarray | None = None) -> np.ndarray:
    """G_ind = -P^T W (1 + chi K)^-1 chi P (module docstring), restricted to the unknowns ``keep``.

    Returns (n, n) for the n columns of ``p``, units 1/b.
    """
    keep = np.arange(s.offsets[-1]) if keep is None else keep
    if not np.any(susceptibility(kappa, s.degrees[keep])):
        return np.zeros((p.shape[1], p.shape[1]))
    pk = p[keep]
    return -(pk * s.weights[keep, None]).T @ response(s, pk, kappa, keep)


def induced_energy(s: Spheres, p: np.ndarray, q: np.ndarray, kappa: float, keep: np.ndarray | None = None) -> float:
    """1/2 q.G_ind.q with one solve (the charges' energy in the field of the polarization they induce)."""
    keep = np.arange(s.offsets[-1]) if keep is None else keep
    if not np.any(susceptibility(kappa, s.degrees[keep])):
        return 0.0
    b = p[keep] @ q
    return float(-0.5 * (b * s.weights[keep]) @ response(s, b, kappa, keep))


@dataclass(frozen=True)
class DielectricSolution:
    """Point charges among dielectric spheres (:func:`solve`); energies in e^2/(eps_liquid b) for lengths in b.

    kappa, order : what was solved.
    green : (n, n) G of the charges, 1/r_ab off the diagonal plus the induced part; its diagonal is each
        charge's interaction with the polarization it induces itself (isolated self-energy left out).
    induced_potentials : (n,) phi_ind at each charge (potential of the induced multipoles of the other
        spheres), e/b.
    energy : 1/2 q.G.q (isolated self-energies subtracted).
    hosts : (n,) sphere holding each charge at its centre, -1 for charges in the liquid.
    """

    kappa: float
    order: np.ndarray
    charges: np.ndarray
    positions: np.ndarray
    hosts: np.ndarray
    green: np.ndarray
    induced_potentials: np.ndarray
    energy: float


def coulomb_matrix(positions) -> np.ndarray:
    """1/r_ab between distinct positions, 0 on the diagonal."""
    pos = np.asarray(positions, float).reshape(-1, 3)
    d = np.linalg.norm(pos[:, None] - pos[None], axis=-1)
    np.fill_diagonal(d, np.inf)
    return 1.0 / d


def solve(centres, radii, order, kappa: float, positions, charges, n_mu: int | None = None) -> DielectricSolution:
    """Free charges among dielectric spheres of ratio kappa = eps_nc/eps_liquid (module docstring).

    Parameters
    ----------
    centres, radii : (N, 3), (N,) the spheres; order : expansion order L >= 1 (one, or one per sphere).
    kappa : eps_nc / eps_liquid > 0 (``np.inf``: conductors with fixed charge).
    positions, charges : (n, 3), (n,) free charges, each in the liquid or at a sphere's centre (a 1s electron).

    Returns
    -------
    :class:`DielectricSolution`.
    """
    kappa = check_kappa(kappa)
    pos = np.asarray(positions, float).reshape(-1, 3)
    q = np.asarray(charges, float).reshape(-1)
    if len(q) != len(pos):
        raise ValueError("positions and charges differ in length")
    s = spheres(centres, radii, order, n_mu, build=kappa != 1.0)
    h = hosts(s, pos)
    g = coulomb_matrix(pos) + induced_green(s, projections(s, pos), kappa)
    g_ind = g - coulomb_matrix(pos)
    return DielectricSolution(kappa=kappa, order=s.orders, charges=q, positions=pos, hosts=h, green=g,
                              induced_potentials=g_ind @ q, energy=float(0.5 * q @ g @ q))


# --------------------------------------------------------------------------- single pair in clusters
#: shells of the clusters (as :data:`.metal.CLUSTER_SHELLS`: fcc 92 spheres, sc 88) and the outer shells' order
CLUSTER_SHELLS = metal.CLUSTER_SHELLS
FAR_ORDER = metal.FAR_ORDER
PAIR = np.array([1.0, -1.0])


def pair_sites(lattice: str) -> np.ndarray:
    """The cation (origin: the pore centre) and the electron (centre of the first NC of
    :func:`.metal.cluster`), units of b."""
    c, _ = metal.cluster(lattice, 1)
    return np.array([[0.0, 0.0, 0.0], c[0]])


@dataclass(frozen=True)
class PairClusters:
    """Single-pair energies of clusters of 1 .. n NC shells for several kappa (the raw data of
    :func:`converged_pair`), e^2/(eps_liquid b).

    kappas : (k,); radii : (n,) radius of each cluster's outermost shell, b; n_spheres : (n,).
    order, far_order : orders of the nearest shell and of the outer shells.
    energy : (k, n) energy of each cluster.
    far : (k, 3) the 3-shell cluster with the outer shells at far_order - 4, - 2 and far_order.
    near_order, near : (k, 3) the nearest shell alone at near_order - 8, - 4 and near_order (the last
        corrects the clusters' near-order truncation).
    near_step : (k, 2) change of the 1-shell and of the 2-shell cluster when the nearest shell's order
        goes from order - 4 to order: whether the near-order truncation is the same with the next shell
        present (the correction by the nearest shell alone assumes it).
    tail_origin, tail_midpoint : (n,) the dipole-field weights of the spheres outside each cluster
        (:func:`dipole_tail`) about the cation and about the pair's midpoint.
    """

    lattice: str
    rho: float
    kappas: np.ndarray
    order: int
    far_order: int
    near_order: int
    radii: np.ndarray
    n_spheres: np.ndarray
    energy: np.ndarray
    far: np.ndarray
    near: np.ndarray
    near_step: np.ndarray
    tail_origin: np.ndarray
    tail_midpoint: np.ndarray


def dipole_tail(lattice: str, radii: np.ndarray, centre, axis, r_max: float = 40.0) -> np.ndarray:
    """T_n = sum over the NCs beyond shell radius radii[n] (about the cation) of (1 + 3 cos^2 theta) / r^6.

    r and theta are measured from ``centre``, theta from ``axis`` (the pair's dipole): the squared field of
    a point dipole, to which each distant sphere's polarization energy is proportional.  The lattice sum
    runs to ``r_max`` b; beyond, its continuum value 8 pi n / (3 r_max^3) (n the NC density).
    """
    cells = int(np.ceil(r_max / geometry.cube_side(lattice))) + 1
    sites = geometry.nc_cluster(lattice, cells) - metal.pore_centre(lattice)
    d = np.linalg.norm(sites, axis=1)
    sites, d = sites[d <= r_max], d[d <= r_max]
    v = sites - np.asarray(centre, float)
    r = np.linalg.norm(v, axis=1)
    u = np.asarray(axis, float) / np.linalg.norm(axis)
    w = (1.0 + 3.0 * (v @ u / r) ** 2) / r**6
    rest = 8 * np.pi * geometry.nc_density(lattice) / (3 * r_max**3)
    return np.array([w[d > rn + 1e-9].sum() + rest for rn in radii])


class _PairSystem:
    """The single pair's induced energy among spheres (``centres``, one ``radius``, ``orders``), solved in
    the symmetric subspace of the pair's point group (:mod:`.symmetry`): the reduced coupling U^T K U is
    built once for every kappa and every truncation, the charges' projections U^T P q likewise."""

    def __init__(self, centres, radius: float, orders, sites, build: bool = True):
        full = spheres(centres, radius, orders, build=False)  # geometry checks and per-sphere orders
        self.red = symmetry.reduce(full.centres, full.radii, full.orders, sites)
        self.coupling = symmetry.coupling(self.red, full.centres) if build else None
        h = hosts(full, sites)

        def rows(b):
            i = int(self.red.reps[b])
            out = h != i  # the charge at sphere i's centre does not act on sphere i
            return _unit_projections(full.centres[i], full.radii[i], full.orders[i], sites[out]) @ PAIR[out]

        self.source = symmetry.project(self.red, rows)

    def select(self, n_spheres: int, orders) -> np.ndarray:
        return symmetry.select(self.red, n_spheres, orders)

    def energy(self, kappa: float, keep: np.ndarray) -> float:
        """1/2 q.G_ind.q on the reduced unknowns ``keep`` (:func:`induced_energy`, one LU)."""
        chi = susceptibility(kappa, self.red.degrees[keep])
        if not np.any(chi):
            return 0.0
        b = self.source[keep]
        a = chi[:, None] * self.coupling[np.ix_(keep, keep)]
        a[np.diag_indices_from(a)] += 1.0
        x = lu_solve(lu_factor(a, overwrite_a=True, check_finite=False), chi * b, check_finite=False)
        return float(-0.5 * (b * self.red.weights[keep]) @ x)


#: orders of the nearest shell alone and of the outer shells at contact, where the expansion converges
#: slowly (finite kappa; the outer shells touch each other too)
NEAR_ORDER_CONTACT, FAR_ORDER_CONTACT = 36, 12


def pair_clusters(lattice: str, rho: float, kappas, order: int | None = None,
                  near_order: int | None = None, n_shells: int | None = None) -> PairClusters:
    """Solve the single pair in clusters of 1 .. CLUSTER_SHELLS shells for each kappa (seconds).

    One coupling matrix serves every kappa and every cluster (the smaller clusters and the lower orders
    are sub-blocks of it), reduced to the symmetric subspace of the pair's point group (C4v fcc, C3v sc:
    :mod:`.symmetry`, about 1/8 or 1/6 of the unknowns, the same energies to rounding).  Orders default to :func:`.metal.cluster_order` (nearest shell in the clusters)
    and :func:`.metal.default_order` or order + 4 (the nearest shell alone; NEAR_ORDER_CONTACT at rho = 1);
    the outer shells are at FAR_ORDER (FAR_ORDER_CONTACT at rho = 1); ``n_shells`` defaults to CLUSTER_SHELLS[lattice] (>= 3).
    """
    geometry.check_lattice(lattice)
    rho = geometry.check_rho(rho)
    kappas = np.array([check_kappa(k) for k in np.atleast_1d(kappas)])
    order = metal.cluster_order(rho) if order is None else int(order)
    if near_order is None:
        near_order = NEAR_ORDER_CONTACT if rho >= 1.0 else max(metal.default_order(rho), order + 4)
    far = min(order, FAR_ORDER_CONTACT if rho >= 1.0 else FAR_ORDER)
    n_max = CLUSTER_SHELLS[lattice] if n_shells is None else int(n_shells)
    if n_max < 3 or order < 5 or far < 5 or near_order < 9:
        raise ValueError(f"need n_shells >= 3 and orders >= 5, near_order >= 9 (got n_shells={n_max}, "
                         f"order={order}, near_order={near_order})")
    centres, radii = metal.cluster(lattice, n_max)
    d = np.linalg.norm(centres, axis=1)
    nearest = d <= d.min() + 1e-9
    n_near = int(nearest.sum())
    n_sph = [int(np.sum(d <= r + 1e-9)) for r in radii]
    orders = np.where(nearest, order, far)
    sites = pair_sites(lattice)
    build = bool(np.any(kappas != 1.0))
    # the pair's point group (C4v fcc, C3v sc) block-diagonalises every system; only the symmetric block,
    # about 1/8 (1/6) of the unknowns, carries the charges' response (:mod:`.symmetry`)
    big = _PairSystem(centres, rho, orders, sites, build)
    near = _PairSystem(centres[:n_near], rho, near_order, sites, build)
    direct = float(0.5 * PAIR @ coulomb_matrix(sites) @ PAIR)
    energy = np.zeros((len(kappas), n_max))
    e_far, e_near = np.zeros((len(kappas), 3)), np.zeros((len(kappas), 3))
    step = np.zeros((len(kappas), 2))
    cluster_sel = [big.select(n_sph[k], orders) for k in range(n_max)]
    far_sel = [big.select(n_sph[2], np.where(nearest, order, far - dl)) for dl in (4, 2)]
    near_sel = [near.select(n_near, np.full(n_near, near_order - dl)) for dl in (8, 4, 0)]
    step_sel = [big.select(n_sph[k], np.where(nearest, order - 4, far)) for k in (0, 1)]
    for a, kappa in enumerate(kappas):
        energy[a] = [direct + big.energy(kappa, sel) for sel in cluster_sel]
        e_far[a] = [direct + big.energy(kappa, sel) for sel in far_sel] + [energy[a, 2]]
        e_near[a] = [direct + near.energy(kappa, sel) for sel in near_sel]
        step[a] = [energy[a, k] - direct - big.energy(kappa, sel) for k, sel in enumerate(step_sel)]
    return PairClusters(lattice=lattice, rho=rho, kappas=kappas, order=order, far_order=far,
                        near_order=near_order, radii=radii, n_spheres=np.array(n_sph), energy=energy,
                        far=e_far, near=e_near, near_step=step,
                        tail_origin=dipole_tail(lattice, radii, sites[0], sites[1]),
                        tail_midpoint=dipole_tail(lattice, radii, 0.5 * sites[1], sites[1]))


@dataclass(frozen=True)
class ConvergedPair:
    """Single-pair energy of the infinite empty lattice for one kappa (:func:`converged_pair`), e^2/(eps_liquid b).

    energy : the clusters extrapolated in their dipole tail and corrected by the nearest shell at the
        higher order.  error : the sum of the parts below.  extrapolation : change of the extrapolated
        value between the fits through clusters (n-2, n-1) and (n-1, n), plus its change when the dipole is
        placed at the cation instead of the pair's midpoint.  far_truncation, near_truncation : the
        remainders of the outer and of the nearest shells' orders (:func:`remainder`).  nonadditive : how
        much the near-order truncation changes when the second shell is present (the correction by the
        nearest shell alone assumes it does not).  clusters : (n,) the raw cluster energies.
    """

    lattice: str
    rho: float
    kappa: float
    energy: float
    error: float
    extrapolation: float
    far_truncation: float
    near_truncation: float
    nonadditive: float
    clusters: np.ndarray
    radii: np.ndarray


def remainder(e, orders) -> float:
    """Truncation error of the last of three energies ``e`` computed at increasing ``orders``.

    Fits E(L) = E_inf + c L^-p through the three (the algebraic convergence of touching spheres; a
    geometric one shows up as a large p) and returns the tail |c| L^-p at the last order, never less than
    the last step; infinite if the steps shrink more slowly than any power of L.
    """
    (l0, l1, l2), d0, d1 = np.asarray(orders, float), e[1] - e[0], e[2] - e[1]
    if d1 == 0.0:
        return 0.0
    ratio = abs(d1 / d0) if d0 != 0.0 else np.inf

    def steps(p):  # (L1^-p - L2^-p) / (L0^-p - L1^-p), from log(L2/L1)/log(L1/L0) at p -> 0 down to 0
        return (1.0 - (l1 / l2) ** p) / ((l1 / l0) ** p - 1.0)

    if ratio >= steps(1e-9):
        return float("inf")
    if ratio <= steps(300.0):
        return float(abs(d1))
    p = brentq(lambda x: steps(x) - ratio, 1e-9, 300.0)
    tail = abs(d1) / ((l2 / l1) ** p - 1.0)
    return float(max(abs(d1), tail))


def _fit(t: np.ndarray, e: np.ndarray, i: int) -> float:
    """E_inf of E_n = E_inf + c T_n through clusters i - 1 and i."""
    return float(e[i] - (e[i] - e[i - 1]) / (t[i] - t[i - 1]) * t[i])


def converged_pair(c: PairClusters, kappa: float) -> ConvergedPair:
    """Single-pair energy of the infinite lattice at one of the kappas of ``c``.

    The energy of the spheres outside a cluster falls like the sum of the squared dipole field of the pair
    over them, T_n (:func:`dipole_tail`), so E_n = E_inf + c T_n is fitted through the last two clusters
    (a fit in R^-3 ignores the discreteness of the shells and moves by ~1e-3 from one pair of clusters to the
    next; this fit moves by ~1e-4, and agrees with clusters of 7 shells, 164 spheres, within its error:
    measured at rho = 0.7, kappa = 3 and inf, and at rho = 0.9, kappa = inf; Sec. IV's metal.converged_pair
    uses the same fit).
    """
    kappa = check_kappa(kappa)
    hit = np.nonzero(c.kappas == kappa)[0]
    if not len(hit):
        raise ValueError(f"kappa={kappa} was not solved (have {list(c.kappas)})")
    a = int(hit[0])
    e, n = c.energy[a], len(c.radii) - 1
    lim = _fit(c.tail_midpoint, e, n)
    extrap = abs(lim - _fit(c.tail_midpoint, e, n - 1)) + abs(lim - _fit(c.tail_origin, e, n))
    far = remainder(c.far[a], c.far_order + np.array([-4, -2, 0]))
    near = remainder(c.near[a], c.near_order + np.array([-8, -4, 0]))
    nonadd = abs(c.near_step[a, 1] - c.near_step[a, 0])
    correction = c.near[a, 2] - e[0]
    err = extrap + far + near + nonadd + 1e-12
    return ConvergedPair(c.lattice, c.rho, kappa, lim + correction, err, extrap, far, near, nonadd, e.copy(),
                         c.radii)


# --------------------------------------------------------------------------- filled lattice
@dataclass(frozen=True)
class FilledCoupling:
    """The kappa-independent part of the periodic filled lattice (:func:`filled_coupling`).

    basis : ((order+1)^2, n) cubic harmonics with l >= 1 (l = 4, 6, 8, ...); degrees : (n,) their l;
    coupling : (n, n) lattice sum of the multipole couplings of all the other spheres, in that basis;
    source : (n,) projection on the sphere of the Ewald potential of all the point charges (the
    cations and the other NCs' electrons), in that basis; madelung_energy : -M/d, e^2/(eps_liquid b).
    """

    lattice: str
    rho: float
    order: int
    r_cut: float
    basis: np.ndarray
    degrees: np.ndarray
    coupling: np.ndarray
    source: np.ndarray
    madelung_energy: float


def filled_coupling(lattice: str, rho: float, order: int, r_cut: float = 20.0) -> FilledCoupling:
    """Lattice sums of the filled lattice (as :func:`.metal.filled_lattice`): by the O_h site symmetry every
    sphere carries the same cubic harmonics; couplings by O_h orbits of the lattice up to ``r_cut``, the
    point charges through the Ewald potential."""
    u, ls = metal.cubic_basis(order)
    keep = ls >= 1
    u, ls = u[:, keep], ls[keep]
    reps, mult = metal._shell_orbits(lattice, r_cut)
    k_cub = np.zeros((len(ls), len(ls)))
    origin = np.zeros(3)
    for rep, m in zip(reps, mult):
        lsrc = metal._source_order(float(np.linalg.norm(rep)), rho, order)
        blk = multipole.coupling_block(origin, rho, lsrc, rep, rho, lsrc)
        n_src = (lsrc + 1) ** 2
        k_cub += m * (u[:n_src].T @ blk @ u[:n_src])
    c = geometry.crystal(geometry.FILLED_CRYSTAL[lattice])
    pts, w = multipole.sphere_quadrature(order + 16)
    x = rho * pts
    phi0 = np.zeros(len(x))
    for pos, q in zip(c.positions, c.charges):
        phi0 += q * ewald_kernel(c.cell, x - pos)
    phi0_lm = multipole.real_sph_harm(order, pts).T @ (w * phi0)
    return FilledCoupling(lattice=lattice, rho=rho, order=int(order), r_cut=float(r_cut), basis=u, degrees=ls,
                          coupling=k_cub, source=u.T @ phi0_lm,
                          madelung_energy=float(-madelung(c) / c.distance))


@dataclass(frozen=True)
class FilledLattice:
    """Periodic filled lattice of dielectric spheres (an electron at each centre) and point cations.

    energy : per electron-cation pair, e^2/(eps_liquid b), isolated self-energies subtracted;
    madelung_energy : -M/d (kappa = 1); induced_energy : energy - madelung_energy;
    coefficients, degrees : the induced multipoles in the cubic-harmonic basis.
    """

    lattice: str
    rho: float
    kappa: float
    order: int
    r_cut: float
    energy: float
    madelung_energy: float
    induced_energy: float
    coefficients: np.ndarray
    degrees: np.ndarray


def filled_energy(fc: FilledCoupling, kappa: float) -> FilledLattice:
    """Solve (1 + chi K) A = -chi phi0 in the cubic basis and u_full = -M/d + 1/2 sum (2l+1) a/(4 pi) A phi0."""
    kappa = check_kappa(kappa)
    chi = susceptibility(kappa, fc.degrees)
    m = np.eye(len(chi)) + chi[:, None] * fc.coupling
    coef = np.linalg.solve(m, -chi * fc.source)
    induced = 0.5 * fc.rho / (4 * np.pi) * float(np.sum((2 * fc.degrees + 1) * coef * fc.source))
    return FilledLattice(fc.lattice, fc.rho, kappa, fc.order, fc.r_cut, fc.madelung_energy + induced,
                         fc.madelung_energy, induced, coef, fc.degrees)


def filled_lattice(lattice: str, rho: float, kappa: float, order: int | None = None,
                   r_cut: float = 20.0) -> FilledLattice:
    """Energy per pair of the filled lattice of dielectric spheres with point cations.

    Parameters
    ----------
    lattice : "fcc" (rock salt) or "sc" (CsCl); rho : sphere radius / b in (0, 1]; kappa : eps_nc/eps_liquid.
    order : highest harmonic degree (default :func:`.metal.filled_default_order`); r_cut : lattice-sum radius, b.

    Returns
    -------
    :class:`FilledLattice`, energies in e^2/(eps_liquid b).
    """
    geometry.check_lattice(lattice)
    rho = geometry.check_rho(rho)
    order = metal.filled_default_order(rho) if order is None else int(order)
    if order < 4:
        raise ValueError(f"order must be >= 4 (got order={order})")
    return filled_energy(filled_coupling(lattice, rho, order, r_cut), kappa)


# --------------------------------------------------------------------------- the answer of the command line
@dataclass(frozen=True)
class SpheresEnergy:
    """Energy of the lattice of dielectric NCs (the ``supercrystal spheres`` answer).

    energy, error : e^2/(eps_liquid b), isolated self-energies subtracted; method : "periodic" (filled),
    "clusters" (single pair), or "metal-connected" (single pair at kappa = inf, rho = 1: Sec. IV's touching
    conductors, which share their charge).
    """

    lattice: str
    rho: float
    kappa: float
    state: str
    energy: float
    error: float
    method: str
    unit: str = UNIT
