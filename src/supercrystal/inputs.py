"""The book's inputs, declared once: each parameter's type, default, unit, allowed range and choices.

Every chapter's ``parameters`` cell declares its inputs as literal lines (``a_nm: float = 2.0  # ... (0, 50]``),
because papermill injects parameters after that cell and reads it with ``papermill.inspect_notebook``. Those
lines are copies: *this* module is the declaration. ``tests/test_inputs.py`` checks that every chapter's
cell agrees with it (same default, type and range), the parameter-file validation of the book runner
(:func:`check_values`) and the command line (:mod:`supercrystal.cli`) read it, and so does nothing else.

* :class:`Range` -- an interval with open or closed ends, written as in the chapters: ``(0, 50]``.
* :class:`Parameter` -- one input: name, type, default, unit, help, range, choices; :meth:`Parameter.check`
  validates (and converts) one value, raising ``ValueError`` naming the parameter.
* :data:`PARAMETERS` -- every input of the book by name; :data:`CHAPTERS` -- the inputs each chapter takes.
* :data:`RULES` -- the rules that tie several inputs together (``b_nm > a_nm``, ...), checked on the values a
  chapter will actually run with (a parameter file's values over the defaults).
* :func:`check_values` -- a whole parameter file: every error at once, then the values for each chapter.
* :class:`ArgumentParser`, :func:`option` -- the command line's options read the same declaration.

Some inputs need a word. ``eps_nc`` and ``m_eff`` default to 0, which means "the material's value" (from
``data/materials.csv``). The two dielectric constants have distinct names everywhere, ``eps_nc`` (the NC
film's, Secs. I-III) and ``eps_liquid`` (the ionic liquid's, Sec. V); parameter files may still use the
chapters' former names ``epsilon`` and ``epsilon_i`` (:data:`OLD_NAMES`). ``rho_patch`` is App. C's sphere
radius, not the ``rho`` of App. A/B (another default, 0.8, and contact, 1, excluded because the finite
patch needs separated spheres). :data:`NOTEBOOK_NAMES` maps a declared name to a chapter's own name for it,
should a chapter ever need one (none does).
"""
from __future__ import annotations

import argparse
import difflib
import math
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

__all__ = ["Range", "Parameter", "Rule", "PARAMETERS", "CHAPTERS", "NOTEBOOK_NAMES", "RULES",
           "parameter", "chapter_parameters", "check_values", "OLD_NAMES", "ParameterFileError",
           "ArgumentParser",
           "option", "positive_int", "help_text"]


@dataclass(frozen=True)
class Range:
    """The interval ``low .. high``; ``closed_low``/``closed_high`` say whether the ends belong to it."""

    low: float
    high: float
    closed_low: bool = True
    closed_high: bool = True

    _TEXT = re.compile(r"^\s*([\[(])\s*([-+0-9.eE]+|-?inf)\s*,\s*([-+0-9.eE]+|inf)\s*([\])])\s*$")

    @classmethod
    def parse(cls, text: str) -> "Range":
        """``"(0, 50]"`` -> Range(0, 50, closed_low=False, closed_high=True)."""
        m = cls._TEXT.match(text)
        if not m:
            raise ValueError(f"not a range: {text!r} (expected e.g. '(0, 50]')")
        return cls(float(m.group(2)), float(m.group(3)), m.group(1) == "[", m.group(4) == "]")

    def __contains__(self, x: float) -> bool:
        try:
            if isinstance(x, bool) or not isinstance(x, (int, float)) or math.isnan(x):
                return False
            if math.isinf(x):  # only an infinite end that belongs to the range: (0, inf]
                return (x == self.high and self.closed_high) or (x == self.low and self.closed_low)
        except OverflowError:  # an int too large for a float
            return False
        lo = x >= self.low if self.closed_low else x > self.low
        hi = x <= self.high if self.closed_high else x < self.high
        return lo and hi

    def __str__(self) -> str:
        return (f"{'[' if self.closed_low else '('}{self.low:g}, {self.high:g}"
                f"{']' if self.closed_high else ')'}")


def _material_names() -> tuple[str, ...]:
    from supercrystal.semiconductor.materials import names

    return names()


_TYPES = {"float": float, "int": int, "str": str, "bool": bool}


