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
integral over the polar angle of sphere i, then rotated back with real Wigner matrices obtained by
quadrature; no addition theorem is needed.  The point charges project in closed form (Legendre
expansion of 1/|r - r_k|).  The sphere's charge is Q_i = A_{i,00} a_i / sqrt(4 pi).

Conductors: each sphere belongs to one *conductor* (a group of spheres that share one potential,
e.g. touching spheres, Sec. IV's contact limit), with either its total charge or its potential
fixed.  The system matrix is factorised once; the spheres' capacitance matrix C_ij (Eq. 14) and the
charges induced on grounded spheres by the point charges follow from N + 1 right-hand sides, and the
conductors' constraints are a small system for the unknown potentials.

For separated spheres the error falls exponentially in L (rate set by the Kelvin-image positions,
``log(d / a)`` per order roughly); for touching spheres only algebraically (App. C chapter).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from scipy.linalg import lu_factor, lu_solve

SQRT4PI = float(np.sqrt(4.0 * np.pi))


# --------------------------------------------------------------------------- harmonics
def legendre_table(lmax: int, mu: np.ndarray) -> np.ndarray:
    """Orthonormalised associated Legendre functions p_lm(mu) for 0 <= m <= l <= lmax.

    p_lm = sqrt((2l+1)/(4 pi) (l-m)!/(l+m)!) P_l^m(mu) (no Condon-Shortley phase), so that
    Y_l0 = p_l0 and Y_l,+-m = sqrt2 p_lm {cos, sin}(m phi) are orthonormal on the unit sphere.
    Computed by the standard stable three-term recursion.

    Returns
    -------
    (lmax+1, lmax+1, npts) array indexed [l, m, point]; entries with m > l are zero.
    """
    mu = np.asarray(mu, dtype=float)
    s = np.sqrt(np.clip(1.0 - mu * mu, 0.0, None))
    p = np.zeros((lmax + 1, lmax + 1) + mu.shape)
    p[0, 0] = 1.0 / SQRT4PI
    for m in range(1, lmax + 1):
        p[m, m] = np.sqrt((2 * m + 1) / (2.0 * m)) * s * p[m - 1, m - 1]
    for m in range(0, lmax):
        p[m + 1, m] = np.sqrt(2 * m + 3.0) * mu * p[m, m]
        for l in range(m + 2, lmax + 1):
            a = np.sqrt((4.0 * l * l - 1) / (l * l - m * m))
            b = np.sqrt(((l - 1.0) ** 2 - m * m) / (4.0 * (l - 1) ** 2 - 1))
            p[l, m] = a * (mu * p[l - 1, m] - b * p[l - 2, m])
    return p


def lm_index(l: int, m: int) -> int:
    """Position of (l, m) in a coefficient vector: l^2 + l + m (m from -l to l)."""
    return l * l + l + m


def real_sph_harm(lmax: int, vectors: np.ndarray) -> np.ndarray:
    """Real orthonormal spherical harmonics Y_lm of the directions of ``vectors`` (n, 3).

    Returns (n, (lmax+1)^2), column l^2 + l + m: Y_l0 = p_l0, Y_lm = sqrt2 p_lm cos(m phi) for
    m > 0 and sqrt2 p_l|m| sin(|m| phi) for m < 0.
    """
    v = np.asarray(vectors, dtype=float).reshape(-1, 3)
    r = np.linalg.norm(v, axis=1)
    mu = np.divide(v[:, 2], r, out=np.ones_like(r), where=r > 0)
    phi = np.arctan2(v[:, 1], v[:, 0])
    p = legendre_table(lmax, mu)
    out = np.empty(((lmax + 1) ** 2, len(v)))
    for m in range(0, lmax + 1):
        c, s = np.sqrt(2.0) * np.cos(m * phi), np.sqrt(2.0) * np.sin(m * phi)
        for l in range(m, lmax + 1):
            if m == 0:
                out[lm_index(l, 0)] = p[l, 0]
            else:
                out[lm_index(l, m)] = p[l, m] * c
                out[lm_index(l, -m)] = p[l, m] * s
    return out.T  # (n, nlm), Fortran-ordered: column slices are contiguous


def sphere_quadrature(n_theta: int, n_phi: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Gauss-Legendre (in cos theta) x uniform (in phi) nodes on the unit sphere and their weights.

    Exact for the integral of any band-limited function of degree <= 2 n_theta - 1 when
    n_phi >= 2 n_theta.  Returns (points (n, 3), weights (n,)) with sum(weights) = 4 pi.
    """
    n_phi = n_phi or 2 * n_theta
    mu, w = np.polynomial.legendre.leggauss(n_theta)
    phi = (np.arange(n_phi) + 0.5) * 2 * np.pi / n_phi
    s = np.sqrt(1 - mu**2)
    pts = np.stack(
        [np.outer(s, np.cos(phi)), np.outer(s, np.sin(phi)), np.outer(mu, np.ones_like(phi))], axis=-1
    ).reshape(-1, 3)
    weights = np.outer(w, np.full(n_phi, 2 * np.pi / n_phi)).ravel()
    return pts, weights


def rotation_to_z(u: np.ndarray) -> np.ndarray:
    """A proper rotation matrix R with R @ u = z (u a unit vector)."""
    u = np.asarray(u, dtype=float) / np.linalg.norm(u)
    z = np.array([0.0, 0.0, 1.0])
    c = float(u @ z)
    if c > 1 - 1e-15:
        return np.eye(3)
    if c < -1 + 1e-15:
        return np.diag([1.0, -1.0, -1.0])
    k = np.cross(u, z)
    s = np.linalg.norm(k)
    k /= s
    kx = np.array([[0, -k[2], k[1]], [k[2], 0, -k[0]], [-k[1], k[0], 0]])
    return np.eye(3) + s * kx + (1 - c) * kx @ kx


def wigner_real(lmax: int, rot: np.ndarray) -> list[np.ndarray]:
    """Real-harmonic rotation blocks D^l (l = 0..lmax) for the rotation ``rot`` (3x3).

    If f(x) = sum_m A_m Y_lm(x), then in rotated coordinates x' = rot @ x the same function reads
    sum_m (D^l A)_m Y_lm(x'), i.e. D^l_mm' = int Y_lm(x') Y_lm'(rot^T x') dOmega', computed by an
    exact quadrature.  Each block is orthogonal.
    """
    pts, w = sphere_quadrature(lmax + 1, 2 * lmax + 2)
    y_new = real_sph_harm(lmax, pts).T * w[None, :]  # (nlm, n), C-ordered
    y_old = np.ascontiguousarray(real_sph_harm(lmax, pts @ np.asarray(rot)))  # x'^T rot = (rot^T x')^T
    blocks = []
    for l in range(lmax + 1):
        sl = slice(l * l, (l + 1) ** 2)
        blocks.append(y_new[sl] @ y_old[:, sl])
    return blocks


@lru_cache(maxsize=4096)
def _wigner_cached(lmax: int, direction: tuple) -> tuple:
    return tuple(wigner_real(lmax, rotation_to_z(np.array(direction))))


def _rotate(blocks, coeffs: np.ndarray, lmax: int, transpose: bool = False) -> np.ndarray:
    """Apply block-diagonal D (or D^T) to the first (lmax+1)^2 rows of ``coeffs``."""
    out = np.empty(((lmax + 1) ** 2,) + coeffs.shape[1:])
    for l in range(lmax + 1):
        sl = slice(l * l, (l + 1) ** 2)
        d = blocks[l].T if transpose else blocks[l]
        out[sl] = d @ coeffs[sl]
    return out


def axial_coupling(
    li: int, ai: float, lj: int, aj: float, d: float, n_mu: int | None = None
) -> np.ndarray:
    """Field of sphere j's multipoles projected on sphere i, in the frame with c_i - c_j = d z.

    T[m, l, l'] = 2 pi int_{-1}^{1} p_lm(mu) (a_j/r')^(l'+1) p_l'm(mu') dmu, with r', mu' the
    distance and polar cosine of the point a_i (sin theta, 0, d/a_i + cos theta) seen from c_j.
    Real harmonics of the same m and the same parity (cos/sin) couple with this same T.

    Returns (lmax+1, li+1, lj+1) array, lmax = min(li, lj).
    """
    n_mu = n_mu or 2 * (li + lj) + 48
    mu, w = np.polynomial.legendre.leggauss(n_mu)
    s = np.sqrt(1 - mu**2)
    z = d + ai * mu
    rho = ai * s
    r = np.hypot(z, rho)
    mup = z / r
    pi_ = legendre_table(li, mu)
    pj = legendre_table(lj, mup)
    ratio = aj / r
    powers = ratio[None, :] ** (np.arange(lj + 1)[:, None] + 1)
    mmax = min(li, lj)
    out = np.zeros((mmax + 1, li + 1, lj + 1))
    for m in range(mmax + 1):
        out[m] = 2 * np.pi * (pi_[:, m, :] * w) @ (pj[:, m, :] * powers).T
    return out


def _axial_matrix(t: np.ndarray, li: int, lj: int) -> np.ndarray:
    """Expand T[m, l, l'] into the ((li+1)^2, (lj+1)^2) matrix acting on real coefficients."""
    k = np.zeros(((li + 1) ** 2, (lj + 1) ** 2))
    for m in range(t.shape[0]):
        rows = np.arange(m, li + 1)
        cols = np.arange(m, lj + 1)
        blk = t[m][np.ix_(rows, cols)]
        ri = rows * rows + rows
        ci = cols * cols + cols
        k[np.ix_(ri + m, ci + m)] = blk
        if m > 0:
            k[np.ix_(ri - m, ci - m)] = blk
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
    """The Galerkin matrix I + K of the module docstring (all spheres, block structure by sphere)."""
    sizes = [(l + 1) ** 2 for l in orders]
    offs = np.concatenate([[0], np.cumsum(sizes)])
    m = np.eye(offs[-1])
    for i in range(len(centres)):
        for j in range(len(centres)):
            if i == j:
                continue
            m[offs[i]:offs[i + 1], offs[j]:offs[j + 1]] = coupling_block(
                centres[i], radii[i], orders[i], centres[j], radii[j], orders[j], n_mu
            )
    return m


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
    centres = np.asarray(centres, float).reshape(-1, 3)
    n = len(centres)
    radii = np.broadcast_to(np.asarray(radii, float), (n,)).copy()
    orders = np.broadcast_to(np.asarray(order, int), (n,)).copy()
    if np.any(orders < 0):
        raise ValueError(f"order must be >= 0 (got {order})")
    pos = np.asarray(point_positions, float).reshape(-1, 3)
    q = np.asarray(point_charges, float).reshape(-1)
    if len(q) != len(pos):
        raise ValueError("point_positions and point_charges differ in length")
    _check_geometry(centres, radii, pos)
    conductors = list(conductors or [])
    named = {i for c in conductors for i in c.spheres}
    if len(named) != sum(len(c.spheres) for c in conductors):
        raise ValueError("a sphere belongs to two conductors")
    conductors += [Conductor((i,), charge=0.0) for i in range(n) if i not in named]

    sizes = [(l + 1) ** 2 for l in orders]
    offs = np.concatenate([[0], np.cumsum(sizes)])
    lu = lu_factor(system_matrix(centres, radii, orders, n_mu))
    # right-hand sides: unit potential on each sphere, and the point charges with all grounded
    rhs = np.zeros((offs[-1], n + 1))
    for i in range(n):
        rhs[offs[i], i] = SQRT4PI
        rhs[offs[i]:offs[i + 1], n] = -point_charge_projection(centres[i], radii[i], orders[i], pos, q)
    sol = lu_solve(lu, rhs)
    mono = sol[offs[:-1], :] * radii[:, None] / SQRT4PI  # charges
    cap = mono[:, :n]
    cap_sym = 0.5 * (cap + cap.T)
    q0 = mono[:, n]

    # conductor constraints -> potentials
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


def capacitance_matrix(centres, radii, order: int | list = 12, n_mu: int | None = None) -> np.ndarray:
    """Matrix of electrostatic induction C_ij of isolated spheres (Eq. 14), units of length."""
    return solve(centres, radii, order, n_mu=n_mu).capacitance
