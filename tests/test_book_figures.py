"""The figure helper of the book (src/supercrystal/book/figures.py): checks, SVG output, label colours.

Every chapter figure goes through ``figures.show``; these tests pin what it promises: a figure wider than the
column or with text below 8 pt is refused, the SVG is the same bytes for the same figure (so nbval and the
HTML build never see a spurious change), and the helpers for labels and numbers give what a reader needs.
"""
from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from supercrystal.book import figures  # noqa: E402


pytestmark = pytest.mark.usefixtures("book_figure_style")  # tests/conftest.py


def _figure(width=5.0, fontsize=None):
    fig, ax = plt.subplots(figsize=(width, 3.0))
    ax.plot([0.0, 1.0, 2.0], [1.0, 3.0, 2.0], label="data")
    ax.set_xlabel("x (nm)", fontsize=fontsize)
    ax.set_ylabel("y (eV)")
    ax.legend()
    return fig


def test_figure_that_fits_the_column_passes():
    figures.check(_figure())


def test_figure_wider_than_the_column_is_refused():
    with pytest.raises(ValueError, match="figure width"):
        figures.check(_figure(width=10.0))


def test_text_below_eight_points_is_refused():
    with pytest.raises(ValueError, match="below 8 pt"):
        figures.check(_figure(fontsize=6.5))


def test_a_string_plotted_as_a_number_is_refused():
    fig = _figure()
    fig.axes[0].plot([2.5], ["5"], "o")  # the paper's value as read from a CSV, not converted
    with pytest.raises(ValueError, match="category axis"):
        figures.check(fig)


def test_style_has_no_text_below_eight_points():
    sizes = [figures.STYLE[k] for k in ("font.size", "axes.labelsize", "xtick.labelsize", "ytick.labelsize",
                                        "legend.fontsize", "axes.titlesize")]
    assert min(sizes) >= figures.MIN_FONT_PT


def test_svg_is_vector_and_reproducible():
    a, b = figures.to_svg(_figure()), figures.to_svg(_figure())
    assert a == b  # no date, ids fixed by the hash salt
    assert "<svg" in a and "<image" not in a  # vector: no embedded raster
    assert "<dc:date>" not in a
    width_pt = float(re.search(r'width="([\d.]+)pt"', a).group(1))
    assert width_pt <= figures.FULL_WIDTH * 72


def test_label_colour_follows_luminance():
    assert figures.text_colour("white") == "black"
    assert figures.text_colour("yellow") == "black"
    assert figures.text_colour("black") == "white"
    assert figures.text_colour("#440154") == "white"  # viridis' dark end
    assert figures.text_colour("#fde725") == "black"  # viridis' light end


@pytest.mark.parametrize("x, digits, text", [
    (-2.6e-9, 1, r"$-2.6 \times 10^{-9}$"),
    (4.7e-5, 0, r"$5 \times 10^{-5}$"),
    (3.25, 2, r"$3.25$"),
    (0.0, 1, r"$0$"),
])
def test_power_of_ten_is_typeset(x, digits, text):
    assert figures.power_of_ten(x, digits) == text


def test_power_of_ten_refuses_a_non_finite_number():
    with pytest.raises(ValueError, match="x must be finite"):
        figures.power_of_ten(float("nan"))


def test_paper_marker_converts_strings_to_numbers():
    fig, ax = plt.subplots()
    (line,) = figures.paper_marker(ax, "2.5", "5", "paper")
    assert list(line.get_xdata()) == [2.5] and list(line.get_ydata()) == [5.0]
    assert not ax.yaxis.units  # a numeric axis, not a category axis


def _chapters():
    from supercrystal.paths import ROOT

    return sorted((ROOT / "book").glob("*.md"))


@pytest.mark.parametrize("chapter", _chapters(), ids=lambda p: p.stem)
def test_every_chapter_figure_is_numbered_captioned_and_described(chapter):
    text = chapter.read_text()
    assert "plt.show()" not in text, "a figure shown without the helper (no number, caption or alt text)"
    shown = re.findall(r'figures\.show\(fig, "([^"]+)"\)', text)
    for key in shown:
        block = re.search(r"```\{glue:figure\} " + re.escape(key) + r"\n((?::\w+:[^\n]*\n)*)\n(.+?)```", text, re.S)
        assert block, f"figure {key} is never placed with a {{glue:figure}} directive"
        options = dict(re.findall(r":(\w+): ([^\n]*)", block.group(1)))
        assert options.get("name") == f"fig-{key}", f"figure {key}: no :name: fig-{key} (no number to refer to)"
        assert len(options.get("alt", "")) > 40, f"figure {key}: alt text missing or too short"
        assert len(block.group(2).split()) >= 15, f"figure {key}: caption too short to say what is plotted"


def test_charging_panels_average_the_samples_and_pass_the_checks():
    """The quantitative Fig. 4 of Sec. V and of the polar chapter: four panels of synthetic curves, the second
    averaging two samples; the equilibrium C takes the up branch below each sample's step."""
    from types import SimpleNamespace

    import numpy as np

    v = np.linspace(0.0, 0.2, 21)

    def curve(v_star, jump):
        nu = np.clip((v - v_star) / 0.05 + 0.5, 0.0, 1.0)
        return SimpleNamespace(volts=v, nu_up=nu, nu_down=nu + 0.01, C_up=np.full_like(v, 1.0),
                               C_down=np.full_like(v, 2.0), V_star=v_star, jump=jump)

    panels = [("a", [curve(0.1, 0.5)]), ("b", [curve(0.08, 0.2), curve(0.12, 0.0)]),
              ("c", [curve(0.1, 0.0)]), ("d", [curve(0.1, 0.0)])]
    fig, cols, summary = figures.charging_panels(panels, 0.11)
    figures.check(fig)
    assert summary[1] == (0.1, 0.1)
    np.testing.assert_allclose(cols["nu_up_1"], 0.5 * (panels[1][1][0].nu_up + panels[1][1][1].nu_up))
    c_eq = cols["C_eq_1"]
    assert c_eq[0] == 1.0 and c_eq[-1] == 2.0 and c_eq[10] == 1.5  # 0.10 V: above one step, below the other


@pytest.mark.parametrize("chapter", _chapters(), ids=lambda p: p.stem)
def test_figure_references_say_whose_figure(chapter):
    """"Fig. N" is always the paper's figure and says so ("the paper's Fig. 4"); the book's own figures are
    numbered "Figure N" (``numfig_format`` of _config.yml) and referred to with {numref}, never by a typed
    number, which would go stale when a figure is added."""
    text = chapter.read_text()
    bare = [m.group() for m in re.finditer(r"(?<!paper's )\bFigs?\.\s*\d+", text)]
    assert not bare, f"a figure reference that does not say it is the paper's: {bare}"
    typed = re.findall(r"\bFigures?\s+\d+", text)
    assert not typed, f"the book's figures are referred to with {{numref}}, not by number: {typed}"


def test_the_books_figures_are_numbered_apart_from_the_papers():
    import yaml

    from supercrystal.paths import ROOT

    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert config["sphinx"]["config"]["numfig_format"]["figure"] == "Figure %s"
