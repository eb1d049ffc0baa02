"""Generate book/sec2_charging.ipynb (Sec. II of the paper, Figs. 2 and 3, the dipole argument).

Run from the repository root:  .venv/bin/python scripts/chapters/sec2_charging.py
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
from nbtools import code, md, write  # noqa: E402

cells = [
    md(r"""
# II. Nontrivial character of charging of SC-RTIL capacitor

The super-crystal (SC) of NCs and the ionic liquid (RTIL) that fills its pores form a capacitor whose two
"plates" interpenetrate {cite}`chen2011`. The quantity of interest is the electron concentration $n(V)$, or the
filling factor $\nu = n/N$ ($N$ the NC concentration), and the capacitance per unit volume $C(V) = e\,dn/dV$.

The intuitive expectation is sequential charging: an electron added to an NC repels the next one, so $n(V)$
grows smoothly. That is what happens in a conventional capacitor: one layer of NCs under a planar metal gate
(Fig. 3), where every electron and its image in the gate form a dipole, all dipoles are parallel and
coplanar, and they repel {cite}`skinner2010dipoles`. The paper predicts the opposite for the SC-RTIL capacitor:
$\nu(V)$ is a staircase and $C(V)$ a sum of delta functions, because the electron-cation dipoles of the filled
SC *attract* each other (end of Sec. III of the paper). This chapter draws Figs. 2 and 3 from the package's
lattice coordinates and computes the dipole energies that the paper's argument rests on.
"""),
    code(r"""
a_nm: float = 2.0  # NC core radius a (drawn in Fig. 2), nm (0, 50]
b_nm: float = 2.5  # NC external radius b (core plus insulating shell), nm (0, 50]
material: str = "CdSe"  # material of data/materials.csv (supplies epsilon for the meV scale)
epsilon: float = 0.0  # uniform dielectric constant; 0 takes the material's static value [0, 1000]
cation_radius_nm: float = 0.5  # cation radius drawn in Fig. 2 (ions ~1 nm across), nm [0, 5]
layer: str = "square"  # NC layer under the gate in Fig. 3: "square" (100) or "triangular" (111)
insulator_nm: float = 0.5  # insulator between the NC shells and the gate of Fig. 3, nm [0, 50]
""", tags=["parameters"]),
    code(r"""
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import Markdown
from matplotlib.patches import Circle, FancyArrowPatch, Rectangle
from myst_nb import glue
from scipy.optimize import brentq

from supercrystal import units
from supercrystal.charging import dipoles
from supercrystal.lattice import geometry
from supercrystal.semiconductor import materials
from supercrystal.book.datafiles import download_links, write_figure_data

if not 0 < a_nm < b_nm:
    raise ValueError(f"need 0 < a_nm < b_nm (got a_nm={a_nm}, b_nm={b_nm})")
eps = epsilon or materials.material(material).epsilon
geometry.check_cation_fits("octahedral", cation_radius_nm / b_nm)
gate_height = 1.0 + insulator_nm / b_nm  # gate plane above the NC centres, units of b
unit_mev = 1e3 * units.coulomb_ev(eps, b_nm)  # e^2/(eps b) in meV
params = dict(a_nm=a_nm, b_nm=b_nm, material=material, epsilon=eps, cation_radius_nm=cation_radius_nm,
              layer=layer, insulator_nm=insulator_nm)
glue("unit_mev", float(unit_mev), display=False)
glue("eps", float(eps), display=False)
""", tags=["remove-cell"]),
    md(r"""
## Fig. 2: the (100) cross-section of the filled super-crystal

