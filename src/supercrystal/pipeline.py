"""Execute the book's chapters with papermill (the one executor of the book; not physics).

``python -m supercrystal.pipeline [--out DIR] [--params FILE.yaml] [--jobs 2] [chapter ...]``

* Chapters are the notebooks listed in ``_toc.yml`` (in order).
* Each chapter is executed from a *clean* copy of its source: cells that an earlier papermill run left
  behind (``injected-parameters``, error markers) are stripped first, so no stale parameter is reused.
* The output goes to a temporary file and replaces the target only on success: a failing chapter never
  leaves a half-executed notebook behind.  The failure message names the chapter and the cell.
* Without ``--out`` the executed notebooks replace the sources in ``book/`` (the committed notebooks
  are the executed ones, and nbval re-executes them to prove they reproduce).
* Chapters run in parallel on ``--jobs`` processes, one progress line per chapter.
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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_STALE_TAGS = {"injected-parameters", "papermill-error-cell-tag"}


def chapters(root: Path = ROOT) -> list[Path]:
    """Notebook chapters in ``_toc.yml`` order (``.ipynb`` files that exist)."""
    files = re.findall(r"file:\s*(\S+)", (root / "_toc.yml").read_text())
    out = []
    for f in files:
        p = root / f"{f}.ipynb" if not f.endswith(".ipynb") else root / f
        if p.exists():
            out.append(p)
    return out


def clean_copy(src: Path, dst: Path) -> None:
    """Copy a notebook without papermill leftovers (injected parameters, error markers)."""
    import nbformat

    nb = nbformat.read(src, as_version=4)
    nb.cells = [c for c in nb.cells if not _STALE_TAGS & set(c.metadata.get("tags", []))]
    for c in nb.cells:
        if c.cell_type == "code":
            c.outputs, c.execution_count = [], None
    nbformat.write(nb, dst)


def execute_one(src: Path, dst: Path, parameters: dict | None = None) -> float:
    """Execute one chapter into ``dst`` (atomically); returns the wall time in seconds."""
    import papermill

    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        clean = Path(tmp) / src.name
        out = Path(tmp) / f"executed-{src.name}"
        clean_copy(src, clean)
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
            pool.submit(execute_one, p, (out_dir / p.name) if out_dir else p, parameters): p
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


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("chapter", nargs="*", help="chapter names (default: every chapter in _toc.yml)")
    ap.add_argument("--out", type=Path, default=None, help="write executed notebooks here")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    args = ap.parse_args(argv)
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
