"""The chapters' sources: MyST Markdown notebooks, and the notebooks derived from them (not physics).

Each chapter has one hand-written source, ``book/<chapter>.md``: a MyST Markdown notebook (jupytext front
matter, ``{code-cell} ipython3`` blocks in the prose, cell tags as ``:tags: [...]`` options), the way the
QuantEcon lectures are written.  papermill executes ``.ipynb`` files, so the runner derives a clean,
unexecuted notebook from the source with jupytext (:func:`notebook`), executes that, and commits the executed
``book/<chapter>.ipynb``; ``tests/test_chapter_sources.py`` checks that each committed notebook still has the
cells of its source.
"""
from __future__ import annotations

import hashlib
import re
import tempfile
from pathlib import Path

from supercrystal.paths import ROOT

FORMAT = "md:myst"


def is_chapter_source(path: Path) -> bool:
    """Whether ``path`` is a MyST Markdown notebook (an ordinary page such as ``intro.md`` is not)."""
    from jupytext.formats import guess_format

    path = Path(path)
    return path.suffix == ".md" and path.is_file() and guess_format(path.read_text(), ".md")[0] == "myst"


def notebook(src: Path):
    """The clean notebook of a chapter source: its cells in order, no outputs, stable cell ids.

    Cell metadata (the tags) is kept as jupytext reads it; of the notebook metadata only the kernel is kept
    (jupytext's own record of the text format stays in the ``.md``).  A cell's id is a hash of its type
    and source, so re-deriving an unchanged chapter gives the same notebook and an edit changes only the
    ids of the edited cells.
    """
    import jupytext

    src = Path(src)
    if not is_chapter_source(src):
        raise ValueError(f"{src} is not a MyST Markdown notebook (jupytext front matter, format_name: myst)")
    nb = jupytext.read(src, fmt=FORMAT)
    nb.metadata = {"kernelspec": dict(nb.metadata["kernelspec"])}
    seen: dict[str, int] = {}
    for cell in nb.cells:
        digest = hashlib.sha1(f"{cell.cell_type}\n{cell.source}".encode()).hexdigest()[:8]
        seen[digest] = seen.get(digest, 0) + 1
        cell.id = digest if seen[digest] == 1 else f"{digest}-{seen[digest]}"
    return nb


#: cells an earlier papermill run leaves in a notebook: never executed again
STALE_TAGS = {"injected-parameters", "papermill-error-cell-tag"}


def clean_notebook(path: Path):
    """A notebook (``.ipynb``, e.g. one a reader wrote) without outputs and without papermill's leftovers."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    nb.cells = [c for c in nb.cells if not STALE_TAGS & set(c.metadata.get("tags", []))]
    for c in nb.cells:
        if c.cell_type == "code":
            c.outputs, c.execution_count = [], None
    return nb


def write_notebook(src: Path, dst: Path) -> Path:
    """Write the clean notebook of ``src`` to ``dst`` (``.ipynb``): derived from a chapter's ``.md``
    (:func:`notebook`), or an ``.ipynb`` cleaned (:func:`clean_notebook`); return ``dst``."""
    import nbformat

    src = Path(src)
    nbformat.write(clean_notebook(src) if src.suffix == ".ipynb" else notebook(src), dst)
    return Path(dst)


def inspect_parameters(src: Path) -> dict[str, dict]:
    """``papermill.inspect_notebook`` of a chapter source: its ``parameters`` cell, line by line."""
    import papermill

    with tempfile.TemporaryDirectory() as tmp:
        derived = write_notebook(src, Path(tmp) / f"{Path(src).stem}.ipynb")
        return papermill.inspect_notebook(str(derived))


def chapters(root: Path = ROOT) -> list[Path]:
    """Chapter sources in ``_toc.yml`` order, the root page first (the entries whose ``.md`` is a MyST
    Markdown notebook)."""
    files = re.findall(r"^\s*(?:-\s*)?(?:root|file):\s*(\S+)", (root / "_toc.yml").read_text(), re.M)
    candidates = [root / f"{f.removesuffix('.md')}.md" for f in files]
    return [p for p in candidates if is_chapter_source(p)]