With one electron per NC and one cation in every octahedral pore, the charges form a rock-salt lattice. In a
(100) plane the NC centres (external radius $b$, touching at $2b$; semiconductor core radius $a$) and the
octahedral pore centres alternate on a square grid of step $d = \sqrt2\,b$, the electron-cation distance of
Eq. (3). The coordinates below come from `geometry.nc_sites` and `geometry.pore_sites`; each arrow pairs an
electron with the cation on its right (one possible choice of dipoles, as in the paper's Fig. 2).
"""),
    code(r"""
cube = geometry.cube_side("fcc")
cells = np.array([[i, j, 0] for i in range(-1, 3) for j in range(-1, 3)]) * cube
ncs = (cells[:, None, :] + geometry.nc_sites("fcc")[None]).reshape(-1, 3)
cations = (cells[:, None, :] + geometry.pore_sites("octahedral")[None]).reshape(-1, 3)
window = lambda p: p[(np.abs(p[:, 2]) < 1e-9) & np.all((p[:, :2] > -0.01) & (p[:, :2] < 2 * cube + 0.01), axis=1)]
ncs, cations = window(ncs), window(cations)
d = geometry.electron_cation_distance("octahedral")
has_partner = np.array([np.any(np.linalg.norm(cations[:, :2] - (p[:2] + [d, 0]), axis=1) < 1e-9) for p in ncs])
r_cat = cation_radius_nm / b_nm

write_figure_data("sec2_charging", "fig2_cross_section", {
    "x_over_b": np.concatenate([ncs[:, 0], cations[:, 0]]),
    "y_over_b": np.concatenate([ncs[:, 1], cations[:, 1]]),
    "charge_e": np.concatenate([-np.ones(len(ncs)), np.ones(len(cations))]),
    "radius_over_b": np.concatenate([np.ones(len(ncs)), np.full(len(cations), r_cat)]),
    "dipole_dx_over_b": np.concatenate([np.where(has_partner, d, 0.0), np.zeros(len(cations))]),
}, params)

fig, ax = plt.subplots(figsize=(5.6, 5.6))
for x, y, _ in ncs:
    ax.add_patch(Circle((x, y), 1.0, fc="#cfe0f5", ec="#2b5d9c", lw=1))
    ax.add_patch(Circle((x, y), a_nm / b_nm, fc="#6c9bd2", ec="none"))
for x, y, _ in cations:
    ax.add_patch(Circle((x, y), r_cat, fc="#c0392b", ec="k", lw=0.5))
for (x, y, _), ok in zip(ncs, has_partner):
    if ok:
        ax.add_patch(FancyArrowPatch((x, y), (x + d, y), arrowstyle="-|>", mutation_scale=12, lw=1.6, color="k"))
x0, y0 = ncs[np.argmin(np.linalg.norm(ncs[:, :2] - cube, axis=1)), :2]
ax.plot([x0, x0 + np.cos(2.3)], [y0, y0 + np.sin(2.3)], color="0.2", lw=1)
ax.text(x0 + 0.55 * np.cos(2.3) - 0.25, y0 + 0.55 * np.sin(2.3) + 0.12, "$b$", fontsize=12)
ax.plot([x0, x0 + a_nm / b_nm * np.cos(-2.3)], [y0, y0 + a_nm / b_nm * np.sin(-2.3)], color="w", lw=1)
ax.text(x0 + 0.4 * np.cos(-2.3) - 0.3, y0 + 0.4 * np.sin(-2.3) - 0.1, "$a$", fontsize=12, color="w")
ax.set_xlim(-1.2, 2 * cube + 1.2)
ax.set_ylim(-1.2, 2 * cube + 1.2)
ax.set_aspect("equal")
ax.set_xlabel("$x/b$ along [100]")
ax.set_ylabel("$y/b$ along [010]")
ax.set_title("(100) plane: NCs (blue, $-e$), cations (red, $+e$), dipoles")
plt.show()
""", tags=["hide-input"]),
    md(r"""
## Two dipoles at $\pi/4$

The dipoles of Fig. 2 all point along $+x$, and the vector joining the centres of nearest-neighbour dipoles
makes the angle $\pi/4$ with the moment $\mathbf p = e\mathbf d$. Two point dipoles interact as

$$
U = \frac{\mathbf p_1\cdot\mathbf p_2 - 3(\mathbf p_1\cdot\hat{\mathbf r})(\mathbf p_2\cdot\hat{\mathbf r})}{\epsilon r^3}
  = \frac{p^2\,(1 - 3\cos^2\theta)}{\epsilon r^3},
$$

which is negative (attraction) for $\theta < \arccos(1/\sqrt3) = 54.7^\circ$: at $\theta = \pi/4$ it is
$-p^2/2\epsilon r^3$. The dipoles of the super-crystal are not small compared with their distance, though
($d = \sqrt2\,b$ against $r = 2b$), so the package also gives the exact energy of the four charges
(`dipoles.dipole_pair`):
"""),
    code(r"""
thetas = np.linspace(0.0, np.pi / 2, 181)
pairs = [dipoles.dipole_pair(t) for t in thetas]
write_figure_data("sec2_charging", "dipole_pair_angle", {
    "theta_rad": thetas, "point_e2_per_eps_b": [p.point for p in pairs],
    "exact_e2_per_eps_b": [p.exact for p in pairs]}, params)
pi4, side = dipoles.dipole_pair(np.pi / 4), dipoles.dipole_pair(np.pi / 2)
magic = np.degrees(np.arccos(1 / np.sqrt(3)))
zero_exact = np.degrees(brentq(lambda t: dipoles.dipole_pair(t).exact, 0.1, np.pi / 2 - 0.1))

fig, ax = plt.subplots(figsize=(6, 3.8))
ax.plot(np.degrees(thetas), [p.point for p in pairs], label="point dipoles $p^2(1-3\\cos^2\\theta)/r^3$")
ax.plot(np.degrees(thetas), [p.exact for p in pairs], label="exact: the four charges")
ax.axhline(0, color="0.5", lw=0.8)
ax.axvline(45, color="0.4", ls=":", lw=1)
ax.text(44, -0.8, "$\\pi/4$ (Fig. 2)", ha="right")
ax.axvline(magic, color="0.7", ls="--", lw=1)
ax.text(magic + 1, -0.8, "$54.7^\\circ$")
ax.set_xlabel("angle $\\theta$ between $\\mathbf{r}$ and $\\mathbf{p}$ (degrees)")
ax.set_ylabel("pair energy ($e^2/\\epsilon b$)")
ax.set_title("two parallel dipoles, $d = \\sqrt{2}\\,b$, centres $2b$ apart")
ax.legend(loc="lower right")
plt.show()
rows = ["| neighbour | how many (3D) | point dipoles | exact charges |", "|---|---|---|---|",
        f"| at $\\pi/4$ | 8 | {pi4.point:.4f} | {pi4.exact:.4f} |",
        f"| at $\\pi/2$ (side by side) | 4 | {side.point:.4f} | {side.exact:.4f} |",
        f"| whole nearest shell | 12 | {0.0 if abs(8 * pi4.point + 4 * side.point) < 1e-12 else 8 * pi4.point + 4 * side.point:.4f} | {8 * pi4.exact + 4 * side.exact:.4f} |"]
glue("pi4_point", float(pi4.point), display=False)
glue("pi4_exact", float(pi4.exact), display=False)
glue("side_exact", float(side.exact), display=False)
glue("shell_exact", float(8 * pi4.exact + 4 * side.exact), display=False)
glue("zero_exact_deg", float(zero_exact), display=False)
Markdown("\n".join(rows) + "\n\n(energies in $e^2/\\epsilon b$)")
""", tags=["hide-input"]),
    md(r"""
At $\pi/4$ the pair attracts: {glue:text}`pi4_point:.4f` $e^2/\epsilon b$ for point dipoles and only
{glue:text}`pi4_exact:.4f` for the real charges, whose attraction turns into repulsion already near
{glue:text}`zero_exact_deg:.0f`$^\circ$ instead of $54.7^\circ$. In three dimensions each dipole has, besides its
eight neighbours at $\pi/4$, four side-by-side neighbours at $\pi/2$ that repel. For point dipoles the two
cancel exactly, as they do on every shell of a cubic lattice (Lorentz); for the real charges the nearest shell
even repels ({glue:text}`shell_exact:.3f` $e^2/\epsilon b$). The pair at $\pi/4$ therefore illustrates the sign
but does not prove it: the net attraction is a property of the whole lattice, computed next.

## Lattice sums: the rock salt attracts, Fig. 3 repels

**Rock salt (Figs. 1-2).** Summed over all dipoles, the energy per dipole of the filled SC is the Madelung
energy per pair, $-M_1 e^2/\epsilon d$ (Eq. 4), minus the pair's own attraction $-e^2/\epsilon d$:

$$
U_{dd} = -(M_1 - 1)\frac{e^2}{\epsilon\sqrt2\,b},
$$

exactly minus the collective gain of Sec. III. For point dipoles the 3D sum is only conditionally convergent:
summed over a sphere or a cube in vacuum it is zero by cubic symmetry, while with conducting surroundings, which
remove the depolarising field of the sample's polar faces, it is $-(2\pi/3)\,n p^2$ (the Lorentz local field
{cite}`kittel,deLeeuw1980`). The charge lattice itself has no such ambiguity: its Ewald energy {cite}`ewald1921`
is the energy of a crystal with non-polar faces, and it equals the conducting-boundary value of the dipole sum.
The package computes it twice, from the rock-salt Madelung constant and from the Ewald potential of the fcc
lattice of dipoles, and checks both by a direct sum over cubes of dipoles in vacuum plus the cube's
depolarisation energy $(2\pi/3)\,n p^2$:
"""),
    code(r"""
