"""The book's summary pages: the claims page, the intro's results at a glance (not physics).

* :func:`format_value` -- a value rounded to its error (the error to one or two significant digits), an
  exact value to five significant digits, a value below a detection floor as an upper bound.
* :func:`typeset_unit` -- the registry's ASCII units (``e^2/(eps b)``) as TeX for MathJax.
* :func:`prose_html` -- a claim's quantity or note with its ASCII formulas (``E_s - E_(nu=1)``,
  ``(M1 - 1)/sqrt2``) typeset as inline math, and the claim ids it names linked to their rows.
* :func:`anchor` -- a claim's HTML id (``claims.html#metal-fcc-filled``), so other pages link to a claim.
* :func:`claims_html` -- the claims page: the counts and the errata first, then one narrow table (claim,
  paper, this book, status badge) whose notes open on click (``<details>``).
* :func:`glance_html` -- the intro's table of the paper's headline numbers beside the book's, each linked
  to its row of the claims page.

Every number comes from :func:`supercrystal.book.claims.registry`, computed when the page is executed.
"""
from __future__ import annotations

import html
import inspect
import math
import re
from collections import Counter

from supercrystal.book.claims import STATUSES, Claim

#: the page of the claims registry (its HTML file, relative to the other pages of book/)
CLAIMS_PAGE = "claims.html"

#: the paper's headline numbers, shown on the intro page (ids of data/paper_values.csv)
HEADLINE = ("madelung.rocksalt", "gain.octahedral", "gain.tetrahedral", "coulomb.1s1s",
            "metal.fcc.single_pair_six", "metal.fcc.filled", "metal.sc.filled", "thermal.W_over_kT",
            "disorder.dEq_over_kT", "mc.Tc", "mc.disorder_7pct_jump")

#: badge colours of the statuses (background; the text is white)
BADGE = {"reproduced": "#1a7f37", "corrected": "#b35900", "computed": "#0969da", "open": "#6e7781"}

_MINUS = "\u2212"
_SUPERSCRIPT = str.maketrans("0123456789-", "\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079\u207b")
_FROM_SUPERSCRIPT = str.maketrans("\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079\u207b", "0123456789-")


def _minus(text: str) -> str:
    return text.replace("-", _MINUS)


def _decimals_for(error: float) -> int:
    """Decimal places that keep ``error`` to two significant digits if its first digit is 1 or 2 (the
    Particle Data Group's rule, so that 0.14 is not rounded to 0.1), else to one; negative for tens."""
    exponent = math.floor(math.log10(error))
    lead = error / 10.0 ** exponent
    if round(lead, 6) >= 9.5:  # 0.096 rounds to 0.1: one digit, one place less
        return -(exponent + 1)
    return -exponent + (1 if lead < 2.95 else 0)


def _fixed(x: float, decimals: int) -> str:
    if decimals > 0:
        text = f"{x:.{decimals}f}"
        return text[1:] if text.startswith("-") and float(text) == 0 else text  # no "-0.000"
    step = 10.0 ** (-decimals)
    return f"{round(x / step) * step:.0f}"


def _scientific(value: float, sig: int) -> str:
    """``value`` to ``sig`` significant digits, a power of ten written as x 10^n (never 2.6e-09)."""
    if value == 0:
        return "0"
    exponent = math.floor(math.log10(abs(value)))
    if -3 <= exponent <= 4:
        decimals = max(0, sig - 1 - exponent)
        return _minus(f"{value:.{decimals}f}")
    mantissa = value / 10.0 ** exponent
    if round(abs(mantissa), sig - 1) >= 10:
        mantissa, exponent = mantissa / 10, exponent + 1
    return _minus(f"{mantissa:.{sig - 1}f}") + " \u00d7 10" + str(exponent).translate(_SUPERSCRIPT)


def _strip_zeros(text: str) -> str:
    """1.0000 -> 1, -0.12500 -> -0.125 (an exact value has no trailing zeros to show)."""
    head, sep, tail = text.partition(" ")
    if "." in head:
        head = head.rstrip("0").rstrip(".")
    return head + sep + tail


