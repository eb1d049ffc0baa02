"""The periodic Green's function of the Monte Carlo supercell with dielectric NC cores (Sec. V beyond the paper).

The Monte Carlo of Sec. V (:mod:`supercrystal.montecarlo.lattice`) puts point charges at the NC centres
(the 1s electrons) and the pore centres (the cations) of a periodic L^3-cube fcc supercell and sums their
energy as 1/2 q.G.q with G the Ewald table of a uniform medium.  Here every NC core is a dielectric sphere
of radius a = rho b and dielectric constant eps_nc in the liquid eps_liquid (kappa = eps_nc / eps_liquid),
and G becomes the Green's function of the whole periodic lattice of spheres,

    G_ab = G^Ewald_ab + G^ind_ab ,

units 1/b (energies e^2/(eps_liquid b)).  G^ind_ab is the potential at charge a of the polarization that a
unit charge at b (and its supercell images) induces in *all* spheres of the infinite lattice (the periodic
images of the supercell's spheres included).  Its diagonal is a charge's interaction with the polarization
it induces itself in the other spheres (and in its own periodic images' spheres): a cation's attraction to
its images in the surrounding NCs, an electron's to its images in the other NCs.  Left out, as in the Ewald
table, is the charge at distance zero: for a cation in pure liquid that is the infinite self-energy of a
point charge, constant; for an electron its own sphere's l = 0 polarization, the self-energy Sigma_1 of
:mod:`supercrystal.semiconductor.polarization`, which the Monte Carlo adds to the site energy.

Why an electron is a point charge at its NC's centre.  The 1s density is spherically symmetric inside its
sphere i.  The potential of every other source (other charges and the polarization of every sphere,
sphere i's own response to those sources included, which inside is sum_lm B_lm (r/a)^l Y_lm) is harmonic
inside sphere i, so by the mean-value property its average over any spherical shell about the centre is
its value at the centre: the interaction of the spherical density with it is q phi(centre), whatever the
radial shape.  Sphere i's own response to the electron is l = 0 only (a radial D field satisfies both
boundary conditions; the surface polarization charge is uniform), which is Sigma_1.  By reciprocity the
field the electron sends out is that of a point charge at the centre.

Method.  With the notation of :mod:`.dielectric` (exterior multipoles A_lm = -X_lm of degree 1 <= l <= p on
every sphere, susceptibility chi_l), the supercell is periodic, so the induced multipoles are supercell
periodic and the 4 L^3 spheres of the supercell carry the unknowns; the spheres form the fcc primitive
lattice, so the coupling K between sphere j and sphere i depends only on t = c_i - c_j modulo the box and
the system (1 + chi K) X = chi P is block diagonal in the 4 L^3 Bloch wave vectors k of the supercell
(k in (2 pi / box) Z^3 modulo the fcc reciprocal lattice).  Then

    G^ind_ab = - sum_j P_aj^T W X_bj ,   X_b = (1 + chi K)^-1 chi P_b ,   W = diag((2l+1) a / (4 pi)),

with P_bj the projection on Y_lm of sphere j of the periodic (Ewald) potential of a unit charge at b.
K(t) = K_near(t) + K_far(t): the sphere pairs (t + n, n a supercell translation) with |t + n| <= r_cut are
coupled exactly (:func:`.multipole.coupling_block`, order p); the rest through the Ewald kernel minus
those near terms, with each sphere's unit multipole represented by point charges at the nodes of a
Gauss-Legendre x uniform quadrature of degree 2 n_far - 1 (surface charge (2l+1)/(4 pi a) Y_lm) and
projected on the same nodes, for degrees l <= p_far.  The Ewald kernel carries the supercell's
conditionally convergent dipole sums with the same (tin-foil) convention as the charges' table.  Point
charges project likewise: the images within r_cut exactly (Legendre series), the rest through the
Ewald kernel on the nodes of a quadrature of degree 2 n_src - 1.

Errors: the truncation in the order p (measured by repeating at p - 2: the lower orders are sub-blocks),
in the far degree p_far (repeating at p_far - 1) and in r_cut; :func:`truncation_estimate` reports them.
At kappa = 1, chi = 0 and G^ind is identically zero: G is the Ewald table, bit for bit.

Translation symmetry: G_ab depends on the types of a and b and on r_a - r_b only, so the answer is given
as rows, one per site type (NC, octahedral pore, or T+ and T- pores), for the reference site of that type
in the origin cell, against every site in :func:`supercrystal.montecarlo.lattice.mc_lattice` order;
:func:`expand_rows` builds the dense N x N table.  Size disorder: G uses one radius (the mean a).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from supercrystal.lattice import geometry
from supercrystal.lattice.ewald import ewald_kernel
from supercrystal.spheres import multipole
from supercrystal.spheres.response import check_kappa, susceptibility

#: defaults: multipole order by pore kind, far degree, far quadrature (n_theta), source quadrature, exact
#: radius (b).  Measured at rho = 0.8 (L = 2, max over the rows, 1/b): order step 8 -> 10 is 7e-5
#: (octahedral, kappa = 4.8); tetrahedral pores sit closer to the spheres (gap 0.42 b), steps 10 -> 12
#: -> 14 -> 16 of 1.7e-4, 3.1e-5, 5.5e-6 at kappa = 4.8 (2.6e-4, 4.6e-5, 8.3e-6 at 113.5), a ratio ~0.18
#: per two orders, so the step overestimates the remainder; r_cut 6.5 -> 8.5 changes the rows by 7e-7
#: (1.6e-6 at kappa = 113.5), far degree 4 -> 5 by 5e-7 (1.3e-6), source quadrature 14 -> 18 by 4e-15.
ORDERS = {"octahedral": 10, "tetrahedral": 12}
ORDER, FAR_ORDER, FAR_NODES, SOURCE_NODES, R_CUT = 10, 4, 9, 14, 6.5
#: Ewald accuracy of the far parts (absolute, 1/b)
EWALD_TOL = 1e-12


def _degrees(p: int) -> np.ndarray:
    """l of the unknowns 1 <= l <= p (index lm - 1 of the real harmonics)."""
    return np.concatenate([np.full(2 * l + 1, l) for l in range(1, p + 1)])


# --------------------------------------------------------------------------- geometry of the supercell
@dataclass(frozen=True, eq=False)
class SupercellGeometry:
    """Sites of an mc_lattice with their types and the translation maps.

    types : (n,) 0 NC, 1 octahedral or T+ pore, 2 T- pore; refs : (n_types,) the reference site of each
    type (the first of that type in mc_lattice order); shift_index : (n, n) index of the site at
    r_b - (r_a - r_ref(type a)) (modulo the box), so that G_ab = rows[type a][shift_index[a, b]].
    """

    box: float
    positions: np.ndarray
    n_nc: int
    types: np.ndarray
    refs: np.ndarray
    shift_index: np.ndarray


def supercell_geometry(lat) -> SupercellGeometry:
    """Types, reference sites and translation maps of an :class:`~supercrystal.montecarlo.lattice.MCLattice`."""
    pos = np.asarray(lat.positions, float)
    n = len(pos)
    cube = geometry.cube_side("fcc")
    box = cube * lat.L
    types = np.zeros(n, np.int64)
    types[lat.n_nc:] = 1 + np.asarray(lat.sublattice)
    refs = np.array([int(np.flatnonzero(types == t)[0]) for t in range(types.max() + 1)])
    grid = 4 * lat.L  # every site is on the grid of a quarter of the cube side
    ij = np.round(pos / (box / grid)).astype(np.int64) % grid
    code = (ij[:, 0] * grid + ij[:, 1]) * grid + ij[:, 2]
    lookup = np.full(grid ** 3, -1, np.int64)
    lookup[code] = np.arange(n)
    shift = ij - ij[refs[types]]  # (n, 3) each site's translation from its reference
    moved = (ij[None, :, :] - shift[:, None, :]) % grid
    idx = lookup[(moved[..., 0] * grid + moved[..., 1]) * grid + moved[..., 2]]
    if np.any(idx < 0):
        raise ValueError("the sites are not translation symmetric")
    return SupercellGeometry(box=float(box), positions=pos, n_nc=int(lat.n_nc), types=types, refs=refs,
                             shift_index=idx)


def expand_rows(geom: SupercellGeometry, rows: np.ndarray) -> np.ndarray:
    """The dense (n, n) table G_ab = rows[type a][shift_index[a, b]] (for L <= 6)."""
    rows = np.asarray(rows, float)
    return np.ascontiguousarray(rows[geom.types[:, None], geom.shift_index])


def bloch_vectors(L: int, cube: float) -> np.ndarray:
    """The 4 L^3 wave vectors (2 pi / (L cube)) (n1, n2, n3), 0 <= n1 < L, 0 <= n2, n3 < 2 L: one of each
    class of the supercell's reciprocal lattice modulo the fcc reciprocal (bcc) lattice."""
    n = np.array([(i, j, k) for i in range(L) for j in range(2 * L) for k in range(2 * L)], float)
    return 2 * np.pi / (L * cube) * n