rs = dipoles.rocksalt_dipoles()
rows = ["| cube of $\\pm n$ cells | dipoles summed | $\\frac12\\sum u$ (vacuum) | minus $(2\\pi/3)np^2$ | error |",
        "|---|---|---|---|---|"]
cube_n = np.array([2, 4, 8, 16])
cube_sums = np.array([dipoles.rocksalt_dipole_cube_sum(int(n)) for n in cube_n])
for n, s in zip(cube_n, cube_sums):
    rows.append(f"| {n} | {4 * (2 * n + 1) ** 3 - 1} | {s:.6f} | {s - rs.shape_term:.6f} | {s - rs.shape_term - rs.exact:.1e} |")
richardson = (4 * cube_sums[-1] - cube_sums[-2]) / 3 - rs.shape_term
rows.append(f"| Richardson ($n^{{-2}}$) | | | {richardson:.6f} | {richardson - rs.exact:.1e} |")
write_figure_data("sec2_charging", "rocksalt_cube_sums", {"n_cells": cube_n, "vacuum_cube_sum": cube_sums,
                  "conducting": cube_sums - rs.shape_term}, params)
glue("rs_exact", float(rs.exact), display=False)
glue("rs_exact_mev", float(rs.exact * unit_mev), display=False)
glue("rs_point", float(rs.point_conducting), display=False)
glue("rs_vacuum", float(rs.exact + rs.shape_term), display=False)
Markdown("\n".join(rows) + f"\n\nEwald: Madelung route {rs.exact:.10f}, dipole-lattice route "
         f"{rs.exact_dipole_lattice:.10f} $e^2/\\epsilon b$.")
