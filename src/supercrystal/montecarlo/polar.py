"""Polarizable nanocrystals in the Monte Carlo (beyond the paper; chapter "polar", issue #12).

Each NC core is a dielectric sphere of radius a (the mean radius, rho = a/b) and dielectric constant eps_nc in
the liquid eps_liquid, kappa = eps_nc/eps_liquid.  Linear electrostatics with charges at fixed points (NC
centres, pore centres) keeps the grand Hamiltonian of :mod:`supercrystal.montecarlo.lattice`,

    U = 1/2 sum_ab q_a q_b G_ab,

with G now the Green's function of the periodic lattice of dielectric spheres
(:mod:`supercrystal.spheres.lattice_green`: the Ewald rows plus the induced part, stored by translation
symmetry with :func:`~supercrystal.montecarlo.lattice.pair_table_from_rows`).  Each electron's site energy
gains its self-polarization Sigma_1 and E_r is the 1s-1s repulsion with eps_nc inside
(:mod:`supercrystal.semiconductor.polarization`); energies stay in e^2/(eps_liquid b).  kappa = 1 is Sec. III's
uniform model bit for bit.

This module is the only door from the Monte Carlo to the sphere solvers: the uniform model
(:mod:`~supercrystal.montecarlo.lattice`, :mod:`~supercrystal.montecarlo.runs`) never imports it, so the
code fingerprint of a uniform Monte Carlo result (:mod:`supercrystal.book.fingerprint`) does not change when
a sphere solver does; the polar results have tasks of their own.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from supercrystal.montecarlo.lattice import (STEP_STATES, MCLattice, MCModel, charges, mc_lattice, mc_model,
                                             pair_table_from_rows, state)
from supercrystal.montecarlo.runs import DeviceParams
from supercrystal.semiconductor import polarization, wavefunction
from supercrystal.semiconductor.energies import Levels


#: where :func:`dielectric_lattice` takes the Green's function rows from: None computes them here
#: (:func:`supercrystal.spheres.lattice_green.lattice_green`); a callable (L, pore, rho, kappa) -> {"rows",
#: "error"} returning the same numbers may be set instead (the book sets its cached task
#: ``dielectric_green_rows``, so that every process of a build reads one solve per kappa)
GREEN_ROWS = None


@lru_cache(maxsize=8)
def dielectric_lattice(L: int, pore: str, rho: float, kappa: float) -> tuple[MCLattice, float]:
    """:func:`~supercrystal.montecarlo.lattice.mc_lattice` with G the Green's function of dielectric spheres
    of radius rho b and kappa = eps_nc/eps_liquid (:func:`supercrystal.spheres.lattice_green.lattice_green`:
    the Ewald rows plus the induced rows, stored by translation symmetry with :func:`pair_table_from_rows`),
    and the estimated error of G (1/b).  kappa = 1 returns the Ewald lattice itself (the induced part is
    identically zero).  Tens of seconds at L = 4."""
    from supercrystal.spheres import lattice_green
    lat = mc_lattice(L, pore)
    if kappa == 1.0:
        return lat, 0.0
    if GREEN_ROWS is not None:
        g = GREEN_ROWS(L, pore, rho, kappa)
        return lat.with_table(pair_table_from_rows(L, pore, np.asarray(g["rows"]))), float(g["error"])
    lg = lattice_green.lattice_green(lat, rho, kappa, estimate=True)
    return lat.with_table(pair_table_from_rows(L, pore, lg.rows)), float(lg.error)


def polar_model(L: int = 4, a_nm: float = 2.0, b_nm: float = 2.5, material: str = "CdSe",
                eps_liquid: float = 2.0, pore: str = "octahedral", e_ion_ev: float = 0.0,
                spread: float = 0.0, disorder_seed: int = 0, eps_nc: float = 2.0) -> MCModel:
    """:func:`~supercrystal.montecarlo.lattice.mc_model` with NC cores of dielectric constant ``eps_nc``
    (module docstring): E_q,i + Sigma_1(a_i) and E_r,i(kappa, a_i) per NC, G of spheres of the mean radius a,
    the levels of :func:`dielectric_levels`.  Raises ValueError for a non-positive or non-finite eps_nc or
    eps_liquid, and as ``mc_model`` does for the device."""
    kappa = polarization.check_eps("eps_nc", eps_nc) / polarization.check_eps("eps_liquid", eps_liquid)
    m = mc_model(L, a_nm, b_nm, material, eps_liquid, pore, e_ion_ev, spread, disorder_seed)
    lat, err = dielectric_lattice(int(L), pore, float(a_nm) / float(b_nm), float(kappa))
    # Sigma_1 = (1 - 1/kappa) / (2 rho_i) and E_r = [J/kappa + (1 - 1/kappa)] / rho_i
    # (polarization.self_polarization, .repulsion), written so that kappa = 1 leaves eq and er unchanged
    inv_rho = b_nm / m.radii_nm
    eq = m.eq + 0.5 * (1.0 - 1.0 / kappa) * inv_rho
    er = m.er / kappa + (1.0 - 1.0 / kappa) * inv_rho
    m = dataclasses.replace(m, lattice=lat, eq=eq, er=er, kappa=float(kappa), green_error=err)
    return dataclasses.replace(m, levels=dielectric_levels(m, m.levels, float(a_nm) / float(b_nm)))


def dielectric_levels(model: MCModel, lv: Levels, rho: float) -> Levels:
    """Sec. III's levels (eV, V) redone with polarizable NCs of the mean radius a = rho b: the uniform levels
    ``lv`` plus Sigma_1 per electron, E_r(kappa), and the polarization energy of each state from the model's
    G minus the Ewald table's: exact for the ordered states (the periodic filled lattices), for the single
    pair E_s that of one nearest electron-cation pair inserted into the empty supercell (its finite-size
    dipole-image part, ~1e-3 e^2/(eps_liquid b) at L = 4, included).  V1 = E_nu1, V2 = E_nu2 - E_nu1.
    At kappa = 1 every correction is an exact zero: the uniform levels, bit for bit."""
    lat, unit, kappa = model.lattice, model.unit_ev, model.kappa
    g, g0 = lat.table, mc_lattice(lat.L, lat.pore).table
    sigma = polarization.self_polarization(kappa, rho) * unit
    d = np.linalg.norm(lat.positions[lat.n_nc:] - lat.positions[0], axis=1)
    s = lat.n_nc + int(np.argmin(d))

    def pair(t):
        return 0.5 * (t.pair(0, 0) + t.pair(s, s)) - t.pair(0, s)

    def per_nc(kind):
        n, c = state(model, kind)
        q = charges(model, n, c)
        return (g.energy(q) - g0.energy(q)) / lat.n_nc * unit

    e_s = lv.E_s + sigma + (pair(g) - pair(g0)) * unit
    e_nu1 = lv.E_nu1 + sigma + per_nc(STEP_STATES[(lat.pore, 1)][1])
    e_r = lv.E_r + (polarization.repulsion(kappa, rho) - wavefunction.coulomb_1s1s() / rho) * unit
    e_nu2 = v2 = None
    if lat.pore == "tetrahedral":
        e_nu2 = lv.E_nu2 + 2 * sigma + (e_r - lv.E_r) + per_nc("fluorite")
        v2 = e_nu2 - e_nu1
    return dataclasses.replace(lv, E_r=e_r, E_s=e_s, E_nu1=e_nu1, E_nu2=e_nu2, gain=e_s - e_nu1, V1=e_nu1,
                               V2=v2)


@dataclass(frozen=True)
class PolarDeviceParams(DeviceParams):
    """:class:`~supercrystal.montecarlo.runs.DeviceParams` with NC cores of dielectric constant ``eps_nc``
    (static; in the liquid of ``eps_liquid``).  Not for ``pore="gate"``."""

    eps_nc: float = 2.0

    def __post_init__(self):
        if self.pore == "gate":
            raise ValueError("eps_nc is not implemented for pore='gate'")

    def model(self, spread: float = 0.0, disorder_seed: int = 0) -> MCModel:
        return polar_model(self.L, self.a_nm, self.b_nm, self.material, self.eps_liquid, self.pore,
                           self.e_ion_ev, spread, disorder_seed, eps_nc=self.eps_nc)
