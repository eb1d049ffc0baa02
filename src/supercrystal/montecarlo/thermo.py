"""Thermodynamics of the lattice Monte Carlo (Sec. V): grand potentials and the charging step.

The grand potential per NC omega(mu) follows from d omega / d mu = -nu along a sweep (thermodynamic
integration, :func:`sweep`).  The empty branch is anchored in the dilute limit (omega -> 0 as
mu -> -inf); a filled branch by a reversible path around the end of the first-order line
(:func:`anchor_cycle`: integration in mu at a temperature above it, then cooling at fixed mu), or,
without disorder, from its ground state E_0 - k_B T ln g_0 (spin entropy) by integration in beta
(:func:`anchor_omega`); the tests check that the two agree.  The equilibrium transition voltage is
where the two branches' omega cross (:func:`transition`), with the jump Delta nu of the filling there and
the 10-90 % width of the step; the jump vanishes at the end of the first-order line as
(T_c - T)^beta, beta the 3D Ising exponent (:func:`first_order_end`: Sec. V's "W ~ 5 k_B T" computed).
:func:`exact_distribution` enumerates a small model exactly, the reference for detailed balance.

Units: energies and mu in e^2/(eps b), per NC where stated (:mod:`supercrystal.montecarlo.lattice`).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from supercrystal.montecarlo.autocorr import error_of_mean
from supercrystal.montecarlo.chains import Branch, block_error, run
from supercrystal.montecarlo.lattice import LOG_G, MCModel, energy, log_degeneracy, state


def sweep(model: MCModel, mus, kT: float, start: str = "empty", n_equil: int = 200,
          n_measure: int = 1000, seed: int = 0, anchor: bool | str = True) -> Branch:
    """A slow voltage sweep through ``mus`` (in the order given) starting from state ``start``, with
    the fluctuation capacitance and the grand potential by thermodynamic integration in mu.

    omega(mu) = omega(mu_0) - int_mu0^mu nu d mu' (trapezoid).  Anchors: "empty" (sweep upward from a
    dilute mu_0): omega(mu_0) = -kT nu(mu_0) (the dilute tail nu ~ exp(beta mu) integrated exactly);
    an ordered start: ``anchor=True`` (:func:`anchor_cycle`; the sweep then starts from the state
    reached by cooling at mu_0, ``start`` only labels the branch) or ``"ground"``
    (:func:`anchor_omega`, exact only when ``start`` is the ground state at mu_0); ``False``: none.
    """
    mus = np.asarray(mus, dtype=float)
    cycle = bool(anchor) and anchor != "ground" and start != "empty"
    if cycle:  # the branch starts from the state the anchor's cooling reached
        om0, om0_err, first = anchor_cycle(model, mus[0], kT, seed=seed + 1)
        ch = run(model, mus, kT, first, n_equil, n_measure, seed)
    else:
        ch = run(model, mus, kT, start, n_equil, n_measure, seed)
    N = model.lattice.n_nc
    nus = ch.n_series / N
    nu = nus.mean(axis=1)
    nu_err = block_error(nus)
    dnu = ch.n_series.var(axis=1) / (N * kT)
    m10 = (ch.n_series.shape[1] // 10) * 10
    if m10 >= 20:
        bvar = ch.n_series[:, :m10].astype(float).reshape(len(mus), 10, -1).var(axis=2)
        dnu_err = bvar.std(axis=1, ddof=1) / np.sqrt(10) / (N * kT)
    else:
        dnu_err = np.full(len(mus), np.nan)
    if not anchor:
        om0, om0_err = 0.0, np.nan
    elif start == "empty":
        om0, om0_err = -kT * nu[0], kT * nu_err[0]
    elif anchor == "ground":
        om0, om0_err = anchor_omega(model, mus[0], kT, start, seed=seed + 1)
    omega, omega_err = _integrate_omega(mus, nu, nu_err, om0, om0_err)
    return Branch(mu=mus, nu=nu, nu_err=nu_err, dnu_dmu=dnu, dnu_dmu_err=dnu_err, omega=omega,
                  omega_err=omega_err, chain=ch, n_nc=N)


def _integrate_omega(mus, nu, nu_err, om0, om0_err):
    """omega(mu) = omega(mu_0) - int nu d mu (trapezoid) with the propagated errors."""
    steps = np.diff(mus)
    inc = -0.5 * steps * (nu[1:] + nu[:-1])
    omega = om0 + np.concatenate([[0.0], np.cumsum(inc)])
    var_inc = (0.5 * steps) ** 2 * (nu_err[1:] ** 2 + nu_err[:-1] ** 2)
    omega_err = np.sqrt(om0_err ** 2 + np.concatenate([[0.0], np.cumsum(var_inc)]))
    return omega, omega_err


def anchor_omega(model: MCModel, mu: float, kT: float, start: str, n_temps: int = 14,
                 ratio: float = 1.3, n_equil: int = 100, n_measure: int = 300,
                 seed: int = 0) -> tuple[float, float]:
    """Grand potential per NC of the branch that grows from an ordered ground state ``start`` at
    fixed mu, by thermodynamic integration in beta (Sec. V).

    d(beta Omega)/d beta = <H - mu N>.  From a temperature low enough that the chain sits in the
    ground state (Omega = E_0 - mu N_0 - kT ln g_0, g_0 the spin degeneracy) up to kT:

        Omega(beta) = h_0 - kT ln g_0 - kT int_beta^beta_max (<h> - h_0) d beta',

    on the ladder beta_k = beta ratio^k, the integrand taken piecewise exponential (it decays as
    exp(-beta Delta)).  Returns (omega, error) per NC; the error is the block error propagated.
    """
    n0, c0 = state(model, start)
    h0 = energy(model, n0, c0) - mu * n0.sum()
    lng0 = log_degeneracy(n0)
    betas = (1.0 / kT) * ratio ** np.arange(n_temps)
    excess, err = [], []
    st = (n0, c0)
    for k, beta in enumerate(betas[::-1]):  # cold to hot, carrying the state
        ch = run(model, [mu], 1.0 / beta, st, n_equil, n_measure, seed + 7919 * k)
        st = (ch.n, ch.c)
        h = ch.e_series[0] - mu * ch.n_series[0]
        excess.append(h.mean() - h0)
        err.append(block_error(h)[0])
    excess = np.array(excess[::-1])
    err = np.array(err[::-1])
    # the excess of a frozen chain is round-off (|h - h0| ~ 1e-14 |h0|): zero, not a tiny positive number
    # whose logarithm would enter the piecewise-exponential rule below
    floor = 1e-9 * max(1.0, abs(h0))
    excess[np.abs(excess) < floor] = 0.0
    if np.any(excess < -np.maximum(4 * err, floor)):
        k = int(np.argmin(excess))
        raise ValueError(f"start={start!r} is not the ground state at mu={mu!r}: the chain at kT = "
                         f"{1 / betas[k]:.4g} found <H - mu N> below it by {-excess[k]:.4g} e^2/(eps b)")
    integral, var = 0.0, 0.0
    for k in range(n_temps - 1):
        y0, y1, db = excess[k], excess[k + 1], betas[k + 1] - betas[k]
        if y0 > 0 and y1 > 0 and y0 != y1:
            # y = y0 exp(-lam (beta - beta_k)) on the interval: int = y0 (1 - exp(-lam db)) / lam
            # = (y0 - y1) / lam, the logarithmic mean of y0, y1 times db (between min and max of y db)
            lam = np.log(y0 / y1) / db
            integral += (y0 - y1) / lam
            w = (y0 - y1) / lam / y0  # d int / d y0 at fixed ratio: the warmer end's error dominates
            var += (w * err[k]) ** 2
        else:
            integral += 0.5 * db * (y0 + y1)
            var += (0.5 * db) ** 2 * (err[k] ** 2 + err[k + 1] ** 2)
    # beyond beta_max: exponential tail (negligible by construction)
    N = model.lattice.n_nc
    omega = (h0 - kT * lng0 - kT * integral) / N
    if not np.isfinite(omega):
        raise ValueError(f"anchor_omega: the beta integral is not finite (excess {excess.tolist()})")
    return float(omega), float(kT * np.sqrt(var) / N)


def anchor_cycle(model: MCModel, mu: float, kT: float, kT_high: float = 0.3,
                 mu_low: float | None = None, dmu: float = 0.05, n_temps: int = 25,
                 n_equil: int = 100, n_measure: int = 500,
                 seed: int = 0) -> tuple[float, float, tuple[np.ndarray, np.ndarray]]:
    """Grand potential per NC at (mu, kT) of the state reached by cooling at fixed mu, by a reversible
    path around the end of the first-order line (Sec. V).  No ground state is assumed, so it works
    with disorder (where the ordered lattice need not be the ground state).

    1. At kT_high (above the end of cooperativity, so nu(mu) is reversible) integrate
       d omega/d mu = -nu from the dilute limit mu_low (omega = -kT nu there, the dilute tail
       nu ~ exp(beta mu) integrated exactly) up to mu, by Simpson's rule on steps <= dmu.
    2. At fixed mu cool the chain from kT_high to kT (carrying its state) with
       d(beta omega)/d beta = <H - mu N>/N, trapezoid on a ladder uniform in ln beta.

    Returns (omega, error, final (n, c) state); the error adds the statistical errors of both legs,
    each point's from the integrated autocorrelation time of its series
    (:mod:`~supercrystal.montecarlo.autocorr`), and the difference between the beta integral on the full
    and on every other point of the ladder (its discretisation error).  Measured against the scatter
    of independent repeats (``tests/test_mc_disorder.py``; the earlier block errors were doubled by
    hand instead).
    """
    N = model.lattice.n_nc
    if mu_low is None:  # dilute at kT_high: nu(mu_low) ~ 1e-3, where omega = -kT nu holds to O(nu^2)
        mu_low = float(np.mean(model.eq) + model.e_ion - 1.5 - 5.0 * kT_high)
    n_int = max(2, 2 * int(np.ceil((mu - mu_low) / (2 * dmu))))  # even number of Simpson intervals
    mus = np.linspace(mu_low, mu, n_int + 1)
    br = sweep(model, mus, kT_high, "empty", n_equil, n_measure, seed, anchor=False)
    wts = np.ones(n_int + 1)
    wts[1:-1:2], wts[2:-1:2] = 4.0, 2.0
    h = mus[1] - mus[0]
    om_hi = -kT_high * br.nu[0] - h / 3 * np.sum(wts * br.nu)
    nu_err = br.nu_err_tau
    om_hi_err = h / 3 * np.sqrt(np.sum((wts * nu_err) ** 2) + (kT_high * nu_err[0] * 3 / h) ** 2)
    betas = np.exp(np.linspace(np.log(1.0 / kT_high), np.log(1.0 / kT), n_temps))
    st = (br.chain.n, br.chain.c)
    hs, errs = [], []
    for k, beta in enumerate(betas):
        ch = run(model, [mu], 1.0 / beta, st, n_equil, n_measure, seed + 104729 * (k + 1))
        st = (ch.n, ch.c)
        h = (ch.e_series[0] - mu * ch.n_series[0]) / N
        hs.append(h.mean())
        errs.append(error_of_mean(h)[0])
    hs, errs = np.array(hs), np.array(errs)
    integral = np.trapezoid(hs, betas)
    coarse = np.trapezoid(hs[::2], betas[::2]) if n_temps % 2 == 1 else np.trapezoid(
        np.r_[hs[:-1:2], hs[-1]], np.r_[betas[:-1:2], betas[-1]])
    w = np.gradient(betas) if n_temps > 1 else np.ones(1)
    stat = np.sqrt(np.sum((w * errs) ** 2))
    beta = 1.0 / kT
    omega = (om_hi / kT_high + integral) / beta
    err = np.sqrt((om_hi_err / kT_high) ** 2 + stat ** 2 + (integral - coarse) ** 2 / 9) / beta
    return float(omega), float(err), st


def anchored(branch: Branch, model: MCModel, kT: float, seed: int = 0) -> Branch:
    """The same branch with its grand potential anchored at its first voltage by
    :func:`anchor_cycle` (for a branch swept without an anchor)."""
    om0, om0_err, _ = anchor_cycle(model, branch.mu[0], kT, seed=seed)
    omega, omega_err = _integrate_omega(branch.mu, branch.nu, branch.nu_err, om0, om0_err)
    return dataclasses.replace(branch, omega=omega, omega_err=omega_err)


@dataclass(frozen=True)
class Transition:
    """The first-order charging step from two branches (units e^2/(eps b) for mu).

    mu_star, mu_star_err : equilibrium transition voltage (omega_up = omega_down); hysteresis : whether
    the branches differ somewhere by more than 0.1 and 4 standard errors; jump : Delta nu at the
    transition (the pooled histogram of nu of both sweeps at the grid voltage nearest mu_star, split
    at the density minimum between its outer modes: difference of the two parts' means; 0 if
    unimodal);
    width : voltage over which the equilibrium nu(V) rises from 10 % to 90 % of the step (0 when the
    jump spans it); lo, hi : the plateaus the step connects.
    """

    mu_star: float
    mu_star_err: float
    hysteresis: bool
    jump: float
    width: float
    lo: float
    hi: float


def _modes(values: np.ndarray, bandwidth: float, min_weight: float = 0.05) -> tuple[np.ndarray, float]:
    """Modes of a Gaussian-kernel density of ``values`` (local maxima carrying at least
    ``min_weight`` of the samples within +-2 bandwidths) and the jump between the outermost two:
    the difference of the sample means on either side of the deepest density minimum between them
    (0 for a unimodal sample)."""
    v = np.asarray(values, float)
    grid = np.linspace(v.min() - 3 * bandwidth, v.max() + 3 * bandwidth, 801)
    dens = np.exp(-0.5 * ((grid[:, None] - v[None, :]) / bandwidth) ** 2).sum(axis=1)
    peaks = [k for k in range(1, len(grid) - 1) if dens[k] >= dens[k - 1] and dens[k] > dens[k + 1]]
    peaks = [k for k in peaks if np.mean(np.abs(v - grid[k]) < 2 * bandwidth) >= min_weight]
    if len(peaks) < 2:
        return grid[peaks], 0.0
    a, b = peaks[0], peaks[-1]
    cut = grid[a + int(np.argmin(dens[a:b + 1]))]
    return grid[peaks], float(v[v > cut].mean() - v[v <= cut].mean())


def transition(up: Branch, down: Branch, lo: float = 0.0, hi: float = 1.0,
               bandwidth: float = 0.04) -> Transition:
    """Equilibrium step between plateaus ``lo`` and ``hi`` from an up and a down sweep on the same
    voltage grid (Sec. V): omega crossing (thermodynamic integration), jump and 10-90 % width.

    Without hysteresis (the branches agree within 0.1 or 4 standard errors everywhere) the omega
    crossing is noise, and without grand potentials (a branch swept with ``anchor=False``) there is
    none: mu_star is then where the averaged nu crosses (lo + hi)/2, +- half a grid step.
    """
    order_u = np.argsort(up.mu)
    order_d = np.argsort(down.mu)
    mu = up.mu[order_u]
    if not np.allclose(mu, down.mu[order_d]):
        raise ValueError("up and down sweeps must share the voltage grid")
    nu_u, nu_d = up.nu[order_u], down.nu[order_d]
    eu, ed = up.nu_err[order_u], down.nu_err[order_d]
    diff = up.omega[order_u] - down.omega[order_d]
    diff_err = np.hypot(up.omega_err[order_u], down.omega_err[order_d])
    hysteresis = bool(np.any(np.abs(nu_d - nu_u) > np.maximum(4 * np.hypot(eu, ed), 0.1)))
    mid = 0.5 * (lo + hi)
    mu_star, mu_err = np.nan, np.nan
    have_omega = bool(np.all(np.isfinite(diff_err)))
    if hysteresis and have_omega:
        k = np.flatnonzero((diff[:-1] <= 0) & (diff[1:] > 0))
        if len(k):
            k = k[0]
            t = diff[k] / (diff[k] - diff[k + 1])
            mu_star = mu[k] + t * (mu[k + 1] - mu[k])
            dnu = max(np.interp(mu_star, mu, nu_d) - np.interp(mu_star, mu, nu_u), 1e-3)
            mu_err = float(np.interp(mu_star, mu, diff_err) / dnu)
    if not np.isfinite(mu_star):
        avg = 0.5 * (nu_u + nu_d)
        k = np.flatnonzero((avg[:-1] < mid) & (avg[1:] >= mid))
        k = k[0] if len(k) else int(np.argmin(np.abs(avg - mid)))
        k = min(k, len(mu) - 2)
        t = (mid - avg[k]) / (avg[k + 1] - avg[k]) if avg[k + 1] != avg[k] else 0.5
        mu_star = mu[k] + np.clip(t, 0, 1) * (mu[k + 1] - mu[k])
        mu_err = float(mu[1] - mu[0]) / 2
    # jump: modes of the pooled histogram at the grid point nearest mu_star
    j = int(np.argmin(np.abs(mu - mu_star)))
    pooled = np.concatenate([up.chain.n_series[order_u[j]], down.chain.n_series[order_d[j]]])
    scale = up.n_nc
    _, jump = _modes(pooled / scale, bandwidth)
    # 10-90 % width of the equilibrium curve (up below mu_star, down above)
    eq_nu = np.where(mu < mu_star, nu_u, nu_d)
    width = _rise_width(mu, eq_nu, mu_star, np.interp(mu_star, mu, nu_u), np.interp(mu_star, mu, nu_d),
                        lo + 0.1 * (hi - lo), lo + 0.9 * (hi - lo))
    return Transition(mu_star=float(mu_star), mu_star_err=float(mu_err), hysteresis=hysteresis,
                      jump=jump, width=float(width), lo=lo, hi=hi)


def _crossing(mu, nu, level):
    k = np.flatnonzero((nu[:-1] < level) & (nu[1:] >= level))
    if not len(k):
        return np.nan
    k = k[0]
    return mu[k] + (level - nu[k]) / (nu[k + 1] - nu[k]) * (mu[k + 1] - mu[k])


def _rise_width(mu, eq_nu, mu_star, nu_below, nu_above, level_lo, level_hi) -> float:
    """Distance between the 10 % and 90 % crossings of the equilibrium curve; a level spanned by the
    jump at mu_star is crossed at mu_star."""
    def cross(level):
        if nu_below < level <= nu_above:
            return mu_star
        return _crossing(mu, eq_nu, level)
    return float(cross(level_hi) - cross(level_lo))


#: Order-parameter exponent of the 3D Ising universality class (liquid-gas and ionic criticality).
BETA_ISING = 0.326


def first_order_end(temperatures, jumps, fit_min: float = 0.25) -> tuple[float, float]:
    """End T_c of the first-order line from the jump of nu at the step (Sec. V), same units as
    ``temperatures`` (ascending).

    Near the end point the jump vanishes as (T_c - T)^beta (:data:`BETA_ISING`); jump^(1/beta) is
    fitted linearly in T on the points with jump >= ``fit_min`` (smaller jumps are dominated by
    finite-size rounding).  Returns (T_c, error): with >= 3 points the fit's standard error of the
    intercept, with 2 half the largest grid step.  Raises ValueError with fewer than 2 such points.
    """
    T_grid, js = np.asarray(temperatures, float), np.asarray(jumps, float)
    use = js >= fit_min
    if use.sum() < 2:
        raise ValueError(f"T_grid needs >= 2 temperatures with jump >= {fit_min} (got jumps "
                         f"{np.round(js, 3).tolist()})")
    x, y = T_grid[use], js[use] ** (1.0 / BETA_ISING)
    if use.sum() >= 3:
        (slope, icpt), cov = np.polyfit(x, y, 1, cov=True)
        t_c = -icpt / slope
        grad = np.array([icpt / slope**2, -1.0 / slope])
        err = float(np.sqrt(grad @ cov @ grad))
    else:
        slope, icpt = np.polyfit(x, y, 1)
        t_c = -icpt / slope
        err = float(np.diff(T_grid).max() / 2)
    return float(t_c), err


def _exact_log_weights(model: MCModel, mu: float, kT: float) -> tuple[np.ndarray, np.ndarray]:
    """ln of the grand-canonical weight (spin degeneracy included) and N_el of every neutral configuration
    of a small model."""
    lat = model.lattice
    count = 3 ** lat.n_nc * 2 ** lat.n_pore
    if count > 2_000_000:
        raise ValueError(f"too many configurations to enumerate ({count})")
    n = np.array(np.meshgrid(*[np.arange(3)] * lat.n_nc, indexing="ij")).reshape(lat.n_nc, -1).T
    c = np.array(np.meshgrid(*[np.arange(2)] * lat.n_pore, indexing="ij")).reshape(lat.n_pore, -1).T
    log_w_all, n_all = [], []
    for ne in range(min(2 * lat.n_nc, lat.n_pore) + 1):
        nn = n[n.sum(axis=1) == ne]
        cc = c[c.sum(axis=1) == ne]
        q = np.concatenate([np.repeat(-nn, len(cc), axis=0),
                            np.tile(cc, (len(nn), 1))], axis=1).astype(float)
        nrep = np.repeat(nn, len(cc), axis=0)
        site = (nrep @ model.eq + (nrep == 2) @ model.er + model.e_ion * ne)
        u = 0.5 * np.einsum("ka,ab,kb->k", q, lat.G, q)
        log_w = -(site + u - mu * ne) / kT + LOG_G[nrep].sum(axis=1)
        log_w_all.append(log_w)
        n_all.append(np.full(len(log_w), ne))
    return np.concatenate(log_w_all), np.concatenate(n_all)


def exact_distribution(model: MCModel, mu: float, kT: float) -> np.ndarray:
    """Exact grand-canonical distribution P(N_el) of a small model by enumerating every neutral
    configuration with its spin weight prod g(n_i) (the reference for the engine's detailed balance).

    Feasible up to about 3^n_nc 2^n_pore = 10^5 configurations.
    """
    log_w, ne = _exact_log_weights(model, mu, kT)
    out = np.zeros(2 * model.lattice.n_nc + 1)
    w = np.exp(log_w - log_w.max())
    np.add.at(out, ne, w)
    return out / out.sum()


def exact_omega(model: MCModel, mu: float, kT: float, n_range: tuple | None = None) -> float:
    """Exact grand potential per NC, -kT ln Xi / N_nc, of a small model by enumeration (the reference of
    :func:`anchor_omega`); ``n_range = (n_min, n_max)`` restricts the sum to those electron numbers (a
    phase-restricted grand potential)."""
    log_w, ne = _exact_log_weights(model, mu, kT)
    if n_range is not None:
        log_w = log_w[(ne >= n_range[0]) & (ne <= n_range[1])]
    top = log_w.max()
    return float(-kT * (top + np.log(np.exp(log_w - top).sum())) / model.lattice.n_nc)
