"""Execute the book's chapters with papermill (the one executor of the book; not physics).

``python -m supercrystal.book.runner [--out DIR] [--figure-dir DIR] [--params FILE.yaml [--html]]
[--jobs 2] [chapter ...]``

* Chapters are the MyST Markdown notebooks ``book/<chapter>.md`` listed in ``_toc.yml`` (in order), their
  one hand-written source; a chapter argument is a chapter name, the path of a source, or the path of a
  notebook (``.ipynb``, executed from a copy without outputs and without papermill's leftovers).
* Each chapter is executed from a *clean* notebook that jupytext derives from its ``.md``
  (:mod:`supercrystal.book.sources`): no output, no parameter injected by an earlier run is reused.
* Each chapter runs in its own worker process (``--jobs`` at a time), one progress line per chapter. The
  output goes to a temporary file that atomically replaces the target on success: a notebook is either
  as it was or fully written, never half. The failure message names the chapter and the cell; the
  worker's log (kernel warnings included) is kept in ``_build/logs/<chapter>.log``.
* A notebook whose new outputs equal the old ones as nbval compares them (papermill's timestamps and
  paths, ``book/nbval-sanitize.cfg``'s patterns, PNG pixels within 4/255, floats to 8 decimals) is left
  untouched, so that ``make book`` leaves a clean checkout when nothing changed.
* Without ``--out`` the executed notebooks replace ``book/<chapter>.ipynb`` (the committed notebooks are
  derived: the executed ones, and nbval re-executes them to prove they reproduce).
* The kernels run with :data:`KERNEL_ENV` (one BLAS thread) unless the caller's environment sets it.
* ``SUPERCRYSTAL_REFRESH_CACHE=1`` (``make refresh-seed``): the chapters' slow results that the committed seed
  lacks are computed into it (:mod:`supercrystal.book.cache`).
* Figure data go to ``--figure-dir`` (``make execute`` passes ``data/figures``), else to
  ``SUPERCRYSTAL_FIGURE_DIR``, else to ``_build/figures`` (never silently into the committed tree).
* ``--params FILE.yaml`` reruns the whole book for other inputs (e.g. another material). The file is
  read safely (no ``!!python`` tags, no duplicate keys) and checked against the one declaration of the
  inputs, :mod:`supercrystal.inputs` (type, range, choices, and the rules between parameters such as
  ``b_nm > a_nm``), before anything runs; every error of the file is reported at once, exit status 2.
  Each chapter gets the keys it declares. The book is built in ``_build/books/.<stem>.building-<pid>``
  and renamed to ``_build/books/<stem>/`` when complete (notebooks, figure data and, with ``--html``,
  the HTML), so two runs of the same file never destroy each other's output: the later one wins.
* SIGINT (Ctrl-C) or SIGTERM: queued chapters are cancelled, the running workers and their kernels are
  stopped, the line ``interrupted`` is printed, and the exit status is 130 or 143. Workers die with
  the runner even if it is killed outright (Linux: ``PR_SET_PDEATHSIG``).
"""
from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from supercrystal import inputs
from supercrystal.book import sources
from supercrystal.book.sources import chapters
from supercrystal.book.notebooks import same_notebook
from supercrystal.book.paramfiles import ParameterFileError, read_parameter_file
from supercrystal.paths import NotACheckoutError, book_root, build_dir
from supercrystal.threads import single_thread_blas


#: Environment of the chapters' kernels, unless already set: one BLAS thread (the multipole solver does
#: many small matrix products, which a threaded OpenBLAS slows down many-fold on a loaded 2-core
#: machine).  The one place the chapters get it from; the Makefile sets it for pytest's kernels too.
KERNEL_ENV = {"OPENBLAS_NUM_THREADS": "1"}


# ---------------------------------------------------------------------------------------------------
# one chapter

#: files and folders of the chapter being executed, removed if the worker is stopped
_CLEANUP: list[Path] = []


@dataclass(frozen=True)
class Executed:
    """What :func:`execute_one` did: wall time (s) and whether ``dst`` was written (``False``: unchanged)."""

    seconds: float
    written: bool


