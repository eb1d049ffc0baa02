"""Metallic NCs as conducting spheres: Sec. IV and Appendices A-C.

* :mod:`~supercrystal.spheres.harmonics` -- real harmonics, sphere quadratures, Wigner matrices by recursion.
* :mod:`~supercrystal.spheres.multipole` -- exact multipole solution for conducting spheres and point charges.
* :mod:`~supercrystal.spheres.metal` -- single-pair and filled-lattice energies, the gain.
* :mod:`~supercrystal.spheres.patch` -- App. C's finite patch: capacitance matrix, Eqs. (14)-(20).
* :mod:`~supercrystal.spheres.images` -- App. A's image recursion and its spectral radius.
* :mod:`~supercrystal.spheres.laplace` -- App. B's finite-difference Laplace solver.
"""
