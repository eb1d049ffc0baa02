"""Laplace's equation on the unit cell of the filled metallic super-crystal (Sec. IV, Appendix B).

Every NC is a conducting sphere of radius ``rho`` (units of b) at charge -e, every cation a small
conducting sphere of radius ``a_c`` at +e.  As in Appendix B, one solve with all NCs held at potential
0 and all cations at 1 gives the charge q per cation, i.e. the capacitance per pair C = q; with
periodic boundaries the flux leaving the cations ends on the NCs, so charges -e/+e need the voltage
e/C and the energy per pair is e^2/(2C).  Subtracting the isolated self-energies,

    E_(nu=1) = e^2/(2C) - e^2/(2 rho) - e^2/(2 a_c)        (units of e^2/b).

Discretisation: cell-centred cubic grid of spacing h, 7-point Laplacian, and the symmetric
Shortley-Weller-type boundary treatment of Gibou et al. [J. Comput. Phys. 176, 205 (2002)]: a link
from an exterior node to a node inside a conductor is shortened to the surface, at fraction t of h,
so the row reads  sum_regular (u_p - u_q) + sum_cut (u_p - g)/t = 0.  The matrix is symmetric
positive definite (solved by conjugate gradients with a Jacobi preconditioner, replacing the paper's
Gauss relaxation), the solution is second-order accurate, and the charge follows from the flux
through the cut links, which equals the discrete Dirichlet energy (a check on the solve).

The rock-salt (fcc + octahedral cations) and CsCl (sc + cube-centre cation) structures have mirror
planes through the sites perpendicular to the cube axes, so the periodic cell is solved exactly on
one octant with reflecting walls placed midway between grid nodes (``domain="octant"``); the full
periodic cell (``domain="periodic"``) gives the identical discrete solution and is kept as a check.

Point-cation limit: the charge on a small sphere at a site of cubic (O_h) symmetry is polarised only
by the l >= 4 part of the surrounding potential, so E depends on a_c only as O(a_c^9) (and on rho
as O(rho^9) for small rho): the a_c -> 0 extrapolation is flat within the grid error.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.sparse import linalg as spla

from supercrystal.lattice.geometry import CATION_PORE, check_lattice, check_rho, cube_side, nc_sites, pore_geometry, pore_sites



@dataclass(frozen=True)
class CellGeometry:
    """Conductors in the computational box (units of b).

    box : side of the cubic box; centres (m, 3), radii (m,), values (m,) boundary potentials
    (0 on NCs, 1 on cations); pairs : number of NC-cation pairs the box holds; periodic : whether
    the box wraps (else reflecting walls).
    """

    box: float
    centres: np.ndarray
    radii: np.ndarray
    values: np.ndarray
    pairs: float
    periodic: bool


def check_parameters(lattice: str, rho: float, a_c: float) -> None:
    """Validate (lattice, rho, a_c): 0 < rho <= 1, 0 < a_c < free pore radius sqrt(2)-rho (fcc)."""
    check_lattice(lattice)
    check_rho(rho)
    free = pore_geometry(CATION_PORE[lattice], lattice).nn_distance - rho
    if not np.isfinite(a_c) or not 0.0 < a_c < free:
        raise ValueError(f"a_c must lie in (0, {free:.4f}) b, the free pore radius for rho={rho} "
                         f"(got a_c={a_c!r})")


def cell_geometry(lattice: str = "fcc", rho: float = 1.0, a_c: float = 0.2,
                  domain: str = "octant") -> CellGeometry:
    """NC spheres (radius rho, potential 0) and cation spheres (radius a_c, potential 1) (App. B).

    ``domain="periodic"``: the conventional cube (fcc: side 2 sqrt(2), 4 NCs + 4 octahedral cations;
    sc: side 2, 1 + 1) with periodic images of the spheres that reach into it.  ``"octant"``: the
    (side/2)^3 corner of it with reflecting walls (the mirror planes of the structure).
    """
    check_parameters(lattice, rho, a_c)
    if domain not in ("octant", "periodic"):
        raise ValueError(f"domain must be 'octant' or 'periodic' (got domain={domain!r})")
    side = cube_side(lattice)
    base_c = np.vstack([nc_sites(lattice), pore_sites(CATION_PORE[lattice], lattice)])
    base_r = np.concatenate([np.full(len(nc_sites(lattice)), rho),
                             np.full(len(pore_sites(CATION_PORE[lattice], lattice)), a_c)])
    base_v = np.concatenate([np.zeros(len(nc_sites(lattice))),
                             np.ones(len(pore_sites(CATION_PORE[lattice], lattice)))])
    npairs = len(nc_sites(lattice))
    box = side if domain == "periodic" else side / 2
    shifts = np.array([[i, j, k] for i in (-1, 0, 1) for j in (-1, 0, 1) for k in (-1, 0, 1)],
                      dtype=float) * side
    cs, rs, vs = [], [], []
    for c, r, v in zip(base_c, base_r, base_v):
        for s in shifts:
            p = c + s
            # keep spheres that reach into [0, box]^3
            nearest = np.clip(p, 0.0, box)
            if np.linalg.norm(nearest - p) < r:
                cs.append(p)
                rs.append(r)
                vs.append(v)
    pairs = npairs * (box / side) ** 3
    return CellGeometry(box=box, centres=np.array(cs), radii=np.array(rs), values=np.array(vs),
                        pairs=pairs, periodic=(domain == "periodic"))


@dataclass(frozen=True)
class LaplaceSolution:
    """Result of one finite-difference solve (App. B).

    Attributes
    ----------
    n : grid nodes per box side; h : grid spacing (b).
    capacitance : C per pair = cation charge at unit NC-cation voltage (units of b, Gaussian).
    capacitance_energy : the same from the discrete Dirichlet energy (equal at convergence).
    energy : E = 1/(2C) - 1/(2 rho) - 1/(2 a_c), e^2/b.
    iterations : conjugate-gradient iterations; residual : final relative residual.
    rho, a_c, lattice : the geometry.
    """

    n: int
    h: float
    capacitance: float
    capacitance_energy: float
    energy: float
    iterations: int
    residual: float
    rho: float
    a_c: float
    lattice: str


def _first_hit(p: np.ndarray, step: np.ndarray, geo: CellGeometry) -> tuple[np.ndarray, np.ndarray]:
    """Fraction t in (0, 1] of the link p -> p + step where it first enters a conductor, and g there."""
    t_best = np.full(len(p), np.inf)
    g_best = np.zeros(len(p))
    ln = np.linalg.norm(step)
    e = step / ln
    for c, r, v in zip(geo.centres, geo.radii, geo.values):
        d = p - c
        bq = d @ e
        cq = np.einsum("ij,ij->i", d, d) - r * r
        disc = bq * bq - cq
        ok = disc >= 0
        s = np.full(len(p), np.inf)
        s[ok] = (-bq[ok] - np.sqrt(disc[ok])) / ln
        s[(s < 0) | (s > 1 + 1e-12)] = np.inf
        better = s < t_best
        t_best[better] = s[better]
        g_best[better] = v
    return t_best, g_best


def solve_cell(lattice: str = "fcc", rho: float = 1.0, a_c: float = 0.2, n: int = 32,
               domain: str = "octant", rtol: float = 1e-10, t_min: float = 1e-6) -> LaplaceSolution:
    """Solve Laplace's equation on the unit cell with n^3 grid nodes (Appendix B, steps 1-4).

    Parameters
    ----------
    lattice : "fcc" (rock salt: NCs + octahedral cations) or "sc" (CsCl).
    rho : NC sphere radius a_m/b in (0, 1]; a_c : cation sphere radius, inside the free pore.
    n : nodes per side of the box (octant: side/2; periodic: the whole cube).
    rtol : CG relative residual; t_min : smallest link fraction (guards nodes on a surface).
    """
    check_parameters(lattice, rho, a_c)
    if int(n) != n or n < 4:
        raise ValueError(f"n must be an integer >= 4 (got n={n!r})")
    geo = cell_geometry(lattice, rho, a_c, domain)
    h = geo.box / n
    ax = (np.arange(n) + 0.5) * h
    X, Y, Z = np.meshgrid(ax, ax, ax, indexing="ij")
    pts = np.stack([X.ravel(), Y.ravel(), Z.ravel()], axis=1)
    inside = np.zeros(len(pts), dtype=bool)
    for c, r in zip(geo.centres, geo.radii):
        inside |= np.einsum("ij,ij->i", pts - c, pts - c) < r * r
    index = np.full(len(pts), -1, dtype=np.int64)
    free = np.flatnonzero(~inside)
    index[free] = np.arange(len(free))
    nu = len(free)
    diag = np.zeros(nu)
    rhs = np.zeros(nu)
    flux_w = np.zeros(nu)      # sum over cut links to cations of 1/t (flux = sum (1 - u_p)/t)
    rows, cols = [], []
    ijk = np.stack(np.unravel_index(free, (n, n, n)), axis=1)
    for d in range(3):
        for sgn in (1, -1):
            nb = ijk.copy()
            nb[:, d] += sgn
            if geo.periodic:
                nb[:, d] %= n
                valid = np.ones(nu, dtype=bool)
            else:
                valid = (nb[:, d] >= 0) & (nb[:, d] < n)
            flat = np.full(nu, -1, dtype=np.int64)
            flat[valid] = np.ravel_multi_index(nb[valid].T, (n, n, n))
            nb_free = np.zeros(nu, dtype=bool)
            nb_free[valid] = ~inside[flat[valid]]
            # regular links
            reg = np.flatnonzero(nb_free)
            diag[reg] += 1.0
            if sgn == 1:
                rows.append(reg)
                cols.append(index[flat[reg]])
            # cut links
            cut = np.flatnonzero(valid & ~nb_free)
            if len(cut):
                step = np.zeros(3)
                step[d] = sgn * h
                t, g = _first_hit(pts[free[cut]], step, geo)
                t = np.clip(np.where(np.isfinite(t), t, 1.0), t_min, 1.0)
                diag[cut] += 1.0 / t
                rhs[cut] += g / t
                flux_w[cut] += (g == 1.0) / t
    r_ = np.concatenate(rows)
    c_ = np.concatenate(cols)
    off = sparse.coo_matrix((-np.ones(len(r_)), (r_, c_)), shape=(nu, nu))
    A = (off + off.T + sparse.diags(diag)).tocsr()
    it = [0]

    def count(_):
        it[0] += 1

    # the octant is symmetric under permutations of the axes: solve on the wedge i >= j >= k
    P = None if geo.periodic else _wedge(ijk, n, inside, diag, rhs)
    if P is None:
        u, info = spla.cg(A, rhs, rtol=rtol, atol=0.0, M=sparse.diags(1.0 / diag), maxiter=20 * n * 10,
                          callback=count)
    else:
        A_w = (P.T @ A @ P).tocsr()
        u_w, info = spla.cg(A_w, P.T @ rhs, rtol=rtol, atol=0.0, M=sparse.diags(1.0 / A_w.diagonal()),
                            maxiter=20 * n * 10, callback=count)
        u = P @ u_w
    if info != 0:
        raise RuntimeError(f"conjugate gradients did not converge (info={info}, n={n})")
    res = float(np.linalg.norm(A @ u - rhs) / np.linalg.norm(rhs))
    q_box = h * float(np.sum(flux_w * (1.0 - u))) / (4 * np.pi)
    # discrete Dirichlet energy D = u^T A u - 2 u.rhs + sum g^2/t  (times h), equals the flux sum
    g2 = h * float(u @ (A @ u) - 2 * u @ rhs + _g2_sum(flux_w))
    cap = q_box / geo.pairs
    cap_e = g2 / (4 * np.pi) / geo.pairs
    energy = 1.0 / (2 * cap) - 1.0 / (2 * rho) - 1.0 / (2 * a_c)
    return LaplaceSolution(n=int(n), h=float(h), capacitance=cap, capacitance_energy=cap_e,
                           energy=float(energy), iterations=it[0], residual=res, rho=float(rho),
                           a_c=float(a_c), lattice=lattice)


def _wedge(ijk: np.ndarray, n: int, inside: np.ndarray, diag: np.ndarray, rhs: np.ndarray):
    """P (free nodes, wedge nodes), 0/1: each free node of the octant to the node of the wedge i >= j >= k
    that a permutation of the axes takes it to; None if the discrete problem lacks that symmetry.

    Rock salt and CsCl keep the octant under the permutations of x, y, z (the threefold axis and the
    diagonal mirrors of O_h), and so does the grid.  The solution is then symmetric, u = P u_w, and P^T A P
    u_w = P^T rhs is the same discrete problem on about 1/6 of the unknowns (still symmetric positive
    definite, solved by the same Jacobi-preconditioned conjugate gradients).
    """
    key = -np.sort(-ijk, axis=1)  # i >= j >= k
    flat = np.ravel_multi_index(key.T, (n, n, n))
    if np.any(inside[flat]):
        return None
    free_flat = np.ravel_multi_index(ijk.T, (n, n, n))
    order = np.full(n ** 3, -1, dtype=np.int64)
    order[free_flat] = np.arange(len(free_flat))
    image = order[flat]  # the wedge representative of each free node, as a free-node index
    if np.any(image < 0) or not (np.allclose(diag[image], diag, rtol=1e-9, atol=0.0)
                                  and np.allclose(rhs[image], rhs, rtol=1e-9, atol=1e-12)):
        return None
    reps, col = np.unique(image, return_inverse=True)
    return sparse.csr_matrix((np.ones(len(col)), (np.arange(len(col)), col)), shape=(len(col), len(reps)))


def _g2_sum(flux_w: np.ndarray) -> float:
    # boundary values are 1 on cations (weight 1/t summed in flux_w) and 0 on NCs
    return float(np.sum(flux_w))


@dataclass(frozen=True)
class Extrapolation:
    """Richardson extrapolation E(h) = E_0 + A h^p of a grid sequence (App. B).

    value : E_0; error : its estimate (spread between fits and scatter of the residuals);
    order : p used; slope : fitted A; h, energy : the data.
    """

    value: float
    error: float
    order: float
    slope: float
    h: np.ndarray
    energy: np.ndarray


def richardson(h: np.ndarray, energy: np.ndarray, order: float = 2.0) -> Extrapolation:
    """Least-squares fit E = E_0 + A h^order; the error bar is the larger of the fit's residual
    scatter and the change of E_0 when the coarsest point is dropped (App. B grid refinement)."""
    h = np.asarray(h, dtype=float)
    energy = np.asarray(energy, dtype=float)
    if len(h) < 2:
        raise ValueError("need at least two grid spacings to extrapolate")

    def fit(hh, ee):
        X = np.stack([np.ones_like(hh), hh**order], axis=1)
        coef, *_ = np.linalg.lstsq(X, ee, rcond=None)
        return coef, ee - X @ coef

    coef, resid = fit(h, energy)
    spread = 0.0
    if len(h) >= 3:
        keep = h < h.max()
        coef2, _ = fit(h[keep], energy[keep])
        spread = abs(coef2[0] - coef[0])
    scatter = float(np.sqrt(np.mean(resid**2))) if len(h) > 2 else 0.0
    return Extrapolation(value=float(coef[0]), error=float(max(spread, scatter)), order=order,
                         slope=float(coef[1]), h=h, energy=energy)


def point_charge_limit(lattice: str = "fcc") -> float:
    """rho, a_c -> 0 limit of E: the Madelung energy -M/d of point charges (rock salt or CsCl), e^2/b."""
    from supercrystal.lattice.ewald import madelung

    name = "rocksalt" if lattice == "fcc" else "cscl"
    d = pore_geometry(CATION_PORE[lattice], lattice).nn_distance
    return -madelung(name) / d


def free_pore_radius(lattice: str, rho: float) -> float:
    """Gap between the pore centre and the NC spheres' surfaces, units of b (largest a_c)."""
    return pore_geometry(CATION_PORE[lattice], lattice).nn_distance - rho