def _summarise_calls(lines: list[dict]) -> dict:
    """The slow results of one execution from its task calls (:data:`supercrystal.book.cache.RECORD_ENV`):
    each distinct result once, computed if any call computed it (a prefetch worker or the kernel),
    with the compute time recorded for it (None if unknown), per task and in total."""
    results: dict[tuple, dict] = {}
    for r in lines:
        k = (r["task"], r["params"])
        cur = results.setdefault(k, {"task": r["task"], "computed": False, "compute_seconds": None})
        cur["computed"] |= not r["cached"]
        if r.get("compute_seconds") is not None:
            cur["compute_seconds"] = max(cur["compute_seconds"] or 0.0, float(r["compute_seconds"]))
    tasks: dict[str, dict] = {}
    for res in results.values():
        t = tasks.setdefault(res["task"], {"cached": 0, "computed": 0, "compute_seconds": 0.0, "timed": 0})
        t["computed" if res["computed"] else "cached"] += 1
        if res["compute_seconds"] is not None:
            t["compute_seconds"] = round(t["compute_seconds"] + res["compute_seconds"], 1)
            t["timed"] += 1
    return {"cached": sum(t["cached"] for t in tasks.values()),
            "computed": sum(t["computed"] for t in tasks.values()),
            "tasks": dict(sorted(tasks.items()))}


#: where the runner keeps a chapter's execution record in its executed notebook's metadata
RECORD_KEY = "supercrystal"


def execution_record(nb) -> dict | None:
    """The execution record of an executed notebook (a path or a read notebook): ``finished`` (UTC, ISO
    8601), ``seconds`` (wall time of the execution), ``slow_results`` (:func:`_summarise_calls`); None
    if the notebook was executed before the runner kept one."""
    import nbformat

    if not hasattr(nb, "metadata"):
        try:
            nb = nbformat.read(nb, as_version=4)
        except (OSError, ValueError):
            return None
    return nb.metadata.get(RECORD_KEY, {}).get("execution")


def _same_record(a: dict | None, b: dict | None) -> bool:
    """Whether two records say the same about the slow results (which were cached, which computed); the
    times do not count, so that an unchanged chapter stays unchanged."""
    def stable(r):
        if not r:
            return None
        return {k: (v["cached"], v["computed"]) for k, v in r["slow_results"]["tasks"].items()}

    return stable(a) == stable(b)


def execute_one(src: Path, dst: Path, parameters: dict | None = None) -> Executed:
    """Execute one chapter into ``dst``: atomically, and only if its outputs changed (:func:`same_notebook`)
    or its slow results came from elsewhere than last time (cache or computed, :func:`execution_record`).

    The kernel appends each task call to a file (:data:`supercrystal.book.cache.RECORD_ENV`); the summary
    is kept in the notebook's metadata (``metadata.supercrystal.execution``) with the end time and the
    wall time, for the book's execution-status page."""
    import datetime

    import nbformat
    import papermill

    from supercrystal.book import cache

    t0 = time.perf_counter()
    dst = Path(dst)
    dst.parent.mkdir(parents=True, exist_ok=True)
    partial = dst.with_name(f".{dst.name}.{os.getpid()}.partial")
    previous_env = os.environ.get(cache.RECORD_ENV)
    with tempfile.TemporaryDirectory(prefix="supercrystal-") as tmp:
        _CLEANUP[:] = [Path(tmp), partial]
        try:
            clean = Path(tmp) / f"{Path(src).stem}.ipynb"
            out = Path(tmp) / f"executed-{Path(src).stem}.ipynb"
            calls = Path(tmp) / "task-calls.jsonl"
            calls.touch()
            os.environ[cache.RECORD_ENV] = str(calls)  # the kernel inherits it
            sources.write_notebook(src, clean)
            papermill.execute_notebook(
                str(clean), str(out), parameters=parameters or {}, cwd=str(Path(src).parent),
                kernel_name="python3", progress_bar=False, log_output=False,
            )
            lines = [json.loads(x) for x in calls.read_text().splitlines() if x.strip()]
            record = {"finished": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
                      "seconds": round(time.perf_counter() - t0, 1), "slow_results": _summarise_calls(lines)}
            nb = nbformat.read(out, as_version=4)
            nb.metadata.setdefault(RECORD_KEY, {})["execution"] = record
            nbformat.write(nb, out)
            if dst.exists() and same_notebook(dst, out) and _same_record(execution_record(dst), record):
                return Executed(time.perf_counter() - t0, False)
            shutil.copyfile(out, partial)  # same folder as dst, so that the rename below is atomic
            os.replace(partial, dst)
        finally:
            _CLEANUP.clear()
            if previous_env is None:
                os.environ.pop(cache.RECORD_ENV, None)
            else:
                os.environ[cache.RECORD_ENV] = previous_env
    return Executed(time.perf_counter() - t0, True)


