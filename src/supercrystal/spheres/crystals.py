"""The filled crystals of Sec. III with dielectric NC cores: rock salt, zinc blende, fluorite (and CsCl).

Sec. III's levels V1 = E_(nu=1) and V2 = E_(nu=2) - E_(nu=1) (Eqs. 6, 12) need the energy per NC of the
periodic filled states: rock salt (octahedral pores, nu = 1, Eq. 4), zinc blende (cations in the T+
tetrahedral pores, nu = 1, Eq. 8), fluorite (two electrons per NC, every tetrahedral pore filled, nu = 2,
Eq. 11).  With uniform eps they are Madelung energies -M/d.  Here every NC core is a dielectric sphere of
radius a = rho b and kappa = eps_nc/eps_liquid in the liquid (the model and the boundary condition
A_lm = -chi_l E_lm of :mod:`.dielectric`); energies in e^2/(eps_liquid b), isolated self-energies
subtracted (each electron's Sigma_1 in its own NC is :mod:`supercrystal.semiconductor.polarization`'s).

Method.  Every NC of these crystals is equivalent (one NC per primitive cell of the NC lattice), so every
sphere carries the same induced multipoles A, and these are invariant under the NC's site group G:
O_h for rock salt, fluorite and CsCl, T_d for zinc blende (its cations occupy one tetrahedral sublattice
only; T_d = the rotations of T plus S4 = inversion x C4^-1 about the cube axes, so its invariant harmonics
are the common fixed vectors of D(C3) and (-1)^l D(C4): the cubic harmonics of even l plus odd ones,
l = 3 (xyz), 7, 9, ...).  In an orthonormal basis U of those harmonics the periodic problem
(1 + chi K) A = -chi phi0 (:func:`.dielectric.filled_energy`) needs the lattice sum of the couplings of
all the other spheres, U^T sum_R K(0 <- R) U.  Over an O_h orbit of lattice vectors R (the NC lattice is
O_h symmetric), K(0 <- gR) = D(g) K(0 <- R) D(g)^T, and D(g)^T U = U for g in G; for G = T_d the other
half of O_h is the inversion P = diag((-1)^l) times T_d, so

    U^T sum_{R in orbit} K U = (m/2) [U^T K(rep) U + (PU)^T K(rep) (PU)] ,

m the orbit's size; for O_h-invariant U (even l) PU = U and it is Sec. IV's m U^T K U.  The point
charges (every cation and every other NC's electrons) enter through the projection of their Ewald
potential on sphere 0.  No dipole (l = 1) or quadrupole is invariant under either group, so the lattice
sums converge absolutely (as R^-7 and faster).

Errors: the truncation in the order, measured by repeating the solve two orders lower (the harmonics
converge geometrically at rate (rho/d)^2 per order, d the electron-cation distance: the step
overestimates the remainder); the lattice sum to r_cut = 20 b changes nothing at 1e-12.  kappa = 1
gives chi = 0 and the Madelung energy -M/d exactly.  Second method: the Monte Carlo supercell's Green's
function (:mod:`.lattice_green`, its own Ewald/Bloch code) at L = 1, whose periodic states are these
crystals (tests).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy.linalg import block_diag

from supercrystal.lattice import geometry
from supercrystal.lattice.ewald import ewald_potential, madelung
from supercrystal.spheres import metal
from supercrystal.spheres.dielectric import FilledCoupling, check_kappa, filled_energy
from supercrystal.spheres.harmonics import sphere_projection, sphere_quadrature, wigner_real_batch

#: the NC lattice and the NC's site group of each filled crystal
CRYSTALS = {"rocksalt": ("fcc", "Oh"), "zincblende": ("fcc", "Td"), "fluorite": ("fcc", "Oh"),
            "cscl": ("sc", "Oh")}
#: C4 about z and C3 about (1, 1, 1) (metal's generators of O); T_d takes C4 with the inversion
_GENERATORS = metal._OH_GENERATORS
#: relative accuracy that sets the default order through the source's decay (rho/d)^(2l)
TARGET = 1e-12


@lru_cache(maxsize=4)
def _invariants(group: str, lmax: int) -> tuple:
    """For each degree l <= lmax an orthonormal basis (2l+1, k_l) of the harmonics invariant under ``group``."""
    gens = wigner_real_batch(lmax, np.array(_GENERATORS, dtype=float))
    out = []
    for l, d in enumerate(gens):
        d = d.copy()
        if l % 2:
            if group == "Oh":  # odd l are odd under the inversion
                out.append(np.zeros((2 * l + 1, 0)))
                continue
            d[0] = -d[0]  # S4 = inversion x C4^-1 (a fixed vector of D is one of D^-1)
        e = d - np.eye(2 * l + 1)
        w, v = np.linalg.eigh(np.einsum("gji,gjk->ik", e, e))
        v = v[:, w < 0.5]
        out.append(v * np.sign(v[np.argmax(np.abs(v), axis=0), np.arange(v.shape[1])]) if v.size else v)
    return tuple(out)


def site_basis(group: str, lmax: int) -> tuple[np.ndarray, np.ndarray]:
    """Orthonormal basis U ((lmax+1)^2, n) of the real harmonics 1 <= l <= lmax invariant under ``group``
    ("Oh" or "Td"), and the degree of each column."""
    if group not in ("Oh", "Td"):
        raise ValueError(f"group must be 'Oh' or 'Td' (got group={group!r})")
    per_l = _invariants(group, max(int(lmax), 40))[:lmax + 1]
    u = block_diag(*per_l)  # degree l's rows l^2 .. (l+1)^2 - 1, its invariants' columns in turn
    ls = np.repeat(np.arange(lmax + 1), [v.shape[1] for v in per_l])
    keep = ls >= 1
    return u[:, keep], ls[keep]


def check_crystal(name: str) -> str:
    if name not in CRYSTALS:
        raise ValueError(f"crystal must be one of {tuple(CRYSTALS)} (got crystal={name!r})")
    return name


def default_order(name: str, rho: float) -> int:
    """Order of the harmonics: Sec. IV's for the sphere-sphere coupling (:func:`.metal.filled_default_order`),
    raised until the source's (rho/d)^(2l) falls below TARGET (the tetrahedral cations sit close)."""
    c = geometry.crystal(check_crystal(name))
    src = np.log(TARGET) / (2 * np.log(rho / c.distance))
    return int(min(40, max(metal.filled_default_order(rho), np.ceil(src))))


