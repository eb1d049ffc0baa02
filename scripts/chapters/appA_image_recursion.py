"""Generate book/appA_image_recursion.ipynb (Appendix A: the image recursion and why it diverges).

Run from the repository root:  .venv/bin/python scripts/chapters/appA_image_recursion.py
The spectral-radius sweep is cached under data/cache (key: appA_spectral_radius + parameters);
SUPERCRYSTAL_REFRESH_CACHE=1 recomputes it (about 3 minutes on one core).
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from nbtools import code, md, write  # noqa: E402

STEM = "appA_image_recursion"

cells = [
    md(r"""
# Appendix A. The image recursion and why it diverges

Sec. IV puts the electron on a metal NC: a conducting sphere of radius $a_m = \rho b$ (the paper: $\rho = 1$,
spheres of radius $b$ touching their neighbours). A cation in an octahedral pore then induces images in its six
nearest spheres, these induce images in each other, and so on. Appendix A builds the series with Kelvin's image
of a point charge: a charge $q$ at distance $s$ from the centre of a sphere of radius $a$ has the image
$q' = -q\,a/s$ at distance $a^2/s$ from the centre. Its rules:

1. images $-e'$ and $-(e - e')$ (the latter at the centre) of the cation in the charged sphere, $e' = e\,a/d$,
   $d = \sqrt2\, b$;
2. images $-e'$, $+e'$ in the five neutral spheres;
3. images in every sphere of all image charges of the previous generation inside the *other* spheres;
4. a compensating charge at every centre, so that the charged sphere keeps $-e$ and the others stay neutral;
5. repeat 3)-4).

The paper's energy of the pair is one half of the cation's charge times the potential of all images at the cation,

$$
E_s = \tfrac12\, e\, \varphi_{\rm images}(\mathbf r_c) = \sum_{K \ge 0} e_K ,
$$ (appA-energy)

with $e_K$ the contribution of generation $K$. The paper found that the partial sums oscillate with growing
amplitude and damped generation $K$ by a factor $\eta^K$, reporting $E_s = (-1.06 \pm 0.1)\,e^2/b$ for
$0.65 < \eta < 0.95$. This chapter reproduces that procedure and explains the divergence.
"""),
    code("""
rho: float = 1.0  # metal sphere radius a_m in units of b (0, 1]
generations: int = 7  # generations K of the literal point-charge recursion (count grows as 5^K) [1, 8]
lmax: int = 12  # multipole order of the generation map M [4, 20]
operator_generations: int = 24  # generations summed with the map M for the partial sums [8, 60]
eta_min: float = 0.5  # smallest damping factor of the eta scan (0, 1)
eta_max: float = 0.99  # largest damping factor of the eta scan (0, 1)
rho_min: float = 0.4  # smallest sphere radius of the spectral-radius sweep, units of b (0, 1]
""", tags=["parameters"]),
    code("""
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import Markdown
from myst_nb import glue

from supercrystal.book import claims
from supercrystal.spheres import images
from supercrystal.book.datafiles import cached, download_links, write_figure_data

params = dict(rho=rho, generations=generations, lmax=lmax, operator_generations=operator_generations,
              eta_min=eta_min, eta_max=eta_max, rho_min=rho_min)
pv = claims.paper_values()
paper = {k: float(v["paper_value"]) for k, v in pv.items() if v["paper_value"] not in (None, "")}
paper_err = {k: float(v["paper_error"]) for k, v in pv.items() if v["paper_error"] not in (None, "")}
""", tags=["remove-cell"]),
    md(r"""
## The recursion is a linear map

Each generation is made from the previous one by the same linear operation: image every charge in every other
sphere, then add the compensating centre charges. Write sphere $i$'s images of generation $K$ through the field
they produce outside it, $u_i = \sum_{lm} c_{i,lm} (a_m/r_i)^{l+1} Y_{lm}$. The Kelvin images in sphere $j$ of
an outside field with boundary values $f$ on that sphere produce exactly the decaying field with boundary values
$-f$, and rule 4 removes its $l=0$ part. So generation $K+1$ is $c_{K+1} = M c_K$ with a fixed matrix $M$ (exact
up to the truncation $l \le l_{\max}$), generation 0 is $b$ (rules 1-2), and

$$
E_s(\eta) = \sum_K \eta^K\, w^{\mathsf T} M^K b .
$$ (appA-series)

The undamped series converges if and only if the spectral radius $r(M)$, the largest $|\lambda|$ of $M$, is below 1.
The package runs the rules literally with point charges ({glue:text}`n_charges:,.0f` charges in generation
{glue:text}`K_last:.0f`) and as the matrix $M$; the two agree to the truncation error of $M$:
"""),
    code("""
