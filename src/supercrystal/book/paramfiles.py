"""Parameter files and the chapters' parameters cells (the book runner's inputs, not physics).

* :func:`parameters` -- every chapter's ``parameters`` cell, line by line (the chapters' literal copies of the
  declaration :mod:`supercrystal.inputs`; ``tests/test_inputs.py`` checks that they agree).
* :func:`load_parameter_file`, :func:`check_parameter_file`, :func:`read_parameter_file` -- a YAML parameter
  file read safely (no ``!!python`` tags, no duplicate keys, UTF-8), checked against the declaration, every
  problem reported at once (:class:`ParameterFileError`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from supercrystal import inputs
from supercrystal.book import sources
from supercrystal.book.sources import chapters
from supercrystal.paths import ROOT


@dataclass(frozen=True)
class Parameter:
    """One line of a chapter's ``parameters`` cell: ``name: type = default  # help [lo, hi]``.

    These are the chapters' copies; the declaration is :mod:`supercrystal.inputs` (a test checks
    that they agree).
    """

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


_RANGE = re.compile(r"([\[(])\s*([-+0-9.eE]+|-?inf)\s*,\s*([-+0-9.eE]+|inf)\s*([\])])\s*$")


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


# ---------------------------------------------------------------------------------------------------
# parameter files


#: a parameter file that cannot be used; ``errors`` holds one line per problem
ParameterFileError = inputs.ParameterFileError


def _yaml_loader():
    """A safe YAML loader that records duplicate keys (with their lines) instead of keeping the last."""
    import yaml

    class Loader(yaml.SafeLoader):
        def __init__(self, stream):
            super().__init__(stream)
            self.duplicates: list[str] = []

        def construct_mapping(self, node, deep=False):
            seen = {}
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=deep)
                try:
                    if key in seen:
                        self.duplicates.append(
                            f"line {key_node.start_mark.line + 1}: duplicate key {key!r} "
                            f"(first on line {seen[key] + 1}); give each parameter once")
                    else:
                        seen[key] = key_node.start_mark.line
                except TypeError:  # an unhashable key: SafeLoader reports it below
                    pass
            return super().construct_mapping(node, deep=deep)

    return Loader


def load_parameter_file(path: Path, problems: list[str] | None = None) -> dict:
    """Read a YAML parameter file: a mapping, or ``{}`` for an empty file.

    Raises :class:`ParameterFileError` (one line, naming the line where YAML gives one) for a missing
    or unreadable file, bytes that are not UTF-8, malformed YAML, a tag YAML's safe loader does not
    know (``!!python/object...``) or a document that is not a mapping. Duplicate keys are appended to
    ``problems`` when given (so that they are reported with the file's other errors), else raised.
    """
    import yaml

    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ParameterFileError(["no such file"]) from None
    except IsADirectoryError:
        raise ParameterFileError(["is a folder, not a parameter file"]) from None
    except OSError as exc:
        raise ParameterFileError([f"cannot be read: {exc.strerror}"]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ParameterFileError([f"line {line}: not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset "
                                  f"{exc.start}); save the file as UTF-8"]) from None
    loader = _yaml_loader()(text)
    try:
        values = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        what = " ".join(str(x) for x in (exc.context, exc.problem) if x)
        what = re.sub(r"\s+", " ", what)
        if "could not determine a constructor" in what:
            what += " (only plain YAML is read: numbers, names, true/false)"
        raise ParameterFileError([f"{where}not valid YAML: {what}"]) from None
    except yaml.YAMLError as exc:
        what = re.sub(r"\s+", " ", str(exc))
        raise ParameterFileError([f"not valid YAML: {what}"]) from None
    finally:
        loader.dispose()
    if loader.duplicates:
        if problems is None:
            raise ParameterFileError(loader.duplicates)
        problems.extend(loader.duplicates)
    if values is None:
        return {}
    if not isinstance(values, dict):
        raise ParameterFileError([f"must be a mapping of parameter names to values (got a "
                                  f"{type(values).__name__}: {values!r:.60})"])
    return values


def check_parameter_file(values: dict) -> dict[str, dict]:
    """Validate a parameter file's values against :mod:`supercrystal.inputs`; return each chapter's
    parameters. Raises :class:`ParameterFileError` listing every error (unknown key, wrong type,
    value outside the declared range, unknown choice, broken rule such as ``b_nm > a_nm``)."""
    return inputs.check_values(values)


def read_parameter_file(path: Path) -> tuple[dict, dict[str, dict]]:
    """Load and check a parameter file: (its values, each chapter's parameters).

    :class:`ParameterFileError` holds every problem of the file at once (duplicate keys and every
    invalid value), or the one problem that stops reading it (missing, not UTF-8, not YAML).
    """
    problems: list[str] = []
    values = load_parameter_file(path, problems)
    try:
        per_chapter = check_parameter_file(values)
    except ParameterFileError as exc:
        problems.extend(exc.errors)
    if problems:
        raise ParameterFileError(problems)
    return values, per_chapter


