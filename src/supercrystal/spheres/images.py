"""The image-charge recursion of Appendix A, and why it diverges (Sec. IV, Appendix A).

A cation (+e) sits at a pore centre; the nearest metal NCs are conducting spheres of radius
``a_m = rho * b`` (units of b throughout, energies in e^2/b, eps = 1 outside the metal).  One of the
spheres carries the electron (net charge -e), the others are neutral.  Appendix A builds the field by
Kelvin images of point charges [a charge q at distance s from a sphere's centre has the image
-q a/s at a^2/s from the centre]:

1) images -e', -(e - e') of the cation in the charged sphere (e' = e a/d, the second at its centre);
2) images -e', +e' in each neutral sphere;
3) images in every sphere of all image charges of the previous generation in the *other* spheres;
4) a compensating charge at every centre, so that each generation after the first adds no net charge;
5) repeat 3)-4).

Generation K contributes e_K to the paper's energy ``E = 1/2 e phi_images(r_c)``; the paper damps
generation K by eta^K.  Because every step is linear in the charges of the previous generation, the
recursion is the Neumann series  c = sum_K M^K b  of a linear operator M (the generation map), and the
damped sum is the power series E(eta) = sum_K eta^K e_K, whose radius of convergence is 1/r(M),
r(M) the spectral radius.  This module computes

* the recursion literally, with point charges (:func:`image_recursion`);
* the same map as a matrix on the multipole coefficients of each sphere's image field
  (:func:`recursion_operator`), exact up to the truncation order ``lmax``: the Kelvin image of an
  external field with boundary values f on sphere j is the decaying harmonic field with boundary
  values -f, and the compensating centre charge removes its l = 0 part;
* its spectral radius versus rho (:func:`spectral_radius`, :func:`critical_rho`), and the sum the
  series would have if it converged, ``(I - M)^-1 b`` (:func:`recursion_limit`), which is the exact
  energy of the six-sphere cluster.

Variants, to locate the cause of the divergence: ``compensate=False`` (grounded spheres, rule 4
dropped) and ``order="sequential"`` (images of the newest charges are made sphere after sphere, a
Gauss-Seidel ordering of the same reflections, i.e. Schwarz's alternating method).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from itertools import product

import numpy as np

from supercrystal.lattice.geometry import CATION_PORE, check_lattice, check_rho, pore_geometry
from supercrystal.spheres.multipole import real_sph_harm, sphere_quadrature

def sphere_cluster(lattice: str = "fcc") -> np.ndarray:
    """Centres of the cation's nearest NC spheres relative to the cation, shape (n, 3), units of b.

    fcc (Sec. IV, App. A): the six NCs of an octahedral pore at sqrt(2) b; sc: the eight cube corners
    at sqrt(3) b.  Found by the neighbour search of :func:`geometry.pore_geometry`.  Row 0 is the
    sphere that carries the electron.
    """
    g = pore_geometry(CATION_PORE[check_lattice(lattice)], lattice)
    centres = np.asarray(g.neighbours, dtype=float) - g.centre
    order = np.lexsort(np.round(centres, 12).T[::-1])
    return centres[order]


def kelvin_image(q: np.ndarray, r: np.ndarray, centre: np.ndarray, a: float
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Kelvin image of point charges q at positions r (n, 3) in a grounded sphere (App. A, Ref. [8]).

    Returns (q', r'): q' = -q a/s at r' = centre + (a/s)^2 (r - centre), s = |r - centre| > a.
    The pair (q, q') makes the sphere's surface an equipotential at zero.
    """
    d = r - centre
    s2 = np.einsum("ij,ij->i", d, d)
    s = np.sqrt(s2)
    return -q * a / s, centre + (a * a / s2)[:, None] * d