""", tags=["hide-input"]),
    md(r"""
The cube sums approach their limit as $n^{-2}$ (the dipole-octupole remainder), and one Richardson step lands on
the Ewald value, $U_{dd} =$ {glue:text}`rs_exact:.5f` $e^2/\epsilon b$ ({glue:text}`rs_exact_mev:.1f` meV for
$\epsilon$ = {glue:text}`eps:.1f`). Point dipoles with conducting boundaries would give
{glue:text}`rs_point:.4f`; a sample of whole dipoles in vacuum would even repel ({glue:text}`rs_vacuum:.4f`),
because its polar faces carry the bound charge of the uniform polarisation. The physical statement of the paper
is the bulk one: the filled rock-salt SC is bound by its dipole-dipole attraction.

**Fig. 3.** One layer of NCs under a planar gate at height $h$ above the NC centres: each electron and its
image, at $2h$, form a dipole normal to the layer. All dipoles are parallel and side by side ($\theta = \pi/2$),
so every pair repels, and in two dimensions the sum converges absolutely. For point dipoles the energy per dipole
is $\tfrac12 p^2 \sum'_{\mathbf R} R^{-3}$, where on the square lattice of unit step
$\sum' R^{-3} = 4\zeta(3/2)\beta(3/2) = 9.0336$ {cite}`Borwein2013`; the package evaluates such sums, and the
exact sum of the finite dipoles, by Ewald's splitting of the Epstein zeta function
{cite}`Epstein1903,Parry1975` and checks them by direct summation (tests). Since the images are induced charges,
the energy of the electrons is half that of the dipole system. The same lattice sum controls the (100) plane of
Fig. 2 taken alone, with the in-plane orientation factor $-\tfrac12$ instead of $+1$: the same dipoles attract
in the rock-salt arrangement and repel in the coplanar parallel one.
"""),
    code(r"""
