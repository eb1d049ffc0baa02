"""Content-addressed cache of the slow results: the key is every parameter plus the code that computes them.

A slow computation is a *task* (:func:`task`, used by :mod:`supercrystal.book.tasks`): a function of plain
parameters that returns a frozen dataclass or a dict of arrays.  Its cache key hashes

* the task's name and every parameter (coerced by the function's annotations, defaults applied);
* the **fingerprint** of the code (:mod:`supercrystal.book.fingerprint`): the task function's own source, every module of the ``supercrystal``
  package in the import closure of what it calls (found by reading the modules' import statements), the
  content of the input tables those modules declare in ``__data_files__`` (``data/materials.csv``), and the
  fingerprints of the tasks it calls; plus the versions of the numeric libraries the closure imports
  (numpy, scipy, numba).

What counts as a change of code: the parsed syntax tree.  Comments, formatting and docstrings do not count
(they cannot change a number); neither do the module paths in the package's own import statements (a module
moved into another folder computes the same numbers; the imported names do count).  Any other edit of a module
in the closure -- a constant, an expression, a renamed local -- changes the fingerprint, and every result that
depends on it is recomputed.  There is no hand-bumped version anywhere.

Where results live
------------------
* the **seed**, ``data/cache/`` of the repository: committed, read-only in normal use, so that a fresh clone and
  CI build the book without recomputing the slow results;
* the **user cache**: ``SUPERCRYSTAL_CACHE_DIR`` if set, else ``$XDG_CACHE_HOME/supercrystal`` (default
  ``~/.cache/supercrystal``): every new result goes there;
* the **production archive**, ``data/production/`` of the repository: committed results of the CPU-hours runs of
  ``make production`` (:func:`archive` copies them there).  Read like the seed, never written by a book build;
  a chapter asks for them with :func:`supercrystal.engine.compute`'s ``cached_only``, so that a cold build
  never starts hours of computing (:class:`NotArchived` instead).  The same fingerprints bind them to the code:
  ``python -m supercrystal.book.cache status`` checks them too, and a change to the code they depend on makes
  them stale until ``make production`` runs again.

``SUPERCRYSTAL_REFRESH_CACHE=1`` (``make refresh-seed``) is the one way to write the seed: every result the
book asks for that the seed lacks for the current code is computed (or copied from the user cache, where a
valid one exists) into ``data/cache``.  Results whose code did not change are valid by construction and are
kept, so a change to one solver recomputes only what depends on it; to recompute everything, empty
``data/cache`` first.  ``python -m supercrystal.book.cache status`` lists the seed entries that no longer match
the code; ``prune`` deletes them.

Every read is verified: the stored task name, parameters and fingerprint must equal the request's.  An
unreadable, truncated or mismatched file is a miss: one warning naming the path, the result is recomputed and
written anew.  Writes go through a temporary file in the same folder and :func:`os.replace`, so a crash never
leaves half a file; a folder that cannot be written gives one warning and the result is returned all the same.

Every call is recorded as a :class:`Provenance` (cached or computed, the file, the fingerprint), which the CLI
prints in its JSON and the chapters state under their figures (:func:`recording`).
"""
from __future__ import annotations

import dataclasses
import functools
import hashlib
import inspect
import json
import os
import shutil
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

import numpy as np

from supercrystal.book.fingerprint import _function_parts, _library_versions, module_closure
from supercrystal.paths import data_dir

_PACKAGE = "supercrystal"


# --------------------------------------------------------------------------- where
def seed_dir() -> Path:
    """The committed, read-only seed of slow results (``data/cache``)."""
    return data_dir() / "cache"


def archive_dir() -> Path:
    """The committed archive of the production runs (``data/production``; see the module docstring)."""
    return data_dir() / "production"


def _folders() -> tuple[Path, ...]:
    """Where results are looked up, in order: the user cache, the seed, the production archive."""
    return user_dir(), seed_dir(), archive_dir()


class NotArchived(LookupError):
    """A result asked for from the caches only (a production run's) is held by none of them for this code."""


def user_dir() -> Path:
    """Where new results are written: ``SUPERCRYSTAL_CACHE_DIR``, else the XDG user cache folder."""
    env = os.environ.get("SUPERCRYSTAL_CACHE_DIR")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / _PACKAGE


def writing_seed() -> bool:
    """Whether new results go into the seed (``SUPERCRYSTAL_REFRESH_CACHE=1``) rather than the user cache."""
    return os.environ.get("SUPERCRYSTAL_REFRESH_CACHE") == "1"