def format_value(value: float | None, error: float | None = None, floor: float | None = None) -> str:
    """``value`` with its error, as a reader of a physics paper expects it.

    * no value: an en dash;
    * ``floor`` given and ``|value| <= max(error, 0)``: the quantity is below what the method detects, and
      is written as the upper bound ``< floor`` (never ``0 +- 0``);
    * no error (or zero: an exact computation): five significant digits, trailing zeros dropped (1.7476,
      0.52861, -0.125);
    * else the error to one significant digit, or two when its first digit is 1 or 2, and the value to
      the same decimal place: ``316.5556 +- 9`` -> ``317 ± 9``, ``5.1652 +- 0.133`` -> ``5.17 ± 0.13``.
      When that takes more than four decimals the error is written in parentheses on the last digits,
      ``-1.5094427 +- 1.1e-7`` -> ``-1.50944277(11)``.

    Minus signs are U+2212, powers of ten are ``x 10^n`` with superscripts.  Raises ValueError for a
    non-finite value or a negative or non-finite error.
    """
    if value is None:
        return "\u2013"
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"value must be finite (got {value!r})")
    if error is not None:
        error = float(error)
        if not math.isfinite(error) or error < 0:
            raise ValueError(f"error must be finite and >= 0 (got {error!r})")
    if floor is not None:
        if not floor > 0:
            raise ValueError(f"floor must be > 0 (got {floor!r})")
        if abs(value) <= max(error or 0.0, 0.0) or abs(value) < floor:
            return "< " + format_value(floor)
    if not error:
        return _strip_zeros(_scientific(value, 5))
    decimals = _decimals_for(error)
    if decimals > 4:
        digits = round(error * 10.0 ** decimals)
        return _minus(_fixed(value, decimals)) + f"({digits})"
    if value != 0 and abs(value) >= 1e5:
        exponent = math.floor(math.log10(abs(value)))
        scale = 10.0 ** exponent
        return (f"({_minus(_fixed(value / scale, decimals + exponent))} \u00b1 "
                f"{_fixed(error / scale, decimals + exponent)}) \u00d7 10" + str(exponent).translate(_SUPERSCRIPT))
    return f"{_minus(_fixed(value, decimals))} \u00b1 {_fixed(error, decimals)}"


# ------------------------------------------------------------------------------------------------ units
#: units written as text (upright), not as math
_TEXT_UNITS = {"eV", "meV", "V", "mV", "K", "nm", "s", "%"}


def typeset_unit(unit: str) -> str:
    """The registry's ASCII unit as TeX (without delimiters): ``e^2/(eps b)`` -> ``e^2/\\varepsilon b``,
    ``e^2/(eps_i b)`` -> ``e^2/\\varepsilon_\\mathrm{i} b``, ``e^2/(eps (sqrt6/2) b)`` ->
    ``e^2/(\\varepsilon\\,\\tfrac{\\sqrt{6}}{2}\\,b)``, ``k_B T`` -> ``k_\\mathrm{B} T``; an empty unit
    gives ``""`` and a text unit (eV, V, mV, K, nm) ``\\mathrm{eV}``."""
    unit = unit.strip()
    if not unit:
        return ""
    if unit in _TEXT_UNITS:
        return rf"\mathrm{{{unit}}}"
    tex = unit
    simple = re.search(r"/\(([^()]*)\)$", unit) is not None  # e^2/(eps b): no parentheses inside
    tex = re.sub(r"\(sqrt(\d+)/(\d+)\)", r"\\tfrac{\\sqrt{\1}}{\2}", tex)
    tex = re.sub(r"sqrt\(?(\d+)\)?", r"\\sqrt{\1}", tex)
    tex = re.sub(r"\beps_i\b", r"\\varepsilon_\\mathrm{i}", tex)
    tex = re.sub(r"\beps\b", r"\\varepsilon", tex)
    tex = re.sub(r"\bk_B\b", r"k_\\mathrm{B}", tex)
    tex = re.sub(r"\bT_R\b", r"T_\\mathrm{R}", tex)
    # e^2/(X) with a simple X: physicists write e^2/eps b
    if simple:
        tex = re.sub(r"/\(([^()]*)\)$", r"/\1", tex)
    return re.sub(r"\s+", r"\\,", tex)


def _math(tex: str) -> str:
    """Inline math as Sphinx writes it (MathJax typesets the elements of class ``math``)."""
    return f'<span class="math notranslate nohighlight">\\({html.escape(tex)}\\)</span>' if tex else ""


def unit_html(unit: str) -> str:
    """A unit for the HTML tables: typeset math, or nothing for a pure number."""
    return _math(typeset_unit(unit))


# ------------------------------------------------------------------------------------------------ anchors
def anchor(claim_id: str) -> str:
    """The HTML id of a claim's row on the claims page: its id with dots as hyphens, ``claim-`` first
    (``metal.fcc.filled`` -> ``claim-metal-fcc-filled``).  Raises ValueError for an id that is not
    letters, digits, dots and underscores (the ids of data/paper_values.csv); lower case in the anchor."""
    if not re.fullmatch(r"[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*", claim_id):
        raise ValueError(f"claim_id must be dotted words (got {claim_id!r})")
    return "claim-" + claim_id.lower().replace(".", "-").replace("_", "-")


def link(claim_id: str, page: str = CLAIMS_PAGE) -> str:
    """The address of a claim's row, from another page of the book (``claims.html#claim-...``)."""
    return f"{page}#{anchor(claim_id)}"


