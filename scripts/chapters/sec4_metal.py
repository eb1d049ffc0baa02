"""Generate book/sec4_metal.ipynb (Sec. IV: metallic nanocrystals). Run from the repository root."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from nbtools import code, md, write  # noqa: E402

STEM = "sec4_metal"

cells = [
    md(r"""
# IV. Metallic nanocrystals

Sec. IV of the paper asks whether images spoil cooperativity: it replaces the semiconductor NCs by conducting
spheres (infinite dielectric constant, the strongest images possible), computes the energy of one
electron-cation pair in the empty lattice and the energy per pair of the filled lattice, and finds the filled
lattice lower. The paper could only approximate: a damped image recursion over six spheres (Appendix A) and a
relaxation on a grid (Appendix B). Here both energies come from a multipole solution of conducting spheres that
converges exponentially in the expansion order (`supercrystal.spheres.multipole`), for any metal radius
$a_m = \rho b$ ($\rho = 1$ is the paper's case of touching spheres; an insulating shell gives $\rho \approx 0.8$).

The energy of charged conducting spheres is, with $C_{ij}$ the matrix of electrostatic induction,

$$
U = \frac12 \sum_{ij} C^{-1}_{ij} q_i q_j . \tag{14}
$$

**Two definitions of the single-pair energy.** With a point cation $e$ at $\mathbf r_c$ and spheres of charges
$Q_i$ at potentials $V_i$, the total energy minus the isolated self-energies is

$$
U_{\rm consistent} = \tfrac12 e\,\phi_s(\mathbf r_c) + \tfrac12 \sum_i Q_i V_i - \sum_i \frac{Q_i^2}{2a_m},
$$

$\phi_s$ the potential of all sphere charges. Appendix A keeps only $U_{\rm paper} = \tfrac12 e\,\phi_s(\mathbf r_c)$,
"one half of the interaction of the cation with all induced images". Since $V_i - Q_i/a_m$ is the average over
sphere $i$ of the potential of everything else, $U_{\rm consistent} = U_{\rm paper} + \tfrac12\sum_i Q_i\langle
\phi_{\rm others}\rangle_i$: the paper's definition halves the direct attraction $-e^2/d$ of the electron's
charge and the cation, which is not an image interaction (at $\rho\to0$ it gives $-e^2/2d$ instead of $-e^2/d$).
The filled-lattice energy of Appendix B *is* the consistent one (total energy minus $e^2/2a_m$ and
$e^2/2a_c$), so only the consistent single-pair energy can decide cooperativity.
"""),
    code(r"""
material: str = "CdSe"  # NC material of data/materials.csv (supplies epsilon for E_as), name
a_nm: float = 2.0  # NC core radius a for the E_as shift, nm (0, 50]
""", tags=["parameters"]),
    code(r"""
import os
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # small dense blocks: threads only add overhead
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import Markdown
from myst_nb import glue

from supercrystal.book import claims
from supercrystal.semiconductor import materials, wavefunction
from supercrystal.spheres import metal
from supercrystal.book.datafiles import write_figure_data

params = dict(material=material, a_nm=a_nm)
paper = {k: v["paper_value"] for k, v in claims.paper_values().items()}
paper = {k: (float(v) if v not in ("", None) else None) for k, v in paper.items()}
RHOS = list(claims.METAL_RHOS)
RHOS_CLUSTER = [0.5, 0.7, 0.8, 0.9, 0.95, 1.0]
""", tags=["remove-cell"]),
    md(r"""
## The numbers at contact, $\rho = 1$

At $\rho = 1$ touching spheres are one conductor. This is the limit $\rho\to1$ of isolated spheres: for
charges held fixed the energy exceeds that of the joined conductor by $\tfrac12\,\Delta Q^{T} C^{-1} \Delta Q$,
$\Delta Q$ the charges the joined conductor would move, and the charge-transfer capacitances of two nearly
touching spheres grow like $\tfrac{a_m}{2}\ln(a_m/h)$ in the gap $h$: the difference vanishes, but only as
$1/\ln(1/h)$ (the figure below shows how slowly). In the filled lattice no charge would move (all NCs are
equivalent), so it is continuous at contact.
"""),
    code(r"""
rows = ["| quantity | this book (e²/b) | error | paper (e²/b) |", "|---|---|---|---|"]
table = [
    ("fcc, single pair, six spheres, paper's definition", ("fcc", "single", "six", "paper"), "metal.fcc.single_pair_six"),
    ("fcc, single pair, six spheres, consistent", ("fcc", "single", "six", "consistent"), "metal.fcc.single_pair_six.consistent"),
    ("fcc, single pair, converged cluster, consistent", ("fcc", "single", "converged", "consistent"), None),
    ("fcc, filled lattice", ("fcc", "filled", "converged", "consistent"), "metal.fcc.filled"),
    ("sc, single pair, converged cluster, paper's definition", ("sc", "single", "converged", "paper"), "metal.sc.single_pair"),
    ("sc, single pair, converged cluster, consistent", ("sc", "single", "converged", "consistent"), None),
    ("sc, filled lattice", ("sc", "filled", "converged", "consistent"), "metal.sc.filled"),
]
values = {}
for label, (lat, state, spheres, definition), cid in table:
    r = metal.metal_energy(lat, 1.0, state, spheres, definition)
    values[(lat, state, spheres, definition)] = r
    p = paper.get(cid) if cid else None
    rows.append(f"| {label} | {r.energy:.6f} | {max(r.error, 1e-9):.0e} | {'' if p is None else f'{p:g}'} |")
six_p = values[("fcc", "single", "six", "paper")].energy
six_c = values[("fcc", "single", "six", "consistent")].energy
fill_f = values[("fcc", "filled", "converged", "consistent")].energy
fill_s = values[("sc", "filled", "converged", "consistent")].energy
sc_c = values[("sc", "single", "converged", "consistent")].energy
glue("six_paper", float(six_p), display=False)
glue("six_cons", float(six_c), display=False)
glue("filled_fcc", float(fill_f), display=False)
glue("filled_sc", float(fill_s), display=False)
glue("sc_single_cons", float(sc_c), display=False)
glue("sc_single_paper", float(values[("sc", "single", "converged", "paper")].energy), display=False)
glue("gain_fcc_1", float(six_c - fill_f), display=False)
glue("gain_sc_1", float(sc_c - fill_s), display=False)
pv = claims.paper_values()
for key, name in (("metal.fcc.single_pair_six", "p_six"), ("metal.fcc.filled", "p_fcc"),
                  ("metal.sc.filled", "p_sc"), ("metal.sc.single_pair", "p_sc_single")):
    glue(name, float(pv[key]["paper_value"]), display=False)
    glue(name + "_err", float(pv[key]["paper_error"]), display=False)
Markdown("\n".join(rows))
"""),
    md(r"""
The paper's own definition gives {glue:text}`six_paper:.4f` e²/b for six spheres, inside its
{glue:text}`p_six:.2f` ± {glue:text}`p_six_err:.1f`; the filled fcc lattice is {glue:text}`filled_fcc:.4f` e²/b
(the paper's relaxation on a grid: {glue:text}`p_fcc:.2f` ± {glue:text}`p_fcc_err:.2f`, with finite cations; the
grid method is repeated in Appendix B). But the consistent single-pair
energy is {glue:text}`six_cons:.5f` e²/b: at contact the six touching spheres of the octahedral pore form a cage
that screens the cation almost perfectly (its potential is zero to about $10^{-7}$ e/b: the field leaks only through
the small triangular windows), so the pair costs what a pair of the filled lattice costs, and the gain
$u_s - u_{\rm full}$ = {glue:text}`gain_fcc_1:.1e` e²/b vanishes. The paper's comparison of {glue:text}`p_six:.2f` with {glue:text}`p_fcc:.2f`
mixes the two definitions. In the simple cubic lattice the cage of eight spheres has wide square windows; there the
single pair ({glue:text}`sc_single_cons:.4f`) is even *lower* than a pair of the filled lattice
({glue:text}`filled_sc:.4f`; the paper: about {glue:text}`p_sc:.2f`, our paper-definition single pair is
{glue:text}`sc_single_paper:.4f`, the paper about {glue:text}`p_sc_single:.2f`).

## Energies versus the metal radius
"""),
    code(r"""
curves = {lat: metal.energy_curves(lat, RHOS) for lat in ("fcc", "sc")}
clusters = {lat: [metal.converged_pair(lat, r) for r in RHOS_CLUSTER] for lat in ("fcc", "sc")}
fig, axes = plt.subplots(1, 2, figsize=(10, 4), sharey=True)
for ax, lat in zip(axes, ("fcc", "sc")):
    c = curves[lat]
    cl = clusters[lat]
    write_figure_data(STEM, f"energy_vs_rho_{lat}", {
        "rho": c.rho, "single_nearest_consistent": c.six_consistent, "single_nearest_paper": c.six_paper,
        "single_nearest_error": c.six_error, "single_nearest_connected": c.connected,
        "filled": c.filled, "filled_error": c.filled_error}, params)
    write_figure_data(STEM, f"single_converged_{lat}", {
        "rho": np.array(RHOS_CLUSTER), "consistent": [x.consistent_limit for x in cl],
        "consistent_error": [x.error for x in cl], "paper": [x.paper_limit for x in cl],
        "paper_error": [x.paper_error for x in cl]}, params)
    n = "nearest-shell (6 fcc, 8 sc)"
    ax.plot(c.rho, c.six_consistent, "o-", label=f"single pair, {n} spheres, consistent")
    ax.plot(c.rho, c.six_paper, "s--", label=f"single pair, {n} spheres, paper's definition")
    near = c.rho >= 0.8  # joined shell: the rho -> 1 limit (at small rho it spreads the electron)
    ax.plot(c.rho[near], c.connected[near], "d:", color="C2", label=f"{n} spheres joined into one conductor")
    ax.errorbar(RHOS_CLUSTER, [x.consistent_limit for x in cl], [x.error for x in cl], fmt="^", color="C4",
                capsize=3, label="single pair, converged cluster, consistent")
    ax.plot(c.rho, c.filled, "k-", lw=2, label="filled lattice, per pair")
    key = "metal.fcc.single_pair_six" if lat == "fcc" else "metal.sc.single_pair"
    ax.plot([1.0], [paper[key]], "*", ms=12, color="C1", label="paper, single pair")
    ax.plot([1.0], [paper[f"metal.{lat}.filled"]], "*", ms=12, color="k", label="paper, filled")
    ax.set_title(f"{lat} lattice")
    ax.set_xlabel(r"metal radius $\rho = a_m/b$")
axes[0].set_ylabel(r"energy ($e^2/b$)")
axes[1].legend(fontsize=7, loc="lower left")
axes[0].set_title("fcc lattice (octahedral pores)")
fig.tight_layout()
plt.show()
""", tags=["hide-input"]),
    md(r"""
At small $\rho$ the consistent energies tend to the point-charge values ($-e^2/d$ for the pair, the rock-salt and
CsCl Madelung energies for the filled lattices), the paper's definition to half the pair's. The clusters grow
shell by shell around the pair (up to 92 spheres for fcc, 88 for sc) and are extrapolated in the radius $R$ of the
outermost shell as $R^{-3}$ (the polarisation of the outer lattice by the pair's dipole field); the error bar is
the change of that extrapolation with the last shell plus the truncation of the outer spheres' multipoles. The
paper's definition converges with the first shell already (the cation is screened by its cage); the consistent
one does not, because the electron's sphere polarises its other neighbours.

## The collective gain
"""),
    code(r"""
fig, ax = plt.subplots(figsize=(6.5, 3.8))
for k, lat in enumerate(("fcc", "sc")):
    c, cl = curves[lat], clusters[lat]
    gain_six = c.six_consistent - c.filled
    idx = [RHOS.index(r) for r in RHOS_CLUSTER]
    gain_cl = np.array([x.consistent_limit for x in cl]) - c.filled[idx]
    err_cl = np.array([x.error for x in cl]) + c.filled_error[idx]
    write_figure_data(STEM, f"gain_{lat}", {"rho": c.rho, "gain_nearest": gain_six}, params)
    write_figure_data(STEM, f"gain_converged_{lat}", {"rho": np.array(RHOS_CLUSTER), "gain": gain_cl,
                                                       "error": err_cl}, params)
    ax.plot(c.rho, gain_six, "o-", color=f"C{k}", label=f"{lat}: nearest shell")
    ax.errorbar(RHOS_CLUSTER, gain_cl, err_cl, fmt="^--", color=f"C{k}", capsize=3,
                label=f"{lat}: converged cluster")
i95 = RHOS.index(0.95)
glue("joined_minus_filled", float(curves["fcc"].connected[i95] - curves["fcc"].filled[i95]), display=False)
glue("gain_fcc_95", float(curves["fcc"].six_consistent[i95] - curves["fcc"].filled[i95]), display=False)
glue("gain_sc_95", float(curves["sc"].six_consistent[i95] - curves["sc"].filled[i95]), display=False)
ax.axhline(0, color="0.5", lw=0.8)
ax.set_xlabel(r"metal radius $\rho = a_m/b$")
ax.set_ylabel(r"gain $u_s - u_{\rm full}$ ($e^2/b$)")
ax.legend(fontsize=8)
fig.tight_layout()
plt.show()
""", tags=["hide-input"]),
    md(r"""
The gain $u_s - u_{\rm full}$ (positive: cooperative) grows from the point-charge value as the spheres grow,
then collapses near contact. The reason is screening. As the gaps close, the six NCs around a cation act as one
cage, and a pair of the filled fcc lattice costs what a single pair costs when its electron is *shared* by the
six spheres of the cage (the "joined" curve): at $\rho$ = 0.95 they differ by only
{glue:text}`joined_minus_filled:.1e` e²/b. The single pair of isolated NCs differs from the joined cage by the
price of keeping the electron on one sphere, $\tfrac12\Delta Q^T C^{-1}\Delta Q > 0$: that is the whole gain,
and it vanishes when the charge-transfer capacitances of the nearly touching spheres diverge. For fcc the gain stays positive for every $\rho < 1$ and vanishes
at contact, where it is {glue:text}`gain_fcc_1:.1e` e²/b; since isolated spheres reach the joined-cage energy
only as $1/\ln(1/h)$, the gain falls to zero just as slowly. For the simple cubic lattice the limit at contact is
slightly negative ({glue:text}`gain_sc_1:.4f` e²/b at $\rho = 1$): exactly touching metal spheres in a simple cubic
lattice are not cooperative. Because the approach to contact is logarithmic, the sign change lies in the last
sliver before contact: a leading-order $1/\ln(1/h)$ estimate through the gain at $\rho = 0.95$ puts it at gaps far
below an atomic size, so for any real gap both lattices are cooperative (this estimate is not a computation: the
fixed-charge solutions for $0.95 < \rho < 1$ need expansion orders beyond 60 and are not done here). Real NCs,
whose insulating shells keep $\rho$ near 0.8, keep a clear gain.

## Semiconductor versus metal: the shift $E_{as}/e$

For a semiconductor NC the electron is not a surface charge but the 1s cloud of Eq. (1); assembling it costs
$E_{as}$ more, the same in the empty and the filled lattice. The threshold voltage is shifted, cooperativity is not.
"""),
    code(r"""
eps = materials.material(material).epsilon
e_as = wavefunction.assembly_energy_ev(a_nm, eps)
glue("E_as_V", float(e_as), display=False)
glue("eps_mat", float(eps), display=False)
Markdown(f"For {material} ($\\epsilon$ = {eps:g}) with $a$ = {a_nm:g} nm: $E_{{as}}/e$ = {e_as:.4f} V.")
""", tags=["hide-input"]),
    code(r"""
from supercrystal.book.datafiles import download_links
Markdown(download_links(STEM, ["energy_vs_rho_fcc", "energy_vs_rho_sc", "single_converged_fcc",
                               "single_converged_sc", "gain_fcc", "gain_sc", "gain_converged_fcc",
                               "gain_converged_sc"]))
""", tags=["remove-input"]),
]
# STEM is used inside the notebook's cells
cells[2].source = cells[2].source + f'\nSTEM = "{STEM}"'
write(f"book/{STEM}.ipynb", cells)
