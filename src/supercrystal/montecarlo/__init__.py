"""Grand-canonical lattice Monte Carlo of the gated super-crystal at finite temperature (Sec. V, Fig. 4).

The paper's Sec. V only *estimates* whether temperature and the size spread of the NCs destroy the delta
peaks of C(V) (Fig. 4 is a schematic).  This package computes it, in modules read bottom-up:

    pairtable    the pair table stored by translation symmetry: O(N) memory, read by index
                 arithmetic; a dense table is its one-cell case
    lattice      the periodic fcc super-crystal (L <= 12), its pores and Ewald pair table, the model's
                 site energies (Eqs. 2, 11, 13) and grand Hamiltonian; filled states give Eqs. (5), (8),
                 (11); other Green's functions of the lattice enter as rows or a pair function
    kernel       the numba-compiled Metropolis kernel: neutral moves, spin weights, detailed balance
    autocorr     integrated autocorrelation times (emcee's estimator) and the errors of means from them
    chains       Markov chains through a list of voltages, block errors, the measured branch nu(mu)
    replicas     replica exchange (parallel tempering in T, or along any (kT, mu) ladder) on chain
                 segments: chains that cross between the phases below the end of the first-order line
    reweight     MBAR (pymbar) over the replicas' samples: equilibrium nu(mu), grand potential, the
                 coexistence voltage and the jump at any temperature, errors over independent runs
    thermo       grand potentials by thermodynamic integration, the equilibrium step V*, its jump,
                 the end of the first-order line; exact enumeration for the tests
    disorder     quenched size disorder at scale: the window widened with the spread of E_q, each
                 realisation's jump, its detection floor and tau at the step, the statistics over
                 realisations and the trend of the jump with the sample size
    width        the resolved 10-90 % width of the step from phase-restricted branches
    equilibrium  nu at one (V, T) by replica exchange, with tau and the swap statistics: the unit of work
                 of the distributed sweeps (supercrystal.engine)
    gate_layer   the contrast of Fig. 3: one NC layer under a planar metal gate, on the same engine
    curves       charging curves nu(V), C(V) in volts: the quantitative Fig. 4
    runs         device and run parameters, one realisation's curve, the end of
                 cooperativity and the resolved width (computed; the cached runs and the loops over
                 temperatures, spreads and realisations are tasks of supercrystal.book.tasks)
    fss          the end point of the first-order line by finite-size scaling: replica exchange along the
                 coexistence line, the equal-weight voltage, the Binder cumulant and the equilibrium jump
    scaling      the analysis of fss: crossings of the cumulants, T_c with its errors (NOT imported here:
                 the cached runs of fss do not depend on it)
    mixing       field mixing at the end point: the order parameter nu - s u, its cumulant (NOT imported
                 here, for the same reason: ``from supercrystal.montecarlo import mixing``)
    polar        beyond the paper: polarizable NC cores (the Green's function of dielectric spheres as the
                 pair table, Sigma_1, E_r(kappa)); NOT imported here, so that the uniform model's code
                 fingerprint holds no sphere solver: ``from supercrystal.montecarlo import polar``

Energies inside are in units of e^2/(eps b) and lengths in b; volts and kelvin enter and leave in
``curves`` and ``runs`` only.  The names below are re-exported, so ``from supercrystal import montecarlo
as mc; mc.run_curve(...)`` reaches every public function.
"""
from supercrystal.montecarlo.pairtable import DENSE_SITES, PairTable
from supercrystal.montecarlo.lattice import (LOG_G, STEP_STATES, MCLattice, MCModel, charges,
                                             disordered_radii, energy, ewald_pair_table, log_degeneracy,
                                             mc_lattice, mc_model, model_from_arrays, neighbour_lists,
                                             pair_table_from_function, pair_table_from_rows,
                                             site_energies, state, step_states)
from supercrystal.montecarlo import autocorr, fss, reweight  # the modules (their main functions share the names)
from supercrystal.montecarlo.autocorr import Autocorr, error_of_mean, integrated_time
from supercrystal.montecarlo.chains import MOVE_PROBS, Branch, Chain, block_error, run
from supercrystal.montecarlo.replicas import (ReplicaRun, coexistence_ladder, phase_crossings,
                                              replica_exchange, temperature_ladder)
from supercrystal.montecarlo.reweight import Reweighted, combine
from supercrystal.montecarlo.thermo import (BETA_ISING, Transition, anchor_cycle, anchor_omega, anchored,
                                            exact_distribution, exact_omega, first_order_end, sweep, transition)
from supercrystal.montecarlo.disorder import (DISORDER_RUN, DisorderPoint, SampleStep, SizeTrend,
                                               disorder_point, disorder_window, eq_spread, sample_step,
                                               size_trend)
from supercrystal.montecarlo.width import BranchWidth, branch_width, equilibrium_width, restricted_branch
from supercrystal.montecarlo.equilibrium import EquilibriumPoint, equilibrium_point
from supercrystal.montecarlo.gate_layer import gate_layer_model, gate_onset
from supercrystal.montecarlo.curves import ChargingCurve, charging_curve
from supercrystal.montecarlo.runs import (T_END_GRID_UNIT, T_END_RUN, WIDTH_SEEDS, CooperativityEnd,
                                          DeviceParams, PeakWidth, RunParams,
                                          cooperativity_end_fit, end_grid_kelvin,
                                          run_curve, run_peak_width)

__all__ = [
    # pairtable
    "DENSE_SITES", "PairTable",
    # lattice
    "LOG_G", "STEP_STATES", "MCLattice", "MCModel", "charges", "disordered_radii", "energy",
    "ewald_pair_table", "log_degeneracy", "mc_lattice", "mc_model", "model_from_arrays",
    "neighbour_lists", "pair_table_from_function", "pair_table_from_rows", "site_energies", "state",
    "step_states",
    # autocorr
    "autocorr", "Autocorr", "error_of_mean", "integrated_time",
    # chains
    "MOVE_PROBS", "Branch", "Chain", "block_error", "run",
    # replicas
    "ReplicaRun", "coexistence_ladder", "phase_crossings", "replica_exchange", "temperature_ladder",
    # reweight
    "reweight", "Reweighted", "combine",
    # thermo
    "BETA_ISING", "Transition", "anchor_cycle", "anchor_omega", "anchored", "exact_distribution", "exact_omega",
    "first_order_end", "sweep", "transition",
    # disorder
    "DISORDER_RUN", "DisorderPoint", "SampleStep", "SizeTrend", "disorder_point", "disorder_window",
    "eq_spread", "sample_step", "size_trend",
    # width
    "BranchWidth", "branch_width", "equilibrium_width", "restricted_branch",
    # equilibrium
    "EquilibriumPoint", "equilibrium_point",
    # gate_layer
    "gate_layer_model", "gate_onset",
    # curves
    "ChargingCurve", "charging_curve",
    # runs
    "T_END_GRID_UNIT", "T_END_RUN", "WIDTH_SEEDS", "CooperativityEnd", "DeviceParams",
    "PeakWidth", "RunParams", "cooperativity_end_fit", "end_grid_kelvin",
    "run_curve", "run_peak_width",
]
