"""Replica exchange of the grand-canonical lattice Monte Carlo (Sec. V): exact distributions at every state,
the power of that check, phase crossings where plain chains stay put, determinism."""
import numpy as np
import pytest

from supercrystal import montecarlo as mc
from supercrystal.montecarlo import replicas as rx


def _z_scores(run, model):
    """z-scores of each state's N_el histogram against exact enumeration (errors from tau_int of the
    indicator series)."""
    out = []
    for k in range(len(run.kT)):
        exact = mc.exact_distribution(model, run.mu[k], run.kT[k])
        ind = (run.n_series[k][None, :] == np.arange(len(exact))[:, None]).astype(float)
        a = mc.autocorr.autocorr(ind)
        keep = exact > 1e-3
        out.append((a.mean[keep] - exact[keep]) / np.maximum(a.err[keep], 1e-4))
    return np.concatenate(out)


@pytest.fixture(scope="module")
def cell():
    return mc.mc_model(L=1)  # 4 NCs, 4 octahedral pores: 1296 configurations


def _ladder(m):
    """Four states that differ in T and in mu (so both terms of the swap ratio are exercised)."""
    return rx.temperature_ladder(0.05, 0.4, 4), m.levels.V1 / m.unit_ev + np.array([0.0, -0.05, -0.1, 0.1])


def test_every_state_samples_its_exact_distribution(cell):
    """Short segments (2 sweeps) between swap rounds, so the swaps shape the samples; |z| < 4.5 at every
    state and bin (fails with probability < 1e-4 per bin for a correct sampler)."""
    kts, mus = _ladder(cell)
    r = rx.replica_exchange(cell, kts, mus, n_equil=200, n_measure=10_000, sweeps=2, seed=1)
    z = _z_scores(r, cell)
    assert np.all(np.abs(z) < 4.5), z
    assert np.all(r.acceptance > 0.1) and np.all(r.round_trips > 20)


def test_a_wrong_swap_ratio_is_seen(cell, monkeypatch):
    """Control: each replica's own E = H - mu_k N in the textbook formula (the mu term of the general ratio
    mishandled) biases the histograms by many sigma, so the check above has the power to see it."""
    monkeypatch.setattr(rx, "swap_log_ratio",
                        lambda bi, mi, bj, mj, hx, nx, hy, ny: (bi - bj) * ((hx - mi * nx) - (hy - mj * ny)))
    kts, mus = _ladder(cell)
    r = rx.replica_exchange(cell, kts, mus, n_equil=200, n_measure=10_000, sweeps=2, seed=1)
    assert np.max(np.abs(_z_scores(r, cell))) > 8


def test_random_pair_table_with_disorder_at_a_common_mu():
    """An arbitrary symmetric table and unequal site energies, tempering in T only."""
    rng = np.random.default_rng(5)
    a = rng.normal(size=(7, 7))
    m = mc.model_from_arrays(0.3 * (a + a.T), 3, eq=[0.1, 0.4, -0.2], er=[0.5, 0.2, 1.0], e_ion=0.05)
    r = rx.replica_exchange(m, rx.temperature_ladder(0.1, 0.6, 3), 0.3, n_equil=100, n_measure=8000,
                            sweeps=2, seed=4)
    z = _z_scores(r, m)
    assert np.all(np.abs(z) < 4.5), z


def test_replicas_cross_between_the_phases_where_plain_chains_do_not():
    """L = 2 (32 NCs) at kT = 0.06 e^2/(eps b), below the end of the first-order line (~0.095), at the
    coexistence voltage (Sec. III's V1 - kT ln 2): plain chains of 8000 sweeps started empty or full never
    leave their phase; with eight temperatures up to 0.16 the lowest replica passes between nu <= 1/4 and
    nu >= 3/4 many times within the same number of sweeps (measured: 71 and 112 passages for two seeds)."""
    m = mc.mc_model(L=2)
    mu = m.levels.V1 / m.unit_ev - 0.04
    for start in ("empty", "full"):
        ch = mc.run(m, [mu], 0.06, start, 0, 8000, seed=2)
        assert rx.phase_crossings(ch.n_series / m.lattice.n_nc)[0] == 0
    r = rx.replica_exchange(m, rx.temperature_ladder(0.06, 0.16, 8), mu, n_equil=100, n_measure=2000,
                            sweeps=4, seed=1)
    assert rx.phase_crossings(r.nu_series[:1])[0] >= 20
    assert r.round_trips.sum() >= 5 and np.all(r.acceptance > 0.05)


def test_seeded_by_the_arguments_only(cell):
    kts, mus = _ladder(cell)
    a = rx.replica_exchange(cell, kts, mus, n_equil=5, n_measure=50, seed=3)
    b = rx.replica_exchange(cell, kts, mus, n_equil=5, n_measure=50, seed=3)
    c = rx.replica_exchange(cell, kts, mus, n_equil=5, n_measure=50, seed=4)
    assert np.array_equal(a.n_series, b.n_series) and np.array_equal(a.walker, b.walker)
    assert not np.array_equal(a.n_series, c.n_series)
    with pytest.raises(ValueError, match="kTs"):
        rx.replica_exchange(cell, [0.1, -0.1], 0.0)
    with pytest.raises(ValueError, match="kT_low"):
        rx.temperature_ladder(0.2, 0.1, 3)


def test_equilibrium_point_crosses_at_coexistence_and_a_plain_chain_does_not():
    """montecarlo.equilibrium_point (the engine's unit of work) at L = 2, k_B T = 0.06 e^2/(eps b), at Sec. III's
    coexistence voltage V1 - k_B T ln 2: seven replicas up to the default top pass between the phases and give
    an intermediate filling; one replica (a plain chain from the empty state) stays empty."""
    from supercrystal.units import kT_ev

    m = mc.mc_model(L=2)
    T = 0.06 * m.unit_ev / kT_ev(1.0)
    v = m.levels.V1 - 0.06 * np.log(2) * m.unit_ev
    p = mc.equilibrium_point(m, v, T, replicas=7, n_equil=50, n_measure=1500, sweeps=4, seed=5)
    assert p.crossings >= 20 and 0.1 < p.nu < 0.9 and p.nu_err > 0.02
    assert p.T_ladder[0] == pytest.approx(T) and p.volts_ladder[0] == pytest.approx(v)
    plain = mc.equilibrium_point(m, v, T, replicas=1, n_equil=50, n_measure=1500, sweeps=4, seed=5)
    assert plain.crossings == 0 and plain.nu < 0.05 and len(plain.acceptance) == 0
