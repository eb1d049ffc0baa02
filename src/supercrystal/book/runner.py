"""Execute the book's chapters with papermill (the one executor of the book; not physics).

``python -m supercrystal.book.runner [--out DIR] [--params FILE.yaml] [--jobs 2] [chapter ...]``

* Chapters are the MyST Markdown notebooks ``book/<chapter>.md`` listed in ``_toc.yml`` (in order), their
  one hand-written source.
* Each chapter is executed from a *clean* notebook that jupytext derives from its ``.md``
  (:mod:`supercrystal.book.sources`): no output, no parameter injected by an earlier run is reused.
* The output goes to a temporary file and replaces the target only on success: a failing chapter never
  leaves a half-executed notebook behind.  The failure message names the chapter and the cell.
* Without ``--out`` the executed notebooks replace ``book/<chapter>.ipynb`` (the committed notebooks are
  derived: the executed ones, and nbval re-executes them to prove they reproduce).
* Chapters run in parallel on ``--jobs`` processes, one progress line per chapter.
* ``--params FILE.yaml`` reruns the whole book for other inputs (e.g. another material): the file is
  checked against every chapter's ``parameters`` cell first (unknown key, wrong type, value outside
  the range declared at the end of the parameter's comment, unknown material: refused before any
  notebook runs, naming the key); each chapter gets the keys it declares; the executed chapters, their
  figure data (``data/figures``) and the rendered HTML go to ``_build/books/<file stem>/``, leaving the default book
  untouched.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from supercrystal.book import sources
from supercrystal.paths import ROOT


def chapters(root: Path = ROOT) -> list[Path]:
    """Chapter sources in ``_toc.yml`` order (the entries whose ``.md`` is a MyST Markdown notebook)."""
    files = re.findall(r"file:\s*(\S+)", (root / "_toc.yml").read_text())
    candidates = [root / f"{f.removesuffix('.md')}.md" for f in files]
    return [p for p in candidates if sources.is_chapter_source(p)]


def execute_one(src: Path, dst: Path, parameters: dict | None = None) -> float:
    """Execute the chapter source ``src`` (``.md``) into the notebook ``dst`` (atomically); returns the wall
    time in seconds."""
    import papermill

    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        clean = Path(tmp) / f"{src.stem}.ipynb"
        out = Path(tmp) / f"executed-{src.stem}.ipynb"
        sources.write_notebook(src, clean)
        papermill.execute_notebook(
            str(clean), str(out), parameters=parameters or {}, cwd=str(src.parent),
            kernel_name="python3", progress_bar=False, log_output=False,
        )
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(out), str(dst))
    return time.perf_counter() - t0


def _failure(name: str, exc: Exception) -> str:
    cell = getattr(exc, "exec_count", None)
    ename, evalue = getattr(exc, "ename", type(exc).__name__), getattr(exc, "evalue", str(exc))
    where = f"cell [{cell}]" if cell is not None else "a cell"
    return f"chapter {name}: {where} failed: {ename}: {evalue}"


def run(selected: list[Path], out_dir: Path | None, parameters: dict | None, jobs: int) -> int:
    """Execute chapters; print one line per chapter; return the number of failures."""
    failures = 0
    total = len(selected)
    with ProcessPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = {
            pool.submit(execute_one, p, (out_dir if out_dir else p.parent) / f"{p.stem}.ipynb", parameters): p
            for p in selected
        }
        for i, fut in enumerate(as_completed(futures), 1):
            name = futures[fut].stem
            try:
                print(f"[{i}/{total}] {name}: ok ({fut.result():.1f} s)", flush=True)
            except Exception as exc:  # noqa: BLE001 - report any failing chapter, then go on
                failures += 1
                print(f"[{i}/{total}] {_failure(name, exc)}", file=sys.stderr, flush=True)
    return failures


_RANGE = re.compile(r"([\[(])\s*([-+0-9.eE]+|-?inf)\s*,\s*([-+0-9.eE]+|inf)\s*([\])])\s*$")


@dataclass(frozen=True)
class Parameter:
    """One line of a chapter's ``parameters`` cell: ``name: type = default  # help [lo, hi]``."""

    chapter: str
    name: str
    type: str
    default: str
    help: str
    low: float | None = None
    high: float | None = None
    closed_low: bool = True
    closed_high: bool = True

    def range_text(self) -> str:
        if self.low is None:
            return ""
        return f"{'[' if self.closed_low else '('}{self.low:g}, {self.high:g}{']' if self.closed_high else ')'}"


def parameters(root: Path = ROOT) -> list[Parameter]:
    """Every chapter's parameters, read by papermill from the ``parameters`` cells."""
    out = []
    for nb in chapters(root):
        for name, p in sources.inspect_parameters(nb).items():
            text = p.get("help", "") or ""
            m = _RANGE.search(text)
            kw = {}
            if m:
                kw = dict(low=float(m.group(2)), high=float(m.group(3)),
                          closed_low=m.group(1) == "[", closed_high=m.group(4) == "]")
                text = text[: m.start()].rstrip()
            out.append(Parameter(nb.stem, name, p["inferred_type_name"], p["default"], text, **kw))
    return out


