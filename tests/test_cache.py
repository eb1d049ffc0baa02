"""The content-addressed cache (supercrystal.book.cache): results follow the code that computed them.

Each test is one of the failures the cache issue listed: a solver change served stale numbers, a file copied
under another key was served, a truncated file broke every later run, a miss wrote into the committed seed,
an unwritable folder threw away a finished result.
"""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from supercrystal.book import cache, tasks
from supercrystal.paths import data_dir

PHYSICS = ("lattice", "semiconductor", "charging", "spheres", "montecarlo")


def _data_without_seed(tmp_path: Path, monkeypatch) -> Path:
    """A data/ folder with the inputs and an empty seed: a test never reads or damages the committed seed."""
    data = tmp_path / "data"
    (data / "cache").mkdir(parents=True)
    shutil.copy(data_dir() / "materials.csv", data / "materials.csv")
    monkeypatch.setenv("SUPERCRYSTAL_DATA_DIR", str(data))
    return data


@pytest.fixture
def user_cache(tmp_path, monkeypatch):
    """A fresh user cache and an empty seed for this test, and tasks that forget what they computed in memory."""
    _data_without_seed(tmp_path, monkeypatch)
    monkeypatch.setenv("SUPERCRYSTAL_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("SUPERCRYSTAL_REFRESH_CACHE", raising=False)
    for t in cache.registry().values():
        monkeypatch.setattr(t, "_memo", {})
    return tmp_path / "cache"


# a cheap task call: the nearest shell of the simple cubic lattice at rho = 0.3 (8 spheres, order 11)
CHEAP = ("sc", 0.3, 11)


def test_a_result_is_computed_once_then_read_back_verified(user_cache):
    value, prov = tasks.nearest_shell_pair.run(*CHEAP)
    assert not prov.cached and Path(prov.cache_file).parent == user_cache
    tasks.nearest_shell_pair._memo.clear()
    again, prov2 = tasks.nearest_shell_pair.run(*CHEAP)
    assert prov2.cached and prov2.cache_file == prov.cache_file and again == value


def test_parameters_are_part_of_the_key(user_cache):
    a = tasks.nearest_shell_pair.run(*CHEAP)[1].cache_file
    b = tasks.nearest_shell_pair.run("sc", 0.31, 11)[1].cache_file
    c = tasks.nearest_shell_pair.run("sc", 0.3, 10)[1].cache_file
    assert len({a, b, c}) == 3
    # an int where a float is declared is the same key (the parameters are coerced by annotation)
    assert tasks.nearest_shell_pair.params("sc", 1, 11) == tasks.nearest_shell_pair.params("sc", 1.0, 11)


def test_a_file_copied_under_another_key_is_recomputed_not_served(user_cache, capsys):
    """The sc-under-fcc swap of the issue: the stored parameters are compared with the request's."""
    good, p1 = tasks.nearest_shell_pair.run(*CHEAP)
    _, p2 = tasks.nearest_shell_pair.run("sc", 0.31, 11)
    shutil.copy(p2.cache_file, p1.cache_file)  # the file for rho = 0.31 under the name of rho = 0.3
    tasks.nearest_shell_pair._memo.clear()
    value, prov = tasks.nearest_shell_pair.run(*CHEAP)
    err = capsys.readouterr().err
    assert not prov.cached and value == good
    assert p1.cache_file in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("damage", ["truncated", "empty", "random"])
def test_an_unreadable_file_is_a_miss_with_one_warning_naming_it(user_cache, capsys, damage):
    good, prov = tasks.nearest_shell_pair.run(*CHEAP)
    path = Path(prov.cache_file)
    data = path.read_bytes()
    path.write_bytes({"truncated": data[: len(data) // 2], "empty": b"",
                      "random": np.random.default_rng(0).bytes(len(data))}[damage])
    tasks.nearest_shell_pair._memo.clear()
    value, prov2 = tasks.nearest_shell_pair.run(*CHEAP)
    err = capsys.readouterr().err.strip().splitlines()
    assert value == good and not prov2.cached
    assert len(err) == 1 and str(path) in err[0]
    tasks.nearest_shell_pair._memo.clear()  # the file was rewritten whole: the next read is clean
    assert tasks.nearest_shell_pair.run(*CHEAP)[1].cached and capsys.readouterr().err == ""
    assert not [p for p in user_cache.iterdir() if p.name.startswith(".")], "a temporary file was left"


def test_an_unwritable_cache_folder_warns_once_and_returns_the_result(tmp_path, monkeypatch, capsys):
    _data_without_seed(tmp_path, monkeypatch)
    blocker = tmp_path / "a-file"
    blocker.write_text("")  # a folder below a regular file cannot be made, even by root
    monkeypatch.setenv("SUPERCRYSTAL_CACHE_DIR", str(blocker / "cache"))
    monkeypatch.setattr(tasks.nearest_shell_pair, "_memo", {})
    a, prov = tasks.nearest_shell_pair.run(*CHEAP)
    b, _ = tasks.nearest_shell_pair.run("sc", 0.31, 11)
    err = capsys.readouterr().err.strip().splitlines()
    assert prov.cache_file is None and a.consistent < 0 and b.consistent < 0
    assert len(err) == 1 and "cannot be written" in err[0]


def test_a_miss_never_writes_into_the_seed(user_cache):
    tasks.nearest_shell_pair.run("sc", 0.32, 11)
    assert not list(cache.seed_dir().iterdir()) and len(list(user_cache.iterdir())) == 1


def test_refresh_fills_the_seed_with_what_it_lacks(tmp_path, monkeypatch):
    """SUPERCRYSTAL_REFRESH_CACHE=1 writes into the seed: a missing result is computed into it, a valid one in
    the user cache is copied, a valid seed entry is kept (not recomputed)."""
    data = _data_without_seed(tmp_path, monkeypatch)
    monkeypatch.setenv("SUPERCRYSTAL_CACHE_DIR", str(tmp_path / "user"))
    monkeypatch.setattr(tasks.nearest_shell_pair, "_memo", {})
    _, user = tasks.nearest_shell_pair.run("sc", 0.31, 11)  # computed before the refresh, into the user cache
    assert Path(user.cache_file).parent == tmp_path / "user"
    monkeypatch.setenv("SUPERCRYSTAL_REFRESH_CACHE", "1")
    tasks.nearest_shell_pair._memo.clear()
    _, computed = tasks.nearest_shell_pair.run(*CHEAP)
    _, copied = tasks.nearest_shell_pair.run("sc", 0.31, 11)
    assert not computed.cached and Path(computed.cache_file).parent == data / "cache"
    assert copied.cached and Path(copied.cache_file).parent == data / "cache"
    stamp = Path(computed.cache_file).stat().st_mtime_ns
    tasks.nearest_shell_pair._memo.clear()
    _, again = tasks.nearest_shell_pair.run(*CHEAP)
    assert again.cached and Path(again.cache_file).stat().st_mtime_ns == stamp
    assert {e.status for e in cache.seed_status(data / "cache")} == {"current"}


def test_the_production_archive_is_read_never_computed_nor_copied_into_the_seed(user_cache, monkeypatch):
    """A production result lives in data/production (committed): a book build reads it there, a refresh of the
    seed does not copy it into the seed, cached_only never computes, and archive() copies a computed result."""
    from supercrystal import engine

    call = (tasks.nearest_shell_pair, dict(lattice="sc", rho=0.3, order=11))
    with pytest.raises(cache.NotArchived, match="1 of 1 results .nearest_shell_pair. are not held"):
        engine.compute([call], cached_only=True)
    assert not list(user_cache.glob("*.npz")), "cached_only computed something"
    value = engine.compute([call])[0]  # computed into the user cache
    assert cache.archive([call]) == 1 and cache.archive([call]) == 0  # the second time it is there already
    shutil.rmtree(user_cache)
    tasks.nearest_shell_pair._memo.clear()
    monkeypatch.setenv("SUPERCRYSTAL_REFRESH_CACHE", "1")
    again, prov = tasks.nearest_shell_pair.run(**call[1])
    assert again == value and prov.cached and Path(prov.cache_file).parent == cache.archive_dir()
    assert not list(cache.seed_dir().glob("*.npz")), "a refresh copied an archived result into the seed"
    assert engine.compute([call], cached_only=True)[0] == value
    assert [e.status for e in cache.seed_status(cache.archive_dir())] == ["current"]
    with pytest.raises(cache.NotArchived, match="not computed"):
        cache.archive([(tasks.nearest_shell_pair, dict(lattice="sc", rho=0.33, order=11))])


def test_every_production_archive_entry_matches_the_current_code():
    """The archive (data/production) is bound to the code like the seed: a change to the Monte Carlo code makes
    its entries stale, and then `make production` must run again before the commit lands."""
    folder = cache.archive_dir()
    entries = cache.seed_status(folder) if folder.is_dir() else []
    bad = [f"{e.status}: {e.path.name} ({e.task})" for e in entries if e.status != "current"]
    assert not bad, (f"{len(bad)} production archive entries do not match the code; renew them with "
                     f"`{cache.ARCHIVE_COMMAND}`:\n" + "\n".join(bad[:40]))


# --------------------------------------------------------------------------- fingerprints follow the code
FINGERPRINTS = """
import json
from supercrystal.book import cache, tasks
print(json.dumps({n: t.fingerprint() for n, t in sorted(cache.registry().items())}))
"""


def _fingerprints(src: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(src), "SUPERCRYSTAL_DATA_DIR": str(data_dir())}
    out = subprocess.run([sys.executable, "-c", FINGERPRINTS], capture_output=True, text=True, env=env,
                         check=True, cwd=src)
    return json.loads(out.stdout)


@pytest.fixture(scope="module")
def package_copy(tmp_path_factory):
    """A temporary copy of the package (the tests edit its source) and the fingerprints of the original."""
    import supercrystal

    root = tmp_path_factory.mktemp("src")
    shutil.copytree(Path(supercrystal.__file__).parent, root / "supercrystal",
                    ignore=shutil.ignore_patterns("__pycache__"))
    return root, _fingerprints(root)


def _edit(root: Path, module: str, old: str, new: str) -> str:
    path = root / "supercrystal" / module
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    return text


def test_a_solver_change_invalidates_what_depends_on_it_and_nothing_else(package_copy):
    root, original = package_copy
    saved = _edit(root, "spheres/multipole.py", "from __future__ import annotations\n",
                  "from __future__ import annotations\n_A_CHANGE = 1\n")
    try:
        changed = _fingerprints(root)
    finally:
        (root / "supercrystal/spheres/multipole.py").write_text(saved)
    moved = {n for n in original if changed[n] != original[n]}
    # everything built on the conducting-sphere solver...
    assert {"filled_lattice_solution", "nearest_shell_pair", "pair_clusters", "metal_energy",
            "patch_capacitance", "spectral_radius", "spectral_radius_sweep"} <= moved
    # ...the Monte Carlo of polarizable NC cores too (montecarlo/polar.py builds its pair table with the sphere
    # solver, spheres/lattice_green.py), and its Green's function...
    assert {"polar_mc_curve", "polar_mc_peak_width", "dielectric_green_rows"} <= moved
    # ...and nothing that does not use it: the finite differences of App. B, the uniform Monte Carlo
    assert not {"laplace_study", "mc_curve", "mc_peak_width", "mc_equilibrium_point"} & moved


def test_comments_docstrings_and_module_moves_do_not_count(package_copy):
    root, original = package_copy
    saved = _edit(root, "spheres/metal.py", '"""Metallic nanocrystals', '# a comment\n"""Metallic NCs and')
    try:
        assert _fingerprints(root) == original
    finally:
        (root / "supercrystal/spheres/metal.py").write_text(saved)


def test_a_changed_solver_recomputes_a_result_cached_by_the_old_code(package_copy, tmp_path):
    root, _ = package_copy
    env = {**os.environ, "PYTHONPATH": str(root), "SUPERCRYSTAL_DATA_DIR": str(data_dir()),
           "SUPERCRYSTAL_CACHE_DIR": str(tmp_path)}
    cmd = [sys.executable, "-m", "supercrystal", "metal", "--lattice", "sc", "--rho", "0.3", "--state", "single",
           "--spheres", "six", "--format", "json"]

    def provenance():
        out = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True, cwd=root)
        return json.loads(out.stdout)["provenance"]

    first = provenance()
    assert provenance()["cached"]
    saved = _edit(root, "spheres/multipole.py", "from __future__ import annotations\n",
                  "from __future__ import annotations\n_A_CHANGE = 2\n")
    try:
        after = provenance()
    finally:
        (root / "supercrystal/spheres/multipole.py").write_text(saved)
    assert not after["cached"] and after["fingerprint"] != first["fingerprint"]


# --------------------------------------------------------------------------- the seed and the layering
def test_every_seed_entry_matches_the_current_code():
    """A commit that changes a solver commits the refreshed seed too; otherwise this lists what is stale."""
    bad = [f"{e.status}: {e.path.name} ({e.task} {json.dumps(e.params, sort_keys=True)})"
           for e in cache.seed_status() if e.status != "current"]
    assert not bad, (f"{len(bad)} seed entries do not match the code; refresh with `{cache.REFRESH_COMMAND}`:\n"
                     + "\n".join(bad[:40]))


@pytest.mark.parametrize("package", PHYSICS)
def test_physics_never_imports_the_book_side(package):
    """Physics modules are pure: nothing in their import closure is under supercrystal.book or the CLI."""
    import supercrystal

    base = Path(supercrystal.__file__).parent / package
    modules = [f"supercrystal.{package}." + p.stem for p in base.glob("*.py") if p.stem != "__init__"]
    closure = cache.module_closure([f"supercrystal.{package}", *modules])
    closure.pop("__libraries__")
    assert not [m for m in closure if m.startswith(("supercrystal.book", "supercrystal.cli"))]


def test_an_edited_input_table_invalidates_the_results_that_read_it(package_copy, tmp_path):
    """data/materials.csv is declared by semiconductor.materials: the Monte Carlo (which reads E_q and the
    dielectric constant from it) recomputes when a value changes; Sec. IV's metal spheres do not read it."""
    root, original = package_copy
    data = tmp_path / "data"
    shutil.copytree(data_dir(), data, ignore=shutil.ignore_patterns("cache", "figures"))
    table = data / "materials.csv"
    table.write_text(table.read_text().replace("CdSe,", "CdSe,", 1) + "\n")  # same rows, other bytes
    env = {**os.environ, "PYTHONPATH": str(root), "SUPERCRYSTAL_DATA_DIR": str(data)}
    out = subprocess.run([sys.executable, "-c", FINGERPRINTS], capture_output=True, text=True, env=env,
                         check=True, cwd=root)
    changed = json.loads(out.stdout)
    assert changed["mc_curve"] != original["mc_curve"]
    assert changed["filled_lattice_solution"] == original["filled_lattice_solution"]


def test_prefetch_computes_only_what_is_missing_on_several_processes(user_cache):
    """prefetch spreads the missing calls over processes; the results land in the cache, are then read from
    it with the provenance 'computed on this build', and a second prefetch has nothing to do."""
    calls = [(tasks.nearest_shell_pair, ("sc", r, 11)) for r in (0.3, 0.31, 0.32)]
    tasks.nearest_shell_pair(*calls[0][1])  # one of them is already there
    assert cache.prefetch(calls, jobs=2) == 2
    assert len(list(user_cache.glob("*.npz"))) == 3
    for t, args in calls:
        value, prov = t.run(*args)
        assert not prov.cached and Path(prov.cache_file).parent == user_cache
        assert value == metal_single_pair(*args)
    assert cache.prefetch(calls, jobs=2) == 0


def metal_single_pair(lattice, rho, order):
    from supercrystal.spheres import metal

    return metal.single_pair(lattice, rho, 1, order)


def test_an_import_inside_a_task_counts_as_a_dependency():
    """``from supercrystal.x import y`` in a task's body never reaches its globals; the fingerprint still
    follows the module (dielectric_green_rows imports the lattice Green's function that way)."""
    from supercrystal.book import fingerprint, tasks
    parts = fingerprint._function_parts(tasks.dielectric_green_rows.fn)
    assert "supercrystal.spheres.lattice_green" in parts["modules"]
    assert fingerprint._local_imports("def f():\n    import supercrystal.units\n    from os import path\n") == {
        "supercrystal.units"}