def _failure(name: str, exc: BaseException) -> str:
    cell = getattr(exc, "exec_count", None)
    ename, evalue = getattr(exc, "ename", type(exc).__name__), getattr(exc, "evalue", str(exc))
    where = f"cell [{cell}]" if cell is not None else "a cell"
    first = str(evalue).strip().splitlines()[0] if str(evalue).strip() else ""
    return f"chapter {name}: {where} failed: {ename}: {first}"


# ---------------------------------------------------------------------------------------------------
# workers: one process per chapter, stopped with the runner


def _die_with_parent(parent: int) -> None:
    """Ask the kernel to send SIGTERM to this process when its parent dies (Linux), then check the
    parent is still the one that started us (it may have died before the request)."""
    if sys.platform.startswith("linux"):
        import ctypes

        with contextlib.suppress(Exception):
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:
        _stop_worker(signal.SIGTERM, None)


def _kill_tree(pid: int | None = None, sig: int = signal.SIGKILL) -> None:
    """Send ``sig`` to every descendant of ``pid`` (default: this process), kernels included, and
    remove the connection files of the kernels among them."""
    import psutil

    try:
        children = psutil.Process(pid).children(recursive=True)
    except psutil.Error:
        return
    for child in children:
        with contextlib.suppress(psutil.Error):
            cmd = child.cmdline()
            child.send_signal(sig)
            if "-f" in cmd and cmd.index("-f") + 1 < len(cmd):  # ipykernel's connection file
                with contextlib.suppress(OSError):
                    Path(cmd[cmd.index("-f") + 1]).unlink()


def _stop_worker(signum, frame) -> None:
    """Signal handler of a worker: stop the kernel, remove partial files, exit at once."""
    try:
        _kill_tree()
        for path in _CLEANUP:
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                with contextlib.suppress(OSError):
                    path.unlink()
    finally:
        os._exit(128 + int(signum))


def _worker_main(spec_file: str) -> int:
    """Entry of a worker process: execute the chapter described by ``spec_file``, write the result."""
    spec = json.loads(Path(spec_file).read_text())
    signal.signal(signal.SIGTERM, _stop_worker)
    signal.signal(signal.SIGINT, _stop_worker)
    _die_with_parent(spec["parent"])
    os.environ["SUPERCRYSTAL_FIGURE_DIR"] = spec["figure_dir"]
    os.environ.update({k: os.environ.get(k, v) for k, v in KERNEL_ENV.items()})  # the kernel inherits them
    try:
        res = execute_one(Path(spec["src"]), Path(spec["dst"]), spec["parameters"])
        result = {"ok": True, "seconds": res.seconds, "written": res.written}
    except Exception as exc:  # noqa: BLE001 - any failing chapter is reported in one line by the runner
        import traceback

        traceback.print_exc()  # into the log
        result = {"ok": False, "error": _failure(spec["name"], exc)}
    tmp = Path(spec["result"] + ".partial")
    tmp.write_text(json.dumps(result))
    os.replace(tmp, spec["result"])
    return 0 if result["ok"] else 1


@dataclass
class Task:
    """One chapter to execute: its name, source, target, parameters and figure folder."""

    name: str
    src: Path
    dst: Path
    parameters: dict | None = None
    figure_dir: Path | None = None


@dataclass
class RunResult:
    failures: int = 0
    signum: int | None = None
    done: list[str] = field(default_factory=list)


class _Signals:
    """While active, SIGINT and SIGTERM only record which arrived (the run loop polls it)."""

    def __init__(self):
        self.signum: int | None = None
        self._old = {}

    def _handle(self, signum, frame):
        if self.signum is None:
            self.signum = signum

    def __enter__(self):
        for s in (signal.SIGINT, signal.SIGTERM):
            self._old[s] = signal.signal(s, self._handle)
        return self

    def __exit__(self, *exc):
        for s, h in self._old.items():
            signal.signal(s, h)