# --------------------------------------------------------------------------- results <-> arrays
def _to_arrays(result) -> tuple[dict[str, np.ndarray], dict]:
    if dataclasses.is_dataclass(result):
        values = {f.name: getattr(result, f.name) for f in dataclasses.fields(result)}
        kind = {"dataclass": f"{type(result).__module__}:{type(result).__qualname__}"}
    elif isinstance(result, dict):
        values, kind = dict(result), {"dict": True}
    else:
        raise TypeError(f"a task returns a frozen dataclass or a dict of arrays (got {type(result).__name__})")
    none = sorted(k for k, v in values.items() if v is None)
    arrays = {k: np.asarray(v) for k, v in values.items() if v is not None}
    for k, a in arrays.items():
        if a.dtype == object:
            raise TypeError(f"task result field {k!r} is not numeric or text")
    return arrays, {**kind, "none": none}


def _scalar(value: np.ndarray, annotation: str):
    if value.ndim:
        return tuple(value.tolist()) if annotation.startswith("tuple") else value
    item = value.item()
    for t, cast in (("bool", bool), ("int", int), ("float", float), ("str", str)):
        if annotation.startswith(t):
            return cast(item)
    return item


def _from_arrays(arrays: dict[str, np.ndarray], meta: dict):
    if "dict" in meta:
        return {k: arrays[k] for k in arrays}
    mod, _, qual = meta["dataclass"].partition(":")
    cls = __import__(mod, fromlist=["_"])
    for part in qual.split("."):
        cls = getattr(cls, part)
    kw = {}
    for f in dataclasses.fields(cls):
        if f.name in meta["none"]:
            kw[f.name] = None
        else:
            kw[f.name] = _scalar(arrays[f.name], str(f.type))
    return cls(**kw)


# --------------------------------------------------------------------------- provenance
@dataclasses.dataclass(frozen=True)
class Provenance:
    """Where one task result came from.

    cached : read from a cache file (True) or computed in this process (False).
    cache_file : the file read or written (None if it could not be written).
    fingerprint : the code fingerprint of the task (16 hex digits shown).
    seconds : the time of this call (reading the file, or computing).
    compute_seconds : the time the result took to compute, when it was computed (this call, or the one
    that wrote the cache file, if the file records it; None for files older than that record).
    """

    task: str
    params: str
    cached: bool
    cache_file: str | None
    fingerprint: str
    seconds: float
    compute_seconds: float | None = None

    def as_json(self) -> dict:
        return {"cached": self.cached, "cache_file": self.cache_file, "fingerprint": self.fingerprint}


_LOG: list[Provenance] = []


@contextmanager
def recording() -> Iterator[list[Provenance]]:
    """Collect the :class:`Provenance` of every task call made inside the ``with`` block."""
    start = len(_LOG)
    out: list[Provenance] = []
    try:
        yield out
    finally:
        out.extend(_LOG[start:])


def provenance_note(records: list[Provenance]) -> str:
    """One Markdown sentence for under a figure: how many slow results were read from the cache and how
    many computed on this build, and the code fingerprint of each task."""
    if not records:
        return "No cached result was used."
    tasks: dict[str, set] = {}
    for r in records:
        tasks.setdefault(r.task, set()).add(r.fingerprint)
    n_cached = sum(r.cached for r in records)
    which = ", ".join(f"`{name}` {'/'.join(sorted(fps))}" for name, fps in sorted(tasks.items()))
    return (f"Slow results: {n_cached} read from the cache, {len(records) - n_cached} computed on this build "
            f"(task and code fingerprint: {which}).")


#: environment variable naming a file to which every task call of this process is appended as one JSON line
#: (task, cached, seconds, compute_seconds, prefetch): the book runner sets it for each chapter's kernel and
#: keeps the summary in the executed notebook (:func:`supercrystal.book.runner.execution_record`)
RECORD_ENV = "SUPERCRYSTAL_PROVENANCE_FILE"

#: True in the worker processes of :func:`prefetch` (their calls compute what the chapter then reads)
_IN_PREFETCH = False


def _record(prov: Provenance) -> None:
    path = os.environ.get(RECORD_ENV)
    if not path:
        return
    line = json.dumps({"task": prov.task, "params": prov.params, "cached": prov.cached,
                       "seconds": round(prov.seconds, 3), "compute_seconds": prov.compute_seconds,
                       "prefetch": _IN_PREFETCH})
    try:
        with open(path, "a") as fh:  # one short line per write: appends of concurrent processes do not mix
            fh.write(line + "\n")
    except OSError:
        pass