# --------------------------------------------------------------------------- couplings
def _images(t: np.ndarray, box: float, r_cut: float) -> np.ndarray:
    """Supercell translations n with |t + n| <= r_cut (t reduced to the minimum image first)."""
    m = int(np.ceil(r_cut / box)) + 1
    rng = np.arange(-m, m + 1)
    n = np.stack(np.meshgrid(rng, rng, rng, indexing="ij"), -1).reshape(-1, 3) * box
    return n[np.linalg.norm(t + n, axis=1) <= r_cut + 1e-9]


def _min_image(v: np.ndarray, box: float) -> np.ndarray:
    return v - box * np.round(v / box)


@dataclass(frozen=True, eq=False)
class SupercellCoupling:
    """The kappa-independent part: couplings K(t) and projections of the reference charges.

    translations : (N, 3) c_j - c_0 of the N = 4 L^3 spheres (minimum image); coupling : (N, m, m) K(t)
    on the unknowns 1 <= l <= order (m = (order+1)^2 - 1), source sphere at 0, target at t; projections :
    (n_types, N, m) projection of a unit charge at each reference site on every sphere; degrees : (m,).
    """

    L: int
    pore: str
    rho: float
    order: int
    far_order: int
    far_nodes: int
    source_nodes: int
    r_cut: float
    translations: np.ndarray
    coupling: np.ndarray
    projections: np.ndarray
    degrees: np.ndarray
    far: np.ndarray


