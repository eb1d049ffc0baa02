"""Generate book/sec1_introduction.ipynb (Sec. I of the paper: the device, Fig. 1, the series capacitors).

Run from the repository root:  .venv/bin/python scripts/chapters/sec1_introduction.py
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
from nbtools import code, md, write  # noqa: E402

cells = [
    md(r"""
# I. Introduction

Densely packed assemblies of identical semiconductor nanocrystals (NCs) are studied as materials with tunable
optical and electronic properties, for solar cells, light-emitting diodes, transistors and photodetectors
{cite}`talapin2010,vanmaekelbergh2005`. Undoped NCs are insulating; they can be gated electrochemically
{cite}`guyotsionnest2000`, for example by a room-temperature ionic liquid (RTIL), which brings several electrons
per NC and makes the assembly conduct by variable-range hopping with parameters that change non-monotonically
with the gate voltage $V$ {cite}`houtepen2008`. How the assembly charges, its capacitance as a function of $V$,
is the question of the paper {cite}`chen2011`.

The device (Fig. 1): a multi-layer face-centred cubic super-crystal (SC) of NCs rests on a grounded metal
contact and is covered by a bulk RTIL in which a second metal contact is immersed. NCs have a semiconductor core
of radius $a$ and an insulating shell (about 0.5 nm) that keeps them from sintering; their external radius is
$b$, with $2b \sim 5$ nm. When $V$ is applied, anions gather at the top contact and cations enter the pores of
the SC to neutralise the electrons that the NCs receive from the bottom contact.
"""),
    code(r"""
pore: str = "octahedral"  # pores the cations fill in Fig. 1: "octahedral" or "tetrahedral"
n_layers: int = 3  # (100) NC layers drawn in Fig. 1 [1, 6]
cells: int = 2  # conventional cells drawn along x and y in Fig. 1 [1, 3]
a_nm: float = 2.0  # NC core radius a, nm (0, 50]
b_nm: float = 2.5  # NC external radius b (core plus insulating shell), nm (0, 50]
ion_diameter_nm: float = 1.0  # diameter of the RTIL ions, nm (0, 10]
material: str = "CdSe"  # material of data/materials.csv (supplies m_eff and epsilon for V1, V2)
epsilon: float = 0.0  # uniform dielectric constant; 0 takes the material's static value [0, 1000]
m_eff: float = 0.0  # electron effective mass in units of m_0; 0 takes the material's value [0, 10]
film_layers: int = 10  # NC layers of the film in the series-capacitor estimate [1, 1000]
c_dl_uF_cm2: float = 10.0  # double-layer capacitance per area of the top metal/RTIL contact, uF/cm^2 (0, 100]
""", tags=["parameters"]),
    code(r"""
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import Markdown
from myst_nb import glue

from supercrystal.charging import capacitors
from supercrystal.lattice import geometry
from supercrystal.semiconductor import energies
from supercrystal.book.datafiles import download_links, write_figure_data

geometry.check_pore(pore)
if int(n_layers) != n_layers or not 1 <= n_layers <= 6:
    raise ValueError(f"n_layers must be an integer in [1, 6] (got n_layers={n_layers!r})")
if int(cells) != cells or not 1 <= cells <= 3:
    raise ValueError(f"cells must be an integer in [1, 3] (got cells={cells!r})")
params = dict(pore=pore, n_layers=n_layers, cells=cells, a_nm=a_nm, b_nm=b_nm, ion_diameter_nm=ion_diameter_nm,
              material=material, epsilon=epsilon, m_eff=m_eff, film_layers=film_layers, c_dl_uF_cm2=c_dl_uF_cm2)
""", tags=["remove-cell"]),
    md(r"""
## Fig. 1: the super-crystal between two contacts

The NC centres and pore centres below are the package's fcc coordinates (`geometry.nc_sites`,
`geometry.pore_sites`), with (100) layers parallel to the bottom contact. For octahedral pores the cations sit
in the NC layers and midway between them at the cube edges; for tetrahedral pores, singly charged NCs (Sec. III)
fill one of the two tetrahedral sub-lattices, which lies between the layers.
"""),
    code(r"""