def grid_study(lattice: str, rho: float, a_cs, ns) -> dict[str, np.ndarray]:
    """Energies E(h, a_c) on the grids ``ns`` for each cation radius in ``a_cs`` (App. B), e^2/b.

    Returns flat arrays a_c, n, h, energy, iterations (one entry per solve); slow for n >= 128.
    """
    rows = []
    for a_c in a_cs:
        for n in ns:
            s = solve_cell(lattice, rho, float(a_c), int(n))
            rows.append((a_c, n, s.h, s.energy, s.iterations))
    arr = np.array(rows, dtype=float)
    return {"a_c": arr[:, 0], "n": arr[:, 1], "h": arr[:, 2], "energy": arr[:, 3],
            "iterations": arr[:, 4]}


@dataclass(frozen=True)
class FilledEnergy:
    """Filled-lattice energy per pair for point cations, from a grid study (Sec. IV, App. B).

    value, error : E for a_c -> 0 and h -> 0, e^2/b, with its error estimate.
    a_c, extrapolated, extrapolation_error : per cation radius, the h -> 0 Richardson values.
    coefficient : A in E(a_c) = E_0 + A a_c^power; power : the exponent used (9, see module doc).
    """

    value: float
    error: float
    a_c: np.ndarray
    extrapolated: np.ndarray
    extrapolation_error: np.ndarray
    coefficient: float
    power: float