rec = images.image_recursion(rho, generations)
op = images.recursion_operator(rho, lmax)
e_op = images.operator_generations(op, operator_generations)
lam = images.dominant_eigenvalue(rho, lmax)
limit = images.recursion_limit(rho, lmax)
K = np.arange(operator_generations + 1)
rows = ["| $K$ | point charges | $e_K$ (point images) | $e_K$ (matrix $M$) | partial sum |", "|---|---|---|---|---|"]
for k in range(generations + 1):
    rows.append(f"| {k} | {rec.n_charges[k]} | {rec.energy[k]:+.5f} | {e_op[k]:+.5f} | {rec.partial_sums()[k]:+.5f} |")
glue("n_charges", float(rec.n_charges[-1]), display=False)
glue("K_last", float(generations), display=False)
glue("lam", float(lam.real), display=False)
glue("r_M", float(abs(lam)), display=False)
glue("growth", float(rec.growth_ratio()[-1]), display=False)
glue("E_limit", float(limit.paper), display=False)
glue("rho", float(rho), display=False)
glue("lmax", float(lmax), display=False)
Markdown("\\n".join(rows) + "\\n\\n(energies in $e^2/b$)")
""", tags=["hide-input"]),
    md(r"""
At $\rho$ = {glue:text}`rho:.2f` the dominant eigenvalue of $M$ is $\lambda$ = {glue:text}`lam:.4f` (real and
negative; $l_{\max}$ = {glue:text}`lmax:.0f`), and the literal recursion's two-step growth
$|e_{K+2}/e_K|^{1/2}$ has reached {glue:text}`growth:.4f` by the last generation: the terms alternate in sign and
grow by $|\lambda|$ per generation, which is the paper's "oscillates as a function of iteration number". Yet the
electrostatic problem has a unique solution, and the series has a well-defined sum in the sense of analytic
continuation: $\sum_K \eta^K M^K b = (1 - \eta M)^{-1} b$, whose value at $\eta = 1$ is one linear solve. It gives
$E_s$ = {glue:text}`E_limit:.4f` $e^2/b$ for the six spheres (paper's definition).

## The damped sums

Appendix A scales "the image charges created during step 3" by $\eta^K$. Read as a total factor for generation
$K$ this is the power series {eq}`appA-series`, which converges only for $\eta < 1/r(M)$. Applied at each step to
the images of charges that were already damped, it compounds to $\eta^{K(K+1)/2}$ and converges for every
$\eta < 1$. Only the second reading reproduces the paper's plateau:
"""),
    code("""
etas = np.linspace(eta_min, eta_max, 50)
e_long = images.operator_generations(op, 400)   # compound weights kill the tail long before K = 400
compound = np.array([np.sum(images.damping_weights(float(x), 400) * e_long) for x in etas])
r_M = abs(lam)
geometric = np.array([images.recursion_limit(rho, lmax, eta=float(x)).paper if x * r_M < 0.995 else np.nan
                      for x in etas])
window = (etas >= 0.65) & (etas <= 0.95)
plateau_mid = 0.5 * (compound[window].max() + compound[window].min())
plateau_half = 0.5 * (compound[window].max() - compound[window].min())
glue("plateau_mid", float(plateau_mid), display=False)
glue("plateau_half", float(plateau_half), display=False)
glue("eta_geo_max", float(1 / r_M), display=False)
glue("paper_Es", float(paper["metal.fcc.single_pair_six"]), display=False)
partial = np.cumsum(e_op)
write_figure_data("appA_image_recursion", "partial_sums",
                  {"K": K, "e_K": e_op, "partial_sum": partial,
                   "point_image_partial_sum": np.concatenate([rec.partial_sums(),
                                                              np.full(len(K) - len(rec.energy), np.nan)])},
                  params)
write_figure_data("appA_image_recursion", "damped_vs_eta",
                  {"eta": etas, "compound": compound, "geometric": geometric}, params)

fig, (ax, bx) = plt.subplots(1, 2, figsize=(10, 4))
ax.plot(K, partial, "-", color="C0", lw=1, label="partial sums, matrix $M$")
ax.plot(np.arange(len(rec.energy)), rec.partial_sums(), "o", color="C0", mfc="none",
        label="partial sums, point images")
ax.axhline(limit.paper, color="k", lw=0.8, ls="--", label="$(1-M)^{-1}b$, the sum the series would have")
ax.set_yscale("symlog", linthresh=2)
ax.set_xlabel("generation $K$")
ax.set_ylabel("$\\\\sum_{k\\\\leq K} e_k$ ($e^2/b$)")
ax.set_title(f"undamped, $\\\\rho$ = {rho:g}")
ax.legend(fontsize=8, loc="upper left")
bx.plot(etas, compound, "-", color="C1", label="$\\\\eta^{K(K+1)/2}$ (compound damping)")
bx.plot(etas, geometric, "-", color="C2", label="$\\\\eta^K$ (converges for $\\\\eta < 1/r(M)$)")
bx.axhline(limit.paper, color="k", lw=0.8, ls="--", label="exact six-sphere value")
pe, pr = paper["metal.fcc.single_pair_six"], paper_err["metal.fcc.single_pair_six"]
bx.fill_between([0.65, 0.95], pe - pr, pe + pr, color="C3", alpha=0.15, label="paper: $-1.06 \\\\pm 0.1$")
bx.set_xlabel("damping factor $\\\\eta$")
bx.set_ylabel("$E_s$ ($e^2/b$, paper's definition)")
bx.set_ylim(min(np.nanmin(geometric), compound.min()) - 0.1, max(compound.max(), pe + pr) + 0.1)
bx.legend(fontsize=8)
fig.tight_layout()
plt.show()
""", tags=["hide-input"]),
    md(r"""
With compound damping the result moves from {glue:text}`plateau_mid:.3f` $\pm$ {glue:text}`plateau_half:.3f`
$e^2/b$ over $0.65 < \eta < 0.95$: the paper's $-1.06 \pm 0.1$ is reproduced, and the drift with $\eta$ is real,
not noise: as $\eta \to 1$ the compound-damped sum tends to the analytically continued value
{glue:text}`E_limit:.4f` (a summation method that sums a geometric series outside its disc of convergence). The
geometric reading converges only for $\eta <$ {glue:text}`eta_geo_max:.3f` and gives the same continuation in
closed form. The paper's number is therefore right within its error bar; its centre is off the six-sphere value
because the plateau is not flat.

## Why it diverges: the rules, not the physics

The spectral radius of $M$ as a function of the sphere size, for the paper's rules and two variants that isolate
the possible culprits: dropping rule 4 (grounded spheres, no compensating centre charges), and keeping the
charges but imaging sphere after sphere from the newest charges (a Gauss-Seidel ordering of the same reflections,
Schwarz's alternating method) instead of all spheres at once:
"""),
    code("""
def sweep():
    grid = np.round(np.linspace(rho_min, 1.0, int(round((1.0 - rho_min) / 0.025)) + 1), 6)
    out = {"rho": grid}
    for name, kw in (("paper_rules", {}), ("grounded", dict(compensate=False)),
                     ("sequential", dict(order="sequential"))):
        out[name] = np.array([images.spectral_radius(float(x), lmax, **kw) for x in grid])
    out["critical_rho"] = np.array([images.critical_rho(lmax, bracket=(0.85, 1.0))])
    return out

sr = cached("appA_spectral_radius", dict(lmax=lmax, rho_min=rho_min, lattice="fcc"), sweep)
rho_star = float(sr["critical_rho"][0])
glue("rho_star", rho_star, display=False)
glue("sr_seq_1", float(sr["sequential"][-1]), display=False)
glue("sr_grounded_1", float(sr["grounded"][-1]), display=False)
glue("sr_paper_1", float(sr["paper_rules"][-1]), display=False)
i_half = int(np.argmin(np.abs(sr["rho"] - 0.5)))
glue("sr_grounded_half", float(sr["grounded"][i_half]), display=False)
glue("rho_half", float(sr["rho"][i_half]), display=False)
write_figure_data("appA_image_recursion", "spectral_radius_vs_rho",
                  {k: sr[k] for k in ("rho", "paper_rules", "grounded", "sequential")}, params)
fig, ax = plt.subplots(figsize=(6, 4))
ax.plot(sr["rho"], sr["paper_rules"], "-o", ms=3, label="paper's rules 1-5 (all spheres at once)")
ax.plot(sr["rho"], sr["grounded"], "-s", ms=3, label="rule 4 dropped (grounded spheres)")
ax.plot(sr["rho"], sr["sequential"], "-^", ms=3, label="rules 1-5, sphere after sphere")
ax.axhline(1.0, color="0.4", lw=0.8, ls="--")
ax.axvline(rho_star, color="C0", lw=0.8, ls=":")
ax.set_yscale("log")
ax.set_xlabel("metal sphere radius $\\\\rho = a_m/b$")
ax.set_ylabel("spectral radius $r(M)$")
ax.set_title(f"six spheres around an octahedral pore, $l_{{\\\\max}}$ = {lmax}")
ax.legend(fontsize=8)
plt.show()
""", tags=["hide-input"]),
    md(r"""
Three observations settle the cause.

* The paper's recursion diverges from $\rho^*$ = {glue:text}`rho_star:.4f` on, where the spheres are still
  separated by a gap of $2(1-\rho^*)b$. Nothing physical happens there: the six-sphere problem is a well-posed
  Dirichlet problem on both sides of $\rho^*$, and $1 - M$ stays invertible because the eigenvalue that leaves
  the unit disc does so at $-1$, not at $+1$.
* Imaging the same charges sphere after sphere gives $r$ = {glue:text}`sr_seq_1:.3f` $< 1$ even at contact: the
  same physics, another ordering, a convergent series. Simultaneous reflections overshoot: each sphere receives
  images from its four touching neighbours at once, all of one sign, and the negative eigenvalue
  ({glue:text}`lam:.3f`) is this collective sign-flipping mode.
* The compensating centre charges are not the culprit: without them (grounded spheres) the recursion diverges far
  earlier, $r$ = {glue:text}`sr_grounded_half:.2f` already at $\rho$ = {glue:text}`rho_half:.2f`; rule 4
  removes the monopole feedback and helps.

The physics of touching spheres does leave a mark at $\rho = 1$: for two touching spheres at a common potential
the image charges decay only algebraically (the capacitance of the pair is the slowly convergent
$2a\ln 2 = 2a(1 - \tfrac12 + \tfrac13 - \dots)$); the reflection map of two grounded spheres at centre distance
$D$ has spectral radius $e^{-\mu}$, $\cosh\mu = D/2a$ (a test of the package), which reaches exactly 1 at
contact, and the multipole truncation converges slowly there. But that gives marginal convergence, not the growth by $|\lambda| > 1$ the
paper met: the divergence is a property of the rules (simultaneous reflections), and $r$ = {glue:text}`sr_paper_1:.4f`
at $\rho = 1$ ($l_{\max}$ = {glue:text}`lmax:.0f`) is why a damping $\eta \lesssim 1/r$ was needed.

The converged single-pair energies with a consistent definition, larger clusters and the contact limit treated
exactly are computed in the chapter on Sec. IV; this appendix's numbers are those of the recursion as printed.
"""),
    md(r"""
## The simple cubic lattice

Sec. IV repeats the calculation for NCs on a simple cubic lattice (cation at the cube centre, eight spheres at
$\sqrt3\, b$; the paper: "about $-0.63\,e^2/b$"). The same recursion with eight spheres:
"""),
    code("""
op_sc = images.recursion_operator(rho, lmax, "sc")
lam_sc = images.dominant_eigenvalue(rho, lmax, "sc")
e_sc = images.operator_generations(op_sc, 400)
lim_sc = images.recursion_limit(rho, lmax, "sc")
rows = ["| $\\\\eta$ | 0.65 | 0.8 | 0.95 | $(1-M)^{-1}b$ | $r(M)$ |", "|---|---|---|---|---|---|"]
vals = [np.sum(images.damping_weights(x, 400) * e_sc) for x in (0.65, 0.8, 0.95)]
rows.append("| $E_s$ ($e^2/b$) | " + " | ".join(f"{v:.4f}" for v in vals) + f" | {lim_sc.paper:.4f} | {abs(lam_sc):.4f} |")
glue("sc_r", float(abs(lam_sc)), display=False)
glue("sc_lim", float(lim_sc.paper), display=False)
glue("sc_065", float(vals[0]), display=False)
glue("sc_paper", float(paper["metal.sc.single_pair"]), display=False)
Markdown("\\n".join(rows))
""", tags=["hide-input"]),
    md(r"""
Eight spheres at $\sqrt3\, b$ are farther from the cation and from each other's images, and the simultaneous
recursion is only marginally divergent, $r$ = {glue:text}`sc_r:.4f`. The compound-damped sum is
{glue:text}`sc_065:.3f` at $\eta = 0.65$, the paper's {glue:text}`sc_paper:.2f`, and drifts toward the
eight-sphere value {glue:text}`sc_lim:.4f` as $\eta \to 1$: the paper's simple-cubic number carries the same
damping bias, here larger than its implied precision.
"""),
    code("""
Markdown(download_links("appA_image_recursion", ["partial_sums", "damped_vs_eta", "spectral_radius_vs_rho"]))
""", tags=["remove-input"]),
]

if __name__ == "__main__":
    root = Path(__file__).resolve().parents[2]
    write(str(root / "book" / f"{STEM}.ipynb"), cells)