# ------------------------------------------------------------------------------------------------ floors
def detection_floor(claim_id: str) -> float | None:
    """The smallest value the method behind a claim can tell from zero, or None.

    The Monte Carlo jump of nu at the step (``mc.*_jump``) is the distance between the two modes of a kernel
    density of the sampled nu with Gaussian kernels of width ``bandwidth`` (in steps); an equal mixture of
    two Gaussians of width s has two modes only when they are more than 2 s apart, so a smaller jump reads
    as none: the floor is 2 ``bandwidth`` (the default of :func:`supercrystal.montecarlo.thermo.transition`)."""
    if claim_id.startswith("mc.disorder_"):  # the disorder study's own bound (montecarlo.disorder)
        from supercrystal.book.claims import disorder_floor

        floor = disorder_floor(claim_id)
        if floor is not None:
            return floor
    if claim_id.startswith("mc.") and claim_id.endswith("_jump"):
        from supercrystal.montecarlo import thermo

        return 2.0 * float(inspect.signature(thermo.transition).parameters["bandwidth"].default)
    return None


# ------------------------------------------------------------------------------------------------ cells
def paper_text(c: Claim) -> str:
    """The paper's number with the accuracy its print implies (``-1.48 ± 0.01``), or a dash."""
    if c.paper_value is None:
        return "\u2013"
    return paper_format(c.paper_value, c.paper_error)


def paper_format(value: float, error: float | None) -> str:
    """A printed number as the paper prints it (``0.51``), with its error only where that is more than half a
    unit of the last printed digit, i.e. the paper's own error bar or an estimate (``-1.48 ± 0.01``)."""
    text = f"{value:g}"
    decimals = len(text.split(".")[1]) if "." in text and "e" not in text else 0
    if error is None or math.isclose(error, 0.5 * 10.0 ** -decimals, rel_tol=1e-9):
        return _minus(text)
    return f"{_minus(text)} \u00b1 {error:g}"


def book_text(c: Claim) -> str:
    """The computed number rounded to its error (:func:`format_value`)."""
    return format_value(c.value, c.error, detection_floor(c.id))


def _with_unit(text: str, unit: str) -> str:
    """A number (never broken) and its unit (on the next line if the column is narrow)."""
    u = unit_html(unit)
    number = f'<span style="white-space:nowrap">{html.escape(text)}</span>'
    return number if (not u or text == "\u2013") else f"{number} {u}"


def badge(status: str) -> str:
    """A coloured status badge (inline style: no stylesheet needed)."""
    if status not in BADGE:
        raise ValueError(f"status must be one of {', '.join(STATUSES)} (got {status!r})")
    return (f'<span class="claim-status claim-{status}" style="background:{BADGE[status]};color:#fff;'
            f'border-radius:0.8em;padding:0.05em 0.6em;font-size:0.85em;white-space:nowrap">{status}</span>')




_NUM = r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?"
_WITH_ERROR = re.compile(rf"({_NUM}) ?\+- ?({_NUM})")
_E_NOTATION = re.compile(r"(?<![\w.])(-?\d+(?:\.(\d+))?)e([-+]?\d+)\b")


def _prose_numbers(text: str) -> str:
    """Numbers of a note's text as on the rest of the page: ``x +- e`` rounded by :func:`format_value`,
    ``3e-09`` as 3 x 10^-9, ``->`` as an arrow."""
    text = _WITH_ERROR.sub(lambda m: format_value(float(m.group(1)), float(m.group(2))), text)
    text = _E_NOTATION.sub(lambda m: _scientific(float(m.group(0)), 1 + len(m.group(2) or "")), text)
    text = text.replace("->", "\u2192").replace("+-", "\u00b1")
    return re.sub(r"(?<![\w.])-(?=\d)", _MINUS, text)  # a negative number: the minus sign, not a hyphen


