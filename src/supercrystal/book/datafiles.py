"""Where numbers live on disk: inputs, the numbers behind every figure, and cached slow results.

* ``data/`` holds inputs (``materials.csv``) and ``paper_values.csv`` (the paper's printed numbers,
  read only for comparison by :mod:`supercrystal.book.claims` and the chapters' tables).
* ``data/figures/<chapter>/<figure>.csv``: the numbers behind each figure, written by the chapter
  through :func:`write_figure_data`, each with a header naming the parameters and package version.
  These are committed, and only ``make execute`` writes them (it sets ``SUPERCRYSTAL_FIGURE_DIR`` to
  ``data/figures``): any other run of a chapter (papermill by hand, nbval, a parameter file) writes to
  ``SUPERCRYSTAL_FIGURE_DIR`` if set, else to ``_build/figures/``, outside the committed tree.
* ``data/cache/<name>-<hash>.npz``: slow results keyed by a hash of every parameter and the code
  version (:func:`cached`); a changed parameter recomputes.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import re
from pathlib import Path
from typing import Callable, Mapping

import numpy as np

from supercrystal import __version__
from supercrystal.paths import build_dir, data_dir


def figure_dir() -> Path:
    """Folder the chapters write figure data to: ``SUPERCRYSTAL_FIGURE_DIR``, else ``_build/figures``.

    The committed ``data/figures`` is written only when asked for by name (``make execute``), so that a
    chapter rerun by hand with other parameters cannot overwrite the committed numbers.
    """
    env = os.environ.get("SUPERCRYSTAL_FIGURE_DIR")
    return Path(env) if env else build_dir() / "figures"


def _same_figure_file(old: str, new: str, rtol: float = 1e-9) -> bool:
    """True if two figure files differ at most in the last digits of their numbers (BLAS summation order)."""
    a, b = old.splitlines(), new.splitlines()
    if len(a) != len(b):
        return False
    number = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
    for x, y in zip(a, b):
        if x == y:
            continue
        if number.sub("#", x) != number.sub("#", y):
            return False
        for u, v in zip(number.findall(x), number.findall(y)):
            fu, fv = float(u), float(v)
            if not (fu == fv or abs(fu - fv) <= rtol * max(abs(fu), abs(fv)) or abs(fu - fv) <= 1e-15):
                return False
    return True


def _jsonable(value):
    if isinstance(value, (np.floating, np.integer)):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    return value


def write_figure_data(
    chapter: str, figure: str, columns: Mapping[str, np.ndarray], params: Mapping
) -> Path:
    """Write the numbers behind one figure as CSV with a commented header.

    Parameters
    ----------
    chapter, figure : the file is ``<figure_dir>/<chapter>/<figure>.csv``.
    columns : equal-length 1-d arrays, one per column (NaN allowed for gaps).
    params : the parameters that made the figure, stored as JSON in the header.

    Unless ``SUPERCRYSTAL_FIGURE_DIR`` says otherwise, the file goes to ``_build/figures`` (see
    :func:`figure_dir`). It is replaced atomically, and left untouched when the new numbers differ
    from the old ones only in the last digits (relative 1e-9, floating-point summation order).
    """
    arrays = {k: np.atleast_1d(np.asarray(v, dtype=float)) for k, v in columns.items()}
    lengths = {len(v) for v in arrays.values()}
    if len(lengths) != 1:
        raise ValueError(f"figure columns must have equal lengths (got {lengths})")
    path = figure_dir() / chapter / f"{figure}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    header = {k: _jsonable(v) for k, v in params.items()}
    buf = io.StringIO()
    buf.write(f"# figure: {chapter}/{figure}\n")
    buf.write(f"# supercrystal {__version__}\n")
    buf.write(f"# params: {json.dumps(header, sort_keys=True)}\n")
    buf.write(",".join(arrays) + "\n")
    for row in zip(*arrays.values()):
        buf.write(",".join(f"{x:.12g}" for x in row) + "\n")
    text = buf.getvalue()
    if path.exists() and _same_figure_file(path.read_text(), text):
        return path  # unchanged but for floating-point noise: keep the file (and a clean checkout)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.partial")
    tmp.write_text(text)
    os.replace(tmp, path)  # atomic: a reader (or a concurrent run) never sees half a file
    return path


def download_links(chapter: str, figures: list[str]) -> str:
    """MyST markdown linking the CSV files behind a chapter's figures, for the reader to download.

    The links are relative to ``book/``: ``../data/figures/<chapter>/<figure>.csv``, which is where
    the default book keeps them and where a rerun book (``_build/books/<name>/data/figures``) writes
    its own, so one text serves both.
    """
    items = [f"{{download}}`{f}.csv <../data/figures/{chapter}/{f}.csv>`" for f in figures]
    return "Data behind the figures (CSV, with the parameters in the header): " + ", ".join(items) + "."


def read_figure_data(path: str | Path) -> tuple[dict, dict[str, np.ndarray]]:
    """Read a file written by :func:`write_figure_data`: (params, columns)."""
    lines = Path(path).read_text().splitlines()
    params: dict = {}
    body = []
    for line in lines:
        if line.startswith("# params: "):
            params = json.loads(line[len("# params: "):])
        elif not line.startswith("#"):
            body.append(line)
    names = body[0].split(",")
    values = np.array([[float(x) for x in row.split(",")] for row in body[1:]]).reshape(-1, len(names))
    return params, {n: values[:, i] for i, n in enumerate(names)}


def cache_key(name: str, params: Mapping) -> str:
    """File stem for a cached result: name plus a hash of the parameters and the package version."""
    blob = json.dumps({"params": {k: _jsonable(v) for k, v in params.items()}, "version": __version__},
                      sort_keys=True)
    return f"{name}-{hashlib.sha256(blob.encode()).hexdigest()[:16]}"


def cached(name: str, params: Mapping, compute: Callable[[], Mapping[str, np.ndarray]],
           refresh: bool = False) -> dict[str, np.ndarray]:
    """Return ``compute()``'s arrays, from ``data/cache`` when these parameters were run before.

    The file stores the parameters (as JSON) next to the arrays, so a cache entry says what made it.
    ``SUPERCRYSTAL_REFRESH_CACHE=1`` or ``refresh=True`` recomputes.
    """
    path = data_dir() / "cache" / f"{cache_key(name, params)}.npz"
    refresh = refresh or os.environ.get("SUPERCRYSTAL_REFRESH_CACHE") == "1"
    if path.exists() and not refresh:
        with np.load(path, allow_pickle=False) as z:
            return {k: z[k] for k in z.files if k != "__params__"}
    result = {k: np.asarray(v) for k, v in compute().items()}
    path.parent.mkdir(parents=True, exist_ok=True)
    meta = json.dumps({"name": name, "params": {k: _jsonable(v) for k, v in params.items()},
                       "version": __version__}, sort_keys=True)
    np.savez(path, __params__=np.array(meta), **result)
    return result