def mark() -> int:
    """A position in this process's record of task calls (for :func:`since`)."""
    return len(_LOG)


def since(position: int) -> list[Provenance]:
    """The task calls recorded after :func:`mark` returned ``position``."""
    return list(_LOG[position:])


def provenance_log() -> list[Provenance]:
    """Every task call of this process so far (oldest first)."""
    return list(_LOG)


# --------------------------------------------------------------------------- tasks
_WARNED: set[str] = set()


def _warn(message: str, once: str | None = None) -> None:
    """One line on stderr (a cache problem is never an error: the result is recomputed or returned)."""
    if once is not None:
        if once in _WARNED:
            return
        _WARNED.add(once)
    print(f"supercrystal cache: {message}", file=sys.stderr, flush=True)


def _jsonable(value):
    if isinstance(value, (np.floating, np.integer, np.bool_)):
        return value.item()
    if isinstance(value, (tuple, list, np.ndarray)):
        return [_jsonable(v) for v in value]
    return value


_COERCE = {"float": float, "int": int, "str": str, "bool": bool}


class Task:
    """A slow computation cached by content (see the module docstring).  Call it like the function."""

    is_cached_task = True  # how :mod:`supercrystal.book.fingerprint` recognises a task a function calls

    def __init__(self, fn: Callable):
        functools.update_wrapper(self, fn)
        self.fn = fn
        self.name = fn.__name__
        self.signature = inspect.signature(fn)
        self._memo: dict[str, Any] = {}
        self._fingerprint: str | None = None
        self._read_seconds: float | None = None
        _REGISTRY[self.name] = self

    # ---- key
    def params(self, *args, **kwargs) -> dict:
        """Every parameter of a call, defaults applied, coerced by the annotations (the cache key's part)."""
        bound = self.signature.bind(*args, **kwargs)
        bound.apply_defaults()
        out = {}
        for k, v in bound.arguments.items():
            ann = str(self.signature.parameters[k].annotation)
            cast = _COERCE.get(ann)
            if cast is not None and v is not None and not (cast is bool and isinstance(v, str)):
                try:
                    v = cast(v)
                except (TypeError, ValueError):
                    raise ValueError(f"{k} must be of type {ann} (got {k}={v!r})") from None
            elif ann.startswith("tuple") and v is not None:
                v = tuple(float(x) if isinstance(x, (float, np.floating)) else x for x in v)
            out[k] = _jsonable(v)
        try:  # the key's form: what JSON gives back (tuples become lists)
            return json.loads(json.dumps(out, sort_keys=True))
        except (TypeError, ValueError):
            raise ValueError(f"{self.name}: parameters must be numbers, text or lists of them (got {out})") from None

    def fingerprint(self) -> str:
        """Hash of the task's source, its module closure, the tasks it calls and the numeric libraries
        (computed once per process: the code does not change under a running process)."""
        if self._fingerprint is None:
            self._fingerprint = self._compute_fingerprint()
        return self._fingerprint

    def _compute_fingerprint(self) -> str:
        parts = _function_parts(self.fn)
        closure = module_closure(parts["modules"])
        libs = _library_versions(closure.pop("__libraries__"))
        blob = json.dumps({
            "sources": sorted(parts["sources"]),
            "modules": sorted(closure.values()),
            "tasks": sorted(t.fingerprint() for t in parts["tasks"].values() if t is not self),
            "libraries": libs,
        }, sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]

    def key(self, params: dict, fingerprint: str) -> str:
        blob = json.dumps({"task": self.name, "params": params, "fingerprint": fingerprint}, sort_keys=True)
        return f"{self.name}-{hashlib.sha256(blob.encode()).hexdigest()[:16]}"

    def available(self, *args, **kwargs) -> bool:
        """Whether a call's result is already held (in memory, or a verified file of either cache)."""
        params = self.params(*args, **kwargs)
        fp = self.fingerprint()
        key = self.key(params, fp)
        if key in self._memo:
            return True
        for folder in _folders():
            path = folder / f"{key}.npz"
            if path.exists() and self._read(path, params, fp, quiet=True) is not None:
                return True
        return False

    def held_path(self, *args, **kwargs) -> Path | None:
        """The verified file holding a call's result (user cache, seed or archive, in that order), or None."""
        params = self.params(*args, **kwargs)
        fp = self.fingerprint()
        key = self.key(params, fp)
        for folder in _folders():
            path = folder / f"{key}.npz"
            if path.exists() and self._read(path, params, fp, quiet=True) is not None:
                return path
        return None

    # ---- call
    def __call__(self, *args, **kwargs):
        return self.run(*args, **kwargs)[0]

    def run(self, *args, **kwargs) -> tuple[Any, Provenance]:
        """(result, provenance) of a call: from memory, a verified cache file, or computed and stored."""
        params = self.params(*args, **kwargs)
        fp = self.fingerprint()
        key = self.key(params, fp)
        pjson = json.dumps(params, sort_keys=True)
        t0 = time.perf_counter()
        if key in self._memo:
            result, prov = self._memo[key]
            _LOG.append(prov)
            _record(prov)
            return result, prov
        to_seed = writing_seed()
        found = None
        for folder in _folders():
            path = folder / f"{key}.npz"
            if path.exists():
                found = self._read(path, params, fp)
                if found is not None:
                    if to_seed and folder == user_dir():  # the seed gets a copy of a valid user result
                        path = _copy_into(path, seed_dir()) or path
                    prov = Provenance(self.name, pjson, key not in _BUILT_HERE, str(path), fp,
                                      time.perf_counter() - t0, self._read_seconds)
                    break
        if found is None:
            result = self.fn(**params)
            seconds = time.perf_counter() - t0
            target = seed_dir() if to_seed else user_dir()
            written = self._write(target / f"{key}.npz", result, params, fp, seconds)
            prov = Provenance(self.name, pjson, False, str(written) if written else None, fp, seconds, seconds)
        else:
            result = found
        self._memo[key] = (result, prov)
        _LOG.append(prov)
        _record(prov)
        return result, prov

    def store(self, result, *args, seconds: float | None = None, **kwargs) -> Path | None:
        """Put the result of a call computed elsewhere (a worker of :mod:`supercrystal.engine`, which
        checked that it ran this code: the same fingerprint) into this process's cache under the call's key
        (the user cache, or the seed under ``SUPERCRYSTAL_REFRESH_CACHE=1``), with the ``seconds`` it took to
        compute; the written path or None."""
        params = self.params(*args, **kwargs)
        fp = self.fingerprint()
        key = self.key(params, fp)
        target = seed_dir() if writing_seed() else user_dir()
        _BUILT_HERE.add(key)
        return self._write(target / f"{key}.npz", result, params, fp, seconds)

    def _read(self, path: Path, params: dict, fp: str, quiet: bool = False):
        warn = (lambda message: None) if quiet else _warn
        try:
            with np.load(path, allow_pickle=False) as z:
                meta = json.loads(str(z["__meta__"]))
                arrays = {k: z[k] for k in z.files if k != "__meta__"}
        except Exception as exc:  # noqa: BLE001 - any unreadable file is a miss
            warn(f"cache file {path} is unreadable ({type(exc).__name__}); recomputing")
            return None
        if meta.get("task") != self.name or meta.get("params") != params or meta.get("fingerprint") != fp:
            warn(f"cache file {path} holds another result (task, parameters or code fingerprint differ); "
                  "recomputing")
            return None
        self._read_seconds = meta.get("seconds")  # the compute time the file records (newer files)
        try:
            return _from_arrays(arrays, meta["result"])
        except Exception as exc:  # noqa: BLE001
            warn(f"cache file {path} does not fit the result type ({type(exc).__name__}); recomputing")
            return None

    def _write(self, path: Path, result, params: dict, fp: str, seconds: float | None = None) -> Path | None:
        arrays, kind = _to_arrays(result)
        meta = {"task": self.name, "params": params, "fingerprint": fp, "result": kind,
                "created": time.time(), "seconds": None if seconds is None else round(seconds, 3)}
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".npz", dir=path.parent)
            try:
                with os.fdopen(fd, "wb") as fh:
                    np.savez(fh, __meta__=np.array(json.dumps(meta, sort_keys=True)), **arrays)
                os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600; a cache file is an ordinary file
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            _warn(f"cache folder {path.parent} cannot be written ({exc.strerror or exc}); "
                  "the result is used but not stored", once=str(path.parent))
            return None
        return path


