"""supercrystal: reproducible companion to Chen, Skinner & Shklovskii, PRB 84, 245304 (2011).

Cooperative charging of a nanocrystal super-crystal gated by an ionic liquid.  One module per piece
of physics: :mod:`geometry` (lattices and pores), :mod:`ewald` (Madelung constants), :mod:`wavefunction`
(Eqs. 1-2, the 1s-1s repulsion), :mod:`energies` (Eqs. 3-12, V1, V2), :mod:`materials`,
:mod:`claims` (the registry of the paper's numerical claims).
"""
__version__ = "0.1.0"
