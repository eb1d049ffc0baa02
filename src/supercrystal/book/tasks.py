"""The slow computations the chapters, the claims and the command line share, as named cached tasks.

Each ``@task`` below is a pure function of plain parameters that calls the physics (Sec. IV, Appendices
A-C, the Monte Carlo of Sec. V) and is cached by content
(:mod:`supercrystal.book.cache`: every parameter plus the fingerprint of the code it calls).  The plain
functions resolve defaults and combine task results; they are cheap.  The physics modules know nothing of
this: they compute, and nothing else.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json

import numpy as np

from supercrystal import montecarlo
from supercrystal.montecarlo import polar as mc_polar
from supercrystal.book.cache import prefetch, task
from supercrystal.lattice import geometry
from supercrystal.spheres import crystals, dielectric, images, laplace, metal, patch


# --------------------------------------------------------------------------- Sec. IV: filled lattice
@task
def filled_lattice_solution(lattice: str, rho: float, order: int, r_cut: float) -> metal.FilledLattice:
    """Periodic filled lattice of metal spheres (:func:`supercrystal.spheres.metal.filled_lattice`)."""
    return metal.filled_lattice(lattice, rho, order, r_cut)


def filled_lattice(lattice: str, rho: float, order: int | None = None, r_cut: float = 20.0) -> metal.FilledLattice:
    """The filled lattice at ``order`` (default: :func:`~supercrystal.spheres.metal.filled_default_order`)."""
    rho = geometry.check_rho(rho)
    return filled_lattice_solution(geometry.check_lattice(lattice), rho,
                                   metal.filled_default_order(rho) if order is None else order, r_cut)


# --------------------------------------------------------------------------- Sec. IV: single pair
@task
def nearest_shell_pair(lattice: str, rho: float, order: int) -> metal.SinglePair:
    """One electron-cation pair among the nearest NC shell (six spheres for fcc, eight for sc)."""
    return metal.single_pair(lattice, rho, 1, order)


def single_pair_six(lattice: str, rho: float) -> metal.SinglePair:
    """:func:`nearest_shell_pair` at the default order (converged to ~1e-9)."""
    rho = geometry.check_rho(rho)
    return nearest_shell_pair(geometry.check_lattice(lattice), rho, metal.default_order(rho))


@task
def pair_clusters(lattice: str, rho: float) -> metal.ClusterEnergies:
    """Single-pair energies of clusters of growing size (seconds)."""
    return metal.cluster_energies(lattice, rho)


def converged_pair(lattice: str, rho: float) -> metal.ConvergedPair:
    """Single-pair energy of the infinite lattice, extrapolated over the clusters."""
    return metal.converged_pair(pair_clusters(lattice, rho), single_pair_six(lattice, rho))


def converged_pairs(lattice: str, rhos) -> list[metal.ConvergedPair]:
    """:func:`converged_pair` on a grid of rho (the clusters of a cold cache computed on every core)."""
    rhos = [geometry.check_rho(r) for r in np.atleast_1d(rhos)]
    prefetch([(pair_clusters, (lattice, r)) for r in rhos]
             + [(nearest_shell_pair, (lattice, r, metal.default_order(r))) for r in rhos])
    return [converged_pair(lattice, r) for r in rhos]


def laplace_studies(cases, fractions: tuple = (0.48, 0.6, 0.72), ns: tuple = (96, 128, 160)) -> list[dict]:
    """:func:`laplace_study` for several (lattice, rho) ``cases`` (a cold cache filled on every core)."""
    prefetch([(laplace_study, (lat, rho, tuple(fractions), tuple(ns))) for lat, rho in cases])
    return [laplace_study(lat, rho, tuple(fractions), tuple(ns)) for lat, rho in cases]


@task
def connected_shell_pair(lattice: str, rho: float, order: int) -> dict:
    """Nearest shell joined into one conductor (:func:`~supercrystal.spheres.metal.connected_pair`)."""
    consistent, paper = metal.connected_pair(lattice, rho, order)
    return {"consistent": consistent, "paper": paper}


@task
def metal_energy(lattice: str, rho: float, state: str, spheres: str = "converged",
                 definition: str = "consistent") -> metal.MetalEnergy:
    """Energy of Sec. IV's metallic-NC lattice in e^2/b with its error (the ``supercrystal metal`` answer).

    state "filled": the periodic solution at the default order, error = change from order - 4.
    state "single": the nearest shell ("six") or the converged clusters ("converged"), in the
    "consistent" or the "paper" definition (see :mod:`supercrystal.spheres.metal`).
    """
    geometry.check_lattice(lattice)
    rho = geometry.check_rho(rho)
    metal.check_choice("state", state, metal.STATES)
    metal.check_choice("spheres", spheres, metal.SPHERES)
    metal.check_choice("definition", definition, metal.DEFINITIONS)
    if state == "filled":
        f = filled_lattice(lattice, rho)
        lower = filled_lattice(lattice, rho, f.order - 4)
        energy, error = f.energy, metal.truncation_error(f, lower)
    elif spheres == "six":
        s = single_pair_six(lattice, rho)
        energy, error = (s.consistent if definition == "consistent" else s.paper), s.error + 1e-12
    else:
        c = converged_pair(lattice, rho)
        energy, error = ((c.consistent_limit, c.error) if definition == "consistent"
                         else (c.paper_limit, c.paper_error))
    return metal.MetalEnergy(lattice, rho, state, spheres, definition, float(energy), float(error))


def collective_gain(lattice: str, rho: float, spheres: str = "six") -> tuple[float, float]:
    """u_s - u_full (consistent definition) and its error, e^2/b (Sec. IV; > 0: cooperative)."""
    s = metal_energy(lattice, rho, "single", spheres, "consistent")
    f = metal_energy(lattice, rho, "filled")
    return s.energy - f.energy, s.error + f.error


def energy_curves(lattice: str, rhos) -> metal.EnergyCurves:
    """Single-pair (nearest shell) and filled-lattice energies on a grid of rho (the Sec. IV figure)."""
    geometry.check_lattice(lattice)
    rhos = np.array([geometry.check_rho(r) for r in np.atleast_1d(rhos)])
    prefetch([call for rho in map(float, rhos) for call in (
        (nearest_shell_pair, (lattice, rho, metal.default_order(rho))),
        (connected_shell_pair, (lattice, rho, metal.default_order(rho))),
        (metal_energy, (lattice, rho, "filled")))])  # a cold cache is filled on every core
    rows = []
    for rho in map(float, rhos):
        s = single_pair_six(lattice, rho)
        cn = connected_shell_pair(lattice, rho, metal.default_order(rho))
        f = metal_energy(lattice, rho, "filled")
        rows.append((s.consistent, s.paper, s.error, float(cn["consistent"]), f.energy, f.error))
    a = np.array(rows).T
    return metal.EnergyCurves(lattice=lattice, rho=rhos, six_consistent=a[0], six_paper=a[1], six_error=a[2],
                              connected=a[3], filled=a[4], filled_error=a[5])


# --------------------------------------------------------------------------- beyond the paper: dielectric NCs
@task
def dielectric_pair_clusters(lattice: str, rho: float, kappas: tuple) -> dielectric.PairClusters:
    """Single pair among dielectric spheres in clusters of growing size, for each kappa (seconds)."""
    return dielectric.pair_clusters(lattice, rho, kappas)


@task
def dielectric_filled_coupling(lattice: str, rho: float, order: int, r_cut: float) -> dielectric.FilledCoupling:
    """Lattice sums of the periodic filled lattice (:func:`supercrystal.spheres.dielectric.filled_coupling`)."""
    return dielectric.filled_coupling(lattice, rho, order, r_cut)


def dielectric_filled(lattice: str, rho: float, kappa: float, order: int | None = None,
                      r_cut: float = 20.0) -> dielectric.FilledLattice:
    """Filled lattice of dielectric spheres at ``order`` (default that of the metal, converged to ~1e-9)."""
    rho = geometry.check_rho(rho)
    order = metal.filled_default_order(rho) if order is None else int(order)
    return dielectric.filled_energy(
        dielectric_filled_coupling(geometry.check_lattice(lattice), rho, order, r_cut), kappa)


def _spheres_answer(lattice, rho, kappa, state, energy, error, method) -> dielectric.SpheresEnergy:
    return dielectric.SpheresEnergy(lattice=lattice, rho=rho, kappa=kappa, state=state, energy=float(energy),
                                    error=float(error), method=method)


@task
def spheres_energy(lattice: str, rho: float, kappa: float, state: str) -> dielectric.SpheresEnergy:
    """Energy of the lattice of dielectric NCs, e^2/(eps_liquid b), with its error (``supercrystal spheres``).

    state "filled": periodic solution at the default order, error = change from order - 4.
    state "single": clusters extrapolated (:func:`supercrystal.spheres.dielectric.converged_pair`).  At
    kappa = inf and rho = 1 the touching conductors exchange charge: Sec. IV's converged pair of connected
    conductors (consistent definition).
    """
    geometry.check_lattice(lattice)
    rho = geometry.check_rho(rho)
    kappa = dielectric.check_kappa(kappa)
    metal.check_choice("state", state, dielectric.STATES)
    if state == "filled":
        f = dielectric_filled(lattice, rho, kappa)
        lower = dielectric_filled(lattice, rho, kappa, f.order - 4)
        return _spheres_answer(lattice, rho, kappa, state, f.energy, abs(f.energy - lower.energy) + 1e-12,
                               "periodic")
    if np.isinf(kappa) and rho >= 1.0:
        c = converged_pair(lattice, rho)
        return _spheres_answer(lattice, rho, kappa, state, c.consistent_limit, c.error, "metal-connected")
    p = dielectric.converged_pair(dielectric_pair_clusters(lattice, rho, (kappa,)), kappa)
    return _spheres_answer(lattice, rho, kappa, state, p.energy, p.error, "clusters")


def dielectric_gain(lattice: str, rho: float, kappas) -> dict:
    """u_s - u_full (> 0: cooperative) and its error for each kappa, e^2/(eps_liquid b), with one set of
    clusters for all kappas: {"kappa", "single", "single_error", "filled", "filled_error", "gain", "error"}."""
    rho = geometry.check_rho(rho)
    kappas = tuple(float(dielectric.check_kappa(k)) for k in kappas)
    finite = tuple(k for k in kappas if not (np.isinf(k) and rho >= 1.0))
    clusters = dielectric_pair_clusters(lattice, rho, finite) if finite else None
    rows = []
    for k in kappas:
        if k in finite:
            p = dielectric.converged_pair(clusters, k)
            s, se = p.energy, p.error
        else:
            c = converged_pair(lattice, rho)
            s, se = c.consistent_limit, c.error
        f = dielectric_filled(lattice, rho, k)
        fe = abs(f.energy - dielectric_filled(lattice, rho, k, f.order - 4).energy) + 1e-12
        rows.append((k, s, se, f.energy, fe, s - f.energy, se + fe))
    a = np.array(rows).T
    return dict(zip(("kappa", "single", "single_error", "filled", "filled_error", "gain", "error"), a))


def dielectric_gains(lattice: str, rhos, kappas) -> list[dict]:
    """:func:`dielectric_gain` on a grid of rho (a cold cache filled on every core: the clusters of each rho,
    the filled lattice at its default order and 4 below, and at kappa = inf and rho = 1 Sec. IV's clusters)."""
    geometry.check_lattice(lattice)
    rhos = [geometry.check_rho(r) for r in np.atleast_1d(rhos)]
    kappas = tuple(float(dielectric.check_kappa(k)) for k in kappas)
    calls = []
    for r in rhos:
        finite = tuple(k for k in kappas if not (np.isinf(k) and r >= 1.0))
        if finite:
            calls.append((dielectric_pair_clusters, (lattice, r, finite)))
        order = metal.filled_default_order(r)
        calls += [(dielectric_filled_coupling, (lattice, r, o, 20.0)) for o in (order, order - 4)]
        if len(finite) < len(kappas):
            calls += [(pair_clusters, (lattice, r)), (nearest_shell_pair, (lattice, r, metal.default_order(r)))]
    prefetch(calls)
    return [dielectric_gain(lattice, r, kappas) for r in rhos]


@task
def dielectric_crystal_coupling(name: str, rho: float, order: int, r_cut: float) -> dielectric.FilledCoupling:
    """Lattice sums of a filled crystal of dielectric spheres (:func:`supercrystal.spheres.crystals.crystal_coupling`)."""
    return crystals.crystal_coupling(name, rho, order, r_cut)


def dielectric_crystal(name: str, rho: float, kappa: float) -> crystals.CrystalEnergy:
    """Energy per NC of a filled crystal of dielectric spheres with its error, from the cached lattice sums."""
    return crystals.crystal_energy(name, rho, kappa, coupling=dielectric_crystal_coupling)


def polar_levels(dev, eps_nc: float):
    """Sec. III's levels with NC cores of ``eps_nc`` in the medium ``dev.epsilon``
    (:func:`supercrystal.semiconductor.polar_levels.levels`, crystal energies through the cache)."""
    from supercrystal.semiconductor import polar_levels as pl
    return pl.levels(dev, eps_nc, crystal=dielectric_crystal)


@task
def dielectric_green_rows(L: int, pore: str, rho: float, kappa: float) -> dict:
    """Rows of the Monte Carlo supercell's Green's function with dielectric NC cores, 1/b in eps_liquid
    (:func:`supercrystal.spheres.lattice_green.lattice_green`, error estimated): {"rows", "induced", "refs",
    "error", "order_step", "far_step", "order"}; expand with
    :func:`~supercrystal.spheres.lattice_green.expand_rows` (tens of seconds at L = 4)."""
    from supercrystal.spheres import lattice_green
    g = lattice_green.lattice_green(montecarlo.mc_lattice(int(L), pore), rho, kappa, estimate=kappa != 1.0)
    return {"rows": g.rows, "induced": g.induced, "refs": g.refs, "error": np.array(g.error),
            "order_step": np.array(g.order_step), "far_step": np.array(g.far_step), "order": np.array(g.order)}


# the polar Monte Carlo reads its Green's function through this cache: one solve per (L, pore, rho, kappa) for
# every process of a build (the prefetch workers each built their own before), the same numbers
mc_polar.GREEN_ROWS = dielectric_green_rows


# --------------------------------------------------------------------------- Appendix C
@task
def patch_capacitance(lattice: str, rho: float, a_c: float, n: int, order: int,
                      cation_order: int) -> patch.PatchCapacitance:
    """Capacitance matrix of a neutral patch of the filled lattice (App. C)."""
    return patch.patch_capacitance(lattice, rho, a_c, n, order, cation_order)


def appendix_c(lattice: str = "fcc", rho: float = 0.8, a_c: float = 0.1, n: int = 2, order: int = 8,
               cation_order: int = 2) -> patch.AppendixC:
    """Eqs. (15)-(20) of App. C on a finite patch (:func:`~supercrystal.spheres.patch.appendix_c`)."""
    return patch.appendix_c(patch_capacitance(lattice, rho, a_c, n, order, cation_order))


# --------------------------------------------------------------------------- Appendix B
@task
def laplace_study(lattice: str = "fcc", rho: float = 1.0, fractions: tuple = (0.48, 0.6, 0.72),
                  ns: tuple = (96, 128, 160)) -> dict:
    """App. B's finite-difference grid study (:func:`supercrystal.spheres.laplace.study`; minutes)."""
    return laplace.study(lattice, rho, tuple(fractions), tuple(ns))


# --------------------------------------------------------------------------- Appendix A
@task
def spectral_radius(rho: float, lmax: int) -> dict:
    """Spectral radius of App. A's image recursion, six spheres around an octahedral pore (fcc)."""
    return {"value": images.spectral_radius(rho, lmax)}


@task
def spectral_radius_sweep(lmax: int, rho_min: float, step: float = 0.025) -> dict:
    """Spectral radius versus rho for the paper's rules and two variants, and the critical rho (App. A)."""
    grid = np.round(np.linspace(rho_min, 1.0, int(round((1.0 - rho_min) / step)) + 1), 6)
    variants = (("paper_rules", {}), ("grounded", dict(compensate=False)), ("sequential", dict(order="sequential")))
    # rho outermost: the three variants share each radius's geometry (images.build_operator)
    values = np.array([[images.spectral_radius(float(x), lmax, **kw) for _, kw in variants] for x in grid])
    out = {"rho": grid}
    for k, (name, _) in enumerate(variants):
        out[name] = values[:, k]
    out["critical_rho"] = np.array([images.critical_rho(lmax, bracket=(0.85, 1.0))])
    return out


# --------------------------------------------------------------------------- Sec. V: Monte Carlo
_COERCE = {"int": int, "float": float, "str": str}


def _device(dev) -> dict:
    """A device's parameters in the key's form (each field coerced to its type): a
    :class:`~supercrystal.montecarlo.runs.DeviceParams` or a subclass (the polar device adds ``eps_nc``)."""
    return {f.name: _COERCE[str(f.type)](getattr(dev, f.name)) for f in dataclasses.fields(dev)}


def _run(run) -> dict:
    r = run if run is not None else montecarlo.RunParams()
    return dict(n_volts=int(r.n_volts), n_equil=int(r.n_equil), n_measure=int(r.n_measure),
                window=[float(w) for w in r.window], anchor=bool(r.anchor))


@task
def mc_curve(L: int, a_nm: float, b_nm: float, material: str, eps_liquid: float, pore: str, e_ion_ev: float,
             gap_nm: float, T_kelvin: float, spread: float, realisation: int, seed: int, step: int,
             n_volts: int, n_equil: int, n_measure: int, window: tuple, anchor: bool) -> montecarlo.ChargingCurve:
    """One realisation's charging curve (:func:`supercrystal.montecarlo.runs.run_curve`), uniform eps
    (Sec. III's model)."""
    dev = montecarlo.DeviceParams(L=L, a_nm=a_nm, b_nm=b_nm, material=material, eps_liquid=eps_liquid, pore=pore,
                                  e_ion_ev=e_ion_ev, gap_nm=gap_nm)
    return montecarlo.run_curve(dev, T_kelvin, spread, realisation, _run_params(n_volts, n_equil, n_measure,
                                                                                window, anchor), seed, step)


@task
def polar_mc_curve(L: int, a_nm: float, b_nm: float, material: str, eps_liquid: float, pore: str,
                   e_ion_ev: float, gap_nm: float, eps_nc: float, T_kelvin: float, spread: float, realisation: int,
                   seed: int, step: int, n_volts: int, n_equil: int, n_measure: int, window: tuple,
                   anchor: bool) -> montecarlo.ChargingCurve:
    """:func:`mc_curve` with NC cores of dielectric constant ``eps_nc``
    (:class:`supercrystal.montecarlo.polar.PolarDeviceParams`; beyond the paper)."""
    dev = mc_polar.PolarDeviceParams(L=L, a_nm=a_nm, b_nm=b_nm, material=material, eps_liquid=eps_liquid,
                                     pore=pore, e_ion_ev=e_ion_ev, gap_nm=gap_nm, eps_nc=eps_nc)
    return montecarlo.run_curve(dev, T_kelvin, spread, realisation, _run_params(n_volts, n_equil, n_measure,
                                                                                window, anchor), seed, step)


def _run_params(n_volts, n_equil, n_measure, window, anchor) -> montecarlo.RunParams:
    return montecarlo.RunParams(n_volts=n_volts, n_equil=n_equil, n_measure=n_measure, window=tuple(window),
                                anchor=anchor)


def _curve_task(dev):
    """The curve task of a device: :func:`polar_mc_curve` for polarizable cores, else :func:`mc_curve`."""
    return polar_mc_curve if isinstance(dev, mc_polar.PolarDeviceParams) else mc_curve


def curve_call(dev, T_kelvin: float, spread: float = 0.0, realisation: int = 0, run=None, seed: int = 0,
               step: int = 1) -> tuple:
    """The (task, args, kwargs) of :func:`curve`, for ``cache.prefetch``."""
    return (_curve_task(dev), (), dict(**_device(dev), T_kelvin=float(T_kelvin), spread=float(spread),
                                       realisation=int(realisation), seed=int(seed), step=int(step), **_run(run)))


def curve(dev, T_kelvin: float, spread: float = 0.0, realisation: int = 0, run=None, seed: int = 0,
          step: int = 1) -> montecarlo.ChargingCurve:
    """:func:`mc_curve` (or :func:`polar_mc_curve`) for a :class:`~supercrystal.montecarlo.runs.DeviceParams`
    (or :class:`~supercrystal.montecarlo.polar.PolarDeviceParams`) and a
    :class:`~supercrystal.montecarlo.runs.RunParams` (default ``RunParams()``)."""
    task, args, kwargs = curve_call(dev, T_kelvin, spread, realisation, run, seed, step)
    return task(*args, **kwargs)


def cooperativity_end(dev, T_grid, spread: float = 0.0, run=None, seed: int = 0,
                      fit_min: float = 0.25) -> montecarlo.CooperativityEnd:
    """End of cooperativity from :func:`curve` at each temperature of ``T_grid`` (K; default run
    :data:`~supercrystal.montecarlo.runs.T_END_RUN`), fitted by
    :func:`~supercrystal.montecarlo.runs.cooperativity_end_fit`."""
    T_grid = np.sort(np.asarray(T_grid, float))
    run = montecarlo.T_END_RUN if run is None else run
    jumps = [curve(dev, T, spread, 0, run, seed).jump for T in T_grid]
    return montecarlo.cooperativity_end_fit(dev, T_grid, jumps, fit_min)


@task
def mc_peak_width(device: dict, T_kelvin: float, spacing_mV: float, seeds: int, n_equil: int, n_measure: int,
                  fit_mV: float, cut: float, reference: dict, run: dict, seed: int) -> montecarlo.PeakWidth:
    """The resolved 10-90 % width of the step (:func:`supercrystal.montecarlo.runs.run_peak_width`),
    located on the coarse curve of ``reference`` (minutes)."""
    return _peak_width(montecarlo.DeviceParams, mc_curve, device, T_kelvin, spacing_mV, seeds, n_equil,
                       n_measure, fit_mV, cut, reference, run, seed)


@task
def polar_mc_peak_width(device: dict, T_kelvin: float, spacing_mV: float, seeds: int, n_equil: int,
                        n_measure: int, fit_mV: float, cut: float, reference: dict, run: dict,
                        seed: int) -> montecarlo.PeakWidth:
    """:func:`mc_peak_width` of a device with polarizable cores (``device`` and ``reference`` hold
    ``eps_nc``; :class:`supercrystal.montecarlo.polar.PolarDeviceParams`)."""
    return _peak_width(mc_polar.PolarDeviceParams, polar_mc_curve, device, T_kelvin, spacing_mV, seeds, n_equil,
                       n_measure, fit_mV, cut, reference, run, seed)


def _peak_width(device_class, curve_task, device, T_kelvin, spacing_mV, seeds, n_equil, n_measure, fit_mV, cut,
                reference, run, seed):
    ref = device_class(**reference)
    coarse = curve_task(**_device(ref), T_kelvin=float(T_kelvin), spread=0.0, realisation=0, seed=int(seed),
                        step=1, **run)
    return montecarlo.run_peak_width(device_class(**device), T_kelvin, coarse, spacing_mV, seeds, n_equil,
                                     n_measure, fit_mV, cut, seed)


def peak_width(dev, T_kelvin: float, spacing_mV: float = 1.0, seeds: int = 4, n_equil: int = 200,
               n_measure: int = 2000, fit_mV: float = 2.5, cut: float = 0.5, reference=None, run=None,
               seed: int = 0) -> montecarlo.PeakWidth:
    """:func:`mc_peak_width` (or :func:`polar_mc_peak_width`) of a device (``reference``, default ``dev``: the
    sample whose coarse curve locates the step; ``run``: its effort, default ``RunParams()``)."""
    ref = dev if reference is None else reference
    if isinstance(dev, mc_polar.PolarDeviceParams) != isinstance(ref, mc_polar.PolarDeviceParams):
        raise ValueError("peak_width: dev and reference must both have polarizable cores or both not")
    task = polar_mc_peak_width if isinstance(dev, mc_polar.PolarDeviceParams) else mc_peak_width
    return task(_device(dev), T_kelvin, spacing_mV, seeds, n_equil, n_measure, fit_mV, cut, _device(ref),
                _run(run), seed)


# --------------------------------------------------------------------------- Sec. V: equilibrium by replica exchange
def point_seed(params: dict) -> int:
    """The chain seed of one equilibrium point: 32 bits of the SHA-256 of all its parameters (the user's seed
    among them), so each task is seeded from what it computes, never from where or when it runs."""
    blob = json.dumps(params, sort_keys=True)
    return int(hashlib.sha256(blob.encode()).hexdigest()[:8], 16)


@task
def mc_equilibrium_point(L: int, a_nm: float, b_nm: float, material: str, eps_liquid: float, pore: str,
                         e_ion_ev: float, gap_nm: float, spread: float, realisation: int, volts: float,
                         T_kelvin: float, replicas: int, T_max_kelvin: float, n_equil: int, n_measure: int,
                         sweeps: int, seed: int) -> montecarlo.EquilibriumPoint:
    """nu at one (V, T) by replica exchange (:func:`supercrystal.montecarlo.equilibrium.equilibrium_point`);
    ``T_max_kelvin`` 0: the default top of the ladder; the chains' seed is :func:`point_seed` of all the
    parameters.  The unit of work of :mod:`supercrystal.engine`."""
    params = dict(L=L, a_nm=a_nm, b_nm=b_nm, material=material, eps_liquid=eps_liquid, pore=pore,
                  e_ion_ev=e_ion_ev, gap_nm=gap_nm, spread=spread, realisation=realisation, volts=volts,
                  T_kelvin=T_kelvin, replicas=replicas, T_max_kelvin=T_max_kelvin, n_equil=n_equil,
                  n_measure=n_measure, sweeps=sweeps, seed=seed)
    dev = montecarlo.DeviceParams(L=L, a_nm=a_nm, b_nm=b_nm, material=material, eps_liquid=eps_liquid, pore=pore,
                                  e_ion_ev=e_ion_ev, gap_nm=gap_nm)
    return montecarlo.equilibrium_point(dev.model(spread, realisation), volts, T_kelvin, replicas,
                                        T_max_kelvin if T_max_kelvin > 0 else None, n_equil, n_measure, sweeps,
                                        point_seed(params))


def equilibrium_calls(dev, T_kelvin: float, volts, spread: float = 0.0, realisation: int = 0, replicas: int = 6,
                      T_max_kelvin: float = 0.0, n_equil: int = 100, n_measure: int = 1000, sweeps: int = 4,
                      seed: int = 0) -> list:
    """The (task, kwargs) calls of :func:`mc_equilibrium_point` for each voltage of ``volts``: what
    :func:`supercrystal.engine.compute` distributes."""
    common = dict(**_device(dev), spread=float(spread), realisation=int(realisation), T_kelvin=float(T_kelvin),
                  replicas=int(replicas), T_max_kelvin=float(T_max_kelvin), n_equil=int(n_equil),
                  n_measure=int(n_measure), sweeps=int(sweeps), seed=int(seed))
    return [(mc_equilibrium_point, dict(common, volts=float(v))) for v in np.atleast_1d(volts)]


# --------------------------------------------------------------------------- Sec. V: end point by finite-size scaling
@task
def mc_fss_run(L: int, a_nm: float, b_nm: float, material: str, eps_liquid: float, pore: str, e_ion_ev: float,
               gap_nm: float, kTs: tuple, n_equil: int, n_measure: int, sweeps: int, pilots: int,
               seed: int) -> dict:
    """One sample size's replica exchange along the coexistence line over the ladder ``kTs`` (e^2/(eps b))
    with the Binder cumulant, the jump and tau at each rung
    (:func:`supercrystal.montecarlo.fss.fss_run`); the chains' seed is :func:`point_seed` of all the
    parameters.  The unit of work of the end-point study (one per size and seed)."""
    params = dict(L=L, a_nm=a_nm, b_nm=b_nm, material=material, eps_liquid=eps_liquid, pore=pore,
                  e_ion_ev=e_ion_ev, gap_nm=gap_nm, kTs=[float(k) for k in kTs], n_equil=n_equil,
                  n_measure=n_measure, sweeps=sweeps, pilots=pilots, seed=seed)
    dev = montecarlo.DeviceParams(L=L, a_nm=a_nm, b_nm=b_nm, material=material, eps_liquid=eps_liquid, pore=pore,
                                  e_ion_ev=e_ion_ev, gap_nm=gap_nm)
    st, acc = montecarlo.fss.fss_run(dev.model(), np.asarray(kTs, float), n_equil, n_measure, sweeps, pilots,
                                     seed=point_seed(params))
    out = {f.name: np.asarray(getattr(st, f.name)) for f in dataclasses.fields(st)}
    out["acceptance"] = np.asarray(acc)
    return out


@task
def polar_fss_run(L: int, a_nm: float, b_nm: float, material: str, eps_liquid: float, pore: str, e_ion_ev: float,
                  gap_nm: float, eps_nc: float, kTs: tuple, n_equil: int, n_measure: int, sweeps: int, pilots: int,
                  seed: int) -> dict:
    """:func:`mc_fss_run` with NC cores of dielectric constant ``eps_nc``
    (:class:`supercrystal.montecarlo.polar.PolarDeviceParams`; beyond the paper): the polar end point by
    finite-size scaling."""
    params = dict(L=L, a_nm=a_nm, b_nm=b_nm, material=material, eps_liquid=eps_liquid, pore=pore,
                  e_ion_ev=e_ion_ev, gap_nm=gap_nm, eps_nc=eps_nc, kTs=[float(k) for k in kTs], n_equil=n_equil,
                  n_measure=n_measure, sweeps=sweeps, pilots=pilots, seed=seed)
    dev = mc_polar.PolarDeviceParams(L=L, a_nm=a_nm, b_nm=b_nm, material=material, eps_liquid=eps_liquid,
                                     pore=pore, e_ion_ev=e_ion_ev, gap_nm=gap_nm, eps_nc=eps_nc)
    st, acc = montecarlo.fss.fss_run(dev.model(), np.asarray(kTs, float), n_equil, n_measure, sweeps, pilots,
                                     seed=point_seed(params))
    out = {f.name: np.asarray(getattr(st, f.name)) for f in dataclasses.fields(st)}
    out["acceptance"] = np.asarray(acc)
    return out


def fss_calls(dev, kTs, sizes, seeds: int, n_equil: int = 100, n_measure: int = 3000, sweeps: int = 2,
              pilots: int = 2, seed: int = 0) -> list:
    """The (task, kwargs) calls of :func:`mc_fss_run` (:func:`polar_fss_run` for a polar device) for every size
    of ``sizes`` and ``seeds`` independent seeds (seed, seed + 1, ...): what :func:`supercrystal.engine.compute`
    distributes, largest sizes first."""
    base = {k: v for k, v in _device(dev).items() if k != "L"}
    kts = [float(k) for k in np.sort(np.asarray(kTs, float))]
    run_task = polar_fss_run if isinstance(dev, mc_polar.PolarDeviceParams) else mc_fss_run
    return [(run_task, dict(base, L=int(L), kTs=kts, n_equil=int(n_equil), n_measure=int(n_measure),
                              sweeps=int(sweeps), pilots=int(pilots), seed=int(seed) + s))
            for L in sorted(sizes, reverse=True) for s in range(int(seeds))]


def end_point_study(dev, kTs, sizes, seeds: int, n_equil: int = 100, n_measure: int = 3000, sweeps: int = 2,
                    pilots: int = 2, seed: int = 0, client=None, progress: bool = False, cached_only: bool = False,
                    series: bool = False):
    """Every :func:`fss_calls` result (through :func:`supercrystal.engine.compute`: from the cache where held,
    else computed here or on the Dask ``client``; ``cached_only``: never computed, raising
    :class:`~supercrystal.book.cache.NotArchived` if any is missing), gathered into
    :class:`supercrystal.montecarlo.scaling.Study`.  ``series``: the runs of :func:`mc_mixing_run` instead (the
    same chains and statistics, their series kept for :func:`mixing_study`; the book scale)."""
    from supercrystal import engine
    from supercrystal.montecarlo import scaling

    calls = fss_calls(dev, kTs, sizes, seeds, n_equil, n_measure, sweeps, pilots, seed)
    if series:
        calls = [(mc_mixing_run, kw) for _, kw in calls]
    results = engine.compute(calls, client=client, progress=progress, cached_only=cached_only)
    runs: dict = {}
    for (_, kw), res in zip(calls, results):
        runs.setdefault(kw["L"], []).append(res)
    return scaling.study(np.asarray(calls[0][1]["kTs"]), runs)


@task
def mc_mixing_run(L: int, a_nm: float, b_nm: float, material: str, eps_liquid: float, pore: str, e_ion_ev: float,
                  gap_nm: float, kTs: tuple, n_equil: int, n_measure: int, sweeps: int, pilots: int,
                  seed: int) -> dict:
    """The run of :func:`mc_fss_run` with the same arguments (the same chains: :func:`point_seed` of the same
    parameters), its series kept (:func:`supercrystal.montecarlo.mixing.coexistence_run`): :func:`mc_fss_run`'s
    result (the rung statistics from every sweep, bit for bit) plus, at the end of each segment, N_el (int16) and
    H (float32) for the field-mixing analysis, and n_nc."""
    from supercrystal.montecarlo import mixing

    params = dict(L=L, a_nm=a_nm, b_nm=b_nm, material=material, eps_liquid=eps_liquid, pore=pore,
                  e_ion_ev=e_ion_ev, gap_nm=gap_nm, kTs=[float(k) for k in kTs], n_equil=n_equil,
                  n_measure=n_measure, sweeps=sweeps, pilots=pilots, seed=seed)
    dev = montecarlo.DeviceParams(L=L, a_nm=a_nm, b_nm=b_nm, material=material, eps_liquid=eps_liquid, pore=pore,
                                  e_ion_ev=e_ion_ev, gap_nm=gap_nm)
    r = mixing.coexistence_run(dev.model(), np.asarray(kTs, float), n_equil, n_measure, sweeps, pilots,
                               seed=point_seed(params))
    if r.n_series.max() > np.iinfo(np.int16).max:
        raise ValueError(f"L = {L}: N_el up to {r.n_series.max()} does not fit the stored int16 series")
    st = montecarlo.fss.rung_statistics(r)
    out = {f.name: np.asarray(getattr(st, f.name)) for f in dataclasses.fields(st)}
    out.update(acceptance=np.asarray(r.acceptance), n_nc=np.asarray(r.n_nc),
               n=r.n_series[:, sweeps - 1::sweeps].astype(np.int16),
               e=r.e_series[:, sweeps - 1::sweeps].astype(np.float32))
    return out


def mixing_study(dev, kTs, sizes, seeds: int, n_equil: int = 100, n_measure: int = 3000, sweeps: int = 2,
                 pilots: int = 2, seed: int = 0, client=None, progress: bool = False):
    """:class:`supercrystal.montecarlo.mixing.MixedStudy` of the :func:`mc_mixing_run` of every size and seed
    (the calls of :func:`fss_calls` with the series kept), through :func:`supercrystal.engine.compute`."""
    from supercrystal import engine
    from supercrystal.montecarlo import mixing

    calls = [(mc_mixing_run, kw) for _, kw in fss_calls(dev, kTs, sizes, seeds, n_equil, n_measure, sweeps, pilots,
                                                        seed)]
    results = engine.compute(calls, client=client, progress=progress)
    runs: dict = {}
    for (_, kw), res in zip(calls, results):
        runs.setdefault(kw["L"], []).append(res)
    return mixing.mixed_study(runs)


# --------------------------------------------------------------------------- Sec. V: size disorder at scale (issue 13)
def disorder_run(dev, spread: float, run=None) -> montecarlo.RunParams:
    """``run`` (default :data:`~supercrystal.montecarlo.disorder.DISORDER_RUN`) with its voltage window widened
    by the spread of E_q of ``dev`` at ``spread`` (:func:`~supercrystal.montecarlo.disorder.disorder_window`)."""
    from supercrystal.semiconductor.energies import device, levels

    d = montecarlo.DeviceParams(**dev) if isinstance(dev, dict) else dev
    r = montecarlo.DISORDER_RUN if run is None else run
    lv = levels(device(d.a_nm, d.b_nm, material=d.material, epsilon=d.eps_liquid, pore=d.pore,
                       e_ion_ev=d.e_ion_ev))
    sigma = montecarlo.eq_spread(lv.E_q / lv.coulomb, spread)
    window = montecarlo.disorder_window(r.window, sigma)
    return dataclasses.replace(r, window=tuple(round(w, 9) for w in window))


def disorder_calls(dev, T_kelvin: float, spread: float, realisations: int, run=None, seed: int = 0) -> list:
    """The (task, kwargs) calls of :func:`mc_curve` of ``realisations`` disorder samples (at spread 0:
    independent chains of the one sample), on the window :func:`disorder_run`: what
    :func:`supercrystal.engine.compute` distributes (realisation r: disorder seed r, chain seed seed + 1000 r)."""
    if int(realisations) < 2:
        raise ValueError(f"realisations must be >= 2 for an error (got realisations={realisations!r})")
    dev = montecarlo.DeviceParams(**dev) if isinstance(dev, dict) else dev
    r = disorder_run(dev, spread, run)
    common = dict(**_device(dev), T_kelvin=float(T_kelvin), spread=float(spread), seed=int(seed), step=1,
                  **_run(r))
    return [(mc_curve, dict(common, realisation=k)) for k in range(int(realisations))]


def disorder_point(dev, T_kelvin: float, spread: float, realisations: int = 20, run=None, seed: int = 0,
                   client=None) -> montecarlo.DisorderPoint:
    """:func:`~supercrystal.montecarlo.disorder.disorder_point` over ``realisations`` samples of ``dev``
    (:func:`disorder_calls`, computed through :func:`supercrystal.engine.compute`: in this process, or on the
    Dask ``client``)."""
    from supercrystal import engine
    from supercrystal.semiconductor.energies import device, levels

    d = montecarlo.DeviceParams(**dev) if isinstance(dev, dict) else dev
    calls = disorder_calls(d, T_kelvin, spread, realisations, run, seed)
    curves = engine.compute(calls, client)
    r = disorder_run(d, spread, run)
    lv = levels(device(d.a_nm, d.b_nm, material=d.material, epsilon=d.eps_liquid, pore=d.pore,
                       e_ion_ev=d.e_ion_ev))
    n_nc = (4 * d.L) ** 2 if d.pore == "gate" else 4 * d.L ** 3
    return montecarlo.disorder_point(curves, d.L, n_nc, T_kelvin, spread, r.n_measure, r.window,
                                     1e3 * montecarlo.eq_spread(lv.E_q, spread))


def disorder_points(dev, T_kelvin, spreads, sizes, realisations: int = 20, clean_chains: int = 8, run=None,
                    seed: int = 0, client=None, progress=None) -> dict:
    """:func:`disorder_point` for every (T, spread, L) of the grids ({(T, spread, L): point}; at spread 0
    ``clean_chains`` independent chains); the missing curves of the whole grid are computed first in one
    :func:`supercrystal.engine.compute` (on the Dask ``client`` if given; ``progress``: a progress bar)."""
    from supercrystal import engine

    d = montecarlo.DeviceParams(**dev) if isinstance(dev, dict) else dev
    grid = [(float(T), float(s), int(L)) for T in np.atleast_1d(T_kelvin) for s in np.atleast_1d(spreads)
            for L in np.atleast_1d(sizes)]
    nreal = {s: (int(clean_chains) if s == 0 else int(realisations)) for _, s, _ in grid}
    devs = {L: dataclasses.replace(d, L=L) for _, _, L in grid}
    calls = [c for T, s, L in grid for c in disorder_calls(devs[L], T, s, nreal[s], run, seed)]
    engine.compute(calls, client, progress=bool(progress))
    return {(T, s, L): disorder_point(devs[L], T, s, nreal[s], run, seed) for T, s, L in grid}
