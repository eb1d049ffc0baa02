"""Single-pair and filled-lattice energies of semiconductor NCs, Eqs. (3)-(12) of Sec. III.

Uniform dielectric constant eps; point charges at NC and pore centres; lengths in units of b and
Coulomb energies in e^2/(eps b) in the dimensionless core, eV and volts at the edge.

* Eq. (3)/(7): one electron-cation pair in the empty lattice, E_s = E_q - e^2/(eps d) + E_ion.
* Eq. (5)/(8): per pair in the filled lattice, E_(nu=1) = E_q - M e^2/(eps d) + E_ion, M the rock-salt
  (octahedral pores) or zinc-blende (tetrahedral) Madelung constant, d the electron-cation distance.
* The collective gain per pair, E_s - E_(nu=1) = (M - 1) e^2/(eps d) (the paper's 0.51 and 0.52).
* Eq. (11): E_(nu=2) = 2 E_q + E_r - M_3 e^2/(eps d) + 2 E_ion (fluorite, tetrahedral pores only).
* Eqs. (6), (12): e V1 = E_(nu=1), e V2 = E_(nu=2) - E_(nu=1).

At T = 0 the filling nu(V) minimises E_nu - nu e V over the states nu = 0, 1, 2 (:func:`staircase`);
the capacitance is then a sum of delta peaks of weight e N Delta nu at the steps (the T = 0 Fig. 4).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy import constants as sc

from supercrystal.lattice import geometry
from supercrystal.semiconductor import wavefunction
from supercrystal.lattice.ewald import madelung
from supercrystal.semiconductor.materials import material as lookup_material
from supercrystal.units import COULOMB_EV_NM

#: Filled-lattice crystal of each pore kind at nu = 1 (Eqs. 4, 8).
NU1_CRYSTAL = {"octahedral": "rocksalt", "tetrahedral": "zincblende"}


@lru_cache(maxsize=None)
def _madelung(name: str) -> float:
    return madelung(name)


def single_pair_coulomb(pore: str) -> float:
    """Coulomb energy of one electron-cation pair, -1/d, in e^2/(eps b) (Eqs. 3, 7)."""
    return -1.0 / geometry.electron_cation_distance(geometry.check_pore(pore))


def filled_coulomb(pore: str) -> float:
    """Madelung energy per pair of the filled nu = 1 lattice, -M/d, in e^2/(eps b) (Eqs. 4, 8)."""
    geometry.check_pore(pore)
    return -_madelung(NU1_CRYSTAL[pore]) / geometry.electron_cation_distance(pore)


def collective_gain(pore: str) -> float:
    """E_s - E_(nu=1) = (M - 1)/d in e^2/(eps b): 0.5286 (octahedral), 0.5210 (tetrahedral)."""
    return single_pair_coulomb(pore) - filled_coulomb(pore)


def fluorite_coulomb() -> float:
    """Madelung energy per NC of the nu = 2 fluorite lattice, -M_3/d, in e^2/(eps b) (Eq. 11)."""
    return -_madelung("fluorite") / geometry.electron_cation_distance("tetrahedral")


def v2_madelung_difference() -> float:
    """M_3 - M_2, the coefficient of e^2/(eps (sqrt6/2) b) in Eq. (12) (the paper's 3.4)."""
    return _madelung("fluorite") - _madelung("zincblende")


@dataclass(frozen=True)
class Device:
    """Physical inputs of Sec. III: NC radii (nm), eps, effective mass (m_0), E_ion (eV), pore."""

    a_nm: float
    b_nm: float
    epsilon: float
    m_eff: float
    e_ion_ev: float = 0.0
    pore: str = "octahedral"
    cation_radius_nm: float = 0.0
    material: str | None = None


def device(
    a_nm: float,
    b_nm: float,
    material: str | None = None,
    epsilon: float | None = None,
    m_eff: float | None = None,
    e_ion_ev: float = 0.0,
    pore: str = "octahedral",
    cation_radius_nm: float = 0.0,
) -> Device:
    """Validated :class:`Device`.  ``epsilon`` and ``m_eff`` default to the material's values
    (``data/materials.csv``); without a material both must be given.

    Raises ``ValueError`` naming the parameter for a <= 0, b <= a, eps <= 0, m_eff <= 0, an unknown
    material or pore, or a cation that does not fit the pore (radius > (d - b), Sec. III).
    """
    if material is not None:
        mat = lookup_material(material)
        epsilon = mat.epsilon if epsilon is None or epsilon == 0 else epsilon
        m_eff = mat.m_eff if m_eff is None or m_eff == 0 else m_eff
        material = mat.name
    for name, value in (("a_nm", a_nm), ("b_nm", b_nm), ("epsilon", epsilon), ("m_eff", m_eff)):
        if value is None:
            raise ValueError(f"{name} is required when no material is given")
        if not np.isfinite(value) or value <= 0:
            raise ValueError(f"{name} must be a positive number (got {name}={value!r})")
    if not b_nm > a_nm:
        raise ValueError(f"b_nm must exceed a_nm (got a_nm={a_nm}, b_nm={b_nm})")
    if not np.isfinite(e_ion_ev):
        raise ValueError(f"e_ion_ev must be finite (got e_ion_ev={e_ion_ev!r})")
    geometry.check_pore(pore)
    if not np.isfinite(cation_radius_nm) or cation_radius_nm < 0:
        raise ValueError(
            f"cation_radius_nm must be non-negative (got cation_radius_nm={cation_radius_nm!r})"
        )
    free = geometry.pore_radius(pore) * b_nm
    if cation_radius_nm > free:
        raise ValueError(
            f"cation_radius_nm={cation_radius_nm} does not fit the {pore} pore: it admits at most "
            f"{free:.4g} nm for b_nm={b_nm} (radius (d - b) = {geometry.pore_radius(pore):.4f} b)"
        )
    return Device(float(a_nm), float(b_nm), float(epsilon), float(m_eff), float(e_ion_ev), pore,
                  float(cation_radius_nm), material)


@dataclass(frozen=True)
class Levels:
    """Sec. III energies of one device, eV (voltages in volts).

    coulomb: the unit e^2/(eps b); E_q: Eq. (2); E_r: 1s-1s repulsion; E_s: Eq. (3)/(7);
    E_nu1: Eq. (5)/(8); E_nu2: Eq. (11) (None for octahedral pores: no formula in the paper);
    gain: E_s - E_nu1; V1, V2: Eqs. (6), (12); a_over_aB: validity of Eq. (1) needs a << a_B.
    """

    device: Device
    coulomb: float
    E_q: float
    E_r: float
    E_s: float
    E_nu1: float
    E_nu2: float | None
    gain: float
    V1: float
    V2: float | None
    a_over_aB: float


def bohr_radius_nm(epsilon: float, m_eff: float) -> float:
    """Effective Bohr radius a_B = hbar^2 eps / (m e^2) in nm (Sec. III)."""
    return sc.physical_constants["Bohr radius"][0] / sc.nano * epsilon / m_eff


def levels(dev: Device) -> Levels:
    """Evaluate Eqs. (2)-(12) for a validated device."""
    unit = COULOMB_EV_NM / (dev.epsilon * dev.b_nm)
    e_q = wavefunction.confinement_energy_ev(dev.a_nm, dev.m_eff)
    e_r = wavefunction.coulomb_1s1s_ev(dev.a_nm, dev.epsilon)
    e_s = e_q + single_pair_coulomb(dev.pore) * unit + dev.e_ion_ev
    e1 = e_q + filled_coulomb(dev.pore) * unit + dev.e_ion_ev
    e2 = None
    if dev.pore == "tetrahedral":
        e2 = 2 * e_q + e_r + fluorite_coulomb() * unit + 2 * dev.e_ion_ev
    return Levels(
        device=dev,
        coulomb=unit,
        E_q=e_q,
        E_r=e_r,
        E_s=e_s,
        E_nu1=e1,
        E_nu2=e2,
        gain=e_s - e1,
        V1=e1,
        V2=None if e2 is None else e2 - e1,
        a_over_aB=dev.a_nm / bohr_radius_nm(dev.epsilon, dev.m_eff),
    )


def state_energies(lv: Levels) -> np.ndarray:
    """Energies per NC of the states nu = 0, 1[, 2] in eV (E_0 = 0)."""
    e = [0.0, lv.E_nu1] + ([lv.E_nu2] if lv.E_nu2 is not None else [])
    return np.array(e)


def staircase(energies: np.ndarray, volts: np.ndarray) -> np.ndarray:
    """T = 0 filling nu(V) = argmin_nu (E_nu - nu e V) for energies per NC in eV (Fig. 4).

    At a step the lower filling is returned (nu is right-continuous from above).
    """
    e = np.asarray(energies, dtype=float)
    nu = np.arange(len(e))
    g = e[None, :] - nu[None, :] * np.asarray(volts, dtype=float)[:, None]
    return np.argmin(g + 1e-12 * nu[None, :], axis=1)


def steps(energies: np.ndarray) -> list[tuple[float, int]]:
    """Step voltages (V) and step heights Delta nu of the T = 0 staircase: the slopes of the lower
    convex hull of E_nu versus nu.  Each step is a delta peak e N Delta nu delta(V - V_k) in C(V)."""
    e = np.asarray(energies, dtype=float)
    hull = [0]
    for k in range(1, len(e)):
        hull.append(k)
        while len(hull) >= 3:
            i, j, m = hull[-3:]
            if (e[j] - e[i]) * (m - i) >= (e[m] - e[i]) * (j - i):  # j not below chord i-m
                hull.pop(-2)
            else:
                break
    return [((e[j] - e[i]) / (j - i), j - i) for i, j in zip(hull[:-1], hull[1:])]


@lru_cache(maxsize=None)
def nu2_interaction_energy() -> float:
    """E_c of Eq. (9) in e^2/(eps b), computed: the interaction of one extra electron (on a singly
    charged NC) and one extra cation (in a neighbouring empty T- pore) with the nu = 1 zinc-blende
    lattice, the intra-NC repulsion E_r excluded.

    E_c = -phi_NC + phi_T-, with phi the Ewald potential of the zinc-blende lattice at the NC (its own
    charge excluded) and at the empty pore.  The paper calls E_c unknown; numerically
    E_c = -1.76267 e^2/(eps d), the CsCl Madelung constant.
    """
    from supercrystal.lattice.ewald import ewald_pair_matrix

    zb = geometry.crystal("zincblende")
    empty = geometry.pore_sites("tetrahedral-")
    positions = np.vstack([zb.positions, empty])
    charges = np.concatenate([zb.charges, np.zeros(len(empty))])
    phi = ewald_pair_matrix(zb.cell, positions) @ charges
    return float(-phi[0] + phi[len(zb.positions)])


def nu2_collective_gain() -> float:
    """Gain of the collective second step, Eq. (9) minus Eq. (10) done exactly, in e^2/(eps b):
    E_c - 1/d + (M_3 - M_2)/d with the computed E_c.  Equals the nu = 1 tetrahedral gain (M_2-1)/d."""
    d = geometry.electron_cation_distance("tetrahedral")
    return nu2_interaction_energy() - 1.0 / d + v2_madelung_difference() / d