def _default_figure_dir() -> Path:
    from supercrystal.book.datafiles import figure_dir

    return figure_dir()


def _stop_processes(procs: list[subprocess.Popen], grace: float = 10.0) -> None:
    """SIGTERM each process (a worker stops its kernel and exits), then SIGKILL what is left."""
    import psutil

    trees = {}
    for p in procs:
        with contextlib.suppress(psutil.Error):
            trees[p.pid] = psutil.Process(p.pid).children(recursive=True)
        with contextlib.suppress(ProcessLookupError):
            p.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + grace
    for p in procs:
        with contextlib.suppress(subprocess.TimeoutExpired):
            p.wait(timeout=max(0.1, deadline - time.monotonic()))
    for p in procs:
        if p.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                p.kill()
            p.wait()
        for child in trees.get(p.pid, []):
            with contextlib.suppress(psutil.Error):
                child.kill()


#: chapters that gather every other chapter's results (the claims registry): started when the others are
#: done, so that on a cold cache they read what the others computed instead of computing it a second time
SUMMARY_CHAPTERS = ("claims", "intro", "rerun", "status")  # in this order, the status page last (it reads
# the other notebooks' execution records, :func:`execution_record`)


def _durations(logs: Path) -> dict[str, float]:
    try:
        return json.loads((logs / "durations.json").read_text())
    except (OSError, ValueError):
        return {}


def _schedule(tasks: list[Task], logs: Path) -> list[Task]:
    """The longest chapters first (by their last run's time, kept in ``logs/durations.json``; unknown ones
    keep their order after the known long ones), the summary chapters last."""
    known = _durations(logs)
    last = {name: k for k, name in enumerate(SUMMARY_CHAPTERS)}
    order = sorted(range(len(tasks)), key=lambda i: (tasks[i].name in last, last.get(tasks[i].name, 0),
                                                     -known.get(tasks[i].name, 0.0), i))
    return [tasks[i] for i in order]


def run(tasks: list[Task], jobs: int, signals: _Signals | None = None, logs: Path | None = None) -> RunResult:
    """Execute ``tasks`` on ``jobs`` worker processes; one line per chapter; stop on SIGINT/SIGTERM.

    Tasks start in the order given, except that the summary chapters (:data:`SUMMARY_CHAPTERS`) wait until
    every other task is done.  Each worker's output goes to ``logs/<chapter>.log`` (default ``_build/logs``),
    and each chapter's time to ``logs/durations.json`` (which :func:`_schedule` reads).
    """
    logs = logs or build_dir() / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    result = RunResult()
    queue, running = list(tasks), {}
    total = len(tasks)
    own = signals is None
    signals = signals or _Signals()
    with tempfile.TemporaryDirectory(prefix="supercrystal-run-") as tmp, \
            (signals if own else contextlib.nullcontext()):
        try:
            while (queue or running) and signals.signum is None:
                while queue and len(running) < max(1, jobs) and signals.signum is None:
                    if queue[0].name in SUMMARY_CHAPTERS and (running or any(
                            q.name not in SUMMARY_CHAPTERS for q in queue)):
                        break  # the summary waits for every other chapter
                    task = queue.pop(0)
                    spec = Path(tmp) / f"{len(queue)}-{task.name}.json"
                    spec.write_text(json.dumps({
                        "name": task.name, "src": str(task.src), "dst": str(task.dst),
                        "parameters": task.parameters or {}, "parent": os.getpid(),
                        "figure_dir": str(task.figure_dir or _default_figure_dir()),
                        "result": str(spec.with_suffix(".result"))}))
                    log = open(logs / f"{task.name}.log", "w")  # noqa: SIM115 - closed when the worker ends
                    proc = subprocess.Popen(
                        [sys.executable, "-m", "supercrystal.book.runner", "--worker", str(spec)],
                        stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                        start_new_session=True)  # Ctrl-C reaches the runner only; it stops the workers
                    running[proc] = (task, spec, log)
                for proc in [p for p in running if p.poll() is not None]:
                    task, spec, log = running.pop(proc)
                    log.close()
                    result.done.append(task.name)
                    i = len(result.done)
                    res_file = spec.with_suffix(".result")
                    res = json.loads(res_file.read_text()) if res_file.exists() else None
                    if res and res["ok"]:
                        times = _durations(logs)
                        times[task.name] = round(float(res["seconds"]), 1)
                        (logs / "durations.json").write_text(json.dumps(times, indent=1, sort_keys=True))
                        how = "" if res["written"] else ", unchanged"
                        print(f"[{i}/{total}] {task.name}: ok ({res['seconds']:.1f} s{how})", flush=True)
                    else:
                        result.failures += 1
                        why = res["error"] if res else (f"chapter {task.name}: the worker died "
                                                        f"(exit status {proc.returncode})")
                        print(f"[{i}/{total}] {why} (log: {logs / (task.name + '.log')})",
                              file=sys.stderr, flush=True)
                time.sleep(0.05)
        finally:
            if running:
                _stop_processes(list(running))
                for task, spec, log in running.values():
                    log.close()
                    for partial in Path(task.dst).parent.glob(f".{Path(task.dst).name}.*.partial"):
                        with contextlib.suppress(OSError):
                            partial.unlink()
    result.signum = signals.signum
    return result


