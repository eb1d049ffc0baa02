"""Conducting spheres and point charges solved exactly by a multipole expansion (Sec. IV, App. C).

Sec. IV of the paper replaces the semiconductor NCs by metal spheres; its Appendix A sums image
charges by a recursion that has to be damped by hand, and Appendix C writes the energy of charged
conducting spheres through the inverse of the matrix of electrostatic induction, Eq. (14),

    U = 1/2 sum_ij C^-1_ij q_i q_j .

This module solves the same electrostatics without images.  Outside the metal (epsilon = 1, Gaussian
units, lengths in any unit l, charges in e, energies in e^2/l) the potential is

    phi(r) = sum_k q_k / |r - r_k| + sum_i sum_{l<=L_i, m} A_{i,lm} (a_i / |r - c_i|)^(l+1) Y_lm(r - c_i),

with real orthonormal spherical harmonics Y_lm.  The condition that sphere i is an equipotential,
phi = V_i on |r - c_i| = a_i, projected onto Y_lm (l <= L_i) of that sphere, is one linear system
for all coefficients (a Galerkin method):

    A_{i,lm} + sum_{j != i} (K_ij A_j)_lm = sqrt(4 pi) V_i delta_l0 - (projection of the point charges)_lm.

The coupling K_ij (the field of sphere j's multipoles projected on sphere i) is computed in the frame
whose z axis joins the two centres, where it conserves m and is a one-dimensional Gauss-Legendre
integral over the polar angle of sphere i, then rotated back with real Wigner matrices
(:mod:`supercrystal.spheres.harmonics`, by recursion); no addition theorem is needed.  The point
charges project in closed form (Legendre expansion of 1/|r - r_k|).  The sphere's charge is
Q_i = A_{i,00} a_i / sqrt(4 pi).

Conductors: each sphere belongs to one *conductor* (a group of spheres that share one potential,
e.g. touching spheres, Sec. IV's contact limit), with either its total charge or its potential
fixed.  The system matrix is factorised once; the spheres' capacitance matrix C_ij (Eq. 14) and the
charges induced on grounded spheres by the point charges follow from N + 1 right-hand sides, and the
conductors' constraints are a small system for the unknown potentials.

Nested systems (the first n_1 < n_2 < ... spheres, e.g. clusters of growing shells) are principal
sub-blocks of the largest one: :func:`solve_nested` assembles that one and eliminates it block by
block (Schur complements), which yields every smaller system's solution at the cost of one
factorisation.  Couplings are assembled once per distinct separation vector.

For separated spheres the error falls exponentially in L (rate set by the Kelvin-image positions,
``log(d / a)`` per order roughly); for touching spheres only algebraically (App. C chapter).
"""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from scipy.linalg import lu_factor, lu_solve

from supercrystal.spheres.harmonics import (  # noqa: F401  (re-exported: the solver's vocabulary)
    SQRT4PI,
    gauss_legendre,
    legendre_table,
    lm_index,
    real_sph_harm,
    rotation_to_z,
    sphere_quadrature,
    wigner_real,
)


# --------------------------------------------------------------------------- couplings
_WIGNER: OrderedDict = OrderedDict()  # direction -> Wigner blocks, least recently used first


