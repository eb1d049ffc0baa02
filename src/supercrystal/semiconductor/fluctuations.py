"""The temperature and size-disorder estimates of Sec. V (W versus k_B T, Eq. 13).

* Cooperative gain per nearest-neighbour pair W = g e^2/(eps_i b), with g the exact gain coefficient of
  :func:`supercrystal.semiconductor.energies.collective_gain` (the paper rounds it to 0.5) and eps_i ~ 2 the ionic
  liquid's dielectric constant (Sec. V); compared with k_B T.
* Eq. (13): a spread delta a of the NC radius spreads the confinement energy by
  delta E_q = E_q 2 delta a / a (linearised), or exactly E_q(a - delta a) - E_q(a) above and
  E_q(a) - E_q(a + delta a) below, since E_q ~ a^-2.
"""
from __future__ import annotations

from dataclasses import dataclass

from supercrystal.semiconductor.energies import collective_gain
from supercrystal.units import COULOMB_EV_NM, kT_ev
from supercrystal.semiconductor.wavefunction import confinement_energy_ev


@dataclass(frozen=True)
class ThermalRatio:
    """W = gain * e^2/(eps_i b) (eV), k_B T (eV) and their ratio (Sec. V)."""

    gain_coefficient: float
    W_ev: float
    kT_ev: float
    ratio: float


def thermal_ratio(b_nm: float, epsilon_i: float, T_kelvin: float, pore: str = "octahedral",
                  gain_coefficient: float | None = None) -> ThermalRatio:
    """W / k_B T of Sec. V with the exact gain of ``pore`` (or a given coefficient, e.g. 0.5)."""
    for name, value in (("b_nm", b_nm), ("epsilon_i", epsilon_i), ("T_kelvin", T_kelvin)):
        if not value > 0:
            raise ValueError(f"{name} must be positive (got {name}={value!r})")
    g = collective_gain(pore) if gain_coefficient is None else float(gain_coefficient)
    w = g * COULOMB_EV_NM / (epsilon_i * b_nm)
    kt = kT_ev(T_kelvin)
    return ThermalRatio(g, w, kt, w / kt)


@dataclass(frozen=True)
class SizeBroadening:
    """Spread of E_q for a relative radius spread (Eq. 13), eV: linearised and exact up/down."""

    E_q: float
    linear: float
    up: float
    down: float


def size_broadening(a_nm: float, m_eff: float, relative_spread: float) -> SizeBroadening:
    """delta E_q of Eq. (13) for NC radius a_nm with spread delta a / a = ``relative_spread``."""
    if not 0 <= relative_spread < 1:
        raise ValueError(f"relative_spread must lie in [0, 1) (got relative_spread={relative_spread!r})")
    e_q = confinement_energy_ev(a_nm, m_eff)
    return SizeBroadening(
        E_q=e_q,
        linear=2 * relative_spread * e_q,
        up=e_q / (1 - relative_spread) ** 2 - e_q,
        down=e_q - e_q / (1 + relative_spread) ** 2,
    )
