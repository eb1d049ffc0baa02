"""The super-crystal as a lattice: NC sites, pores, and Coulomb sums over them (Secs. III-IV).

* :mod:`~supercrystal.lattice.geometry` -- fcc and simple cubic super-lattices, octahedral/tetrahedral/cubic
  pores, the charge lattices of Eqs. (4), (8), (11).
* :mod:`~supercrystal.lattice.ewald` -- Madelung constants and periodic pair tables by Ewald summation.
"""
