"""Real spherical harmonics, sphere quadratures and real Wigner matrices: the multipole solver's tools.

The multipole solver of Sec. IV / App. C (:mod:`supercrystal.spheres.multipole`) expands the
potential on each sphere in real orthonormal spherical harmonics without the Condon-Shortley phase,

    Y_l0 = p_l0(cos theta),   Y_l,+m = sqrt2 p_lm cos(m phi),   Y_l,-m = sqrt2 p_lm sin(m phi),

p_lm the orthonormalised associated Legendre functions; the coefficient of Y_lm sits at position
l^2 + l + m of a coefficient vector.  A rotation acts on the coefficients of each degree l through
an orthogonal (2l+1) x (2l+1) block D^l.  The blocks are built by the recursion of Ivanic and
Ruedenberg (J. Phys. Chem. 100, 6342 (1996); erratum 102, 9099 (1998)) from the l = 1 block,
which is the 3x3 rotation matrix itself in the order (y, z, x), in O(l^3) operations per rotation;
it agrees with :func:`wigner_real_quadrature`, the same blocks by an exact quadrature (their
definition), to ~1e-13 up to l = 40 (tests), and its blocks are orthogonal to ~1e-13.

Everything that depends on an order only (Gauss-Legendre nodes, the quadrature grid of the sphere,
the recursion's coefficient tables) is computed once per process and kept (read-only arrays).
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

SQRT4PI = float(np.sqrt(4.0 * np.pi))


def _frozen(*arrays: np.ndarray) -> tuple[np.ndarray, ...]:
    for a in arrays:
        a.flags.writeable = False
    return arrays


@lru_cache(maxsize=256)
def gauss_legendre(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Gauss-Legendre nodes and weights on [-1, 1] (``numpy.polynomial.legendre.leggauss``), cached.

    Returns read-only arrays (nodes (n,), weights (n,)).
    """
    return _frozen(*np.polynomial.legendre.leggauss(n))


# --------------------------------------------------------------------------- harmonics
def legendre_table(lmax: int, mu: np.ndarray) -> np.ndarray:
    """Orthonormalised associated Legendre functions p_lm(mu) for 0 <= m <= l <= lmax.

    p_lm = sqrt((2l+1)/(4 pi) (l-m)!/(l+m)!) P_l^m(mu) (no Condon-Shortley phase), so that
    Y_l0 = p_l0 and Y_l,+-m = sqrt2 p_lm {cos, sin}(m phi) are orthonormal on the unit sphere.
    Computed by the standard stable three-term recursion in l, all m at once.

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
    if lmax == 0:
        return p
    m = np.arange(lmax)
    lead = np.sqrt(2 * m + 3.0).reshape((-1,) + (1,) * mu.ndim)
    p[m + 1, m] = lead * mu * p[m, m]
    for l in range(2, lmax + 1):
        m = np.arange(l - 1)
        shape = (-1,) + (1,) * mu.ndim
        a = np.sqrt((4.0 * l * l - 1) / (l * l - m * m)).reshape(shape)
        b = np.sqrt(((l - 1.0) ** 2 - m * m) / (4.0 * (l - 1) ** 2 - 1)).reshape(shape)
        p[l, : l - 1] = a * (mu * p[l - 1, : l - 1] - b * p[l - 2, : l - 1])
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
    ls = np.arange(lmax + 1)
    out[ls * ls + ls] = p[:, 0]
    for m in range(1, lmax + 1):
        c, s = np.sqrt(2.0) * np.cos(m * phi), np.sqrt(2.0) * np.sin(m * phi)
        row = ls[m:] * ls[m:] + ls[m:]
        out[row + m] = p[m:, m] * c
        out[row - m] = p[m:, m] * s
    return out.T  # (n, nlm), Fortran-ordered: column slices are contiguous


@lru_cache(maxsize=64)
def sphere_quadrature(n_theta: int, n_phi: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Gauss-Legendre (in cos theta) x uniform (in phi) nodes on the unit sphere and their weights.

    Exact for the integral of any band-limited function of degree <= 2 n_theta - 1 when
    n_phi >= 2 n_theta.  Returns read-only (points (n, 3), weights (n,)) with sum(weights) = 4 pi,
    computed once per (n_theta, n_phi).
    """
    n_phi = n_phi or 2 * n_theta
    mu, w = gauss_legendre(n_theta)
    phi = (np.arange(n_phi) + 0.5) * 2 * np.pi / n_phi
    s = np.sqrt(1 - mu**2)
    pts = np.stack(
        [np.outer(s, np.cos(phi)), np.outer(s, np.sin(phi)), np.outer(mu, np.ones_like(phi))], axis=-1
    ).reshape(-1, 3)
    weights = np.outer(w, np.full(n_phi, 2 * np.pi / n_phi)).ravel()
    return _frozen(pts, weights)


