"""The checks of the browser test that need no browser: the axes of a figure read from its SVG.

``tests/browser/test_browser.py`` (``make browser-test``) reads every figure's SVG with
:func:`axis_problems`; these tests show, on figures drawn here, that it passes what the book draws (numeric
axes, stacked panels sharing x, a bar chart with named bars, a schematic without axes) and fails what issue
14 found (a paper value plotted as the string "5": a category axis) and an axis whose labels are switched off.
They run in ``make test`` (no browser needed).
"""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from test_browser import axis_problems  # noqa: E402

from supercrystal.book import figures  # noqa: E402


pytestmark = pytest.mark.usefixtures("book_figure_style")  # tests/conftest.py


def test_a_numeric_plot_passes():
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.plot([1.0, 2.0, 3.0], [-2.5e-3, 0.0, 4.0e-3])
    ax.set_yscale("symlog", linthresh=1e-3)
    assert axis_problems(figures.to_svg(fig)) == []


def test_stacked_panels_sharing_x_pass():
    fig, (top, bottom) = plt.subplots(2, 1, sharex=True, figsize=(4, 4))
    top.plot([0.2, 0.4], [0.0, 1.0])
    bottom.plot([0.2, 0.4], [1.0, 0.5])
    assert axis_problems(figures.to_svg(fig)) == []


def test_bars_with_names_and_a_schematic_pass():
    fig, (bars, sketch) = plt.subplots(1, 2, figsize=(5, 3))
    bars.bar([0, 1], [-1.2, -0.4])
    bars.set_xticks([0, 1], ["$u_s$", "self"])
    sketch.add_patch(plt.Circle((0.5, 0.5), 0.3))
    sketch.set_axis_off()
    assert axis_problems(figures.to_svg(fig)) == []


def test_a_number_plotted_as_a_string_fails():
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.plot([2.5], ["5"], "D")  # the paper's value as read from a CSV: W/k_BT against b, issue 14
    problems = axis_problems(figures.to_svg(fig))
    assert any("y-axis is a category axis" in p for p in problems), problems


def test_an_axis_without_labels_fails():
    fig, (left, right) = plt.subplots(1, 2, figsize=(5, 3))
    left.plot([0.0, 1.0], [0.0, 1.0])
    right.plot([0.0, 1.0], [3.0, 7.0])
    right.set_yticklabels([])  # its values are not those of the left panel: nothing to read them from
    problems = axis_problems(figures.to_svg(fig))
    assert any("y-axis has tick marks but no tick labels" in p for p in problems), problems


def test_a_panel_without_numbers_fails():
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.plot([0.0, 1.0], [0.0, 1.0])
    ax.set_xticks([0.0, 1.0], ["low", "high"])
    ax.set_yticks([0.0, 1.0], ["empty", "full"])
    assert any("no axis with numeric tick labels" in p for p in axis_problems(figures.to_svg(fig)))