@dataclass(frozen=True)
class Parameter:
    """One input of the book.

    name : the key of a parameter file and of a chapter's parameters cell.
    type : ``"float"``, ``"int"``, ``"str"`` or ``"bool"`` (as papermill names them).
    default : the value every chapter uses unless told otherwise.
    unit : ``"nm"``, ``"K"``, ``"eV"``, ... (``""`` for a dimensionless number or a name).
    help : one line, what the parameter means.
    range : allowed values of a number (``None``: any value of the type).
    choices : allowed values of a name (``None``: any); ``choices_from`` reads them when asked
        (the materials of ``data/materials.csv``), and names are then matched case-insensitively.
    zero_means : for a number whose 0 is a sentinel, what 0 means (``eps_nc``: the material's value).
    """

    name: str
    type: str
    default: Any
    unit: str
    help: str
    range: Range | None = None
    choices: tuple[str, ...] | None = None
    choices_from: Callable[[], tuple[str, ...]] | None = field(default=None, compare=False, repr=False)
    zero_means: str | None = None

    def __post_init__(self):
        if self.type not in _TYPES:
            raise TypeError(f"{self.name}: unknown type {self.type!r}")
        if self.range is not None and self.default is not None:
            assert self.default in self.range or (self.zero_means and self.default == 0), self.name

    def allowed(self) -> tuple[str, ...] | None:
        """The allowed names (``None`` for a number or a free string)."""
        return self.choices_from() if self.choices_from is not None else self.choices

    def describe(self) -> str:
        """The allowed values in words: ``(0, 50] nm``, ``one of fcc, sc``."""
        if self.range is not None:
            text = f"{self.range}{' ' + self.unit if self.unit else ''}"
            return text + (f"; 0 means {self.zero_means}" if self.zero_means else "")
        allowed = self.allowed()
        if allowed:
            return "one of " + ", ".join(allowed)
        return f"a {self.type}"

    def convert(self, value: Any) -> Any:
        """``value`` as this parameter's type, or ``ValueError`` naming the parameter.

        A float parameter accepts an int and a numeric string: YAML 1.1 (PyYAML) reads ``1e-300`` (an
        exponent without a dot) as the string '1e-300', and argparse hands over strings. An int
        parameter refuses a float (``3.0`` is not a number of cells) and a bool; a bool refuses 0/1.
        """
        kind = self.type
        if isinstance(value, bool):
            if kind == "bool":
                return value
            raise ValueError(f"{self.name} must be a {kind}, not a boolean (got {self.name}={value!r})")
        if kind == "float":
            if isinstance(value, (int, float)):
                return float(value)
            if isinstance(value, str):
                try:
                    return float(value.strip())
                except ValueError:
                    pass
            raise ValueError(f"{self.name} must be a number (got {self.name}={value!r})")
        if kind == "int":
            if isinstance(value, int):
                return value
            if isinstance(value, str) and re.fullmatch(r"\s*[-+]?\d+\s*", value):
                return int(value)
            raise ValueError(f"{self.name} must be a whole number (got {self.name}={value!r})")
        if kind == "str":
            if isinstance(value, str):
                return value
            raise ValueError(f"{self.name} must be a name (got {self.name}={value!r})")
        raise ValueError(f"{self.name} must be true or false (got {self.name}={value!r})")

    def check(self, value: Any) -> Any:
        """Convert ``value`` and check it against the range or the choices; ``ValueError`` naming it.

        A material name is returned as spelled in ``data/materials.csv`` (``pbse`` -> ``PbSe``).
        """
        value = self.convert(value)
        if self.type == "float" and not math.isfinite(value):
            open_ended = self.range is not None and math.isinf(self.range.high)  # (0, inf]: the range decides
            if not open_ended:
                raise ValueError(f"{self.name} must be finite (got {self.name}={value!r})")
            if math.isnan(value):
                raise ValueError(f"{self.name} must be a number, not NaN (got {self.name}={value!r})")
        if self.range is not None and value not in self.range:
            if not (self.zero_means and value == 0):
                unit = f" {self.unit}" if self.unit else ""
                raise ValueError(f"{self.name} = {value!r}{unit} is outside its range {self.range}")
        allowed = self.allowed()
        if allowed is not None and isinstance(value, str):
            if self.choices_from is not None:
                match = [c for c in allowed if c.lower() == value.lower()]
                if match:
                    return match[0]
            elif value in allowed:
                return value
            raise ValueError(f"{self.name} must be one of {', '.join(allowed)} (got {self.name}={value!r})")
        return value


