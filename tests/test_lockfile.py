"""The pinned environment: requirements.lock pins every dependency of pyproject.toml within its bounds."""
from packaging.utils import canonicalize_name

from supercrystal import lockfile
from supercrystal.paths import ROOT

LOCK = ROOT / lockfile.LOCK


def test_every_dependency_of_pyproject_is_pinned_within_its_bounds():
    pins = lockfile.read_lock(LOCK)
    reqs = lockfile.project_requirements()
    assert reqs, "pyproject.toml lists dependencies"
    unpinned = sorted({r.name for r in reqs if canonicalize_name(r.name) not in pins})
    assert not unpinned, f"not in {lockfile.LOCK} (run `make lock`): {unpinned}"
    outside = [f"{r} (locked {pins[canonicalize_name(r.name)]})" for r in reqs
               if not r.specifier.contains(pins[canonicalize_name(r.name)], prereleases=True)]
    assert not outside, f"{lockfile.LOCK} pins versions pyproject.toml excludes (run `make lock`): {outside}"


def test_the_lock_is_pins_only_without_the_project():
    text = LOCK.read_text()
    lines = [x for x in text.splitlines() if x.strip() and not x.startswith("#")]
    assert all(x.count("==") == 1 and " " not in x for x in lines)
    names = [canonicalize_name(x.split("==")[0]) for x in lines]
    assert len(names) == len(set(names)) and names == sorted(names)
    assert lockfile.PROJECT not in names


def test_the_installed_environment_matches_the_lock_for_every_installed_pin():
    """What the tests run on is what the lock says (make install uses it as constraints)."""
    from importlib import metadata

    differ = []
    for name, version in lockfile.read_lock(LOCK).items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue  # an extra this venv does not install (selenium: make browser-test)
        if installed != version:
            differ.append(f"{name} {installed} != {version}")
    assert not differ, f"installed versions differ from {lockfile.LOCK}: {differ}"


def test_make_install_uses_the_lock():
    makefile = (ROOT / "Makefile").read_text()
    assert f"-c $(LOCK)" in makefile and f"LOCK   := {lockfile.LOCK}" in makefile
    assert "$(STAMP): pyproject.toml $(LOCK)" in makefile


ENV = ROOT / lockfile.ENVIRONMENT


def _lock_python() -> str:
    import re

    return re.search(r"Python (\d+\.\d+)", LOCK.read_text()).group(1)


def test_every_package_pinned_in_environment_yml_matches_the_lock():
    """Binder and conda users get the versions of requirements.lock: every pin of environment.yml equals the
    lock's, the lock is the pip constraints, every direct requirement is pinned, Python is the lock's."""
    pins, env = lockfile.read_lock(LOCK), lockfile.read_environment(ENV)
    differ = {n: (v, pins.get(n)) for n, v in env["pins"].items() if pins.get(n) != v}
    assert not differ, f"environment.yml pins differ from {lockfile.LOCK} (run `make lock`): {differ}"
    assert f"-c {lockfile.LOCK}" in env["pip"], "environment.yml does not install under the lock"
    assert set(env["conda"]) == {"python", "pip"}, f"conda packages beside Python and pip: {env['conda']}"
    assert env["python"] == _lock_python()
    missing = [n for n in lockfile.environment_requirements() if n not in env["pins"]]
    assert not missing, f"direct requirements not pinned in environment.yml: {missing}"
    assert "-e ." in env["pip"]


def test_environment_yml_is_written_from_the_lock():
    assert ENV.read_text() == lockfile.environment_text(lockfile.read_lock(LOCK), _lock_python()), (
        "environment.yml differs from what `make lock` writes from requirements.lock")


def test_environment_text_refuses_an_unpinned_requirement():
    import pytest

    pins = lockfile.read_lock(LOCK)
    del pins["numpy"]
    with pytest.raises(ValueError, match="numpy"):
        lockfile.environment_text(pins, "3.11")


@__import__("pytest").mark.slow
def test_environment_yml_resolves_to_the_lock(tmp_path):
    """pip resolves environment.yml's pip section (as conda runs it: a requirements file beside
    environment.yml) to exactly the locked versions.  Needs the package index; about half a minute."""
    import json
    import subprocess
    import sys

    req = ROOT / "condaenv.pytest.requirements.txt"  # conda writes the pip section next to environment.yml
    req.write_text("\n".join(lockfile.read_environment(ENV)["pip"]) + "\n")
    try:
        subprocess.run([sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--quiet",
                        "--report", str(tmp_path / "report.json"), "-r", str(req)], check=True, cwd=ROOT)
    finally:
        req.unlink()
    pins = lockfile.read_lock(LOCK)
    got = {canonicalize_name(i["metadata"]["name"]): i["metadata"]["version"]
           for i in json.loads((tmp_path / "report.json").read_text())["install"]}
    got.pop(lockfile.PROJECT)
    assert {n: v for n, v in got.items() if pins.get(n) != v} == {}