@dataclass(frozen=True)
class Recursion:
    """The image recursion of Appendix A generation by generation.

    Attributes
    ----------
    rho : sphere radius a_m/b.
    lattice : "fcc" (six spheres) or "sc" (eight).
    compensate : whether rule 4 (compensating centre charges) was applied.
    energy : (K+1,) e_K, generation K's contribution to E = 1/2 e phi_images(r_c), units of e^2/b.
    mean_potential : (K+1,) generation K's contribution to the potential of the charged sphere
        (the centre charges it receives over a_m), units of e/b; includes -e/a_m at K = 0.
    abs_charge : (K+1,) sum of |q| over generation K's images (the centre charges included).
    n_charges : (K+1,) number of point charges in generation K.
    """

    rho: float
    lattice: str
    compensate: bool
    energy: np.ndarray
    mean_potential: np.ndarray
    abs_charge: np.ndarray
    n_charges: np.ndarray

    def partial_sums(self) -> np.ndarray:
        """Undamped partial sums E_K = sum_{k<=K} e_k (paper's definition), units of e^2/b."""
        return np.cumsum(self.energy)

    def damped(self, eta: float | np.ndarray, mode: str = "compound") -> np.ndarray | float:
        """Damped energy sum_K D_K(eta) e_K over the generations computed, units of e^2/b.

        ``mode="compound"``: the images made in step K are scaled by eta^K relative to their
        (already damped) parents, D_K = eta^(K(K+1)/2); ``"geometric"``: D_K = eta^K.  See
        :func:`damping_weights`.
        """
        eta_arr = np.asarray(eta, dtype=float)
        w = damping_weights(eta_arr[..., None], len(self.energy) - 1, mode)
        out = np.sum(w * self.energy, axis=-1)
        return float(out) if out.ndim == 0 else out

    def growth_ratio(self) -> np.ndarray:
        """Two-step growth estimate |e_{K+2}/e_K|^(1/2) of the spectral radius (power iteration)."""
        e = np.abs(self.energy)
        return np.sqrt(e[2:] / e[:-2])


def damping_weights(eta, generations: int, mode: str = "compound") -> np.ndarray:
    """Cumulative damping factor of generation K = 0..generations (App. A, "a factor eta^K").

    The paper scales "the image charges created during step 3)" by eta^K, K the iteration number.
    Applied at every step to images of already damped charges this compounds to eta^(K(K+1)/2)
    (``"compound"``, which reproduces the paper's -1.06 +- 0.1 over 0.65 < eta < 0.95); read as a
    total factor it is eta^K (``"geometric"``, a power series in eta that converges only for
    eta < 1/r(M)).
    """
    if mode not in ("compound", "geometric"):
        raise ValueError(f"mode must be 'compound' or 'geometric' (got mode={mode!r})")
    k = np.arange(generations + 1)
    eta = np.asarray(eta, dtype=float)
    return eta ** (k * (k + 1) / 2) if mode == "compound" else eta ** k


def image_recursion(rho: float = 1.0, generations: int = 6, lattice: str = "fcc",
                    compensate: bool = True, max_charges: int = 20_000_000,
                    centres: np.ndarray | None = None) -> Recursion:
    """Run the image recursion of Appendix A (rules 1-5) with point charges.

    Parameters
    ----------
    rho : metal-sphere radius a_m/b, in (0, 1].
    generations : last generation K (>= 0); generation K has about 2 (n-1)^K charges per sphere.
    lattice : "fcc" (cation in an octahedral pore, six spheres) or "sc" (cube centre, eight).
    compensate : apply rule 4; False gives grounded spheres (the charged sphere still gets -(e - e')).
    max_charges : refuse to build a generation with more point charges than this (memory guard).
    centres : optional (n, 3) sphere centres relative to the cation (overrides ``lattice``).

    Returns
    -------
    Recursion with e_K, the paper's energy 1/2 e phi(r_c) generation by generation.
    """
    rho = check_rho(rho)
    if int(generations) != generations or generations < 0:
        raise ValueError(f"generations must be a non-negative integer (got {generations!r})")
    centres = sphere_cluster(lattice) if centres is None else np.asarray(centres, dtype=float)
    n = len(centres)
    a = rho
    growth = (n - 1) ** generations * 2 * n
    if growth > max_charges:
        raise ValueError(f"generations={generations} needs ~{growth:.3g} point charges "
                         f"(> max_charges={max_charges})")
    cation = np.zeros(3)
    qs: list[np.ndarray] = []
    rs: list[np.ndarray] = []
    energy, vmean, absq, count = [], [], [], []
    # Generation 0: rules 1) and 2).
    v0 = 0.0
    for j, c in enumerate(centres):
        q1, r1 = kelvin_image(np.array([1.0]), cation[None, :], c, a)
        if j == 0:
            qc = -1.0 - q1[0]          # -(e - e'): net charge -e
            v0 = qc / a
        else:
            qc = -q1[0] if compensate else 0.0
        qs.append(np.concatenate([q1, [qc]]))
        rs.append(np.vstack([r1, c[None, :]]))
    for k in range(generations + 1):
        if k > 0:
            new_q, new_r = [], []
            vk = 0.0
            for j, c in enumerate(centres):
                src_q = np.concatenate([qs[i] for i in range(n) if i != j])
                src_r = np.vstack([rs[i] for i in range(n) if i != j])
                q1, r1 = kelvin_image(src_q, src_r, c, a)
                qc = -q1.sum()
                if j == 0:
                    vk = qc / a
                if not compensate:
                    qc = 0.0
                new_q.append(np.concatenate([q1, [qc]]))
                new_r.append(np.vstack([r1, c[None, :]]))
            qs, rs = new_q, new_r
        else:
            vk = v0
        q_all = np.concatenate(qs)
        r_all = np.vstack(rs)
        dist = np.linalg.norm(r_all - cation, axis=1)
        energy.append(0.5 * float(np.sum(q_all / dist)))
        vmean.append(vk)
        absq.append(float(np.abs(q_all).sum()))
        count.append(len(q_all))
    return Recursion(rho=rho, lattice=lattice, compensate=compensate, energy=np.array(energy),
                     mean_potential=np.array(vmean), abs_charge=np.array(absq),
                     n_charges=np.array(count))


