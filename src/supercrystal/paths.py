"""Where the project's files are: the repository root and its ``data/`` folder.

The package is used from a checkout (``pip install -e .``): the inputs (``data/materials.csv``,
``data/paper_values.csv``), the committed cache seed and the chapters live beside ``src/``.
``SUPERCRYSTAL_DATA_DIR`` points ``data_dir`` elsewhere.
"""
from __future__ import annotations

import os
from pathlib import Path

#: the repository root (``src/supercrystal/paths.py`` -> two levels up)
ROOT = Path(__file__).resolve().parents[2]


def data_dir() -> Path:
    """The project's ``data/`` folder (``SUPERCRYSTAL_DATA_DIR`` overrides)."""
    env = os.environ.get("SUPERCRYSTAL_DATA_DIR")
    return Path(env) if env else ROOT / "data"
