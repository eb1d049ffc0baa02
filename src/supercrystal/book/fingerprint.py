"""Fingerprints of code: what a cached result's key holds besides its parameters (:mod:`supercrystal.book.cache`).

A task's fingerprint hashes the normalised syntax tree of the task function and of the helpers of its own module
that it calls, of every ``supercrystal`` module in the import closure of what it refers to, the content of the
input tables those modules declare in ``__data_files__``, the fingerprints of the tasks it calls, and the
versions of the numeric libraries the closure imports.  Normalised: docstrings dropped, and the module paths of
the package's own imports reduced to the names imported (comments and formatting never reach the tree).
"""
from __future__ import annotations

import ast
import functools
import hashlib
import inspect
import sys
import types
from pathlib import Path
from typing import Callable

from supercrystal.paths import data_dir

#: numeric libraries whose version can change a result; included when the closure imports them
NUMERIC_LIBRARIES = ("numpy", "scipy", "numba")
_PACKAGE = "supercrystal"


def _package_root() -> Path:
    import supercrystal

    return Path(supercrystal.__file__).resolve().parent


def _module_file(name: str) -> Path | None:
    """Source file of a module of the package (``supercrystal.x.y``), or None if ``name`` is no module."""
    parts = name.split(".")
    if parts[0] != _PACKAGE:
        return None
    base = _package_root().joinpath(*parts[1:])
    for cand in (base.with_suffix(".py"), base / "__init__.py"):
        if cand.is_file():
            return cand
    return None


def _resolve(node: ast.ImportFrom, module: str) -> str:
    """Absolute module name of an ``ImportFrom`` inside ``module``."""
    if not node.level:
        return node.module or ""
    is_pkg = (_module_file(module) or Path()).name == "__init__.py"
    package = module if is_pkg else module.rpartition(".")[0]
    for _ in range(node.level - 1):
        package = package.rpartition(".")[0]
    return f"{package}.{node.module}" if node.module else package


def _imports(tree: ast.Module, module: str) -> tuple[set[str], set[str]]:
    """(package modules, third-party top-level names) imported anywhere in a module's tree."""
    inside, outside = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                (inside if _module_file(a.name) else outside).add(
                    a.name if _module_file(a.name) else a.name.split(".")[0])
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(node, module)
            if base.split(".")[0] != _PACKAGE:
                outside.add(base.split(".")[0])
                continue
            for a in node.names:
                sub = f"{base}.{a.name}"
                inside.add(sub if _module_file(sub) else base)
    return inside, outside


class _Normalise(ast.NodeTransformer):
    """Drop docstrings and the module paths of the package's own imports (see the module docstring)."""

    def __init__(self, module: str):
        self.module = module

    def _strip(self, node):
        body = node.body
        if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant) \
                and isinstance(body[0].value.value, str):
            node.body = body[1:] or [ast.Pass()]
        self.generic_visit(node)
        return node

    visit_Module = visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = _strip

    def visit_ImportFrom(self, node):
        if _resolve(node, self.module).split(".")[0] == _PACKAGE:
            return ast.ImportFrom(module=_PACKAGE, names=node.names, level=0)
        return node

    def visit_Import(self, node):
        names = [ast.alias(name=_PACKAGE if a.name.split(".")[0] == _PACKAGE else a.name,
                           asname=a.asname) for a in node.names]
        return ast.Import(names=names)


def _normalised_hash(source: str, module: str) -> str:
    tree = _Normalise(module).visit(ast.parse(source))
    return hashlib.sha256(ast.dump(tree, annotate_fields=False).encode()).hexdigest()


def _declared_data_files(tree: ast.Module) -> tuple[str, ...]:
    """The names in a module's ``__data_files__ = (...)``: files of ``data/`` whose content it computes from."""
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "__data_files__" for t in node.targets):
            return tuple(ast.literal_eval(node.value))
    return ()


@functools.lru_cache(maxsize=None)
def _module_info(name: str, mtime_ns: int) -> tuple[str, frozenset, frozenset, tuple]:
    """(normalised hash, package imports, third-party imports, declared data files) of one module
    (keyed by its mtime)."""
    path = _module_file(name)
    tree = ast.parse(path.read_text())
    inside, outside = _imports(tree, name)
    return (_normalised_hash(path.read_text(), name), frozenset(inside), frozenset(outside),
            _declared_data_files(tree))


def _file_hash(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return "missing"


def module_closure(roots) -> dict[str, str]:
    """Every package module reachable from ``roots`` by imports -> its normalised source hash."""
    seen: dict[str, str] = {}
    libs: set[str] = set()
    stack = list(roots)
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        path = _module_file(name)
        if path is None:
            continue
        digest, inside, outside, files = _module_info(name, path.stat().st_mtime_ns)
        if files:  # an input table counts like code: its content is hashed with the module
            digest = hashlib.sha256("".join([digest, *(_file_hash(data_dir() / f) for f in files)]).encode()
                                    ).hexdigest()
        seen[name] = digest
        libs |= outside
        stack.extend(inside)
    seen["__libraries__"] = ",".join(sorted(libs))
    return seen


def _library_versions(names: str) -> dict[str, str]:
    out = {}
    for lib in NUMERIC_LIBRARIES:
        if lib in names.split(","):
            mod = sys.modules.get(lib) or __import__(lib)
            out[lib] = getattr(mod, "__version__", "?")
    return out


def _code_names(code: types.CodeType) -> set[str]:
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _code_names(const)
    return names


def _local_imports(source: str) -> set[str]:
    """Package modules imported inside a function's body (``from supercrystal.x import y`` in a task): names
    that never reach its globals, so :func:`_code_names` alone would miss them."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and not node.level and (node.module or "").split(".")[0] == _PACKAGE:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                found.add(full if _module_file(full) else node.module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == _PACKAGE}
    return found


def _function_parts(fn: Callable, parts: dict | None = None) -> dict:
    """What a task function depends on, found from the global names its code uses:

    ``sources``: normalised hashes of the function and of the helper functions of its own module that it
    calls (followed recursively, so a helper in the task module counts, not the whole module);
    ``modules``: other package modules it refers to (as modules, or through their functions and classes, or
    imported inside its body);
    ``tasks``: the tasks it calls.
    """
    parts = parts if parts is not None else {"seen": set(), "sources": set(), "modules": set(), "tasks": {}}
    if fn in parts["seen"]:
        return parts
    parts["seen"].add(fn)
    source = inspect.cleandoc("\n" + inspect.getsource(fn))
    parts["sources"].add(_normalised_hash(source, fn.__module__))
    parts["modules"] |= _local_imports(source)
    for name in sorted(_code_names(fn.__code__)):
        obj = fn.__globals__.get(name)
        if getattr(obj, "is_cached_task", False) is True:
            parts["tasks"][obj.name] = obj
        elif isinstance(obj, types.ModuleType):
            if obj.__name__.split(".")[0] == _PACKAGE:
                parts["modules"].add(obj.__name__)
        elif isinstance(obj, types.FunctionType) and obj.__module__ == fn.__module__:
            _function_parts(obj, parts)
        elif str(getattr(obj, "__module__", "") or "").split(".")[0] == _PACKAGE:
            parts["modules"].add(obj.__module__)
    return parts
