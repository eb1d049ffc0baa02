"""Write a chapter notebook from a list of cells (a small authoring aid for book/*.ipynb).

Usage from a chapter source script::

    from nbtools import md, code, write
    write("book/sec3_semiconductor.ipynb", [md("# Title"), code("x = 1", tags=["parameters"])])

The written notebook is unexecuted; ``make book`` executes it with papermill.
"""
from __future__ import annotations

import nbformat


def md(text: str):
    return nbformat.v4.new_markdown_cell(text.strip("\n"))


def code(text: str, tags: list[str] | None = None):
    cell = nbformat.v4.new_code_cell(text.strip("\n"))
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


def write(path: str, cells: list) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = cells
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    nbformat.write(nb, path)