def _far_coupling(ts: np.ndarray, box: float, rho: float, p_far: int, n_theta: int, r_cut: float) -> np.ndarray:
    """K_far(t) for the translations ``ts`` on the unknowns 1 <= l <= p_far (module docstring)."""
    pts, w = multipole.sphere_quadrature(n_theta)
    y = multipole.real_sph_harm(p_far, pts)[:, 1:]  # (n_q, m_far)
    lv = _degrees(p_far)
    src = (w[:, None] * rho * (2 * lv + 1) / (4 * np.pi)) * y  # node charges of each unit multipole
    proj = (w[:, None] * y).T  # (m_far, n_q)
    d = rho * (pts[:, None, :] - pts[None, :, :])  # x - y
    cell = np.eye(3) * box
    out = np.zeros((len(ts), len(lv), len(lv)))
    for k, t in enumerate(ts):
        vec = (t + d).reshape(-1, 3)
        f = ewald_kernel(cell, vec, tol=EWALD_TOL)
        for n in _images(t, box, r_cut):
            r = np.linalg.norm(vec + n, axis=1)
            near = r > 1e-12
            f[near] -= 1.0 / r[near]
        out[k] = proj @ f.reshape(len(pts), len(pts)) @ src
    return out


def _source_projection(sites: np.ndarray, centres: np.ndarray, box: float, rho: float, p: int,
                       n_theta: int, r_cut: float) -> np.ndarray:
    """(n_sites, N, m) projection of a unit charge (and its supercell images) at each site on each sphere."""
    pts, w = multipole.sphere_quadrature(n_theta)
    yw = (w[:, None] * multipole.real_sph_harm(p, pts))  # (n_q, (p+1)^2)
    lv = np.concatenate([np.full(2 * l + 1, l) for l in range(p + 1)])
    cell = np.eye(3) * box
    out = np.zeros((len(sites), len(centres), (p + 1) ** 2 - 1))
    for s, r0 in enumerate(sites):
        x = (centres[:, None, :] + rho * pts[None]).reshape(-1, 3)
        f = ewald_kernel(cell, x - r0, tol=EWALD_TOL).reshape(len(centres), len(pts))
        for j, c in enumerate(centres):
            t = _min_image(r0 - c, box)
            exact = np.zeros((p + 1) ** 2)
            for n in _images(t, box, r_cut):
                v = t + n
                dist = np.linalg.norm(v)
                f[j] -= 1.0 / np.linalg.norm(x[j * len(pts):(j + 1) * len(pts)] - (c + v), axis=1)
                if dist > 1e-9:
                    exact += 4 * np.pi / (2 * lv + 1) * rho ** lv / dist ** (lv + 1) * \
                        multipole.real_sph_harm(p, v[None])[0]
            out[s, j] = (exact + f[j] @ yw)[1:]
    return out