# ------------------------------------------------------------------------------------------------ prose math
#: the registry writes its formulas in ASCII (``E_s - E_(nu=1)``, ``(M1 - 1)/sqrt2``, ``d = sqrt2 b``,
#: ``e V1 - k_B T ln 2``): readable on a terminal (``supercrystal claims``), typeset on the pages.  The text is
#: cut into tokens; a run of math tokens becomes one inline formula.
_TOKEN = re.compile(r"""
    (?P<unit>e\^2/\((?:[^()]|\([^()]*\))*\)|e\^2/[a-z]\b|k_B\ T(?:_R)?\b)   # units (typeset_unit)
  | (?P<dot>\bp[12]\.(?:p[12]|n)\b)                                           # p1.p2, p1.n
  | (?P<sqrt>\(sqrt\d+/\d+\)|sqrt\(\d+\)|sqrt\d+)                             # sqrt2, sqrt(2), (sqrt6/2)
  | (?P<half>(?<![\d.])1/2(?![\d.]))                                          # 1/2 e phi_s
  | (?P<sub>\b[A-Za-z]{1,5}_(?:\([^()]*\)|[A-Za-z0-9]+))                       # E_s, E_(nu=1), eps_liquid
  | (?P<atom>\b(?:nu|pi|rho|kappa|eps|chi|phi|delta|inf|M[1-3]|V[12]|eV2|p[12]|Si|ln)(?![A-Za-z0-9_])
             |(?<=\d)(?:pi)\b|\b[a-z]\^\d+)                                   # symbols, e^2, r^3
  | (?P<err>-?\d+(?:\.\d+)?(?:e[-+]?\d+)?\ ?\+-\ ?\d+(?:\.\d+)?(?:e[-+]?\d+)?)      # 0.135 +- 0.0005
  | (?P<num>\d+(?:\.\d+)?(?:e[-+]?\d+)?)
  | (?P<var>(?<![A-Za-z])[abdeghnprLTVW](?![A-Za-z0-9_']))                    # one-letter symbols
  | (?P<op>->|\+-|<=|>=|[-=+/<>~*])
  | (?P<open>[(\[])
  | (?P<close>[)\]])
  | (?P<space>[ ]+)
  | (?P<other>.)
""", re.X | re.S)
_GREEK = {"nu": r"\nu", "pi": r"\pi", "rho": r"\rho", "kappa": r"\kappa", "eps": r"\varepsilon", "chi": r"\chi",
          "phi": r"\varphi", "delta": r"\delta", "inf": r"\infty", "Si": r"\mathrm{Si}", "ln": r"\ln"}
_OPS = {"->": r"\to", "+-": r"\pm", "~": r"\sim", "*": "^*", "<=": r"\le", ">=": r"\ge"}
#: one-letter symbols that are math on their own (the lattice period b, a distance d, a coefficient g, the
#: temperature T, the gain W); the others only inside a formula (a and e are English too, V a unit)
_LONE = {"b", "d", "g", "T", "W"}


def _symbol_tex(name: str) -> str:
    """``eps`` -> ``\\varepsilon``, ``M1`` -> ``M_1``, ``p1`` -> ``\\mathbf{p}_1``, ``eV2`` -> ``eV_2``."""
    if name in _GREEK:
        return _GREEK[name]
    if re.fullmatch(r"p[12]", name):
        return rf"\mathbf{{p}}_{name[1]}"
    m = re.fullmatch(r"(M|V|eV)(\d)", name)
    if m:
        return f"{m.group(1)}_{m.group(2)}"
    m = re.fullmatch(r"([a-z])\^(\d+)", name)
    if m:
        return f"{m.group(1)}^{{{m.group(2)}}}"
    return name


def _token_tex(kind: str, text: str) -> str:
    if kind == "unit":
        return typeset_unit(text)
    if kind == "dot":
        a, b = text.split(".")
        return _symbol_tex(a) + r"\cdot " + (r"\mathbf{n}" if b == "n" else _symbol_tex(b))
    if kind == "sqrt":
        m = re.fullmatch(r"\(sqrt(\d+)/(\d+)\)", text)
        if m:
            return rf"(\sqrt{{{m.group(1)}}}/{m.group(2)})"
        root = re.search(r"\d+", text).group()
        return rf"\sqrt{{{root}}}"
    if kind == "sub":
        base, sub = text.split("_", 1)
        if sub.startswith("("):
            sub = _run_tex([(m.lastgroup, m.group()) for m in _TOKEN.finditer(sub[1:-1])])
        elif not sub.isdigit():
            sub = rf"\mathrm{{{sub}}}"
        return f"{_GREEK.get(base, base)}_{{{sub}}}"
    if kind == "atom":
        return _symbol_tex(text)
    if kind == "half":
        return r"\tfrac{1}{2}"
    if kind == "err":
        value, error = (float(x) for x in text.split("+-"))
        tex = format_value(value, error).replace(_MINUS, "-").replace("\u00b1", r"\pm").replace("\u00d7", r"\times")
        return re.sub("10([\u2070\u00b9\u00b2\u00b3\u2074-\u2079\u207b]+)",
                      lambda m: "10^{" + m.group(1).translate(_FROM_SUPERSCRIPT) + "}", tex)
    if kind == "num" and "e" in text:
        mantissa, exponent = text.split("e")
        return rf"{mantissa} \times 10^{{{int(exponent)}}}"
    if kind == "op":
        return _OPS.get(text, text)
    return text


def _run_tex(tokens) -> str:
    out = []
    for i, (kind, text) in enumerate(tokens):
        if kind == "space":
            prev, nxt = tokens[i - 1][0] if i else None, tokens[i + 1][0] if i + 1 < len(tokens) else None
            out.append(" " if "op" in (prev, nxt) else r"\,")
        else:
            out.append(_token_tex(kind, text))
    return "".join(out)


