"""Where the project's files are: the repository root and its ``data/`` folder.

The package is used from a checkout (``pip install -e .``): the inputs (``data/materials.csv``,
``data/paper_values.csv``), the committed cache seed and the chapters live beside ``src/``.
``SUPERCRYSTAL_DATA_DIR`` points ``data_dir`` elsewhere.  A non-editable install (``pip install .``) has
no ``data/`` beside the package: :func:`data_dir` then raises :class:`NotACheckoutError`, whose one-line
message says to install with ``pip install -e .``; the command line and the book runner print it and exit
with status 2.
"""
from __future__ import annotations

import os
from pathlib import Path

#: the repository root (``src/supercrystal/paths.py`` -> two levels up)
ROOT = Path(__file__).resolve().parents[2]


class NotACheckoutError(FileNotFoundError):
    """The package runs outside a checkout of the repository (``data/`` or the book is missing)."""


#: True when the package is imported from ``src/`` of a checkout (an editable install or PYTHONPATH)
IN_CHECKOUT = Path(__file__).resolve().parent.parent.name == "src"


def _not_a_checkout(missing: Path) -> NotACheckoutError:
    if not IN_CHECKOUT:
        return NotACheckoutError(
            "supercrystal is installed without its repository (a non-editable `pip install .`), and its "
            "data and chapters live in the checkout: install it with `pip install -e .` from the checkout "
            "(or set SUPERCRYSTAL_DATA_DIR to the checkout's data/ folder)")
    return NotACheckoutError(f"{missing} not found: the checkout is incomplete (or set SUPERCRYSTAL_DATA_DIR "
                             f"to a data/ folder)")


def data_dir() -> Path:
    """The project's ``data/`` folder (``SUPERCRYSTAL_DATA_DIR`` overrides).

    Raises :class:`NotACheckoutError` when the folder does not exist (a non-editable install).
    """
    env = os.environ.get("SUPERCRYSTAL_DATA_DIR")
    path = Path(env) if env else ROOT / "data"
    if not path.is_dir():
        raise _not_a_checkout(path)
    return path


def book_root() -> Path:
    """The repository root, checked to hold the book (``_toc.yml``); :class:`NotACheckoutError` if not."""
    if not (ROOT / "_toc.yml").is_file():
        raise _not_a_checkout(ROOT / "_toc.yml")
    return ROOT


def build_dir() -> Path:
    """``_build/`` of the checkout: everything generated that is not committed (git ignores it)."""
    return ROOT / "_build"