def crystal_coupling(name: str, rho: float, order: int, r_cut: float = 20.0) -> FilledCoupling:
    """The kappa-independent lattice sums of crystal ``name`` (module docstring), in the site group's basis."""
    lattice, group = CRYSTALS[check_crystal(name)]
    rho = geometry.check_rho(rho)
    order = int(order)
    if order < 4:
        raise ValueError(f"order must be >= 4 (got order={order})")
    u, ls = site_basis(group, order)
    pu = u * np.repeat((-1.0) ** np.arange(order + 1), 2 * np.arange(order + 1) + 1)[:, None]
    reps, mult = metal._shell_orbits(lattice, r_cut)
    lsrc = np.array([metal._source_order(float(r), rho, order) for r in np.linalg.norm(reps, axis=1)])
    k = np.zeros((len(ls), len(ls)))
    for ls_ in np.unique(lsrc):
        pick, n = lsrc == ls_, (ls_ + 1) ** 2
        k += 0.5 * (metal._orbit_coupling(u[:n], reps[pick], mult[pick], rho, int(ls_))
                    + metal._orbit_coupling(pu[:n], reps[pick], mult[pick], rho, int(ls_)))
    c = geometry.crystal(name)
    n_theta = order + 16
    pts = sphere_quadrature(n_theta)[0]
    phi0_lm = sphere_projection(ewald_potential(c.cell, c.positions, c.charges, rho * pts), order, n_theta)
    return FilledCoupling(lattice=name, rho=rho, order=order, r_cut=float(r_cut), basis=u, degrees=ls,
                          coupling=k, source=u.T @ phi0_lm, madelung_energy=float(-madelung(c) / c.distance))


@dataclass(frozen=True)
class CrystalEnergy:
    """Energy per NC (formula unit) of a filled crystal of dielectric spheres, e^2/(eps_liquid b).

    energy = madelung_energy (-M/d, kappa = 1) + induced; error: the change two orders lower (+ 1e-12).
    """

    crystal: str
    rho: float
    kappa: float
    order: int
    energy: float
    error: float
    madelung_energy: float
    induced: float


def crystal_energy(name: str, rho: float, kappa: float, order: int | None = None, r_cut: float = 20.0,
                   coupling=crystal_coupling) -> CrystalEnergy:
    """Energy per NC of the filled crystal ``name`` ("rocksalt", "zincblende", "fluorite", "cscl") of
    dielectric spheres of radius rho b (kappa = eps_nc/eps_liquid, infinity allowed) with point cations,
    isolated self-energies subtracted, with its truncation error (a few seconds: the lattice sums of
    ``coupling(name, rho, order, r_cut)`` at ``order`` and two below, which serve every kappa)."""
    kappa = check_kappa(kappa)
    order = default_order(name, geometry.check_rho(rho)) if order is None else int(order)
    hi = filled_energy(coupling(name, rho, order, r_cut), kappa)
    lo = filled_energy(coupling(name, rho, order - 2, r_cut), kappa)
    return CrystalEnergy(name, float(rho), kappa, order, hi.energy, abs(hi.energy - lo.energy) + 1e-12,
                         hi.madelung_energy, hi.induced_energy)


def point_charge_gain(lattice: str) -> float:
    """Sec. III's collective gain (M - 1)/d of point charges, e^2/(eps b), for Sec. IV's lattices: rock salt
    (fcc, octahedral pores: :func:`supercrystal.semiconductor.energies.collective_gain` ("octahedral")) and
    CsCl (sc, the cation at the cube centre).  The kappa = 1 column of the dielectric gain."""
    c = geometry.crystal(geometry.FILLED_CRYSTAL[geometry.check_lattice(lattice)])
    return float((madelung(c) - 1.0) / c.distance)