def _p(name, type_, default, unit, help_, range_=None, **kw) -> Parameter:
    return Parameter(name, type_, default, unit, help_, Range.parse(range_) if range_ else None, **kw)


_PARAMETERS = [
    # the material and the device of Secs. I-III, V
    _p("material", "str", "CdSe", "", "semiconductor of data/materials.csv (supplies m_eff and epsilon)",
       choices_from=_material_names),
    _p("a_nm", "float", 2.0, "nm", "NC core radius a", "(0, 50]"),
    _p("b_nm", "float", 2.5, "nm", "NC external radius b (core plus insulating shell)", "(0, 50]"),
    _p("eps_nc", "float", 0.0, "", "uniform dielectric constant of the NC film (Secs. I-III)", "[0, 1000]",
       zero_means="the material's static value"),
    _p("m_eff", "float", 0.0, "m_0", "electron effective mass", "[0, 10]",
       zero_means="the material's value"),
    _p("e_ion_ev", "float", 0.0, "eV", "cation chemical potential E_ion; shifts every voltage", "[-10, 10]"),
    _p("pore", "str", "octahedral", "", "pores the cations fill", choices=("octahedral", "tetrahedral")),
    _p("cation_radius_nm", "float", 0.5, "nm", "cation radius (it must fit the octahedral pore)", "[0, 5]"),
    _p("ion_diameter_nm", "float", 1.0, "nm", "diameter of the RTIL ions", "(0, 10]"),
    # Sec. I
    _p("n_layers", "int", 3, "", "(100) NC layers drawn in Fig. 1", "[1, 6]"),
    _p("cells", "int", 2, "", "conventional cells drawn along x and y in Fig. 1", "[1, 3]"),
    _p("film_layers", "int", 10, "", "NC layers of the film in the series-capacitor estimate", "[1, 1000]"),
    _p("c_dl_uF_cm2", "float", 10.0, "uF/cm^2", "double-layer capacitance per area of the top contact",
       "(0, 100]"),
    # Sec. II
    _p("layer", "str", "square", "", "NC layer under the gate in Fig. 3: square (100) or triangular (111)",
       choices=("square", "triangular")),
    _p("insulator_nm", "float", 0.5, "nm", "insulator between the NC shells and the gate of Fig. 3", "[0, 50]"),
    # Sec. III
    _p("a_min_nm", "float", 1.0, "nm", "smallest core radius of the V1, V2 sweep (shell b - a fixed)", "(0, 50]"),
    _p("a_max_nm", "float", 4.0, "nm", "largest core radius of the sweep", "(0, 50]"),
    # Sec. IV and the appendices: conducting spheres, lengths in units of b
    _p("lattice", "str", "fcc", "", "super-lattice: fcc (rock salt, octahedral cations) or sc (CsCl)",
       choices=("fcc", "sc")),
    _p("rho", "float", 1.0, "b", "metal sphere radius a_m", "(0, 1]"),
    _p("rho_patch", "float", 0.8, "b", "metal sphere radius a_m of App. C's finite patch (spheres apart)",
       "(0, 1)"),
    _p("a_c", "float", 0.1, "b", "cation sphere radius a_c of App. C", "(0, 0.3]"),
    _p("generations", "int", 7, "", "generations K of the literal point-charge recursion (5^K charges)",
       "[1, 8]"),
    _p("lmax", "int", 12, "", "multipole order of the generation map M", "[4, 20]"),
    _p("operator_generations", "int", 24, "", "generations summed with the map M", "[8, 60]"),
    _p("eta_min", "float", 0.5, "", "smallest damping factor of the eta scan", "(0, 1)"),
    _p("eta_max", "float", 0.99, "", "largest damping factor of the eta scan", "(0, 1)"),
    _p("rho_min", "float", 0.4, "b", "smallest sphere radius of the spectral-radius sweep", "(0, 1]"),
    _p("fraction_small", "float", 0.48, "", "smallest cation radius of App. B, fraction of the free pore radius",
       "(0, 1)"),
    _p("fraction_mid", "float", 0.6, "", "middle cation radius, fraction of the free pore radius", "(0, 1)"),
    _p("fraction_large", "float", 0.72, "", "largest cation radius, fraction of the free pore radius", "(0, 1)"),
    _p("n_coarse", "int", 96, "", "grid nodes per octant side, coarsest grid of App. B", "[16, 256]"),
    _p("n_mid", "int", 128, "", "grid nodes per octant side, middle grid", "[16, 256]"),
    _p("n_fine", "int", 160, "", "grid nodes per octant side, finest grid", "[16, 256]"),
    _p("n_demo", "int", 64, "", "grid of App. B's single demonstration solve", "[16, 128]"),
    _p("rho_check", "float", 0.3, "b", "metal and cation sphere radius of App. B's point-charge check",
       "(0, 0.7]"),
    # Sec. V
    _p("eps_liquid", "float", 2.0, "", "uniform dielectric constant, the ionic liquid's (Sec. V)", "(0, 1000]"),
    _p("T_kelvin", "float", 300.0, "K", "temperature (room temperature)", "(0, 2000]"),
    _p("T_low_kelvin", "float", 30.0, "K", "low temperature of the T -> 0 check", "(0, 2000]"),
    # [0, 0.3]: the Monte Carlo size disorder (montecarlo.mc_model) refuses a larger spread
    _p("spread_small", "float", 0.04, "", "relative size spread delta a / a that should keep the peaks",
       "[0, 0.3]"),
    _p("spread_large", "float", 0.07, "", "relative size spread delta a / a of the experiments", "[0, 0.3]"),
    _p("L", "int", 4, "", "conventional fcc cells per edge of the periodic Monte Carlo sample", "[2, 8]"),
    _p("realisations", "int", 3, "", "disorder samples averaged per spread", "[1, 50]"),
    _p("disorder_samples", "int", 20, "", "disorder samples per spread and sample size", "[2, 200]"),
    _p("seed", "int", 0, "", "Monte Carlo seed", "[0, 1000000]"),
    _p("width_spacing_mV", "float", 1.0, "mV", "voltage grid step of the room-temperature width", "[0.05, 10]"),
    _p("production", "bool", False, "", "larger samples, longer runs, finer grids (CPU-hours; distributable)"),
    # command line only (supercrystal metal)
    _p("state", "str", "single", "", "single (one pair, empty lattice) or filled", choices=("single", "filled")),
    _p("spheres", "str", "converged", "", "six (nearest spheres only) or converged",
       choices=("six", "converged")),
    _p("definition", "str", "consistent", "",
       "consistent (total energy minus self-energies) or paper (1/2 e phi at the cation)",
       choices=("consistent", "paper")),
    # command line only (supercrystal spheres): polarizable NCs
    _p("eps_ratio", "float", 1.0, "", "kappa = eps_nc/eps_liquid of the NC cores (1: Sec. III's uniform medium, "
       "inf: Sec. IV's conductors)", "(0, inf]"),
]

