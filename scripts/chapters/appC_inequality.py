"""Generate book/appC_inequality.ipynb (Appendix C: why the filled lattice is lower). Run from the repo root."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from nbtools import code, md, write  # noqa: E402

STEM = "appC_inequality"

cells = [
    md(r"""
# Appendix C. Why the filled lattice is lower

Appendix C argues in general that a filled lattice of metal NCs (charge $-e$) and small metal cations ($+e$) has
a lower energy per pair than a single pair in the empty lattice. Its tool is Eq. (14),
$U = \tfrac12\sum_{ij} C^{-1}_{ij} q_i q_j$. A single pair (cation 1, its neighbour NC 2) costs

$$
u_s = \frac{e^2}{2}\left[C^{-1}_{11} + C^{-1}_{22} - 2C^{-1}_{12}\right]. \tag{15}
$$

If the filled lattice is in its ground state, exchanging the charges of sites 1 and 2 (cation $+e$ at site 1,
NC $-e$ at site 2) cannot lower its energy. Before and after the exchange, Eq. (14) gives

\begin{align*}
U_{\rm in} = {}& \frac12\left[e^2C^{-1}_{11} + e^2C^{-1}_{22} - 2e^2C^{-1}_{12}\right] \notag \\
&+ \sum_{j\ne1,2}\left(e q_j C^{-1}_{1j} - e q_j C^{-1}_{2j}\right)
+ \frac12\sum_{i\ne1,2}\sum_{j\ne1,2} C^{-1}_{ij} q_i q_j , \tag{16}
\end{align*}

\begin{align*}
U_{\rm fin} = {}& \frac12\left[e^2C^{-1}_{11} + e^2C^{-1}_{22} - 2e^2C^{-1}_{12}\right] \notag \\
&- \sum_{j\ne1,2}\left(e q_j C^{-1}_{1j} - e q_j C^{-1}_{2j}\right)
+ \frac12\sum_{i\ne1,2}\sum_{j\ne1,2} C^{-1}_{ij} q_i q_j , \tag{17}
\end{align*}

and $U_{\rm fin} \ge U_{\rm in}$ says

$$
S \equiv \sum_{j\ne1,2}\left(e q_j C^{-1}_{1j} - e q_j C^{-1}_{2j}\right) \le 0 . \tag{18}
$$

The energy per pair of the filled lattice is

$$
u_{\rm full} = \frac12\sum_{i=1,2}\sum_j C^{-1}_{ij} q_i q_j = u_s + \frac{S}{2}, \tag{19}
$$

so that, by Eq. (18),

$$
u_{\rm full} \le u_s . \tag{20}
$$

Here every term is computed: the capacitance matrix of a neutral patch of the filled lattice (NC spheres of
radius $\rho b$, cation spheres of radius $a_c$) comes from the multipole solver of
`supercrystal.spheres.multipole`, and $C^{-1}$ gives Eqs. (15)-(20) term by term.
"""),
    code(r"""
rho: float = 0.8  # metal sphere radius a_m / b, dimensionless (0, 1)
a_c: float = 0.1  # cation sphere radius a_c / b, dimensionless (0, 0.3]
""", tags=["parameters"]),
    code(r"""
import os
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # small dense blocks: threads only add overhead
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import Markdown
from myst_nb import glue

from supercrystal.spheres import metal
from supercrystal.book.datafiles import write_figure_data

STEM = "appC_inequality"
params = dict(rho=rho, a_c=a_c)
""", tags=["remove-cell"]),
    code(r"""
res = {lat: metal.appendix_c(lat, rho, a_c, 2) for lat in ("fcc", "sc")}
rows = ["| term | fcc (e²/b) | sc (e²/b) |", "|---|---|---|"]
terms = [
    ("$\\tfrac12 C^{-1}_{11}$ (cation)", lambda r: 0.5 * r.cinv11),
    ("$\\tfrac12 C^{-1}_{22}$ (NC)", lambda r: 0.5 * r.cinv22),
    ("$-C^{-1}_{12}$", lambda r: -r.cinv12),
    ("$u_s$, Eq. (15)", lambda r: r.u_s),
    ("$S/2$, Eq. (18)", lambda r: 0.5 * r.cross),
    ("$u_{\\rm full}$, Eq. (19)", lambda r: r.u_full),
    ("self-energies $e^2/2a_c + e^2/2\\rho b$", lambda r: r.self_energy),
    ("$u_s$ minus self-energies", lambda r: r.u_s - r.self_energy),
    ("$u_{\\rm full}$ minus self-energies", lambda r: r.u_full - r.self_energy),
    ("largest $S$ over interior swaps", lambda r: r.swap_max),
]
for name, f in terms:
    rows.append(f"| {name} | {f(res['fcc']):.6f} | {f(res['sc']):.6f} |")