def _interrupted(signum: int) -> int:
    print("interrupted", file=sys.stderr, flush=True)
    return 128 + signum


@contextlib.contextmanager
def _lock(path: Path):
    """An exclusive lock on ``path`` (waits for another runner holding it)."""
    import fcntl

    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_stale_builds(books: Path) -> None:
    """Remove ``.<stem>.building-<pid>`` folders of runners that no longer exist (killed outright)."""
    for d in books.glob(".*.building-*"):
        m = re.search(r"\.building-(\d+)$", d.name)
        if m and not _pid_alive(int(m.group(1))):
            shutil.rmtree(d, ignore_errors=True)


def _run_child(cmd: list[str], signals: _Signals, **kw) -> int | None:
    """Run ``cmd`` to completion; ``None`` if a signal arrived first (the child is then stopped)."""
    proc = subprocess.Popen(cmd, start_new_session=True, **kw)
    try:
        while proc.poll() is None:
            if signals.signum is not None:
                return None
            time.sleep(0.05)
        return proc.returncode
    finally:
        if proc.poll() is None:
            _stop_processes([proc], grace=5.0)


def rerun_book(param_file: Path, jobs: int, html: bool) -> int:
    """Execute every chapter under a parameter file into ``_build/books/<stem>/`` and render it."""
    param_file = Path(param_file)
    try:
        values, per_chapter = read_parameter_file(param_file)
    except ParameterFileError as exc:
        for line in exc.errors:
            print(f"{param_file}: {line}", file=sys.stderr)
        return 2
    root = book_root()
    books = build_dir() / "books"
    books.mkdir(parents=True, exist_ok=True)
    _remove_stale_builds(books)
    final = books / param_file.stem
    tmp = books / f".{param_file.stem}.building-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    with _Signals() as signals:
        code = _build_book(root, tmp, final, values, per_chapter, param_file, jobs, html, signals)
        if code is not None:
            return code
        # the complete book replaces the old one; two runners finishing at once take turns (a signal
        # now waits for these two renames)
        with _lock(books / f".{param_file.stem}.lock"):
            old = books / f".{param_file.stem}.old-{os.getpid()}"
            if final.exists():
                os.rename(final, old)
            os.rename(tmp, final)
        shutil.rmtree(old, ignore_errors=True)
    print(f"book for {param_file}: {final}", flush=True)
    return 0


