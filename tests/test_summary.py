"""The summary pages: values rounded to their errors, typeset units, anchors of the claims page."""
import html
import html.parser
import re

import pytest

from supercrystal.book import claims, summary
from supercrystal.book.summary import format_value

M = "\u2212"  # the minus sign


@pytest.mark.parametrize("value, error, expected", [
    (316.5556, 9.0, "317 \u00b1 9"),              # the example: not 316.5556 +- 9
    (5.165223, 0.13294, "5.17 \u00b1 0.13"),       # a leading 1: two significant digits
    (317.497, 7.735, "317 \u00b1 8"),
    (1.2375890, 0.0013908, "1.2376 \u00b1 0.0014"),
    (0.101, 0.096, "0.1 \u00b1 0.1"),             # 0.096 rounds up to one digit, one decimal
    (1234.6, 25.0, "1235 \u00b1 25"),
    (12345.0, 340.0, "12300 \u00b1 300"),
    (-1.5094427, 1.1211e-07, f"{M}1.50944270(11)"),  # not -1.5094 +- 1e-07
    (0.3655140, 3.289e-05, "0.36551(3)"),
])
def test_value_rounded_to_its_error(value, error, expected):
    assert format_value(value, error) == expected


def test_the_value_has_as_many_decimals_as_the_error():
    for value, error in [(3.14159, 0.0021), (-2.71828, 0.04), (100.37, 1.6), (0.0123456, 0.00078)]:
        text = format_value(value, error)
        v, e = text.replace(M, "-").split(" \u00b1 ")
        assert len(v.partition(".")[2]) == len(e.partition(".")[2])
        assert abs(float(v) - value) <= 0.5 * 10 ** -len(e.partition(".")[2]) + 1e-12  # correctly rounded
        assert 1 <= len(e.replace(".", "").lstrip("0")) <= 2  # one or two significant digits


def test_exact_values_five_significant_digits_no_trailing_zeros_no_e_notation():
    assert format_value(1.7475645946) == "1.7476"
    assert format_value(-0.12500000000000017) == f"{M}0.125"
    assert format_value(1.0) == "1"
    assert format_value(0.0) == "0"
    assert format_value(0.0, 0.0) == "0"  # an exact zero, not "0.0000 +- 0"
    assert format_value(-2e-9, 1e-3) == "0.0000 \u00b1 0.0010"  # zero within its error has no sign
    assert format_value(-2.6e-09) == f"{M}2.6 \u00d7 10\u207b\u2079"
    assert "e" not in format_value(6.02214076e23)


def test_a_value_below_the_detection_floor_is_an_upper_bound():
    assert format_value(0.0, 0.0, floor=0.08) == "< 0.08"
    assert format_value(0.01, 0.02, floor=0.08) == "< 0.08"
    assert format_value(0.5, 0.05, floor=0.08) == "0.50 \u00b1 0.05"
    assert "\u00b1 0" not in format_value(0.0, 0.0, floor=0.08)


def test_bad_input_names_the_parameter():
    with pytest.raises(ValueError, match="value"):
        format_value(float("nan"), 0.1)
    with pytest.raises(ValueError, match="error"):
        format_value(1.0, -0.1)
    with pytest.raises(ValueError, match="floor"):
        format_value(0.0, 0.0, floor=0.0)
    assert format_value(None) == "\u2013"


def test_paper_values_as_printed_with_their_own_error_bars_only():
    assert summary.paper_format(0.51, 0.005) == "0.51"         # the half unit of its last digit: implied
    assert summary.paper_format(3.4, 0.05) == "3.4"
    assert summary.paper_format(-1.48, 0.01) == f"{M}1.48 \u00b1 0.01"  # the paper's own error bar
    assert summary.paper_format(5.0, 1.0) == "5 \u00b1 1"