#: every input of the book (and of the command line), by name
PARAMETERS: dict[str, Parameter] = {p.name: p for p in _PARAMETERS}

#: the inputs each chapter's parameters cell declares, in the cell's order (declared names)
CHAPTERS: dict[str, tuple[str, ...]] = {
    "sec1_introduction": ("pore", "n_layers", "cells", "a_nm", "b_nm", "ion_diameter_nm", "material",
                          "eps_nc", "m_eff", "film_layers", "c_dl_uF_cm2"),
    "sec2_charging": ("a_nm", "b_nm", "material", "eps_nc", "cation_radius_nm", "layer", "insulator_nm"),
    "sec3_semiconductor": ("material", "a_nm", "b_nm", "eps_nc", "m_eff", "e_ion_ev", "a_min_nm", "a_max_nm"),
    "sec4_metal": ("material", "a_nm"),
    "sec5_temperature_disorder": ("material", "a_nm", "b_nm", "eps_liquid", "T_kelvin", "spread_small",
                                  "spread_large"),
    "sec5_monte_carlo": ("material", "a_nm", "b_nm", "eps_liquid", "L", "T_low_kelvin", "T_kelvin",
                         "spread_small", "spread_large", "disorder_samples", "seed", "width_spacing_mV",
                         "production"),
    "appA_image_recursion": ("rho", "generations", "lmax", "operator_generations", "eta_min", "eta_max",
                             "rho_min"),
    "appB_laplace": ("lattice", "rho", "fraction_small", "fraction_mid", "fraction_large", "n_coarse", "n_mid",
                     "n_fine", "n_demo", "rho_check"),
    "appC_inequality": ("rho_patch", "a_c"),
    "intro": (),
    "polar": ("eps_liquid", "b_nm", "T_kelvin", "T_low_kelvin", "spread_small", "spread_large", "realisations"),
    "claims": (),
    "rerun": (),
    "status": (),
}

