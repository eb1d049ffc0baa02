"""The electron in a spherical NC: Eq. (1) wave function, Eq. (2) confinement energy, 1s-1s repulsion.

For a NC of radius a much smaller than the Bohr radius a_B = hbar^2 eps / (m e^2) (Sec. III) the
electron sees an infinite spherical well.  Its levels are

    E_{nl} = hbar^2 x_{nl}^2 / (2 m a^2),

x_{nl} the n-th zero of the spherical Bessel function j_l: x_1s = pi (Eq. 2), x_1p = 4.4934.
The 1s state is Eq. (1), psi(r) = sin(pi r / a) / (r sqrt(2 pi a)).

Two 1s electrons (opposite spins, Eq. 11) repel by E_r = J e^2/(eps a) with

    J = 2 [1 - Si(2 pi)/(2 pi) + Si(4 pi)/(4 pi)] = 1.78607...

(the paper's 1.79), and assembling the 1s charge density -e|psi|^2 costs J/2 e^2/(eps a), while a
uniform surface charge -e on the sphere of radius a costs 1/2 e^2/(eps a); the difference is the
assembly energy E_as of Sec. IV, (J - 1)/2 e^2/(eps a) = 0.393 e^2/(eps a).
"""
from __future__ import annotations

import numpy as np
from scipy import integrate, optimize, special

from supercrystal.units import COULOMB_EV_NM, HBAR2_OVER_2M0_EV_NM2


def psi_1s(r: np.ndarray, a: float = 1.0) -> np.ndarray:
    """Eq. (1): the normalised 1s wave function of the spherical well of radius a (zero outside)."""
    r = np.asarray(r, dtype=float)
    x = np.pi * r / a
    inside = np.where(r < a, np.sinc(x / np.pi) * np.pi / a, 0.0)  # sin(pi r/a)/r, finite at r=0
    return inside / np.sqrt(2.0 * np.pi * a)


def bessel_zero(l: int, n: int = 1) -> float:
    """n-th positive zero of the spherical Bessel function j_l (x_1s = pi, x_1p = 4.4934...)."""
    if l == 0:
        return n * np.pi
    # zeros of j_l interlace those of j_{l-1}; bracket between consecutive zeros of j_{l-1}
    lo = bessel_zero(l - 1, n)
    hi = bessel_zero(l - 1, n + 1)
    return float(optimize.brentq(lambda x: special.spherical_jn(l, x), lo, hi, xtol=1e-15))


def level_energy_ev(a_nm: float, m_eff: float, l: int = 0, n: int = 1) -> float:
    """Confinement energy hbar^2 x_{nl}^2 / (2 m a^2) in eV; (l, n) = (0, 1) is E_q of Eq. (2)."""
    if not a_nm > 0:
        raise ValueError(f"a_nm must be positive (got a_nm={a_nm!r})")
    if not m_eff > 0:
        raise ValueError(f"m_eff must be positive (got m_eff={m_eff!r})")
    return HBAR2_OVER_2M0_EV_NM2 * bessel_zero(l, n) ** 2 / (m_eff * a_nm**2)


def confinement_energy_ev(a_nm: float, m_eff: float) -> float:
    """Eq. (2): E_q = hbar^2 pi^2 / (2 m a^2) in eV, m = m_eff m_0."""
    return level_energy_ev(a_nm, m_eff, 0, 1)


def coulomb_1s1s() -> float:
    """Repulsion of two 1s electrons in units of e^2/(eps a), closed form (Eq. 11's 1.79)."""
    si2 = special.sici(2 * np.pi)[0]
    si4 = special.sici(4 * np.pi)[0]
    return float(2.0 * (1.0 - si2 / (2 * np.pi) + si4 / (4 * np.pi)))


def coulomb_1s1s_quadrature() -> float:
    """The same repulsion by radial quadrature of the two charge shells (independent check).

    With P(x) = 4 pi r^2 |psi|^2 a = 2 sin^2(pi x) and Q(x) its integral from 0 to x,
    J = 2 int_0^1 P(x) Q(x) / x dx (each pair counted once at the larger radius).
    """

    def q(x: float) -> float:
        return x - np.sin(2 * np.pi * x) / (2 * np.pi)

    val, _ = integrate.quad(lambda x: 2 * np.sin(np.pi * x) ** 2 * q(x) / x, 0.0, 1.0,
                            epsabs=1e-14, epsrel=1e-14, limit=200)
    return float(2.0 * val)


def assembly_energy() -> float:
    """E_as of Sec. IV in units of e^2/(eps a): self-energy of the 1s density minus that of a
    uniform surface charge on the sphere of radius a, (J - 1)/2."""
    return 0.5 * (coulomb_1s1s() - 1.0)


def coulomb_1s1s_ev(a_nm: float, epsilon: float) -> float:
    """E_r = 1.786 e^2 / (eps a) in eV (Eq. 11)."""
    if not a_nm > 0:
        raise ValueError(f"a_nm must be positive (got a_nm={a_nm!r})")
    if not epsilon > 0:
        raise ValueError(f"epsilon must be positive (got epsilon={epsilon!r})")
    return coulomb_1s1s() * COULOMB_EV_NM / (epsilon * a_nm)


def assembly_energy_ev(a_nm: float, epsilon: float) -> float:
    """E_as of Sec. IV in eV for a NC of radius a_nm and dielectric constant epsilon.

    For a spherically symmetric charge inside a sphere of dielectric constant eps_s embedded in any
    medium, only the field inside the sphere differs between the 1s density and a surface charge,
    so E_as = (J - 1)/2 e^2/(eps_s a) involves the NC's own eps_s, whatever surrounds it.  The
    threshold voltage of semiconductor NCs is shifted by E_as/e relative to metallic ones.
    """
    if not a_nm > 0:
        raise ValueError(f"a_nm must be positive (got a_nm={a_nm!r})")
    if not epsilon > 0:
        raise ValueError(f"epsilon must be positive (got epsilon={epsilon!r})")
    return assembly_energy() * COULOMB_EV_NM / (epsilon * a_nm)
