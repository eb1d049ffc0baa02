"""The pinned environment: ``requirements.lock`` from the versions installed in the project's venv.

``python -m supercrystal.lockfile [--check] [FILE]`` (``make lock`` writes ``requirements.lock``) pins every
distribution that the project's requirements need -- ``[project] dependencies`` and every extra of
``pyproject.toml`` -- and, recursively, what those need (their ``Requires-Dist``, with environment markers and
requested extras evaluated for this interpreter), at the versions installed now: what pip-compile does, read
from the installed metadata instead of a resolver, so the lock is exactly the environment the book was built
and tested with.  The project itself is left out (it is installed editable from the checkout).

``make install`` installs with ``pip install -c requirements.lock -e .[test]``: pinned versions for everything
the lock lists, while ``pyproject.toml`` keeps its lower bounds (a plain ``pip install -e .`` still resolves
the newest versions).  A requirement that is not installed is an error naming it (``make lock`` installs every
extra first).  ``--check`` exits 1 if FILE differs from what would be written.

The same run writes ``environment.yml`` beside the default lock (:func:`environment_text`), the conda/Binder
specification: Python from conda-forge, everything else from PyPI with the lock as constraints and every direct
requirement of ``pyproject.toml`` pinned to its locked version, so Binder and conda users get the environment
the book was built with.
"""
from __future__ import annotations

import sys
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from supercrystal.paths import ROOT

PROJECT = "supercrystal"
LOCK = "requirements.lock"
ENVIRONMENT = "environment.yml"
#: extras of pyproject.toml that Binder and conda users do not need (selenium: make browser-test only)
NOT_IN_ENVIRONMENT = ("browser",)


def project_requirements(pyproject: Path = ROOT / "pyproject.toml") -> list[Requirement]:
    """The dependencies of ``pyproject.toml`` and of every extra, as parsed requirements."""
    proj = tomllib.loads(Path(pyproject).read_text())["project"]
    reqs = list(proj.get("dependencies", []))
    for extra in proj.get("optional-dependencies", {}).values():
        reqs += extra
    return [Requirement(r) for r in reqs]


def environment_requirements(pyproject: Path = ROOT / "pyproject.toml") -> list[str]:
    """Canonical names of the direct requirements of ``pyproject.toml`` that environment.yml pins: the
    dependencies and every extra but :data:`NOT_IN_ENVIRONMENT`, in their order, each once."""
    proj = tomllib.loads(Path(pyproject).read_text())["project"]
    reqs = list(proj.get("dependencies", []))
    for name, extra in proj.get("optional-dependencies", {}).items():
        if name not in NOT_IN_ENVIRONMENT:
            reqs += extra
    return list(dict.fromkeys(canonicalize_name(Requirement(r).name) for r in reqs))


def environment_text(pins: dict[str, str], python: str | None = None,
                     pyproject: Path = ROOT / "pyproject.toml") -> str:
    """environment.yml for ``pins`` (the lock): conda's Python ``python`` (this interpreter's major.minor) and
    pip, then from PyPI under ``-c requirements.lock`` every direct requirement pinned to the lock, then the
    project itself (editable).  Raises ValueError naming a direct requirement the lock does not pin."""
    python = python or ".".join(map(str, sys.version_info[:2]))
    names = environment_requirements(pyproject)
    missing = [n for n in names if n not in pins]
    if missing:
        raise ValueError(f"not pinned in {LOCK}: {', '.join(missing)} (run `make lock`)")
    lines = ["# Conda / Binder environment: written by `make lock` (python -m supercrystal.lockfile) from",
             f"# {LOCK}; do not edit.  Python from conda-forge, everything else from PyPI at the locked versions",
             "# (the lock as pip constraints, and every direct requirement of pyproject.toml pinned), the same",
             "# environment `make install` builds.",
             "name: supercrystal",
             "channels:",
             "  - conda-forge",
             "dependencies:",
             f"  - python={python}",
             "  - pip",
             "  - pip:",
             f'      - "-c {LOCK}"']
    lines += [f'      - "{n}=={pins[n]}"' for n in names]
    lines.append('      - "-e ."')
    return "\n".join(lines) + "\n"