#: (chapter, declared name) -> the name the chapter's cell still uses, until the chapter is renamed
NOTEBOOK_NAMES: dict[tuple[str, str], str] = {}

#: the chapters' former names of the two dielectric constants, still accepted in parameter files
OLD_NAMES: dict[str, str] = {"epsilon": "eps_nc", "epsilon_i": "eps_liquid"}


def parameter(name: str) -> Parameter:
    """The declaration of ``name`` (``KeyError`` for an undeclared name)."""
    return PARAMETERS[name]


def chapter_parameters(chapter: str) -> dict[str, Parameter]:
    """The parameters of one chapter by the name its cell uses (``{}`` for a chapter without inputs)."""
    return {NOTEBOOK_NAMES.get((chapter, n), n): PARAMETERS[n] for n in CHAPTERS.get(chapter, ())}


@dataclass(frozen=True)
class Rule:
    """A condition on several inputs: ``names`` are the inputs it reads, ``test(values)`` is true when
    they are consistent, ``message(values)`` says what is wrong."""

    names: tuple[str, ...]
    test: Callable[[Mapping[str, Any]], bool]
    message: Callable[[Mapping[str, Any]], str]


def _octahedral_free(b_nm: float) -> float:
    from supercrystal.lattice.geometry import pore_radius

    return pore_radius("octahedral") * b_nm


def _appc_free(rho: float) -> float:
    from supercrystal.lattice.geometry import electron_cation_distance

    return min(electron_cation_distance("octahedral", "fcc"), electron_cation_distance("cubic", "sc")) - rho


RULES: tuple[Rule, ...] = (
    Rule(("a_nm", "b_nm"), lambda v: v["b_nm"] > v["a_nm"],
         lambda v: f"b_nm must exceed a_nm (the shell is b - a; got a_nm={v['a_nm']!r}, b_nm={v['b_nm']!r})"),
    Rule(("a_min_nm", "a_max_nm"), lambda v: v["a_min_nm"] <= v["a_max_nm"],
         lambda v: f"a_min_nm must not exceed a_max_nm (got a_min_nm={v['a_min_nm']!r}, "
                   f"a_max_nm={v['a_max_nm']!r})"),
    Rule(("cation_radius_nm", "b_nm"), lambda v: v["cation_radius_nm"] <= _octahedral_free(v["b_nm"]),
         lambda v: f"cation_radius_nm={v['cation_radius_nm']!r} does not fit the octahedral pore: it admits "
                   f"at most {_octahedral_free(v['b_nm']):.4g} nm for b_nm={v['b_nm']!r}"),
    Rule(("eta_min", "eta_max"), lambda v: v["eta_min"] < v["eta_max"],
         lambda v: f"eta_min must be below eta_max (got eta_min={v['eta_min']!r}, eta_max={v['eta_max']!r})"),
    Rule(("fraction_small", "fraction_mid", "fraction_large"),
         lambda v: v["fraction_small"] < v["fraction_mid"] < v["fraction_large"],
         lambda v: "App. B's cation radii must increase: fraction_small < fraction_mid < fraction_large (got "
                   f"{v['fraction_small']!r}, {v['fraction_mid']!r}, {v['fraction_large']!r})"),
    Rule(("n_coarse", "n_mid", "n_fine"), lambda v: v["n_coarse"] < v["n_mid"] < v["n_fine"],
         lambda v: "App. B's grids must be refined (three distinct grids for the extrapolation): "
                   f"n_coarse < n_mid < n_fine (got {v['n_coarse']!r}, {v['n_mid']!r}, {v['n_fine']!r})"),
    Rule(("a_c", "rho_patch"), lambda v: v["a_c"] < _appc_free(v["rho_patch"]),
         lambda v: f"a_c={v['a_c']!r} does not fit between the spheres of App. C's patch: it must be below "
                   f"{_appc_free(v['rho_patch']):.4f} b for rho_patch={v['rho_patch']!r}"),
)