def supercell_coupling(lat, rho: float, order: int | None = None, far_order: int = FAR_ORDER,
                       far_nodes: int = FAR_NODES, source_nodes: int = SOURCE_NODES,
                       r_cut: float = R_CUT) -> SupercellCoupling:
    """Couplings and projections of the supercell ``lat`` (an mc_lattice) of spheres of radius ``rho`` b.

    ``order`` defaults to :data:`ORDERS` of the lattice's pore kind.  Tens of seconds at L = 4.
    """
    rho = float(rho)
    order = ORDERS.get(lat.pore, ORDER) if order is None else int(order)
    if not 0.0 < rho <= 1.0:
        raise ValueError(f"rho must lie in (0, 1] (got rho={rho!r})")
    if order < 1 or not 1 <= far_order <= order:
        raise ValueError(f"need 1 <= far_order <= order (got order={order}, far_order={far_order})")
    if 2 * far_nodes - 1 < 2 * far_order + 8:
        raise ValueError(f"far_nodes={far_nodes} too few for far_order={far_order}")
    geom = supercell_geometry(lat)
    box = geom.box
    centres = geom.positions[:geom.n_nc]
    ts = _min_image(centres - centres[0], box)
    m = (order + 1) ** 2 - 1
    k = np.zeros((len(ts), m, m))
    # near: exact couplings (target at t + n, source at the origin); K(-t) = (-1)^(l+l') K(t)
    lv = _degrees(order)
    parity = (-1.0) ** (lv[:, None] + lv[None, :])
    key = np.round(ts / (box / (4 * lat.L))).astype(np.int64) % (4 * lat.L)
    index = {tuple(kk): i for i, kk in enumerate(key)}
    done = np.zeros(len(ts), bool)
    todo = []
    for i, t in enumerate(ts):
        if done[i]:
            continue
        blk = np.zeros((m, m))
        for n in _images(t, box, r_cut):
            v = t + n
            if np.linalg.norm(v) < 1e-9:
                continue
            blk += multipole.coupling_block(v, rho, order, np.zeros(3), rho, order)[1:, 1:]
        k[i] = blk
        done[i] = True
        j = index[tuple((-key[i]) % (4 * lat.L))]
        if not done[j]:
            k[j] = parity * blk
            done[j] = True
        todo.append((i, j))
    # far: Ewald through node charges, for 1 <= l, l' <= far_order
    mf = (far_order + 1) ** 2 - 1
    first = np.array([i for i, _ in todo])
    far = _far_coupling(ts[first], box, rho, far_order, far_nodes, r_cut)
    pf = parity[:mf, :mf]
    far_t = np.zeros((len(ts), mf, mf))
    for (i, j), blk in zip(todo, far):
        far_t[i] = blk
        if j != i:
            far_t[j] = pf * blk
    k[:, :mf, :mf] += far_t
    sites = geom.positions[geom.refs]
    proj = _source_projection(sites, centres, box, rho, order, source_nodes, r_cut)
    return SupercellCoupling(L=int(lat.L), pore=lat.pore, rho=rho, order=int(order), far_order=int(far_order),
                             far_nodes=int(far_nodes), source_nodes=int(source_nodes), r_cut=float(r_cut),
                             translations=ts, coupling=k, projections=proj, degrees=lv, far=far_t)


# --------------------------------------------------------------------------- the solve
def _sub(sc: SupercellCoupling, order: int) -> tuple:
    """K, P and degrees restricted to 1 <= l <= order (sub-blocks: the Galerkin entries do not depend on
    the truncation)."""
    if not 1 <= order <= sc.order:
        raise ValueError(f"order must lie in [1, {sc.order}] (got order={order})")
    m = (order + 1) ** 2 - 1
    return sc.coupling[:, :m, :m], sc.projections[:, :, :m], sc.degrees[:m]


