"""Every figure's numbers regenerate: a fresh run of each chapter reproduces ``data/figures``.

Each chapter writes the numbers behind its figures to ``data/figures/<chapter>/<figure>.csv``.  Under
``make test`` nbval has just re-executed every chapter with ``SUPERCRYSTAL_FIGURE_DIR`` pointing at a
fresh folder; this test compares those files with the committed ones.  Run alone, it executes the
chapters itself (from their ``.md`` sources) with papermill into a temporary folder.

The computations are deterministic (fixed seeds), and the files hold 12 significant digits, so a
relative tolerance of 1e-8 passes only an identical computation (up to floating-point summation
order) and catches any real change of a figure.
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from supercrystal.book.datafiles import read_figure_data
from supercrystal.book.runner import execute_one
from supercrystal.paths import ROOT

COMMITTED = ROOT / "data" / "figures"
CHAPTERS = sorted(p.name for p in COMMITTED.iterdir() if p.is_dir()) if COMMITTED.exists() else []
RTOL, ATOL = 1e-8, 1e-12


@pytest.fixture(scope="session")
def fresh_root(tmp_path_factory) -> Path:
    env = os.environ.get("SUPERCRYSTAL_FIGURE_DIR")
    return Path(env) if env else tmp_path_factory.mktemp("fresh-figures")


def _fresh_chapter(fresh_root: Path, chapter: str, tmp_path: Path) -> Path:
    out = fresh_root / chapter
    if not any(out.glob("*.csv")):
        source = ROOT / "book" / f"{chapter}.md"
        assert source.exists(), f"data/figures/{chapter} has no chapter book/{chapter}.md"
        old = os.environ.get("SUPERCRYSTAL_FIGURE_DIR")
        os.environ["SUPERCRYSTAL_FIGURE_DIR"] = str(fresh_root)
        try:
            execute_one(source, tmp_path / f"{chapter}.ipynb")
        finally:
            if old is None:
                del os.environ["SUPERCRYSTAL_FIGURE_DIR"]
            else:
                os.environ["SUPERCRYSTAL_FIGURE_DIR"] = old
    return out


def test_every_chapter_with_figures_is_checked():
    notebooks = {p.stem for p in (ROOT / "book").glob("*.ipynb")}
    assert set(CHAPTERS) <= notebooks


def _same_params(a, b) -> bool:
    """Equal headers; a float (a computed value such as T_c recorded with the figure) to RTOL."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same_params(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same_params(x, y) for x, y in zip(a, b))
    if isinstance(a, float) or isinstance(b, float):
        return isinstance(a, (int, float)) and isinstance(b, (int, float)) and bool(
            np.isclose(a, b, rtol=RTOL, atol=0.0))
    return a == b


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_figure_data_regenerates(chapter, fresh_root, tmp_path):
    fresh = _fresh_chapter(fresh_root, chapter, tmp_path)
    committed = {p.name for p in (COMMITTED / chapter).glob("*.csv")}
    regenerated = {p.name for p in fresh.glob("*.csv")}
    assert regenerated == committed, "the chapter writes other figure files than are committed"
    for name in sorted(committed):
        params_c, cols_c = read_figure_data(COMMITTED / chapter / name)
        params_f, cols_f = read_figure_data(fresh / name)
        assert _same_params(params_f, params_c), f"{name}: parameters differ: {params_f} != {params_c}"
        assert list(cols_f) == list(cols_c), f"{name}: columns differ"
        for col in cols_c:
            np.testing.assert_allclose(cols_f[col], cols_c[col], rtol=RTOL, atol=ATOL,
                                       equal_nan=True, err_msg=f"{chapter}/{name}:{col}")


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_figure_file_is_offered_for_download(chapter):
    """Each chapter links every CSV behind its figures (datafiles.download_links) for the reader."""
    import nbformat

    nb = nbformat.read(ROOT / "book" / f"{chapter}.ipynb", as_version=4)
    text = "".join(str(o.get("data", {}).get("text/markdown", ""))
                   for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))
    for f in (COMMITTED / chapter).glob("*.csv"):
        assert f"<../data/figures/{chapter}/{f.name}>" in text, f"{chapter} does not link {f.name}"