def consistent_energy(paper_energy: float, sphere_potential: float, rho: float) -> float:
    """Single-pair energy with the isolated self-energies subtracted (Sec. IV), units of e^2/b.

    U = 1/2 e phi_images(r_c) + 1/2 Q V - Q^2/(2 a_m) with Q = -e the charged sphere's charge and V its
    potential; the paper's definition keeps only the first term.  For one sphere this is the classical
    -e^2/d - e^2 a^3/(2 d^2 (d^2 - a^2)).
    """
    q = -1.0
    return paper_energy + 0.5 * q * sphere_potential - q * q / (2.0 * rho)


# ----------------------------------------------------------------------------------------------
# The generation map as a matrix on multipole coefficients
# ----------------------------------------------------------------------------------------------

def _lm(lmax: int) -> tuple[np.ndarray, np.ndarray]:
    ls = np.concatenate([np.full(2 * l + 1, l) for l in range(lmax + 1)])
    ms = np.concatenate([np.arange(-l, l + 1) for l in range(lmax + 1)])
    return ls, ms


def _exterior_basis(lmax: int, x: np.ndarray, centre: np.ndarray, a: float) -> np.ndarray:
    """(a/r)^(l+1) Y_lm(direction) of points x (n, 3) about ``centre``: the decaying solid harmonics."""
    d = x - centre
    r = np.linalg.norm(d, axis=1)
    ls, _ = _lm(lmax)
    return real_sph_harm(lmax, d) * (a / r)[:, None] ** (ls[None, :] + 1)


@dataclass(frozen=True)
class RecursionOperator:
    """The Appendix A recursion as linear algebra on multipole coefficients.

    Sphere i's image field of one generation is  u_i = sum_lm c_{i,lm} (a/r_i)^(l+1) Y_lm;
    c is the stacked vector of all c_{i,lm}.  Generation K+1 is M @ (generation K); generation 0 is b.

    Attributes
    ----------
    matrix : M, shape (n N, n N) with N = (lmax+1)^2.
    source : b, generation 0 (images of the cation, rules 1-2).
    energy_row : w with e_K = w @ c_K (the paper's 1/2 e phi(r_c)), e^2/b.
    potential_row : v with the charged sphere's potential contribution of generation K+1 = v @ c_K.
    v0 : that potential's generation-0 value (-e/a_m + e/d).
    lmax, rho, lattice, compensate, order : how it was built.
    """

    matrix: np.ndarray
    source: np.ndarray
    energy_row: np.ndarray
    potential_row: np.ndarray
    v0: float
    lmax: int
    rho: float
    lattice: str
    compensate: bool
    order: str


