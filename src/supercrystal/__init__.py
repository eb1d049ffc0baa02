"""supercrystal: reproducible companion to Chen, Skinner & Shklovskii, PRB 84, 245304 (2011).

Cooperative charging of a nanocrystal (NC) super-crystal gated by an ionic liquid.  The folders read like
the paper; physics modules are pure functions (no files, no cache), the book side is apart.

Physics
    lattice.geometry        fcc and simple cubic super-lattices, pores, the charge lattices (Secs. III-IV)
    lattice.ewald           Madelung constants and periodic pair tables by Ewald summation (Eqs. 4, 8, 11)
    semiconductor.materials effective masses and dielectric constants (data/materials.csv)
    semiconductor.wavefunction  Eq. (1)-(2): the 1s electron, confinement, 1s-1s repulsion
    semiconductor.energies  Eqs. (3)-(12): single-pair and filled energies, V1 and V2
    semiconductor.fluctuations  Sec. V estimates: W versus k_B T (Eq. 13), size disorder
    semiconductor.polarization, polar_levels  beyond the paper: polarizable cores, Sec. III's levels with them
    semiconductor.phonons   optical phonons of the core (data/phonons.csv): static or optical epsilon
    charging.capacitors     Sec. I: the series capacitor between gate and super-crystal
    charging.dipoles        Sec. II: dipole lattice sums, rock-salt capacitor and the Fig. 3 layer
    spheres.harmonics       real spherical harmonics, sphere quadratures, Wigner matrices (by recursion)
    spheres.multipole       Sec. IV / App. C: conducting spheres by a multipole expansion (Eq. 14)
    spheres.metal           Sec. IV: metallic-NC single-pair and filled energies, the gain
    spheres.patch           App. C: capacitance matrix of a finite patch, Eqs. (14)-(20)
    spheres.images          App. A: the image-charge recursion and its spectral radius
    spheres.laplace         App. B: finite-difference Laplace solver of the filled unit cell
    montecarlo              Sec. V: grand-canonical lattice Monte Carlo (Fig. 4, temperature, disorder)
    units                   Gaussian inside, nm / eV / volts at the edges (scipy.constants)

Book side (imports the physics, never the reverse)
    book.cache              content-addressed cache: parameters + code fingerprint, verified reads, the seed
    book.fingerprint        the code fingerprint of a task: its import closure, normalised, and its inputs
    book.tasks              the slow computations (Sec. IV, App. A-C, Sec. V) as named cached tasks
    inputs                  the one declaration of the book's inputs: default, unit, range, choices, rules
    paths                   the repository root and data/ (and a one-line refusal outside a checkout)
    book.datafiles          figure data files (the numbers behind every figure)
    book.figures            every figure's style and checks (column width, 8 pt text, numeric axes), SVG glue
    book.claims             the registry of the paper's numerical claims, recomputed live
    book.sources            the chapters' MyST Markdown sources and the notebooks derived from them
    book.paramfiles         parameter files read safely and checked against inputs; the chapters' cells
    book.notebooks          executed notebooks compared as nbval compares them ("nothing changed")
    book.runner             papermill execution of the chapters (workers, signals, rerun books, records)
    book.summary            the summary pages: claims table, results at a glance, execution status, costs
    book.reach              which cached tasks a chapter parameter reaches (read from the code): rerun costs
    book.sphinxext          Sphinx extension: version stamp, repository and launch buttons
    lockfile                requirements.lock (the installed closure of the requirements) and environment.yml
    engine                  the Monte Carlo sweeps' cached tasks run through Dask (LocalCluster or a cluster)
    cli                     ``supercrystal claims|voltages|metal|spheres|mc``
"""
__version__ = "0.1.0"
