"""The one declaration of the book's inputs (supercrystal.inputs), and every chapter's agreement with it.

Papermill needs literal parameters cells, so each chapter repeats its inputs' defaults and ranges; these
tests are what keeps the copies equal to the declaration. A disagreement that must be fixed in a chapter is
an expected failure (strict: it fails again, as a reminder to drop the mark, once the chapter is fixed).
"""
import ast

import pytest

from supercrystal import inputs
from supercrystal.book import paramfiles, sources

CELLS = {(p.chapter, p.name): p for p in paramfiles.parameters()}

#: (chapter, name in its cell) -> why it disagrees and what to change in the chapter
KNOWN: dict = {}
#: declared name -> why the chapters should take it
WHY_RENAME = {
    "eps_nc": "the NC film's dielectric constant, named apart from the ionic liquid's (issue 11)",
    "eps_liquid": "the ionic liquid's dielectric constant, named apart from the NC film's (issue 11)",
    "rho_patch": "App. C's sphere radius is not App. A/B's rho (default 0.8, not 1.0; (0, 1): the patch's "
                 "spheres must not touch)",
}
#: chapter -> why its cell does not use the declared names yet
RENAMES = {}
for (_chapter, _new), _old in sorted(inputs.NOTEBOOK_NAMES.items()):
    RENAMES[_chapter] = (RENAMES.get(_chapter, f"book/{_chapter}.md:")
                         + f" rename {_old} to {_new} ({WHY_RENAME[_new]});")
RENAMES = {c: r + " then drop its entries of inputs.NOTEBOOK_NAMES" for c, r in RENAMES.items()}


def _cases():
    out = []
    for key in sorted(CELLS):
        mark = [pytest.mark.xfail(reason=KNOWN[key], strict=True)] if key in KNOWN else []
        out.append(pytest.param(*key, id=f"{key[0]}:{key[1]}", marks=mark))
    return out


def test_every_chapter_is_declared():
    names = {p.stem for p in sources.chapters()}
    assert names == set(inputs.CHAPTERS), "add the chapter's inputs to inputs.CHAPTERS"


@pytest.mark.parametrize("chapter", sorted(inputs.CHAPTERS))
def test_chapter_declares_exactly_its_inputs(chapter):
    """A parameter added to a chapter's cell must be declared in inputs.py, and the reverse."""
    in_cell = {name for (c, name) in CELLS if c == chapter}
    assert in_cell == set(inputs.chapter_parameters(chapter)), f"book/{chapter}: parameters cell vs inputs.CHAPTERS"


@pytest.mark.parametrize("chapter, name", _cases())
def test_chapter_parameter_agrees_with_the_declaration(chapter, name):
    """Same type, default (type included: 2.0 is not 2), range (ends open or closed) and choices."""
    cell, decl = CELLS[(chapter, name)], inputs.chapter_parameters(chapter)[name]
    where = f"book/{chapter} parameter {name}"
    assert cell.type == decl.type, f"{where}: type {cell.type}, declared {decl.type}"
    default = ast.literal_eval(cell.default)
    assert type(default) is type(decl.default) and default == decl.default, \
        f"{where}: default {cell.default}, declared {decl.default!r}"
    rng = None if cell.low is None else inputs.Range(cell.low, cell.high, cell.closed_low, cell.closed_high)
    assert rng == decl.range, f"{where}: range {rng}, declared {decl.range}"
    for choice in decl.choices or ():
        assert choice in cell.help, f"{where}: its comment does not name the choice {choice!r}"


@pytest.mark.parametrize("chapter", [
    pytest.param(c, marks=[pytest.mark.xfail(reason=RENAMES[c], strict=True)] if c in RENAMES else [])
    for c in sorted(inputs.CHAPTERS)])
def test_chapter_uses_the_declared_names(chapter):
    renamed = {k: v for k, v in inputs.NOTEBOOK_NAMES.items() if k[0] == chapter}
    assert not renamed, f"book/{chapter} calls {renamed} by other names than the declaration"


def test_a_shared_parameter_is_one_object():
    """A key used by several chapters (a_nm: six) has one declaration, so one range for all of them."""
    users = [c for c, names in inputs.CHAPTERS.items() if "a_nm" in names]
    assert len(users) >= 5
    assert len({id(inputs.chapter_parameters(c)["a_nm"]) for c in users}) == 1


