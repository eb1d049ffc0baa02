"""Reruns that must not damage the checkout.

* A chapter rerun by hand with papermill from the repository root (the README's example) writes its figure
  data to ``_build/figures``, not over the committed ``data/figures``.
* Figure files and notebooks are left untouched when a rerun changes nothing but floating-point noise, so
  ``make book`` leaves ``git status`` clean.
* A non-editable ``pip install .`` refuses in one line, saying to install with ``pip install -e .``.
"""
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest

from supercrystal.book import datafiles, notebooks
from supercrystal.paths import ROOT


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*.csv"))}


def test_papermill_rerun_from_the_root_leaves_data_figures_alone(tmp_path):
    committed = ROOT / "data" / "figures" / "sec3_semiconductor"
    before = _digests(committed)
    env = {k: v for k, v in os.environ.items() if k != "SUPERCRYSTAL_FIGURE_DIR"}
    papermill = Path(sys.executable).with_name("papermill")
    out = subprocess.run([str(papermill), "book/sec3_semiconductor.ipynb", str(tmp_path / "out.ipynb"),
                          "-p", "material", "PbSe", "-p", "a_nm", "3.0", "-p", "b_nm", "3.5"],
                         cwd=ROOT, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-2000:]
    assert _digests(committed) == before, "a papermill rerun overwrote the committed data/figures"
    fresh = ROOT / "_build" / "figures" / "sec3_semiconductor"
    params, _ = datafiles.read_figure_data(next(fresh.glob("*.csv")))
    assert params["material"] == "PbSe"


def test_figure_file_is_kept_when_only_the_last_digits_change(tmp_path, monkeypatch):
    monkeypatch.setenv("SUPERCRYSTAL_FIGURE_DIR", str(tmp_path))
    x = np.linspace(0.1, 1.0, 7)
    path = datafiles.write_figure_data("ch", "fig", {"x": x, "y": x**2}, {"T_c": 316.5556173195818})
    stamp = path.stat().st_mtime_ns, path.read_bytes()
    datafiles.write_figure_data("ch", "fig", {"x": x, "y": x**2 * (1 + 3e-12)}, {"T_c": 316.55561731958176})
    assert (path.stat().st_mtime_ns, path.read_bytes()) == stamp
    datafiles.write_figure_data("ch", "fig", {"x": x, "y": x**2 * (1 + 1e-6)}, {"T_c": 316.5556173195818})
    assert path.read_bytes() != stamp[1]
    datafiles.write_figure_data("ch", "fig", {"x": x, "z": x**2}, {"T_c": 316.5556173195818})
    assert "x,z" in path.read_text()
    assert [p.name for p in path.parent.iterdir()] == ["fig.csv"]  # no partial files left


def test_default_figure_dir_is_outside_the_committed_tree(monkeypatch):
    monkeypatch.delenv("SUPERCRYSTAL_FIGURE_DIR", raising=False)
    assert datafiles.figure_dir() == ROOT / "_build" / "figures"
    text = subprocess.run(["git", "check-ignore", "_build/figures/x.csv"], cwd=ROOT, capture_output=True,
                          text=True)
    assert text.returncode == 0, "git does not ignore _build/"


def _executed_copy(src: Path, dst: Path, edit=None):
    nb = nbformat.read(src, as_version=4)
    nb.metadata.setdefault("papermill", {})["end_time"] = "2099-01-01T00:00:00"
    nb.metadata["papermill"]["input_path"] = "/tmp/elsewhere/x.ipynb"
    for c in nb.cells:
        c.metadata.pop("execution", None)
    if edit:
        edit(nb)
    nbformat.write(nb, dst)
    return dst