_REGISTRY: dict[str, Task] = {}


#: keys of results computed on this build by :func:`prefetch`'s worker processes (their provenance says so)
_BUILT_HERE: set[str] = set()


def _run_call(call: tuple) -> str:
    """Worker of :func:`prefetch`: compute one task call (the result lands in the cache); its key."""
    from supercrystal.book import tasks  # noqa: F401 - defines every task in this process

    global _IN_PREFETCH
    before, _IN_PREFETCH = _IN_PREFETCH, True
    try:
        name, args, kwargs = call
        t = _REGISTRY[name]
        t(*args, **kwargs)
        return t.key(t.params(*args, **kwargs), t.fingerprint())
    finally:
        _IN_PREFETCH = before


def prefetch(calls, jobs: int | None = None, progress=None) -> int:
    """Compute the results among ``calls`` that no cache holds yet, on ``jobs`` processes at once.

    ``calls`` : (task, args) or (task, args, kwargs) tuples.  Results already cached are not touched, so on a
    warm cache this costs a few file checks; on a cold one the chapter's slow results are spread over the
    machine's cores (default: all of them) instead of being computed one after another when the chapter asks
    for them.  Returns the number of calls computed.  ``progress`` wraps the iterator of finished calls
    (e.g. tqdm).
    """
    from concurrent.futures import ProcessPoolExecutor, as_completed

    todo = []
    for call in calls:
        t, args, kwargs = (*call, {})[:3]
        if not t.available(*args, **kwargs):
            todo.append((t.name, tuple(args), dict(kwargs)))
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(todo)))
    if jobs <= 1:
        for c in todo:
            _run_call(c)
        return len(todo)
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        done = as_completed([pool.submit(_run_call, c) for c in todo])
        for fut in (progress(done, total=len(todo)) if progress else done):
            _BUILT_HERE.add(fut.result())
    return len(todo)
