"""The contrast of Fig. 3: one layer of NCs under a planar metal gate, as a Monte Carlo model.

The paper contrasts the super-crystal with a conventional capacitor (Sec. II, Fig. 3): each electron of a
single NC layer makes a dipole with its image in the gate, all dipoles are parallel and repel, so the
filling should grow smoothly with V instead of in a cooperative step (Sec. V computes it).  The model runs
on the engine of the super-crystal (:class:`supercrystal.montecarlo.lattice.MCModel`): the pair table is
that of the charges and their images, the gate supplies the electrons (no cations: the pore sites are
dummies), the site energies are those of Eqs. (2) and (11).  Units: e^2/(eps b), lengths b.
"""
from __future__ import annotations

import numpy as np

from supercrystal.montecarlo.lattice import (MCLattice, MCModel, disordered_radii, mc_model,
                                             neighbour_lists, site_energies)
from supercrystal.montecarlo.pairtable import PairTable


def gate_layer_model(side: int = 16, a_nm: float = 2.0, b_nm: float = 2.5, material: str = "CdSe",
                     eps_liquid: float = 2.0, gap_nm: float = 1.25, spread: float = 0.0,
                     disorder_seed: int = 0, replicas: int = 30) -> MCModel:
    """One triangular layer of side x side NCs (NN distance 2b, periodic) whose centres lie
    s = b + gap_nm below a grounded planar metal gate (Fig. 3 of the paper).

    Each electron makes a dipole with its image in the gate; the energy of charges q_i (units of e)
    is 1/2 q.G.q with, in units of e^2/(eps b),

        G_ij = sum_n [1/|r_ij + n| - 1/sqrt(|r_ij + n|^2 + 4 s^2)],
        G_ii = sum_(n != 0) [...] - 1/(2 s)   (the charge with its own image: -q^2/(4 s)),

    summed over the periodic replicas n with |n| <= ``replicas`` layer periods and the rest as a
    continuum, (2 pi / A)(sqrt(R^2 + 4 s^2) - R).  The gate supplies the electrons, so there are no
    cations: the engine's pore sites are dummies with no interaction (each NC's own dummy takes the
    local pair move), and E_q,i, E_r,i are those of :func:`mc_model`.  Raises ValueError for side < 2
    or gap_nm < 0.
    """
    if not isinstance(side, (int, np.integer)) or not 2 <= side <= 64:
        raise ValueError(f"side must be an integer in [2, 64] (got side={side!r})")
    if not (np.isfinite(gap_nm) and gap_nm >= 0):
        raise ValueError(f"gap_nm must be non-negative (got gap_nm={gap_nm!r})")
    base = mc_model(1, a_nm, b_nm, material, eps_liquid, "octahedral", 0.0, 0.0)
    lv, unit = base.levels, base.unit_ev
    s = 1.0 + gap_nm / b_nm
    a1, a2 = np.array([2.0, 0.0]), np.array([1.0, np.sqrt(3.0)])
    ij = np.array([(i, j) for i in range(side) for j in range(side)])
    pos2 = ij[:, :1] * a1 + ij[:, 1:] * a2
    A1, A2 = side * a1, side * a2
    area = abs(A1[0] * A2[1] - A1[1] * A2[0])
    R = replicas * side * 2.0
    m = int(np.ceil(R / (side * np.sqrt(3.0)))) + 1
    pq = np.array([(p, q) for p in range(-m, m + 1) for q in range(-m, m + 1)])
    reps = pq[:, :1] * A1 + pq[:, 1:] * A2
    reps = reps[np.linalg.norm(reps, axis=1) <= R]
    # G depends on r_i - r_j only: evaluate from site 0 to every site
    g0 = np.empty(len(pos2))
    for k, r0 in enumerate(pos2):
        d = np.linalg.norm(r0 + reps, axis=1)
        far = d > 1e-9
        g0[k] = np.sum(1.0 / d[far]) - np.sum(1.0 / np.sqrt(d ** 2 + 4 * s * s))
    g0 += 2 * np.pi / area * (np.sqrt(R * R + 4 * s * s) - R)
    # G depends on r_j - r_i = d only (symmetrised as g(d) = (g0(d) + g0(-d)) / 2, so that G_ij = G_ji
    # exactly): a translation-symmetric table, basis (NC, dummy), grid (1, side, side) of layer cells
    g0 = g0.reshape(side, side)
    g_sym = 0.5 * (g0[(-np.arange(side)) % side][:, (-np.arange(side)) % side] + g0)
    n = side * side
    values = np.zeros((2, 2, 1, side, side))
    values[0, 0, 0] = g_sym
    cells = np.column_stack([np.zeros(n, np.int64), ij]).astype(np.int64)
    table = PairTable.from_values(values, np.repeat([0, 1], n), np.vstack([cells, cells]), sym_tol=0.0)
    positions = np.zeros((2 * n, 3))
    positions[:n, :2] = pos2
    positions[n:, :2] = pos2
    positions[n:, 2] = 2 * s  # the dummy of NC i sits at its image (for the record only)
    box_nb = []
    for i in range(n):
        d = pos2 - pos2[i]
        frac = d @ np.linalg.inv(np.array([A1, A2]))
        frac -= np.round(frac)
        d = frac @ np.array([A1, A2])
        r = np.linalg.norm(d, axis=1)
        box_nb.append(np.flatnonzero(np.abs(r - 2.0) < 1e-6))
    nb = np.array(box_nb, dtype=np.int64) if side >= 3 else neighbour_lists(pos2, 1.0, False)
    lat = MCLattice(L=int(side), pore="gate", positions=positions, table=table, n_nc=n, n_pore=n,
                    nc_neighbours=nb, pore_neighbours=nb, nc_pores=np.arange(n, dtype=np.int64)[:, None],
                    sublattice=np.zeros(n, np.int64), site_types=np.repeat(np.arange(2, dtype=np.int64), n),
                    reference_sites=np.array([0, n], np.int64))
    radii = disordered_radii(n, a_nm, b_nm, spread, disorder_seed)
    eq, er = site_energies(radii, b_nm, lv.device.m_eff, unit)
    return MCModel(lattice=lat, eq=eq, er=er, e_ion=0.0, unit_ev=unit, levels=lv, spread=float(spread),
                   radii_nm=radii)


def gate_onset(model: MCModel) -> float:
    """mu at which the first electron enters the empty gated layer, E_q + G_ii/2, e^2/(eps b)."""
    return float(np.mean(model.eq) + 0.5 * model.lattice.table.pair(0, 0))
