"""The dielectric response of one sphere: chi_l of a dielectric NC core (between Secs. III and IV).

A sphere of dielectric constant kappa (relative to the liquid) in the regular external potential
sum_lm E_lm (r/a)^l Y_lm answers, outside, with A_lm (a/r)^(l+1) Y_lm, A_lm = -chi_l E_lm (continuity of the
potential and of the normal displacement at r = a; Jackson Sec. 4.4 for l = 1).  Kept apart from the solvers
(:mod:`.dielectric`, :mod:`.lattice_green`) that use it, so that the Monte Carlo's Green's function does not
depend on the cluster solvers' code.
"""
from __future__ import annotations

import numpy as np


def check_kappa(kappa) -> float:
    """Return kappa = eps_nc / eps_liquid if it is a positive number (infinity allowed), else ``ValueError``."""
    try:
        k = float(kappa)
    except (TypeError, ValueError):
        raise ValueError(f"kappa = eps_nc/eps_liquid must be a positive number (got kappa={kappa!r})") from None
    if not k > 0:  # also NaN
        raise ValueError(f"kappa = eps_nc/eps_liquid must be positive (got kappa={kappa!r})")
    return k


def susceptibility(kappa: float, l) -> np.ndarray:
    """chi_l = (kappa - 1) l / (kappa l + l + 1): exterior multipole A_lm = -chi_l E_lm (module docstring).

    Written as l (1 - 1/kappa) / (l (1 + 1/kappa) + 1/kappa) so that kappa = inf gives 1 (l >= 1).
    l = 0 gives 0 (the monopole is the free charge).
    """
    l = np.asarray(l, float)
    t = 0.0 if np.isinf(kappa) else 1.0 / kappa
    den = np.where(l > 0, l * (1.0 + t) + t, 1.0)
    return np.where(l > 0, l * (1.0 - t) / den, 0.0)
