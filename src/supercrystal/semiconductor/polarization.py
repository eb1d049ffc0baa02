"""Sec. III with polarizable NCs: the energies of the 1s electrons inside a dielectric NC core.

The paper's Sec. III uses one dielectric constant eps everywhere, so that two electrons in one NC repel by
E_r = J e^2/(eps a), J = 1.786 (Eq. 11).  A real NC core is a sphere of radius a with eps_nc inside, in the
ionic liquid eps_liquid outside (kappa = eps_nc / eps_liquid).  The 1s density n(r) of Eq. (1) lies
entirely inside the sphere and is spherically symmetric.

Field of a spherical charge inside the sphere.  Its displacement is radial, D = Q(r) r-hat / r^2 with Q(r)
the charge within radius r (Gauss's law; it satisfies the continuity of D_normal at r = a and, being
radial with a spherically symmetric potential, the continuity of the potential).  E = D / eps(r) jumps at
r = a, so the polarization (bound) charge on the surface is

    sigma_b = (E_out - E_in) . r-hat / (4 pi) = Q / (4 pi a^2) (1/eps_liquid - 1/eps_nc),

uniform: the induced surface charge is l = 0 only, whatever the radial shape of n(r).  (A density off
centre would add l >= 1 surface charge; the 1s density does not.)

Energies from the field energy (1/8 pi) int E.D dV.  For two spherical charge clouds 1 and 2 with enclosed
charges Q_1(r), Q_2(r) the interaction is U_12 = int_0^inf Q_1 Q_2 / (eps(r) r^2) dr.  Compared with the
same clouds in a uniform eps_nc the region r > a (where Q = total charge) adds

    (1/eps_liquid - 1/eps_nc) Q_1 Q_2 / a .

Hence, in Gaussian units,

* Sigma_1 = (e^2 / 2a) (1/eps_liquid - 1/eps_nc): the self-polarization energy of one 1s electron in its
  own NC (half of the above with Q_1 = Q_2 = e: the Born energy difference of a charge inside a sphere;
  positive for eps_nc > eps_liquid: the electron is repelled by its image in the less polarizable liquid);
* E_r = J e^2/(eps_nc a) + e^2 (1/eps_liquid - 1/eps_nc)/a: the repulsion of the second electron (direct
  term in eps_nc, plus the interaction of each electron with the l = 0 polarization the other induces;
  equal to E(2 electrons) - 2 E(1 electron) with each total including its self-polarization: 4 Sigma_1 -
  2 Sigma_1 = 2 Sigma_1).  At kappa = 1 it is Eq. (11), J e^2/(eps a); for kappa -> infinity it tends to
  e^2/(eps_liquid a), that of a conducting sphere
  (charging energies (2e)^2/2a - 2 e^2/2a in eps_liquid).

Electrons interact with every other charge (and with the polarization of the other NCs) as point
charges at their NC centres (:mod:`supercrystal.spheres.lattice_green`); Sigma_1 is added once per
electron and E_r once per doubly occupied NC, the rest is the lattice Green's function.

Which eps_nc.  The charges of the Monte Carlo are equilibrium states: an electron stays on its NC and a
cation in its pore for times (microseconds and longer, set by tunnelling and ion motion) far longer than
the lattice vibrations (optical phonons of CdSe, ~26 meV, period ~0.16 ps).  The ionic (lattice)
polarization therefore relaxes around every charge, and the energy that enters the thermodynamics is
the one with the *static* dielectric constant epsilon (the relaxed polaron total energy).  The
high-frequency epsilon_inf (electronic polarization only) would describe charges faster than the
phonons, e.g. an optical transition before the lattice relaxes.  For the electron's own 1s motion
inside the NC (its orbital period hbar/E_q ~ 2 fs for E_q ~ 0.3 eV) the lattice cannot follow the
instantaneous position, but it follows the static 1s density, which is all that enters Sigma_1 and E_r
here; polaron corrections beyond this (the difference between the two constants on the self-energy
scale) are not included.  Values (data/materials.csv, Madelung, Semiconductors: Data Handbook 2004):
CdSe epsilon = 9.6, epsilon_inf = 6.2; PbSe 227, 22.9.  So CdSe in the ionic liquid (eps_liquid = 2, the
paper's eps_i) has kappa = 4.8, PbSe kappa = 113.5.
"""
from __future__ import annotations

import numpy as np
from scipy import integrate

