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


def project_requirements(pyproject: Path = ROOT / "pyproject.toml") -> list[Requirement]:
    """The dependencies of ``pyproject.toml`` and of every extra, as parsed requirements."""
    proj = tomllib.loads(Path(pyproject).read_text())["project"]
    reqs = list(proj.get("dependencies", []))
    for extra in proj.get("optional-dependencies", {}).values():
        reqs += extra
    return [Requirement(r) for r in reqs]


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
    if args.check:
        same = args.file.exists() and read_lock(args.file) == read_lock_text(text)
        print(f"{args.file}: {'up to date' if same else 'differs from the installed versions (make lock)'}")
        return 0 if same else 1
    tmp = args.file.with_name(args.file.name + ".tmp")
    tmp.write_text(text)
    tmp.replace(args.file)
    print(f"{args.file}: {text.count('==')} pins")
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