def _build_book(root, tmp, final, values, per_chapter, param_file, jobs, html, signals) -> int | None:
    """Build the book for a parameter file in ``tmp``; ``None`` on success, else the exit status (and
    ``tmp`` removed)."""
    ok = False
    try:
        (tmp / "book").mkdir(parents=True)
        for name in ("_config.yml", "_toc.yml"):
            shutil.copy(root / name, tmp / name)
        # the pages and the bibliography; a chapter's .md stays behind (its executed .ipynb is the page)
        for f in (root / "book").iterdir():
            if f.suffix in (".md", ".bib") and not sources.is_chapter_source(f):
                shutil.copy(f, tmp / "book" / f.name)
        if values:
            print(f"book for {param_file} -> {final} with {values}", flush=True)
        else:
            print(f"{param_file} sets no parameter (empty file): every chapter runs with its defaults, "
                  f"the default book, into {final}", flush=True)
        tasks = [Task(p.stem, p, tmp / "book" / f"{p.stem}.ipynb", per_chapter.get(p.stem), tmp / "data" / "figures")
                 for p in chapters(root)]
        if signals.signum is None:
            res = run(tasks, jobs, signals, logs=build_dir() / "logs" / param_file.stem)
            if res.failures and res.signum is None:
                print(f"{res.failures} chapter(s) failed: {final} is left as it was", file=sys.stderr)
                return 1
        if html and signals.signum is None:
            exe = Path(sys.executable).with_name("jupyter-book")
            cmd = [str(exe) if exe.exists() else "jupyter-book", "build", str(tmp), "--all", "--keep-going"]
            code = _run_child(cmd, signals)
            if code and signals.signum is None:
                print(f"jupyter-book failed (exit status {code}): {final} is left as it was", file=sys.stderr)
                return 1
        if signals.signum is not None:
            return _interrupted(signals.signum)
        ok = True
        return None
    finally:
        if not ok:
            shutil.rmtree(tmp, ignore_errors=True)


def _select(names: list[str], root: Path) -> list[Path]:
    known = {p.stem: p for p in chapters(root)}
    out, unknown = [], []
    for c in names:
        if c in known:
            out.append(known[c])
        elif (c.endswith(".md") and Path(c).is_file() and sources.is_chapter_source(Path(c))) or \
                (c.endswith(".ipynb") and Path(c).is_file()):
            out.append(Path(c).resolve())
        else:
            unknown.append(c)
    if unknown:
        raise ValueError(f"unknown chapter(s): {', '.join(unknown)} (known: {', '.join(sorted(known))}, "
                         f"or the path of a chapter's .md source or of a notebook)")
    return out


def main(argv: list[str] | None = None) -> int:
    single_thread_blas()  # the kernels and prefetch workers inherit it: reproducible results
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["--worker"] and len(argv) == 2:
        return _worker_main(argv[1])
    ap = inputs.ArgumentParser(prog="python -m supercrystal.book.runner", description=__doc__.splitlines()[0])
    ap.add_argument("chapter", nargs="*", help="chapter names or notebook paths (default: every chapter in _toc.yml)")
    ap.add_argument("--out", type=Path, default=None, help="write executed notebooks here (default: in place)")
    ap.add_argument("--figure-dir", type=Path, default=None,
                    help="write figure data here (default: $SUPERCRYSTAL_FIGURE_DIR, else _build/figures)")
    ap.add_argument("--jobs", type=inputs.positive_int("--jobs"), default=os.cpu_count() or 2,
                    help="chapters executed at once")
    ap.add_argument("--params", type=Path, default=None, help="YAML file: rerun the book under it")
    ap.add_argument("--html", action="store_true", help="with --params: also render the HTML book")
    args = ap.parse_args(argv)
    try:
        if args.params:
            if args.chapter or args.out or args.figure_dir:
                raise ValueError("--params reruns the whole book into _build/books/<stem>/: "
                                 "give no chapter, --out or --figure-dir with it")
            return rerun_book(args.params, args.jobs, args.html)
        root = book_root()
        selected = _select(args.chapter, root) if args.chapter else chapters(root)
        figures = args.figure_dir.resolve() if args.figure_dir else _default_figure_dir()
        out = args.out.resolve() if args.out else None
        tasks = [Task(p.stem, p, (out or p.parent) / f"{p.stem}.ipynb", None, figures) for p in selected]
        if not args.chapter:  # the whole book: the longest chapters first, by their last run's time
            tasks = _schedule(tasks, build_dir() / "logs")
        res = run(tasks, args.jobs)
        if res.signum is not None:
            return _interrupted(res.signum)
        return 1 if res.failures else 0
    except (ValueError, NotACheckoutError) as exc:
        print(f"{ap.prog}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