def induced_rows(sc: SupercellCoupling, kappa: float, order: int | None = None, geom=None, lat=None) -> np.ndarray:
    """G^ind rows (n_types, n_sites), 1/b, for the reference site of each type (module docstring)."""
    kappa = check_kappa(kappa)
    order = sc.order if order is None else int(order)
    k_t, p_t, lv = _sub(sc, order)
    if geom is None:
        from supercrystal.montecarlo.lattice import mc_lattice
        geom = supercell_geometry(mc_lattice(sc.L, sc.pore) if lat is None else lat)
    n_types = len(geom.refs)
    n_sites = len(geom.positions)
    chi = susceptibility(kappa, lv)
    if not np.any(chi):
        return np.zeros((n_types, n_sites))
    ts = sc.translations
    n = len(ts)
    ks = bloch_vectors(sc.L, geometry.cube_side("fcc"))
    ph = np.exp(-1j * ks @ ts.T)  # (n_k, N)
    m = len(lv)
    kk = (ph @ k_t.reshape(n, m * m)).reshape(len(ks), m, m)
    pk = np.einsum("kj,sjm->ksm", ph, p_t)  # (n_k, n_types, m)
    a = np.eye(m)[None] + chi[None, :, None] * kk
    xk = np.linalg.solve(a, (chi[None, None, :] * pk).transpose(0, 2, 1))  # (n_k, m, n_types)
    x = np.real(np.einsum("kj,kms->sjm", np.conj(ph), xk)) / n  # (n_types, N, m)
    w = (2 * lv + 1) * sc.rho / (4 * np.pi)
    # sphere index of c_j - s_b for every site b: the NC rows of shift_index with the NC reference
    shift_nc = geom.shift_index[:, :geom.n_nc]  # (n_sites, N): for site b, sphere j -> j shifted back by s_b
    out = np.zeros((n_types, n_sites))
    for b in range(n_sites):
        pb = p_t[geom.types[b]][shift_nc[b]]  # (N, m): projection of charge b on sphere j
        out[:, b] = -np.einsum("jm,sjm->s", pb * w, x)
    return out


@dataclass(frozen=True, eq=False)
class LatticeGreen:
    """The Green's-function rows of the supercell with dielectric spheres (module docstring).

    rows : (n_types, n_sites) G = Ewald + induced, 1/b (eps_liquid); induced : the induced part alone;
    refs : reference site of each type; error : estimated truncation error (max over the rows, 1/b):
    order_step + far_step; order_step : max |rows(order) - rows(order - 2)|; far_step : max change when the
    far couplings stop at far_order - 1.
    """

    L: int
    pore: str
    rho: float
    kappa: float
    order: int
    far_order: int
    r_cut: float
    refs: np.ndarray
    rows: np.ndarray
    induced: np.ndarray
    error: float
    order_step: float
    far_step: float


def truncation_estimate(sc: SupercellCoupling, kappa: float, lat) -> tuple[float, float]:
    """(order step, far step): max change of the induced rows from order p to p - 2 and when the far
    couplings of degree far_order are dropped."""
    geom = supercell_geometry(lat)
    full = induced_rows(sc, kappa, geom=geom)
    low = induced_rows(sc, kappa, sc.order - 2, geom=geom)
    lf = sc.far_order
    kf = sc.coupling.copy()
    mf, mf1 = (lf + 1) ** 2 - 1, lf ** 2 - 1
    drop = sc.far.copy()
    drop[:, :mf1, :mf1] = 0.0
    kf[:, :mf, :mf] -= drop
    sc2 = SupercellCoupling(**{**sc.__dict__, "coupling": kf})
    fstep = induced_rows(sc2, kappa, geom=geom)
    return float(np.max(np.abs(full - low))), float(np.max(np.abs(full - fstep)))


def lattice_green(lat, rho: float, kappa: float, sc: SupercellCoupling | None = None,
                  estimate: bool = False) -> LatticeGreen:
    """G rows of ``lat`` (an mc_lattice) with dielectric spheres of radius rho b and ratio kappa.

    kappa = 1 returns the Ewald rows of ``lat.G`` unchanged (the induced part is identically zero).
    """
    kappa = check_kappa(kappa)
    geom = supercell_geometry(lat)
    ewald_rows = lat.table.rows(geom.refs)
    if kappa == 1.0 and sc is None:
        ind = np.zeros_like(ewald_rows)
        return LatticeGreen(lat.L, lat.pore, float(rho), kappa, 0, 0, 0.0, geom.refs, ewald_rows.copy(), ind,
                            0.0, 0.0, 0.0)
    sc = supercell_coupling(lat, rho) if sc is None else sc
    ind = induced_rows(sc, kappa, geom=geom)
    o_step, f_step = truncation_estimate(sc, kappa, lat) if estimate else (np.nan, np.nan)
    return LatticeGreen(lat.L, lat.pore, sc.rho, kappa, sc.order, sc.far_order, sc.r_cut, geom.refs,
                        ewald_rows + ind, ind, float(o_step + f_step), float(o_step), float(f_step))
