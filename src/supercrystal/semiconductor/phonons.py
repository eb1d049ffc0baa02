"""Optical phonons of the NC core, read from ``data/phonons.csv``: the time scale that decides which dielectric
constant of the core enters the charging energies (the polarizable-core chapter, beyond the paper, which takes
the NC's epsilon as given).

The ionic part of the core's polarization follows a charge within a period of the longitudinal optical phonon,
2 pi / omega_LO; an electron that stays on its NC (or a cation in its pore) much longer meets the fully relaxed,
static constant epsilon, a faster process only the high-frequency one epsilon_inf.  The table's phonons and the
dielectric constants of ``data/materials.csv`` come from independent measurements; the Lyddane-Sachs-Teller
relation (omega_LO / omega_TO)^2 = epsilon / epsilon_inf ties them together (:func:`lst_check`).

Units: wavenumbers in cm^-1 in the table; energies in eV, times in ps at the edges (scipy.constants).
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache

from scipy import constants as sc

from supercrystal.paths import data_dir
from supercrystal.semiconductor.materials import material

#: the files of ``data/`` this module reads (part of the code fingerprint of anything cached that uses it)
__data_files__ = ("phonons.csv",)


@dataclass(frozen=True)
class Phonons:
    """One row of ``data/phonons.csv``: zone-centre optical phonon wavenumbers (cm^-1) and their source."""

    name: str
    omega_TO_cm: float
    omega_LO_cm: float
    source: str


@lru_cache(maxsize=None)
def _table() -> dict[str, Phonons]:
    with open(data_dir() / __data_files__[0], newline="") as fh:
        return {r["material"]: Phonons(r["material"], float(r["omega_TO_cm"]), float(r["omega_LO_cm"]), r["source"])
                for r in csv.DictReader(fh)}


def phonons(name: str) -> Phonons:
    """The optical phonons of material ``name`` (case-insensitive); ValueError naming the tabulated ones."""
    for key, value in _table().items():
        if key.lower() == str(name).lower():
            return value
    raise ValueError(f"material must be one of {tuple(_table())} for its phonons (got material={name!r})")


def energy_ev(wavenumber_cm: float) -> float:
    """The quantum h c k of a wavenumber k (cm^-1), eV."""
    if not wavenumber_cm > 0:
        raise ValueError(f"wavenumber_cm must be positive (got {wavenumber_cm})")
    return sc.h * sc.c * 100.0 * float(wavenumber_cm) / sc.e


def period_ps(energy: float) -> float:
    """The period h / E of an oscillation of quantum ``energy`` (eV), ps."""
    if not energy > 0:
        raise ValueError(f"energy must be positive (got {energy} eV)")
    return sc.h / (float(energy) * sc.e) * 1e12


def lst_check(name: str) -> tuple[float, float]:
    """((omega_LO / omega_TO)^2 from the phonon table, epsilon / epsilon_inf from the materials table) for
    ``name``: equal by the Lyddane-Sachs-Teller relation, so their agreement checks the two tables."""
    p, m = phonons(name), material(name)
    return (p.omega_LO_cm / p.omega_TO_cm) ** 2, m.epsilon / m.epsilon_inf