_STRONG = {"unit", "dot", "sqrt", "sub", "atom", "half"}
_MATHY = _STRONG | {"num", "err", "var", "op", "open", "close"}


def _joins(left: tuple, right: tuple) -> bool:
    """Whether a space between two math tokens keeps them in one formula: next to an operator or a
    parenthesis, next to a symbol (``sqrt2 b``, ``e V1``, ``5 k_B T``), or a number and a length
    (``0.15 b``); not a number and another letter (``0.36726 V``: the unit)."""
    kinds = {left[0], right[0]}
    if kinds & ({"op"} | _STRONG):
        return True
    if left[0] in ("num", "err") and right[0] == "var":
        return right[1] in ("b", "d")
    return (left[0] == "close" and right[0] != "num") or (right[0] == "open" and left[0] != "num")


def _is_formula(tokens) -> bool:
    kinds = [k for k, _ in tokens if k != "space"]
    if any(k in _STRONG for k in kinds):
        return True
    if "var" in kinds and any(k == "op" for k in kinds):
        return True
    if any(a in ("num", "op") and b == "var" for (a, _), (b, _) in zip(tokens, tokens[1:])):
        return True  # 2b, 0.93a, -2e, -e
    return len(kinds) == 1 and tokens[0][0] == "var" and tokens[0][1] in _LONE


def _balanced_end(tokens) -> int:
    """How many of ``tokens`` form a run with balanced parentheses (cut at the first unmatched one)."""
    depth, opened = 0, []
    for i, (kind, _) in enumerate(tokens):
        if kind == "open":
            opened.append(i)
        elif kind == "close":
            if not opened:
                return i
            opened.pop()
    return opened[0] if opened else len(tokens)


def prose_html(text: str, ids=(), page: str = "") -> str:
    """A claim's quantity or note as HTML: every formula of the registry's ASCII (``E_s - E_(nu=1)``,
    ``(M1 - 1)/sqrt2``, ``d = sqrt2 b``, units such as ``e^2/(eps b)``) typeset as inline math, numbers with
    errors rounded (:func:`format_value`), no e-notation, ± for +-, → for ->; a claim id of ``ids`` in the text
    becomes a link to its row (``page`` the claims page, "" on that page)."""
    out = []
    pattern = (r"\b(" + "|".join(re.escape(i) for i in sorted(ids, key=len, reverse=True)) + r")\b") if ids else None
    last = 0
    for m in re.finditer(pattern, text) if pattern else ():
        out.append(_prose_segment(text[last:m.start()]))
        out.append(f'<a href="{page}#{anchor(m.group())}"><code>{html.escape(m.group())}</code></a>')
        last = m.end()
    out.append(_prose_segment(text[last:]))
    return "".join(out)


def _prose_segment(text: str) -> str:
    tokens = [(m.lastgroup, m.group()) for m in _TOKEN.finditer(text)]
    out, plain, i = [], [], 0

    def flush():
        if plain:
            out.append(html.escape(_prose_numbers("".join(plain))))
            plain.clear()

    while i < len(tokens):
        if tokens[i][0] not in _MATHY:
            plain.append(tokens[i][1])
            i += 1
            continue
        j = i + 1  # the longest run of math tokens, spaces only where they join
        while j < len(tokens):
            kind = tokens[j][0]
            if kind in _MATHY and tokens[j - 1][0] != "space":
                j += 1
            elif kind == "space" and j + 1 < len(tokens) and tokens[j + 1][0] in _MATHY \
                    and _joins(tokens[j - 1], tokens[j + 1]):
                j += 2
            else:
                break
        run = tokens[i:j]
        n = _balanced_end(run)
        if n == 0:  # an unmatched parenthesis first: it is text
            plain.append(run[0][1])
            i += 1
            continue
        run = run[:n]
        while run and run[-1][0] in ("space", "op") and run[-1][1] != "*":
            run = run[:-1]
        lead = []
        while run and run[0][0] == "op" and run[0][1] in "-+/" and (len(run) == 1 or run[1][0] == "space"):
            lead.append(run.pop(0)[1])  # "- b" : a dash of the prose, not a minus
        if not run:
            plain.append(tokens[i][1])
            i += 1
            continue
        if _is_formula(run):
            plain.extend(lead)
            flush()
            out.append(_math(_run_tex(run)))
        else:
            plain.extend(lead + [t for _, t in run])
        i += len(lead) + len(run)
    flush()
    return "".join(out)


def note_html(note: str, ids=(), page: str = "") -> str:
    """A claim's note (or quantity) as HTML: :func:`prose_html`."""
    return prose_html(note, ids, page)


