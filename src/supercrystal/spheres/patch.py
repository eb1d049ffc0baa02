"""Appendix C of the paper: the capacitance matrix of a finite patch of the filled lattice, Eqs. (14)-(20).

A neutral patch of NC spheres (radius a_m = rho b) and cation spheres (radius a_c) is solved for its
matrix of electrostatic induction C (:func:`supercrystal.spheres.multipole.solve`); Eqs. (15)-(20)
are then evaluated with C^-1: the single-pair energy, the cross sum of Eq. (18) whose sign decides
the stability of the rock-salt (fcc) or CsCl (sc) assignment against swapping an electron and a
cation, and the full pair energy of Eq. (19).  Lengths in units of b, energies in e^2/b.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from supercrystal.lattice import geometry
from supercrystal.lattice.geometry import check_rho
from supercrystal.spheres.multipole import solve



@dataclass(frozen=True)
class AppendixC:
    """Eqs. (14)-(20) of App. C evaluated with the capacitance matrix of a finite patch.

    Sites: NC spheres (radius rho, charge -e when filled) and cation spheres (radius a_c, +e) of a
    neutral patch of the filled lattice; site 1 is a cation, site 2 a nearest NC, near the middle.

    Attributes (energies in e^2/b)
    ----------
    cinv11, cinv22, cinv12 : elements of C^-1 (units 1/b).
    u_s : Eq. (15), 1/2 [C^-1_11 + C^-1_22 - 2 C^-1_12] (self-energies included).
    cross : the sum of Eq. (18), sum_{j != 1,2} q_j (C^-1_1j - C^-1_2j); stability needs <= 0.
    u_full : Eq. (19), 1/2 sum_{i=1,2} sum_j C^-1_ij q_i q_j = u_s + cross / 2.
    self_energy : 1/(2 a_c) + 1/(2 rho), to subtract for comparison with Sec. IV energies.
    swap_max : the largest Eq. (18) sum over every (cation, NC) pair of sites off the patch surface
        (all <= 0 if the rock-salt / CsCl assignment is stable against every such swap).
    n_sites : number of spheres in the patch.
    """

    lattice: str
    rho: float
    a_c: float
    n_sites: int
    cinv11: float
    cinv22: float
    cinv12: float
    u_s: float
    cross: float
    u_full: float
    self_energy: float
    swap_max: float


def patch(lattice: str, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Neutral patch of the filled lattice: (positions (N, 3), charges (N,)), units of b.

    fcc: the rock-salt sites (NCs and octahedral cations alternate on a cubic grid of step sqrt2)
    in a cube of (2n)^3 sites (neutral, no dipole); sc: the (n+1)^3 NCs of a cube of n^3 cells with
    Evjen charges (-1/2 on faces, -1/4 on edges, -1/8 at corners) and the n^3 cube-centre cations.
    The first site is a cation near the middle, the second its nearest NC of charge -1.
    """
    if lattice == "fcc":
        s = np.sqrt(2.0)
        idx = np.arange(2 * n)
        g = np.stack(np.meshgrid(idx, idx, idx, indexing="ij"), -1).reshape(-1, 3)
        pos = g * s
        q = np.where(g.sum(1) % 2 == 0, -1.0, 1.0)  # NC at the origin (even), cations odd
    else:
        idx = np.arange(n + 1)
        g = np.stack(np.meshgrid(idx, idx, idx, indexing="ij"), -1).reshape(-1, 3)
        # Evjen weights: 1/2 on faces, 1/4 on edges, 1/8 at corners -> neutral, no dipole
        w = np.prod(np.where((g == 0) | (g == n), 0.5, 1.0), axis=1)
        c = np.stack(np.meshgrid(idx[:-1], idx[:-1], idx[:-1], indexing="ij"), -1).reshape(-1, 3)
        pos = np.vstack([2.0 * g, 2.0 * c + 1.0])
        q = np.concatenate([-w, np.ones(len(c))])
    mid = pos.mean(0)
    cat = np.nonzero(q > 0)[0]
    i1 = cat[np.argmin(np.linalg.norm(pos[cat] - mid, axis=1) + 1e-9 * np.arange(len(cat)))]
    nc = np.nonzero(q == -1.0)[0]
    i2 = nc[np.argmin(np.linalg.norm(pos[nc] - pos[i1], axis=1) + 1e-9 * np.linalg.norm(pos[nc] - mid, axis=1))]
    order = [i1, i2] + [k for k in range(len(q)) if k not in (i1, i2)]
    return pos[order] - pos[i1], q[order]


