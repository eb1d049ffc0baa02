"""Why charging is cooperative, in pictures: the series capacitor of Sec. I and the dipoles of Sec. II.

* :mod:`~supercrystal.charging.capacitors` -- how much of the gate voltage reaches the super-crystal (Sec. I).
* :mod:`~supercrystal.charging.dipoles` -- dipole lattice sums: the rock-salt capacitor and the Fig. 3 layer.
"""