def _where(c: Claim) -> str:
    """Where the paper makes the claim: "Sec. III, Eq. (4)", "Sec. II, the paper's Fig. 2" (the book's own
    figures are "Figure N")."""
    eq = c.equation
    if eq.startswith("Fig"):
        eq = "the paper's " + eq
    elif eq.startswith("("):
        eq = "Eq. " + eq
    parts = [f"Sec. {c.section}"] + ([eq] if eq else [])
    return ", ".join(parts)


_TABLE_STYLE = "width:100%;table-layout:auto;border-collapse:collapse"
#: cell padding and row rules of the summary tables (one <style> element before each table)
_STYLE = ("<style>.claims-table td, .claims-table th, .glance-table td, .glance-table th, .status-table td, "
          ".status-table th {padding:0.3em 0.45em; border-bottom:1px solid #d0d7de}</style>")


def claims_table(claims: list[Claim]) -> str:
    """The narrow table of the claims page: claim (its note folded below it), paper, this book, status.
    Each row's id is :func:`anchor` of its claim."""
    rows = [_STYLE, '<table class="claims-table" style="' + _TABLE_STYLE + '">',
            '<thead><tr><th style="text-align:left">claim</th><th style="text-align:right">paper</th>'
            '<th style="text-align:right">this book</th><th>status</th></tr></thead>', "<tbody>"]
    ids = {c.id for c in claims}
    for c in claims:
        rows.append(
            f'<tr id="{anchor(c.id)}" style="vertical-align:top">'
            f'<td><details><summary>{note_html(c.quantity)} '
            f'<a class="headerlink" href="#{anchor(c.id)}" title="link to this claim">#</a></summary>'
            f'<p style="font-size:0.9em;margin:0.3em 0">{note_html(c.note, ids)}</p>'
            f'<p style="font-size:0.8em;margin:0;color:#57606a">{html.escape(_where(c))} &middot; '
            f'<code>{html.escape(c.id)}</code></p></details></td>'
            + _value_cells(c))
    rows += ["</tbody>", "</table>"]
    return "\n".join(rows)


def _value_cells(c: Claim) -> str:
    """The paper, this book and status cells of a claim's row (claims table and results at a glance)."""
    return (f'<td style="text-align:right">{_with_unit(paper_text(c), c.unit)}</td>'
            f'<td style="text-align:right">{_with_unit(book_text(c), c.unit)}</td>'
            f'<td style="text-align:center">{badge(c.status)}</td></tr>')


def counts(claims: list[Claim]) -> dict[str, int]:
    """How many claims have each status, in the order of :data:`STATUSES` (zeros left out)."""
    n = Counter(c.status for c in claims)
    return {s: n[s] for s in STATUSES if n[s]}


def counts_html(claims: list[Claim]) -> str:
    n = counts(claims)
    parts = [f"{badge(s)}&nbsp;{k}" for s, k in n.items()]
    return (f'<p class="claims-counts">{len(claims)} claims: ' + ", ".join(parts) + "</p>")


def errata_html(claims: list[Claim]) -> str:
    """The corrected claims: paper against book, linked to their rows, with the first clause of the note."""
    items = []
    for c in claims:
        if c.status != "corrected":
            continue
        items.append(f'<li><a href="#{anchor(c.id)}">{note_html(c.quantity)}</a> ({html.escape(_where(c))}): '
                     f'paper {_with_unit(paper_text(c), c.unit)}, this book {_with_unit(book_text(c), c.unit)}</li>')
    if not items:
        return "<p>No erratum: every printed number is reproduced.</p>"
    return '<ul class="claims-errata">\n' + "\n".join(items) + "\n</ul>"


def claims_html(claims: list[Claim]) -> str:
    """The whole claims page body: counts, errata, then the table."""
    return "\n".join([counts_html(claims), "<p><strong>Errata</strong> (the paper's printed numbers this book "
                      "corrects; click a claim below for why):</p>", errata_html(claims), claims_table(claims)])


def glance_html(claims: list[Claim], page: str = CLAIMS_PAGE) -> str:
    """The intro's results at a glance: paper, this book and status of the headline claims (:data:`HEADLINE`,
    in that order), each linked to its row of the claims page."""
    by_id = {c.id: c for c in claims}
    missing = [cid for cid in HEADLINE if cid not in by_id]
    if missing:
        raise ValueError(f"headline claims missing from the registry: {', '.join(missing)}")
    rows = [_STYLE, '<table class="glance-table" style="' + _TABLE_STYLE + '">',
            '<thead><tr><th style="text-align:left">result</th><th style="text-align:right">paper</th>'
            '<th style="text-align:right">this book</th><th>status</th></tr></thead>', "<tbody>"]
    for cid in HEADLINE:
        c = by_id[cid]
        rows.append(
            f'<tr style="vertical-align:top"><td><a href="{link(cid, page)}">{note_html(c.quantity)}</a> '
            f'<span style="font-size:0.8em;color:#57606a">({html.escape(_where(c))})</span></td>'
            + _value_cells(c))
    rows += ["</tbody>", "</table>"]
    return "\n".join(rows)