def sphere_projection(values: np.ndarray, lmax: int, n_theta: int) -> np.ndarray:
    """Coefficients int Y_lm f dOmega (l <= lmax) of f given on the nodes of ``sphere_quadrature(n_theta)``.

    Equal to ``real_sph_harm(lmax, points).T @ (weights * values)``, computed as a sum over phi for
    each m (cos and sin) followed by a Gauss-Legendre sum over cos theta, so that only the Legendre
    table at the n_theta polar nodes is needed.  Returns ((lmax+1)^2,) in the order l^2 + l + m.
    """
    mu, wq = gauss_legendre(n_theta)
    n_phi = 2 * n_theta
    phi = (np.arange(n_phi) + 0.5) * 2 * np.pi / n_phi
    mphi = np.outer(np.arange(lmax + 1), phi)
    f = np.asarray(values, dtype=float).reshape(n_theta, n_phi) * (2 * np.pi / n_phi)
    p = legendre_table(lmax, mu) * wq  # (l, m, node)
    cos_part = np.einsum("lmi,im->lm", p, f @ np.cos(mphi).T)
    sin_part = np.einsum("lmi,im->lm", p, f @ np.sin(mphi).T)
    out = np.empty((lmax + 1) ** 2)
    ls = np.arange(lmax + 1)
    out[ls * ls + ls] = cos_part[:, 0]
    for m in range(1, lmax + 1):
        row = ls[m:] * ls[m:] + ls[m:]
        out[row + m] = np.sqrt(2.0) * cos_part[m:, m]
        out[row - m] = np.sqrt(2.0) * sin_part[m:, m]
    return out


# --------------------------------------------------------------------------- rotations
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


@lru_cache(maxsize=None)
def _recursion_tables(l: int) -> tuple:
    """Rows and coefficients of the Ivanic-Ruedenberg recursion for degree l >= 2 (their Table 2).

    D^l[m, m'] = sum_t c_t[m, m'] P[src_t[m], m'] over the five terms t (u U, v V twice, w W twice),
    P the stack of P_-1, P_0, P_1 built from D^(l-1) and the l = 1 block (:func:`wigner_real_batch`).
    Returns (src (5, 2l+1), c (5, 2l+1, 2l+1)); absent terms have c = 0.
    """
    m = np.arange(-l, l + 1)[:, None]
    mp = np.arange(-l, l + 1)[None, :]
    am = np.abs(m)
    d0 = (m == 0).astype(float)
    denom = np.where(np.abs(mp) < l, (l + mp) * (l - mp), 2 * l * (2 * l - 1)).astype(float)
    u = np.sqrt((l + m) * (l - m) / denom)
    v = 0.5 * np.sqrt((1 + d0) * (l + am - 1) * (l + am) / denom) * (1 - 2 * d0)
    w = -0.5 * np.sqrt(np.clip((l - am - 1) * (l - am), 0, None) / denom) * (1 - d0)
    one = (m == 1).astype(float)
    mone = (m == -1).astype(float)
    pos, neg = (m > 0), (m < 0)
    # V: m = 0: P_1[1] + P_-1[-1]; m > 0: sqrt(1+d_m1) P_1[m-1] - (1-d_m1) P_-1[-m+1];
    #    m < 0: (1-d_m,-1) P_1[m+1] + sqrt(1+d_m,-1) P_-1[-m-1]
    v1_row = np.where(pos, m - 1, np.where(neg, m + 1, 1))
    v1_c = v * np.where(pos, np.sqrt(1 + one), np.where(neg, 1 - mone, 1.0))
    v2_row = np.where(pos, -m + 1, np.where(neg, -m - 1, -1))
    v2_c = v * np.where(pos, -(1 - one), np.where(neg, np.sqrt(1 + mone), 1.0))
    # W: m > 0: P_1[m+1] + P_-1[-m-1]; m < 0: P_1[m-1] - P_-1[-m+1]; m = 0: none (w = 0)
    w1_row = np.where(pos, m + 1, m - 1)
    w2_row = np.where(pos, -m - 1, -m + 1)
    w2_c = np.where(pos, w, -w)
    terms = [(0, m, u), (1, v1_row, v1_c), (-1, v2_row, v2_c), (1, w1_row, w), (-1, w2_row, w2_c)]
    n = 2 * l + 1
    src, coef = [], []
    for i, row, c in terms:
        row = np.broadcast_to(row, (n, 1))[:, 0]
        valid = np.abs(row) <= l - 1
        coef.append(np.where(valid[:, None], np.broadcast_to(c, (n, n)), 0.0))
        src.append(np.where(valid, (i + 1) * (2 * l - 1) + row + l - 1, 0))  # row of the stacked P
    return _frozen(np.array(src), np.array(coef))