fig3 = dipoles.image_layer(layer, gate_distance=gate_height)
plane = dipoles.rocksalt_layer()
rows = ["| arrangement | dipole length | point dipoles | exact charges | sign |", "|---|---|---|---|---|",
        f"| rock salt, 3D bulk (Figs. 1-2) | $\\sqrt2\\,b$ | {rs.point_conducting:.4f} | {rs.exact:.4f} | attracts |",
        f"| rock salt, one (100) plane (Fig. 2) | $\\sqrt2\\,b$ | {plane.point:.4f} | {plane.exact:.4f} | attracts |",
        f"| {layer} NC layer + images (Fig. 3), dipole system | {fig3.length:.2f} $b$ | {fig3.point:.4f} | {fig3.exact:.4f} | repels |",
        f"| the same, electrons in front of the metal (half) | | {fig3.point / 2:.4f} | {fig3.exact / 2:.4f} | repels |"]
glue("S3_square", float(dipoles.epstein_zeta_2d(np.eye(2), 1.5)), display=False)
glue("plane_exact", float(plane.exact), display=False)
glue("fig3_exact", float(fig3.exact), display=False)
glue("fig3_electron_mev", float(fig3.exact / 2 * unit_mev), display=False)
glue("gate_height", float(gate_height), display=False)
Markdown("\n".join(rows) + "\n\n(interaction energy per dipole, $e^2/\\epsilon b$; NC layers with NN distance $2b$)")
""", tags=["hide-input"]),
    md(r"""
Per dipole, the interaction energy of the rock-salt SC is {glue:text}`rs_exact:.4f` $e^2/\epsilon b$ (of its single (100) plane alone,
{glue:text}`plane_exact:.4f`), while the NC layer of Fig. 3 with the gate at $h$ = {glue:text}`gate_height:.2f` $b$
pays +{glue:text}`fig3_exact:.4f` $e^2/\epsilon b$ for its dipoles, i.e. {glue:text}`fig3_electron_mev:.1f` meV
per electron. In Fig. 3 each added electron raises the energy of the next one, $n(V)$ grows monotonically and
$C(V)$ is finite; in the SC the attraction makes the filled lattice lower per pair than a lone pair, so all NCs
charge at once (Sec. III).

## Fig. 3: one NC layer under a planar gate

The drawing places a row of the chosen layer under the gate; the figure on the right follows the energy per
electron as the gate moves away. The Fig. 3 energy splits into the plane-capacitor energy $2\pi e^2 (2h)/A$
per dipole (a continuum of charge, growing with $h$) and a negative correlation correction of the discrete
electrons (their Wigner-crystal-like order); both are computed from the same Ewald sums.
"""),
    code(r"""