# ------------------------------------------------------------------------------------------------ execution
def chapter_title(src) -> str:
    """The first ``# `` heading of a chapter source (its page title)."""
    from pathlib import Path

    for line in Path(src).read_text().splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return Path(src).stem


def _seconds_text(seconds: float | None) -> str:
    """A duration as a reader wants it: 4 s, 38 s, 2.5 min, 1.3 h (two significant digits at most)."""
    if seconds is None:
        return "\u2013"
    if seconds < 1:
        return "< 1 s"
    if seconds < 90:
        return f"{seconds:.2g} s" if seconds < 10 else f"{round(seconds):d} s"
    if seconds < 5400:
        return f"{seconds / 60:.2g} min"
    return f"{seconds / 3600:.2g} h"


def execution_rows(root=None, skip=("status",)) -> list[dict]:
    """One row per chapter (``_toc.yml`` order) from its committed executed notebook: ``chapter``, ``title``,
    ``finished`` (UTC), ``seconds`` (the runner's wall time, else papermill's), ``cached`` and ``computed``
    slow results and their recorded ``compute_seconds`` (None where not recorded)."""
    import nbformat

    from supercrystal.book import runner, sources
    from supercrystal.paths import ROOT

    root = ROOT if root is None else root
    rows = []
    for src in sources.chapters(root):
        if src.stem in skip:
            continue
        nb_path = src.with_suffix(".ipynb")
        row = {"chapter": src.stem, "title": chapter_title(src), "finished": None, "seconds": None,
               "cached": None, "computed": None, "compute_seconds": None, "tasks": {}}
        if nb_path.exists():
            nb = nbformat.read(nb_path, as_version=4)
            pm = nb.metadata.get("papermill", {})
            row["finished"], row["seconds"] = pm.get("end_time"), pm.get("duration")
            rec = runner.execution_record(nb)
            if rec:
                slow = rec["slow_results"]
                row.update(finished=rec["finished"], seconds=rec["seconds"], cached=slow["cached"],
                           computed=slow["computed"], tasks=slow["tasks"])
                timed = [t["compute_seconds"] for t in slow["tasks"].values() if t["timed"]]
                row["compute_seconds"] = sum(timed) if timed else None
        rows.append(row)
    return rows


def _when(iso: str | None) -> str:
    if not iso:
        return "\u2013"
    import datetime

    t = datetime.datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(datetime.timezone.utc)
    return t.strftime("%Y-%m-%d %H:%M UTC")


def _slow_text(row: dict) -> str:
    if row["cached"] is None:
        return "not recorded"
    n = row["cached"] + row["computed"]
    if n == 0:
        return "none"
    if row["computed"] == 0:
        return f"{n}, all from the cache"
    if row["cached"] == 0:
        return f"{n}, all recomputed"
    return f"{n}: {row['cached']} from the cache, {row['computed']} recomputed"


def execution_html(rows: list[dict]) -> str:
    """The execution-status table: chapter, when it ran, run time, where its slow results came from."""
    out = [_STYLE, '<table class="status-table" style="' + _TABLE_STYLE + '">',
           '<thead><tr><th style="text-align:left">chapter</th><th>executed</th>'
           '<th style="text-align:right">run time</th><th style="text-align:left">slow results</th>'
           '</tr></thead>', "<tbody>"]
    for r in rows:
        out.append(
            f'<tr><td><a href="{r["chapter"]}.html">{html.escape(r["title"])}</a></td>'
            f'<td style="white-space:nowrap">{_when(r["finished"])}</td>'
            f'<td style="text-align:right;white-space:nowrap">{_seconds_text(r["seconds"])}</td>'
            f'<td>{html.escape(_slow_text(r))}</td></tr>')
    out += ["</tbody>", "</table>"]
    return "\n".join(out)


def recorded_compute_seconds() -> dict[str, float]:
    """Median compute time (s) of one result of each slow task, measured (``data/compute_times.json``,
    written by ``python -m supercrystal.book.cache times`` from the times the cache files record)."""
    import json

    from supercrystal.book import cache
    from supercrystal.paths import data_dir

    try:
        tasks = json.loads((data_dir() / cache.TIMES_FILE).read_text())["tasks"]
    except (OSError, ValueError, KeyError):
        return {}
    return {name: float(t["median_seconds"]) for name, t in tasks.items()}