def test_units_are_typeset_not_ascii():
    assert summary.typeset_unit("e^2/(eps b)") == r"e^2/\varepsilon\,b"
    assert summary.typeset_unit("e^2/(eps_i b)") == r"e^2/\varepsilon_\mathrm{i}\,b"
    assert summary.typeset_unit("e^2/(eps (sqrt6/2) b)") == r"e^2/(\varepsilon\,\tfrac{\sqrt{6}}{2}\,b)"
    assert summary.typeset_unit("eV") == r"\mathrm{eV}" and summary.typeset_unit("") == ""
    for c in claims.registry(["gain.octahedral", "interaction.nu2.Ec", "thermal.W_coefficient"]):
        assert not re.search(r"\beps", summary.typeset_unit(c.unit))


class _Ids(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.hrefs = [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.append(a["id"])
        if tag == "a" and "href" in a:
            self.hrefs.append(a["href"])


@pytest.fixture(scope="module")
def registry():
    return claims.registry()


def test_every_claim_has_a_unique_anchor_on_the_claims_page(registry):
    page = _Ids()
    page.feed(summary.claims_html(registry))
    expected = [summary.anchor(c.id) for c in registry]
    assert len(set(expected)) == len(expected)
    assert [i for i in page.ids if i.startswith("claim-")] == expected
    assert summary.anchor("metal.fcc.filled") == "claim-metal-fcc-filled"
    assert summary.link("gain.octahedral") == "claims.html#claim-gain-octahedral"
    for href in page.hrefs:  # the errata and the rows' own links land on rows of the page
        assert href.startswith("#") and href[1:] in page.ids
    with pytest.raises(ValueError, match="claim_id"):
        summary.anchor("Not An Id")


def test_claims_page_counts_and_errata_come_first_and_the_table_is_narrow(registry):
    text = summary.claims_html(registry)
    n = summary.counts(registry)
    assert sum(n.values()) == len(registry)
    assert text.index("claims-counts") < text.index("claims-errata") < text.index("claims-table")
    corrected = [c for c in registry if c.status == "corrected"]
    errata = text[text.index("claims-errata"):text.index("claims-table")]
    assert errata.count("<li>") == len(corrected)
    header = re.search(r"<thead>(.*?)</thead>", text).group(1)
    assert header.count("<th") == 4  # claim, paper, this book, status
    assert text.count("<details>") == len(registry)  # every note folded under its claim
    for bad in ("+-", "e^2/(eps", "e-0"):
        assert bad not in text
    # a detection floor or exact zero is never written as "0.0000 +- 0", and zero has no sign
    assert not re.search("0\\.0+ \u00b1 0(?![.0-9])", text)
    assert not re.search("\u22120\\.0+ \u00b1", text)


def test_glance_links_every_headline_to_its_claim(registry):
    page = _Ids()
    page.feed(summary.glance_html(registry))
    assert page.hrefs == [summary.link(cid) for cid in summary.HEADLINE]
    anchors = {summary.anchor(c.id) for c in registry}
    assert all(h.split("#")[1] in anchors for h in page.hrefs)


# ---------------------------------------------------------------------------------------- formulas in prose
_MATH_SPAN = re.compile(r'<span class="math notranslate nohighlight">.*?</span>', re.S)
#: what the registry's ASCII formulas look like when they reach the page untypeset
RAW_MATH = {
    "subscript": r"\b[A-Za-z]+_[\w(]",
    "power": r"\^",
    "sqrt": r"\bsqrt",
    "greek name": r"\b(nu|pi|rho|kappa|eps|chi|phi|delta|inf)\b",
    "indexed symbol": r"\b(M[1-3]|V[12]|eV2|p[12])\b",
    "ASCII arrow or +-": r"->|\+-",
    "e-notation": r"\d[eE][-+]?\d",
    "hyphen as minus": r"(?<![\w.])-\d",
    "equation": r"(?<![\w.])[A-Za-z]\s*[=<>~]\s*[-\d\w]",
    "ASCII unit": r"e\^2|\bk_B\b",
}


def raw_ascii_math(fragment: str) -> dict[str, list[str]]:
    """The raw ASCII formulas left in displayed HTML: its text outside typeset math and code, by kind."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", re.sub(r"<code>.*?</code>", " ", _MATH_SPAN.sub(" ", fragment))))
    return {kind: re.findall(f"(?:{rx})", text) for kind, rx in RAW_MATH.items() if re.search(rx, text)}


@pytest.mark.parametrize("ascii_text, tex", [
    ("collective gain per pair E_s - E_(nu=1) for octahedral pores", r"E_{\mathrm{s}} - E_{\nu=1}"),
    ("(M1 - 1)/sqrt2 with M1 = 1.74756 is 0.5286", r"(M_1 - 1)/\sqrt{2}"),
    ("referred to d = (sqrt6/2) b", r"d = (\sqrt{6}/2)\,b"),
    ("cross at e V1 - k_B T ln 2 (the spin", r"e\,V_1 - k_\mathrm{B}\,T\,\ln\,2"),
    ("[p1.p2 - 3(p1.n)(p2.n)]/r^3 with", r"[\mathbf{p}_1\cdot \mathbf{p}_2 - 3(\mathbf{p}_1\cdot \mathbf{n})"),
    ("gives E_c = -1.76267 e^2/(eps d), minus", r"E_{\mathrm{c}} = -1.76267\,e^2/\varepsilon\,d"),
    ("kappa = eps_nc/eps_liquid", r"\kappa = \varepsilon_{\mathrm{nc}}/\varepsilon_{\mathrm{liquid}}"),
    ("solver 0.13525 +- 0.0005 e^2/b: the", r"0.1353 \pm 0.0005\,e^2/b"),
])
def test_ascii_formulas_are_typeset(ascii_text, tex):
    out = summary.prose_html(ascii_text)
    assert html.escape(tex) in out, out
    assert not raw_ascii_math(out)


def test_prose_stays_prose():
    out = summary.prose_html("a lattice at 300 K, 10-90 % width, V1 = 0.36726 V, the paper's -1.48")
    assert "a lattice at 300 K, 10-90 % width" in out  # no formula where there is none
    assert html.escape(r"V_1 = 0.36726") + "\\)</span> V" in out  # the unit V stays upright text
    assert f"{M}1.48" in out  # a negative number with the minus sign
    link = summary.prose_html("see gain.octahedral", ids={"gain.octahedral"})
    assert '<a href="#claim-gain-octahedral"><code>gain.octahedral</code></a>' in link


def test_no_displayed_description_has_raw_ascii_math(registry):
    """Every quantity and note of the claims page and the intro's glance table, as displayed."""
    for fragment in (summary.claims_html(registry), summary.glance_html(registry)):
        assert raw_ascii_math(fragment) == {}, raw_ascii_math(fragment)
        bare = re.findall(r"(?<!paper's )\bFigs?\.\s*\d+", html.unescape(fragment))
        assert not bare, f"a figure of the paper not called the paper's: {bare}"


@pytest.mark.parametrize("page", ["claims", "intro"])
def test_the_executed_summary_pages_show_no_raw_ascii_math(page):
    """The committed executed pages (what the HTML shows) were made by the current converter."""
    import nbformat

    from supercrystal.paths import ROOT

    nb = nbformat.read(ROOT / "book" / f"{page}.ipynb", as_version=4)
    shown = "".join(str(o.get("data", {}).get("text/html", "")) for c in nb.cells if c.cell_type == "code"
                    for o in c.get("outputs", []))
    assert "claim-" in shown, f"{page}: no claims table in the executed notebook"
    assert raw_ascii_math(shown) == {}, raw_ascii_math(shown)


def test_the_intro_shows_no_code():
    """The intro is for readers: its code cells are removed from the page (remove-input or remove-cell),
    not folded behind a "Show code cell source" toggle."""
    from supercrystal.book import sources
    from supercrystal.paths import ROOT

    for cell in sources.notebook(ROOT / "book" / "intro.md").cells:
        if cell.cell_type == "code":
            tags = set(cell.metadata.get("tags", []))
            assert tags & {"remove-input", "remove-cell"}, f"intro code cell shown: {cell.source[:60]!r}"