def wigner_real_batch(lmax: int, rots: np.ndarray) -> list[np.ndarray]:
    """D^l (l <= lmax) of a stack of orthogonal 3x3 matrices ``rots`` (..., 3, 3), Ivanic-Ruedenberg.

    Returns a list of (..., 2l+1, 2l+1) arrays.  Each D^l is a homogeneous polynomial of degree l
    in the entries of the matrix, so improper rotations (the reflections of O_h) are handled too.
    """
    rots = np.asarray(rots, dtype=float)
    batch = rots.shape[:-2]
    yzx = [1, 2, 0]
    # the stack last (none for one rotation), so that the row gathers move contiguous memory
    r1 = np.moveaxis(rots.reshape((-1, 3, 3))[:, yzx][:, :, yzx], 0, -1)  # r1[i+1, j+1, k] = R_ij
    if not batch:
        r1 = r1[..., 0]
    tail = r1.shape[2:]
    blocks = [np.ones((1, 1) + tail), r1]
    for l in range(2, lmax + 1):
        prev = blocks[-1]
        p = np.empty((3, 2 * l - 1, 2 * l + 1) + tail)
        for i in range(3):  # P_i, i = -1, 0, 1, from R_i,-1, R_i,0, R_i,1 and D^(l-1)
            p[i, :, 1:-1] = r1[i, 1] * prev
            p[i, :, -1] = r1[i, 2] * prev[:, -1] - r1[i, 0] * prev[:, 0]
            p[i, :, 0] = r1[i, 2] * prev[:, 0] + r1[i, 0] * prev[:, -1]
        src, coef = _recursion_tables(l)
        blocks.append(np.einsum("tmk,tmk...->mk...", coef, p.reshape((-1, 2 * l + 1) + tail)[src]))
    if not batch:
        return blocks[:lmax + 1]
    return [np.moveaxis(b, -1, 0).reshape(batch + b.shape[:2]) for b in blocks[:lmax + 1]]


def wigner_real(lmax: int, rot: np.ndarray) -> list[np.ndarray]:
    """Real-harmonic rotation blocks D^l (l = 0..lmax) for the orthogonal matrix ``rot`` (3x3).

    If f(x) = sum_m A_m Y_lm(x), then in rotated coordinates x' = rot @ x the same function reads
    sum_m (D^l A)_m Y_lm(x'), i.e. D^l_mm' = int Y_lm(x') Y_lm'(rot^T x') dOmega'.  Computed by the
    Ivanic-Ruedenberg recursion (module docstring); each block is orthogonal.
    """
    return wigner_real_batch(lmax, np.asarray(rot, dtype=float))


def wigner_real_quadrature(lmax: int, rot: np.ndarray) -> list[np.ndarray]:
    """The blocks of :func:`wigner_real` from their definition, by an exact quadrature (slower)."""
    pts, w = sphere_quadrature(lmax + 1, 2 * lmax + 2)
    y_new = real_sph_harm(lmax, pts).T * w[None, :]  # (nlm, n), C-ordered
    y_old = np.ascontiguousarray(real_sph_harm(lmax, pts @ np.asarray(rot)))  # x'^T rot = (rot^T x')^T
    return [y_new[l * l:(l + 1) ** 2] @ y_old[:, l * l:(l + 1) ** 2] for l in range(lmax + 1)]