def recursion_operator(rho: float = 0.8, lmax: int = 10, lattice: str = "fcc",
                       compensate: bool = True, order: str = "jacobi",
                       oversample: int = 2) -> RecursionOperator:
    """The generation map M of Appendix A's recursion, truncated at multipole order ``lmax``.

    Block (j, i), i != j: the field of sphere i's images on sphere j's surface, projected on Y_lm by
    quadrature (``oversample`` times the points needed for degree lmax) and negated (Kelvin image);
    with ``compensate`` the l = 0 row is zeroed (rule 4).  ``order="sequential"`` returns the
    Gauss-Seidel map instead (sphere j imaged from the newest charges of spheres i < j), a variant
    of the rules, not the paper's.
    """
    rho = check_rho(rho)
    if order not in ("jacobi", "sequential"):
        raise ValueError(f"order must be 'jacobi' or 'sequential' (got order={order!r})")
    if int(lmax) != lmax or lmax < 0:
        raise ValueError(f"lmax must be a non-negative integer (got {lmax!r})")
    centres = tuple(map(tuple, sphere_cluster(lattice)))
    return build_operator(centres, rho, int(lmax), compensate, order, oversample, lattice)


@lru_cache(maxsize=2)
def _projected_fields(centres: tuple, a: float, lmax: int, oversample: int) -> tuple:
    """The geometry of the generation map, shared by its variants (computed once per radius):
    (F, p0) with F (n nlm, n nlm) the field of sphere i's exterior harmonics projected on sphere j's
    surface (block (j, i), zero for i = j) and p0 (n, nlm) the projection of the cation's 1/r."""
    centres = np.asarray(centres, dtype=float)
    n = len(centres)
    nlm = (lmax + 1) ** 2
    u, wq = sphere_quadrature(oversample * (lmax + 1) + 2, oversample * (2 * lmax + 2) + 2)
    ysurf = real_sph_harm(lmax, u)                    # (nq, nlm)
    proj = (ysurf * wq[:, None]).T                    # (nlm, nq): f -> f_lm
    fields = np.zeros((n * nlm, n * nlm))
    p0 = np.zeros((n, nlm))
    for j in range(n):
        pts = centres[j] + a * u
        others = [i for i in range(n) if i != j]
        # the fields of all the other spheres on sphere j at once, projected: (n - 1, nlm, nlm)
        field = _exterior_basis(lmax, (pts[None] - centres[others][:, None]).reshape(-1, 3), np.zeros(3), a)
        for i, block in zip(others, proj @ field.reshape(len(others), len(u), nlm)):
            fields[j * nlm:(j + 1) * nlm, i * nlm:(i + 1) * nlm] = block
        p0[j] = proj @ (1.0 / np.linalg.norm(pts, axis=1))
    fields.flags.writeable = False
    p0.flags.writeable = False
    return fields, p0


@lru_cache(maxsize=16)
def build_operator(centres: tuple, a: float, lmax: int, compensate: bool = True,
                   order: str = "jacobi", oversample: int = 2,
                   label: str = "custom") -> RecursionOperator:
    """Generation map for spheres of radius ``a`` at ``centres`` (tuple of 3-tuples) around a cation
    at the origin; sphere 0 carries -e.  The engine of :func:`recursion_operator` (App. A)."""
    rho = a
    lattice = label
    fields, p0 = _projected_fields(centres, a, lmax, oversample)
    centres = np.asarray(centres, dtype=float)
    n = len(centres)
    nlm = (lmax + 1) ** 2
    keep = np.ones(nlm)
    if compensate:
        keep[0] = 0.0
    coupling = -np.tile(keep, n)[:, None] * fields  # Kelvin image of the field of i on j (rule 4: no l = 0)
    pot_row = fields[0] / np.sqrt(4 * np.pi)  # charged sphere's mean potential = f_00 Y_00
    # Generation 0: images of the cation.
    cation = np.zeros((1, 3))
    src = (-p0 * keep).ravel()
    src[0] = -np.sqrt(4 * np.pi) / a  # net charge -e on sphere 0: monopole -e/r
    d0 = np.linalg.norm(centres[0])
    erow = np.concatenate([0.5 * _exterior_basis(lmax, cation, centres[i], a)[0] for i in range(n)])
    matrix = coupling
    if order == "sequential":
        # c_new = L c_new + U c_old  =>  c_new = (I - L)^-1 U c_old, L strictly block-lower.
        # I - L is block lower-triangular with unit diagonal blocks: block forward substitution
        matrix = np.triu(np.ones((n, n)), 1).repeat(nlm, 0).repeat(nlm, 1) * coupling  # U
        for j in range(1, n):
            rows = slice(j * nlm, (j + 1) * nlm)
            matrix[rows] += coupling[rows, :j * nlm] @ matrix[:j * nlm]
    v0 = -1.0 / a + 1.0 / d0
    return RecursionOperator(matrix=matrix, source=src, energy_row=erow, potential_row=pot_row,
                             v0=v0, lmax=lmax, rho=rho, lattice=lattice, compensate=compensate,
                             order=order)


