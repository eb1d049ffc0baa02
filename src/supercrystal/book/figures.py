"""Every figure of the book goes through here: one style, checked sizes, SVG output glued for a caption.

The chapters draw their own figures (matplotlib); this module only styles, checks, saves and displays them.
A chapter's plotting cell ends with ``figures.show(fig, "sec3-staircase")``, which

* checks that the figure fits the content column (at most :data:`FULL_WIDTH` inches wide, so the browser never
  shrinks it below its natural size) and that every visible text is at least :data:`MIN_FONT_PT` points;
* renders it as SVG (vector, text as paths, no date, fixed ids: the same figure gives the same bytes);
* glues it under its key with myst-nb and closes it (nothing is displayed in the cell).

The Markdown beside the cell shows it as a numbered figure with a caption that may embed computed values,
and with alt text::

    ```{glue:figure} sec3-staircase
    :name: fig-sec3-staircase
    :alt: Filling factor against voltage: steps at V1 and V2 ...

    Filling factor $\\nu$ against $V$ for {glue:text}`a_nm:.1f` nm CdSe NCs ...
    ```

The figure stays on the page that glues it (glue across pages is unreliable in Jupyter Book 1.x).

Helpers for what several chapters need: :func:`text_colour` (black or white label for a coloured cell, by its
luminance), :func:`power_of_ten` (a number as a typeset $a \\times 10^{n}$, for ``{glue:md}``),
:func:`paper_marker` (the paper's value as a point, converted to float so that it lands on a numeric axis).
"""
from __future__ import annotations

import io
import math

import matplotlib as mpl
import matplotlib.pyplot as plt
from matplotlib.category import UnitData
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure

#: widest figure in inches (its tight bounding box), at 96 px per inch: the output area of the theme's content
#: column is 676 px wide in a 1280 px window (measured), so a figure at most 653 px is shown at natural size
FULL_WIDTH = 6.8
#: width of a figure meant to sit alone without filling the column
HALF_WIDTH = 4.8
#: smallest text allowed at the displayed size (points)
MIN_FONT_PT = 8.0

STYLE = {
    "font.size": 9.0,
    "axes.titlesize": 9.0,
    "axes.labelsize": 9.0,
    "xtick.labelsize": 8.5,
    "ytick.labelsize": 8.5,
    "legend.fontsize": 8.0,
    "legend.framealpha": 0.85,
    "figure.titlesize": 9.5,
    "figure.dpi": 100,
    "savefig.bbox": "tight",
    "savefig.pad_inches": 0.03,
    "svg.fonttype": "path",
    "svg.hashsalt": "supercrystal",
    "axes.formatter.use_mathtext": True,
    "axes.formatter.limits": (-3, 4),
}


def setup() -> None:
    """Apply the book's figure style (call once in a chapter's hidden imports cell)."""
    mpl.rcParams.update(STYLE)


def _visible_texts(fig: Figure):
    for text in fig.findobj(mpl.text.Text):
        if text.get_visible() and text.get_text().strip():
            yield text


def check(fig: Figure) -> None:
    """Raise ValueError if ``fig`` is wider than the column, has text below :data:`MIN_FONT_PT`, or an axis
    made of categories (a number that reached matplotlib as a string: no numeric ticks, the point misplaced)."""
    width = fig.get_tightbbox(fig.canvas.get_renderer()).width + 2 * STYLE["savefig.pad_inches"]
    if width > FULL_WIDTH + 1e-9:
        renderer = fig.canvas.get_renderer()
        outside = [str(t.get_text())[:30] for t in _visible_texts(fig)
                   if not fig.bbox.contains(*t.get_window_extent(renderer).p0)
                   or not fig.bbox.contains(*t.get_window_extent(renderer).p1)]
        raise ValueError(f"figure width must be at most {FULL_WIDTH} in (got {width:g} in): the browser would "
                         f"shrink it and its text (text outside the figure: {outside[:5]})")
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            if isinstance(axis.units, UnitData):
                raise ValueError(f"{axis.axis_name}-axis of {ax.get_title() or 'a panel'!r} is a category axis: "
                                 "a plotted value is a string (convert it with float)")
    small = sorted({(round(t.get_fontsize(), 2), t.get_text()[:30]) for t in _visible_texts(fig)
                    if t.get_fontsize() < MIN_FONT_PT - 1e-9})
    if small:
        raise ValueError(f"text below {MIN_FONT_PT:g} pt in the figure: {small[:5]}")


def to_svg(fig: Figure) -> str:
    """The figure as an SVG document: text as paths, no creation date, ids fixed by ``svg.hashsalt``."""
    buf = io.StringIO()
    with mpl.rc_context({"svg.hashsalt": STYLE["svg.hashsalt"], "svg.fonttype": "path"}):
        fig.savefig(buf, format="svg", metadata={"Date": None}, bbox_inches="tight",
                    pad_inches=STYLE["savefig.pad_inches"])
    return buf.getvalue()


def show(fig: Figure, key: str) -> None:
    """Check ``fig``, glue it as SVG under ``key`` for a ``{glue:figure}`` directive, and close it."""
    from IPython.display import SVG
    from myst_nb import glue

    if not key or not key.replace("-", "").replace("_", "").isalnum():
        raise ValueError(f"key must be letters, digits, '-' and '_' (got key={key!r})")
    check(fig)
    svg = SVG(data=to_svg(fig))
    plt.close(fig)
    glue(key, svg, display=False)


def glue_md(key: str, text: str) -> None:
    """Glue ``text`` as Markdown under ``key`` (a string parameter in a caption: ``{glue:md}`key```)."""
    from IPython.display import Markdown
    from myst_nb import glue

    glue(key, Markdown(text), display=False)


