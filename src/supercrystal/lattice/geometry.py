"""Lattice geometry of the nanocrystal super-crystal (Sec. III and Sec. IV of the paper).

Lengths are in units of the external NC radius ``b``: the nearest-neighbour (NN) distance between NC
centres is 2 (i.e. 2b).  Everything printed in the paper as a geometric number -- the pore radii
(sqrt(2)-1) b and (sqrt(6)/2-1) b, the electron-cation distances sqrt(2) b and (sqrt(6)/2) b -- is
*derived* here from lattice coordinates by a neighbour search, never typed in.

Two super-lattices are used by the paper:

* ``"fcc"`` (Secs. III, IV): NC centres on a face-centred cubic lattice with conventional cube side
  ``2*sqrt(2)``.  Pores: one octahedral (cube body and edge centres) and two tetrahedral (the
  (1/4,1/4,1/4) points) per NC.
* ``"sc"`` (Sec. IV, the simple-cubic check): NCs on a simple cubic lattice of side 2, one pore at
  each cube centre (called ``"cubic"``).

The charge lattices of Sec. III are assembled by :func:`crystal`: rock salt (NCs + octahedral
cations, Eq. 4), zinc blende (NCs + one tetrahedral sub-lattice, Eq. 8), fluorite (doubly charged
NCs + both tetrahedral sub-lattices, Eq. 11) and CsCl (simple cubic NCs + cube-centre cations, the
point-charge limit of Sec. IV's simple cubic lattice).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

#: Conventional cube side of the fcc super-lattice in units of b (NN distance 2b).
FCC_CUBE = 2.0 * np.sqrt(2.0)
#: Cube side of the simple cubic super-lattice in units of b (NN distance 2b).
SC_CUBE = 2.0

LATTICES = ("fcc", "sc")
PORES = {"fcc": ("octahedral", "tetrahedral"), "sc": ("cubic",)}
#: the pore that holds the cation of the metallic-NC lattices of Sec. IV and App. A-C, and the point-charge
#: crystal the filled lattice becomes as rho -> 0 (rock salt for fcc, CsCl for sc)
CATION_PORE = {"fcc": "octahedral", "sc": "cubic"}
FILLED_CRYSTAL = {"fcc": "rocksalt", "sc": "cscl"}

_FCC_BASIS = np.array([[0.0, 0.0, 0.0], [0.0, 0.5, 0.5], [0.5, 0.0, 0.5], [0.5, 0.5, 0.0]])
_FRACTIONAL_PORES = {
    ("fcc", "octahedral"): np.array(
        [[0.5, 0.5, 0.5], [0.5, 0.0, 0.0], [0.0, 0.5, 0.0], [0.0, 0.0, 0.5]]
    ),
    # Both tetrahedral sub-lattices: T+ = fcc + (1/4,1/4,1/4), T- = fcc + (3/4,3/4,3/4).
    ("fcc", "tetrahedral+"): _FCC_BASIS + 0.25,
    ("fcc", "tetrahedral-"): _FCC_BASIS + 0.75,
    ("sc", "cubic"): np.array([[0.5, 0.5, 0.5]]),
}


def check_rho(rho: float) -> float:
    """Return rho = a_m / b if 0 < rho <= 1, else raise ValueError naming it."""
    try:
        r = float(rho)
    except (TypeError, ValueError):
        raise ValueError(f"rho must be a number in (0, 1] (got rho={rho!r})") from None
    if not np.isfinite(r) or r <= 0 or r > 1:
        raise ValueError(f"rho = a_m/b must lie in (0, 1] (got rho={rho!r})")
    return r


def check_lattice(lattice: str) -> str:
    """Return ``lattice`` if it is known, else raise ``ValueError`` naming the parameter."""
    if lattice not in LATTICES:
        raise ValueError(f"lattice must be one of {LATTICES} (got lattice={lattice!r})")
    return lattice


def check_pore(pore: str, lattice: str = "fcc") -> str:
    """Return ``pore`` if the lattice has such a pore, else raise ``ValueError``."""
    check_lattice(lattice)
    if pore not in PORES[lattice]:
        raise ValueError(
            f"pore must be one of {PORES[lattice]} for the {lattice} lattice (got pore={pore!r})"
        )
    return pore


def cube_side(lattice: str = "fcc") -> float:
    """Side of the conventional cubic cell in units of b."""
    return FCC_CUBE if check_lattice(lattice) == "fcc" else SC_CUBE


def nc_sites(lattice: str = "fcc") -> np.ndarray:
    """NC centres in one conventional cubic cell, shape (n, 3), units of b."""
    if check_lattice(lattice) == "fcc":
        return _FCC_BASIS * FCC_CUBE
    return np.zeros((1, 3))


def pore_sites(pore: str, lattice: str = "fcc") -> np.ndarray:
    """Pore centres of one kind in one conventional cubic cell, shape (n, 3), units of b.

    ``"tetrahedral"`` returns both tetrahedral sub-lattices (8 sites per cell, two per NC);
    ``"tetrahedral+"`` / ``"tetrahedral-"`` return one of them (the zinc-blende sub-lattice of Eq. 8).
    """
    if pore == "tetrahedral" and lattice == "fcc":
        return np.vstack([pore_sites("tetrahedral+"), pore_sites("tetrahedral-")])
    key = (check_lattice(lattice), pore)
    if key not in _FRACTIONAL_PORES:
        check_pore(pore, lattice)
    return _FRACTIONAL_PORES[key] * cube_side(lattice)


def lattice_translations(lattice: str, n: int) -> np.ndarray:
    """All translations of the conventional cubic cell with integer indices in [-n, n]^3."""
    rng = np.arange(-n, n + 1)
    grid = np.stack(np.meshgrid(rng, rng, rng, indexing="ij"), axis=-1).reshape(-1, 3)
    return grid * cube_side(lattice)


def nc_cluster(lattice: str = "fcc", n: int = 2) -> np.ndarray:
    """NC centres within (2n+1)^3 conventional cells around the origin, shape (m, 3), units of b."""
    t = lattice_translations(lattice, n)
    return (t[:, None, :] + nc_sites(lattice)[None, :, :]).reshape(-1, 3)


@dataclass(frozen=True)
class PoreGeometry:
    """Where a pore sits among its NCs (Sec. III).

    Attributes
    ----------
    lattice, pore : names of the super-lattice and pore kind.
    centre : (3,) position of one pore centre, units of b.
    nn_distance : distance from the pore centre to its nearest NC centres, units of b
        (the electron-cation distance of Eqs. 3 and 7).
    coordination : number of NCs at that distance.
    neighbours : (coordination, 3) positions of those NC centres.
    radius : radius of the largest sphere that fits in the pore between NCs of radius b, units of b.
    """

    lattice: str
    pore: str
    centre: np.ndarray
    nn_distance: float
    coordination: int
    neighbours: np.ndarray
    radius: float


@lru_cache(maxsize=None)
def _pore_geometry(lattice: str, pore: str) -> PoreGeometry:
    centre = pore_sites(pore, lattice)[0]
    ncs = nc_cluster(lattice, 1)
    d = np.linalg.norm(ncs - centre, axis=1)
    dmin = d.min()
    near = np.isclose(d, dmin, rtol=1e-12, atol=1e-12)
    return PoreGeometry(
        lattice=lattice,
        pore=pore,
        centre=centre,
        nn_distance=float(dmin),
        coordination=int(near.sum()),
        neighbours=ncs[near],
        radius=float(dmin - 1.0),
    )


def pore_geometry(pore: str, lattice: str = "fcc") -> PoreGeometry:
    """Geometry of a pore, found by a neighbour search over lattice coordinates (Sec. III).

    The octahedral pore of fcc has 6 NCs at sqrt(2) b, the tetrahedral 4 at (sqrt(6)/2) b, the
    cube centre of sc 8 at sqrt(3) b.
    """
    check_pore(pore, lattice)
    return _pore_geometry(lattice, pore)


def pore_radius(pore: str, lattice: str = "fcc") -> float:
    """Largest sphere that fits the pore between touching NCs of radius b, in units of b (Sec. III).

    The pore centre lies ``nn_distance`` from its nearest NC centres, so the free radius is that
    distance minus b: (sqrt(2)-1) b for octahedral, (sqrt(6)/2-1) b for tetrahedral pores.
    """
    return pore_geometry(pore, lattice).radius


def electron_cation_distance(pore: str, lattice: str = "fcc") -> float:
    """NC-centre to nearest-cation distance in units of b (the distance in Eqs. 3, 4, 7, 8)."""
    return pore_geometry(pore, lattice).nn_distance


def nc_density(lattice: str = "fcc") -> float:
    """Number of NCs per unit volume in units of b^-3 (fcc: 1/(4 sqrt 2))."""
    return len(nc_sites(lattice)) / cube_side(lattice) ** 3


def check_cation_fits(pore: str, cation_radius_over_b: float, lattice: str = "fcc") -> None:
    """Raise ``ValueError`` if a cation of the given radius (units of b) does not fit the pore."""
    r = pore_radius(pore, lattice)
    if not np.isfinite(cation_radius_over_b) or cation_radius_over_b < 0:
        raise ValueError(
            f"cation radius must be a non-negative number (got {cation_radius_over_b!r} b)"
        )
    if cation_radius_over_b > r:
        raise ValueError(
            f"cation radius {cation_radius_over_b:.4g} b does not fit the {pore} pore "
            f"(largest sphere it admits: {r:.4f} b)"
        )


@dataclass(frozen=True)
class Crystal:
    """A periodic lattice of point charges: one conventional cubic cell of the super-crystal.

    Attributes
    ----------
    name : "rocksalt", "zincblende", "fluorite" or "cscl".
    cell : (3, 3) lattice vectors as rows, units of b.
    positions : (n, 3) charge positions in the cell, units of b.
    charges : (n,) charges in units of e (NCs negative, cations +1).
    formula_units : number of NCs in the cell (one formula unit = one NC with its cations).
    distance : electron-cation NN distance the Madelung constant is referred to, units of b.
    pore : the pore kind the cations occupy.
    """

    name: str
    cell: np.ndarray
    positions: np.ndarray
    charges: np.ndarray
    formula_units: int
    distance: float
    pore: str


CRYSTALS = ("rocksalt", "zincblende", "fluorite", "cscl")


def crystal(name: str) -> Crystal:
    """The charge lattice of a filled super-crystal (Sec. III, Eqs. 4, 8, 11; Sec. IV for CsCl).

    rock salt: NC (-e) + octahedral cation (+e); zinc blende: NC (-e) + cation in the T+ pores;
    fluorite: NC (-2e) + cations in all tetrahedral pores; CsCl: simple-cubic NC (-e) + cube-centre
    cation.  The Madelung constants of Eqs. (4), (8), (11) refer to the electron-cation distance.
    """
    spec = {
        "rocksalt": ("fcc", "octahedral", -1.0, "octahedral"),
        "zincblende": ("fcc", "tetrahedral+", -1.0, "tetrahedral"),
        "fluorite": ("fcc", "tetrahedral", -2.0, "tetrahedral"),
        "cscl": ("sc", "cubic", -1.0, "cubic"),
    }
    if name not in spec:
        raise ValueError(f"crystal must be one of {CRYSTALS} (got name={name!r})")
    lattice, sites, nc_charge, pore = spec[name]
    ncs = nc_sites(lattice)
    cations = pore_sites(sites, lattice)
    positions = np.vstack([ncs, cations])
    charges = np.concatenate([np.full(len(ncs), nc_charge), np.ones(len(cations))])
    return Crystal(
        name=name,
        cell=np.eye(3) * cube_side(lattice),
        positions=positions,
        charges=charges,
        formula_units=len(ncs),
        distance=electron_cation_distance(pore, lattice),
        pore=pore,
    )