_UMASK = os.umask(0o022)
os.umask(_UMASK)


def _copy_into(path: Path, folder: Path) -> Path | None:
    """Copy a cache file into ``folder`` atomically; the new path, or None if the folder cannot be written."""
    target = folder / path.name
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".npz", dir=folder)
        os.close(fd)
        shutil.copyfile(path, tmp)
        os.chmod(tmp, 0o666 & ~_UMASK)
        os.replace(tmp, target)
    except OSError as exc:
        _warn(f"cache folder {folder} cannot be written ({exc.strerror or exc})", once=str(folder))
        return None
    return target


def archive(calls, folder: Path | None = None) -> int:
    """Copy the cache files of the task ``calls`` ((task, kwargs) pairs, computed) into the production archive
    (``folder``, default :func:`archive_dir`); the number of files copied.  Raises :class:`NotArchived` when a
    call's result is held nowhere (compute it first)."""
    folder = folder or archive_dir()
    folder.mkdir(parents=True, exist_ok=True)
    copied = 0
    for t, kw in calls:
        params, fp = t.params(**kw), t.fingerprint()
        held = folder / f"{t.key(params, fp)}.npz"
        if held.exists() and t._read(held, params, fp, quiet=True) is not None:
            continue  # archived already
        path = t.held_path(**kw)
        if path is None:
            raise NotArchived(f"{t.name}({json.dumps(t.params(**kw), sort_keys=True)}) is not computed: nothing to "
                              "archive")
        if _copy_into(path, folder) is None:
            raise OSError(f"cannot write the archive folder {folder}")
        copied += 1
    return copied


def task(fn: Callable) -> Task:
    """Make ``fn`` a cached :class:`Task` (its name is the task's name; it must be unique)."""
    if fn.__name__ in _REGISTRY and _REGISTRY[fn.__name__].fn.__module__ != fn.__module__:
        raise ValueError(f"task name {fn.__name__!r} is taken")
    return Task(fn)


def registry() -> dict[str, Task]:
    """Every task defined so far, by name (import :mod:`supercrystal.book.tasks` to define them all)."""
    return dict(_REGISTRY)


# --------------------------------------------------------------------------- the seed
@dataclasses.dataclass(frozen=True)
class SeedEntry:
    path: Path
    task: str | None
    params: dict | None
    status: str  # "current", "stale" (code changed), "orphan" (no such task), "unreadable"