for lat, r in res.items():
    glue(f"S_{lat}", float(r.cross), display=False)
    glue(f"n_{lat}", int(r.n_sites), display=False)
    glue(f"us_{lat}", float(r.u_s - r.self_energy), display=False)
    glue(f"uf_{lat}", float(r.u_full - r.self_energy), display=False)
    glue(f"swap_{lat}", float(r.swap_max), display=False)
Markdown("\n".join(rows))
""", tags=["hide-input"]),
    md(r"""
The patches hold {glue:text}`n_fcc` spheres (fcc: the rock-salt sites of a $4\times4\times4$ cube, neutral and
without dipole) and {glue:text}`n_sc` spheres (sc: a $2\times2\times2$ cube of cells with Evjen charges on its
surface NCs). The stability sum is negative, $S$ = {glue:text}`S_fcc:.4f` (fcc) and {glue:text}`S_sc:.4f` (sc)
e²/b, and so is every interior swap (largest: {glue:text}`swap_fcc:.4f` and {glue:text}`swap_sc:.4f`), so
$u_{\rm full} < u_s$: {glue:text}`uf_fcc:.4f` < {glue:text}`us_fcc:.4f` (fcc) and {glue:text}`uf_sc:.4f` <
{glue:text}`us_sc:.4f` (sc), self-energies removed. A finite patch is not the infinite lattice (its $u_{\rm full}$
differs from the periodic value of Sec. IV by the patch's surface), but the inequality is checked on the same
matrix it is derived from.
"""),
    code(r"""
labels = ["½C⁻¹₁₁−self", "½C⁻¹₂₂−self", "−C⁻¹₁₂", "u_s", "S/2", "u_full"]
fig, ax = plt.subplots(figsize=(7, 3.6))
width = 0.38
for k, lat in enumerate(("fcc", "sc")):
    r = res[lat]
    vals = np.array([0.5 * r.cinv11 - 0.5 / a_c, 0.5 * r.cinv22 - 0.5 / rho, -r.cinv12,
                     r.u_s - r.self_energy, 0.5 * r.cross, r.u_full - r.self_energy])
    write_figure_data(STEM, f"terms_{lat}", {"term": np.arange(len(vals)), "value": vals}, params)
    ax.bar(np.arange(len(vals)) + (k - 0.5) * width, vals, width, label=f"{lat}, $\\rho$ = {rho:g}, $a_c$ = {a_c:g}")
ax.axhline(0, color="0.5", lw=0.8)
ax.set_xticks(np.arange(len(labels)), labels)
ax.set_ylabel(r"energy ($e^2/b$)")
ax.legend(fontsize=8)
fig.tight_layout()
plt.show()
""", tags=["hide-input"]),
    md(r"""
The figure splits $u_s$ and $u_{\rm full}$ into the terms of Eqs. (15) and (18) (self-energies of the isolated
spheres removed from the diagonal terms). The proof needs one assumption that the numbers cannot supply: that
the filled arrangement is stable against *every* exchange of charges, including putting $-e$ on a cation
sphere. Since Eq. (19) is an identity, wherever the gain of Sec. IV is negative (the simple cubic lattice
between $\rho$ = 0.95 and contact) the sum $S$ must be positive: there the filled arrangement is *not* stable
against such an exchange, and the inequality (20) does not hold. So Appendix C proves cooperativity only where Eq. (18) holds, which has to be checked, as here.
"""),
    code(r"""
from supercrystal.book.datafiles import download_links
Markdown(download_links(STEM, ["terms_fcc", "terms_sc"]))
""", tags=["remove-input"]),
]
write(f"book/{STEM}.ipynb", cells)
