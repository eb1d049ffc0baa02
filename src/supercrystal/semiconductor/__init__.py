"""Semiconductor NCs in a uniform dielectric (Sec. III) and the estimates of Sec. V built on them.

* :mod:`~supercrystal.semiconductor.materials` -- effective masses and dielectric constants (``data/materials.csv``).
* :mod:`~supercrystal.semiconductor.wavefunction` -- Eq. (1) wave function, Eq. (2) confinement, 1s-1s repulsion.
* :mod:`~supercrystal.semiconductor.energies` -- Eqs. (3)-(12): single-pair and filled energies, V1 and V2.
* :mod:`~supercrystal.semiconductor.fluctuations` -- Sec. V: W versus k_B T (Eq. 13) and size disorder.
"""
