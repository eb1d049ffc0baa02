"""Point-group reduction of the multipole system of a sphere cluster (Sec. IV's clusters, App. A's pore).

The single pair of Sec. IV (a cation at a pore centre, an electron on a nearest NC) among the NC shells
around the pore is left unchanged by the cubic symmetries that fix both charges: C4v about the pair's axis
for fcc (8 operations: the pair lies on a cube axis), C3v for sc (6: on a body diagonal).  Every
operation g (a signed permutation matrix) maps the cluster onto itself, sphere i to sphere pi_g(i), and
acts on the real harmonics of a sphere through the orthogonal blocks D^l(g) (:func:`~supercrystal.
spheres.harmonics.wigner_real_batch`, improper operations included).  The Galerkin coupling of
:mod:`.multipole` is equivariant, K_{pi_g(i) pi_g(j)} = D(g) K_ij D(g)^T, and so are the projections of
charges that g fixes: the solution of (1 + chi K) x = chi b lies in the symmetric subspace x_{pi_g(i)} =
D(g) x_i.  That subspace is spanned by the orthonormal columns

    U_b = |O_b|^(-1/2) [D(g_j) V_b]_{j in O_b} ,

one block per orbit O_b of spheres (representative b, g_j any operation taking b to j), V_b an orthonormal
basis (degree by degree) of the harmonics fixed by the stabiliser of b.  Projected on it,

    (U^T K U)_ab = (|O_a| / |O_b|)^(1/2) sum_{j in O_b} V_a^T K_aj D(g_j) V_b ,

which needs only the coupling rows of the representatives, and U^T b = |O_a|^(1/2) V_a^T b_a.  The reduced
system has about 1/|G| of the unknowns (|G| = 8 or 6), so its LU costs about |G|^-3 of the full one; the
energies b^T W x (W diagonal in l) are unchanged, U^T W U being diagonal with the same weights.  The reduced
unknowns are ordered by representative and, within one, by degree, so truncating a sphere's order or
dropping the outer shells (the orbits lie within one shell) selects reduced unknowns as before.
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import permutations, product

import numpy as np

from supercrystal.spheres.harmonics import wigner_real_batch
from supercrystal.spheres.multipole import coupling_block


def signed_permutations() -> np.ndarray:
    """The 48 signed permutation matrices (the point group O_h of the cube), (48, 3, 3)."""
    out = []
    for perm in permutations(range(3)):
        for signs in product((1.0, -1.0), repeat=3):
            g = np.zeros((3, 3))
            g[np.arange(3), perm] = signs
            out.append(g)
    return np.array(out)


def point_group(centres, fixed=(), accept=None, tol: float = 1e-9) -> tuple[np.ndarray, np.ndarray]:
    """The operations of O_h (about the origin) that fix every point of ``fixed`` and map the spheres
    ``centres`` onto themselves (and, if given, for which ``accept(perm)`` is true): (ops (g, 3, 3),
    perm (g, n)) with ops[k] @ centres[i] = centres[perm[k, i]]."""
    centres = np.asarray(centres, float).reshape(-1, 3)
    fixed = np.asarray(fixed, float).reshape(-1, 3)
    ops, perms = [], []
    for g in signed_permutations():
        if len(fixed) and np.abs(fixed @ g.T - fixed).max() > tol:
            continue
        moved = centres @ g.T
        d = np.linalg.norm(moved[:, None] - centres[None], axis=-1)
        j = np.argmin(d, axis=1)
        if (np.all(d[np.arange(len(centres)), j] < tol) and len(set(j)) == len(centres)
                and (accept is None or accept(j))):
            ops.append(g)
            perms.append(j)
    return np.array(ops), np.array(perms)


@dataclass(frozen=True)
class Reduction:
    """The symmetric subspace of a cluster's coefficients (module docstring).

    reps : (r,) sphere index of each orbit's representative (its smallest index), increasing.
    orbit : (r,) orbit sizes; members : per representative, (sphere indices, operation indices) of its orbit.
    orders, radii : (r,) of the representatives.  bases : per representative, V_b ((L+1)^2, k_b), columns
    ordered by degree.  offsets : (r+1,) of each representative's reduced block; degrees : (m,) l of
    every reduced unknown; weights : (m,) (2l+1) a / (4 pi).
    ops : (g, 3, 3) the group; perm : (g, n) the sphere each operation takes each sphere to.
    """

    reps: np.ndarray
    orbit: np.ndarray
    members: tuple
    orders: np.ndarray
    radii: np.ndarray
    bases: tuple
    offsets: np.ndarray
    degrees: np.ndarray
    weights: np.ndarray
    ops: np.ndarray
    perm: np.ndarray


def reduce(centres, radii, orders, fixed=(), accept=None) -> Reduction:
    """The orbits, stabilisers and invariant bases of spheres (``centres``, ``radii``, ``orders`` per
    sphere) under the operations of O_h that fix the points ``fixed`` (the free charges) and that
    ``accept`` (:func:`point_group`)."""
    centres = np.asarray(centres, float).reshape(-1, 3)
    n = len(centres)
    radii = np.broadcast_to(np.asarray(radii, float), (n,))
    orders = np.broadcast_to(np.asarray(orders, int), (n,))
    ops, perm = point_group(centres, fixed, accept)
    lmax = int(orders.max())
    blocks = wigner_real_batch(lmax, ops)  # per l: (g, 2l+1, 2l+1)
    seen = np.zeros(n, bool)
    reps, orbit, members, bases, degs = [], [], [], [], []
    for b in range(n):
        if seen[b]:
            continue
        images = perm[:, b]
        js, first = np.unique(images, return_index=True)
        seen[js] = True
        if len(np.unique(orders[js])) > 1 or len(np.unique(radii[js])) > 1:
            raise ValueError("spheres of one orbit must share their radius and order")
        stab = np.nonzero(images == b)[0]
        cols, ls = [], []
        for l in range(int(orders[b]) + 1):
            p = blocks[l][stab].mean(axis=0)
            w, v = np.linalg.eigh(0.5 * (p + p.T))
            v = v[:, w > 0.5]
            full = np.zeros(((int(orders[b]) + 1) ** 2, v.shape[1]))
            full[l * l:(l + 1) ** 2] = v
            cols.append(full)
            ls += [l] * v.shape[1]
        reps.append(b)
        orbit.append(len(js))
        members.append((js, first))
        bases.append(np.hstack(cols))
        degs.append(np.array(ls, int))
    sizes = [v.shape[1] for v in bases]
    deg = np.concatenate(degs)
    rep_r = radii[reps]
    w = (2 * deg + 1) * np.repeat(rep_r, sizes) / (4 * np.pi)
    return Reduction(np.array(reps), np.array(orbit), tuple(members), orders[reps].copy(), rep_r.copy(),
                     tuple(bases), np.concatenate([[0], np.cumsum(sizes)]), deg, w, ops, perm)


def _rotated(red: Reduction, blocks, b: int, g: int) -> np.ndarray:
    """D(g) V_b: the basis of representative b carried to the sphere g maps it to."""
    v = red.bases[b]
    out = np.empty_like(v)
    for l in range(int(red.orders[b]) + 1):
        sl = slice(l * l, (l + 1) ** 2)
        out[sl] = blocks[l][g] @ v[sl]
    return out


def coupling(red: Reduction, centres, n_mu: int | None = None) -> np.ndarray:
    """U^T K U (module docstring): the reduced coupling, without the identity, (m, m)."""
    centres = np.asarray(centres, float).reshape(-1, 3)
    blocks = wigner_real_batch(int(red.orders.max()), red.ops)
    carried = [[_rotated(red, blocks, b, g) for g in red.members[b][1]] for b in range(len(red.reps))]
    m = red.offsets[-1]
    k = np.zeros((m, m))
    known: dict = {}
    for a, ia in enumerate(red.reps):
        la, ra = int(red.orders[a]), float(red.radii[a])
        for b in range(len(red.reps)):
            lb, rb = int(red.orders[b]), float(red.radii[b])
            acc = np.zeros(((la + 1) ** 2, red.bases[b].shape[1]))
            for j, carry in zip(red.members[b][0], carried[b]):
                if j == ia:
                    continue
                sep = centres[ia] - centres[j]
                key = (tuple(np.round(sep, 12)), ra, la, rb, lb)
                blk = known.get(key)
                if blk is None:
                    blk = known[key] = coupling_block(sep, ra, la, np.zeros(3), rb, lb, n_mu)
                acc += blk @ carry
            k[red.offsets[a]:red.offsets[a + 1], red.offsets[b]:red.offsets[b + 1]] = (
                np.sqrt(red.orbit[a] / red.orbit[b]) * (red.bases[a].T @ acc))
    return k


def project(red: Reduction, rows) -> np.ndarray:
    """U^T x of a symmetric vector (or columns) given by its representatives' blocks: ``rows(b)`` returns
    the ((L_b+1)^2, ...) block of representative number b."""
    return np.concatenate([np.sqrt(red.orbit[b]) * (red.bases[b].T @ rows(b)) for b in range(len(red.reps))])


def select(red: Reduction, n_spheres: int, orders) -> np.ndarray:
    """Reduced unknowns of the orbits among the first ``n_spheres`` spheres, each truncated at
    ``orders[sphere]`` (one order or one per sphere, <= the built order; orbits must lie within the first n_spheres)."""
    orders = np.asarray(orders, int)
    orders = np.full(n_spheres, int(orders)) if orders.ndim == 0 else orders
    idx = []
    for b, i in enumerate(red.reps):
        if i >= n_spheres:
            continue
        if np.any(red.members[b][0] >= n_spheres):
            raise ValueError(f"an orbit straddles the first {n_spheres} spheres")
        sl = np.arange(red.offsets[b], red.offsets[b + 1])
        idx.append(sl[red.degrees[sl] <= orders[i]])
    return np.concatenate(idx)


# --------------------------------------------------------------------------- conductors (Sec. IV's metal clusters)
@dataclass(frozen=True)
class ConductorEnergy:
    """What :func:`solve_conductors` returns for one leading system (the parts of
    :class:`~supercrystal.spheres.multipole.MultipoleSolution` that the single pair needs).

    n_spheres : spheres solved; n_conductors : conductors among them; energy : total electrostatic energy
    (sphere self-energies included, point-charge self-energies not), e^2/l; point_potentials : (K,) potential
    of the sphere charges at each point charge, e/l.
    """

    n_spheres: int
    n_conductors: int
    energy: float
    point_potentials: np.ndarray


def _orbit_conductors(red: Reduction, n: int, conductors) -> tuple[np.ndarray, np.ndarray]:
    """Gather the conductors of the first n spheres into G-orbits of conductors ("super-conductors"):
    (membership (orbits among the first n, super-conductors) 0/1, each super-conductor's total charge).
    ``ValueError`` if the conductors or their charges are not symmetric."""
    owner = np.full(n, -1)
    for k, c in enumerate(conductors):
        if c.charge is None:
            raise ValueError("the symmetric solve takes conductors of fixed charge only")
        owner[list(c.spheres)] = k
    label = -np.ones(len(conductors), int)
    total: list[float] = []
    for k, c in enumerate(conductors):
        if label[k] >= 0:
            continue
        images = {int(owner[j]) for j in red.perm[:, list(c.spheres)].ravel()}
        if any(label[m] >= 0 for m in images) or len({conductors[m].charge for m in images}) != 1:
            raise ValueError("the conductors are not symmetric under the point group")
        label[list(images)] = len(total)
        total.append(float(sum(conductors[m].charge for m in images)))
    n_orb = int(np.sum(red.reps < n))
    member = np.zeros((n_orb, len(total)))
    for b in range(n_orb):
        sup = {int(label[owner[j]]) for j in red.members[b][0]}
        if len(sup) != 1:
            raise ValueError("the conductors are not symmetric under the point group")
        member[b, sup.pop()] = 1.0
    return member, np.array(total)


def solve_conductors(centres, radii, orders, counts, point_positions, point_charges, conductors,
                     n_mu: int | None = None) -> list[ConductorEnergy]:
    """:func:`~supercrystal.spheres.multipole.solve_nested` (conducting spheres of fixed charges, point
    charges outside) in the symmetric subspace of the point group that fixes the point charges.

    Same system and energy as :mod:`.multipole` (its module docstring): the unit-potential right-hand sides
    are one per orbit (a symmetric solution has one potential per orbit), the conductors' charge conditions
    one per orbit of conductors; the leading systems (``counts``: spheres, whole orbits) are solved with one
    block elimination (:func:`~supercrystal.spheres.multipole._eliminate`).
    """
    from supercrystal.spheres.multipole import (SQRT4PI, _eliminate, _nested_solutions, _with_defaults,
                                                multipole_potential, point_charge_projection)

    centres = np.asarray(centres, float).reshape(-1, 3)
    n = len(centres)
    radii = np.broadcast_to(np.asarray(radii, float), (n,))
    orders = np.broadcast_to(np.asarray(orders, int), (n,))
    pos = np.asarray(point_positions, float).reshape(-1, 3)
    q = np.asarray(point_charges, float).reshape(-1)
    conductors = [_with_defaults(c, cond) for c, cond in zip(counts, conductors)]

    def accept(perm):  # the operation maps every conductor onto one of the same charge
        for c, cond in zip(counts, conductors):
            sets = {frozenset(k.spheres): k.charge for k in cond}
            if any(sets.get(frozenset(perm[list(k.spheres)].tolist())) != k.charge for k in cond):
                return False
        return True

    red = reduce(centres, radii, orders, pos, accept)
    m = coupling(red, centres, n_mu)
    m[np.diag_indices_from(m)] += 1.0
    r = len(red.reps)
    rhs = np.zeros((red.offsets[-1], r + 1))
    for b in range(r):
        rhs[red.offsets[b]:red.offsets[b + 1], b] = np.sqrt(red.orbit[b]) * SQRT4PI * red.bases[b][0]
    rhs[:, r] = project(red, lambda b: -point_charge_projection(centres[red.reps[b]], red.radii[b],
                                                                 int(red.orders[b]), pos, q))
    n_orb = [int(np.sum(red.reps < c)) for c in counts]
    for c, k in zip(counts, n_orb):
        if any(np.any(red.members[b][0] >= c) for b in range(k)):
            raise ValueError(f"an orbit straddles the first {c} spheres")
    bounds = red.offsets[np.concatenate([[0], n_orb])]
    factors = _eliminate(m, bounds)
    sols = _nested_solutions(m, factors, bounds, rhs, [np.r_[0:k, r] for k in n_orb])
    e_pp = sum(q[a] * q[c] / np.linalg.norm(pos[a] - pos[c]) for a in range(len(q)) for c in range(a + 1, len(q)))
    out = []
    for c, k, y, cond in zip(counts, n_orb, sols, conductors):
        full = [red.bases[b] @ y[red.offsets[b]:red.offsets[b + 1]] for b in range(k)]  # (coeffs, k + 1)
        mono = np.array([np.sqrt(red.orbit[b]) * red.radii[b] / SQRT4PI * full[b][0] for b in range(k)])
        cap, q0 = mono[:, :k], mono[:, k]
        member, target = _orbit_conductors(red, c, cond)
        v = member @ np.linalg.solve(member.T @ cap @ member, target - member.T @ q0)
        charges = cap @ v + q0  # total charge of each orbit
        phi = np.zeros(len(q))
        for b in range(k):
            coef = full[b][:, :k] @ v + full[b][:, k]
            phi += np.sqrt(red.orbit[b]) * multipole_potential(centres[red.reps[b]], red.radii[b], coef, pos)
        energy = 0.5 * charges @ v + 0.5 * q @ phi + e_pp
        out.append(ConductorEnergy(int(c), len(cond), float(energy), phi))
    return out
