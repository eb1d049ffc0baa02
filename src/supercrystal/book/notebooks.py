"""Executed notebooks compared the way nbval compares them: "nothing changed" (the book runner, not physics).

A chapter re-executed with the same results differs from the committed notebook only in what nbval ignores:
papermill's timestamps and paths, the patterns of ``book/nbval-sanitize.cfg``, floats beyond 8 decimals, and
PNG pixels within 4/255.  :func:`same_notebook` says so, and the runner then leaves the committed file
untouched, so that ``make book`` leaves a clean checkout when nothing changed.
"""
from __future__ import annotations

import base64
import io
import re
from pathlib import Path

from supercrystal.paths import ROOT


def _sanitize_patterns(root: Path = ROOT) -> list[tuple[str, str]]:
    """The regex/replace pairs of ``book/nbval-sanitize.cfg`` (the patterns nbval ignores)."""
    path = root / "book" / "nbval-sanitize.cfg"
    if not path.exists():
        return []
    pairs, regex = [], None
    for line in path.read_text().splitlines():
        if line.startswith("regex:"):
            regex = line[len("regex:"):].strip()
        elif line.startswith("replace:") and regex is not None:
            pairs.append((regex, line[len("replace:"):].strip()))
            regex = None
    return pairs


def _png_pixels(data: str):
    import numpy as np
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(base64.b64decode(data)))).astype(int)


def _comparable(nb, patterns) -> tuple[list, list]:
    """(cells without volatile metadata and with sanitized text, PNG images) of a notebook."""
    def clean(s):
        s = "".join(s) if isinstance(s, list) else s
        if not isinstance(s, str):
            return s
        for regex, replace in patterns:
            s = re.sub(regex, replace, s)
        return s

    cells, images = [], []
    for c in nb.cells:
        outs = []
        for o in c.get("outputs", []):
            item = {"type": o.get("output_type"), "text": clean(o.get("text", ""))}
            for mime, value in sorted(o.get("data", {}).items()):
                if mime == "image/png":
                    images.append(value)
                else:
                    item[mime] = clean(value) if isinstance(value, (str, list)) else value
            outs.append(item)
        cells.append((c.cell_type, c.source, sorted(c.metadata.get("tags", [])), outs))
    return cells, images


def same_notebook(old_path: Path, new_path: Path, root: Path = ROOT) -> bool:
    """True if two executed notebooks differ only where nbval does not look (timestamps, paths, the
    sanitized patterns, floats beyond 8 decimals) and their PNG figures agree pixel by pixel within 4/255."""
    import nbformat

    try:
        old = nbformat.read(old_path, as_version=4)
        new = nbformat.read(new_path, as_version=4)
    except Exception:  # noqa: BLE001 - an unreadable old file is simply replaced
        return False
    patterns = _sanitize_patterns(root)
    cells_a, png_a = _comparable(old, patterns)
    cells_b, png_b = _comparable(new, patterns)
    if cells_a != cells_b or len(png_a) != len(png_b):
        return False
    for a, b in zip(png_a, png_b):
        if a == b:
            continue
        x, y = _png_pixels(a), _png_pixels(b)
        if x.shape != y.shape or abs(x - y).max() > 4:
            return False
    return True


