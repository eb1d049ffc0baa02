"""Each chapter has one hand-written source, ``book/<chapter>.md``; the committed notebook is derived from it.

The executed ``book/<chapter>.ipynb`` (what nbval checks and the HTML shows) must have exactly the cells
jupytext reads from the ``.md``: an edit of the source that was not re-executed with ``make execute`` fails here.
"""
from __future__ import annotations

import re

import nbformat
import pytest
import yaml

from supercrystal.book import sources
from supercrystal.book.sources import chapters
from supercrystal.paths import ROOT

BOOK = ROOT / "book"
PAGES = {"references"}  # ordinary Markdown pages, not notebooks (intro.md is a notebook: its table is computed)
CHAPTERS = chapters()


def _cells(nb) -> list[tuple[str, str, tuple[str, ...]]]:
    """Type, source and tags of each cell; papermill's injected cells, metadata and outputs left out."""
    return [(c.cell_type, c.source, tuple(c.metadata.get("tags", []))) for c in nb.cells
            if "injected-parameters" not in c.metadata.get("tags", [])]


@pytest.mark.parametrize("source", CHAPTERS, ids=lambda p: p.stem)
def test_committed_notebook_has_the_cells_of_its_source(source):
    committed = _cells(nbformat.read(source.with_suffix(".ipynb"), as_version=4))
    derived = _cells(sources.notebook(source))
    for i, (c, d) in enumerate(zip(committed, derived)):
        assert c == d, (f"book/{source.stem}.ipynb differs from its source book/{source.name} at cell {i} "
                        f"(run `make execute`):\n  committed {c!r:.300}\n  source    {d!r:.300}")
    assert len(committed) == len(derived), (f"book/{source.stem}.ipynb has {len(committed)} cells, its source "
                                            f"{len(derived)} (run `make execute`)")


def test_every_chapter_in_the_toc_has_a_markdown_source():
    entries = re.findall(r"^\s*(?:-\s*)?(?:root|file):\s*(\S+)", (ROOT / "_toc.yml").read_text(), re.M)
    names = [e.removeprefix("book/").removesuffix(".md").removesuffix(".ipynb") for e in entries]
    lacking = [n for n in names if n not in PAGES and not sources.is_chapter_source(BOOK / f"{n}.md")]
    assert not lacking, f"chapters in _toc.yml without a MyST Markdown source book/<chapter>.md: {lacking}"
    assert [p.stem for p in CHAPTERS] == [n for n in names if n not in PAGES]


def test_no_chapter_lacks_a_source_or_the_toc():
    notebooks = {p.stem for p in BOOK.glob("*.ipynb")}
    md_sources = {p.stem for p in BOOK.glob("*.md") if sources.is_chapter_source(p)}
    listed = {p.stem for p in CHAPTERS}
    assert notebooks == md_sources == listed, (
        f"notebooks without a source: {sorted(notebooks - md_sources)}; "
        f"sources never executed: {sorted(md_sources - notebooks)}; "
        f"sources missing from _toc.yml: {sorted(md_sources - listed)}")


def test_jupyter_book_reads_the_notebook_not_the_source():
    """x.md beside x.ipynb is one document twice ('multiple files found'): the sources are excluded,
    the ordinary pages are not."""
    from sphinx.util.matching import Matcher

    excluded = Matcher(yaml.safe_load((ROOT / "_config.yml").read_text())["exclude_patterns"])
    assert not [p.name for p in CHAPTERS if not excluded(f"book/{p.name}")]
    assert not [p for p in sorted(PAGES) if excluded(f"book/{p}.md")]
    assert not [p.stem for p in CHAPTERS if excluded(f"book/{p.stem}.ipynb")]