def read_environment(path: Path) -> dict:
    """environment.yml as ``{"python": "3.11", "conda": {name: spec}, "pip": [line, ...],
    "pins": {canonical name: version}}`` (the ``name==version`` lines of its pip section)."""
    import yaml

    env = yaml.safe_load(Path(path).read_text())
    out = {"python": None, "conda": {}, "pip": [], "pins": {}}
    for dep in env.get("dependencies", []):
        if isinstance(dep, dict):
            out["pip"] += [str(x) for x in dep.get("pip", [])]
            continue
        name, _, spec = str(dep).partition("=")
        out["conda"][canonicalize_name(name.strip())] = spec.lstrip("=<>").strip()
    out["python"] = out["conda"].get("python")
    for line in out["pip"]:
        if "==" in line and not line.startswith("-"):
            name, _, version = line.partition("==")
            out["pins"][canonicalize_name(name.strip())] = version.strip()
    return out


def _applies(req: Requirement, extras: set[str]) -> bool:
    if req.marker is None:
        return True
    env = default_environment()
    return any(req.marker.evaluate({**env, "extra": e}) for e in (extras or {""}))


def closure(roots: list[Requirement]) -> dict[str, str]:
    """Canonical name -> installed version of every distribution ``roots`` need, recursively."""
    pinned: dict[str, str] = {}
    done: set[tuple[str, frozenset]] = set()
    stack = [(r, frozenset()) for r in roots if _applies(r, set())]
    missing = []
    while stack:
        req, _ = stack.pop()
        name = canonicalize_name(req.name)
        key = (name, frozenset(req.extras))
        if key in done or name == PROJECT:
            continue
        done.add(key)
        try:
            dist = metadata.distribution(req.name)
        except metadata.PackageNotFoundError:
            missing.append(str(req))
            continue
        pinned[name] = dist.version
        for sub in dist.requires or []:
            r = Requirement(sub)
            if _applies(r, set(req.extras)):
                stack.append((r, frozenset(r.extras)))
    if missing:
        raise ValueError(f"not installed: {', '.join(sorted(set(missing)))} (run `make lock`, which installs "
                         "every extra of pyproject.toml first)")
    return dict(sorted(pinned.items()))


def lock_text(pins: dict[str, str]) -> str:
    py = ".".join(map(str, sys.version_info[:2]))
    head = [f"# Pinned environment of the book (Python {py}, {sys.platform}): written by `make lock` from the",
            "# versions installed in .venv (python -m supercrystal.lockfile).  `make install` uses it as pip",
            "# constraints; pyproject.toml keeps the lower bounds.  Do not edit: rerun `make lock`."]
    return "\n".join(head + [f"{n}=={v}" for n, v in pins.items()]) + "\n"


def read_lock(path: Path) -> dict[str, str]:
    """Canonical name -> pinned version of a lock file (``name==version`` lines, comments ignored)."""
    out = {}
    for line in Path(path).read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        name, sep, version = line.partition("==")
        if not sep or not version.strip():
            raise ValueError(f"{path}: not a pin: {line!r}")
        out[canonicalize_name(name.strip())] = version.strip()
    return out


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(prog="python -m supercrystal.lockfile", description=__doc__.splitlines()[0])
    ap.add_argument("file", nargs="?", type=Path, default=ROOT / LOCK)
    ap.add_argument("--check", action="store_true", help="exit 1 if the file differs from the installed set")
    args = ap.parse_args(argv)
    try:
        text = lock_text(closure(project_requirements()))
    except ValueError as exc:
        print(f"{ap.prog}: error: {exc}", file=sys.stderr)
        return 2
    # environment.yml goes with the default lock (a lock written elsewhere is a scratch copy)
    env_file = args.file.with_name(ENVIRONMENT) if args.file.resolve() == (ROOT / LOCK).resolve() else None
    env_text = environment_text(read_lock_text(text)) if env_file else None
    if args.check:
        same = args.file.exists() and read_lock(args.file) == read_lock_text(text)
        print(f"{args.file}: {'up to date' if same else 'differs from the installed versions (make lock)'}")
        if env_file:
            env_same = env_file.exists() and env_file.read_text() == env_text
            print(f"{env_file}: {'up to date' if env_same else 'differs from the lock (make lock)'}")
            same = same and env_same
        return 0 if same else 1
    for path, content in ((args.file, text), (env_file, env_text)):
        if path is None:
            continue
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(content)
        tmp.replace(path)
    print(f"{args.file}: {text.count('==')} pins" + (f"; {env_file.name} written" if env_file else ""))
    return 0


def read_lock_text(text: str) -> dict[str, str]:
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".lock", delete=False) as fh:
        fh.write(text)
    try:
        return read_lock(Path(fh.name))
    finally:
        Path(fh.name).unlink()


if __name__ == "__main__":
    sys.exit(main())