side = geometry.cube_side("fcc")
spacing = side / 2  # (100) layer spacing, sqrt2 b
z_top = (n_layers - 1) * spacing
grid = np.array([[i, j, k] for i in range(-1, cells + 1) for j in range(-1, cells + 1)
                 for k in range(-1, n_layers // 2 + 2)]) * side
inside = lambda p: p[np.all((p[:, :2] > -1e-9) & (p[:, :2] < cells * side + 1e-9), axis=1)
                     & (p[:, 2] > -1e-9) & (p[:, 2] < z_top + 1e-9)]
ncs = inside((grid[:, None] + geometry.nc_sites("fcc")[None]).reshape(-1, 3))
sites = "tetrahedral+" if pore == "tetrahedral" else pore
ions = inside((grid[:, None] + geometry.pore_sites(sites)[None]).reshape(-1, 3))
r_ion = ion_diameter_nm / 2 / b_nm
write_figure_data("sec1_introduction", "fig1_positions", {
    "x_over_b": np.concatenate([ncs[:, 0], ions[:, 0]]), "y_over_b": np.concatenate([ncs[:, 1], ions[:, 1]]),
    "z_over_b": np.concatenate([ncs[:, 2], ions[:, 2]]),
    "charge_e": np.concatenate([-np.ones(len(ncs)), np.ones(len(ions))])}, params)

u, v = np.meshgrid(np.linspace(0, 2 * np.pi, 18), np.linspace(0, np.pi, 11))
sphere = np.array([np.cos(u) * np.sin(v), np.sin(u) * np.sin(v), np.cos(v)])
elev, azim = 20.0, -60.0
view = np.array([np.cos(np.radians(elev)) * np.cos(np.radians(azim)),
                 np.cos(np.radians(elev)) * np.sin(np.radians(azim)), np.sin(np.radians(elev))])
fig = plt.figure(figsize=(7, 7))
ax = fig.add_subplot(projection="3d", computed_zorder=False)
lo, hi = -1.0, cells * side + 1.0
z_gate = z_top + 4.0
xx, yy = np.meshgrid([lo, hi], [lo, hi])
ax.plot_surface(xx, yy, np.full_like(xx, -1.0), color="#e8c547", alpha=1.0, zorder=0)
for wall in (dict(x=xx, y=np.full_like(xx, hi)), dict(x=np.full_like(xx, lo), y=yy.T)):
    ax.plot_surface(wall["x"], wall["y"], np.array([[-1.0, -1.0], [z_gate, z_gate]]), color="#7cc98a",
                    alpha=0.25, zorder=1)
anions = np.array([[x, y, z_gate - 0.5] for x in np.linspace(0.5, cells * side - 0.5, 2 * cells + 1)
                   for y in np.linspace(0.5, cells * side - 0.5, 2 * cells + 1)])
balls = [(p, 1.0, "#5b8fd0") for p in ncs] + [(p, r_ion, "#c0392b") for p in ions] + \
        [(p, r_ion, "#7d5ba6") for p in anions]
for k, (p, r, colour) in enumerate(sorted(balls, key=lambda t: float(t[0] @ view))):
    ax.plot_surface(p[0] + r * sphere[0], p[1] + r * sphere[1], p[2] + r * sphere[2], color=colour,
                    linewidth=0, shade=True, zorder=2 + k)
ax.plot_surface(xx, yy, np.full_like(xx, z_gate), color="#e8c547", alpha=0.45, zorder=10 + len(balls))
ax.text(hi, lo, -1.8, "bottom contact (grounded)", fontsize=9, zorder=20 + len(balls))
ax.text(hi, lo, z_gate + 0.6, "top contact, voltage $V$", fontsize=9, zorder=20 + len(balls))
ax.text(hi, lo, z_gate - 1.4, "ionic liquid", fontsize=9, color="#2e7d32", zorder=20 + len(balls))
ax.set_box_aspect((hi - lo, hi - lo, z_gate + 1.0))
ax.set_xlim(lo, hi)
ax.set_ylim(lo, hi)
ax.set_zlim(-1.0, z_gate)
ax.set_axis_off()
ax.view_init(elev=elev, azim=azim)
ax.set_title(f"{n_layers} NC layers (blue), cations in {pore} pores (red), anions at the top contact (purple)",
             fontsize=10)
plt.show()
glue("n_nc", int(len(ncs)), display=False)
glue("n_ion", int(len(ions)), display=False)
""", tags=["hide-input"]),
    md(r"""
For the RTIL to act as one equipotential electrode its ions (about 1 nm across) must percolate from the bulk
liquid into every pore. The pores themselves are large enough: the octahedral pore admits a sphere of radius
$(\sqrt2 - 1)b$ and the tetrahedral one $(\sqrt6/2 - 1)b$. The passages between neighbouring pores are the
triangular windows of three touching NCs; their free radius, from the same coordinates:
"""),
    code(r"""
tet = geometry.pore_geometry("tetrahedral")
face = tet.neighbours[:3]  # three mutually touching NCs around a tetrahedral pore
centroid = face.mean(axis=0)
window = float(np.linalg.norm(face[0] - centroid) - 1.0)  # circumradius of the face minus b
rows = ["| opening | free radius / $b$ | free diameter (nm) | admits an ion of " f"{ion_diameter_nm:g} nm |", "|---|---|---|---|"]
for name, r in (("octahedral pore", geometry.pore_radius("octahedral")),
                ("tetrahedral pore", geometry.pore_radius("tetrahedral")),
                ("triangular window between pores", window)):
    rows.append(f"| {name} | {r:.4f} | {2 * r * b_nm:.2f} | {'yes' if 2 * r * b_nm >= ion_diameter_nm else 'no'} |")
glue("window_radius", window, display=False)
glue("window_nm", float(2 * window * b_nm), display=False)
glue("b_min_nm", float(ion_diameter_nm / (2 * window)), display=False)
Markdown("\n".join(rows))
""", tags=["hide-input"]),
    md(r"""
The window radius is $(2/\sqrt3 - 1)\,b$ = {glue:text}`window_radius:.4f` $b$, a free diameter of
{glue:text}`window_nm:.2f` nm for this $b$. Hard spheres would let ions of this size through only for
$b \ge$ {glue:text}`b_min_nm:.2f` nm; the paper's assumption of free percolation at $2b \sim 5$ nm thus relies on
soft insulating shells (organic ligands) or on ions that squeeze through. The paper further assumes that electrons hop between NCs fast
enough to share the electrochemical potential of the bottom contact, yet that the tunnelling barrier keeps an
integer number of electrons on each NC.

## Two capacitors in series

Between the two metal contacts there are two capacitors in series: the double layer at the top metal/RTIL
contact, and the SC-RTIL capacitor, whose second electrode is the RTIL in the pores. Both contacts block the
passage of ions and electrons over a wide window of $|V|$, so no insulator is needed. The paper takes the top
contact so large that all of $V$ drops at the SC-RTIL capacitor. To make that quantitative:

- the top capacitor is $C_{top} = c_{dl} A_{top}$, with the double-layer capacitance per area of a metal in an
  ionic liquid $c_{dl}$ (a few to about 15 $\mu$F/cm$^2$ for common ionic liquids on Au, Pt and glassy carbon
  {cite}`Fedorov2014`; here $c_{dl}$ = {glue:text}`c_dl:.1f` $\mu$F/cm$^2$);
- the SC-RTIL capacitor takes one electron per NC at each critical voltage (Sec. III): a film of $n_L$ (100)
  layers of $1/4b^2$ NCs per area takes the charge $q = e\,n_L/4b^2$ per footprint area per step, over the plateau
  $\Delta V = V_2 - V_1$ between the first two critical voltages (Eqs. 8 and 12, tetrahedral pores), a mean
  capacitance $c_{SC} = q/\Delta V$;
- in series the same charge sits on both, so the SC-RTIL capacitor receives the share
  $1/(1 + c_{SC}/c_{dl}\,r)$ of $V$, where $r = A_{top}/A_{SC}$. Because the SC charges only at its critical
  voltages, each delta peak of $C(V)$ is stretched in the gate voltage into a ramp of width $w = q/c_{dl} r$.
"""),
    code(r"""
lv = energies.levels(energies.device(a_nm, b_nm, material, epsilon or None, m_eff or None, pore="tetrahedral"))
plateau = lv.V2 - lv.V1
ratios = np.logspace(-1, 4, 101)
sc_ratios = capacitors.series_capacitor(b_nm, film_layers, plateau, ratios, c_dl_uF_cm2)
band = {c: capacitors.series_capacitor(b_nm, film_layers, plateau, ratios, c).share for c in (5.0, 15.0)}
write_figure_data("sec1_introduction", "series_share", {
    "area_ratio": ratios, "share": sc_ratios.share, "share_cdl_5": band[5.0], "share_cdl_15": band[15.0],
    "step_width_V": sc_ratios.step_width_V}, params)
r90 = capacitors.area_ratio_for_share(0.9, sc_ratios.c_sc_uF_cm2, c_dl_uF_cm2)
r99 = capacitors.area_ratio_for_share(0.99, sc_ratios.c_sc_uF_cm2, c_dl_uF_cm2)
equal = capacitors.series_capacitor(b_nm, film_layers, plateau, 1.0, c_dl_uF_cm2)

fig, (ax, bx) = plt.subplots(1, 2, figsize=(11, 4))
ax.fill_between(ratios, band[5.0], band[15.0], color="C0", alpha=0.2, label="$c_{dl}$ = 5 to 15 $\\mu$F/cm$^2$")
ax.semilogx(ratios, sc_ratios.share, color="C0", label=f"$c_{{dl}}$ = {c_dl_uF_cm2:g} $\\mu$F/cm$^2$")
for r, f in ((r90, 0.9), (r99, 0.99)):
    ax.plot(r, f, "o", color="C3")
    ax.annotate(f"{100 * f:g} % at $A_{{top}}/A_{{SC}}$ = {r:.0f}", (r, f), xytext=(-150, -25 if f < 0.95 else -55),
                textcoords="offset points", fontsize=9, arrowprops=dict(arrowstyle="-", color="0.5"))
ax.set_xlabel("top-contact area / SC area, $A_{top}/A_{SC}$")
ax.set_ylabel("share of $V$ across the SC-RTIL capacitor")
ax.set_title(f"{film_layers} NC layers, $\\Delta V = V_2 - V_1$ = {1e3 * plateau:.1f} mV")
ax.legend(loc="upper left")
curves = {}
for r in (1.0, 10.0, 100.0, np.inf):
    w = 0.0 if np.isinf(r) else capacitors.series_capacitor(b_nm, film_layers, plateau, r, c_dl_uF_cm2).step_width_V
    gate, nu = capacitors.gate_staircase([lv.V1, lv.V2], w)
    gate = np.concatenate([[lv.V1 - 0.05], gate])
    nu = np.concatenate([[0.0], nu])
    curves[r] = (gate, nu)
    bx.plot(gate, nu, label="ideal ($A_{top} \\to \\infty$)" if np.isinf(r) else f"$A_{{top}}/A_{{SC}}$ = {r:g}")
write_figure_data("sec1_introduction", "gate_staircase", {
    f"{k}_{'inf' if np.isinf(r) else int(r)}": curves[r][i] for r in curves for i, k in enumerate(("V_gate", "nu"))},
    params)
bx.set_xlim(lv.V1 - 0.05, lv.V2 + 0.25)
bx.set_xlabel("gate voltage $V$ (V)")
bx.set_ylabel("filling factor $\\nu$")
bx.set_title("the staircase of Sec. III behind the series capacitor")
bx.legend(loc="lower right")
plt.show()
glue("c_dl", float(c_dl_uF_cm2), display=False)
glue("q_step", float(sc_ratios.step_charge_uC_cm2), display=False)
glue("c_sc", float(sc_ratios.c_sc_uF_cm2), display=False)
glue("plateau_mV", float(1e3 * plateau), display=False)
glue("share_equal", float(100 * equal.share), display=False)
glue("width_equal_mV", float(1e3 * equal.step_width_V), display=False)
glue("r90", float(r90), display=False)
glue("r99", float(r99), display=False)
glue("film_nm", float(sc_ratios.thickness_nm), display=False)
""", tags=["hide-input"]),
    md(r"""
For a film of {glue:text}`film_nm:.0f` nm ({glue:text}`c_dl:.0f` $\mu$F/cm$^2$ at the top contact) one electron per
NC is {glue:text}`q_step:.2f` $\mu$C/cm$^2$, and the first plateau is only {glue:text}`plateau_mV:.1f` mV wide, so
the SC-RTIL capacitor is large: $c_{SC}$ = {glue:text}`c_sc:.0f` $\mu$F/cm$^2$ on average. With equal contact
areas it would receive only {glue:text}`share_equal:.1f` % of $V$, and each delta peak would be smeared over
{glue:text}`width_equal_mV:.0f` mV, far more than the plateau. The top contact must be
{glue:text}`r90:.0f` times larger than the SC for 90 % of $V$ to reach the SC-RTIL capacitor, and
{glue:text}`r99:.0f` times for 99 %. This is the quantitative content of the paper's premise that "the contact area of
the top metallic electrode is made so large" that the top capacitor plays no role: an area ratio of order
$10^2$ to $10^3$ for a film of this thickness (it scales with $n_L$ and with $1/\Delta V$). The chapters that
follow assume it.

The next chapter shows why the SC-RTIL capacitor is unusual: its electron-cation dipoles attract each other.
"""),
    code(r"""
Markdown(download_links("sec1_introduction", ["fig1_positions", "series_share", "gate_staircase"]))
""", tags=["remove-input"]),
]

if __name__ == "__main__":
    write(str(ROOT / "book" / "sec1_introduction.ipynb"), cells)