from supercrystal.semiconductor import wavefunction
from supercrystal.semiconductor.materials import material as lookup_material
from supercrystal.units import COULOMB_EV_NM

#: dielectric constant of the NC core that applies to charging (module docstring)
CHARGING_EPSILON = "static"


def check_eps(name: str, value) -> float:
    """A positive finite dielectric constant, else ``ValueError`` naming the parameter."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a positive number (got {name}={value!r})") from None
    if not (np.isfinite(v) and v > 0):
        raise ValueError(f"{name} must be a positive finite number (got {name}={value!r})")
    return v


def nc_epsilon(material: str, kind: str = CHARGING_EPSILON) -> float:
    """The NC core's dielectric constant from data/materials.csv: "static" (charging, the default) or
    "high-frequency" (epsilon_inf)."""
    m = lookup_material(material)
    if kind == "static":
        return float(m.epsilon)
    if kind == "high-frequency":
        return float(m.epsilon_inf)
    raise ValueError(f"kind must be 'static' or 'high-frequency' (got kind={kind!r})")


def self_polarization(kappa: float, rho: float = 1.0) -> float:
    """Sigma_1 in e^2/(eps_liquid b) for a NC of radius a = rho b: (1 - 1/kappa) / (2 rho)."""
    kappa = check_eps("kappa", kappa)
    return float(0.5 * (1.0 - 1.0 / kappa) / rho)


def repulsion(kappa: float, rho: float = 1.0) -> float:
    """E_r in e^2/(eps_liquid b): [J / kappa + (1 - 1/kappa)] / rho, J = 1.786 (Eq. 11 at kappa = 1)."""
    kappa = check_eps("kappa", kappa)
    return float((wavefunction.coulomb_1s1s() / kappa + (1.0 - 1.0 / kappa)) / rho)


def self_polarization_ev(a_nm: float, eps_liquid: float, eps_nc: float) -> float:
    """Sigma_1 = (e^2 / 2a)(1/eps_liquid - 1/eps_nc) in eV."""
    a_nm = check_eps("a_nm", a_nm)
    e_l, e_n = check_eps("eps_liquid", eps_liquid), check_eps("eps_nc", eps_nc)
    return float(COULOMB_EV_NM / (2 * a_nm) * (1.0 / e_l - 1.0 / e_n))


def repulsion_ev(a_nm: float, eps_liquid: float, eps_nc: float) -> float:
    """E_r = J e^2/(eps_nc a) + e^2 (1/eps_liquid - 1/eps_nc)/a in eV."""
    a_nm = check_eps("a_nm", a_nm)
    e_l, e_n = check_eps("eps_liquid", eps_liquid), check_eps("eps_nc", eps_nc)
    return float(COULOMB_EV_NM / a_nm * (wavefunction.coulomb_1s1s() / e_n + (1.0 / e_l - 1.0 / e_n)))


def enclosed_charge(x) -> np.ndarray:
    """Q(r)/e of the 1s density within r = x a (Eq. 1): x - sin(2 pi x)/(2 pi), 1 beyond the surface."""
    x = np.asarray(x, float)
    return np.where(x < 1.0, x - np.sin(2 * np.pi * x) / (2 * np.pi), 1.0)


def field_energy(kappa: float, pair: bool = True) -> float:
    """Second method: E_r (``pair``) or Sigma_1 by radial quadrature of the field energy, e^2/(eps_liquid a).

    U_12 = int_0^inf Q(r)^2 / (eps(r) r^2) dr with eps = kappa inside (units of eps_liquid) and 1 outside;
    E_r is U_12, Sigma_1 the self-energy difference 1/2 int Q^2 (1/eps(r) - 1/kappa) / r^2 dr.
    """
    kappa = check_eps("kappa", kappa)
    inside, _ = integrate.quad(lambda x: enclosed_charge(x) ** 2 / x ** 2, 0.0, 1.0, epsabs=1e-14,
                               epsrel=1e-14, limit=200)
    # beyond the surface Q = 1: int_1^inf dx / x^2, as int_0^1 du with u = 1/x
    outside, _ = integrate.quad(lambda u: enclosed_charge(1.0) ** 2, 0.0, 1.0, epsabs=1e-14, epsrel=1e-14)
    if pair:
        return float(inside / kappa + outside)
    return float(0.5 * outside * (1.0 - 1.0 / kappa))

