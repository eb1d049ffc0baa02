"""Unit conversions at the edges of the physics (Gaussian inside, nm / eV / volts outside).

The physics modules work in Gaussian units with lengths in units of b (or a) and energies in
e^2/(epsilon b).  This module converts once, with constants from :mod:`scipy.constants`:

* :data:`COULOMB_EV_NM` = e^2 / (4 pi epsilon_0 * 1 nm) in eV, so that e^2/(epsilon b) in eV is
  ``COULOMB_EV_NM / (epsilon * b_nm)``.
* :data:`HBAR2_OVER_2M0_EV_NM2` = hbar^2 / (2 m_0) in eV nm^2, for the confinement energy of Eq. (2).
* :func:`kT_ev` = k_B T in eV.
"""
from __future__ import annotations

import numpy as np
from scipy import constants as sc

#: e^2 / (4 pi eps0 nm), eV  (1.439964...)
COULOMB_EV_NM = sc.e / (4.0 * np.pi * sc.epsilon_0 * sc.nano)
#: hbar^2 / (2 m_e nm^2), eV  (0.0380998...)
HBAR2_OVER_2M0_EV_NM2 = sc.hbar**2 / (2.0 * sc.m_e * sc.nano**2) / sc.e
#: k_B / e, eV per kelvin
KB_EV_PER_K = sc.k / sc.e
#: Room temperature used for k_B T_R in Sec. V, kelvin.
ROOM_TEMPERATURE_K = 300.0


def coulomb_ev(epsilon: float, length_nm: float) -> float:
    """e^2 / (epsilon * length) in eV (Gaussian e^2/(eps L) converted to SI)."""
    return COULOMB_EV_NM / (epsilon * length_nm)


def kT_ev(T_kelvin: float) -> float:
    """k_B T in eV."""
    return KB_EV_PER_K * T_kelvin