vec = dipoles.layer_vectors(layer)
row_x = np.arange(-3, 4) * np.linalg.norm(vec[0])
heights = np.linspace(1.0, 4.0, 61)
layers = [dipoles.image_layer(layer, gate_distance=h) for h in heights]
write_figure_data("sec2_charging", "fig3_layer_vs_gate", {
    "gate_height_over_b": heights,
    "exact_per_electron": [l.exact / 2 for l in layers],
    "point_per_electron": [l.point / 2 for l in layers],
    "capacitor_per_electron": [l.continuum / 2 for l in layers]}, params)
write_figure_data("sec2_charging", "fig3_geometry", {
    "x_over_b": row_x, "electron_z_over_b": np.zeros_like(row_x),
    "image_z_over_b": np.full_like(row_x, 2 * gate_height)}, params)

fig, (ax, bx) = plt.subplots(1, 2, figsize=(10, 4), width_ratios=[1.2, 1])
ax.add_patch(Rectangle((row_x[0] - 1.5, gate_height), row_x[-1] - row_x[0] + 3, gate_height + 0.6,
                       fc="#f2d16b", ec="#a88a1f", alpha=0.6))
ax.text(row_x[0] - 1.4, 2 * gate_height + 0.25, "metal gate", fontsize=9)
for x in row_x:
    ax.add_patch(Circle((x, 0), 1.0, fc="#cfe0f5", ec="#2b5d9c"))
    ax.add_patch(Circle((x, 0), a_nm / b_nm, fc="#6c9bd2", ec="none"))
    ax.plot(x, 0, "o", color="#2b5d9c", ms=5)
    ax.plot(x, 2 * gate_height, "o", mfc="none", mec="#c0392b", ms=7)
    ax.add_patch(FancyArrowPatch((x, 0), (x, 2 * gate_height), arrowstyle="-|>", mutation_scale=10, lw=1.2))
ax.text(row_x[-1] + 1.6, 2 * gate_height, "images", va="center", fontsize=9, color="#c0392b")
ax.set_ylim(-1.4, 2 * gate_height + 0.8)
ax.set_xlim(row_x[0] - 1.6, row_x[-1] + 3.4)
ax.set_aspect("equal")
ax.set_xlabel("$x/b$")
ax.set_ylabel("$z/b$")
ax.set_title(f"one {layer} NC layer, gate at $h$ = {gate_height:.2f} $b$")
bx.plot(heights, [l.exact / 2 for l in layers], label="Fig. 3, exact (per electron)")
bx.plot(heights, [l.point / 2 for l in layers], ls="--", label="Fig. 3, point dipoles")
bx.plot(heights, [l.continuum / 2 for l in layers], ls=":", label="plane capacitor $2\\pi e^2 h/A$")
bx.axhline(rs.exact, color="C3", label="rock-salt SC, per electron-cation pair")
bx.set_ylim(1.3 * rs.exact, 1.3 * layers[-1].exact / 2)
bx.axhline(0, color="0.5", lw=0.8)
bx.axvline(gate_height, color="0.6", ls=":", lw=0.8)
bx.set_xlabel("gate height $h/b$ above the NC centres")
bx.set_ylabel("interaction energy ($e^2/\\epsilon b$)")
bx.legend(fontsize=8, loc="upper left")
plt.show()
""", tags=["hide-input"]),
    md(r"""
The point-dipole estimate overshoots the exact Fig. 3 energy and leaves the plot as $h^2$ (dipoles of length
$2h \ge 2b$ are as long as their spacing, and a far gate makes the layer a plane capacitor, linear in $h$), but the sign never changes: the conventional capacitor repels at every gate height, the
rock-salt SC attracts. The next chapter turns this attraction into the critical voltages and the staircase of
$\nu(V)$ (Fig. 4).
"""),
    code(r"""
Markdown(download_links("sec2_charging", ["fig2_cross_section", "dipole_pair_angle", "rocksalt_cube_sums",
                                          "fig3_layer_vs_gate", "fig3_geometry"]))
""", tags=["remove-input"]),
]

if __name__ == "__main__":
    write(str(ROOT / "book" / "sec2_charging.ipynb"), cells)