class ParameterFileError(ValueError):
    """A parameter file's errors, all of them (``errors``: one line each)."""

    def __init__(self, errors: list[str]):
        self.errors = list(errors)
        super().__init__("; ".join(self.errors))


def check_values(values: Any) -> dict[str, dict[str, Any]]:
    """Check a parameter file's mapping against the declaration; return each chapter's parameters.

    Every key is checked (a known parameter, its type, its range, its choices), then every rule on the
    values each chapter will run with (the file's values over the defaults): a rule is checked when the
    file sets one of its inputs. All errors are collected and raised together as
    :class:`ParameterFileError`. The result maps a chapter to ``{name in its cell: value}`` for the keys
    the file sets (a chapter without any of them is left out: it runs with its defaults). A key may
    be a chapter's old name of a parameter (:data:`OLD_NAMES`: ``epsilon`` for ``eps_nc``).
    """
    if values is None:
        values = {}
    if not isinstance(values, Mapping):
        raise ParameterFileError([f"the file must be a mapping of parameter names to values "
                                  f"(got a {type(values).__name__})"])
    errors: list[str] = []
    used = {n for names in CHAPTERS.values() for n in names}
    renamed = {}
    for key, value in values.items():
        new = OLD_NAMES.get(key) if isinstance(key, str) else None
        if new is None:
            renamed[key] = value
        elif new in values:
            errors.append(f"{key} is {new}'s old name: give {new} only once")
        else:
            renamed[new] = value
    values = renamed
    clean: dict[str, Any] = {}
    for key, value in values.items():
        if not isinstance(key, str) or key not in used:
            near = difflib.get_close_matches(str(key), sorted(used), n=3)
            hint = (f"did you mean {' or '.join(near)}?" if near
                    else f"known: {', '.join(sorted(used))}")
            errors.append(f"unknown parameter {key!r}: no chapter declares it ({hint})")
            continue
        try:
            clean[key] = PARAMETERS[key].check(value)
        except ValueError as exc:
            errors.append(str(exc))
    effective = {n: PARAMETERS[n].default for n in used} | clean
    for rule in RULES:
        if set(rule.names) & set(values) and set(rule.names) <= set(clean) | (used - set(values)):
            if not rule.test(effective):
                errors.append(rule.message(effective))
    if errors:
        raise ParameterFileError(errors)
    per_chapter: dict[str, dict[str, Any]] = {}
    for chapter, names in CHAPTERS.items():
        for n in names:
            if n in clean:
                per_chapter.setdefault(chapter, {})[NOTEBOOK_NAMES.get((chapter, n), n)] = clean[n]
    return per_chapter


# ---------------------------------------------------------------------------------------------------
# command-line helpers: options read the declaration, errors are one line


class ArgumentParser(argparse.ArgumentParser):
    """``argparse`` with one-line errors (exit status 2) that accepts negative numbers written with an
    exponent (``--e-ion-ev -1e-1``; plain argparse takes ``-1e-1`` for an option and reports a missing
    value)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._negative_number_matcher = re.compile(
            r"^-(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$|^-inf(?:inity)?$", re.IGNORECASE)

    def error(self, message: str):
        message = re.sub(r"\s+", " ", message).strip()
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def option(name: str) -> Callable[[str], Any]:
    """An argparse ``type=`` that converts and checks a command-line value against the declaration of
    ``name`` (the error names the parameter, its range or its choices)."""
    param = PARAMETERS[name]

    def convert(text: str) -> Any:
        try:
            return param.check(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    convert.__name__ = param.type  # argparse's message for a failed conversion names the type
    return convert


def positive_int(flag: str) -> Callable[[str], int]:
    """An argparse ``type=`` for a count of at least 1 (``--jobs``)."""

    def convert(text: str) -> int:
        if not re.fullmatch(r"\s*\+?\d+\s*", text) or int(text) < 1:
            raise argparse.ArgumentTypeError(f"{flag} must be a whole number of at least 1 (got {text!r})")
        return int(text)

    return convert


def help_text(name: str) -> str:
    """``help=`` of a command-line option: the declared meaning and allowed values."""
    p = PARAMETERS[name]
    return f"{p.help} ({p.describe()})"