def operator_generations(op: RecursionOperator, generations: int) -> np.ndarray:
    """e_K = w M^K b for K = 0..generations: the recursion's energies from the operator, e^2/b."""
    c = op.source.copy()
    out = []
    for _ in range(generations + 1):
        out.append(op.energy_row @ c)
        c = op.matrix @ c
    return np.array(out)


def spectral_radius(rho: float = 1.0, lmax: int = 12, lattice: str = "fcc",
                    compensate: bool = True, order: str = "jacobi") -> float:
    """Largest |eigenvalue| of the generation map M of Appendix A's recursion (truncated at lmax).

    The undamped recursion converges iff this is < 1; the eta^K-damped one iff eta < 1/r.
    """
    op = recursion_operator(rho, lmax, lattice, compensate, order)
    if order == "jacobi":  # M commutes with the cluster's mirrors: eight blocks (:func:`_mirror_blocks`)
        blocks = _mirror_blocks(tuple(map(tuple, sphere_cluster(lattice))), int(lmax))
        if blocks is not None:
            q, bounds = blocks
            m = (q.T @ (q.T @ op.matrix.T).T)  # Q^T M Q, block diagonal
            return float(max(np.max(np.abs(np.linalg.eigvals(m[a:b, a:b]))) for a, b in zip(bounds, bounds[1:])
                             if b > a))
    if order == "sequential":  # sphere 0 is imaged first, from the old charges only: its columns of M vanish
        nlm = (int(lmax) + 1) ** 2
        return float(np.max(np.abs(np.linalg.eigvals(op.matrix[nlm:, nlm:]))))
    return float(np.max(np.abs(np.linalg.eigvals(op.matrix))))


@lru_cache(maxsize=8)
def _mirror_blocks(centres: tuple, lmax: int):
    """(Q, bounds): an orthogonal change of basis (sparse) that block-diagonalises the generation map of
    spheres at ``centres`` by the eight characters of the mirror group diag(+-1, +-1, +-1), or None if the
    cluster lacks one of the three mirrors.

    The mirrors map the cluster (six octahedral, eight cubic spheres) onto itself and act on the real
    harmonics by signs, D(g) = diag(d_g); the Jacobi map M is built from the geometry alone, on a
    quadrature grid that the mirrors keep, so T_g M = M T_g with (T_g c)_{g(i)} = D(g) c_i.  For a character
    chi, the vectors T_g c = chi(g) c are spanned by columns with entries chi(g_j) d_{g_j} / |O|^(1/2) on the
    spheres j = g_j(b) of an orbit O (coefficients fixed by chi(s) d_s for the stabiliser of b); the eight
    groups of columns are an orthonormal basis in which M is block-diagonal: its spectrum is the union of
    the blocks' spectra (the sequential map orders the spheres and has no such symmetry).
    """
    from scipy import sparse

    from supercrystal.spheres.harmonics import wigner_real_batch
    from supercrystal.spheres.symmetry import point_group

    c = np.asarray(centres, float)
    ops, perm = point_group(c)
    diagonal = [k for k, g in enumerate(ops) if np.allclose(g, np.diag(np.diag(g)))]
    if len(diagonal) != 8:
        return None
    ops, perm = ops[diagonal], perm[diagonal]
    signs = np.concatenate([np.diagonal(b, axis1=1, axis2=2) for b in wigner_real_batch(lmax, ops)], axis=1)
    nlm, n = (lmax + 1) ** 2, len(c)
    rows, cols, vals, bounds = [], [], [], [0]
    col = 0
    for e in product((0, 1), repeat=3):
        chi = np.prod(np.where(np.array(e)[None, :] == 1, np.diagonal(ops, axis1=1, axis2=2), 1.0), axis=1)
        done = np.zeros(n, bool)
        for b in range(n):
            if done[b]:
                continue
            images, first = np.unique(perm[:, b], return_index=True)
            done[images] = True
            stab = perm[:, b] == b
            fixed = np.all(chi[stab, None] * signs[stab] == 1.0, axis=0)
            for lm in np.nonzero(fixed)[0]:
                for j, g in zip(images, first):
                    rows.append(j * nlm + lm)
                    cols.append(col)
                    vals.append(chi[g] * signs[g, lm] / np.sqrt(len(images)))
                col += 1
        bounds.append(col)
    if col != n * nlm:
        return None
    return sparse.csr_matrix((vals, (rows, cols)), shape=(n * nlm, col)), bounds


