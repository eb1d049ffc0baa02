"""Semiconductor materials: effective mass and dielectric constant, read from ``data/materials.csv``.

Inputs to Eq. (2) (the effective mass m = m_eff m_0 of the confinement energy) and to the Coulomb
scale e^2/(eps b) of Sec. III.  Every row of the file names its source.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache

from supercrystal.paths import data_dir

#: the files of ``data/`` this module reads: their content is part of the code fingerprint of every cached
#: result that uses the module (:mod:`supercrystal.book.cache`), so an edited table recomputes them
__data_files__ = ("materials.csv",)


@dataclass(frozen=True)
class Material:
    """One row of ``data/materials.csv``: effective mass (units of m_0), static and optical
    dielectric constants, and where they come from."""

    name: str
    m_eff: float
    epsilon: float
    epsilon_inf: float
    source: str
    note: str


@lru_cache(maxsize=None)
def _table() -> dict[str, Material]:
    with open(data_dir() / __data_files__[0], newline="") as fh:
        rows = list(csv.DictReader(fh))
    return {
        r["material"]: Material(
            name=r["material"],
            m_eff=float(r["m_eff"]),
            epsilon=float(r["epsilon"]),
            epsilon_inf=float(r["epsilon_inf"]),
            source=r["source"],
            note=r["note"],
        )
        for r in rows
    }


def names() -> tuple[str, ...]:
    """Names of the tabulated materials."""
    return tuple(_table())


def material(name: str) -> Material:
    """The tabulated material ``name`` (case-insensitive); ``ValueError`` for an unknown one."""
    for key, value in _table().items():
        if key.lower() == str(name).lower():
            return value
    raise ValueError(f"material must be one of {names()} (got material={name!r})")
