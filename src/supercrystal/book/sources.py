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
import tempfile
from pathlib import Path

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


def write_notebook(src: Path, dst: Path) -> Path:
    """Write the clean notebook of the chapter source ``src`` to ``dst`` (``.ipynb``); return ``dst``."""
    import nbformat

    nbformat.write(notebook(src), dst)
    return Path(dst)


def inspect_parameters(src: Path) -> dict[str, dict]:
    """``papermill.inspect_notebook`` of a chapter source: its ``parameters`` cell, line by line."""
    import papermill

    with tempfile.TemporaryDirectory() as tmp:
        derived = write_notebook(src, Path(tmp) / f"{Path(src).stem}.ipynb")
        return papermill.inspect_notebook(str(derived))
