"""The dipole argument of Sec. II and Sec. III: why the rock-salt capacitor attracts and Fig. 3 repels.

The paper (end of Sec. III, Figs. 2 and 3) pairs each electron with a neighbouring counter-charge and
reads the energy of the charged capacitor as an interaction of dipoles:

* Fig. 2, the super-crystal: each electron (NC centre, charge -e) with a nearest cation (+e) in an
  octahedral pore, at the distance d = sqrt(2) b.  Choosing every pair along +x makes all dipoles
  parallel; the centres of nearest-neighbour dipoles are then joined by vectors at pi/4 to the
  moment (and, in 3D, also at pi/2), and two point dipoles at pi/4 attract.
* Fig. 3, a conventional capacitor: one NC layer under a planar metal gate at height h above the NC
  centres; each electron and its image (+e at 2h) form a dipole normal to the layer, all dipoles
  parallel and coplanar, and they repel.

Units: Gaussian, lengths in units of b (NN distance between NC centres 2b), charges in units of e,
energies in units of e^2/(epsilon b).

Lattice sums, and their convergence:

* 2D sums (Figs. 2 and 3 in a single plane) use the Epstein zeta function of a planar lattice,
  Z(s) = sum'_R |R|^(-2s), by Ewald's splitting into two rapidly convergent sums
  (:func:`epstein_zeta_2d`).  Z(3/2), the sum of 1/R^3, converges absolutely; Z(1/2) is its
  analytic continuation, the Coulomb sum of a lattice of unit charges in a neutralising background.
  Known values checked by the tests: square lattice Z(s) = 4 zeta(s) beta(s) (9.0336 at s = 3/2),
  checkerboard Madelung constant 4 beta(1/2) eta(1/2) = 1.6155.
* The 3D rock-salt sum of point dipoles is conditionally convergent: its value depends on the shape
  of the sample and on what surrounds it.  For a cubic lattice summed over a sphere (or a cube) in
  vacuum it is exactly zero (the near shells cancel by cubic symmetry, Lorentz); with conducting
  ("tin-foil") boundaries the depolarising field is removed and each dipole gains
  -(2 pi / 3) n p^2.  The energy of the charges themselves is not ambiguous: the rock-salt crystal
  with non-polar faces has the Madelung energy -M_1 e^2/(eps d) per pair (Eq. 4), so the exact
  dipole-dipole energy per pair is the Ewald energy minus the pair's own attraction,
  -(M_1 - 1) e^2/(eps d), which is the conducting-boundary value of the finite-dipole sum.  It is
  computed twice: from the rock-salt Madelung constant, and from the Ewald potential of the fcc
  lattice of dipoles (:func:`rocksalt_dipoles`); a direct real-space sum over a cube of dipoles plus
  the cube's depolarisation term (:func:`rocksalt_dipole_cube_sum`) is the third, Ewald-free check.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import erf, erfc, erfcx, gamma, gammaincc

from supercrystal.lattice import ewald, geometry

LAYERS = ("square", "triangular")


# --------------------------------------------------------------------------------------------
# pairs of dipoles
# --------------------------------------------------------------------------------------------
def point_dipole_pair_energy(p1, p2, r) -> float:
    """Interaction of two point dipoles, [p1.p2 - 3 (p1.n)(p2.n)] / |r|^3 (Gaussian units).

    Parameters
    ----------
    p1, p2 : (3,) dipole moments (charge x length).
    r : (3,) vector from dipole 1 to dipole 2, non-zero.

    Returns
    -------
    Energy in units of (charge^2 / length); for parallel dipoles p at angle theta to r it is
    p^2 (1 - 3 cos^2 theta) / r^3: attractive for theta < arccos(1/sqrt 3) = 54.7 degrees, so at
    the pi/4 of Sec. III (end) it is -p^2 / (2 r^3).
    """
    p1, p2, r = (np.asarray(x, dtype=float) for x in (p1, p2, r))
    dist = float(np.linalg.norm(r))
    if not dist > 0:
        raise ValueError("r must be a non-zero separation vector (got |r| = 0)")
    n = r / dist
    return float((p1 @ p2 - 3.0 * (p1 @ n) * (p2 @ n)) / dist**3)


def charge_pair_energy(pos1, q1, pos2, q2) -> float:
    """Coulomb interaction between two groups of point charges, sum_ij q1_i q2_j / |r1_i - r2_j|.

    The exact energy of two finite dipoles (an electron-cation pair each), with every multipole.
    """
    pos1, pos2 = np.atleast_2d(pos1).astype(float), np.atleast_2d(pos2).astype(float)
    q1, q2 = np.atleast_1d(q1).astype(float), np.atleast_1d(q2).astype(float)
    r = np.linalg.norm(pos1[:, None, :] - pos2[None, :, :], axis=-1)
    if np.any(r == 0):
        raise ValueError("two charges of different groups coincide")
    return float(q1 @ (1.0 / r) @ q2)


@dataclass(frozen=True)
class DipolePair:
    """Two parallel electron-cation dipoles of length d whose centres are joined at angle theta.

    Attributes
    ----------
    d : dipole length (electron-cation distance), units of b.
    separation : distance between the dipole centres, units of b.
    theta : angle between the centre-to-centre vector and the moment, radians.
    point : point-dipole energy d^2 (1 - 3 cos^2 theta) / separation^3, units of e^2/(eps b).
    exact : energy of the four charges, units of e^2/(eps b).
    """

    d: float
    separation: float
    theta: float
    point: float
    exact: float


def dipole_pair(theta: float, separation: float | None = None, d: float | None = None) -> DipolePair:
    """Energy of two parallel electron-cation dipoles in the plane, centres at angle ``theta`` (Sec. III).

    Defaults are the nearest-neighbour dipoles of the rock-salt super-crystal (Fig. 2): length
    d = sqrt(2) b (the NC-to-octahedral-pore distance) and centre separation 2b (the NC-NC
    distance); there ``theta`` = pi/4 (eight neighbours) or pi/2 (four neighbours, side by side).
    """
    d = geometry.electron_cation_distance("octahedral") if d is None else float(d)
    separation = 2.0 if separation is None else float(separation)
    for name, value in (("d", d), ("separation", separation)):
        if not np.isfinite(value) or value <= 0:
            raise ValueError(f"{name} must be a positive length in units of b (got {name}={value!r})")
    if not np.isfinite(theta):
        raise ValueError(f"theta must be a finite angle in radians (got theta={theta!r})")
    p = np.array([d, 0.0, 0.0])
    r = separation * np.array([np.cos(theta), np.sin(theta), 0.0])
    if np.min(np.linalg.norm(r + np.array([[d, 0, 0], [-d, 0, 0], [0, 0, 0]]), axis=1)) < 1e-12:
        raise ValueError("the two dipoles share a charge site: choose another theta or separation")
    charges = np.array([-1.0, 1.0])
    one = np.array([[-d / 2, 0.0, 0.0], [d / 2, 0.0, 0.0]])
    return DipolePair(d, separation, float(theta), point_dipole_pair_energy(p, p, r),
                      charge_pair_energy(one, charges, one + r, charges))


# --------------------------------------------------------------------------------------------
# planar lattice sums
# --------------------------------------------------------------------------------------------
def layer_vectors(kind: str, spacing: float = 2.0) -> np.ndarray:
    """Primitive vectors (rows, 2D) of a planar NC layer with nearest-neighbour distance ``spacing``.

    ``"square"`` is a (100) layer of the fcc super-crystal, ``"triangular"`` a close-packed (111)
    layer; the default spacing 2 is the NN distance 2b.
    """
    if kind not in LAYERS:
        raise ValueError(f"layer must be one of {LAYERS} (got kind={kind!r})")
    if not np.isfinite(spacing) or spacing <= 0:
        raise ValueError(f"spacing must be a positive length in units of b (got spacing={spacing!r})")
    if kind == "square":
        return spacing * np.eye(2)
    return spacing * np.array([[1.0, 0.0], [0.5, np.sqrt(3.0) / 2.0]])


def _upper_gamma(a: float, x: np.ndarray) -> np.ndarray:
    """Upper incomplete gamma Gamma(a, x) for real a (not 0, -1, ...) and x > 0."""
    if a > 0:
        return gammaincc(a, x) * gamma(a)
    # Gamma(a, x) = (Gamma(a + 1, x) - x^a e^-x) / a
    return (_upper_gamma(a + 1.0, x) - x**a * np.exp(-x)) / a


def _lattice_points(vectors: np.ndarray, radius: float) -> np.ndarray:
    """All points of the 2D lattice spanned by the rows of ``vectors`` within ``radius``."""
    inv = np.linalg.inv(vectors)
    nmax = np.ceil(radius * np.linalg.norm(inv, axis=0)).astype(int) + 1
    i, j = np.meshgrid(np.arange(-nmax[0], nmax[0] + 1), np.arange(-nmax[1], nmax[1] + 1),
                       indexing="ij")
    pts = np.stack([i.ravel(), j.ravel()], axis=1) @ vectors
    return pts[np.linalg.norm(pts, axis=1) <= radius]


def epstein_zeta_2d(vectors, s: float, eta: float | None = None, tol: float = 1e-15) -> float:
    """Epstein zeta function Z(s) = sum'_R |R|^(-2s) of a planar lattice, by Ewald splitting.

    Parameters
    ----------
    vectors : (2, 2) primitive vectors as rows (length unit L).
    s : real, s > 0, s != 1.  For s > 1 the sum converges; for s < 1 the result is its analytic
        continuation, which for s = 1/2 is the Coulomb sum of unit charges on the lattice in a
        neutralising uniform background (the 2D Madelung sum).
    eta : splitting parameter in 1/L (the result does not depend on it).

    Returns
    -------
    Z(s) in units of L^(-2s).  With A the cell area and G the reciprocal vectors (Crandall's
    splitting of 1/R^(2s) = Gamma(s)^-1 int t^(s-1) e^(-R^2 t) dt at t = eta^2):

        Gamma(s) Z(s) = sum'_R Gamma(s, eta^2 R^2) / R^(2s)
                        + (pi/A) sum'_G (G/2)^(2s-2) Gamma(1-s, G^2 / 4 eta^2)
                        + (pi/A) eta^(2s-2) / (s-1) - eta^(2s) / s.
    """
    v = np.asarray(vectors, dtype=float)
    if v.shape != (2, 2) or abs(np.linalg.det(v)) < 1e-300:
        raise ValueError("vectors must be two independent 2D lattice vectors, shape (2, 2)")
    if not np.isfinite(s) or s <= 0 or abs(s - 1.0) < 1e-12:
        raise ValueError(f"s must be positive and different from 1 (got s={s!r})")
    area = abs(np.linalg.det(v))
    if eta is None:
        eta = np.sqrt(np.pi / area)
    # Both tails fall like exp(-x) with x = eta^2 R^2 and G^2 / 4 eta^2: cut where x = ln(1/tol) + margin.
    x_cut = -np.log(tol) + 10.0
    rs = _lattice_points(v, np.sqrt(x_cut) / eta)
    rs = rs[np.linalg.norm(rs, axis=1) > 0]
    r2 = np.sum(rs**2, axis=1)
    real = np.sum(_upper_gamma(s, eta**2 * r2) / r2**s)
    recip_vectors = 2.0 * np.pi * np.linalg.inv(v).T
    gs = _lattice_points(recip_vectors, 2.0 * eta * np.sqrt(x_cut))
    gs = gs[np.linalg.norm(gs, axis=1) > 0]
    g2 = np.sum(gs**2, axis=1)
    recip = (np.pi / area) * np.sum((g2 / 4.0) ** (s - 1.0) * _upper_gamma(1.0 - s, g2 / (4 * eta**2)))
    const = (np.pi / area) * eta ** (2 * s - 2) / (s - 1.0) - eta ** (2 * s) / s
    return float((real + recip + const) / gamma(s))


def layer_potential(vectors, z: float, eta: float | None = None) -> float:
    """Potential at height z above a planar lattice of unit charges in a neutralising background.

    Phi(z) = sum_R 1/sqrt(R^2 + z^2) - (background), the R = 0 charge included, by the 2D Ewald
    splitting for an off-plane point (any z > 0; exponentially convergent for short and long z):

        Phi(z) = sum_R erfc(eta r_z) / r_z
                 + (pi/A) sum'_G [e^(Gz) erfc(G/2eta + eta z) + e^(-Gz) erfc(G/2eta - eta z)] / G
                 - (2 pi / A) [z erf(eta z) + exp(-eta^2 z^2) / (eta sqrt(pi))],

    with r_z = sqrt(R^2 + z^2).  The background convention is the one of Z(1/2) in
    :func:`epstein_zeta_2d` (Phi(z) - 1/z -> Z(1/2) as z -> 0); for z much larger than the spacing
    Phi(z) -> -2 pi z / A, the field of a charged plane.
    """
    v = np.asarray(vectors, dtype=float)
    if not np.isfinite(z) or z <= 0:
        raise ValueError(f"z must be a positive height (got z={z!r})")
    area = abs(np.linalg.det(v))
    if eta is None:
        eta = np.sqrt(np.pi / area)
    x_cut = 6.5  # erfc(6.5) ~ 4e-20
    rs = _lattice_points(v, x_cut / eta)
    rz = np.sqrt(np.sum(rs**2, axis=1) + z * z)
    real = np.sum(erfc(eta * rz) / rz)
    recip_vectors = 2.0 * np.pi * np.linalg.inv(v).T
    gs = _lattice_points(recip_vectors, 2.0 * eta * (x_cut + 1.0))
    g = np.linalg.norm(gs, axis=1)
    g = g[g > 0]
    # e^(Gz) erfc(x) with x = G/2eta + eta z written as erfcx(x) exp(Gz - x^2) to avoid overflow
    t1 = erfcx(g / (2 * eta) + eta * z) * np.exp(-(g / (2 * eta)) ** 2 - (eta * z) ** 2)
    t2 = np.exp(-g * z) * erfc(g / (2 * eta) - eta * z)
    recip = np.pi / area * np.sum((t1 + t2) / g)
    plane = -2 * np.pi / area * (z * erf(eta * z) + np.exp(-(eta * z) ** 2) / (eta * np.sqrt(np.pi)))
    return float(real + recip + plane)


def image_layer_sum(vectors, length: float) -> float:
    """sum'_R [1/R - 1/sqrt(R^2 + L^2)] over a planar lattice: half the energy of Fig. 3's dipoles.

    Each term is the interaction of a charge pair (-1 at height 0, +1 at height L) with the same
    pair displaced by R, divided by two.  With the background-neutralised sums of
    :func:`epstein_zeta_2d` and :func:`layer_potential` it is Z(1/2) + 1/L - Phi(L), which for
    L >> spacing becomes 2 pi L / A (the plane-capacitor energy, A the cell area) plus the
    correlation correction Z(1/2) + 1/L of discrete charges.
    """
    v = np.asarray(vectors, dtype=float)
    if not np.isfinite(length) or length <= 0:
        raise ValueError(f"length must be a positive dipole length (got length={length!r})")
    return float(epstein_zeta_2d(v, 0.5) + 1.0 / length - layer_potential(v, length))


def image_layer_sum_direct(vectors, length: float, radius: float) -> float:
    """The sum of :func:`image_layer_sum` in real space, for testing: all |R| < ``radius``
    plus the continuum tail (2 pi / A)(sqrt(radius^2 + L^2) - radius) beyond."""
    v = np.asarray(vectors, dtype=float)
    area = abs(np.linalg.det(v))
    pts = _lattice_points(v, radius)
    r = np.linalg.norm(pts, axis=1)
    r = r[(r > 0) & (r < radius)]
    return float(np.sum(1.0 / r - 1.0 / np.sqrt(r**2 + length**2))
                 + 2 * np.pi / area * (np.sqrt(radius**2 + length**2) - radius))


@dataclass(frozen=True)
class LayerDipoles:
    """Energies per dipole of a planar lattice of parallel dipoles (Figs. 2 and 3), e^2/(eps b).

    Attributes
    ----------
    arrangement : "rocksalt-100" (Fig. 2: in-plane electron-cation dipoles of a (100) plane) or
        "image-<layer>" (Fig. 3: electron-image dipoles normal to an NC layer).
    length : dipole length, units of b.
    centre_spacing : nearest-neighbour distance between dipole centres, units of b.
    lattice_sum : sum'_R (a/R)^3 over the lattice of dipole centres, a = centre_spacing.
    point : point-dipole interaction per dipole, 1/2 sum'_R u_dip(R).
    exact : interaction per dipole of the finite dipoles (all multipoles), 1/2 sum'_R u(R).
    continuum : the plane-capacitor part of ``exact`` (Fig. 3 only; 0 for Fig. 2).
    """

    arrangement: str
    length: float
    centre_spacing: float
    lattice_sum: float
    point: float
    exact: float
    continuum: float


def image_layer(kind: str = "square", gate_distance: float = 1.0, spacing: float = 2.0) -> LayerDipoles:
    """Fig. 3: one NC layer under a planar gate; electron (NC centre) and image charge are dipoles.

    Parameters
    ----------
    kind : "square" ((100) layer) or "triangular" ((111) layer).
    gate_distance : height h of the gate plane above the NC centres, units of b (h >= 1: the gate
        cannot cut the NCs; h = 1 is a gate touching them).  The dipole length is 2h.
    spacing : NN distance of the NC centres, units of b (2 for touching NCs).

    Returns
    -------
    :class:`LayerDipoles`; all dipoles are parallel and normal to the plane, so every pair repels:
    point = (2h)^2 Z(3/2) / (2 spacing^3) > 0.  The energy of the *electrons* in front of a real
    metal gate is half of these dipole energies (the images are induced, not independent charges).
    """
    if not np.isfinite(gate_distance) or gate_distance < 1.0:
        raise ValueError(f"gate_distance must be at least 1 (the NC radius b) (got gate_distance={gate_distance!r})")
    v = layer_vectors(kind, spacing)
    length = 2.0 * gate_distance
    z32 = epstein_zeta_2d(v, 1.5)
    area = abs(np.linalg.det(v))
    return LayerDipoles(
        arrangement=f"image-{kind}",
        length=length,
        centre_spacing=float(spacing),
        lattice_sum=z32 * spacing**3,
        point=0.5 * length**2 * z32,
        exact=image_layer_sum(v, length),
        continuum=float(2 * np.pi * length / area),
    )


def checkerboard_madelung() -> float:
    """Madelung constant of the planar rock-salt (checkerboard) lattice, per ion pair, referred
    to the NN distance: -(sqrt2 - 1) Z_square(1/2) = 4 beta(1/2) eta(1/2) = 1.6155 (the (100)
    cross-section of Fig. 2 alone; the even sites form a square lattice of spacing sqrt 2)."""
    return float(-(np.sqrt(2.0) - 1.0) * epstein_zeta_2d(np.eye(2), 0.5))


def rocksalt_layer() -> LayerDipoles:
    """Fig. 2: the (100) plane of the filled super-crystal alone, every electron paired with the
    cation at +x (distance d = sqrt2 b): a square lattice of in-plane dipole centres, spacing 2b, at
    pi/4 to the moments.

    Point dipoles: 1/2 sum' p^2 (1 - 3 cos^2) / R^3 = -(p^2/4) Z(3/2) (the square lattice has
    sum' cos^2/R^3 = Z(3/2)/2), attractive.  Exact: the checkerboard energy per pair minus the
    pair's own attraction, -(M_2D - 1)/d.  Both converge absolutely in 2D (no shape dependence).
    """
    d = geometry.electron_cation_distance("octahedral")
    spacing = 2.0
    z32 = epstein_zeta_2d(np.eye(2) * spacing, 1.5)
    return LayerDipoles(
        arrangement="rocksalt-100",
        length=d,
        centre_spacing=spacing,
        lattice_sum=z32 * spacing**3,
        point=-0.25 * d**2 * z32,
        exact=-(checkerboard_madelung() - 1.0) / d,
        continuum=0.0,
    )


def rocksalt_layer_direct(radius: float) -> float:
    """Exact (finite-dipole) interaction per dipole of :func:`rocksalt_layer` by direct summation
    over dipole centres |R| < ``radius`` (units of b), plus the continuum tail -pi d^2 / (A radius)
    of the angle-averaged dipole term.  A test of the Epstein-zeta value.  The centres are the NC
    sites of the (100) plane shifted by d/2: the square lattice with vectors (sqrt2, +-sqrt2) b."""
    d = geometry.electron_cation_distance("octahedral")
    pts = _lattice_points(np.sqrt(2.0) * np.array([[1.0, 1.0], [1.0, -1.0]]), radius)
    r = np.linalg.norm(pts, axis=1)
    pts = pts[(r > 0) & (r < radius)]
    dx = np.array([d, 0.0])
    u = (2.0 / np.linalg.norm(pts, axis=1) - 1.0 / np.linalg.norm(pts + dx, axis=1)
         - 1.0 / np.linalg.norm(pts - dx, axis=1))
    area = 4.0
    return float(0.5 * np.sum(u) - 0.5 * np.pi * d**2 / (area * radius))


# --------------------------------------------------------------------------------------------
# the 3D rock-salt lattice of dipoles
# --------------------------------------------------------------------------------------------
_FCC_PRIMITIVE = geometry.FCC_CUBE * np.array([[0.0, 0.5, 0.5], [0.5, 0.0, 0.5], [0.5, 0.5, 0.0]])


@dataclass(frozen=True)
class RockSaltDipoles:
    """The filled fcc super-crystal (rock salt, Eq. 4) read as a lattice of parallel dipoles.

    Every electron is paired with the octahedral cation at +x (distance d = sqrt2 b); the dipole
    centres form the fcc lattice. Energies per dipole in e^2/(eps b).

    Attributes
    ----------
    d : dipole length, units of b.
    pair : the pair's own attraction, -1/d.
    madelung : energy per pair of the charge lattice, -M_1/d (Eq. 4).
    exact : dipole-dipole interaction per dipole with conducting boundaries (the bulk value),
        madelung - pair = -(M_1 - 1)/d; this is the collective gain of Sec. III with a minus sign.
    exact_dipole_lattice : the same from the Ewald potential of the fcc lattice of dipoles,
        G(0) - G(d) + 1/d (independent grouping of the charges; agrees with ``exact``).
    point_conducting : point dipoles with conducting boundaries, -(2 pi / 3) n d^2 (Lorentz).
    point_vacuum_sphere : point dipoles summed over a sphere (or cube) in vacuum: 0.
    shape_term : (2 pi / 3) n d^2, what a spherical sample of whole dipoles in vacuum adds
        (its depolarising field): exact + shape_term is the vacuum-sphere value.
    """

    d: float
    pair: float
    madelung: float
    exact: float
    exact_dipole_lattice: float
    point_conducting: float
    point_vacuum_sphere: float
    shape_term: float


def rocksalt_dipoles() -> RockSaltDipoles:
    """Dipole-dipole energy of the rock-salt super-crystal, three ways (module docstring, Eq. 4)."""
    d = geometry.electron_cation_distance("octahedral")
    m1 = ewald.madelung("rocksalt")
    g = ewald.ewald_kernel(_FCC_PRIMITIVE, np.array([[0.0, 0.0, 0.0], [d, 0.0, 0.0]]))
    n = geometry.nc_density("fcc")
    shape = 2.0 * np.pi / 3.0 * n * d**2
    return RockSaltDipoles(
        d=d,
        pair=-1.0 / d,
        madelung=-m1 / d,
        exact=-(m1 - 1.0) / d,
        exact_dipole_lattice=float(g[0] - g[1] + 1.0 / d),
        point_conducting=float(-shape),
        point_vacuum_sphere=0.0,
        shape_term=float(shape),
    )


def rocksalt_dipole_cube_sum(n_cells: int, point: bool = False) -> float:
    """Interaction per dipole of the rock-salt dipoles summed directly over a cube in vacuum.

    All fcc dipole centres with |x|, |y|, |z| <= ``n_cells`` conventional cells around the central
    one; u(R) = 2/R - 1/|R + d| - 1/|R - d| (or the point-dipole term with ``point=True``), energy
    1/2 sum u.  The cube has the depolarisation factor 1/3 of a sphere at its centre, so the result
    tends to ``exact + shape_term`` of :func:`rocksalt_dipoles`; the point-dipole sum is zero by
    cubic symmetry for every ``n_cells``.  Convergence: the dipole-octupole remainder falls as
    n_cells^-2.
    """
    if int(n_cells) != n_cells or n_cells < 1:
        raise ValueError(f"n_cells must be a positive integer (got n_cells={n_cells!r})")
    d = geometry.electron_cation_distance("octahedral")
    side = geometry.FCC_CUBE
    rng = np.arange(-n_cells, n_cells + 1)
    grid = np.stack(np.meshgrid(rng, rng, rng, indexing="ij"), axis=-1).reshape(-1, 3) * side
    pts = (grid[:, None, :] + geometry.nc_sites("fcc")[None, :, :]).reshape(-1, 3)
    half = n_cells * side + 1e-9
    pts = pts[np.all(np.abs(pts) <= half, axis=1)]
    r = np.linalg.norm(pts, axis=1)
    pts, r = pts[r > 0], r[r > 0]
    if point:
        u = d**2 * (1.0 - 3.0 * (pts[:, 0] / r) ** 2) / r**3
    else:
        dx = np.array([d, 0.0, 0.0])
        u = 2.0 / r - 1.0 / np.linalg.norm(pts + dx, axis=1) - 1.0 / np.linalg.norm(pts - dx, axis=1)
    return float(0.5 * np.sum(u))