def seed_status(folder: Path | None = None) -> list[SeedEntry]:
    """Every entry of the seed, with whether it still matches the current code."""
    from supercrystal.book import tasks  # noqa: F401 - defines every task

    folder = folder or seed_dir()
    out = []
    fps: dict[str, str] = {}
    for path in sorted(folder.glob("*.npz")):
        try:
            with np.load(path, allow_pickle=False) as z:
                meta = json.loads(str(z["__meta__"]))
        except Exception:  # noqa: BLE001
            out.append(SeedEntry(path, None, None, "unreadable"))
            continue
        t = _REGISTRY.get(meta.get("task"))
        if t is None:
            out.append(SeedEntry(path, meta.get("task"), meta.get("params"), "orphan"))
            continue
        fp = fps.setdefault(t.name, t.fingerprint())
        ok = meta.get("fingerprint") == fp and path.stem == t.key(meta.get("params"), fp)
        out.append(SeedEntry(path, t.name, meta.get("params"), "current" if ok else "stale"))
    return out


REFRESH_COMMAND = "make refresh-seed"
ARCHIVE_COMMAND = "make production"

#: measured compute times of the slow tasks (committed; read by the book's "Rerun this book" page)
TIMES_FILE = "compute_times.json"


def recorded_times(folders=None) -> dict[str, list[float]]:
    """The compute times (s) the cache files record, per task (files written before the cache recorded
    them are left out), from the seed and the user cache."""
    folders = (seed_dir(), user_dir()) if folders is None else folders
    out: dict[str, list[float]] = {}
    seen = set()
    for folder in folders:
        for path in sorted(Path(folder).glob("*.npz")) if Path(folder).is_dir() else ():
            if path.name in seen:
                continue
            seen.add(path.name)
            try:
                with np.load(path, allow_pickle=False) as z:
                    meta = json.loads(str(z["__meta__"]))
            except Exception:  # noqa: BLE001 - an unreadable file records nothing
                continue
            if meta.get("seconds") is not None:
                out.setdefault(meta["task"], []).append(float(meta["seconds"]))
    return out


def update_times(path: Path | None = None, folders=None) -> dict:
    """Merge the recorded compute times into ``data/compute_times.json``: per task the median time of one
    result and how many results it is the median of; a task with no recorded time keeps its entry."""
    path = Path(path) if path is not None else data_dir() / TIMES_FILE
    try:
        old = json.loads(path.read_text())["tasks"]
    except (OSError, ValueError, KeyError):
        old = {}
    for name, times in recorded_times(folders).items():
        times = sorted(times)
        old[name] = {"median_seconds": round(times[len(times) // 2], 1), "results": len(times),
                     "machine": f"{os.cpu_count()} cores", "recorded": time.strftime("%Y-%m-%d", time.gmtime())}
    data = {"about": "compute time of one result of each slow task, as the cache recorded it when computing "
                     "(python -m supercrystal.book.cache times; make refresh-seed)",
            "tasks": dict(sorted(old.items()))}
    path.write_text(json.dumps(data, indent=1) + "\n")
    return data


def main(argv: list[str] | None = None) -> int:
    """``python -m supercrystal.book.cache status|prune|times``: the seed and the production archive against the
    current code (prune deletes what no longer matches); ``times``
    merges the compute times the cache files record into data/compute_times.json."""
    import argparse

    ap = argparse.ArgumentParser(prog="python -m supercrystal.book.cache", description=main.__doc__)
    ap.add_argument("action", choices=("status", "prune", "times"))
    args = ap.parse_args(argv)
    if args.action == "times":
        data = update_times()
        print(f"{data_dir() / TIMES_FILE}: {len(data['tasks'])} tasks")
        return 0
    entries = seed_status()
    archived = seed_status(archive_dir()) if archive_dir().is_dir() else []
    bad = [e for e in entries + archived if e.status != "current"]
    for e in bad:
        print(f"{e.status}: {e.path.name} ({e.task} {json.dumps(e.params, sort_keys=True)})")
    if args.action == "prune":
        for e in bad:
            e.path.unlink()
        print(f"pruned {len(bad)} of {len(entries) + len(archived)} seed and archive entries")
        return 0
    stale_archive = [e for e in archived if e.status != "current"]
    print(f"{len(entries) - len(bad) + len(stale_archive)} of {len(entries)} seed entries match the code"
          + (f"; refresh with: {REFRESH_COMMAND}" if len(bad) > len(stale_archive) else ""))
    if archived:
        print(f"{len(archived) - len(stale_archive)} of {len(archived)} production archive entries match the code"
              + (f"; renew with: {ARCHIVE_COMMAND}" if stale_archive else ""))
    return 1 if bad else 0


if __name__ == "__main__":  # run as the package's module, whose registry the tasks fill (not __main__'s)
    from supercrystal.book.cache import main as _main

    sys.exit(_main())