def test_same_notebook_ignores_what_nbval_ignores(tmp_path):
    src = ROOT / "book" / "sec3_semiconductor.ipynb"
    assert notebooks.same_notebook(src, _executed_copy(src, tmp_path / "a.ipynb"))

    def last_digits(nb):  # a glued float's 16th digit (BLAS summation order)
        for c in nb.cells:
            for o in c.get("outputs", []):
                for mime, v in o.get("data", {}).items():
                    if mime.startswith("application/papermill.record/text/plain") and "." in str(v):
                        o["data"][mime] = str(v)[:-1] + ("1" if str(v)[-1] != "1" else "2")
                        return

    assert notebooks.same_notebook(src, _executed_copy(src, tmp_path / "b.ipynb", last_digits))

    def new_text(nb):
        for c in nb.cells:
            if c.cell_type == "markdown":
                c.source += " changed"
                return

    assert not notebooks.same_notebook(src, _executed_copy(src, tmp_path / "c.ipynb", new_text))

    def new_figure(nb):  # a glued figure's SVG: nbval ignores it (book/nbval-sanitize.cfg), and so does
        # same_notebook; a figure's numbers are checked through its data file (tests/test_figures.py)
        for c in nb.cells:
            for o in c.get("outputs", []):
                for mime, v in o.get("data", {}).items():
                    if "svg" in mime:
                        o["data"][mime] = str(v).replace("</svg>", "<!-- changed --></svg>")
                        return True
        return False

    changed = []
    assert notebooks.same_notebook(src, _executed_copy(src, tmp_path / "d.ipynb",
                                                       lambda nb: changed.append(new_figure(nb))))
    assert changed == [True], "no glued SVG figure found in the chapter"


def test_gitignore_covers_what_reruns_leave():
    """(Reruns write new slow results to the user cache, never to data/cache: see tests/test_cache.py.)"""
    for path in ("_build/books/pbse/book/sec1_introduction.ipynb", "_build/logs/sec1_introduction.log",
                 "build/lib/supercrystal/cli.py", ".venv/bin/python"):
        res = subprocess.run(["git", "check-ignore", "-q", path], cwd=ROOT)
        assert res.returncode == 0, f"git would show {path}"


def test_non_editable_install_refuses_in_one_line(tmp_path):
    """``pip install .`` (not ``-e``) puts the package where data/ and the chapters are not: every entry
    point says in one line to install with ``pip install -e .``, exit status 2."""
    src = tmp_path / "src-copy"  # the package's sources only (a build would leave build/ in the checkout)
    shutil.copytree(ROOT / "src", src / "src", ignore=shutil.ignore_patterns("*.egg-info", "__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    target = tmp_path / "site"
    pip = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
                          "--no-build-isolation", "--target", str(target), str(src)],
                         capture_output=True, text=True)
    if pip.returncode != 0:
        pip = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target",
                              str(target), str(src)], capture_output=True, text=True)
    if pip.returncode != 0:
        pytest.skip(f"cannot build the package here: {pip.stderr.strip().splitlines()[-1:]}")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SUPERCRYSTAL_")}
    env["PYTHONPATH"] = str(target)
    where = subprocess.run([sys.executable, "-c", "import supercrystal; print(supercrystal.__file__)"],
                           env=env, cwd=tmp_path, capture_output=True, text=True).stdout
    assert where.startswith(str(target)), where
    for argv in (["-m", "supercrystal", "voltages", "--a-nm", "2", "--b-nm", "2.5", "--material", "CdSe"],
                 ["-m", "supercrystal", "claims"],
                 ["-m", "supercrystal.book.runner", "--jobs", "1"]):
        res = subprocess.run([sys.executable, *argv], env=env, cwd=tmp_path, capture_output=True, text=True)
        lines = res.stderr.strip().splitlines()
        assert res.returncode == 2 and len(lines) == 1, (argv, res.stderr)
        assert "pip install -e ." in lines[0] and "non-editable" in lines[0]


def test_pyyaml_is_declared():
    text = (ROOT / "pyproject.toml").read_text()
    deps = text.split("dependencies = [", 1)[1].split("]", 1)[0]
    assert "pyyaml" in deps.lower()  # the runner imports yaml: a dependency of the package, not an extra