def dominant_eigenvalue(rho: float = 1.0, lmax: int = 12, lattice: str = "fcc",
                        compensate: bool = True, order: str = "jacobi") -> complex:
    """The eigenvalue of M of largest modulus (its sign tells whether partial sums oscillate)."""
    ev = np.linalg.eigvals(recursion_operator(rho, lmax, lattice, compensate, order).matrix)
    return complex(ev[np.argmax(np.abs(ev))])


def critical_rho(lmax: int = 12, lattice: str = "fcc", compensate: bool = True,
                 order: str = "jacobi", bracket: tuple[float, float] = (0.3, 1.0)) -> float:
    """The sphere radius rho at which the spectral radius of the recursion reaches 1 (App. A).

    Returns NaN-free results only: raises ValueError if r(M) - 1 does not change sign in ``bracket``.
    """
    from scipy.optimize import brentq

    def f(r):
        return spectral_radius(r, lmax, lattice, compensate, order) - 1.0

    lo, hi = bracket
    if f(lo) * f(hi) > 0:
        raise ValueError(f"spectral radius - 1 has no sign change for rho in {bracket}")
    return float(brentq(f, lo, hi, xtol=1e-6))


@dataclass(frozen=True)
class ClusterEnergy:
    """Energy of the cation + spheres cluster: the limit the recursion would reach if it converged.

    Attributes
    ----------
    paper : 1/2 e phi_images(r_c), the paper's definition (App. A), e^2/b.
    consistent : paper + 1/2 Q V - Q^2/(2 a_m), the isolated self-energy subtracted, e^2/b.
    sphere_potential : V of the charged sphere, e/b.
    """

    paper: float
    consistent: float
    sphere_potential: float


def recursion_limit(rho: float = 1.0, lmax: int = 12, lattice: str = "fcc",
                    eta: float = 1.0) -> ClusterEnergy:
    """Sum of the (damped) recursion, sum_K eta^K M^K b = (I - eta M)^-1 b, by one linear solve.

    At eta = 1 this is the exact electrostatic solution of the sphere cluster (truncated at lmax),
    defined whether or not the series converges: the analytic continuation of E(eta) to eta = 1.
    """
    op = recursion_operator(rho, lmax, lattice, True, "jacobi")
    nn = len(op.source)
    c = np.linalg.solve(np.eye(nn) - eta * op.matrix, op.source)
    paper = float(op.energy_row @ c)
    v = op.v0 + eta * float(op.potential_row @ c)
    return ClusterEnergy(paper=paper, consistent=consistent_energy(paper, v, rho),
                         sphere_potential=v)


def damped_energy(rho: float, eta: float, lmax: int = 12, lattice: str = "fcc") -> ClusterEnergy:
    """Appendix A's damped recursion summed to all generations (geometric damping eta^K), e^2/b.

    Valid (the series converges) only for eta < 1/spectral_radius; raises ValueError otherwise.
    """
    if not 0.0 < eta < 1.0:
        raise ValueError(f"eta must lie in (0, 1) (got eta={eta!r})")
    r = spectral_radius(rho, lmax, lattice)
    if eta * r >= 1.0:
        raise ValueError(f"the damped series diverges: eta={eta} >= 1/r(M) = {1 / r:.4f}")
    return recursion_limit(rho, lmax, lattice, eta)


def paper_damped_energy(rho: float = 1.0, eta: float = 0.8, lmax: int = 12, lattice: str = "fcc",
                        generations: int = 400) -> float:
    """Appendix A's energy 1/2 e phi(r_c) with compound damping eta^K per step, summed to convergence.

    Generations are produced by the multipole operator (the point-charge count grows as 5^K); with
    compound damping the terms fall super-exponentially, so ``generations`` is ample for eta <= 0.99.
    """
    if not 0.0 < eta <= 1.0:
        raise ValueError(f"eta must lie in (0, 1] (got eta={eta!r})")
    e = operator_generations(recursion_operator(rho, lmax, lattice), generations)
    w = damping_weights(eta, generations, "compound")
    terms = w * e
    if abs(terms[-1]) > 1e-12 * max(1.0, abs(terms.sum())):
        raise ValueError(f"compound-damped series not converged in {generations} generations "
                         f"(eta={eta})")
    return float(terms.sum())
