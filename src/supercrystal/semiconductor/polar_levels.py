"""Sec. III's critical voltages with polarizable NC cores (Eqs. 6, 11, 12 beyond the uniform dielectric).

Sec. III puts every charge in one dielectric constant eps.  Here the NC core (radius a) has eps_nc and the
medium (the ionic liquid, and the ligand shell out to b) eps_liquid; kappa = eps_nc / eps_liquid.  Each
term of Eqs. (6), (11) and (12) changes:

* E_q (Eq. 2) does not (no charge is involved);
* every electron gains its self-polarization Sigma_1 in its own NC (its image in the less polarizable
  liquid, :func:`supercrystal.semiconductor.polarization.self_polarization`);
* E_r becomes J e^2/(eps_nc a) + 2 Sigma_1 (:func:`~supercrystal.semiconductor.polarization.repulsion`);
* the Madelung energies -M e^2/(eps d) of the filled crystals (rock salt, zinc blende, fluorite) become
  the energies of the periodic crystals of dielectric spheres with point cations in the pores
  (:func:`supercrystal.spheres.crystals.crystal_energy`): the electrons act as point charges at the NC
  centres (their 1s density is spherical), the polarization of every other NC adds to the Madelung sum.

So, in units e^2/(eps_liquid b) = ``coulomb`` and with u_1, u_2 those crystal energies,

    e V1 = E_(nu=1) = E_q + Sigma_1 + u_1 + E_ion ,
    E_(nu=2) = 2 E_q + 2 Sigma_1 + E_r + u_2 + 2 E_ion ,    e V2 = E_(nu=2) - E_(nu=1) .

Each is computed as the uniform level in eps_liquid plus a polarization correction that is an exact zero
at kappa = 1, so eps_nc = eps_liquid returns :func:`supercrystal.semiconductor.energies.levels` bit for
bit.  The dielectric constant of the core that applies is the static one
(:mod:`supercrystal.semiconductor.polarization` says why: the charges sit on their sites for far longer
than a phonon period, so the ionic polarization relaxes around them).
"""
from __future__ import annotations

from dataclasses import dataclass

from supercrystal.semiconductor import energies, polarization, wavefunction
from supercrystal.semiconductor.energies import Device, Levels
from supercrystal.spheres import crystals


@dataclass(frozen=True)
class PolarLevels:
    """Sec. III's levels with polarizable NC cores, eV (voltages in V).

    device : the Sec. III device with ``epsilon`` = eps_liquid (the medium); uniform : its uniform levels
    (:func:`supercrystal.semiconductor.energies.levels`, eps_liquid everywhere: kappa = 1); eps_nc, kappa;
    coulomb : e^2/(eps_liquid b); E_q : Eq. (2); Sigma_1 : self-polarization of one electron; E_r : the
    1s-1s repulsion with eps_nc inside; E_nu1, E_nu2 : energies per NC of the filled nu = 1 and nu = 2
    crystals (E_nu2 None for octahedral pores); V1 = E_nu1, V2 = E_nu2 - E_nu1; V1_err, V2_err : the
    lattice energies' truncation errors (V).
    """

    device: Device
    uniform: Levels
    eps_nc: float
    kappa: float
    coulomb: float
    E_q: float
    Sigma_1: float
    E_r: float
    E_nu1: float
    E_nu2: float | None
    V1: float
    V2: float | None
    V1_err: float
    V2_err: float | None


def levels(dev: Device, eps_nc: float, crystal=None) -> PolarLevels:
    """Eqs. (6), (11), (12) with NC cores of dielectric constant ``eps_nc`` in the medium ``dev.epsilon``.

    E_(nu=1) = E_q + Sigma_1 + u_1 + E_ion and E_(nu=2) = 2 E_q + 2 Sigma_1 + E_r + u_2 + 2 E_ion, with u_1,
    u_2 the energies per NC of the filled crystals of dielectric spheres of radius a (rock salt or zinc
    blende, fluorite: :func:`supercrystal.spheres.crystals.crystal_energy`, or ``crystal(name, rho,
    kappa)`` with the same answer, e.g. a cached one), Sigma_1 and E_r of :mod:`.polarization`.  Each term is the
    uniform level plus a polarization correction that is an exact zero at eps_nc = dev.epsilon, so kappa = 1
    returns Sec. III's numbers (:func:`supercrystal.semiconductor.energies.levels`) bit for bit.
    """
    crystal = crystals.crystal_energy if crystal is None else crystal
    eps_l = polarization.check_eps("eps_liquid", dev.epsilon)
    kappa = polarization.check_eps("eps_nc", eps_nc) / eps_l
    lv = energies.levels(dev)
    unit, rho = lv.coulomb, dev.a_nm / dev.b_nm
    sigma = polarization.self_polarization(kappa, rho) * unit
    e_r = lv.E_r + (polarization.repulsion(kappa, rho) - wavefunction.coulomb_1s1s() / rho) * unit
    u1 = crystal(energies.NU1_CRYSTAL[dev.pore], rho, kappa)
    e1 = lv.E_nu1 + sigma + u1.induced * unit
    e2 = v2 = v2_err = None
    if dev.pore == "tetrahedral":
        u2 = crystal("fluorite", rho, kappa)
        e2 = lv.E_nu2 + 2 * sigma + (e_r - lv.E_r) + u2.induced * unit
        v2, v2_err = e2 - e1, (u1.error + u2.error) * unit
    return PolarLevels(device=dev, uniform=lv, eps_nc=float(eps_nc), kappa=float(kappa), coulomb=unit,
                       E_q=lv.E_q, Sigma_1=sigma, E_r=e_r, E_nu1=e1, E_nu2=e2, V1=e1, V2=v2,
                       V1_err=u1.error * unit, V2_err=v2_err)