def _wigner_cached(lmax: int, direction: tuple) -> tuple:
    """Wigner blocks l <= lmax of the rotation taking ``direction`` to z, kept per direction (512 at
    most) at the largest degree asked so far, rounded up to a multiple of 8, and sliced: the
    recursion's block l does not depend on how far it goes."""
    blocks = _WIGNER.get(direction)
    if blocks is None or len(blocks) <= lmax:
        blocks = tuple(wigner_real(-(-lmax // 8) * 8, rotation_to_z(np.array(direction))))
        _WIGNER[direction] = blocks
        if len(_WIGNER) > 512:
            _WIGNER.popitem(last=False)
    else:
        _WIGNER.move_to_end(direction)
    return blocks[:lmax + 1]


def _rotate(blocks, coeffs: np.ndarray, lmax: int, transpose: bool = False) -> np.ndarray:
    """Apply block-diagonal D (or D^T) to the first (lmax+1)^2 rows of ``coeffs``."""
    out = np.empty(((lmax + 1) ** 2,) + coeffs.shape[1:])
    for l in range(lmax + 1):
        sl = slice(l * l, (l + 1) ** 2)
        d = blocks[l].T if transpose else blocks[l]
        out[sl] = d @ coeffs[sl]
    return out


@lru_cache(maxsize=32)
def _node_legendre(lmax: int, n_mu: int) -> np.ndarray:
    """p_lm (l <= lmax) at the n_mu Gauss-Legendre nodes, computed once (read-only)."""
    p = legendre_table(lmax, gauss_legendre(n_mu)[0])
    p.flags.writeable = False
    return p


def axial_coupling(
    li: int, ai: float, lj: int, aj: float, d: float, n_mu: int | None = None
) -> np.ndarray:
    """Field of sphere j's multipoles projected on sphere i, in the frame with c_i - c_j = d z.

    T[m, l, l'] = 2 pi int_{-1}^{1} p_lm(mu) (a_j/r')^(l'+1) p_l'm(mu') dmu, with r', mu' the
    distance and polar cosine of the point a_i (sin theta, 0, d/a_i + cos theta) seen from c_j.
    Real harmonics of the same m and the same parity (cos/sin) couple with this same T.

    Returns (lmax+1, li+1, lj+1) array, lmax = min(li, lj); for an array of distances d, one
    such array per distance (shape d.shape + (lmax+1, li+1, lj+1)).
    """
    n_mu = n_mu or 2 * (li + lj) + 48
    mu, w = gauss_legendre(n_mu)
    s = np.sqrt(1 - mu**2)
    z = np.asarray(d, float)[..., None] + ai * mu
    rho = ai * s
    r = np.hypot(z, rho)
    mup = z / r
    mmax = min(li, lj)
    pi_ = _node_legendre(li, n_mu)[:, : mmax + 1]
    pj = legendre_table(lj, mup)[:, : mmax + 1]  # (l', m, ..., node)
    ratio = aj / r
    powers = ratio[None] ** (np.arange(lj + 1).reshape((-1,) + (1,) * r.ndim) + 1)
    left = (pi_ * w).transpose(1, 0, 2)  # (m, l, node)
    right = np.moveaxis(pj * powers[:, None], (0, 1), (-1, -3))  # (..., m, node, l')
    return 2 * np.pi * (left @ right)


@lru_cache(maxsize=256)
def _axial_index(li: int, lj: int) -> tuple:
    """Where T[m, l, l'] goes in the real-coefficient matrix (rows, columns) and where it comes from."""
    dst_r, dst_c, src = [], [], []
    for m in range(min(li, lj) + 1):
        rows = np.arange(m, li + 1)
        cols = np.arange(m, lj + 1)
        rr, cc = np.meshgrid(rows, cols, indexing="ij")
        for sign in ((1, -1) if m > 0 else (1,)):
            dst_r.append(rr * rr + rr + sign * m)
            dst_c.append(cc * cc + cc + sign * m)
            src.append((m * (li + 1) + rr) * (lj + 1) + cc)
    return tuple(np.concatenate([a.ravel() for a in x]) for x in (dst_r, dst_c, src))


def _axial_matrix(t: np.ndarray, li: int, lj: int) -> np.ndarray:
    """Expand T[m, l, l'] into the ((li+1)^2, (lj+1)^2) matrix acting on real coefficients."""
    k = np.zeros(((li + 1) ** 2, (lj + 1) ** 2))
    rows, cols, src = _axial_index(li, lj)
    k[rows, cols] = t.ravel()[src]
    return k


def coupling_block(ci, ai, li, cj, aj, lj, n_mu: int | None = None) -> np.ndarray:
    """K_ij: coefficients (global frame) on sphere i of the field of unit multipoles of sphere j."""
    sep = np.asarray(ci, float) - np.asarray(cj, float)
    d = float(np.linalg.norm(sep))
    u = tuple(np.round(sep / d, 14))
    lmax = max(li, lj)
    blocks = _wigner_cached(lmax, u)
    t = axial_coupling(li, ai, lj, aj, d, n_mu)
    kz = _axial_matrix(t, li, lj)  # pair frame
    # K = D_i^T kz D_j : rotate j's coefficients into the pair frame, couple, rotate back.
    right = _rotate(blocks, kz.T, lj, transpose=True).T  # kz @ D_j = (D_j^T kz^T)^T
    return _rotate(blocks, right, li, transpose=True)


def point_charge_projection(center, a: float, lmax: int, positions, charges) -> np.ndarray:
    """Projection on Y_lm of sphere (center, a) of the potential of point charges outside it.

    1/|x - s| = sum_l a^l / s^(l+1) 4 pi/(2l+1) sum_m Y_lm(x) Y_lm(s) for |x| = a < s.
    """
    pos = np.asarray(positions, float).reshape(-1, 3) - np.asarray(center, float)
    q = np.asarray(charges, float).reshape(-1)
    out = np.zeros((lmax + 1) ** 2)
    if len(q) == 0:
        return out
    s = np.linalg.norm(pos, axis=1)
    if np.any(s <= a):
        raise ValueError("point charges must lie outside every sphere")
    y = real_sph_harm(lmax, pos)
    for l in range(lmax + 1):
        sl = slice(l * l, (l + 1) ** 2)
        fac = 4 * np.pi / (2 * l + 1) * a**l / s ** (l + 1) * q
        out[sl] = fac @ y[:, sl]
    return out


def multipole_potential(center, a: float, coeffs: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Potential sum_lm A_lm (a/r)^(l+1) Y_lm at ``points`` (n, 3) outside the sphere."""
    lmax = int(round(np.sqrt(len(coeffs)))) - 1
    v = np.asarray(points, float).reshape(-1, 3) - np.asarray(center, float)
    r = np.linalg.norm(v, axis=1)
    y = real_sph_harm(lmax, v)
    lvec = np.concatenate([np.full(2 * l + 1, l) for l in range(lmax + 1)])
    return (y * (a / r[:, None]) ** (lvec[None, :] + 1)) @ coeffs


# --------------------------------------------------------------------------- problem & result
@dataclass(frozen=True)
class Conductor:
    """A set of spheres at one common potential with either the total charge or the potential given.

    Exactly one of ``charge`` (units of e) and ``potential`` (e/length) must be set.
    """

    spheres: tuple
    charge: float | None = None
    potential: float | None = None

    def __post_init__(self):
        if (self.charge is None) == (self.potential is None):
            raise ValueError("a Conductor needs exactly one of charge and potential")


@dataclass(frozen=True)
class MultipoleSolution:
    """Solution of :func:`solve` (Sec. IV; Eq. 14 of App. C).

    Attributes
    ----------
    centres, radii : the spheres (length unit l).
    orders : expansion order L_i of each sphere.
    coefficients : list of coefficient vectors A_i ((L_i+1)^2 each, potential units e/l).
    charges : (N,) total charge of each sphere, units of e.
    potentials : (N,) potential of each sphere, e/l.
    point_positions, point_charges : the external point charges.
    point_potentials : (K,) potential at each point charge produced by the sphere charges only
        (the phi_s of the paper's single-pair energy).
    energy : total electrostatic energy, e^2/l: 1/2 sum_i Q_i V_i + 1/2 sum_k q_k phi_s(r_k)
        + sum_{k<k'} q_k q_k'/r_kk' (point-charge self-energies excluded, sphere self-energies
        included).
    capacitance : (N, N) matrix of electrostatic induction C_ij, Q = C V with no point charges
        (Eq. 14), units of l.
    grounded_charges : (N,) charges induced by the point charges on all spheres grounded.
    """

    centres: np.ndarray
    radii: np.ndarray
    orders: np.ndarray
    coefficients: list = field(repr=False)
    charges: np.ndarray = None
    potentials: np.ndarray = None
    point_positions: np.ndarray = None
    point_charges: np.ndarray = None
    point_potentials: np.ndarray = None
    energy: float = 0.0
    capacitance: np.ndarray = field(default=None, repr=False)
    grounded_charges: np.ndarray = None

    def self_energy(self) -> float:
        """Sum of isolated-sphere self-energies Q_i^2 / (2 a_i), e^2/l."""
        return float(np.sum(self.charges**2 / (2 * self.radii)))

    def energy_eq14(self, charges=None) -> float:
        """1/2 q.C^-1.q (Eq. 14) for sphere charges q (default: this solution's charges)."""
        q = self.charges if charges is None else np.asarray(charges, float)
        return float(0.5 * q @ np.linalg.solve(self.capacitance, q))

    def potential(self, points: np.ndarray) -> np.ndarray:
        """Potential of the sphere charges (not of the point charges) at ``points`` (n, 3)."""
        pts = np.asarray(points, float).reshape(-1, 3)
        out = np.zeros(len(pts))
        for c, a, coef in zip(self.centres, self.radii, self.coefficients):
            out += multipole_potential(c, a, coef, pts)
        return out


def _check_geometry(centres, radii, positions):
    if np.any(~np.isfinite(radii)) or np.any(radii <= 0):
        raise ValueError(f"radii must be positive (got {radii})")
    n = len(centres)
    for i in range(n):
        d = np.linalg.norm(centres[i + 1:] - centres[i], axis=1)
        if np.any(d < (radii[i + 1:] + radii[i]) * (1 - 1e-12)):
            raise ValueError("spheres must not overlap (they may touch)")
    for p in positions:
        if np.any(np.linalg.norm(centres - p, axis=1) <= radii):
            raise ValueError("point charges must lie outside every sphere")


def system_matrix(centres, radii, orders, n_mu: int | None = None) -> np.ndarray:
    """The Galerkin matrix I + K of the module docstring (all spheres, block structure by sphere).

    A coupling block depends only on the separation c_i - c_j, the two radii and the two orders,
    so it is computed once for each distinct combination (a lattice cluster has few).
    """
    centres = np.asarray(centres, float)
    sizes = [(l + 1) ** 2 for l in orders]
    offs = np.concatenate([[0], np.cumsum(sizes)])
    m = np.eye(offs[-1])
    known: dict = {}
    for i in range(len(centres)):
        for j in range(len(centres)):
            if i == j:
                continue
            sep = centres[i] - centres[j]
            key = (tuple(np.round(sep, 12)), float(radii[i]), int(orders[i]), float(radii[j]), int(orders[j]))
            if key not in known:
                known[key] = coupling_block(sep, radii[i], orders[i], np.zeros(3), radii[j], orders[j], n_mu)
            m[offs[i]:offs[i + 1], offs[j]:offs[j + 1]] = known[key]
    return m


def _eliminate(m: np.ndarray, bounds: np.ndarray) -> list:
    """Block LU of ``m`` in place over the diagonal blocks bounds[k]:bounds[k+1] (pivoting inside).

    Afterwards m[s_k, s_k] is unused, m[s_k, r_k] holds S_k^-1 U_k (r_k: everything after block
    k) and m[r_k, s_k] the eliminated column; S_k, the Schur complement of block k, is factorised
    (returned).  The leading sub-blocks of this factorisation factorise every leading system.
    """
    factors = []
    n = len(m)
    for k in range(len(bounds) - 1):
        s, e = bounds[k], bounds[k + 1]
        lu = lu_factor(m[s:e, s:e], check_finite=False)
        factors.append(lu)
        if e == n:
            break
        m[s:e, e:] = lu_solve(lu, m[s:e, e:], check_finite=False)
        for c in range(e, n, 1024):  # trailing update by row chunks: bounded temporaries
            m[c:c + 1024, e:] -= m[c:c + 1024, s:e] @ m[s:e, e:]
    return factors


def _nested_solutions(m, factors, bounds, rhs, columns) -> list[np.ndarray]:
    """Solutions of the leading systems m[:bounds[k+1], :bounds[k+1]] x = rhs[:bounds[k+1], columns[k]]."""
    v = rhs.copy()
    for k, lu in enumerate(factors):  # forward: independent of the system's size
        s, e = bounds[k], bounds[k + 1]
        v[s:e] = lu_solve(lu, v[s:e], check_finite=False)
        if e < len(m):
            v[e:] -= m[e:, s:e] @ v[s:e]
    out = []
    for k in range(len(factors)):  # back substitution of each leading system
        b = bounds[k + 1]
        x = v[:b, columns[k]]
        for j in range(k - 1, -1, -1):
            s, e = bounds[j], bounds[j + 1]
            x[s:e] -= m[s:e, e:b] @ x[e:b]
        out.append(x)
    return out


def _with_defaults(n: int, conductors) -> list[Conductor]:
    """The conductors of n spheres: those given plus every other sphere isolated and neutral."""
    conductors = list(conductors or [])
    named = {i for c in conductors for i in c.spheres}
    if len(named) != sum(len(c.spheres) for c in conductors):
        raise ValueError("a sphere belongs to two conductors")
    if any(i < 0 or i >= n for i in named):
        raise ValueError(f"conductors name spheres outside 0..{n - 1}")
    return conductors + [Conductor((i,), charge=0.0) for i in range(n) if i not in named]


def _solution(centres, radii, orders, offs, sol, pos, q, conductors) -> MultipoleSolution:
    """Fix the conductors' potentials from the unit-potential and grounded solutions ``sol``."""
    n = len(centres)
    mono = sol[offs[:-1], :] * radii[:, None] / SQRT4PI  # charges
    cap = mono[:, :n]
    q0 = mono[:, n]
    ng = len(conductors)
    g = np.zeros((n, ng))
    for k, c in enumerate(conductors):
        g[list(c.spheres), k] = 1.0
    fixed_v = np.array([c.potential is not None for c in conductors])
    v = np.array([c.potential if c.potential is not None else 0.0 for c in conductors])
    if np.any(~fixed_v):
        cg = g.T @ cap @ g
        free = ~fixed_v
        target = np.array([c.charge for c in conductors if c.charge is not None])
        b = target - (g.T @ q0)[free] - cg[np.ix_(free, fixed_v)] @ v[fixed_v]
        v[free] = np.linalg.solve(cg[np.ix_(free, free)], b)
    vs = g @ v
    full = sol[:, :n] @ vs + sol[:, n]
    coeffs = [full[offs[i]:offs[i + 1]].copy() for i in range(n)]
    charges = cap @ vs + q0

    sol_obj = MultipoleSolution(
        centres=centres, radii=radii, orders=orders, coefficients=coeffs, charges=charges,
        potentials=vs, point_positions=pos, point_charges=q, capacitance=cap,
        grounded_charges=q0,
    )
    phi_s = sol_obj.potential(pos) if len(q) else np.zeros(0)
    e_pp = 0.0
    for k in range(len(q)):
        for k2 in range(k + 1, len(q)):
            e_pp += q[k] * q[k2] / np.linalg.norm(pos[k] - pos[k2])
    energy = 0.5 * charges @ vs + 0.5 * q @ phi_s + e_pp
    object.__setattr__(sol_obj, "point_potentials", phi_s)
    object.__setattr__(sol_obj, "energy", float(energy))
    return sol_obj


def solve_nested(
    centres,
    radii,
    order: int | list = 12,
    counts=None,
    point_positions=(),
    point_charges=(),
    conductors: list | None = None,
    n_mu: int | None = None,
) -> list[MultipoleSolution]:
    """Solve the systems of the first counts[0] < counts[1] < ... spheres with one factorisation.

    Parameters are those of :func:`solve`, except ``counts`` (increasing sphere counts, the last
    at most N; default [N]) and ``conductors``: one list of :class:`Conductor` (or None) per count.
    Since each smaller system is a principal sub-block of the largest (same spheres, same orders),
    the largest is assembled once and eliminated block by block (module docstring).

    Returns
    -------
    list of :class:`MultipoleSolution`, one per count.
    """
    centres = np.asarray(centres, float).reshape(-1, 3)
    n = len(centres)
    radii = np.broadcast_to(np.asarray(radii, float), (n,)).copy()
    orders = np.broadcast_to(np.asarray(order, int), (n,)).copy()
    if np.any(orders < 0):
        raise ValueError(f"order must be >= 0 (got {order})")
    counts = [n] if counts is None else [int(c) for c in counts]
    if any(c < 1 for c in counts) or any(b <= a for a, b in zip(counts, counts[1:])) or counts[-1] > n:
        raise ValueError(f"counts must increase from >= 1 to at most {n} (got {counts})")
    conductors = [None] * len(counts) if conductors is None else list(conductors)
    if len(conductors) != len(counts):
        raise ValueError("conductors needs one entry per count")
    pos = np.asarray(point_positions, float).reshape(-1, 3)
    q = np.asarray(point_charges, float).reshape(-1)
    if len(q) != len(pos):
        raise ValueError("point_positions and point_charges differ in length")
    centres, radii, orders = centres[:counts[-1]], radii[:counts[-1]], orders[:counts[-1]]
    n = len(centres)
    _check_geometry(centres, radii, pos)
    conductors = [_with_defaults(c, cond) for c, cond in zip(counts, conductors)]

    sizes = [(l + 1) ** 2 for l in orders]
    offs = np.concatenate([[0], np.cumsum(sizes)])
    # right-hand sides: unit potential on each sphere, and the point charges with all grounded
    rhs = np.zeros((offs[-1], n + 1))
    for i in range(n):
        rhs[offs[i], i] = SQRT4PI
        rhs[offs[i]:offs[i + 1], n] = -point_charge_projection(centres[i], radii[i], orders[i], pos, q)
    m = system_matrix(centres, radii, orders, n_mu)
    bounds = np.concatenate([[0], offs[counts]])
    factors = _eliminate(m, bounds)
    columns = [np.r_[0:c, n] for c in counts]
    sols = _nested_solutions(m, factors, bounds, rhs, columns)
    return [_solution(centres[:c], radii[:c], orders[:c], offs[:c + 1], x, pos, q, cond)
            for c, x, cond in zip(counts, sols, conductors)]


def solve(
    centres,
    radii,
    order: int | list = 12,
    point_positions=(),
    point_charges=(),
    conductors: list[Conductor] | None = None,
    n_mu: int | None = None,
) -> MultipoleSolution:
    """Solve N conducting spheres with point charges outside them (module docstring; Eq. 14).

    Parameters
    ----------
    centres : (N, 3) sphere centres; radii : (N,) sphere radii (same length unit l).
    order : expansion order L (one for all spheres, or one per sphere), >= 0.
    point_positions, point_charges : (K, 3) and (K,) external point charges (units of e).
    conductors : how the spheres are held.  Default: every sphere isolated and neutral.  Spheres
        not named in any conductor are isolated and neutral.
    n_mu : polar quadrature nodes of the coupling integrals (default 2(L_i+L_j)+48).

    Returns
    -------
    :class:`MultipoleSolution`.
    """
    return solve_nested(centres, radii, order, None, point_positions, point_charges, [conductors], n_mu)[0]


def capacitance_matrix(centres, radii, order: int | list = 12, n_mu: int | None = None) -> np.ndarray:
    """Matrix of electrostatic induction C_ij of isolated spheres (Eq. 14), units of length."""
    return solve(centres, radii, order, n_mu=n_mu).capacitance