def text_colour(rgba) -> str:
    """Black or white, whichever reads better on a cell of colour ``rgba`` (WCAG relative luminance)."""
    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in to_rgb(rgba))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    # contrast with black (L + 0.05)/0.05 against with white 1.05/(L + 0.05): equal at L = 0.179
    return "black" if luminance > 0.179 else "white"


def power_of_ten(x: float, digits: int = 1) -> str:
    """``x`` as typeset Markdown math, $-2.6 \\times 10^{-9}$ rather than -2.6e-09 (for ``{glue:md}``)."""
    x = float(x)
    if not math.isfinite(x):
        raise ValueError(f"x must be finite (got x={x!r})")
    if x == 0.0:
        return "$0$"
    mantissa, exponent = f"{x:.{digits}e}".split("e")
    exponent = int(exponent)
    if exponent == 0:
        return f"${mantissa}$"
    return f"${mantissa} \\times 10^{{{exponent}}}$"


def glue_power_of_ten(key: str, x: float, digits: int = 1) -> None:
    """Glue ``x`` as typeset Markdown under ``key``: write it in the text as ``{glue:md}`key```."""
    glue_md(key, power_of_ten(x, digits))


def paper_marker(ax, x, y, label: str, **kwargs):
    """Draw the paper's value ``(x, y)`` as a red diamond; both converted to float (a string would make a
    category axis and the point would vanish)."""
    if x is None or y is None:
        raise ValueError(f"the paper's point needs both coordinates (got x={x!r}, y={y!r})")
    style = dict(marker="D", ms=6, color="C3", ls="none", zorder=5)
    style.update(kwargs)
    return ax.plot([float(x)], [float(y)], label=label, **style)


def charging_panels(panels, v1: float, v1_label: str = "$V_1$ (Sec. III, $T=0$)"):
    """The quantitative Fig. 4: a 2 x 2 grid of panels, each a filling plot above a capacitance plot.

    ``panels``: four (title, curves) pairs, ``curves`` the :class:`~supercrystal.montecarlo.ChargingCurve`\\ s
    averaged in the panel (one, or one per disorder sample) on a common voltage grid; ``v1``: Sec. III's level
    (V), drawn dotted.  Upper plot: nu on the up and the down sweep, the mean equilibrium step V*; lower plot:
    the equilibrium C/eN (up branch below each sample's step, down branch above), and an arrow of the delta
    peak with its weight when the mean jump is positive.  Returns (fig, columns, summary): the plotted
    arrays keyed ``nu_up_k``, ``nu_down_k``, ``C_eq_k`` (k = 0..3) with ``volts``, and per panel (V*, jump).
    """
    import numpy as np

    fig = plt.figure(figsize=(6.6, 7.8), layout="constrained")
    outer = fig.add_gridspec(2, 2)
    axes = np.empty((2, 4), dtype=object)  # axes[0, k]: filling of panel k, axes[1, k]: its capacitance
    for k in range(4):
        inner = outer[k // 2, k % 2].subgridspec(2, 1, height_ratios=[1, 0.75], hspace=0.0)
        axes[0, k] = fig.add_subplot(inner[0], sharex=axes[0, 0] if k else None)
        axes[1, k] = fig.add_subplot(inner[1], sharex=axes[0, 0])
        axes[0, k].tick_params(labelbottom=False)
    volts = panels[0][1][0].volts
    cols, summary = {"volts": volts}, []
    for k, (title, cs) in enumerate(panels):
        nu_up = np.mean([c.nu_up for c in cs], axis=0)
        nu_dn = np.mean([c.nu_down for c in cs], axis=0)
        c_eq = np.mean([np.where(c.volts < c.V_star, c.C_up, c.C_down) for c in cs], axis=0)
        v_star, jump = float(np.mean([c.V_star for c in cs])), float(np.mean([c.jump for c in cs]))
        ax = axes[0, k]
        ax.plot(volts, nu_up, "-", color="C0", label="up sweep")
        ax.plot(volts, nu_dn, "--", color="C3", label="down sweep")
        ax.axvline(v1, color="0.4", lw=0.8, ls=":", label=v1_label)
        ax.axvline(v_star, color="k", lw=0.8, label="equilibrium step $V^*$")
        ax.set_title(f"({'abcd'[k]}) {title}", loc="left")
        ax.set_ylim(-0.03, 1.05)
        bx = axes[1, k]
        bx.plot(volts, c_eq, "-", color="C2", label="continuous part (fluctuations)")
        top = max(1.0, 1.3 * float(np.max(c_eq)))
        if jump > 0:
            bx.annotate("", xy=(v_star, top * 0.95), xytext=(v_star, 0), arrowprops=dict(arrowstyle="->", color="k"))
            bx.text(v_star + 0.005, top * 0.75, f"$\\delta$ peak,\nweight {jump:.2f}", fontsize=8)
        bx.axvline(v1, color="0.4", lw=0.8, ls=":")
        bx.set_ylim(0, top)
        bx.set_xlabel("gate voltage $V$ (V)")
        cols.update({f"nu_up_{k}": nu_up, f"nu_down_{k}": nu_dn, f"C_eq_{k}": c_eq})
        summary.append((v_star, jump))
    for k in (0, 2):
        axes[0, k].set_ylabel("filling $\\nu$")
        axes[1, k].set_ylabel("$C/eN$ (1/V)")
    handles, labels = axes[0, 0].get_legend_handles_labels()
    more = axes[1, 0].get_legend_handles_labels()
    fig.legend(handles + more[0], labels + ["equilibrium $C/eN = d\\nu/dV$, continuous part"],
               loc="outside lower center", ncol=2, frameon=False)
    return fig, cols, summary
