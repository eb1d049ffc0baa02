"""Markov chains of the grand-canonical lattice Monte Carlo (Sec. V): runs, branches, block errors.

:func:`run` drives the compiled kernel (:mod:`supercrystal.montecarlo.kernel`) through a list of
voltages mu (the electrochemical potential eV set by the gate, units of e^2/(eps b)), carrying the
state from one voltage to the next, and returns the per-sweep series of the electron number N_el and
of the energy H (:class:`Chain`).  A sweep is one attempted move per site (NCs + pores).
:class:`Branch` is what a sweep through the voltages measures per NC: the filling nu = <N_el>/N, the
fluctuation capacitance d nu / d mu = var(N_el)/(N kT) (C / (e^2 N), the quantity of Fig. 4) and the
grand potential (:mod:`supercrystal.montecarlo.thermo`).  Errors are block (batch-means) errors; the
integrated autocorrelation times of N_el and H and the errors they give are :class:`Branch` properties
(:mod:`supercrystal.montecarlo.autocorr`).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from supercrystal.montecarlo.autocorr import autocorr
from supercrystal.montecarlo.kernel import mc_kernel
from supercrystal.montecarlo.lattice import MCModel, state

#: Probabilities of the global pair move, the local pair move (NC and adjacent pore), the electron
#: hop (the rest: cation hop).
MOVE_PROBS = (0.15, 0.25, 0.3)


@dataclass(frozen=True, eq=False)
class Chain:
    """Raw output of :func:`run`: per-sweep series of N_el and H at each mu, and the final state.

    mu : (m,) voltages in the order run, e^2/(eps b); kT : temperature, e^2/(eps b);
    n_series, e_series : (m, n_measure) N_el and H (without -mu N) after each measured sweep;
    n, c : the final occupations of the NCs and the pores.
    """

    mu: np.ndarray
    kT: float
    n_series: np.ndarray
    e_series: np.ndarray
    n: np.ndarray
    c: np.ndarray


def run(model: MCModel, mus, kT: float, start: str | tuple = "empty", n_equil: int = 200,
        n_measure: int = 1000, seed: int = 0, n_range: tuple | None = None,
        dense: bool | None = None) -> Chain:
    """Run one Markov chain through the voltages ``mus`` (units of e^2/(eps b)) in the given order.

    A sweep is n_nc + n_pore attempted moves.  ``start`` is a :func:`state` kind or an (n, c) pair.
    ``n_range = (n_min, n_max)`` restricts the electron number to that interval (a phase-restricted
    ensemble, :func:`supercrystal.montecarlo.width.restricted_branch`; the start must lie inside);
    None: unrestricted.  ``dense``: how the kernel reads the pair table (True: the dense rows, False: the
    translation-symmetric table, None: dense up to :data:`~supercrystal.montecarlo.pairtable.DENSE_SITES`
    sites, the faster choice); the chain is the same either way (to rounding of the energies).
    kT in e^2/(eps b); raises ValueError for kT <= 0 or non-positive sweep counts.
    """
    if not (np.isfinite(kT) and kT > 0):
        raise ValueError(f"kT must be positive (got kT={kT!r})")
    if n_measure < 1 or n_equil < 0:
        raise ValueError(f"n_measure must be >= 1 and n_equil >= 0 (got {n_measure}, {n_equil})")
    n, c = state(model, start) if isinstance(start, str) else (np.array(start[0], np.int64),
                                                                np.array(start[1], np.int64))
    n, c = n.astype(np.int64).copy(), c.astype(np.int64).copy()
    if n.sum() != c.sum():
        raise ValueError("start configuration is not neutral")
    lat = model.lattice
    n_min, n_max = (0, 2 * lat.n_nc) if n_range is None else (int(n_range[0]), int(n_range[1]))
    if not n_min <= n.sum() <= n_max:
        raise ValueError(f"start has N_el = {n.sum()} outside n_range = ({n_min}, {n_max})")
    mus = np.atleast_1d(np.asarray(mus, dtype=float))
    ns, es = mc_kernel(*lat.table.kernel_arrays(dense), lat.n_nc, lat.nc_neighbours,
                       lat.pore_neighbours, lat.nc_pores, model.eq, model.er, float(model.e_ion), mus,
                       1.0 / kT, n, c, int(n_equil), int(n_measure), int(seed), MOVE_PROBS[0],
                       MOVE_PROBS[1], MOVE_PROBS[2], n_min, n_max)
    return Chain(mu=mus, kT=float(kT), n_series=ns, e_series=es, n=n, c=c)


def block_error(series: np.ndarray, n_blocks: int = 10) -> np.ndarray:
    """Standard error of the mean of each row by the block (batch-means) method."""
    s = np.atleast_2d(series).astype(float)
    m = (s.shape[1] // n_blocks) * n_blocks
    blocks = s[:, :m].reshape(s.shape[0], n_blocks, -1).mean(axis=2)
    return blocks.std(axis=1, ddof=1) / np.sqrt(n_blocks)


@dataclass(frozen=True, eq=False)
class Branch:
    """One voltage sweep with its thermodynamics, per NC, energies in e^2/(eps b).

    mu : voltages in the order swept; nu, nu_err : mean filling <N_el>/N_nc and its block error;
    dnu_dmu : the grand-canonical fluctuation formula var(N_el) / (N_nc kT) (= C / (e^2 N_nc)), with
    dnu_dmu_err the scatter of the variances of 10 blocks over sqrt(10);
    omega, omega_err : grand potential per NC; chain : the raw series; n_nc : number of NCs.
    Properties: tau_n, tau_h : integrated autocorrelation times (sweeps) of N_el and H at each mu;
    nu_err_tau : the error of nu from tau_n, sqrt(var 2 tau / n) (the fields keep the block errors).
    """

    mu: np.ndarray
    nu: np.ndarray
    nu_err: np.ndarray
    dnu_dmu: np.ndarray
    dnu_dmu_err: np.ndarray
    omega: np.ndarray
    omega_err: np.ndarray
    chain: Chain
    n_nc: int

    @property
    def tau_n(self) -> np.ndarray:
        return autocorr(self.chain.n_series).tau

    @property
    def tau_h(self) -> np.ndarray:
        return autocorr(self.chain.e_series).tau

    @property
    def nu_err_tau(self) -> np.ndarray:
        return autocorr(self.chain.n_series).err / self.n_nc