def chapter_costs(rows: list[dict], recorded: dict[str, float] | None = None) -> dict[str, dict]:
    """What changing a chapter's parameters costs, measured: ``rerun`` (s), the chapter's last run time
    (its slow results read from the cache), and ``recompute`` (s), the time its slow results took to compute
    (recorded in its execution record, else the measured time of one result of the same task,
    :func:`recorded_compute_seconds`, times the number of results), or None where a task's compute time
    was never measured; ``results`` their number."""
    recorded = recorded_compute_seconds() if recorded is None else recorded
    out = {}
    for r in rows:
        total, known, n = 0.0, True, 0
        for name, t in r["tasks"].items():
            count = t["cached"] + t["computed"]
            n += count
            missing = count - t["timed"]
            total += t["compute_seconds"]
            if missing:
                if name in recorded:
                    total += missing * recorded[name]
                else:
                    known = False
        per = {name: (t["compute_seconds"] / t["timed"] if t["timed"] else recorded.get(name))
               for name, t in r["tasks"].items()}
        out[r["chapter"]] = {"rerun": r["seconds"], "results": n if r["cached"] is not None else None,
                             "recompute": (total if known else None) if r["cached"] is not None else None,
                             "per_result": per}
    return out


def cost_text(cost: dict) -> str:
    """What a change costs, in Markdown: the rerun time and, where the chapter has slow results, the compute
    time of one new result of each of its tasks and of all of them from scratch (measured, or "not measured")."""
    text = f"re-executing it takes {_seconds_text(cost['rerun'])}"
    if cost["results"] is None:
        return text + " (where its slow results come from is not recorded yet)."
    if cost["results"] == 0:
        return text + "; it has no slow results."
    per = ", ".join(f"`{name}` {_seconds_text(t) if t is not None else 'not measured'}"
                    for name, t in sorted(cost.get("per_result", {}).items()))
    total = cost["recompute"]
    return (text + f". Its {cost['results']} slow results come from the cache; a change of a parameter they "
            f"depend on needs new ones. One new result takes: {per}" +
            (f"; all {cost['results']} from scratch about {_seconds_text(total)}." if total is not None else "."))


def parameter_costs(chapter: str, row: dict, recorded: dict[str, float] | None = None, root=None) -> dict[str, dict]:
    """What a new value of each parameter of ``chapter`` costs, from the code and the measured times.

    For each parameter (``parameters`` cell order): ``tasks``, the slow tasks a new value recomputes
    (:func:`supercrystal.book.reach.parameter_reach`, read from the chapter's code); ``results``, how many
    results of those tasks the chapter asks for (its execution record ``row``, see :func:`execution_rows`;
    at least one each); ``seconds``, at most what recomputing them takes: ``results`` times the measured
    compute time of one result of the task (``data/compute_times.json``, else the chapter's own record), or
    None if a task's time was never measured; ``least``, one new result of each of those tasks (a new value
    changes the arguments of at least one call of each); ``rerun``, the chapter's run time (what a parameter
    that reaches no task costs)."""
    from pathlib import Path

    from supercrystal.book import reach
    from supercrystal.paths import ROOT

    recorded = recorded_compute_seconds() if recorded is None else recorded
    src = Path(ROOT if root is None else root) / "book" / f"{chapter}.md"
    tasks = row.get("tasks", {})
    out = {}
    for name, reached in reach.parameter_reach(src).items():
        total, least, n = 0.0, 0.0, 0
        for t in sorted(reached):
            rec = tasks.get(t, {})
            count = max(1, rec.get("cached", 0) + rec.get("computed", 0))
            per = recorded.get(t)
            if per is None and rec.get("timed"):
                per = rec["compute_seconds"] / rec["timed"]
            n += count
            total = None if (total is None or per is None) else total + count * per
            least = None if (least is None or per is None) else least + per
        out[name] = {"tasks": sorted(reached), "results": n, "seconds": total if reached else 0.0,
                     "least": least if reached else 0.0, "rerun": row.get("seconds")}
    return out


def parameter_cost_text(cost: dict) -> str:
    """A table cell: "re-run, 3.3 s" when no slow result depends on the parameter, else the range from one
    new result of each task it reaches to all of the chapter's results of them, "20 s to 2.4 min
    (`mc_curve`, `mc_peak_width`)" (a new value may leave some of those results unchanged)."""
    if not cost["tasks"]:
        return f"re-run, {_seconds_text(cost['rerun'])}"
    if cost["seconds"] is None or cost["least"] is None:
        span = "not measured"
    elif _seconds_text(cost["least"]) == _seconds_text(cost["seconds"]):
        span = _seconds_text(cost["seconds"])
    else:
        span = f"{_seconds_text(cost['least'])} to {_seconds_text(cost['seconds'])}"
    return f"{span} ({', '.join(f'`{t}`' for t in cost['tasks'])})"
