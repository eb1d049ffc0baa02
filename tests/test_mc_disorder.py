"""Size disorder at scale (Sec. V, Eq. 13; issue 13): the window, the detection floor, the statistics over
realisations and sizes, a live PbSe point, and the anchor's errors against the scatter of independent runs."""
import dataclasses

import numpy as np
import pytest

from supercrystal import montecarlo as mc
from supercrystal.book import tasks
from supercrystal.montecarlo import disorder, thermo
from supercrystal.semiconductor import fluctuations, materials
from supercrystal.semiconductor.energies import device, levels
from supercrystal.units import kT_ev

CHEAP = mc.RunParams(n_volts=14, n_equil=20, n_measure=80, window=(-0.45, 0.3), anchor=False)


def test_eq_spread_is_eq13_in_coulomb_units():
    lv = levels(device(2.0, 2.5, material="PbSe", epsilon=2.0))
    sb = fluctuations.size_broadening(2.0, materials.material("PbSe").m_eff, 0.07)
    assert disorder.eq_spread(lv.E_q / lv.coulomb, 0.07) * lv.coulomb == pytest.approx(sb.linear, rel=1e-12)
    with pytest.raises(ValueError, match="spread"):
        disorder.eq_spread(1.0, 0.5)


def test_window_widens_with_the_spread_and_not_without():
    assert disorder.disorder_window((-0.45, 0.3), 0.0) == (-0.45, 0.3)
    lo, hi = disorder.disorder_window((-0.45, 0.3), 0.2, sigmas=3.0)
    assert (lo, hi) == pytest.approx((-1.05, 0.9))
    with pytest.raises(ValueError, match="window"):
        disorder.disorder_window((0.3, -0.45), 0.1)
    # PbSe's lighter electron: a larger E_q, hence a wider window than CdSe's at the same spread
    w = {m: tasks.disorder_run(mc.DeviceParams(material=m), 0.07).window for m in ("CdSe", "PbSe")}
    assert w["PbSe"][1] - w["PbSe"][0] > 1.5 * (w["CdSe"][1] - w["CdSe"][0])


@pytest.mark.parametrize("ratio, seen", [(0.7, False), (1.5, True)])
def test_detection_floor_bounds_what_the_histogram_method_sees(ratio, seen):
    """Two equal modes of width sigma, a distance d apart: the kernel-density method of thermo.transition
    sees a jump only above d = 2 sqrt(sigma^2 + h^2), i.e. exactly where d exceeds the floor
    sqrt(2 (s^2 + h^2)) computed from the total variance s^2 = sigma^2 + d^2 / 4."""
    rng = np.random.default_rng(5)
    sigma, h = 0.03, disorder.BANDWIDTH
    d = ratio * 2 * np.hypot(sigma, h)
    x = np.r_[rng.normal(0.5 - d / 2, sigma, 4000), rng.normal(0.5 + d / 2, sigma, 4000)]
    floor = np.sqrt(2 * (x.var() + h ** 2))
    _, jump = thermo._modes(x, h)
    assert (d > floor) == seen
    if seen:
        assert jump == pytest.approx(d, rel=0.1)
    else:
        assert jump == 0.0


def test_pbse_disorder_point_is_finite_and_its_window_holds_the_rise():
    """The PbSe case that printed "nan +- nan mV": every number finite, nu below 10 % and above 90 % inside."""
    dev = mc.DeviceParams(L=2, material="PbSe")
    for spread in (0.04, 0.07):
        p = tasks.disorder_point(dev, 300.0, spread, 3, CHEAP, 0)
        assert np.isfinite([p.jump, p.jump_bound, p.width_mV, p.width_mV_err, p.V_star, p.tau_max]).all()
        eq_nu = np.where(p.volts < p.V_star, p.nu_up, p.nu_down)
        assert eq_nu[0] < 0.1 and eq_nu[-1] > 0.9
        assert "nan" not in p.jump_text and (p.detected or p.jump_text.startswith("<"))
        assert p.sigma_eq_mV == pytest.approx(1e3 * fluctuations.size_broadening(
            2.0, materials.material("PbSe").m_eff, spread).linear)


def test_disorder_calls_are_seeded_from_their_parameters():
    calls = tasks.disorder_calls(mc.DeviceParams(L=2), 300.0, 0.04, 3, CHEAP, 7)
    assert [kw["realisation"] for _, kw in calls] == [0, 1, 2]
    assert all(kw["seed"] == 7 and kw["spread"] == 0.04 for _, kw in calls)
    with pytest.raises(ValueError, match="realisations"):
        tasks.disorder_calls(mc.DeviceParams(L=2), 300.0, 0.04, 1)


def _point(L, jump, err, detected, bound=0.07):
    return disorder.DisorderPoint(
        L=L, n_nc=4 * L ** 3, T_kelvin=300.0, spread=0.04, realisations=20, jump=jump, jump_err=err,
        detected=detected, jump_bound=bound, width_mV=80.0, width_mV_err=2.0, V_star=0.3, V_star_err=1e-3,
        tau_max=16.0, tau_median=12.0, reliable=False, sigma_eq_mV=54.0, window=(-1.0, 0.9), samples=(),
        volts=np.zeros(2), nu_up=np.zeros(2), nu_down=np.zeros(2), C_eq=np.zeros(2), nu_err=np.zeros(2))


def test_size_trend_verdicts():
    absent = disorder.size_trend([_point(L, 0.0, 0.0, 0) for L in (3, 4, 5)])
    assert absent.verdict == "absent at every size"
    lost = disorder.size_trend([_point(3, 0.02, 0.012, 2), _point(4, 0.0, 0.0, 0), _point(5, 0.0, 0.0, 0)])
    assert lost.verdict == "absent on the largest sample"
    vanishing = disorder.size_trend([_point(3, 0.4, 0.05, 20), _point(4, 0.2, 0.05, 15), _point(5, 0.05, 0.04, 4)])
    assert vanishing.verdict == "vanishing with L" and vanishing.slope > 0
    survives = disorder.size_trend([_point(L, 0.5, 0.03, 20) for L in (3, 4, 5)])
    assert survives.verdict == "survives"
    assert disorder.size_trend([_point(3, 0.3, 0.2, 5), _point(4, 0.35, 0.2, 6)]).verdict == "undecided"
    assert _point(5, 0.0, 0.0, 0).jump_text == "< 0.07"
    assert "0.00 ± 0.00" not in _point(5, 0.5, 0.0004, 20).jump_text
    with pytest.raises(ValueError, match="sizes"):
        disorder.size_trend([_point(3, 0.0, 0.0, 0)])


def test_anchor_errors_match_the_scatter_of_independent_runs():
    """anchor_cycle's error (autocorrelation-time errors of both legs, no hand-picked factor) against the
    standard deviation of omega over independent seeds, L = 2 at room temperature: neither halved nor
    doubled (12 seeds: the scatter itself is known to about 20 %)."""
    m = mc.mc_model(L=2)
    kT = kT_ev(300.0) / m.unit_ev
    mu = m.levels.V1 / m.unit_ev + 0.3
    runs = np.array([thermo.anchor_cycle(m, mu, kT, n_temps=13, n_measure=300, seed=100 + 7 * s)[:2]
                     for s in range(12)])
    ratio = runs[:, 0].std(ddof=1) / runs[:, 1].mean()
    assert 0.6 < ratio < 1.6, ratio


def test_an_upper_bound_is_printed_rounded_up():
    assert disorder.bound_up(0.0628) == 0.07 and disorder.bound_up(0.07) == 0.07
    assert _point(5, 0.0, 0.0, 0, bound=0.0628).jump_text == "< 0.07"