def check_parameter_file(values: dict, root: Path = ROOT) -> dict[str, dict]:
    """Validate a parameter file against the chapters; return the parameters for each chapter.

    Raises ``ValueError`` naming the key for an unknown key, a wrong type, a value outside the
    declared range or an unknown material.
    """
    from supercrystal.semiconductor.materials import names as material_names

    decl = parameters(root)
    by_name: dict[str, list[Parameter]] = {}
    for p in decl:
        by_name.setdefault(p.name, []).append(p)
    if not isinstance(values, dict):
        raise ValueError("the parameter file must be a mapping of parameter names to values")
    clean = {}
    for key, value in values.items():
        if key not in by_name:
            raise ValueError(f"unknown parameter {key!r}: no chapter declares it "
                             f"(known: {', '.join(sorted(by_name))})")
        p = by_name[key][0]
        if p.type == "float" and isinstance(value, (int, float)) and not isinstance(value, bool):
            value = float(value)
        elif p.type == "int" and isinstance(value, int) and not isinstance(value, bool):
            pass
        elif p.type == "str" and isinstance(value, str):
            pass
        elif p.type == "bool" and isinstance(value, bool):
            pass
        else:
            raise ValueError(f"parameter {key!r} must be of type {p.type} (got {value!r})")
        if p.low is not None:
            lo_ok = value >= p.low if p.closed_low else value > p.low
            hi_ok = value <= p.high if p.closed_high else value < p.high
            if not (lo_ok and hi_ok):
                raise ValueError(f"parameter {key!r} = {value!r} is outside its range {p.range_text()}")
        if key == "material" and value.lower() not in {m.lower() for m in material_names()}:
            raise ValueError(f"parameter 'material' must be one of {material_names()} (got {value!r})")
        clean[key] = value
    per_chapter: dict[str, dict] = {}
    for p in decl:
        if p.name in clean:
            per_chapter.setdefault(p.chapter, {})[p.name] = clean[p.name]
    return per_chapter


def rerun_book(param_file: Path, jobs: int, html: bool) -> int:
    """Execute every chapter under a parameter file into ``_build/books/<stem>/`` and render it."""
    import subprocess

    import yaml

    values = yaml.safe_load(Path(param_file).read_text()) or {}
    try:
        per_chapter = check_parameter_file(values)
    except ValueError as exc:
        print(f"{param_file}: {exc}", file=sys.stderr)
        return 2
    out = ROOT / "_build" / "books" / Path(param_file).stem
    if out.exists():
        shutil.rmtree(out)
    (out / "book").mkdir(parents=True)
    for name in ("_config.yml", "_toc.yml"):
        shutil.copy(ROOT / name, out / name)
    # the pages and the bibliography; a chapter's .md stays behind (its executed .ipynb is the page)
    for f in (ROOT / "book").iterdir():
        if f.suffix in (".md", ".bib") and not sources.is_chapter_source(f):
            shutil.copy(f, out / "book" / f.name)
    os.environ["SUPERCRYSTAL_FIGURE_DIR"] = str(out / "data" / "figures")
    print(f"book for {param_file} -> {out} with {values}", flush=True)
    failures = 0
    total = len(chapters())
    with ProcessPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = {pool.submit(execute_one, p, out / "book" / f"{p.stem}.ipynb", per_chapter.get(p.stem)): p
                   for p in chapters()}
        for i, fut in enumerate(as_completed(futures), 1):
            name = futures[fut].stem
            try:
                print(f"[{i}/{total}] {name}: ok ({fut.result():.1f} s)", flush=True)
            except Exception as exc:  # noqa: BLE001
                failures += 1
                print(f"[{i}/{total}] {_failure(name, exc)}", file=sys.stderr, flush=True)
    if failures:
        return 1
    if html:
        cmd = ["jupyter-book", "build", str(out), "--all", "--keep-going"]
        return subprocess.call(cmd)
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("chapter", nargs="*", help="chapter names (default: every chapter in _toc.yml)")
    ap.add_argument("--out", type=Path, default=None, help="write executed notebooks here")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--params", type=Path, default=None, help="YAML file: rerun the book under it")
    ap.add_argument("--html", action="store_true", help="with --params: also render the HTML book")
    args = ap.parse_args(argv)
    from supercrystal.book.cache import refresh_since

    refresh_since()  # a seed refresh starts now, for every chapter's kernel alike (see book.cache)
    if args.params:
        return rerun_book(args.params, args.jobs, args.html)
    selected = chapters()
    if args.chapter:
        known = {p.stem: p for p in selected}
        missing = [c for c in args.chapter if c not in known]
        if missing:
            print(f"unknown chapter(s): {missing}; known: {sorted(known)}", file=sys.stderr)
            return 2
        selected = [known[c] for c in args.chapter]
    return 1 if run(selected, args.out, None, args.jobs) else 0


if __name__ == "__main__":
    sys.exit(main())