def test_defaults_satisfy_every_rule():
    values = {n: p.default for n, p in inputs.PARAMETERS.items()}
    for rule in inputs.RULES:
        assert rule.test(values), rule.message(values)


@pytest.mark.parametrize("text, inside, outside", [
    ("(0, 50]", [1e-300, 50.0], [0.0, 50.0001, float("nan"), float("inf")]),
    ("[0, 0.3]", [0.0, 0.3], [-1e-12, 0.31]),
    ("(0, 1)", [0.5], [0.0, 1.0]),
])
def test_range_ends(text, inside, outside):
    r = inputs.Range.parse(text)
    assert str(r) == text
    assert all(x in r for x in inside) and not any(x in r for x in outside)


@pytest.mark.parametrize("name, value, expected", [
    ("a_nm", "1e-3", 1e-3),          # YAML 1.1 and argparse hand a float over as a string
    ("a_nm", 3, 3.0),
    ("L", "3", 3),
    ("material", "pbse", "PbSe"),    # a material is matched case-insensitively, returned as tabulated
    ("eps_nc", 0, 0.0),              # 0 means the material's value
])
def test_check_converts(name, value, expected):
    got = inputs.parameter(name).check(value)
    assert got == expected and type(got) is type(expected)


@pytest.mark.parametrize("name, value, words", [
    ("a_nm", "two", "must be a number"),
    ("a_nm", True, "not a boolean"),
    ("a_nm", 0.0, "outside its range (0, 50]"),
    ("a_nm", float("inf"), "finite"),
    ("L", 3.0, "whole number"),
    ("L", 10**400, "outside its range"),
    ("production", 1, "true or false"),
    ("pore", "cubic", "one of octahedral, tetrahedral"),
    ("material", 7, "must be a name"),
])
def test_check_refuses_naming_the_parameter(name, value, words):
    with pytest.raises(ValueError, match=name) as exc:
        inputs.parameter(name).check(value)
    assert words in str(exc.value)


def test_check_values_reports_every_error_at_once():
    with pytest.raises(inputs.ParameterFileError) as exc:
        inputs.check_values({"spread_small": 0.4, "b_nm": 1.0, "a_min_nm": 5.0, "lattice": "bcc",
                             "layer": "hexagonal", "radius": 2, "rho": 1.5})
    text = "\n".join(exc.value.errors)
    for words in ("spread_small = 0.4", "b_nm must exceed a_nm", "a_min_nm must not exceed a_max_nm",
                  "lattice must be one of fcc, sc", "layer must be one of square, triangular",
                  "unknown parameter 'radius'", "rho = 1.5", "cation_radius_nm=0.5 does not fit"):
        assert words in text
    assert len(exc.value.errors) == 8


def test_old_names_are_accepted_once():
    """The chapters' former names of the dielectric constants still work in parameter files."""
    per = inputs.check_values({"epsilon": 20.0, "epsilon_i": 3.0})
    assert per["sec3_semiconductor"] == {"eps_nc": 20.0}
    assert per["sec5_monte_carlo"] == {"eps_liquid": 3.0}
    assert inputs.check_values({"eps_nc": 20.0}) == inputs.check_values({"epsilon": 20.0})
    with pytest.raises(inputs.ParameterFileError, match="epsilon is eps_nc's old name"):
        inputs.check_values({"epsilon": 20.0, "eps_nc": 20.0})
    with pytest.raises(inputs.ParameterFileError, match="eps_liquid = 0.0 is outside its range"):
        inputs.check_values({"epsilon_i": 0.0})


def test_check_values_splits_per_chapter():
    per = inputs.check_values({"material": "PbSe", "a_nm": 1, "rho": 0.9, "rho_patch": 0.7})
    assert per["sec3_semiconductor"] == {"material": "PbSe", "a_nm": 1.0}
    assert per["appA_image_recursion"] == {"rho": 0.9}
    assert per["appC_inequality"] == {"rho_patch": 0.7}
    assert "claims" not in per


def test_rules_use_the_defaults_of_what_the_file_does_not_set():
    with pytest.raises(inputs.ParameterFileError, match="b_nm=2.5"):
        inputs.check_values({"a_nm": 3.0})  # b_nm keeps its default 2.5
    assert inputs.check_values({"a_nm": 3.0, "b_nm": 3.5})