def point_cation_limit(study: dict[str, np.ndarray], power: float = 9.0) -> FilledEnergy:
    """Extrapolate a :func:`grid_study` to h -> 0 (Richardson, h^2) and then a_c -> 0 (a_c^power).

    A cation sphere at a site of cubic symmetry is polarised first by the l = 4 harmonic of the
    surrounding potential, so E(a_c) = E_0 + A a_c^9 + O(a_c^13).  The error is the sum of the largest
    Richardson error, the rms residual of the a_c fit and the change of E_0 when the largest a_c
    is dropped (a measure of the neglected a_c^13 term); against the multipole solution it is
    conservative by a factor ~2 (fcc, sc; rho = 0.8, 1).
    """
    a_vals = np.unique(study["a_c"])
    ext, err = [], []
    for a in a_vals:
        m = study["a_c"] == a
        r = richardson(study["h"][m], study["energy"][m], 2.0)
        ext.append(r.value)
        err.append(r.error)
    ext, err = np.array(ext), np.array(err)
    x = a_vals**power
    X = np.stack([np.ones_like(x), x], axis=1)
    coef, *_ = np.linalg.lstsq(X, ext, rcond=None)
    resid = ext - X @ coef
    drop = 0.0
    if len(a_vals) >= 3:
        c2, *_ = np.linalg.lstsq(X[:-1], ext[:-1], rcond=None)
        drop = abs(c2[0] - coef[0])
    error = float(err.max() + np.sqrt(np.mean(resid**2)) + drop)
    return FilledEnergy(value=float(coef[0]), error=error, a_c=a_vals, extrapolated=ext,
                        extrapolation_error=err, coefficient=float(coef[1]), power=power)


def study(lattice: str = "fcc", rho: float = 1.0, fractions=(0.48, 0.6, 0.72),
          ns=(96, 128, 160)) -> dict[str, np.ndarray]:
    """:func:`grid_study` with cation radii a_c = fraction x free pore radius (minutes for n = 160;
    :func:`supercrystal.book.tasks.laplace_study` is the cached call the chapters use)."""
    free = free_pore_radius(lattice, rho)
    check_parameters(lattice, rho, min(fractions) * free)
    a_cs = [round(f * free, 10) for f in fractions]
    return grid_study(lattice, rho, a_cs, ns)