@dataclass(frozen=True)
class PatchCapacitance:
    """Inverse capacitance matrix of a neutral patch of the filled lattice (App. C's raw data).

    cinv : (N, N) C^-1 in 1/b (symmetrised); charges : (N,) site charges (NCs < 0, cations +1);
    positions : (N, 3) site centres, b (site 0 a cation near the middle, site 1 its nearest NC).
    """

    lattice: str
    rho: float
    a_c: float
    n: int
    order: int
    cation_order: int
    cinv: np.ndarray
    charges: np.ndarray
    positions: np.ndarray


def patch_capacitance(lattice: str = "fcc", rho: float = 0.8, a_c: float = 0.1, n: int = 2,
                      order: int = 8, cation_order: int = 2) -> PatchCapacitance:
    """Solve a neutral patch (:func:`patch`) of NC spheres (radius rho, expansion ``order``) and cation
    spheres (radius a_c, which must fit the pore, ``cation_order``) for its capacitance matrix (App. C)."""
    geometry.check_lattice(lattice)
    rho = check_rho(rho)
    free = geometry.electron_cation_distance(geometry.CATION_PORE[lattice], lattice) - rho
    if not (0 < a_c < free):
        raise ValueError(f"a_c must lie in (0, {free:.4f}) b for rho={rho} (got a_c={a_c})")
    if n < 2:
        raise ValueError(f"n must be >= 2 (got n={n})")
    pos, q = patch(lattice, n)
    radii = np.where(q < 0, rho, a_c)
    orders = np.where(q < 0, order, cation_order)
    cap = solve(pos, radii, orders).capacitance
    cap = 0.5 * (cap + cap.T)
    return PatchCapacitance(lattice=lattice, rho=rho, a_c=float(a_c), n=int(n), order=int(order),
                            cation_order=int(cation_order), cinv=np.linalg.inv(cap), charges=q, positions=pos)


def appendix_c(p: PatchCapacitance) -> AppendixC:
    """Evaluate Eqs. (15)-(20) of App. C from a patch's capacitance matrix (see :class:`AppendixC`)."""
    ci, q = p.cinv, p.charges
    u_s = 0.5 * (ci[0, 0] + ci[1, 1] - 2 * ci[0, 1])
    rest = np.arange(2, len(q))
    cross = float(np.sum(q[rest] * (ci[0, rest] - ci[1, rest])))
    u_full = 0.5 * sum(ci[i] @ q * q[i] for i in (0, 1))
    # Eq. (18) for every (cation i, NC j) pair: phi_i - phi_j - C_ii + 2 C_ij - C_jj
    phi = ci @ q
    cat, ncs = np.nonzero(q > 0)[0], np.nonzero(q == -1.0)[0]  # full charges only
    d = np.diag(ci)
    s = (phi[cat, None] - phi[None, ncs] - d[cat, None] - d[None, ncs] + 2 * ci[np.ix_(cat, ncs)])
    # only sites off the patch surface: the surface of a finite patch is not the lattice's ground state
    pos = p.positions
    lo, hi = pos.min(0), pos.max(0)
    inner = np.all((pos > lo + 1e-9) & (pos < hi - 1e-9), axis=1)
    s = s[np.ix_(inner[cat], inner[ncs])]
    return AppendixC(p.lattice, p.rho, p.a_c, len(q), float(ci[0, 0]), float(ci[1, 1]),
                     float(ci[0, 1]), float(u_s), cross, float(u_full),
                     0.5 / p.a_c + 0.5 / p.rho, float(s.max()))
