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
